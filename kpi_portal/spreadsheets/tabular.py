"""The one reading layer every tabular upload goes through (the figures template and CSV,
the official appendix, the users list): the format told from the bytes (never from the name
alone), then read into Grids by its reader, each held to the same bounds.

- .xlsx: the archive and sheet checks of `archive`, then openpyxl (formulas kept);
- .xls (Excel 97–2003): `xls` (records walked and bounded first, then xlrd);
- .ods: `ods` (content.xml streamed, bounded as it goes);
- CSV: UTF-8 with or without BOM; comma, semicolon or tab, whichever splits the lines
  into columns; decimal point or comma as the numbers show (below). Rows, columns and
  cells are bounded while it is read.

A file none of them can read raises UnreadableTable with a Vietnamese message."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import PurePath

from django.conf import settings
from openpyxl.cell.cell import Cell, MergedCell

from indicators.domain.formatting import format_int_vi
from kpi_portal.spreadsheets.archive import (
    OLE_SIGNATURE,
    ZIP_ERRORS,
    SheetBounds,
    UnreadableXlsx,
    has_macros,
    open_xlsx,
)
from kpi_portal.spreadsheets.cells import is_formula_cell, is_formula_text
from kpi_portal.spreadsheets.formats import (
    ACCEPTED_FORMATS,
    NOT_A_TABLE,
    OLD_EXCEL_PROBLEM,
    UnreadableTable,
)
from kpi_portal.spreadsheets.grid import Grid, GridCell, TabularFile
from kpi_portal.spreadsheets.ods import is_ods, read_ods
from kpi_portal.spreadsheets.xls import OLD_BIFF_SIGNATURES, read_xls

_ZIP_SIGNATURE = b"PK\x03\x04"
# Files people pick by mistake: named so the message can say what was uploaded.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"{\\rtf", "RTF"),
)
_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_DELIMITERS = (",", ";", "\t")

# Numbers in a CSV. A Vietnamese-locale export writes "36,6" and "11.232"; an English one
# "36.6" and "11,232". Only an unambiguous decimal ("36,6" or "36.60": not three digits
# after the mark, which may be a thousands group) tells the convention.
_DECIMAL_COMMA = re.compile(r"^-?(\d+|\d{1,3}(\.\d{3})+),(\d{1,2}|\d{4,})%?$")
_DECIMAL_POINT = re.compile(r"^-?(\d+|\d{1,3}(,\d{3})+)\.(\d{1,2}|\d{4,})%?$")
_POINT_NUMBER = re.compile(r"^-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?%?$")
# "1.087" reads both ways; as a count (the common case) it is 1087, so it stays as written.
_AMBIGUOUS_GROUP = re.compile(r"^-?\d{1,3}\.\d{3}$")


def read_tabular(
    data: bytes,
    filename: str,
    *,
    bounds: SheetBounds | None = None,
    max_unpacked_bytes: int | None = None,
) -> TabularFile:
    """The upload's sheets. Raises UnreadableTable when no reader can read it."""
    bounds = bounds or SheetBounds.from_settings()
    unpacked = (
        settings.IMPORT_MAX_UNPACKED_BYTES if max_unpacked_bytes is None else max_unpacked_bytes
    )
    max_bytes = settings.IMPORT_MAX_BYTES
    if len(data) > max_bytes:
        raise UnreadableTable(
            f"Tệp quá lớn ({format_int_vi(len(data))} byte); tối đa {format_int_vi(max_bytes)} "
            "byte."
        )
    if not data.strip():
        raise UnreadableTable("Tệp rỗng, không có dữ liệu.")
    if data.startswith(OLE_SIGNATURE):
        sheets, macros = read_xls(data, bounds=bounds)
        return TabularFile("xls", sheets, macros)
    if data[:2] in OLD_BIFF_SIGNATURES and len(data) > 4 and data[3] == 0:
        raise UnreadableTable(OLD_EXCEL_PROBLEM)
    if data.startswith(_ZIP_SIGNATURE):
        if _zip_is_ods(data):
            sheets, macros = read_ods(data, bounds=bounds, max_unpacked_bytes=unpacked)
            return TabularFile("ods", sheets, macros)
        return _read_xlsx(data, bounds=bounds, max_unpacked_bytes=unpacked)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableTable(
            "Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: «CSV UTF-8»), "
            "không phải UTF-16 («Unicode Text»)."
        )
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise UnreadableTable(f"Tệp là {what}, không phải bảng tính. {ACCEPTED_FORMATS}")
    if b"\x00" in data[:4096]:
        raise UnreadableTable(NOT_A_TABLE)
    suffix = PurePath(filename).suffix.lower()
    if suffix in _SPREADSHEET_SUFFIXES:
        raise UnreadableTable(
            f"Tệp có đuôi {suffix} nhưng nội dung không phải là tệp Excel hay LibreOffice hợp lệ "
            "(tệp bị hỏng?). " + ACCEPTED_FORMATS
        )
    return TabularFile("csv", [read_csv(data, filename, bounds=bounds)])


