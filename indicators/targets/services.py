"""Writes on target plans: computing and applying the rule, tier ranges, overrides with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.utils import timezone

from indicators.bulk import adapt_datetime, insert_rows
from indicators.domain import formulas, periods, rules
from indicators.domain.formatting import format_trimmed_vi
from indicators.models import (
    Indicator,
    PlanMinimum,
    PublishedResult,
    Target,
    TargetPlan,
    TargetSource,
    TierTarget,
)
from indicators.targets.selectors import (
    YearResult,
    plan_draft,
    published_results_of,
    yearly_results_of,
)
from units.audit.services import audit_log
from units.models import AdministrativeUnit, AuditAction, UnitLevel, User
from units.selectors import is_country


@dataclass(frozen=True)
class ComputedTarget:
    unit: AdministrativeUnit
    indicator: Indicator
    decision: rules.TargetDecision
    baseline_note: str
    year: int


def _units_for_plan(parent: AdministrativeUnit, year: int) -> list[AdministrativeUnit]:
    """The parent's own desk and its territorial children that exist in the plan year; for
    the whole country (units.selectors.the_country), every territorial unit of the year,
    provinces, districts and communes of either structure. One query."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    units = AdministrativeUnit.objects.exclude(level=UnitLevel.AGENCY).valid_during(start, end)
    if is_country(parent):
        return list(units.order_by("path"))
    return [parent, *units.filter(parent=parent).order_by("level", "name")]


def targets_compute(
    *, plan: TargetPlan, parent: AdministrativeUnit, include_drafts: bool = False
) -> list[ComputedTarget]:
    """Apply the Phổ Ninh principle of `plan` to `parent` and its children (no writes).
    Last year's results of every unit are read at once (a fixed number of queries)."""
    return _compute_plans([(plan, _units_for_plan(parent, plan.year))], include_drafts)[0]


def _compute_plans(
    plans: list[tuple[TargetPlan, list[AdministrativeUnit]]], include_drafts: bool
) -> list[list[ComputedTarget]]:
    """The rule of each plan for its units, last year's results of all of them read at
    once per year (a fixed number of queries however many plans and units)."""
    minimums_of: dict[int, list[PlanMinimum]] = {}
    for minimum in (
        PlanMinimum.objects.filter(plan__in=[plan for plan, _units in plans])
        .order_by("indicator__order")
        .select_related("indicator")
    ):
        minimums_of.setdefault(minimum.plan_id, []).append(minimum)
    inputs: dict[int, tuple[dict, dict]] = {}
    for year in sorted({plan.year for plan, _units in plans}):
        units = list(
            {unit.pk: unit for plan, found in plans if plan.year == year for unit in found}.values()
        )
        indicators = list(
            {
                m.indicator.pk: m.indicator
                for plan, _units in plans
                if plan.year == year
                for m in minimums_of.get(plan.pk, [])
            }.values()
        )
        yearly = yearly_results_of(
            units=units, indicators=indicators, year=year - 1, include_drafts=include_drafts
        )
        inputs[year] = (yearly, published_results_of(units=units, year=year - 1))
    results: list[list[ComputedTarget]] = []
    for plan, units in plans:
        yearly, published = inputs[plan.year]
        computed: list[ComputedTarget] = []
        for unit in units:
            for minimum in minimums_of.get(plan.pk, []):
                baseline, note = _baseline(
                    yearly[unit.pk][minimum.indicator.pk],
                    published.get((unit.pk, minimum.indicator.pk)),
                )
                decision = rules.phoninh_target(
                    baseline=baseline,
                    national_minimum=minimum.value,
                    uplift=plan.uplift,
                    mode=rules.UpliftMode(plan.uplift_mode),
                )
                computed.append(ComputedTarget(unit, minimum.indicator, decision, note, plan.year))
        results.append(computed)
    return results


def _baseline(result: YearResult, published: PublishedResult | None) -> tuple[Decimal | None, str]:
    """Last year's rate from the entered figures, else the published one; without either,
    None and the note saying why (a merged unit whose predecessors have no figures)."""
    value = formulas.rate(result.numerator, result.denominator)
    if value is not None:
        return value, result.note
    if published is not None:
        return published.rate, f"kết quả công bố: {published.source}"
    return None, result.note


