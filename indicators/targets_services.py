"""Writes on targets from the targets pages: apply a plan to a whole jurisdiction, override
one target by hand with a reason, set a unit's own value inside a per-tier range.

Every manual change is recorded in the target's reason (old → new value, who, when),
newest first, until a history model exists; `Target.updated_at` stamps the last change.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from indicators.domain.formatting import format_trimmed_vi
from indicators.models import Target, TargetPlan, TargetSource, TierTarget
from indicators.services import targets_apply, targets_apply_tiers
from units.models import AdministrativeUnit, AuditAction, User
from units.services import audit_log

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
    if tier is not None and not tier.value <= value <= tier.value_high:
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


def target_set_in_range(
    *, target: Target, value: Decimal, reason: str, user: User | None
) -> Target:
    """A unit's own value inside the range its tier was given (seed 004: "từ 55 đến 60 %
    tùy từng địa phương"). Refused when the tier has no range."""
    if tier_range(target) is None:
        raise TargetError("Chỉ tiêu này không được giao theo khoảng.")
    return target_override(target=target, value=value, reason=reason, user=user)
