"""The 766 table as rows: one per unit and indicator, then one total per unit (the
columns of `manage.py index766 --format csv` and of the page's CSV download)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from indicators.domain import formatting, index766
from indicators.index766.selectors import Index766Scores, UnitScore

COLUMNS = ["unit_code", "unit", "group", "indicator", "ratio", "points", "max_points", "state"]
TOTAL = "total"
Number = Callable[[Decimal | None], str]


def table_rows(scores: Index766Scores, *, machine: bool) -> list[list[str]]:
    """Every indicator row of every unit, then the units' totals. `machine`: dot decimals
    (CSV for spreadsheets and scripts); else Vietnamese numbers."""
    assert scores.table is not None
    number = plain if machine else vietnamese
    rows = [r for row in scores.rows for r in _indicator_rows(row, scores.table, number)]
    rows += [_total_row(row, number) for row in scores.rows]
    return rows


def plain(value: Decimal | None) -> str:
    return "" if value is None else str(value.quantize(Decimal("0.01")))


def vietnamese(value: Decimal | None) -> str:
    return "" if value is None else formatting.format_decimal_vi(value)


def _indicator_rows(row: UnitScore, table: index766.RuleTable, number: Number) -> list[list[str]]:
    """One line per indicator; a unit without figures has every count missing."""
    if row.card is not None:
        scores = row.card.scores
    else:
        scores = [
            index766.IndicatorScore(rule=r, state=index766.ScoreState.MISSING_COUNTS)
            for g in sorted(table.groups, key=lambda g: (g.order, g.code))
            for r in sorted(table.rules, key=lambda r: (r.order, r.code))
            if r.group_code == g.code
        ]
    return [
        [
            row.unit.code,
            row.unit.full_name,
            s.rule.group_code,
            s.rule.code,
            number(s.ratio),
            number(s.points),
            number(s.max_points),
            s.state.value,
        ]
        for s in scores
    ]


def _total_row(row: UnitScore, number: Number) -> list[str]:
    computed = row.card is not None and row.card.counted_max > 0
    return [
        row.unit.code,
        row.unit.full_name,
        TOTAL,
        TOTAL,
        number(row.score_100),
        number(row.points) if computed else "",
        number(row.counted_max) if computed else "",
        (index766.ScoreState.COMPUTED if computed else index766.ScoreState.MISSING_COUNTS).value,
    ]
