"""Writing the official appendix workbook (the same layout the reader understands)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.domain.formulas import (
    Counts,
    get_indicator,
    indicator_parts,
    indicator_rate,
    ratio_of_sums,
    round_rate,
)
from indicators.io.appendix_layout import APPENDIX_COUNT_FIELDS, VALUE_COLUMNS
from kpi_portal.spreadsheets.printing import print_setup
from kpi_portal.spreadsheets.sheets import active_sheet
from kpi_portal.spreadsheets.text import put_text

_HEADER_FIRST_ROW = 5
_NUMBER_ROW = 8
_N_COLS = 2 + len(VALUE_COLUMNS)
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

# (first col, last col, first row, last row, text) of the merged header of Hoài Nhơn's H1
# 2023 dispatch, columns 1-based: A=STT, B=Đơn vị, C… the value columns.
_HEADER: tuple[tuple[int, int, int, int, str], ...] = (
    (1, 1, 5, 7, "STT"),
    (2, 2, 5, 7, "Đơn vị"),
    (3, 3, 5, 7, "Tổng hồ sơ"),
    (4, 4, 5, 7, "Hồ sơ kỳ trước chuyển sang"),
    (5, 5, 5, 7, "Tổng hồ sơ tiếp nhận kỳ này"),
    (6, 6, 5, 7, "Hồ sơ có tài khoản DVC QG"),
    (7, 10, 5, 5, "Trong đó"),
    (7, 7, 6, 7, "Hồ sơ tiếp nhận (trực tiếp)"),
    (8, 8, 6, 7, "Hồ sơ tiếp nhận (trực tuyến)"),
    (9, 10, 6, 6, "Số hóa thành phần hồ sơ"),
    (9, 9, 7, 7, "Một phần"),
    (10, 10, 7, 7, "Toàn bộ"),
    (11, 11, 5, 7, "Tỷ lệ số hóa TPHS (%)"),
    (12, 12, 5, 7, "Tổng số hồ sơ đã giải quyết"),
    (13, 14, 5, 5, "Trong đó"),
    (13, 13, 6, 7, "Hồ sơ số hóa kết quả"),
    (14, 14, 6, 7, "Tỷ lệ số hóa kết quả (%)"),
    (15, 15, 5, 7, "Hồ sơ sử dụng lại dữ liệu số hóa"),
    (16, 16, 5, 7, "Tỷ lệ tái sử dụng KQ số hóa (%)"),
    (17, 17, 5, 7, "Tỷ lệ hồ sơ trực tuyến (%)"),
    (18, 18, 5, 7, "Tỷ lệ thanh toán trực tuyến (%)"),
    (19, 19, 5, 7, "Tỷ lệ khai thác CSDL về dân cư (%)"),
    (20, 20, 5, 7, "Hồ sơ giải quyết trước và đúng hạn"),
    (21, 21, 5, 7, "Hồ sơ giải quyết trễ hạn"),
    (22, 22, 5, 7, "Số lượng hồ sơ chứng thực điện tử"),
)
# Positional numbering of all 22 columns; formula labels follow the same numbers.
_NUMBER_LABELS: dict[int, str] = {
    11: "(11) = (9+10)/(5)",
    14: "(14) = (13)/(12)",
    16: "(16) = (15)/(5)",
    17: "(17) = (8)/(5)",
}
_WIDTHS: dict[int, float] = {1: 6, 2: 30}


def _put_text(ws: Worksheet, row: int, col: int, text: str) -> Cell:
    return put_text(ws.cell(row=row, column=col), text)


def _put_count(ws: Worksheet, row: int, col: int, value: int | None, bold: bool) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    cell.number_format = "#,##0"
    cell.border = _BORDER
    if bold:
        cell.font = Font(bold=True)


def _put_rate(ws: Worksheet, row: int, col: int, value: Decimal | None, bold: bool) -> None:
    cell = ws.cell(row=row, column=col)
    # Empty, not 0: a zero denominator is "no data".
    cell.value = None if value is None else round_rate(value, 2)
    cell.number_format = "0.00"
    cell.border = _BORDER
    if bold:
        cell.font = Font(bold=True)


def _write_values(ws: Worksheet, row: int, rates_from: Sequence[Counts], bold: bool) -> None:
    """Counts are the sums over `rates_from`; rates are ratios of those sums."""
    for i, (kind, name) in enumerate(VALUE_COLUMNS):
        col = 3 + i
        if kind == "count":
            values = [c.get(name) for c in rates_from]
            total = (
                None if any(v is None for v in values) else sum(v for v in values if v is not None)
            )
            _put_count(ws, row, col, total, bold)
        else:
            indicator = get_indicator(name)
            if len(rates_from) == 1:
                value = indicator_rate(indicator, rates_from[0])
            else:
                value = ratio_of_sums(indicator_parts(indicator, c) for c in rates_from)
            _put_rate(ws, row, col, value, bold)


def _write_unit(ws: Worksheet, row: int, stt: int | None, name: str, counts: Counts) -> None:
    stt_cell = ws.cell(row=row, column=1, value=stt)
    stt_cell.alignment = Alignment(horizontal="center")
    stt_cell.border = _BORDER
    _put_text(ws, row, 2, name).border = _BORDER
    _write_values(ws, row, [counts], bold=False)


def _write_section(ws: Worksheet, row: int, text: str) -> None:
    cell = _put_text(ws, row, 1, text)
    cell.font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)


def appendix_write_xlsx(
    *,
    title: str,
    period_label: str,
    district_rows: Sequence[tuple[str, Counts]],
    commune_rows: Sequence[tuple[str, Counts]],
) -> bytes:
    """The official appendix layout as .xlsx bytes; reads back unchanged with the reader."""
    wb = Workbook()
    ws = active_sheet(wb)
    ws.title = "Phụ lục"
    last = get_column_letter(_N_COLS)
    for r, text, font in (
        (1, "Phụ lục", Font(bold=True, size=12)),
        (2, title, Font(bold=True, size=13)),
        (3, period_label, Font(italic=True)),
    ):
        cell = _put_text(ws, r, 1, text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
        ws.merge_cells(f"A{r}:{last}{r}")

    for c1, c2, r1, r2, text in _HEADER:
        cell = ws.cell(row=r1, column=c1, value=text)
        cell.font = Font(bold=True)
        cell.alignment = _CENTER
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                ws.cell(row=r, column=c).border = _BORDER
        if (c1, r1) != (c2, r2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for col in range(1, _N_COLS + 1):
        cell = ws.cell(row=_NUMBER_ROW, column=col, value=_NUMBER_LABELS.get(col, f"({col})"))
        cell.font = Font(italic=True)
        cell.alignment = _CENTER
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS.get(col, 12)
    ws.row_dimensions[7].height = 45

    row = _NUMBER_ROW + 1
    _write_section(ws, row, "Cấp huyện")
    row += 1
    for name, counts in district_rows:
        _write_unit(ws, row, None, name, counts)
        row += 1
    _write_section(ws, row, "Cấp xã")
    row += 1
    for i, (name, counts) in enumerate(commune_rows, start=1):
        _write_unit(ws, row, i, name, counts)
        row += 1
    for label, scope in (
        ("Tổng số cấp xã", [c for _n, c in commune_rows]),
        ("Tổng cấp huyện và xã", [c for _n, c in (*district_rows, *commune_rows)]),
    ):
        cell = _put_text(ws, row, 2, label)
        cell.font = Font(bold=True)
        cell.border = _BORDER
        ws.cell(row=row, column=1).border = _BORDER
        if scope:
            _write_values(ws, row, scope, bold=True)
        else:
            _write_values(ws, row, [dict.fromkeys(APPENDIX_COUNT_FIELDS, 0)], bold=True)
        row += 1

    ws.freeze_panes = ws.cell(row=_NUMBER_ROW + 1, column=3).coordinate
    print_setup(ws, title_rows=f"{_HEADER_FIRST_ROW}:{_NUMBER_ROW}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
