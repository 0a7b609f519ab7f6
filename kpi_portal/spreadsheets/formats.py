"""What the importers accept, and the messages for the files they cannot read.

One wording for every upload (figures, the appendix, the users list), so a user who picks
the wrong file is told the same thing on every page."""

from __future__ import annotations

ACCEPTED_FORMATS = (
    "Các định dạng được nhận: Excel .xlsx, Excel 97–2003 .xls, LibreOffice .ods và CSV "
    "(UTF-8, phân cách bằng dấu phẩy hoặc dấu chấm phẩy)."
)
# Short form for page text and form help.
ACCEPTED_SHORT = ".xlsx, .xls, .ods, .csv"

ENCRYPTED_PROBLEM = (
    "Tệp được đặt mật khẩu (mã hóa) nên cổng không mở được. Hãy mở tệp, bỏ mật khẩu "
    "(trong Excel: Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hóa bằng mật khẩu, xóa trống) "
    "rồi lưu và tải lên lại."
)
OLD_EXCEL_PROBLEM = (
    "Tệp là định dạng Excel quá cũ (Excel 2.x–4.0, trước năm 1995) mà cổng không đọc được. Hãy mở "
    "tệp và lưu lại dưới dạng Excel .xlsx (hoặc Excel 97–2003 .xls). " + ACCEPTED_FORMATS
)
NOT_A_TABLE = (
    "Tệp không phải là bảng tính (Excel .xlsx, .xls, LibreOffice .ods) hoặc CSV. "
    + ACCEPTED_FORMATS
)


class UnreadableTable(Exception):
    """An upload that cannot be read as a table at all; the message is Vietnamese. Each
    importer turns it into its own refusal (ImportRefused, UsersImportRefused)."""
