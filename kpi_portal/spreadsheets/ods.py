"""Reading an uploaded OpenDocument spreadsheet (.ods, LibreOffice's own format).

An .ods is a zip archive whose sheets are all in content.xml. Its unpacked size is checked
from the archive's directory first (zipfile stops inflating at the declared size), then the
XML is streamed once, one row in memory at a time: values, formulas (table:formula), the
merged ranges (number-columns/rows-spanned on the first cell, covered cells after it), and
the repeats LibreOffice writes for runs of equal cells ("16384 empty cells") expanded only
where they hold something, each against the same SheetBounds as an .xlsx sheet."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from indicators.domain.formatting import format_int_vi
from kpi_portal.spreadsheets.archive import ZIP_OR_XML_ERRORS, MergeTally, SheetBounds
from kpi_portal.spreadsheets.formats import ACCEPTED_FORMATS, UnreadableTable
from kpi_portal.spreadsheets.grid import Grid, GridCell

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def is_ods(archive: zipfile.ZipFile) -> bool:
    try:
        return archive.read("mimetype").strip() == ODS_MIMETYPE
    except KeyError:
        return "content.xml" in archive.namelist() and "xl/workbook.xml" not in archive.namelist()


def read_ods(
    data: bytes, *, bounds: SheetBounds, max_unpacked_bytes: int
) -> tuple[list[Grid], bool]:
    """The sheets of an .ods and whether it carries macros (a Basic library). Raises
    UnreadableTable."""
    damaged = "Tệp LibreOffice .ods bị hỏng, không đọc được. " + ACCEPTED_FORMATS
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > max_unpacked_bytes:
                raise UnreadableTable(
                    f"Tệp .ods quá lớn khi giải nén ({format_int_vi(unpacked)} byte, tối đa "
                    f"{format_int_vi(max_unpacked_bytes)} byte); có thể là tệp nén độc hại."
                )
            names = {member.filename for member in members}
            if "content.xml" not in names:
                raise UnreadableTable(damaged)
            macros = any(name.startswith(("Basic/", "Scripts/")) for name in names)
            with archive.open("content.xml") as stream:
                return _sheets(stream, bounds), macros
    except ZIP_OR_XML_ERRORS:
        raise UnreadableTable(damaged) from None


def _repeat(element: ElementTree.Element, name: str) -> int:
    text = element.get(f"{_TABLE}{name}", "1")
    return int(text) if text.isdigit() and int(text) > 0 else 1


def _sheets(stream: io.BufferedIOBase | object, bounds: SheetBounds) -> list[Grid]:
    grids: list[Grid] = []
    grid: Grid | None = None
    row = 0  # rows of the current table before the current one
    column = 0
    row_cells: list[GridCell] = []
    merges: MergeTally | None = None
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):  # type: ignore[arg-type]
        tag = element.tag
        if event == "start":
            if tag == f"{_TABLE}table":
                grid = Grid(title=element.get(f"{_TABLE}name", f"Trang {len(grids) + 1}"))
                grids.append(grid)
                row = 0
                assert grid.merged is not None
                merges = MergeTally(grid.title, bounds, grid.merged)
            elif tag == f"{_TABLE}table-row":
                column = 0
                row_cells = []
            continue
        if grid is None or merges is None:
            continue
        if tag in _CELLS:
            columns = _repeat(element, "number-columns-repeated")
            cell = _cell(element) if tag == _CELLS[0] else None
            if cell is not None:
                value, is_formula, number_format = cell
                # The rectangle from A1 to the farthest cell: what the importers walk.
                _check(
                    grid.title,
                    max(grid.max_row, row + 1),
                    max(grid.max_column, column + columns),
                    bounds,
                )
                for offset in range(columns):
                    placed = GridCell(
                        value, row + 1, column + offset + 1, is_formula, number_format
                    )
                    grid.put(placed)
                    row_cells.append(placed)
                spanned_cols = _repeat(element, "number-columns-spanned")
                spanned_rows = _repeat(element, "number-rows-spanned")
                if spanned_cols > 1 or spanned_rows > 1:
                    merges.add((row + 1, column + 1, row + spanned_rows, column + spanned_cols))
            column += columns
            element.clear()
        elif tag == f"{_TABLE}table-row":
            rows = _repeat(element, "number-rows-repeated")
            if rows > 1:
                # A repeated row that holds something is copied; an empty run only moves on.
                if row_cells:
                    _check(grid.title, row + rows, grid.max_column, bounds)
                    for extra in range(1, rows):
                        for original in row_cells:
                            grid.put(
                                GridCell(
                                    original.value,
                                    row + 1 + extra,
                                    original.column,
                                    original.is_formula,
                                    original.number_format,
                                )
                            )
            row += rows
            element.clear()
        elif tag == f"{_TABLE}table":
            element.clear()
            grid = None
    return grids


def _check(title: str, rows: int, columns: int, bounds: SheetBounds) -> None:
    if rows > bounds.max_rows:
        raise UnreadableTable(
            f"Trang tính «{title}» có dữ liệu đến dòng {format_int_vi(rows)}, vượt giới hạn "
            f"{format_int_vi(bounds.max_rows)} dòng. Hãy xóa các dòng thừa hoặc chia tệp."
        )
    if columns > bounds.max_columns:
        raise UnreadableTable(
            f"Trang tính «{title}» có ô dữ liệu ở cột thứ {format_int_vi(columns)}, vượt giới "
            f"hạn {bounds.max_columns} cột. Hãy xóa các cột thừa."
        )
    if rows * columns > bounds.max_cells:
        raise UnreadableTable(
            f"Vùng dữ liệu của trang tính «{title}» ({format_int_vi(rows)} dòng × "
            f"{format_int_vi(columns)} cột) vượt giới hạn {format_int_vi(bounds.max_cells)} ô; "
            "hãy xóa các dòng, cột thừa hoặc chia tệp."
        )


def _text(element: ElementTree.Element) -> str:
    """The cell's text as shown: paragraphs on lines, <text:s c="n"/> as n spaces."""
    paragraphs: list[str] = []
    for paragraph in element.iter(f"{_TEXT}p"):
        parts: list[str] = []
        _walk(paragraph, parts)
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _walk(node: ElementTree.Element, parts: list[str]) -> None:
    if node.text and node.tag != f"{_TEXT}s":
        parts.append(node.text)
    for child in node:
        if child.tag == f"{_TEXT}s":
            count = child.get(f"{_TEXT}c", "1")
            parts.append(" " * min(int(count) if count.isdigit() else 1, 1000))
        elif child.tag == f"{_TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            parts.append("\n")
        else:
            _walk(child, parts)
        if child.tail:
            parts.append(child.tail)


