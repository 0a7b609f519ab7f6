"""Writes on target plans: computing and applying the rule, tier ranges, overrides with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.utils import timezone

from indicators.domain import formulas, rules
from indicators.domain.formatting import format_trimmed_vi
from indicators.models import (
    Indicator,
    PlanMinimum,
    Target,
    TargetPlan,
    TargetSource,
    TierTarget,
)
from indicators.targets.selectors import YearResult, published_result, yearly_results
from units.audit.services import audit_log
from units.models import AdministrativeUnit, AuditAction, UnitLevel, User


@dataclass(frozen=True)
class ComputedTarget:
    unit: AdministrativeUnit
    indicator: Indicator
    decision: rules.TargetDecision
    baseline_note: str
    year: int


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
    indicators = [minimum.indicator for minimum in minimums]
    results: list[ComputedTarget] = []
    for unit in _units_for_plan(parent, plan.year):
        yearly = yearly_results(unit=unit, indicators=indicators, year=plan.year - 1)
        for minimum in minimums:
            baseline, note = _baseline(
                unit, minimum.indicator, plan.year - 1, yearly[minimum.indicator.pk]
            )
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
    unit: AdministrativeUnit, indicator: Indicator, year: int, result: YearResult
) -> tuple[Decimal | None, str]:
    """Last year's rate from the entered figures, else the published one; without either,
    None and the note saying why (a merged unit whose predecessors have no figures)."""
    value = formulas.rate(result.numerator, result.denominator)
    if value is not None:
        return value, result.note
    published = published_result(unit=unit, indicator=indicator, year=year)
    if published is not None:
        return published.rate, f"kết quả công bố: {published.source}"
    return None, result.note


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


RATE_MIN, RATE_MAX = Decimal(0), Decimal(100)
REASON_MAX = Target._meta.get_field("reason").max_length or 500
TRAIL_SEPARATOR = " ‖ "


class TargetError(Exception):
    """A target write refused for a reason the user must read (message in Vietnamese)."""


@dataclass(frozen=True)
class ApplyReport:
    rule_targets: int  # computed by the Phổ Ninh rule (manual overrides kept as they are)
    tier_targets: int  # per-tier targets created or refreshed

    @property
    def total(self) -> int:
        return self.rule_targets + self.tier_targets


def _range_vi(low: Decimal, high: Decimal | None) -> str:
    if high is None:
        return f"{format_trimmed_vi(low)} %"
    return f"{format_trimmed_vi(low)} – {format_trimmed_vi(high)} %"


@transaction.atomic
def targets_apply_tier_ranges(*, plan: TargetPlan) -> int:
    """targets_apply_tiers, then give every inherited target the top of its tier's range
    (value = floor, value_high = top). Manual targets are kept. One update per tier."""
    written = targets_apply_tiers(plan=plan)
    for tier in TierTarget.objects.filter(plan=plan):
        Target.objects.filter(
            plan=plan,
            indicator_id=tier.indicator_id,
            unit__level=tier.level,
            source=TargetSource.INHERITED,
        ).update(value_high=tier.value_high, updated_at=timezone.now())
    return written


@transaction.atomic
def targets_apply_jurisdiction(
    *, plan: TargetPlan, parent: AdministrativeUnit | None = None
) -> ApplyReport:
    """One action for a whole jurisdiction: the Phổ Ninh rule for `parent` (the issuer by
    default) and its children when the plan applies it, and the plan's per-tier targets
    for the issuer's subtree. Manual overrides are kept."""
    parent = parent or plan.issuer
    if parent is None:
        raise TargetError("Kế hoạch của Trung ương: cần chọn đơn vị để áp dụng.")
    if plan.issuer is not None and not parent.is_within(plan.issuer):
        raise TargetError(f"{parent} không thuộc phạm vi của {plan.issuer_label}.")
    rule = len(targets_apply(plan=plan, parent=parent)) if plan.applies_rule else 0
    tiers = targets_apply_tier_ranges(plan=plan)
    audit_log(
        action=AuditAction.TARGET_CHANGE,
        target=f"{plan} — {parent}",
        details={"plan_id": plan.pk, "rule_targets": rule, "tier_targets": tiers},
    )
    return ApplyReport(rule_targets=rule, tier_targets=tiers)


def tier_range(target: Target) -> TierTarget | None:
    """The plan's per-tier range covering the target's unit (None without a range)."""
    tier = TierTarget.objects.filter(
        plan_id=target.plan_id, indicator_id=target.indicator_id, level=target.unit.level
    ).first()
    if tier is None or tier.value_high is None:
        return None
    return tier


def _trail(*, target: Target, old: str, new: str, reason: str, user: User | None) -> str:
    when = timezone.localtime(timezone.now()).strftime("%d/%m/%Y %H:%M")
    who = user.get_username() if user is not None else "hệ thống"
    entry = f"{reason} ({old} → {new}, {who}, {when})"
    if target.source != TargetSource.MANUAL or not target.reason:
        return entry[:REASON_MAX]
    entries = [entry, *target.reason.split(TRAIL_SEPARATOR)]
    while len(entries) > 1 and len(TRAIL_SEPARATOR.join(entries)) > REASON_MAX:
        entries.pop()  # the oldest change goes first when the field is full
    return TRAIL_SEPARATOR.join(entries)[:REASON_MAX]


@transaction.atomic
def target_override(*, target: Target, value: Decimal, reason: str, user: User | None) -> Target:
    """Set one target by hand. A reason is required; a rate lies in 0–100; when the plan
    gives the unit's tier a range, the value must lie inside it (the unit's own value)."""
    reason = " ".join(reason.split())
    if not reason:
        raise TargetError("Cần ghi lý do khi sửa chỉ tiêu.")
    value = Decimal(value)
    if not RATE_MIN <= value <= RATE_MAX:
        raise TargetError("Chỉ tiêu tỷ lệ phải từ 0 đến 100 %.")
    current = Target.objects.select_for_update().select_related("unit", "plan").get(pk=target.pk)
    tier = tier_range(current)
    # tier_range returns only a tier with a range: its value_high is set.
    if tier is not None and not tier.value <= value <= cast(Decimal, tier.value_high):
        raise TargetError(
            f"Chỉ tiêu của {current.unit} phải nằm trong khoảng "
            f"{_range_vi(tier.value, tier.value_high)} do {current.plan.issuer_label} giao "
            f"cho {current.unit.get_level_display().lower()}."
        )
    old = _range_vi(current.value, current.value_high)
    if tier is not None:
        reason = f"Giá trị riêng trong khoảng {_range_vi(tier.value, tier.value_high)}: {reason}"
    current.reason = _trail(
        target=current, old=old, new=_range_vi(value, None), reason=reason, user=user
    )
    current.value = value
    current.value_high = None
    current.source = TargetSource.MANUAL
    current.branch = ""
    current.save(update_fields=["value", "value_high", "source", "branch", "reason", "updated_at"])
    audit_log(
        user=user,
        action=AuditAction.TARGET_CHANGE,
        target=f"{current.plan} — {current.unit} — {current.indicator.code}",
        details={"target_id": current.pk, "old": old, "new": str(value), "reason": reason},
    )
    return current