# Rows per INSERT/UPDATE statement: a whole country's targets (~130.000) in bounded memory
# and statements, while a province's plan (a few thousand) is one statement of each.
_WRITE_BATCH = 2000
_RULE_FIELDS = ("value", "source", "branch", "baseline", "national_minimum", "baseline_note")
_NEW_TARGET_COLUMNS = ("plan_id", "unit_id", "indicator_id", *_RULE_FIELDS, "reason", "updated_at")


@transaction.atomic
def targets_apply(
    *, plan: TargetPlan, parent: AdministrativeUnit, include_drafts: bool = False
) -> list[ComputedTarget]:
    """Compute and store rule targets; manual overrides are kept as they are.

    Set-based: the plan's existing targets are read in one query, the new ones inserted
    and the changed ones updated in batches of _WRITE_BATCH (a target whose rule values
    did not change is not written), so the number of queries does not grow with the
    number of units up to a batch."""
    computed = targets_compute(plan=plan, parent=parent, include_drafts=include_drafts)
    _store_rule_targets([(plan, computed)])
    return computed


@transaction.atomic
def targets_apply_plans(
    *, plans: list[tuple[TargetPlan, list[AdministrativeUnit]]], include_drafts: bool = False
) -> int:
    """targets_apply for several plans, each for the units given with it (a province's
    plan for its whole subtree): the baselines of all the units read at once, the targets
    written in bulk. Returns the number of rule targets computed."""
    computed = _compute_plans(plans, include_drafts)
    _store_rule_targets(
        [(plan, found) for (plan, _units), found in zip(plans, computed, strict=True)]
    )
    return sum(len(found) for found in computed)


