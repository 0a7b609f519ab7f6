"""The data behind each ranking chart as a table, downloadable as CSV or xlsx.

Numbers stay numbers (a rate is 93.33, rounded half up to 2 places as published; no data
is an empty cell, never 0). Text that a spreadsheet would read as a formula (=, +, -, @)
is neutralised: a leading single quote in CSV, a string cell with Excel's quote prefix in
xlsx."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Font

from indicators.domain.formulas import round_rate
from indicators.ranking.matrix import Matrix
from indicators.ranking.selectors import Ranking, TrendPoint
from kpi_portal.spreadsheets.printing import print_setup
from kpi_portal.spreadsheets.sheets import active_sheet, value_cell
from kpi_portal.spreadsheets.text import csv_text, put_text

Value = str | int | Decimal | None


@dataclass
class ChartTable:
    title: str
    headers: list[str]
    rows: list[list[Value]]


def _rate(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_rate(value)


def bars_table(ranking: Ranking) -> ChartTable:
    rows: list[list[Value]] = [
        [
            r.rank,
            r.unit.code,
            r.unit.full_name,
            r.numerator,
            r.denominator,
            _rate(r.rate),
            r.target,
            _rate(r.gap),
            r.status.label_vi,
        ]
        for r in ranking.rows
    ]
    total = ranking.children_total
    rows.append(
        [
            None,
            "",
            "Tổng số (tổng tử số / tổng mẫu số)",
            total.numerator,
            total.denominator,
            _rate(total.rate),
            None,
            None,
            "",
        ]
    )
    return ChartTable(
        title=f"{ranking.indicator.name_vi} — {ranking.parent.full_name} — "
        f"{ranking.period.label_vi}",
        headers=[
            "Hạng",
            "Mã",
            "Đơn vị",
            "Tử số",
            "Mẫu số",
            "Tỷ lệ (%)",
            "Chỉ tiêu (%)",
            "Chênh lệch (điểm %)",
            "Tình trạng",
        ],
        rows=rows,
    )


def trend_table(points: list[TrendPoint], *, unit_name: str, indicator_name: str) -> ChartTable:
    return ChartTable(
        title=f"{indicator_name} — {unit_name}",
        headers=["Kỳ", "Từ ngày", "Đến ngày", "Tử số", "Mẫu số", "Tỷ lệ (%)", "Chỉ tiêu (%)"],
        rows=[
            [
                p.period.label_vi,
                p.period.start.strftime("%d/%m/%Y"),
                p.period.end.strftime("%d/%m/%Y"),
                p.numerator,
                p.denominator,
                _rate(p.rate),
                p.target,
            ]
            for p in points
        ],
    )


def heatmap_table(matrix: Matrix) -> ChartTable:
    """One row per unit: per indicator its rate and status; the total row last."""
    headers: list[str] = ["Mã", "Đơn vị"]
    for indicator in matrix.indicators:
        headers += [f"{indicator.short_vi} (%)", f"{indicator.short_vi}: tình trạng"]
    rows: list[list[Value]] = []
    for row in matrix.rows:
        values: list[Value] = [row.unit.code, row.unit.full_name]
        for cell in row.cells:
            values += [_rate(cell.rate), cell.status.label_vi]
        rows.append(values)
    total_row: list[Value] = ["", "Tổng số (tổng tử số / tổng mẫu số)"]
    for total in matrix.totals:
        total_row += [_rate(total.rate), ""]
    rows.append(total_row)
    return ChartTable(
        title=f"Tất cả chỉ số — {matrix.parent.full_name} — {matrix.period.label_vi}",
        headers=headers,
        rows=rows,
    )


def to_csv(table: ChartTable) -> bytes:
    """UTF-8 with a BOM so Excel shows the diacritics; comma-separated, dot decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_text(h) for h in table.headers])
    for row in table.rows:
        writer.writerow(
            ["" if v is None else csv_text(v) if isinstance(v, str) else _plain(v) for v in row]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _plain(value: int | Decimal) -> str:
    """Percentages with two dot decimals, the same on every database: PostgreSQL returns a
    DecimalField with its column scale (70.00), SQLite as stored (70)."""
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01')):f}"
    return str(value)


def to_xlsx(table: ChartTable) -> bytes:
    workbook = Workbook()
    sheet = active_sheet(workbook)
    sheet.title = "Du lieu"
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    for col, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=2, column=col)
        _put(cell, header)
        cell.font = Font(bold=True)
    for r, row in enumerate(table.rows, start=3):
        for col, value in enumerate(row, start=1):
            _put(sheet.cell(row=r, column=col), value)
    sheet.column_dimensions["B"].width = 32
    print_setup(sheet, title_rows="2:2", landscape=len(table.headers) > 6)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _put(cell: Cell | MergedCell, value: Value) -> None:
    if isinstance(value, str):
        put_text(cell, value)
        return
    cell = value_cell(cell)
    if isinstance(value, Decimal):
        cell.value = float(value)
        cell.number_format = "0.00"
    else:
        cell.value = value
        if isinstance(value, int):
            cell.number_format = "#,##0"