def _cell(element: ElementTree.Element) -> tuple[object, bool, str] | None:
    """(value, is formula, number format) of a cell holding something, else None."""
    formula = element.get(f"{_TABLE}formula") is not None
    kind = element.get(f"{_OFFICE}value-type")
    shown = _text(element)
    value: object
    number_format = "General"
    if kind in ("float", "percentage", "currency"):
        raw = element.get(f"{_OFFICE}value", "")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            return (shown or raw), formula, number_format
        value = (
            int(number)
            if number == number.to_integral_value() and "." not in raw
            else float(number)
        )
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        number_format = _shown_format(number, shown)
    elif kind == "boolean":
        value = element.get(f"{_OFFICE}boolean-value") == "true"
    elif kind == "date":
        raw = element.get(f"{_OFFICE}date-value", "")
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            value = shown or raw
    elif kind == "time":
        value = shown or element.get(f"{_OFFICE}time-value", "")
    else:
        value = shown
    if value is None or value == "":
        return ("", True, number_format) if formula else None
    return value, formula, number_format


def _shown_format(number: Decimal, shown: str) -> str:
    """An Excel-like number format with the decimals the cell is shown with ("36,60" of 36.6
    -> "0.00"), so a printed rate keeps its precision as in an .xlsx; General if unsure."""
    digits = "".join(ch for ch in shown if ch.isdigit())
    if not digits:
        return "General"
    for places in (0, 1, 2, 3, 4):
        try:
            text = f"{abs(number).quantize(Decimal(1).scaleb(-places))}"
        except InvalidOperation:
            return "General"
        if text.replace(".", "").lstrip("0") == digits.lstrip("0") and digits:
            return "0" if places == 0 else "0." + "0" * places
    return "General"
