"""Reads for the chairman's summary and the unit page: units × indicators in a fixed
number of queries, whatever the number of units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce, Length

from indicators.domain import compliance, formulas, periods
from indicators.domain.ranking import competition_ranks, exact_ratio
from indicators.domain.status import Status, count_judged, count_met
from indicators.figures.selectors import figures_status_rows
from indicators.models import (
    FiguresStatus,
    Indicator,
    Period,
    PublishedResult,
    Target,
    UnitFigures,
)
from indicators.selectors import (
    UnitPeriodParts,
    children_for_ranking,
    complete_parts_q,
    numerator_expression,
    parts_by_subtree,
    parts_by_unit,
    period_figures,
)
from units.models import AdministrativeUnit, UnitLevel
from units.selectors import country_units, predecessors_of, the_country


@dataclass
class Cell(compliance.AgainstTarget):
    unit: AdministrativeUnit
    indicator: Indicator
    numerator: int | None
    denominator: int | None
    target: Decimal | None
    previous_rate: Decimal | None
    year_to_date: tuple[int | None, int | None] = (None, None)
    projection: compliance.YearProjection | None = None
    rank: int | None = None
    # A rate published without counts for this unit and period (shown, never summed).
    published: PublishedResult | None = None

    @property
    def arrow(self) -> str:
        return compliance.trend_arrow(self.rate, self.previous_rate)

    @property
    def to_green(self) -> int | None:
        """More dossiers (of the numerator's kind) needed this period to meet the target."""
        if self.status != Status.MISSED or self.numerator is None or not self.denominator:
            return None
        if self.target is None:  # never: MISSED means there is a target
            return None
        return compliance.dossiers_to_target(self.numerator, self.denominator, self.target)


@dataclass
class UnitRow:
    unit: AdministrativeUnit
    cells: list[Cell]
    figures_status: str | None  # draft / submitted / approved, None = not reported
    is_desk: bool = False


@dataclass
class IndicatorSummary:
    indicator: Indicator
    met: int
    with_data: int
    total_numerator: int | None
    total_denominator: int | None

    @property
    def total_rate(self) -> Decimal | None:
        return formulas.rate(self.total_numerator, self.total_denominator)


@dataclass
class ComplianceMatrix:
    parent: AdministrativeUnit
    period: Period
    previous_period_code: str | None
    indicators: list[Indicator]
    rows: list[UnitRow]
    summaries: list[IndicatorSummary] = field(default_factory=list)

    def worst_gaps(self) -> list[Cell]:
        """Red cells, the largest shortfall first: the chairman's to-do list."""
        red = [c for row in self.rows for c in row.cells if c.status == Status.MISSED]
        return sorted(red, key=lambda c: (c.gap, c.unit.name))

    def cell(self, unit_id: int, code: str) -> Cell | None:
        for row in self.rows:
            if row.unit.pk == unit_id:
                return next((c for c in row.cells if c.indicator.code == code), None)
        return None


def _targets(unit_ids: list[int], year: int | None) -> dict[tuple[int, str], Decimal]:
    """(unit, indicator) → the target of the plan issued closest to the unit."""
    rows = (
        Target.objects.filter(
            unit_id__in=unit_ids,
            # A period without a year (a custom range) has no target: year=None is IS NULL.
            plan__year=year,  # type: ignore[misc]  # None is meant, see above
            plan__is_active=True,
        )
        .annotate(issuer_depth=Coalesce(Length("plan__issuer__path"), Value(0)))
        .order_by("unit_id", "indicator__code", "-issuer_depth", "-plan__decision_date", "-pk")
        .values_list("unit_id", "indicator__code", "value")
    )
    chosen: dict[tuple[int, str], Decimal] = {}
    for unit_id, code, value in rows:
        chosen.setdefault((unit_id, code), value)
    return chosen


def _year_to_date(period: Period) -> tuple[periods.PeriodSpec, int, int] | None:
    """The span from the start of the period's reporting year to the period's end, with
    days elapsed and days in that year; None for a date range (no reporting year)."""
    if period.year is None or period.convention == periods.Convention.CUSTOM:
        return None
    year = periods.year_period(period.year, periods.Convention(period.convention))
    elapsed = (period.end - year.start).days + 1
    return periods.custom(year.start, period.end), elapsed, year.days


def compliance_matrix(
    *, parent: AdministrativeUnit, period: Period, include_drafts: bool = False
) -> ComplianceMatrix:
    """The parent's own desk and its children × every indicator, with targets, the
    previous period's rates, year-to-date pace and per-indicator totals. Seven queries.
    Drafts are left out of all of it (as if not entered) unless `include_drafts`."""
    indicators = list(Indicator.objects.all())
    children = list(children_for_ranking(parent, period).order_by("name"))
    units = [parent, *children]
    unit_ids = [u.pk for u in units]

    def parts(start: dt.date, end: dt.date) -> dict[int, UnitPeriodParts]:
        return parts_by_unit(
            start, end, unit_ids=unit_ids, indicators=indicators, include_drafts=include_drafts
        )

    current = parts(period.start, period.end)
    try:
        previous_spec: periods.PeriodSpec | None = period.spec.previous()
    except periods.PeriodError:
        previous_spec = None
    previous = parts(previous_spec.start, previous_spec.end) if previous_spec else {}
    targets = _targets(unit_ids, period.year)
    so_far = _year_to_date(period)
    year_to_date = parts(so_far[0].start, so_far[0].end) if so_far else {}
    elapsed, days_in_year = (so_far[1], so_far[2]) if so_far else (0, 0)

    rows = []
    for unit in units:
        counts, before = current.get(unit.pk), previous.get(unit.pk)
        cells = []
        for indicator in indicators:
            cell = _cell(
                unit,
                indicator,
                counts=counts,
                before=before,
                year_to_date=year_to_date.get(unit.pk),
                target=targets.get((unit.pk, indicator.code)),
                days=(elapsed, days_in_year),
            )
            cells.append(cell)
        rows.append(UnitRow(unit, cells, counts.status if counts else None, is_desk=unit == parent))
    _rank_children(rows[1:], len(indicators))
    previous_code = previous_spec.code if previous_spec else None
    matrix = ComplianceMatrix(parent, period, previous_code, indicators, rows)
    matrix.summaries = _summaries(matrix, children, include_drafts=include_drafts)
    return matrix


def country_compliance_matrix(*, period: Period) -> ComplianceMatrix:
    """The country's provinces (of the structure in force when the period closes) × every
    indicator, each cell the ratio of sums over the province's whole subtree, with the
    province's targets, the previous period's rates, year-to-date pace and the country's
    totals. No desk row: the country has none. Six queries, whatever the number of
    units."""
    indicators = list(Indicator.objects.all())
    provinces = list(
        country_units(UnitLevel.PROVINCE, start=period.start, end=period.end).order_by("name")
    )
    ids = [p.pk for p in provinces]
    current = parts_by_subtree(period.start, period.end, root_ids=ids, indicators=indicators)
    try:
        previous_spec: periods.PeriodSpec | None = period.spec.previous()
    except periods.PeriodError:
        previous_spec = None
    previous = (
        parts_by_subtree(
            previous_spec.start, previous_spec.end, root_ids=ids, indicators=indicators
        )
        if previous_spec
        else {}
    )
    targets = _targets(ids, period.year)
    so_far = _year_to_date(period)
    year_to_date = (
        parts_by_subtree(so_far[0].start, so_far[0].end, root_ids=ids, indicators=indicators)
        if so_far
        else {}
    )
    elapsed, days_in_year = (so_far[1], so_far[2]) if so_far else (0, 0)
    rows = []
    for province in provinces:
        counts, before, ytd = current.get(province.pk), previous.get(province.pk), None
        ytd = year_to_date.get(province.pk)
        cells = []
        for indicator in indicators:
            cell = _cell(
                province,
                indicator,
                counts=counts,
                before=before,
                year_to_date=ytd,
                target=targets.get((province.pk, indicator.code)),
                days=(elapsed, days_in_year),
            )
            cells.append(cell)
        rows.append(UnitRow(province, cells, counts.status if counts else None))
    _rank_children(rows, len(indicators))
    previous_code = previous_spec.code if previous_spec else None
    matrix = ComplianceMatrix(the_country(), period, previous_code, indicators, rows)
    matrix.summaries = [
        _country_summary(indicator, [row.cells[index] for row in rows])
        for index, indicator in enumerate(indicators)
    ]
    return matrix


def _country_summary(indicator: Indicator, cells: list[Cell]) -> IndicatorSummary:
    """x/y provinces met, and the country's total: the sum of the provinces' subtree sums
    (every figure lies in exactly one province), as a ratio of sums."""
    reported = [c for c in cells if c.numerator is not None and c.denominator is not None]
    return IndicatorSummary(
        indicator=indicator,
        met=count_met(c.status for c in cells),
        with_data=count_judged(c.status for c in cells),
        total_numerator=sum(c.numerator or 0 for c in reported) if reported else None,
        total_denominator=sum(c.denominator or 0 for c in reported) if reported else None,
    )


def _cell(
    unit: AdministrativeUnit,
    indicator: Indicator,
    *,
    counts: UnitPeriodParts | None,
    before: UnitPeriodParts | None,
    year_to_date: UnitPeriodParts | None,
    target: Decimal | None,
    days: tuple[int, int],
) -> Cell:
    """One unit and indicator: the period's parts, the previous period's rate, and where a
    target applies the year to date and its projection to the year's end."""
    numerator, denominator = counts.of(indicator.code) if counts else (None, None)
    cell = Cell(
        unit=unit,
        indicator=indicator,
        numerator=numerator,
        denominator=denominator,
        target=target,
        previous_rate=formulas.rate(*before.of(indicator.code)) if before else None,
    )
    if year_to_date and target is not None:
        ytd_num, ytd_den = year_to_date.of(indicator.code)
        cell.year_to_date = (ytd_num, ytd_den)
        if ytd_num is not None and ytd_den:
            cell.projection = compliance.project_to_year_end(
                numerator_so_far=ytd_num,
                denominator_so_far=ytd_den,
                days_elapsed=days[0],
                days_in_year=days[1],
                target=target,
            )
    return cell


def _rank_children(rows: list[UnitRow], indicator_count: int) -> None:
    """Competition rank among siblings on exact ratios, per indicator."""
    for index in range(indicator_count):
        cells = [row.cells[index] for row in rows]
        ranks = competition_ranks([exact_ratio(c.numerator, c.denominator) for c in cells])
        for cell, rank in zip(cells, ranks, strict=True):
            cell.rank = rank


def _summaries(
    matrix: ComplianceMatrix, children: list[AdministrativeUnit], *, include_drafts: bool
) -> list[IndicatorSummary]:
    """x/y đơn vị đạt per indicator and the children's total as a ratio of sums, summed in
    the database (one query)."""
    aggregates = {}
    figures = period_figures(
        matrix.period.start,
        matrix.period.end,
        include_drafts=include_drafts,
        unit_ids=[child.pk for child in children],
    )
    for indicator in matrix.indicators:
        definition = indicator.definition
        complete = complete_parts_q(definition)
        aggregates[f"{indicator.code}_n"] = Sum(numerator_expression(definition), filter=complete)
        aggregates[f"{indicator.code}_d"] = Sum(definition.denominator, filter=complete)
    totals = figures.aggregate(**aggregates) if children else {}
    summaries = []
    for index, indicator in enumerate(matrix.indicators):
        cells = [row.cells[index] for row in matrix.rows if not row.is_desk]
        summaries.append(
            IndicatorSummary(
                indicator=indicator,
                met=count_met(c.status for c in cells),
                with_data=count_judged(c.status for c in cells),
                total_numerator=totals.get(f"{indicator.code}_n"),
                total_denominator=totals.get(f"{indicator.code}_d"),
            )
        )
    return summaries


@dataclass
class UnitHistoryRow:
    period: Period
    status: str
    cells: list[Cell]


def unit_history(*, unit: AdministrativeUnit) -> tuple[list[Indicator], list[UnitHistoryRow]]:
    """Every period the unit reported, newest first, with each indicator against the
    target of that period's year. Three queries."""
    indicators = list(Indicator.objects.all())
    figures = list(
        UnitFigures.objects.filter(unit=unit)
        .select_related("period")
        .order_by("-period__end", "period__start")
    )
    years = {f.period.year for f in figures}
    targets: dict[tuple[int | None, str], Decimal] = {}
    for year in years:
        for (_unit, code), value in _targets([unit.pk], year).items():
            targets[(year, code)] = value
    rows = []
    for f in figures:
        counts = f.counts()
        cells = []
        for indicator in indicators:
            numerator, denominator = formulas.indicator_parts(indicator.definition, counts)
            cells.append(
                Cell(
                    unit,
                    indicator,
                    numerator,
                    denominator,
                    targets.get((f.period.year, indicator.code)),
                    None,
                )
            )
        rows.append(UnitHistoryRow(f.period, f.status, cells))
    return indicators, rows


def reminder_rows(
    *, parent: AdministrativeUnit, period: Period
) -> list[tuple[AdministrativeUnit, UnitFigures | None]]:
    """Units whose figures for the period are not approved yet (none, draft, submitted)."""
    return [
        (unit, figures)
        for unit, figures in figures_status_rows(parent=parent, period=period)
        if figures is None or figures.status != FiguresStatus.APPROVED
    ]


@dataclass
class TodoItem:
    """One month a commune reports: its figures (None: not entered yet) and what is left."""

    spec: periods.PeriodSpec
    figures: UnitFigures | None
    is_current: bool

    @property
    def step(self) -> str:
        """ "enter", "submit" or "done" (submitted or approved: the office above acts)."""
        if self.figures is None:
            return "enter"
        if self.figures.status == FiguresStatus.DRAFT:
            return "submit"
        return "done"


@dataclass
class CommuneTodo:
    months: list[TodoItem]
    returned: list[UnitFigures]


def commune_todo(*, unit: AdministrativeUnit, today: dt.date) -> CommuneTodo:
    """A commune's to-do on its landing page: the current Decree 09 month (the one that
    holds today) and the month before it, which closed on the 14th and is the one due now,
    each entered or not, submitted or not; and every figure sent back to it, with the
    reviewer's reason. Two queries."""
    current = periods.reporting_period_containing(
        today, periods.PeriodKind.MONTH, periods.Convention.DECREE09
    )
    months = [current.previous(), current]
    stored = {
        f.period.code: f
        for f in UnitFigures.objects.filter(
            unit=unit, period__code__in=[m.code for m in months]
        ).select_related("period")
    }
    returned = list(
        UnitFigures.objects.filter(unit=unit, status=FiguresStatus.DRAFT)
        .exclude(review_comment="")
        .select_related("period")
        .order_by("-period__end")
    )
    return CommuneTodo(
        months=[
            TodoItem(spec=m, figures=stored.get(m.code), is_current=m == current) for m in months
        ],
        returned=returned,
    )


TREND_MONTHS = 24


@dataclass
class TrendMonth:
    """One Decree 09 month of a unit's trend: per indicator code the numerator and
    denominator (absent = no data, a gap in the line), the target of the month's year, and
    whether the counts are the unit's own or the sum of its predecessors' (before a merger)."""

    period: periods.PeriodSpec
    parts: dict[str, tuple[int, int]] = field(default_factory=dict)
    targets: dict[str, Decimal] = field(default_factory=dict)
    from_predecessors: bool = False

    def rate(self, code: str) -> Decimal | None:
        return formulas.rate(*self.parts[code]) if code in self.parts else None


@dataclass
class UnitTrend:
    unit: AdministrativeUnit
    months: list[TrendMonth]
    predecessors: list[AdministrativeUnit]

    @property
    def has_data(self) -> bool:
        return any(month.parts for month in self.months)


def _month_index(spec: periods.PeriodSpec) -> int:
    assert spec.year is not None and spec.number is not None
    return spec.year * 12 + spec.number - 1


def _month_of_index(index: int) -> periods.PeriodSpec:
    return periods.month(index // 12, index % 12 + 1, periods.Convention.DECREE09)


def unit_monthly_trend(
    *,
    unit: AdministrativeUnit,
    indicators: list[Indicator],
    today: dt.date,
    months: int = TREND_MONTHS,
) -> UnitTrend:
    """The unit's last `months` Decree 09 months (ending with the latest month it or its
    predecessors reported, or the current one), each indicator as a ratio of sums, with
    the target of each month's year. A unit created by the 2025 merger shows, for the
    months before it existed, the ratio of sums of its predecessors (marked as such).
    Three queries, whatever the number of months: the predecessors, one grouped read of
    the figures, the targets."""
    predecessors = list(predecessors_of(unit)) if unit.valid_from else []
    own = Q(unit=unit)
    before = (
        Q(unit__in=predecessors, period__end__lt=unit.valid_from)
        if predecessors and unit.valid_from
        else Q(pk__in=[])
    )
    aggregates: dict[str, Any] = {}
    for indicator in indicators:
        definition = indicator.definition
        complete = complete_parts_q(definition)
        aggregates[f"{indicator.code}__n"] = Sum(numerator_expression(definition), filter=complete)
        aggregates[f"{indicator.code}__d"] = Sum(definition.denominator, filter=complete)
    rows = list(
        UnitFigures.objects.filter(
            own | before,
            period__kind=periods.PeriodKind.MONTH,
            period__convention=periods.Convention.DECREE09,
        )
        .order_by()
        .values("period__year", "period__number")
        .annotate(own_rows=Count("pk", filter=own), **aggregates)
    )
    by_index = {row["period__year"] * 12 + row["period__number"] - 1: row for row in rows}
    last = max(by_index, default=_month_index(_month_containing(today)))
    if unit.valid_to and not by_index:
        # A unit that ceased: its last month is the last one closed while it existed
        # (30/06/2025 → 2025-M06-ND09; the month closing on 14/07 is its successor's).
        ended = _month_containing(unit.valid_to)
        closed = _month_index(ended) - (1 if ended.end > unit.valid_to else 0)
        last = min(last, closed)
    window = [_month_of_index(i) for i in range(last - months + 1, last + 1)]
    targets = _targets_by_year(unit.pk, {spec.year for spec in window if spec.year})
    trend = []
    for spec in window:
        month = TrendMonth(spec)
        row = by_index.get(_month_index(spec))
        if row is not None:
            month.from_predecessors = not row["own_rows"]
            for indicator in indicators:
                numerator, denominator = row[f"{indicator.code}__n"], row[f"{indicator.code}__d"]
                if numerator is not None and denominator:
                    month.parts[indicator.code] = (numerator, denominator)
        assert spec.year is not None
        month.targets = {
            i.code: targets[(spec.year, i.code)]
            for i in indicators
            if (spec.year, i.code) in targets
        }
        trend.append(month)
    return UnitTrend(unit, trend, predecessors)


def _targets_by_year(unit_id: int, years: set[int]) -> dict[tuple[int, str], Decimal]:
    """(year, indicator) → the target of the plan issued closest to the unit, for several
    years in one query (as _targets does for one)."""
    rows = (
        Target.objects.filter(unit_id=unit_id, plan__year__in=years, plan__is_active=True)
        .annotate(issuer_depth=Coalesce(Length("plan__issuer__path"), Value(0)))
        .order_by("plan__year", "indicator__code", "-issuer_depth", "-plan__decision_date", "-pk")
        .values_list("plan__year", "indicator__code", "value")
    )
    chosen: dict[tuple[int, str], Decimal] = {}
    for year, code, value in rows:
        chosen.setdefault((year, code), value)
    return chosen


def _month_containing(day: dt.date) -> periods.PeriodSpec:
    return periods.reporting_period_containing(
        day, periods.PeriodKind.MONTH, periods.Convention.DECREE09
    )
