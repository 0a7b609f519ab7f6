"""Multi-row reads for the pages and commands. Aggregation happens in the database: the
number of queries does not grow with the number of units."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import reduce
from operator import add

from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length, NullIf

from indicators.domain import formulas, periods
from indicators.models import (
    FiguresChange,
    Indicator,
    Period,
    PublishedResult,
    Target,
    UnitFigures,
)
from units.models import AdministrativeUnit, UnitLevel


def numerator_expression(definition: formulas.IndicatorDef, prefix: str = "") -> F | object:
    """Sum of the numerator fields; NULL when any of them is NULL (SQL addition)."""
    return reduce(add, (F(prefix + name) for name in definition.numerator))


def complete_parts_q(definition: formulas.IndicatorDef, prefix: str = "") -> Q:
    """Rows where numerator and denominator were both reported: only those enter a ratio
    of sums, otherwise a unit without a numerator would dilute the total."""
    names = (*definition.numerator, definition.denominator)
    return Q(**{f"{prefix}{name}__isnull": False for name in names})


def target_subquery(indicator: Indicator, year: int | None) -> QuerySet[Target]:
    """The target that applies to OuterRef('pk'): among active plans of the year, the one
    issued closest to the unit (the deepest issuer) wins; the central plan comes last."""
    targets = (
        Target.objects.filter(
            unit=OuterRef("pk"), indicator=indicator, plan__year=year, plan__is_active=True
        )
        .annotate(issuer_depth=Coalesce(Length("plan__issuer__path"), Value(0)))
        .order_by("-issuer_depth", "-plan__decision_date", "-pk")
    )
    return targets


@dataclass
class RankingRow:
    unit: AdministrativeUnit
    numerator: int | None
    denominator: int | None
    rate: Decimal | None
    target: Decimal | None
    target_id: int | None
    rank: int | None = None
    is_sample: bool = False
    # Rank among the same units in the period just before (same kind and convention);
    # previous_ranked says whether that period ranked anyone at all.
    previous_rank: int | None = None
    previous_ranked: bool = False

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

    @property
    def gap(self) -> Decimal | None:
        return formulas.gap_points(self.rate, self.target)

    @property
    def status(self) -> str:
        return formulas.compliance_status(self.rate, self.target)


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


def _figures_annotations(indicator: Indicator, period: Period) -> dict[str, object]:
    definition = indicator.definition
    figures = UnitFigures.objects.filter(unit=OuterRef("pk"), period=period).filter(
        complete_parts_q(definition)
    )
    return {
        "numerator": Subquery(
            figures.annotate(n=numerator_expression(definition)).values("n")[:1],
            output_field=IntegerField(),
        ),
        "denominator": Subquery(
            figures.values(definition.denominator)[:1], output_field=IntegerField()
        ),
        "is_sample": Exists(
            UnitFigures.objects.filter(unit=OuterRef("pk"), period=period, is_sample=True)
        ),
        "target_value": Subquery(target_subquery(indicator, period.year).values("value")[:1]),
        "target_pk": Subquery(target_subquery(indicator, period.year).values("pk")[:1]),
    }


def children_for_ranking(
    parent: AdministrativeUnit, period: Period
) -> QuerySet[AdministrativeUnit]:
    """Direct territorial children that existed during the period (agencies are ranked
    separately, among themselves)."""
    return (
        AdministrativeUnit.objects.filter(parent=parent)
        .exclude(level=UnitLevel.AGENCY)
        .valid_during(period.start, period.end)
    )


def ranking_for(
    *,
    parent: AdministrativeUnit,
    period: Period,
    indicator: Indicator,
    children: QuerySet[AdministrativeUnit] | None = None,
) -> Ranking:
    """Children of `parent` ranked by their rate for `indicator` in `period`, best first,
    with the parent's own desk and both totals as ratios of sums. Three queries.

    `children` replaces the natural children (another tier of the subtree: all communes of
    a province, its agencies). Each row also carries its rank among the same units in the
    period just before (same kind and convention), read in the same query."""
    annotations = _figures_annotations(indicator, period)
    rate_expr = ExpressionWrapper(
        F("numerator") * Value(100.0) / NullIf(F("denominator"), 0), output_field=FloatField()
    )
    definition = indicator.definition
    try:
        previous_code: str | None = period.spec.previous().code
    except periods.PeriodError:
        previous_code = None
    previous_annotations: dict[str, object] = {}
    if previous_code is not None:
        previous_figures = UnitFigures.objects.filter(
            unit=OuterRef("pk"), period__code=previous_code
        ).filter(complete_parts_q(definition))
        previous_annotations = {
            "previous_numerator": Subquery(
                previous_figures.annotate(n=numerator_expression(definition)).values("n")[:1],
                output_field=IntegerField(),
            ),
            "previous_denominator": Subquery(
                previous_figures.values(definition.denominator)[:1], output_field=IntegerField()
            ),
        }
    if children is None:
        children = children_for_ranking(parent, period)
    children_list = list(
        children.annotate(**annotations, **previous_annotations)
        .annotate(rate_sort=rate_expr)
        .order_by(F("rate_sort").desc(nulls_last=True), "name")
    )
    parent_annotated = AdministrativeUnit.objects.filter(pk=parent.pk).annotate(**annotations).get()

    complete = complete_parts_q(definition)
    figures = UnitFigures.objects.filter(period=period).filter(complete)
    child_ids = [c.pk for c in children_list]
    totals = figures.filter(Q(unit_id__in=child_ids) | Q(unit_id=parent.pk)).aggregate(
        # "Not the parent" rather than "in child_ids": an empty IN list compiles to a bare
        # NULL, which PostgreSQL cannot type inside SUM().
        children_num=Sum(Case(When(~Q(unit_id=parent.pk), then=numerator_expression(definition)))),
        children_den=Sum(Case(When(~Q(unit_id=parent.pk), then=F(definition.denominator)))),
        all_num=Sum(numerator_expression(definition)),
        all_den=Sum(definition.denominator),
    )

    rows = [_row(unit) for unit in children_list]
    _assign_ranks(rows)
    # Previous ranks: the same competition ranking on the same units' previous counts.
    previous = sorted(
        (
            (Fraction(unit.previous_numerator, unit.previous_denominator), row)  # type: ignore[attr-defined]
            for row, unit in zip(rows, children_list, strict=True)
            if previous_code is not None
            and unit.previous_numerator is not None  # type: ignore[attr-defined]
            and unit.previous_denominator  # type: ignore[attr-defined]
        ),
        key=lambda pair: pair[0],
        reverse=True,
    )
    previous_value: Fraction | None = None
    previous_rank = 0
    for position, (value, row) in enumerate(previous, start=1):
        if value != previous_value:
            previous_rank = position
        row.previous_rank = previous_rank
        previous_value = value
    for row in rows:
        row.previous_ranked = bool(previous)
    level = children_list[0].get_level_display() if children_list else None
    return Ranking(
        parent=parent,
        period=period,
        indicator=indicator,
        rows=rows,
        parent_row=_row(parent_annotated) if parent_annotated.denominator is not None else None,
        children_total=TotalRow("children", totals["children_num"], totals["children_den"]),
        all_total=TotalRow("all", totals["all_num"], totals["all_den"]),
        children_level=level,
        met_count=sum(1 for r in rows if r.status == "met"),
    )


def _row(unit: AdministrativeUnit) -> RankingRow:
    numerator: int | None = unit.numerator  # type: ignore[attr-defined]
    denominator: int | None = unit.denominator  # type: ignore[attr-defined]
    return RankingRow(
        unit=unit,
        numerator=numerator,
        denominator=denominator,
        rate=formulas.rate(numerator, denominator),
        target=unit.target_value,  # type: ignore[attr-defined]
        target_id=unit.target_pk,  # type: ignore[attr-defined]
        is_sample=unit.is_sample,  # type: ignore[attr-defined]
    )


def _assign_ranks(rows: list[RankingRow]) -> None:
    """Standard competition ranking (1, 2, 2, 4) on exact ratios; no data is unranked."""
    previous: Fraction | None = None
    for position, row in enumerate(rows, start=1):
        if row.numerator is None or not row.denominator:
            row.rank = None
            continue
        exact = Fraction(row.numerator, row.denominator)
        if previous is None or exact != previous:
            row.rank = position
        else:
            row.rank = rows[position - 2].rank
        previous = exact


def periods_with_figures(units: QuerySet[AdministrativeUnit]) -> QuerySet[Period]:
    return Period.objects.filter(
        Exists(UnitFigures.objects.filter(period=OuterRef("pk"), unit__in=units))
    ).order_by("-end", "-start")


def parents_for_ranking(
    visible: QuerySet[AdministrativeUnit], period: Period
) -> QuerySet[AdministrativeUnit]:
    """Units the user may choose as the ranking's parent: visible units that had children
    then, and units that report figures themselves (a commune sees its own row)."""
    children = AdministrativeUnit.objects.filter(parent=OuterRef("pk")).valid_during(
        period.start, period.end
    )
    own_figures = UnitFigures.objects.filter(unit=OuterRef("pk"), period=period)
    return (
        visible.valid_during(period.start, period.end)
        .filter(Q(Exists(children)) | Q(Exists(own_figures), level="commune"))
        .select_related("parent")
        .order_by("path")
    )


def yearly_result(
    *, unit: AdministrativeUnit, indicator: Indicator, year: int
) -> tuple[int | None, int | None, str]:
    """Numerator and denominator of `unit` for `year` (a year period, Decree 09 first), or
    of its predecessors when the unit was created by a merger. Returns a note saying which.
    """
    definition = indicator.definition
    complete = complete_parts_q(definition)
    year_periods = Period.objects.filter(kind="Y", year=year).order_by("convention")

    def summed(unit_ids: list[int]) -> tuple[int | None, int | None, Period | None]:
        for period in year_periods:
            parts = (
                UnitFigures.objects.filter(unit_id__in=unit_ids, period=period)
                .filter(complete)
                .aggregate(n=Sum(numerator_expression(definition)), d=Sum(definition.denominator))
            )
            if parts["d"] is not None:
                return parts["n"], parts["d"], period
        return None, None, None

    n, d, period = summed([unit.pk])
    if period is not None:
        return n, d, f"số liệu {period.label_vi}"
    predecessor_ids = list(unit.predecessors.values_list("pk", flat=True))
    if predecessor_ids:
        n, d, period = summed(predecessor_ids)
        if period is not None:
            return n, d, f"tổng các đơn vị trước sắp xếp, {period.label_vi}"
    return None, None, ""


def published_result(
    *, unit: AdministrativeUnit, indicator: Indicator, year: int
) -> PublishedResult | None:
    return (
        PublishedResult.objects.filter(
            unit=unit, indicator=indicator, period__kind="Y", period__year=year
        )
        .select_related("period")
        .order_by("period__convention")
        .first()
    )


def period_for_spec(spec: periods.PeriodSpec) -> Period | None:
    """The stored period with this code, or else one covering exactly the same days (an
    ISO range 2023-01-01..2023-06-30 finds "6 tháng đầu năm 2023")."""
    exact = Period.objects.filter(code=spec.code).first()
    if exact is not None:
        return exact
    return (
        Period.objects.filter(start=spec.start, end=spec.end).order_by("convention", "kind").first()
    )


def figures_for(unit: AdministrativeUnit, period: Period) -> UnitFigures | None:
    return figures_queryset().filter(unit=unit, period=period).first()


def figures_previous(unit: AdministrativeUnit, period: Period) -> UnitFigures | None:
    """The unit's figures for the period just before (same kind and convention)."""
    try:
        previous = period.spec.previous()
    except periods.PeriodError:
        return None
    return UnitFigures.objects.filter(unit=unit, period__code=previous.code).first()


