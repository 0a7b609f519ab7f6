"""Telling an uploaded file's format from its bytes and reading it into a ParsedFile: the
appendix (through appendix_read), the portal's .xlsx template or a CSV (through table_read).
A file that cannot be read at all raises ImportRefused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from django.conf import settings
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter

from indicators.domain.formatting import format_int_vi
from indicators.io.appendix_layout import NUMBER_LABEL, AppendixError, ParsedAppendix
from indicators.io.appendix_read import appendix_read_workbook
from indicators.io.records import (
    APPENDIX_FIELDS,
    META_SHEET,
    ImportProblem,
    ImportRefused,
    ImportRow,
    ParsedFile,
    SheetCell,
)
from indicators.io.table_read import read_table
from kpi_portal.spreadsheets.archive import (
    MACRO_WARNING,
    OLE_PROBLEM,
    OLE_SIGNATURE,
    SheetBounds,
    UnreadableXlsx,
    has_macros,
    open_xlsx,
)
from kpi_portal.spreadsheets.cells import cell_position, is_blank, is_formula_cell, norm_text

_ZIP_SIGNATURE = b"PK\x03\x04"
# Files people pick by mistake: named so the message can say what was uploaded.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"{\\rtf", "RTF"),
)


def _sniff(data: bytes, filename: str) -> str:
    """ "xlsx" or "csv" from the content (magic bytes), never from the name alone."""
    max_bytes = settings.IMPORT_MAX_BYTES
    if len(data) > max_bytes:
        raise ImportRefused(
            f"Tệp quá lớn ({format_int_vi(len(data))} byte); tối đa {format_int_vi(max_bytes)} "
            "byte."
        )
    if not data.strip():
        raise ImportRefused("Tệp rỗng, không có dữ liệu.")
    if data.startswith(OLE_SIGNATURE):
        raise ImportRefused(OLE_PROBLEM)
    if data.startswith(_ZIP_SIGNATURE):
        return "xlsx"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(
            "Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: «CSV UTF-8»), "
            "không phải UTF-16 («Unicode Text»)."
        )
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ImportRefused(f"Tệp là {what}, không phải tệp Excel .xlsx hoặc CSV.")
    if b"\x00" in data[:4096]:
        raise ImportRefused("Tệp không phải là tệp Excel .xlsx hoặc CSV.")
    if PurePath(filename).suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise ImportRefused(
            "Tệp có đuôi Excel nhưng nội dung không phải tệp Excel .xlsx hợp lệ (tệp bị hỏng?)."
        )
    return "csv"


def _read_xlsx(data: bytes) -> ParsedFile:
    parsed = _read_workbook(data)
    if has_macros(data):
        parsed.problems.insert(0, ImportProblem("warning", "", 0, "", MACRO_WARNING))
    return parsed


def _read_workbook(data: bytes) -> ParsedFile:
    try:
        workbook = open_xlsx(data, max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES)
    except UnreadableXlsx as unreadable:
        raise ImportRefused(
            unreadable.problem or "Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng."
        ) from None
    try:
        sheets = [ws for ws in workbook.worksheets if ws.title != META_SHEET]
        meta: dict[str, str] = {}
        if META_SHEET in workbook.sheetnames:
            for key, value in workbook[META_SHEET].iter_rows(max_col=2, values_only=True):
                if key:
                    meta[str(key)] = "" if value is None else str(value)
        if all(is_blank(c.value) for ws in sheets for row in ws.iter_rows() for c in row):
            raise ImportRefused("Tệp Excel không có dữ liệu (các trang tính đều trống).")
        if any(_has_number_row(ws) for ws in sheets):
            try:
                return _from_appendix(appendix_read_workbook(workbook))
            except AppendixError as error:
                raise ImportRefused(str(error)) from None
        for ws in sheets:
            rows = ([_sheet_cell(c) for c in row] for row in ws.iter_rows())
            parsed = read_table(rows, sheet=ws.title, kind="template", header_scan=20)
            if parsed is not None:
                parsed.meta = meta
                return parsed
    finally:
        workbook.close()
    raise ImportRefused(
        "Không nhận ra bố cục bảng tính: cần bảng Phụ lục chính thức (có hàng đánh số cột "
        "«(1) (2) (3) …») hoặc mẫu nhập của cổng (dòng tiêu đề có «Mã ĐVHC» hoặc «Đơn vị» và "
        "tên các cột số liệu)."
    )


def _sheet_cell(cell: Cell | MergedCell) -> SheetCell:
    row, column = cell_position(cell)
    return SheetCell(cell.value, row, get_column_letter(column), is_formula_cell(cell))


def _has_number_row(ws: Any) -> bool:
    for row in ws.iter_rows(max_row=min(ws.max_row, 40)):
        numbers = [c.value for c in row if isinstance(c.value, str) and NUMBER_LABEL.match(c.value)]
        if len(numbers) >= 5 and any(
            norm_text(v).replace(" ", "").startswith("(1)") for v in numbers
        ):
            return True
    return False


def _from_appendix(appendix: ParsedAppendix) -> ParsedFile:
    parsed = ParsedFile(kind="appendix", fields=APPENDIX_FIELDS)
    parsed.problems = [
        ImportProblem(p.severity, p.sheet, p.row, p.column, p.message_vi) for p in appendix.problems
    ]
    for source, target in ((appendix.rows, parsed.rows), (appendix.totals, parsed.totals)):
        for row in source:
            counts: dict[str, int | None] = {name: row.counts.get(name) for name in APPENDIX_FIELDS}
            target.append(
                ImportRow(
                    sheet=row.sheet,
                    row=row.row,
                    label=row.unit_name,
                    gso_code=row.gso_code,
                    section=row.section,
                    counts=counts,
                    name_column="B",
                )
            )
    if not parsed.rows and not any(p.severity == "error" for p in parsed.problems):
        sheet = appendix.totals[0].sheet if appendix.totals else ""
        parsed.problems.append(
            ImportProblem("error", sheet, 0, "", "Bảng Phụ lục không có dòng đơn vị nào.")
        )
    return parsed


def _read_csv(data: bytes, filename: str) -> ParsedFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            "Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: «CSV UTF-8»)."
        ) from None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    if first.count(delimiter) == 0:
        raise ImportRefused(
            "Tệp không phải là tệp Excel .xlsx hoặc CSV có cột (không tìm thấy dấu phân cách)."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    sheet = PurePath(filename).name or "CSV"

    bounds = SheetBounds.from_settings()

    def rows() -> Iterator[list[SheetCell]]:
        try:
            for number, record in enumerate(reader, start=1):
                _check_csv_bounds(number, len(record), bounds)
                yield [
                    SheetCell(value, number, get_column_letter(i))
                    for i, value in enumerate(record, start=1)
                ]
        except csv.Error as error:
            raise ImportRefused(f"Tệp CSV bị lỗi định dạng: {error}.") from None

    parsed = read_table(rows(), sheet=sheet, kind="csv", header_scan=1)
    if parsed is None:
        raise ImportRefused(
            "Không nhận ra dòng tiêu đề của tệp CSV: dòng đầu tiên cần có cột «gso_code» / "
            "«Mã ĐVHC» hoặc «unit_name» / «Đơn vị», và các cột số liệu (tên trường như "
            "«received» hoặc tên tiếng Việt như «Hồ sơ tiếp nhận trong kỳ»)."
        )
    return parsed


def _check_csv_bounds(number: int, width: int, bounds: SheetBounds) -> None:
    # The same bounds as a sheet's, before a row is turned into cells (a CSV line of 20.000
    # separators is 20 kB).
    if number > bounds.max_rows:
        raise ImportRefused(
            f"Tệp CSV có quá {format_int_vi(bounds.max_rows)} dòng; hãy xóa các dòng thừa hoặc "
            "chia tệp."
        )
    if width > bounds.max_columns:
        raise ImportRefused(
            f"Dòng {format_int_vi(number)} của tệp CSV có {format_int_vi(width)} cột, vượt giới "
            f"hạn {bounds.max_columns} cột."
        )


def read_file(data: bytes, filename: str) -> ParsedFile:
    kind = _sniff(data, filename)
    return _read_xlsx(data) if kind == "xlsx" else _read_csv(data, filename)