def _zip_is_ods(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return is_ods(archive)
    except ZIP_ERRORS:
        return False  # the xlsx check words the broken archive


def _read_xlsx(data: bytes, *, bounds: SheetBounds, max_unpacked_bytes: int) -> TabularFile:
    try:
        workbook = open_xlsx(data, max_unpacked_bytes=max_unpacked_bytes, bounds=bounds)
    except UnreadableXlsx as unreadable:
        raise UnreadableTable(
            unreadable.problem or "Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng."
        ) from None
    try:
        sheets: list[Grid] = []
        for ws in workbook.worksheets:
            grid = Grid(title=ws.title)
            grid.merged = [
                (r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges
            ]
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None or cell.row is None or cell.column is None:
                        continue
                    grid.put(
                        GridCell(
                            cell.value,
                            cell.row,
                            cell.column,
                            _holds_formula(cell),
                            cell.number_format or "General",
                        )
                    )
            sheets.append(grid)
    finally:
        workbook.close()
    return TabularFile("xlsx", sheets, has_macros(data))


_PLAIN = (str, int, float, bool, dt.datetime, dt.date, dt.time)


def _holds_formula(cell: Cell | MergedCell) -> bool:
    """A formula, an array formula or a data table; a date is a value (the users list
    reads it), which the figures readers refuse as not a number."""
    if cell.data_type == "f":
        return True
    return type(cell.value) not in _PLAIN and is_formula_cell(cell)


def _csv_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableTable(
            "Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: «CSV UTF-8»)."
        ) from None


def _delimiter(text: str) -> str:
    """The separator that splits the first lines into columns most consistently."""
    sample = [line for line in text.splitlines()[:200] if line.strip()][:50]
    best, best_score = "", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            widths = [
                len(r) for r in csv.reader(io.StringIO("\n".join(sample)), delimiter=delimiter)
            ]
        except csv.Error:
            continue
        score = (sum(1 for w in widths if w > 1), max(widths, default=0))
        if score > best_score:
            best, best_score = delimiter, score
    if not best_score[0]:  # no line splits into two columns or more
        raise UnreadableTable(
            "Tệp không phải là bảng tính hoặc CSV có cột (không tìm thấy dấu phân cách). "
            + ACCEPTED_FORMATS
        )
    return best


def read_csv(data: bytes, filename: str, *, bounds: SheetBounds) -> Grid:
    text = _csv_text(data)
    delimiter = _delimiter(text)
    grid = Grid(title=PurePath(filename).name or "CSV", merged=None)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    width = 0
    try:
        for number, record in enumerate(reader, start=1):
            # The same bounds as a sheet's, before a row is turned into cells (a CSV line of
            # 20.000 separators is 20 kB).
            if number > bounds.max_rows:
                raise UnreadableTable(
                    f"Tệp CSV có quá {format_int_vi(bounds.max_rows)} dòng; hãy xóa các dòng "
                    "thừa hoặc chia tệp."
                )
            if len(record) > bounds.max_columns:
                raise UnreadableTable(
                    f"Dòng {format_int_vi(number)} của tệp CSV có {format_int_vi(len(record))} "
                    f"cột, vượt giới hạn {bounds.max_columns} cột."
                )
            width = max(width, len(record))
            if number * width > bounds.max_cells:
                raise UnreadableTable(
                    f"Tệp CSV có quá {format_int_vi(bounds.max_cells)} ô ({format_int_vi(number)} "
                    f"dòng × {format_int_vi(width)} cột); hãy chia tệp."
                )
            for column, value in enumerate(record, start=1):
                if value.isdigit():  # most cells: a plain count, neither blank nor formula
                    grid.put(GridCell(value, number, column))
                elif value.strip():
                    grid.put(GridCell(value, number, column, is_formula_text(value)))
    except csv.Error as error:
        raise UnreadableTable(f"Tệp CSV bị lỗi định dạng: {error}.") from None
    _to_decimal_comma(grid)
    return grid


def _to_decimal_comma(grid: Grid) -> None:
    """Rewrite an English-convention CSV's numbers ("36.6", "11,232") the Vietnamese way
    ("36,6", "11232") that the readers above read, when its numbers show that convention
    and none shows the other; a file that shows neither, or both, is left as written."""
    # Only a text with a point or a comma can show a convention or be rewritten; skipping
    # the plain "120"s keeps this pass small on a national month's ~300.000 cells.
    texts = [
        (c, c.value.strip())
        for c in grid.cells.values()
        if isinstance(c.value, str) and ("." in c.value or "," in c.value)
    ]
    point = any(_DECIMAL_POINT.match(value) for _cell, value in texts)
    comma = any(_DECIMAL_COMMA.match(value) for _cell, value in texts)
    if not point or comma:
        return
    for cell, value in texts:
        if _POINT_NUMBER.match(value) and not _AMBIGUOUS_GROUP.match(value):
            rewritten = value.replace(",", "").replace(".", ",")
            grid.cells[(cell.row, cell.column)] = GridCell(
                rewritten, cell.row, cell.column, cell.is_formula, cell.number_format
            )
