"""Opening an uploaded .xlsx: the archive checks first, then openpyxl.

An .xlsx is a zip archive. openpyxl would happily inflate a zip bomb, and a password-
protected or old .xls file (both OLE containers) gives it nothing to read, so every
importer (figures, the appendix, the users list) opens an upload through `open_xlsx`."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from indicators.domain.formatting import format_int_vi

# OLE compound file: an old .xls, or any Office file saved with a password (encrypted).
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"

OLE_PROBLEM = (
    "Tệp được đặt mật khẩu (mã hóa) hoặc là định dạng Excel cũ (.xls). "
    "Hãy bỏ mật khẩu và lưu lại dưới dạng .xlsx."
)


class UnreadableXlsx(Exception):
    """The upload cannot be opened as a workbook.

    `problem` is the archive check's Vietnamese message; it is None when the archive passed
    but openpyxl failed on it (`error` is then openpyxl's exception). Each importer words
    that second case itself and raises its own exception type."""

    def __init__(self, problem: str | None, error: Exception | None = None) -> None:
        super().__init__(problem or str(error))
        self.problem = problem
        self.error = error


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


def open_xlsx(data: bytes, *, max_unpacked_bytes: int, read_only: bool = False) -> Workbook:
    """The workbook in `data`, formulas kept as formulas (data_only=False: a formula's cached
    value may be stale or absent, so importers ask for values instead).

    Raises UnreadableXlsx when the archive check refuses the file or openpyxl cannot read it.
    The caller closes the workbook."""
    problem = xlsx_archive_problem(data, max_unpacked_bytes=max_unpacked_bytes)
    if problem:
        raise UnreadableXlsx(problem)
    try:
        return load_workbook(io.BytesIO(data), read_only=read_only, data_only=False)
    except Exception as error:  # openpyxl raises many types for corrupt parts
        raise UnreadableXlsx(None, error) from error
