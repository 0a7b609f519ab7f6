"""Reads for the ranked tables on one indicator: the units of a tier, their ranking with the
parent's own desk, both totals and the previous period's ranks, and a unit's trend.

Aggregation happens in the database; the number of queries does not depend on the number
of units (tests/ranking/ count them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol, cast

from django.core.paginator import Page, Paginator
from django.db.models import (
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Length

from indicators.domain import formulas, periods
from indicators.domain.compliance import AgainstTarget
from indicators.domain.formulas import compliance_status
from indicators.domain.ranking import competition_ranks, exact_ratio
from indicators.domain.status import count_met
from indicators.models import (
    Indicator,
    Period,
    PublishedResult,
    Target,
)
from indicators.selectors import (
    UnitPeriodParts,
    children_for_ranking,
    complete_parts_q,
    entered_figures,
    numerator_expression,
    parts_by_subtree,
    parts_by_unit,
    target_subquery,
)
from units.models import AdministrativeUnit, UnitLevel, UnitQuerySet
from units.selectors import country_units, the_country


@dataclass
class RankingRow(AgainstTarget):
    unit: AdministrativeUnit
    numerator: int | None
    denominator: int | None
    target: Decimal | None
    target_id: int | None
    rank: int | None = None
    is_sample: bool = False
    # Rank among the same units in the period just before (same kind and convention);
    # previous_ranked says whether that period ranked anyone at all.
    previous_rank: int | None = None
    previous_ranked: bool = False
    # A rate published without counts (shown, marked, never ranked nor summed).
    published: PublishedResult | None = None

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (+2 = up two); None when either rank
        is missing."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def is_new(self) -> bool:
        """Ranked now, not ranked in a previous period that did rank other units."""
        return self.rank is not None and self.previous_ranked and self.previous_rank is None


@dataclass
class TotalRow:
    label: str
    numerator: int | None
    denominator: int | None

    @property
    def rate(self) -> Decimal | None:
        return formulas.rate(self.numerator, self.denominator)


@dataclass
class Ranking:
    parent: AdministrativeUnit
    period: Period
    indicator: Indicator
    rows: list[RankingRow]
    parent_row: RankingRow | None
    children_total: TotalRow
    all_total: TotalRow
    children_level: str | None
    met_count: int = field(default=0)

    @property
    def has_sample(self) -> bool:
        return any(r.is_sample for r in self.rows) or bool(
            self.parent_row and self.parent_row.is_sample
        )


def ranking_for(
    *,
    parent: AdministrativeUnit,
    period: Period,
    indicator: Indicator,
    children: UnitQuerySet | None = None,
    include_drafts: bool = False,
) -> Ranking:
    """Children of `parent` ranked by their rate for `indicator` in `period`, best first,
    with the parent's own desk and both totals as ratios of sums. Three queries.

    `children` replaces the natural children (another tier of the subtree: all communes of
    a province, its agencies). Each row also carries its rank among the same units in the
    period just before (same kind and convention). Drafts are left out of the ranks and
    totals, in both periods, unless `include_drafts`."""
    (ranking,) = rankings_for(
        parent=parent,
        period=period,
        indicators=[indicator],
        children=children,
        include_drafts=include_drafts,
    )
    return ranking


def rankings_for(
    *,
    parent: AdministrativeUnit,
    period: Period,
    indicators: list[Indicator],
    children: UnitQuerySet | None = None,
    include_drafts: bool = False,
) -> list[Ranking]:
    """ranking_for of each of `indicators` (the dispatch's nine sections) in three queries
    for all of them: the units with their targets, then each period's counts of every
    indicator in one grouped query over those units' rolled-up rows.

    Set-based: per-unit subqueries cost PostgreSQL one roll-up pass per unit and
    annotation (Thanh Hóa's 547 communes: 0,8 s of SQL for a 4 ms sum), and nine
    rankings were 27 queries; the totals are the sums of the same rows, added here."""
    if children is None:
        children = children_for_ranking(parent, period)
    targets: dict[str, Any] = {}
    for indicator in indicators:
        found = _targets(indicator, period)
        targets[f"tv_{indicator.code}"] = found["target_value"]
        targets[f"tp_{indicator.code}"] = found["target_pk"]
    units = list(
        AdministrativeUnit.objects.filter(
            Q(pk__in=children.order_by().values("pk")) | Q(pk=parent.pk)
        ).annotate(**targets)
    )
    ids = [unit.pk for unit in units]
    current = parts_by_unit(
        period.start, period.end, unit_ids=ids, indicators=indicators, include_drafts=include_drafts
    )
    previous_spec = _previous_spec(period)
    previous = (
        parts_by_unit(
            previous_spec.start,
            previous_spec.end,
            unit_ids=ids,
            indicators=indicators,
            include_drafts=include_drafts,
        )
        if previous_spec is not None
        else {}
    )
    parent_unit = next(unit for unit in units if unit.pk == parent.pk)
    children_units = [unit for unit in units if unit.pk != parent.pk]
    level = children_units[0].get_level_display() if children_units else None
    return [
        _ranked(
            parent_unit,
            children_units,
            indicator,
            period=period,
            current=current,
            previous=previous,
            children_level=level,
        )
        for indicator in indicators
    ]


_Parts = dict[int, UnitPeriodParts]


def _ranked(
    parent: AdministrativeUnit,
    children: list[AdministrativeUnit],
    indicator: Indicator,
    *,
    period: Period,
    current: _Parts,
    previous: _Parts,
    children_level: str | None,
) -> Ranking:
    code = indicator.code

    def parts(found: _Parts, unit: AdministrativeUnit) -> tuple[int | None, int | None]:
        summed = found.get(unit.pk)
        return summed.of(code) if summed else (None, None)

    def row_of(unit: AdministrativeUnit) -> RankingRow:
        numerator, denominator = parts(current, unit)
        return RankingRow(
            unit=unit,
            numerator=numerator,
            denominator=denominator,
            target=getattr(unit, f"tv_{code}"),
            target_id=getattr(unit, f"tp_{code}"),
            is_sample=bool(unit.pk in current and current[unit.pk].is_sample),
        )

    rows = sorted(
        (row_of(unit) for unit in children),
        key=lambda r: _best_first(exact_ratio(r.numerator, r.denominator), r.unit.name),
    )
    ranks = competition_ranks([exact_ratio(row.numerator, row.denominator) for row in rows])
    # Previous ranks: the same competition ranking on the same units' previous counts.
    previous_ranks = competition_ranks([exact_ratio(*parts(previous, r.unit)) for r in rows])
    previous_ranked = any(rank is not None for rank in previous_ranks)
    for row, rank, previous_rank in zip(rows, ranks, previous_ranks, strict=True):
        row.rank = rank
        row.previous_rank = previous_rank
        row.previous_ranked = previous_ranked
    parent_row = row_of(parent)
    return Ranking(
        parent=parent,
        period=period,
        indicator=indicator,
        rows=rows,
        parent_row=parent_row if parent_row.denominator is not None else None,
        children_total=ratio_of_sums(rows),
        all_total=ratio_of_sums([*rows, parent_row], label="all"),
        children_level=children_level,
        met_count=count_met(r.status for r in rows),
    )


# --------------------------------------------------------------------------- the country

# Rows per page of the ranking of every commune of the country.
COUNTRY_PAGE_SIZE = 100


@dataclass
class CountryRanking(Ranking):
    """A ranking of the whole country: the provinces, or every commune one page at a time
    (`page`: Django's page of the ranked list; ranks are over the whole country)."""

    page: Page | None = None
    unit_count: int = 0

    @classmethod
    def of(
        cls,
        *,
        period: Period,
        indicator: Indicator,
        level: UnitLevel,
        rows: list[RankingRow],
        total: TotalRow,
        met_count: int,
        unit_count: int,
        page: Page | None = None,
    ) -> CountryRanking:
        """A ranking under the country: no parent desk (the country enters nothing), and the
        children's total is the country's total."""
        return cls(
            parent=the_country(),
            period=period,
            indicator=indicator,
            rows=rows,
            parent_row=None,
            children_total=total,
            all_total=total,
            children_level=str(level.label),
            met_count=met_count,
            page=page,
            unit_count=unit_count,
        )


def _row(
    unit: AdministrativeUnit, numerator: int | None, denominator: int | None, *, is_sample: bool
) -> RankingRow:
    """A ranked row; `unit` carries its target's annotations (target_value, target_pk)."""
    return RankingRow(
        unit=unit,
        numerator=numerator,
        denominator=denominator,
        target=unit.target_value,  # type: ignore[attr-defined]
        target_id=unit.target_pk,  # type: ignore[attr-defined]
        is_sample=is_sample,
    )


def _previous_spec(period: Period) -> periods.PeriodSpec | None:
    try:
        return period.spec.previous()
    except periods.PeriodError:
        return None


class _Counted(Protocol):
    numerator: int | None
    denominator: int | None


def ratio_of_sums(rows: Sequence[_Counted], *, label: str = "children") -> TotalRow:
    """The ratio of sums over the rows' (already summed) parts — ranked rows, a matrix
    column's cells: every figure belongs to one row, so the sum of the rows' sums is that
    of all their figures."""
    reported = [r for r in rows if r.numerator is not None and r.denominator is not None]
    if not reported:
        return TotalRow(label, None, None)
    return TotalRow(
        label,
        sum(cast(int, r.numerator) for r in reported),
        sum(cast(int, r.denominator) for r in reported),
    )


def _best_first(key: Fraction | None, name: str) -> tuple[bool, Fraction, str]:
    """The order of a ranked table: best rate first, units without data last, then by name."""
    return (key is None, -(key or Fraction(0)), name)


def _rank(rows: list[RankingRow], previous_keys: list[Fraction | None]) -> None:
    ranks = competition_ranks([exact_ratio(r.numerator, r.denominator) for r in rows])
    previous_ranks = competition_ranks(previous_keys)
    previous_ranked = any(rank is not None for rank in previous_ranks)
    for row, rank, previous_rank in zip(rows, ranks, previous_ranks, strict=True):
        row.rank, row.previous_rank, row.previous_ranked = rank, previous_rank, previous_ranked


def _targets(indicator: Indicator, period: Period) -> dict[str, Any]:
    return {
        "target_value": Subquery(target_subquery(indicator, period.year).values("value")[:1]),
        "target_pk": Subquery(target_subquery(indicator, period.year).values("pk")[:1]),
    }


def provinces_ranking(*, period: Period, indicator: Indicator) -> CountryRanking:
    """The provinces of the country during the period (of the structure in force when it
    closes) ranked best first by the ratio of sums over each province's whole subtree (its
    desk, districts, communes and agencies), with the previous period's ranks and the
    country's total. Three queries, whatever the number of units."""
    provinces = list(
        country_units(UnitLevel.PROVINCE, start=period.start, end=period.end).annotate(
            **_targets(indicator, period)
        )
    )
    ids = [p.pk for p in provinces]
    current = parts_by_subtree(period.start, period.end, root_ids=ids, indicators=[indicator])
    previous_spec = _previous_spec(period)
    previous = (
        parts_by_subtree(
            previous_spec.start, previous_spec.end, root_ids=ids, indicators=[indicator]
        )
        if previous_spec is not None
        else {}
    )
    rows = []
    for province in provinces:
        parts = current.get(province.pk)
        numerator, denominator = parts.of(indicator.code) if parts else (None, None)
        rows.append(
            _row(province, numerator, denominator, is_sample=bool(parts and parts.is_sample))
        )
    rows.sort(key=lambda r: _best_first(exact_ratio(r.numerator, r.denominator), r.unit.name))
    before = [previous.get(r.unit.pk) for r in rows]
    _rank(rows, [exact_ratio(*b.of(indicator.code)) if b else None for b in before])
    total = ratio_of_sums(rows)
    return CountryRanking.of(
        period=period,
        indicator=indicator,
        level=UnitLevel.PROVINCE,
        rows=rows,
        total=total,
        met_count=count_met(r.status for r in rows),
        unit_count=len(rows),
    )


def communes_ranking(
    *, period: Period, indicator: Indicator, page: int | str | None
) -> CountryRanking:
    """Every commune of the country during the period (of the structure in force when it
    closes), ranked best first on its own figures; ranks, previous ranks and the total are
    over the whole country. `page` is one page of COUNTRY_PAGE_SIZE rows (Django's
    Paginator, a bad number gives the nearest page); None is every row (the download).

    Four queries for any number of communes: their ids, names and targets, the current and
    previous counts grouped by unit, the rows shown."""
    communes = country_units(UnitLevel.COMMUNE, start=period.start, end=period.end)
    listed = list(
        communes.annotate(target_value=_targets(indicator, period)["target_value"]).values_list(
            "pk", "name", "target_value"
        )
    )
    names = [(pk, name) for pk, name, _target in listed]
    code = indicator.code
    current = parts_by_unit(period.start, period.end, unit_ids=communes, indicators=[indicator])
    previous_spec = _previous_spec(period)
    previous = (
        parts_by_unit(
            previous_spec.start, previous_spec.end, unit_ids=communes, indicators=[indicator]
        )
        if previous_spec is not None
        else {}
    )

    def parts_of(pk: int) -> tuple[int | None, int | None]:
        summed = current.get(pk)
        return summed.of(code) if summed else (None, None)

    def key(parts: UnitPeriodParts | None) -> Fraction | None:
        return exact_ratio(*parts.of(code)) if parts else None

    ordered = sorted(names, key=lambda unit: _best_first(key(current.get(unit[0])), unit[1]))
    ranks = competition_ranks([key(current.get(pk)) for pk, _name in ordered])
    previous_ranks = competition_ranks([key(previous.get(pk)) for pk, _name in ordered])
    previous_ranked = any(rank is not None for rank in previous_ranks)
    place = {pk: index for index, (pk, _name) in enumerate(ordered)}
    numbers = [
        (n, d)
        for n, d in (parts.of(code) for parts in current.values())
        if n is not None and d is not None
    ]
    total = TotalRow(
        "children",
        sum(n for n, _d in numbers) if numbers else None,
        sum(d for _n, d in numbers) if numbers else None,
    )

    shown_page: Page | None = None
    if page is None:
        shown = communes
    else:
        shown_page = Paginator([pk for pk, _name in ordered], COUNTRY_PAGE_SIZE).get_page(page)
        shown = AdministrativeUnit.objects.filter(pk__in=list(shown_page.object_list))
    units = sorted(
        shown.select_related("parent").annotate(**_targets(indicator, period)),
        key=lambda unit: place[unit.pk],
    )
    rows = []
    for unit in units:
        index = place[unit.pk]
        summed = current.get(unit.pk)
        row = _row(unit, *parts_of(unit.pk), is_sample=bool(summed and summed.is_sample))
        row.rank, row.previous_rank = ranks[index], previous_ranks[index]
        row.previous_ranked = previous_ranked
        rows.append(row)
    return CountryRanking.of(
        period=period,
        indicator=indicator,
        level=UnitLevel.COMMUNE,
        rows=rows,
        total=total,
        met_count=count_met(
            compliance_status(formulas.rate(*parts_of(pk)), target) for pk, _name, target in listed
        ),
        page=shown_page,
        unit_count=len(ordered),
    )


# Tiers a parent's subtree can be ranked on ("" = the parent's natural children).
TIERS = (UnitLevel.COMMUNE, UnitLevel.DISTRICT, UnitLevel.AGENCY)


def units_for_tier(parent: AdministrativeUnit, period: Period, tier: str | None) -> UnitQuerySet:
    """The units to rank: the natural children (territorial, no agencies), or every unit of
    one tier in the parent's subtree that existed during the period: the communes of a
    province, the district desks of a province, the agencies under a district."""
    if not tier:
        return children_for_ranking(parent, period)
    return (
        AdministrativeUnit.objects.in_subtree(parent)
        .exclude(pk=parent.pk)
        .filter(level=tier)
        .valid_during(period.start, period.end)
    )


@dataclass
class TrendPoint:
    period: Period
    numerator: int | None
    denominator: int | None
    target: Decimal | None
    is_sample: bool

    @property
    def rate(self) -> Decimal | None:
        return formulas.rate(self.numerator, self.denominator)


def trend_for(
    *, unit: AdministrativeUnit, indicator: Indicator, period: Period, include_drafts: bool = False
) -> list[TrendPoint]:
    """The unit's rate for `indicator` in every period of the same kind and convention as
    `period` where it reported, oldest first, each with the target of that period's year.
    One query."""
    definition = indicator.definition
    targets = (
        Target.objects.filter(
            unit=unit,
            indicator=indicator,
            plan__year=OuterRef("period__year"),
            plan__is_active=True,
        )
        .annotate(issuer_depth=Coalesce(Length("plan__issuer__path"), Value(0)))
        .order_by("-issuer_depth", "-plan__decision_date", "-pk")
    )
    figures = (
        entered_figures(include_drafts=include_drafts)
        .filter(unit=unit, period__kind=period.kind, period__convention=period.convention)
        .filter(complete_parts_q(definition))
        .select_related("period")
        .annotate(
            n=numerator_expression(definition),
            target_value=Subquery(targets.values("value")[:1]),
        )
        .order_by("period__start")
    )
    return [
        TrendPoint(
            period=f.period,
            numerator=f.n,
            denominator=getattr(f, definition.denominator),
            target=f.target_value,
            is_sample=f.is_sample,
        )
        for f in figures
    ]
