"""Every unit × every indicator for the ranked tables ("Tất cả chỉ số"): counts, rate and
target per cell in two queries, units ranked by the number of indicators they meet."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Subquery

from indicators.domain.compliance import AgainstTarget
from indicators.domain.ranking import competition_ranks
from indicators.domain.status import count_judged, count_met
from indicators.models import Indicator, Period
from indicators.ranking.selectors import TotalRow, ratio_of_sums
from indicators.selectors import (
    UnitPeriodParts,
    parts_by_subtree,
    parts_by_unit,
    target_subquery,
)
from units.models import AdministrativeUnit, UnitLevel, UnitQuerySet
from units.selectors import country_units, the_country


@dataclass
class MatrixCell(AgainstTarget):
    indicator: Indicator
    numerator: int | None
    denominator: int | None
    target: Decimal | None


@dataclass
class MatrixRow:
    unit: AdministrativeUnit
    cells: list[MatrixCell]
    is_sample: bool = False
    rank: int | None = None

    @property
    def met(self) -> int:
        return count_met(c.status for c in self.cells)

    @property
    def with_target(self) -> int:
        """Indicators with data and a target: the denominator of "x/y đạt"."""
        return count_judged(c.status for c in self.cells)


@dataclass
class Matrix:
    parent: AdministrativeUnit
    period: Period
    indicators: list[Indicator]
    rows: list[MatrixRow]
    totals: list[TotalRow]
    children_level: str | None
    met_counts: list[int] = field(default_factory=list)

    @property
    def has_sample(self) -> bool:
        return any(r.is_sample for r in self.rows)

    @property
    def columns(self) -> list[tuple[Indicator, TotalRow, int]]:
        return list(zip(self.indicators, self.totals, self.met_counts, strict=True))


def matrix_for(
    *,
    parent: AdministrativeUnit,
    period: Period,
    units: UnitQuerySet,
    indicators: list[Indicator],
    include_drafts: bool = False,
) -> Matrix:
    """Every unit × every indicator: the units with their targets in one query, the counts
    of all of them in one grouped query over their rolled-up rows (per-unit subqueries,
    two per indicator, ran the roll-up once per unit and cell on PostgreSQL: 1,8 s of
    SQL for Thanh Hóa's 547 communes); the total per indicator is the ratio of sums over
    the units. Units are ranked by the number of indicators they meet, then by name.
    Drafts only with `include_drafts`."""
    targets = {
        f"t_{i.code}": Subquery(target_subquery(i, period.year).values("value")[:1])
        for i in indicators
    }
    unit_rows = list(units.annotate(**targets).order_by("name", "pk"))
    counts = parts_by_unit(
        period.start,
        period.end,
        unit_ids=[unit.pk for unit in unit_rows],
        indicators=indicators,
        include_drafts=include_drafts,
    )
    empty = UnitPeriodParts(parts={}, status="")
    rows = [
        MatrixRow(
            unit=unit,
            cells=[
                MatrixCell(
                    i,
                    *counts.get(unit.pk, empty).of(i.code),
                    target=getattr(unit, f"t_{i.code}"),
                )
                for i in indicators
            ],
            is_sample=counts.get(unit.pk, empty).is_sample,
        )
        for unit in unit_rows
    ]
    # Most indicators met first, then most with data and a target; ties stay in name order.
    # A unit without any data is unranked.
    rows.sort(key=lambda r: (-r.met, -r.with_target))
    ranks = competition_ranks(
        [
            (row.met, row.with_target) if any(c.rate is not None for c in row.cells) else None
            for row in rows
        ]
    )
    for row, rank in zip(rows, ranks, strict=True):
        row.rank = rank
    return Matrix(
        parent=parent,
        period=period,
        indicators=indicators,
        rows=rows,
        totals=[
            ratio_of_sums([row.cells[k] for row in rows], label=i.code)
            for k, i in enumerate(indicators)
        ],
        children_level=unit_rows[0].get_level_display() if unit_rows else None,
        met_counts=[count_met(r.cells[k].status for r in rows) for k in range(len(indicators))],
    )


def provinces_matrix(*, period: Period, indicators: list[Indicator]) -> Matrix:
    """The country's provinces (of the structure in force when the period closes) × every
    indicator, each cell the ratio of sums over the province's whole subtree, ranked as
    `matrix_for` ranks units; the totals are the country's. Two queries, whatever the
    number of units."""
    targets = {
        f"t_{i.code}": Subquery(target_subquery(i, period.year).values("value")[:1])
        for i in indicators
    }
    provinces = list(
        country_units(UnitLevel.PROVINCE, start=period.start, end=period.end)
        .annotate(**targets)
        .order_by("name", "pk")
    )
    parts = parts_by_subtree(
        period.start, period.end, root_ids=[p.pk for p in provinces], indicators=indicators
    )
    rows = []
    for province in provinces:
        summed = parts.get(province.pk)
        cells = []
        for indicator in indicators:
            numerator, denominator = summed.of(indicator.code) if summed else (None, None)
            target = getattr(province, f"t_{indicator.code}")
            cells.append(MatrixCell(indicator, numerator, denominator, target))
        rows.append(MatrixRow(province, cells, is_sample=bool(summed and summed.is_sample)))
    rows.sort(key=lambda r: (-r.met, -r.with_target))
    ranks = competition_ranks(
        [
            (row.met, row.with_target) if any(c.rate is not None for c in row.cells) else None
            for row in rows
        ]
    )
    for row, rank in zip(rows, ranks, strict=True):
        row.rank = rank
    return Matrix(
        parent=the_country(),
        period=period,
        indicators=indicators,
        rows=rows,
        totals=[
            ratio_of_sums([row.cells[k] for row in rows], label=i.code)
            for k, i in enumerate(indicators)
        ],
        children_level=str(UnitLevel.PROVINCE.label),
        met_counts=[count_met(r.cells[k].status for r in rows) for k in range(len(indicators))],
    )
