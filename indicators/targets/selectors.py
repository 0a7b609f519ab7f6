"""Reads for the target plans: the plans a user sees, their pages, and the baselines the rule
starts from (last year's result, the published one). Who may see or manage one plan is decided
in indicators/access.py."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
    Sum,
)

from indicators.domain import periods
from indicators.domain.periods import Convention
from indicators.models import (
    Indicator,
    PlanMinimum,
    PublishedResult,
    Target,
    TargetPlan,
    TargetSource,
    TierTarget,
)
from indicators.selectors import complete_parts_q, numerator_expression, period_figures
from units.models import AdministrativeUnit, UnitLevel, UnitQuerySet, User
from units.selectors import predecessors_of


def yearly_result(
    *, unit: AdministrativeUnit, indicator: Indicator, year: int, include_drafts: bool = False
) -> tuple[int | None, int | None, str]:
    """Numerator and denominator of `unit` for `year` (the Decree 09 year first, then the
    calendar year), rolled up from whatever was entered for it (the year, its months…), or
    of its predecessors when the unit was created by a merger. Returns a note saying which.
    """
    definition = indicator.definition
    complete = complete_parts_q(definition)
    years = [periods.year_period(year, c) for c in (Convention.DECREE09, Convention.CALENDAR)]

    def summed(unit_ids: list[int]) -> tuple[int | None, int | None, periods.PeriodSpec | None]:
        for spec in years:
            parts = (
                period_figures(spec.start, spec.end, include_drafts=include_drafts)
                .filter(unit_id__in=unit_ids)
                .filter(complete)
                .aggregate(n=Sum(numerator_expression(definition)), d=Sum(definition.denominator))
            )
            if parts["d"] is not None:
                return parts["n"], parts["d"], spec
        return None, None, None

    n, d, period = summed([unit.pk])
    if period is not None:
        return n, d, f"số liệu {period.label_vi}"
    predecessor_ids = list(predecessors_of(unit).values_list("pk", flat=True))
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


MERGED_NOTE = "tổng các đơn vị trước sắp xếp"


def plans_visible_to(user: User) -> QuerySet[TargetPlan]:
    """Plans issued in the user's subtree or by one of the units above them, plus the
    central government's plans (administrators see all)."""
    plans = TargetPlan.objects.select_related("issuer")
    if user.sees_everything:
        return plans
    if user.unit is None:
        return plans.filter(issuer__isnull=True)
    return plans.filter(
        Q(issuer__isnull=True)
        | Q(issuer__path__startswith=user.unit.path)
        | Q(issuer_id__in=user.unit.ancestor_ids())
    )


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def apply_parents(plan: TargetPlan) -> UnitQuerySet:
    """Units the rule may be applied to in one action: the issuer and its direct
    territorial children of the plan year (a central plan: the provinces)."""
    start, end = _year_bounds(plan.year)
    if plan.issuer is None:
        units = AdministrativeUnit.objects.filter(
            parent__isnull=True, level=UnitLevel.PROVINCE
        ).valid_during(start, end)
    else:
        children = (
            AdministrativeUnit.objects.filter(parent=plan.issuer)
            .exclude(level=UnitLevel.AGENCY)
            .valid_during(start, end)
            .values("pk")
        )
        units = AdministrativeUnit.objects.filter(Q(pk=plan.issuer.pk) | Q(pk__in=children))
    return units.order_by("path")


def tier_for(target: Target) -> TierTarget | None:
    """The per-tier target of the plan that covers this target's unit, if any."""
    return (
        TierTarget.objects.filter(
            plan_id=target.plan_id, indicator_id=target.indicator_id, level=target.unit.level
        )
        .select_related("indicator")
        .first()
    )


def sentence_for(target: Target) -> str:
    """The one-sentence explanation; for rule targets without the baseline source (shown
    beside it), so the sentence reads as the documents write it."""
    if target.source != TargetSource.RULE or not target.baseline_note:
        return target.explain()
    bare = copy.copy(target)
    bare.baseline_note = ""
    return bare.explain()


@dataclass
class TargetRow:
    target: Target
    sentence: str
    tier: TierTarget | None

    @property
    def is_range(self) -> bool:
        return self.target.value_high is not None

    @property
    def baseline_note(self) -> str:
        return self.target.baseline_note

    @property
    def tier_range(self) -> tuple[Decimal, Decimal] | None:
        if self.tier is None or self.tier.value_high is None:
            return None
        return self.tier.value, self.tier.value_high


@dataclass
class UnitTargets:
    unit: AdministrativeUnit
    rows: list[TargetRow] = field(default_factory=list)

    @property
    def predecessors(self) -> list[AdministrativeUnit]:
        return list(self.unit.predecessors.all())

    @property
    def merged_baseline(self) -> bool:
        return any(MERGED_NOTE in row.baseline_note for row in self.rows)


@dataclass
class PlanPage:
    plan: TargetPlan
    minimums: list[PlanMinimum]
    tiers: list[TierTarget]
    units: list[UnitTargets]

    @property
    def target_count(self) -> int:
        return sum(len(u.rows) for u in self.units)


def plan_page(*, plan: TargetPlan, user: User) -> PlanPage:
    """The plan's national minimums, per-tier targets and every target of a unit the user
    sees, grouped by unit, each with its sentence. Four queries."""
    minimums = list(
        PlanMinimum.objects.filter(plan=plan).select_related("indicator").order_by("indicator")
    )
    tiers = list(
        TierTarget.objects.filter(plan=plan)
        .select_related("indicator")
        .order_by("indicator__order", "level")
    )
    tier_map = {(t.indicator_id, t.level): t for t in tiers}
    targets = (
        Target.objects.filter(plan=plan, unit__in=user.visible_units())
        .select_related("unit", "indicator")
        .prefetch_related(
            Prefetch(
                "unit__predecessors",
                queryset=AdministrativeUnit.objects.order_by("name"),
            )
        )
        .order_by("unit__path", "indicator__order")
    )
    units: list[UnitTargets] = []
    for target in targets:
        target.plan = plan  # the sentence reads the plan; no query per row
        if not units or units[-1].unit.pk != target.unit_id:
            units.append(UnitTargets(unit=target.unit))
        tier = tier_map.get((target.indicator_id, target.unit.level))
        units[-1].rows.append(TargetRow(target, sentence_for(target), tier))
    return PlanPage(plan=plan, minimums=minimums, tiers=tiers, units=units)


def target_get(*, plan: TargetPlan, target_id: int) -> Target | None:
    target = (
        Target.objects.select_related("unit", "indicator", "unit__parent")
        .prefetch_related("unit__predecessors")
        .filter(plan=plan, pk=target_id)
        .first()
    )
    if target is not None:
        target.plan = plan
    return target
