"""What an uploaded .xlsx must pass before openpyxl opens it.

An .xlsx is a zip archive. openpyxl would happily inflate a zip bomb, and a password-
protected or old .xls file (both OLE containers) gives it nothing to read, so every
importer (figures, the appendix, the users list) asks this one question first."""

from __future__ import annotations

import io
import zipfile

from indicators.domain.formatting import format_int_vi

# OLE compound file: an old .xls, or any Office file saved with a password (encrypted).
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"

OLE_PROBLEM = (
    "Tệp được đặt mật khẩu (mã hóa) hoặc là định dạng Excel cũ (.xls). "
    "Hãy bỏ mật khẩu và lưu lại dưới dạng .xlsx."
)


def xlsx_archive_problem(data: bytes, *, max_unpacked_bytes: int) -> str | None:
    """Why `data` may not be opened as a workbook, in Vietnamese, or None when it may."""
    if not data:
        return "Tệp rỗng, không có dữ liệu."
    if data.startswith(OLE_SIGNATURE):
        return OLE_PROBLEM
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return "Tệp không phải là tệp Excel .xlsx hợp lệ (tệp bị hỏng)."
    # zipfile stops inflating at a member's declared size, so the declared sum bounds the
    # work openpyxl can be made to do.
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked_bytes:
        return (
            f"Tệp Excel quá lớn khi giải nén ({format_int_vi(unpacked)} byte, tối đa "
            f"{format_int_vi(max_unpacked_bytes)} byte); có thể là tệp nén độc hại."
        )
    if "xl/workbook.xml" not in {member.filename for member in members}:
        return "Tệp nén không phải bảng tính Excel .xlsx (có thể là tệp Word hoặc tệp nén khác)."
    return None
