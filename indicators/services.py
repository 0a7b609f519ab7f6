"""Multi-step writes: applying a target plan, loading the real and sample figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from indicators.domain import formulas, rules
from indicators.models import (
    Indicator,
    PlanMinimum,
    Target,
    TargetPlan,
    TargetSource,
    TierTarget,
)
from indicators.selectors import published_result, yearly_result
from units.models import AdministrativeUnit, UnitLevel


@dataclass(frozen=True)
class ComputedTarget:
    unit: AdministrativeUnit
    indicator: Indicator
    decision: rules.TargetDecision
    baseline_note: str
    year: int

    @property
    def explanation(self) -> str:
        return rules.explain_vi(
            self.decision,
            year=self.year,
            indicator_name=self.indicator.name_vi,
            baseline_note=self.baseline_note,
        )


def _units_for_plan(parent: AdministrativeUnit, year: int) -> list[AdministrativeUnit]:
    """The parent's own desk and its territorial children that exist in the plan year."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    children = (
        AdministrativeUnit.objects.filter(parent=parent)
        .exclude(level=UnitLevel.AGENCY)
        .valid_during(start, end)
        .order_by("level", "name")
    )
    return [parent, *children]


def targets_compute(*, plan: TargetPlan, parent: AdministrativeUnit) -> list[ComputedTarget]:
    """Apply the Phổ Ninh principle of `plan` to `parent` and its children (no writes)."""
    minimums = list(PlanMinimum.objects.filter(plan=plan).select_related("indicator"))
    results: list[ComputedTarget] = []
    for unit in _units_for_plan(parent, plan.year):
        for minimum in minimums:
            baseline, note = _baseline(unit, minimum.indicator, plan.year - 1)
            decision = rules.phoninh_target(
                baseline=baseline,
                national_minimum=minimum.value,
                uplift=plan.uplift,
                mode=rules.UpliftMode(plan.uplift_mode),
            )
            computed = ComputedTarget(unit, minimum.indicator, decision, note, plan.year)
            results.append(computed)
    return results


def _baseline(
    unit: AdministrativeUnit, indicator: Indicator, year: int
) -> tuple[Decimal | None, str]:
    numerator, denominator, note = yearly_result(unit=unit, indicator=indicator, year=year)
    value = formulas.rate(numerator, denominator)
    if value is not None:
        return value, note
    published = published_result(unit=unit, indicator=indicator, year=year)
    if published is not None:
        return published.rate, f"kết quả công bố: {published.source}"
    return None, ""


@transaction.atomic
def targets_apply(*, plan: TargetPlan, parent: AdministrativeUnit) -> list[ComputedTarget]:
    """Compute and store rule targets; manual overrides are kept as they are."""
    computed = targets_compute(plan=plan, parent=parent)
    manual = set(
        Target.objects.filter(plan=plan, source=TargetSource.MANUAL).values_list(
            "unit_id", "indicator_id"
        )
    )
    for item in computed:
        if (item.unit.pk, item.indicator.pk) in manual:
            continue
        Target.objects.update_or_create(
            plan=plan,
            unit=item.unit,
            indicator=item.indicator,
            defaults={
                "value": item.decision.target,
                "source": TargetSource.RULE,
                "branch": item.decision.branch.value,
                "baseline": item.decision.baseline,
                "national_minimum": item.decision.national_minimum,
                "baseline_note": item.baseline_note,
            },
        )
    return computed


@transaction.atomic
def targets_apply_tiers(*, plan: TargetPlan) -> int:
    """Materialise the plan's per-tier targets for every unit of that tier under the
    issuer that exists in the plan year. Returns the number of targets written."""
    if plan.issuer is None:
        return 0
    start, end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    written = 0
    for tier in TierTarget.objects.filter(plan=plan).select_related("indicator"):
        units = (
            AdministrativeUnit.objects.in_subtree(plan.issuer)
            .filter(level=tier.level)
            .valid_during(start, end)
        )
        existing = {
            t.unit_id: t
            for t in Target.objects.filter(plan=plan, indicator=tier.indicator, unit__in=units)
        }
        new = []
        for unit in units:
            target = existing.get(unit.pk)
            if target is None:
                new.append(
                    Target(
                        plan=plan,
                        unit=unit,
                        indicator=tier.indicator,
                        value=tier.value,
                        source=TargetSource.INHERITED,
                    )
                )
            elif target.source == TargetSource.INHERITED and target.value != tier.value:
                target.value = tier.value
                target.save(update_fields=["value", "updated_at"])
                written += 1
        Target.objects.bulk_create(new)
        written += len(new)
    return written


def indicators_sync_catalogue() -> int:
    """Upsert the Indicator rows from the domain catalogue (the migration seeds a frozen
    copy; this restores them after a test flush or when the catalogue grows)."""
    for definition in formulas.INDICATORS:
        Indicator.objects.update_or_create(
            code=definition.code,
            defaults={
                "name_vi": definition.name_vi,
                "name_en": definition.name_en,
                "short_vi": definition.short_vi,
                "numerator_fields": ",".join(definition.numerator),
                "denominator_field": definition.denominator,
                "higher_is_better": definition.higher_is_better,
                "order": definition.order,
            },
        )
    return len(formulas.INDICATORS)
