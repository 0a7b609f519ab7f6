"""Checks on a read appendix: published rates and totals against the counts they come from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from indicators.domain.formatting import format_decimal_vi, format_int_vi
from indicators.domain.formulas import (
    COUNT_FIELDS,
    get_indicator,
    indicator_parts,
    ratio_of_sums,
    round_rate,
)
from indicators.io.appendix_cells import CellReader
from indicators.io.appendix_layout import (
    CHECKABLE_RATES,
    COUNT_COLUMN_INDEX,
    AppendixLayout,
    AppendixRow,
    ParsedAppendix,
    Problem,
)
from kpi_portal.spreadsheets.grid import Grid


def _scope(result: ParsedAppendix, section: str) -> list[AppendixRow]:
    if section == "commune_total":
        return [row for row in result.rows if row.section == "commune"]
    return list(result.rows)


def _recomputed(rows: Iterable[AppendixRow], code: str) -> Decimal | None:
    indicator = get_indicator(code)
    return ratio_of_sums(indicator_parts(indicator, row.counts) for row in rows)


def check_rates(
    result: ParsedAppendix,
    rate_cells: Mapping[int, Mapping[str, tuple[Decimal, int, str]]],
    reader: CellReader,
) -> None:
    for record in [*result.rows, *result.totals]:
        cells = rate_cells.get(record.row, {})
        scope = (
            [record]
            if record.section in ("district", "commune")
            else _scope(result, record.section)
        )
        for code in CHECKABLE_RATES:
            if code not in cells:
                continue
            printed, places, ref = cells[code]
            indicator = get_indicator(code)
            needed = (*indicator.numerator, indicator.denominator)
            if any(name not in row.counts for row in scope for name in needed):
                continue  # a count is already reported as wrong; do not pile on
            expected = _recomputed(scope, code)
            name = indicator.name_vi
            if expected is None:
                if printed == 0:
                    continue
                message = (
                    f"Ô {ref} ({name}): ghi {format_decimal_vi(printed, places)} % "
                    "nhưng mẫu số bằng 0, không có dữ liệu để tính."
                )
            else:
                shown = round_rate(expected, places)
                if shown == round_rate(printed, places):
                    continue
                message = (
                    f"Ô {ref} ({name}, dòng {record.row} {record.unit_name}): ghi "
                    f"{format_decimal_vi(printed, places)} % nhưng tính lại từ số liệu "
                    f"được {format_decimal_vi(shown, places)} %."
                )
            column = ref.rstrip("0123456789")
            reader.problems.append(Problem("warning", record.sheet, record.row, column, message))


def check_totals(
    result: ParsedAppendix, layout: AppendixLayout, reader: CellReader, ws: Grid
) -> None:
    for total in result.totals:
        scope = _scope(result, total.section)
        for fname, found in total.counts.items():
            if any(fname not in row.counts for row in scope):
                continue
            expected = sum(row.counts[fname] for row in scope)
            if found != expected:
                col = layout.value_cols[COUNT_COLUMN_INDEX[fname]]
                cell = ws.cell(total.row, col)
                reader.add(
                    "warning",
                    cell,
                    total.row,
                    f"Ô {cell.coordinate} (dòng «{total.unit_name}», {COUNT_FIELDS[fname]}): "
                    f"ghi {format_int_vi(found)} nhưng cộng các đơn vị được "
                    f"{format_int_vi(expected)}.",
                )
