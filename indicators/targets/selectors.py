"""Reads for the target plans: the plans a user sees, their pages, and the baselines the rule
starts from (last year's result, the published one). Who may see or manage one plan is decided
in indicators/access.py."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from indicators.domain import baselines, formulas, periods
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
from indicators.selectors import period_figures
from units.models import AdministrativeUnit, UnitLevel, UnitQuerySet, UnitSuccession, User


def baseline_predecessors(unit: AdministrativeUnit) -> list[baselines.Predecessor]:
    """The units merged into `unit`, by code, with the merger date; a predecessor split
    between several new units names the one that took its main part when that is not
    `unit` (its figures then count there, not here). One query, two with a split."""
    links = list(
        UnitSuccession.objects.filter(successor=unit)
        .select_related("predecessor")
        .order_by("predecessor__code", "predecessor__name")
    )
    elsewhere = [link.predecessor_id for link in links if not link.is_default]
    main: dict[int, str] = {}
    if elsewhere:
        main = {
            link.predecessor_id: link.successor.full_name
            for link in UnitSuccession.objects.filter(
                predecessor_id__in=elsewhere, is_default=True
            ).select_related("successor")
        }
    return [
        baselines.Predecessor(
            unit_id=link.predecessor_id,
            name=link.predecessor.name,
            merged_on=link.effective_date,
            # A split predecessor without any main successor recorded counts here.
            main_successor="" if link.is_default else main.get(link.predecessor_id, ""),
        )
        for link in links
    ]


def year_pieces(*, unit_ids: list[int], year: periods.PeriodSpec) -> list[baselines.Piece]:
    """The entered figures that make up `year` for each of these units (the roll-up of
    indicators.selectors.period_figures), with their dates and counts. One query; a unit
    and its predecessors hold a few dozen such rows at most."""
    fields = list(formulas.COUNT_FIELDS)
    rows = (
        period_figures(year.start, year.end)
        .filter(unit_id__in=unit_ids)
        .order_by("period__start", "unit_id")
        .values_list("unit_id", "period__start", "period__end", *fields)
    )
    return [
        baselines.Piece(
            unit_id=unit_id, start=start, end=end, counts=dict(zip(fields, counts, strict=True))
        )
        for unit_id, start, end, *counts in rows
    ]


@dataclass(frozen=True)
class YearResult:
    numerator: int | None
    denominator: int | None
    note: str  # which periods of which units, or why there is no result


def yearly_results(
    *, unit: AdministrativeUnit, indicators: list[Indicator], year: int
) -> dict[int, YearResult]:
    """Numerator, denominator and note of `unit` for `year`, per indicator id: rolled up
    from whatever was entered in the year (the year, its months…), under Decree 09 or the
    calendar, whichever covers more of it; for a unit created by a merger, its
    predecessors' pieces before the merger plus its own (indicators/domain/baselines.py
    says which piece counts where). Three queries for all the indicators."""
    predecessors = baseline_predecessors(unit)
    unit_ids = [unit.pk, *(p.unit_id for p in predecessors if p.counted)]
    conventions = (Convention.DECREE09, Convention.CALENDAR)
    read = [
        (spec, year_pieces(unit_ids=unit_ids, year=spec))
        for spec in (periods.year_period(year, c) for c in conventions)
    ]
    results: dict[int, YearResult] = {}
    for indicator in indicators:
        best = baselines.best_baseline(
            [
                baselines.year_baseline(
                    indicator=indicator.definition,
                    year=spec,
                    unit_id=unit.pk,
                    pieces=pieces,
                    predecessors=predecessors,
                )
                for spec, pieces in read
            ]
        )
        results[indicator.pk] = YearResult(best.numerator, best.denominator, best.note)
    return results


def yearly_result(
    *, unit: AdministrativeUnit, indicator: Indicator, year: int
) -> tuple[int | None, int | None, str]:
    """yearly_results for one indicator: (numerator, denominator, note)."""
    result = yearly_results(unit=unit, indicators=[indicator], year=year)[indicator.pk]
    return result.numerator, result.denominator, result.note


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
        return any(baselines.MERGED_MARK in row.baseline_note for row in self.rows)


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
