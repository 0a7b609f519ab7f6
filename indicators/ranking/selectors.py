"""Reads for the ranked tables on one indicator: the units of a tier, their ranking with the
parent's own desk, both totals and the previous period's ranks, and a unit's trend.

Aggregation happens in the database; the number of queries does not depend on the number
of units (tests/ranking/ count them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length, NullIf

from indicators.domain import formulas, periods
from indicators.domain.compliance import AgainstTarget
from indicators.domain.ranking import competition_ranks, exact_ratio
from indicators.domain.status import count_met
from indicators.models import (
    Indicator,
    Period,
    PublishedResult,
    Target,
    UnitFigures,
)
from indicators.selectors import (
    children_for_ranking,
    complete_parts_q,
    numerator_expression,
    period_figures,
    target_subquery,
    unit_parts,
)
from units.models import AdministrativeUnit, UnitLevel, UnitQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


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


class FiguresAnnotations(TypedDict):
    """What _figures_annotations adds to a unit: its counts, target and sample flag."""

    numerator: int | None
    denominator: int | None
    is_sample: bool
    target_value: Decimal | None
    target_pk: int | None


class PreviousAnnotations(FiguresAnnotations):
    """A ranked child also carries the previous period's counts (when there is one)."""

    previous_numerator: int | None
    previous_denominator: int | None


def _figures_annotations(indicator: Indicator, period: Period) -> dict[str, object]:
    """A unit's counts for the period (rolled up from what it entered), target and sample
    flag, as subqueries on OuterRef('pk')."""
    numerator, denominator = unit_parts(
        indicator.definition, period.start, period.end, unit=OuterRef("pk")
    )
    return {
        "numerator": numerator,
        "denominator": denominator,
        "is_sample": Exists(
            period_figures(period.start, period.end).filter(unit=OuterRef("pk"), is_sample=True)
        ),
        "target_value": Subquery(target_subquery(indicator, period.year).values("value")[:1]),
        "target_pk": Subquery(target_subquery(indicator, period.year).values("pk")[:1]),
    }


def ranking_for(
    *,
    parent: AdministrativeUnit,
    period: Period,
    indicator: Indicator,
    children: UnitQuerySet | None = None,
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
        previous: periods.PeriodSpec | None = period.spec.previous()
    except periods.PeriodError:
        previous = None
    previous_annotations: dict[str, object] = {}
    if previous is not None:
        previous_numerator, previous_denominator = unit_parts(
            definition, previous.start, previous.end, unit=OuterRef("pk")
        )
        previous_annotations = {
            "previous_numerator": previous_numerator,
            "previous_denominator": previous_denominator,
        }
    if children is None:
        children = children_for_ranking(parent, period)
    # The annotations are built as dicts, which the Django plugin cannot follow: their
    # names and types are the TypedDicts above.
    children_list = cast(
        "list[WithAnnotations[AdministrativeUnit, PreviousAnnotations]]",
        list(
            children.annotate(**annotations, **previous_annotations)
            .annotate(rate_sort=rate_expr)
            .order_by(F("rate_sort").desc(nulls_last=True), "name")
        ),
    )
    parent_annotated = cast(
        "WithAnnotations[AdministrativeUnit, FiguresAnnotations]",
        AdministrativeUnit.objects.filter(pk=parent.pk).annotate(**annotations).get(),
    )

    complete = complete_parts_q(definition)
    figures = period_figures(period.start, period.end).filter(complete)
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
    ranks = competition_ranks([exact_ratio(row.numerator, row.denominator) for row in rows])
    # Previous ranks: the same competition ranking on the same units' previous counts.
    previous_keys = [
        exact_ratio(unit.previous_numerator, unit.previous_denominator)
        if previous is not None
        else None
        for unit in children_list
    ]
    previous_ranks = competition_ranks(previous_keys)
    previous_ranked = any(rank is not None for rank in previous_ranks)
    for row, rank, previous_rank in zip(rows, ranks, previous_ranks, strict=True):
        row.rank = rank
        row.previous_rank = previous_rank
        row.previous_ranked = previous_ranked
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
        met_count=count_met(r.status for r in rows),
    )


def _row(unit: WithAnnotations[AdministrativeUnit, FiguresAnnotations]) -> RankingRow:
    return RankingRow(
        unit=unit,
        numerator=unit.numerator,
        denominator=unit.denominator,
        target=unit.target_value,
        target_id=unit.target_pk,
        is_sample=unit.is_sample,
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
    *, unit: AdministrativeUnit, indicator: Indicator, period: Period
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
        UnitFigures.objects.filter(
            unit=unit, period__kind=period.kind, period__convention=period.convention
        )
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