def figures_history_counts(
    unit: AdministrativeUnit, period: Period, *, limit: int = 12
) -> list[dict[str, int | None]]:
    """Counts of the unit's earlier periods of the same kind, newest first (for the
    outlier warning: a month is compared with months, a year with years)."""
    rows = (
        UnitFigures.objects.filter(
            unit=unit,
            period__kind=period.kind,
            period__convention=period.convention,
            period__end__lt=period.start,
        )
        .order_by("-period__end")
        .values(*formulas.COUNT_FIELDS)[:limit]
    )
    return list(rows)


def figures_changes(figures: UnitFigures) -> QuerySet[FiguresChange]:
    return figures.changes.select_related("changed_by").order_by("-changed_at", "-pk")


def figures_status_rows(
    *, parent: AdministrativeUnit, period: Period
) -> list[tuple[AdministrativeUnit, UnitFigures | None]]:
    """The parent's desk and its children in the period, each with its figures (or None:
    not reported yet). Two queries."""
    units = [parent, *children_for_ranking(parent, period).order_by("name")]
    figures = {
        f.unit_id: f
        for f in UnitFigures.objects.filter(period=period, unit__in=units).select_related(
            "entered_by"
        )
    }
    return [(unit, figures.get(unit.pk)) for unit in units]


def figures_queryset() -> QuerySet[UnitFigures]:
    return UnitFigures.objects.select_related("unit", "period", "entered_by", "approved_by")
