"""Reading the official appendix workbook: finding the table in a sheet (the "(1) (2) …"
numbering row, the name and code columns, the value columns checked against the merged
header text), then its section, unit and total rows. The cells themselves are read by
appendix_cells, the printed rates and totals checked by appendix_checks."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import BinaryIO

from openpyxl.utils import get_column_letter

from indicators.domain.formulas import (
    COUNT_FIELDS,
    check_identities,
    get_indicator,
)
from indicators.io.appendix_cells import CellReader, gso_code
from indicators.io.appendix_checks import check_rates, check_totals
from indicators.io.appendix_layout import (
    COUNT_COLUMN_INDEX,
    NUMBER_LABEL,
    VALUE_COLUMNS,
    AppendixError,
    AppendixLayout,
    AppendixRow,
    ParsedAppendix,
    Problem,
)
from indicators.io.unit_names import clean_unit_name
from kpi_portal.spreadsheets.archive import SheetBounds
from kpi_portal.spreadsheets.cells import is_blank, norm_text
from kpi_portal.spreadsheets.formats import UnreadableTable
from kpi_portal.spreadsheets.grid import Grid
from kpi_portal.spreadsheets.tabular import read_tabular


def _merged_values(ws: Grid) -> dict[tuple[int, int], object]:
    """(row, col) -> value of the merged range covering it (only the top-left holds it,
    in every container that keeps merges: .xlsx, .xls, .ods)."""
    values: dict[tuple[int, int], object] = {}
    for min_row, min_col, max_row, max_col in ws.merged or ():
        top_left = ws.cell(row=min_row, column=min_col).value
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                values[(r, c)] = top_left
    return values


def _find_number_row(ws: Grid) -> int | None:
    for row in ws.iter_rows():
        numbers = [
            match.group(1)
            for c in row
            if isinstance(c.value, str) and (match := NUMBER_LABEL.match(c.value)) is not None
        ]
        # Several "(n)" labels including "(1)": a stray "(1)" in a title is not a header.
        if len(numbers) >= 5 and "1" in numbers:
            return row[0].row
    return None


def _header_text(
    ws: Grid, merged: Mapping[tuple[int, int], object], col: int, last_row: int
) -> str:
    parts: list[str] = []
    for r in range(1, last_row + 1):
        value = merged.get((r, col), ws.cell(row=r, column=col).value)
        text = norm_text(value)
        if text and (not parts or parts[-1] != text):
            parts.append(text)
    return " / ".join(parts)


def _find_layout(ws: Grid, number_row: int) -> AppendixLayout | str:
    """Column positions, or a Vietnamese explanation of why the header does not fit."""
    merged = _merged_values(ws)
    name_col: int | None = None
    stt_col: int | None = None
    gso_col: int | None = None
    for r in range(1, number_row):
        for c in range(1, ws.max_column + 1):
            text = norm_text(ws.cell(row=r, column=c).value)
            if name_col is None and text in ("đơn vị", "tên đơn vị", "đơn vị hành chính"):
                name_col = c
            elif stt_col is None and text.replace(" ", "") == "stt":
                stt_col = c
            elif gso_col is None and "mã đvhc" in text:
                gso_col = c
    if name_col is None:
        # Positional reading of the dispatch's number row: "(2)" stands above "Đơn vị".
        for c in range(1, ws.max_column + 1):
            match = NUMBER_LABEL.match(str(ws.cell(row=number_row, column=c).value or ""))
            if match is not None and match.group(1) == "2":
                name_col = c
                break
    if name_col is None:
        return "Không tìm thấy cột «Đơn vị» trong tiêu đề bảng."
    if stt_col is None and name_col > 1 and name_col - 1 != gso_col:
        stt_col = name_col - 1
    value_cols: list[int] = []
    c = name_col + 1
    while len(value_cols) < len(VALUE_COLUMNS):
        if c != gso_col:
            value_cols.append(c)
        c += 1
    has_header_text = any(_header_text(ws, merged, col, number_row - 1) for col in value_cols)
    if has_header_text:
        # A sheet with a column added or removed would otherwise be read shifted by one,
        # silently putting every number under the wrong field.
        for col, (kind, _name) in zip(value_cols, VALUE_COLUMNS, strict=True):
            header = _header_text(ws, merged, col, number_row - 1)
            if not header and ws.merged is None:
                # A CSV's flattened header: a merged title ("Trong đó", "Tỷ lệ …" over
                # several columns) reaches it in its first column only, the others empty.
                continue
            is_rate = "tỷ lệ" in header or "tỉ lệ" in header
            if is_rate != (kind == "rate"):
                expected = "cột tỷ lệ (%)" if kind == "rate" else "cột số hồ sơ"
                return (
                    f"Cột {get_column_letter(col)}: tiêu đề «{header or '(trống)'}» không "
                    f"khớp mẫu Phụ lục, cần {expected}. Kiểm tra xem bảng có thêm hoặc "
                    "thiếu cột không."
                )
    return AppendixLayout(
        stt_col=stt_col, name_col=name_col, gso_col=gso_col, value_cols=tuple(value_cols)
    )


def _section_of(text: str) -> str | None:
    if text.startswith("cấp huyện") or text.startswith("cấp thị xã"):
        return "district"
    if text.startswith("cấp xã"):
        return "commune"
    return None


def appendix_read_xlsx(
    data: bytes | BinaryIO,
    *,
    max_unpacked_bytes: int = 50_000_000,
    filename: str = "phu-luc",
    bounds: SheetBounds | None = None,
) -> ParsedAppendix:
    """Parse an appendix file (.xlsx, .xls, .ods or CSV, told from its bytes: the name only
    words a refusal); bad content becomes Problems, never an exception.

    Raises AppendixError only when the file is not a readable appendix at all.
    """
    raw = data if isinstance(data, bytes | bytearray) else data.read()
    try:
        tabular = read_tabular(
            bytes(raw), filename, bounds=bounds, max_unpacked_bytes=max_unpacked_bytes
        )
    except UnreadableTable as unreadable:
        raise AppendixError(str(unreadable)) from None
    return appendix_read_workbook(tabular.sheets)


def appendix_read_workbook(sheets: list[Grid]) -> ParsedAppendix:
    """Parse the sheets of a file read by read_tabular, as appendix_read_xlsx does.
    Raises AppendixError only when they hold no appendix at all."""
    if all(ws.is_empty() for ws in sheets):
        raise AppendixError("Tệp không có dữ liệu (tất cả các trang tính đều trống).")
    for ws in sheets:
        number_row = _find_number_row(ws)
        if number_row is not None:
            return _read_sheet(ws, number_row)
    raise AppendixError(
        "Không tìm thấy hàng đánh số cột «(1) (2) (3) …» của bảng Phụ lục trong tệp."
    )


def _read_sheet(ws: Grid, number_row: int) -> ParsedAppendix:
    result = ParsedAppendix()
    sheet = ws.title
    layout = _find_layout(ws, number_row)
    if isinstance(layout, str):
        result.problems.append(Problem("error", sheet, number_row, "", layout))
        return result
    reader = CellReader(sheet, result.problems)
    labels = {
        col: (COUNT_FIELDS[name] if kind == "count" else get_indicator(name).name_vi)
        for col, (kind, name) in zip(layout.value_cols, VALUE_COLUMNS, strict=True)
    }
    section: str | None = None
    seen_names: dict[str, int] = {}
    rate_cells: dict[int, dict[str, tuple[Decimal, int, str]]] = {}
    text_cols = [c for c in (layout.stt_col, layout.name_col) if c is not None]

    for r in range(number_row + 1, ws.max_row + 1):
        value_cells = [ws.cell(row=r, column=c) for c in layout.value_cols]
        has_values = any(not is_blank(c.value) for c in value_cells)
        texts = [
            (c, str(ws.cell(row=r, column=c).value).strip())
            for c in text_cols
            if not is_blank(ws.cell(row=r, column=c).value)
        ]
        if not has_values:
            for _col, text in texts:
                found = _section_of(norm_text(text))
                if found is not None:
                    section = found
                    break
            # Other text-only rows (notes, signatures) are not data.
            continue
        name_cell = ws.cell(row=r, column=layout.name_col)
        raw_name = name_cell.value
        if name_cell.is_formula:
            reader.add(
                "error", name_cell, r, f"Ô {name_cell.coordinate} chứa công thức, cần nhập giá trị."
            )
            continue
        name_text = "" if is_blank(raw_name) else str(raw_name).strip()
        if not name_text:
            # Some files put "Tổng …" in the STT column of a merged A:B cell.
            for _col, text in texts:
                if norm_text(text).startswith("tổng"):
                    name_text = text
        normalized = norm_text(name_text)
        is_total = normalized.startswith("tổng")
        if not name_text:
            reader.add(
                "error",
                name_cell,
                r,
                f"Dòng {r}: có số liệu nhưng thiếu tên đơn vị (ô {name_cell.coordinate}).",
            )
            continue
        if is_total:
            row_section = (
                "commune_total" if "xã" in normalized and "huyện" not in normalized else "all_total"
            )
        elif section is None:
            reader.add(
                "error",
                name_cell,
                r,
                f"Dòng {r}: đơn vị «{name_text}» nằm trước dòng «Cấp huyện»/«Cấp xã», "
                "không xác định được cấp.",
            )
            continue
        else:
            row_section = section
        counts: dict[str, int] = {}
        published: dict[str, Decimal] = {}
        for col, cell, (kind, fname) in zip(
            layout.value_cols, value_cells, VALUE_COLUMNS, strict=True
        ):
            if kind == "count":
                # Totals are recomputed from the unit rows, so a SUM formula there does not
                # block the import; in a unit row the value itself is missing.
                number = reader.count(cell, labels[col], "warning" if is_total else "error")
                if number is not None:
                    counts[fname] = number
            else:
                parsed = reader.published_rate(cell)
                if parsed is not None:
                    published[fname] = parsed[0]
                    rate_cells.setdefault(r, {})[fname] = (
                        parsed[0],
                        parsed[1],
                        cell.coordinate,
                    )
        gso = None
        if layout.gso_col is not None:
            gso = gso_code(ws.cell(row=r, column=layout.gso_col).value, row_section)
        unit_name = name_text if is_total else clean_unit_name(name_text)
        record = AppendixRow(
            unit_name=unit_name,
            gso_code=gso,
            section=row_section,
            counts=counts,
            published_rates=published,
            sheet=sheet,
            row=r,
        )
        if is_total:
            result.totals.append(record)
            continue
        key = norm_text(unit_name)
        if key in seen_names:
            reader.add(
                "error",
                name_cell,
                r,
                f"Dòng {r}: đơn vị «{unit_name}» bị trùng với dòng {seen_names[key]}.",
            )
        else:
            seen_names[key] = r
        for violation in check_identities(counts):
            col = layout.value_cols[COUNT_COLUMN_INDEX[violation.field]]
            reader.add(
                "error",
                ws.cell(row=r, column=col),
                r,
                f"Dòng {r} ({unit_name}): {violation.message_vi}.",
            )
        result.rows.append(record)

    check_rates(result, rate_cells, reader)
    check_totals(result, layout, reader, ws)
    return result
