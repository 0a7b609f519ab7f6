"""Reading an uploaded Excel 97–2003 workbook (.xls, BIFF inside an OLE compound file).

An OLE compound file is also what a password-protected Office file is (an encrypted .xlsx
is an OLE file holding "EncryptionInfo" and "EncryptedPackage"; an encrypted .xls has a
FILEPASS record), and what Word's .doc is: `ole_problem` tells them apart, each with its
own message. Before xlrd builds anything, the workbook stream's records are walked once
(cost bounded by the upload size) and every sheet's cells are checked against the same
SheetBounds as an .xlsx: xlrd pads each sheet to its full rectangle, so one cell at the
last row and column of a 20 kB file would otherwise make it build 16 million. The same walk
notes which cells hold formulas (xlrd only gives their cached values)."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import xlrd
from xlrd.compdoc import CompDoc

from indicators.domain.formatting import format_int_vi
from kpi_portal.spreadsheets.archive import MergeTally, SheetBounds
from kpi_portal.spreadsheets.formats import (
    ACCEPTED_FORMATS,
    ENCRYPTED_PROBLEM,
    OLD_EXCEL_PROBLEM,
    UnreadableTable,
)
from kpi_portal.spreadsheets.grid import Grid, GridCell

# An Excel 2.x–4.0 file (BIFF2/3/4) is not an OLE file: it starts with its BOF record.
OLD_BIFF_SIGNATURES = (b"\x09\x00", b"\x09\x02", b"\x09\x04")

_BOF, _EOF, _FILEPASS, _BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0085
_MERGEDCELLS = 0x00E5
_FORMULA = 0x0006
# Records starting with (row, column) of one cell.
_CELL_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0201, 0x0204, 0x0205, 0x00D6}
_MULTI_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, …, last column
_DAMAGED = "Tệp Excel 97–2003 (.xls) bị hỏng, không đọc được. " + ACCEPTED_FORMATS


def _compound(data: bytes) -> CompDoc:
    try:
        return CompDoc(data, logfile=_Silent(), ignore_workbook_corruption=False)
    except Exception:  # CompDocError, IndexError, struct.error… on a damaged directory
        raise UnreadableTable(_DAMAGED) from None


class _Silent:
    def write(self, _text: str) -> int:
        return 0


def _stream(doc: CompDoc, name: str) -> bytes | None:
    try:
        return doc.get_named_stream(name)
    except Exception:  # a damaged sector chain
        raise UnreadableTable(_DAMAGED) from None


def _names(doc: CompDoc) -> set[str]:
    return {entry.name.lower() for entry in doc.dirlist if entry.name}


@dataclass
class _SheetScan:
    title: str
    merges: MergeTally
    max_row: int = -1
    max_col: int = -1
    formulas: set[tuple[int, int]] = field(default_factory=set)


def _workbook_stream(data: bytes) -> tuple[bytes, bool]:
    """The BIFF stream of an OLE file and whether it carries a VBA project; raises
    UnreadableTable naming an encrypted file, another Office document or a damaged one."""
    doc = _compound(data)
    names = _names(doc)
    if "encryptedpackage" in names or "encryptioninfo" in names:
        raise UnreadableTable(ENCRYPTED_PROBLEM)
    stream = _stream(doc, "Workbook") or _stream(doc, "Book")
    if stream is None:
        if "worddocument" in names:
            what = "tài liệu Word (.doc)"
        elif "powerpoint document" in names:
            what = "bản trình chiếu PowerPoint (.ppt)"
        else:
            what = "tệp Office"
        raise UnreadableTable(f"Tệp là {what}, không phải bảng tính. {ACCEPTED_FORMATS}")
    return stream, "_vba_project_cur" in names


def ole_problem(data: bytes) -> str:
    """Why an OLE file cannot be opened as an .xlsx: encrypted, another Office document,
    damaged, or an .xls (which `read_xls` reads)."""
    try:
        _workbook_stream(data)
    except UnreadableTable as unreadable:
        return str(unreadable)
    return "Tệp là Excel 97–2003 (.xls), không phải .xlsx."


def _scan(stream: bytes, bounds: SheetBounds) -> dict[int, _SheetScan]:
    """Sheet BOF offset -> what its records hold; raises UnreadableTable on a FILEPASS record
    or on a sheet out of bounds."""
    titles: dict[int, str] = {}
    sheets: dict[int, _SheetScan] = {}
    current: _SheetScan | None = None
    position, size = 0, len(stream)
    while position + 4 <= size:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + length]
        if kind == _BOF:
            if len(body) >= 4 and struct.unpack_from("<H", body, 2)[0] == 0x0005:
                current = None  # the workbook globals
            else:
                title = titles.get(position, f"Trang {len(sheets) + 1}")
                current = _SheetScan(title, MergeTally(title, bounds))
                sheets[position] = current
        elif kind == _FILEPASS:
            raise UnreadableTable(ENCRYPTED_PROBLEM)
        elif kind == _BOUNDSHEET and len(body) >= 8:
            titles[struct.unpack_from("<I", body, 0)[0]] = _sheet_name(body)
        elif kind == _MERGEDCELLS and current is not None and len(body) >= 2:
            # xlrd grows the sheet to cover every merge, then pads it: bounded like cells.
            count = min(struct.unpack_from("<H", body, 0)[0], (len(body) - 2) // 8)
            for index in range(count):
                r0, r1, c0, c1 = struct.unpack_from("<HHHH", body, 2 + 8 * index)
                current.merges.add((r0 + 1, c0 + 1, r1 + 1, c1 + 1))
        elif current is not None and len(body) >= 4:
            if kind in _CELL_RECORDS:
                row, col = struct.unpack_from("<HH", body, 0)
                if kind == _FORMULA:
                    current.formulas.add((row, col))
            elif kind in _MULTI_RECORDS and len(body) >= 6:
                row = struct.unpack_from("<H", body, 0)[0]
                col = struct.unpack_from("<H", body, len(body) - 2)[0]
            else:
                position += 4 + length
                continue
            current.max_row = max(current.max_row, row)
            current.max_col = max(current.max_col, col)
            _check_bounds(current, bounds)
        elif kind == _EOF:
            current = None
        position += 4 + length
    return sheets


def _sheet_name(body: bytes) -> str:
    count, flags = body[6], body[7] if len(body) > 7 else 0
    try:
        if flags & 1:
            return body[8 : 8 + 2 * count].decode("utf-16-le")
        return body[8 : 8 + count].decode("latin-1")
    except UnicodeDecodeError:
        return ""


def _check_bounds(sheet: _SheetScan, bounds: SheetBounds) -> None:
    rows, columns = sheet.max_row + 1, sheet.max_col + 1
    if rows > bounds.max_rows:
        raise UnreadableTable(
            f"Trang tính «{sheet.title}» có dữ liệu đến dòng {format_int_vi(rows)}, vượt giới "
            f"hạn {format_int_vi(bounds.max_rows)} dòng. Hãy xóa các dòng thừa hoặc chia tệp."
        )
    if columns > bounds.max_columns:
        raise UnreadableTable(
            f"Trang tính «{sheet.title}» có ô dữ liệu ở cột thứ {format_int_vi(columns)}, vượt "
            f"giới hạn {bounds.max_columns} cột. Hãy xóa các cột thừa."
        )
    if rows * columns > bounds.max_cells:
        raise UnreadableTable(
            f"Vùng dữ liệu của trang tính «{sheet.title}» ({format_int_vi(rows)} dòng × "
            f"{format_int_vi(columns)} cột) vượt giới hạn {format_int_vi(bounds.max_cells)} "
            "ô; hãy xóa các dòng, cột thừa hoặc chia tệp."
        )


def read_xls(data: bytes, *, bounds: SheetBounds) -> tuple[list[Grid], bool]:
    """The sheets of an .xls and whether it carries macros. Raises UnreadableTable."""
    stream, macros = _workbook_stream(data)
    scans = _scan(stream, bounds)
    by_title = {scan.title: scan for scan in scans.values()}
    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True, logfile=_Silent()
        )
    except xlrd.biffh.XLRDError as error:
        if "encrypted" in str(error).lower():
            raise UnreadableTable(ENCRYPTED_PROBLEM) from None
        if "version" in str(error).lower() or "biff" in str(error).lower():
            raise UnreadableTable(OLD_EXCEL_PROBLEM) from None
        raise UnreadableTable(_DAMAGED) from None
    except Exception:  # xlrd raises many types on a damaged stream
        raise UnreadableTable(_DAMAGED) from None
    try:
        grids: list[Grid] = []
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception:
                raise UnreadableTable(_DAMAGED) from None
            # Matched by name: xlrd counts offsets from the file, the walk from the stream.
            scan = by_title.get(sheet.name)
            try:
                grids.append(_grid(book, sheet, scan.formulas if scan else set()))
            except (IndexError, KeyError, ValueError, TypeError):  # a damaged format table
                raise UnreadableTable(_DAMAGED) from None
            book.unload_sheet(index)
        return grids, macros
    finally:
        book.release_resources()


def _grid(book: xlrd.book.Book, sheet: xlrd.sheet.Sheet, formulas: set[tuple[int, int]]) -> Grid:
    grid = Grid(title=sheet.name)
    grid.merged = [(r0 + 1, c0 + 1, r1, c1) for r0, r1, c0, c1 in sheet.merged_cells]
    empty = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
    for r in range(sheet.nrows):
        # The row's types first: xlrd pads rows to the sheet's width with empty cells,
        # which need no Cell object each.
        for c, kind in enumerate(sheet.row_types(r)):
            if kind in empty:
                continue
            cell = sheet.cell(r, c)
            value = _value(book, cell)
            if value is None:
                continue
            number_format = "General"
            if cell.ctype == xlrd.XL_CELL_NUMBER:
                xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
                found = book.format_map.get(xf.format_key) if xf is not None else None
                number_format = found.format_str if found is not None else "General"
            grid.put(GridCell(value, r + 1, c + 1, (r, c) in formulas, number_format))
    return grid


def _value(book: xlrd.book.Book, cell: xlrd.sheet.Cell) -> object:
    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() else float(value)
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(float(value), book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return float(value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(int(value), "#N/A")
    return str(value)