def _store_rule_targets(plans: list[tuple[TargetPlan, list[ComputedTarget]]]) -> None:
    unit_ids = {(plan.pk, item.unit.pk) for plan, computed in plans for item in computed}
    existing = {
        (target.plan_id, target.unit_id, target.indicator_id): target
        for target in Target.objects.filter(plan__in=[plan for plan, _computed in plans]).only(
            "pk", "plan_id", "unit_id", "indicator_id", *_RULE_FIELDS
        )
        if (target.plan_id, target.unit_id) in unit_ids
    }
    now = timezone.now()
    stamp = adapt_datetime(now)
    new: list[tuple[object, ...]] = []
    changed: list[Target] = []
    for plan, computed in plans:
        for item in computed:
            decision = item.decision
            values = {
                "value": decision.target,
                "source": TargetSource.RULE,
                "branch": decision.branch.value,
                "baseline": decision.baseline,
                "national_minimum": decision.national_minimum,
                "baseline_note": item.baseline_note[:300],
            }
            target = existing.get((plan.pk, item.unit.pk, item.indicator.pk))
            if target is None:
                new.append((plan.pk, item.unit.pk, item.indicator.pk, *values.values(), "", stamp))
                continue
            if target.source == TargetSource.MANUAL:
                continue
            if any(getattr(target, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(target, name, value)
                target.updated_at = now
                changed.append(target)
    # A country's plan is some 100.000 new targets: plain rows (indicators/bulk.py).
    insert_rows(Target, _NEW_TARGET_COLUMNS, new)
    Target.objects.bulk_update(changed, [*_RULE_FIELDS, "updated_at"], batch_size=_WRITE_BATCH)


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
        new, changed = [], []
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
                target.value, target.updated_at = tier.value, timezone.now()
                changed.append(target)
        Target.objects.bulk_create(new, batch_size=_WRITE_BATCH)
        Target.objects.bulk_update(changed, ["value", "updated_at"], batch_size=_WRITE_BATCH)
        written += len(new) + len(changed)
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


# --------------------------------------------------------------------------- new plans

PLAN_YEARS_AHEAD = 5  # a plan further ahead than this is almost certainly a typo
UPLIFT_MIN, UPLIFT_MAX = Decimal(-100), Decimal(100)
TITLE_MAX = TargetPlan._meta.get_field("title").max_length or 300
DECISION_NUMBER_MAX = TargetPlan._meta.get_field("decision_number").max_length or 200


class PlanError(TargetError):
    """A plan refused, with the form field it is about ("year", "issuer", "title",
    "uplift", "uplift_mode", "copy_from", or "minimum:<indicator code>")."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def plan_year_range() -> tuple[int, int]:
    return periods.MIN_YEAR, timezone.localdate().year + PLAN_YEARS_AHEAD


def decimal_from_text(raw: object, *, field: str, label: str = "Mức tăng") -> Decimal:
    """ "85,5", "85.5" or a Decimal -> Decimal; anything else is refused naming `label`."""
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite():
        raise PlanError(
            f"{label} phải là một số, ví dụ 85 hoặc 85,5 (đã nhập «{raw}»).", field=field
        )
    return value


def minimums_from_codes(values: Mapping[str, object]) -> dict[Indicator, Decimal]:
    """{indicator code: "85,5" | Decimal} -> {Indicator: Decimal}; unknown codes and values
    that are not numbers are refused naming the indicator. Ranges are plan_create's."""
    known = {i.code: i for i in Indicator.objects.all()}
    minimums: dict[Indicator, Decimal] = {}
    for code, raw in values.items():
        indicator = known.get(code.strip())
        if indicator is None:
            raise PlanError(
                f"Không có chỉ số mã «{code}». Các mã: {', '.join(known)}.",
                field=f"minimum:{code}",
            )
        label = f"Chỉ tiêu tối thiểu «{indicator.name_vi}» ({indicator.code})"
        minimums[indicator] = decimal_from_text(raw, field=f"minimum:{code}", label=label)
    return minimums


def _check_issuer(issuer: AdministrativeUnit | None, year: int) -> None:
    if issuer is None:
        return
    if issuer.level == UnitLevel.AGENCY:
        raise PlanError(
            f"{issuer} là cơ quan chuyên môn, không ban hành kế hoạch chỉ tiêu cho địa bàn.",
            field="issuer",
        )
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if issuer.valid_to is not None and issuer.valid_to < start:
        raise PlanError(
            f"{issuer} ({issuer.get_level_display().lower()}) chỉ tồn tại đến "
            f"{_day(issuer.valid_to)}: không thể ban hành kế hoạch năm {year}.",
            field="issuer",
        )
    if issuer.valid_from is not None and issuer.valid_from > end:
        raise PlanError(
            f"{issuer} ({issuer.get_level_display().lower()}) có từ {_day(issuer.valid_from)}: "
            f"không thể ban hành kế hoạch năm {year}.",
            field="issuer",
        )


def _check_minimums(minimums: Mapping[Indicator, Decimal]) -> None:
    for indicator, value in minimums.items():
        field = f"minimum:{indicator.code}"
        name = f"«{indicator.name_vi}» ({indicator.code})"
        if not RATE_MIN <= value <= RATE_MAX:
            raise PlanError(
                f"Chỉ tiêu tối thiểu {name} phải từ 0 đến 100 % (đã nhập "
                f"{format_trimmed_vi(value, 4)}).",
                field=field,
            )
        if value != value.quantize(Decimal("0.01")):
            raise PlanError(f"Chỉ tiêu tối thiểu {name} có tối đa 2 chữ số thập phân.", field=field)


def _tier_levels_in_year(issuer: AdministrativeUnit | None, year: int) -> set[str]:
    """Levels of the units under the issuer that exist in the plan year (no districts
    after 30/06/2025): a copied per-tier target for another level has nobody to apply to."""
    if issuer is None:
        return set()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return set(
        AdministrativeUnit.objects.in_subtree(issuer)
        .valid_during(start, end)
        .values_list("level", flat=True)
        .distinct()
    )


@transaction.atomic
def plan_create(
    *,
    issuer: AdministrativeUnit | None,
    year: int,
    title: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    applies_rule: bool | None = None,
    uplift: Decimal | None = None,
    uplift_mode: str | None = None,
    minimums: Mapping[Indicator, Decimal] | None = None,
    copy_from: TargetPlan | None = None,
    user: User | None = None,
) -> TargetPlan:
    """A new target plan of `issuer` (None: the central government) for `year`.

    What is not given comes from `copy_from` (title with the year moved, rule, uplift and
    mode, minimums, per-tier targets and their ranges) or, without it, from the defaults:
    the Phổ Ninh rule, +10 points, and the latest national list at or before `year`
    (selectors.national_minimums). `minimums`, when given, is the plan's whole list.
    Refused with a PlanError naming the field, nothing written: a year out of range, an
    issuer that did not exist in that year, a second active plan of the issuer for the
    year, an uplift or mode out of range, a minimum outside 0–100, a rule plan without
    minimums."""
    first, last = plan_year_range()
    if not first <= year <= last:
        raise PlanError(
            f"Năm kế hoạch {year} không hợp lệ: phải từ {first} đến {last}.", field="year"
        )
    _check_issuer(issuer, year)
    if issuer is not None:
        # Two offices creating the same plan at once: the second waits here, then sees it.
        AdministrativeUnit.objects.select_for_update().filter(pk=issuer.pk).first()
    same = TargetPlan.objects.filter(year=year, is_active=True)
    same = same.filter(issuer__isnull=True) if issuer is None else same.filter(issuer=issuer)
    existing = same.first()
    if existing is not None:
        raise PlanError(
            f"{existing.issuer_label} đã có kế hoạch chỉ tiêu năm {year} đang áp dụng: "
            f"«{existing.title}» (mã {existing.pk}). Hãy sửa kế hoạch đó hoặc chọn năm khác.",
            field="year",
        )
    draft = plan_draft(issuer=issuer, year=year, copy_from=copy_from)
    title = " ".join((title or draft.title).split())
    if not title:
        raise PlanError("Cần ghi tên kế hoạch.", field="title")
    if len(title) > TITLE_MAX:
        raise PlanError(f"Tên kế hoạch tối đa {TITLE_MAX} ký tự.", field="title")
    decision_number = " ".join(decision_number.split())
    if len(decision_number) > DECISION_NUMBER_MAX:
        raise PlanError(f"Số văn bản tối đa {DECISION_NUMBER_MAX} ký tự.", field="decision_number")
    mode = draft.uplift_mode if uplift_mode is None else uplift_mode
    if mode not in {m.value for m in rules.UpliftMode}:
        raise PlanError(
            f"Cách tăng «{mode}» không hợp lệ: chọn points (cộng điểm phần trăm) hoặc "
            "relative (tăng tương đối).",
            field="uplift_mode",
        )
    uplift = draft.uplift if uplift is None else Decimal(uplift)
    if not UPLIFT_MIN <= uplift <= UPLIFT_MAX or uplift != uplift.quantize(Decimal("0.01")):
        raise PlanError(
            "Mức tăng phải từ −100 đến 100, tối đa 2 chữ số thập phân "
            f"(đã nhập {format_trimmed_vi(uplift, 4)}).",
            field="uplift",
        )
    rule = draft.applies_rule if applies_rule is None else applies_rule
    plan_minimums = dict(draft.minimums if minimums is None else minimums)
    _check_minimums(plan_minimums)
    if rule and not plan_minimums:
        raise PlanError(
            "Kế hoạch áp dụng nguyên tắc Phổ Ninh cần chỉ tiêu tối thiểu của Trung ương: "
            "chưa có danh mục nào đến năm này, hãy nhập chỉ tiêu tối thiểu.",
            field="minimums",
        )
    plan = TargetPlan.objects.create(
        issuer=issuer,
        year=year,
        title=title,
        decision_number=decision_number,
        decision_date=decision_date,
        applies_rule=rule,
        uplift=uplift,
        uplift_mode=mode,
    )
    PlanMinimum.objects.bulk_create(
        PlanMinimum(plan=plan, indicator=indicator, value=value)
        for indicator, value in plan_minimums.items()
    )
    levels = _tier_levels_in_year(issuer, year) if draft.tiers else set()
    tiers = [tier for tier in draft.tiers if tier.level in levels]
    TierTarget.objects.bulk_create(
        TierTarget(
            plan=plan,
            indicator_id=tier.indicator_id,
            level=tier.level,
            value=tier.value,
            value_high=tier.value_high,
        )
        for tier in tiers
    )
    audit_log(
        user=user,
        action=AuditAction.TARGET_CHANGE,
        target=f"{plan} — {plan.issuer_label}",
        details={
            "plan_id": plan.pk,
            "created": True,
            "copy_from": copy_from.pk if copy_from is not None else None,
            "minimums": {i.code: str(v) for i, v in plan_minimums.items()},
            "minimums_source": draft.minimums_source if minimums is None else "",
            "tier_targets": len(tiers),
            "tier_targets_left_out": len(draft.tiers) - len(tiers),
        },
    )
    return plan
