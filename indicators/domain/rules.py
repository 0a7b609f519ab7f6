"""The Phổ Ninh target-setting principle (Phổ Ninh's 2025 plan, appendix §1) and its explanation.

For year Y, per unit and indicator, N = national minimum for Y, R = the unit's result Y−1:
  a) R < N  → target = N;
  b) R ≥ N  → target = R + 10 %, never below N.
Project decisions where the plan's text is silent: "+10 %" on a rate means
+10 percentage points unless the plan chooses RELATIVE; counts only grow relatively; a rate
target never exceeds 100; no baseline → N; a merged unit's R is the ratio of sums of its
predecessors' figures before the merger and its own after it (indicators/domain/baselines.py
says which piece counts on which side).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from indicators.domain.formatting import format_trimmed_en, format_trimmed_vi
from indicators.domain.formulas import ratio_of_sums, round_rate

__all__ = [
    "Branch",
    "TargetDecision",
    "UpliftMode",
    "explain_en",
    "explain_vi",
    "merged_baseline",
    "phoninh_target",
]

_HUNDRED = Decimal(100)


class UpliftMode(StrEnum):
    POINTS = "points"  # R + 10 percentage points (project default for rates)
    RELATIVE = "relative"  # R × 1,10 (optional for rates, the only meaning for counts)


class Branch(StrEnum):
    BELOW_MINIMUM = "below_minimum"  # rule a)
    UPLIFT = "uplift"  # rule b)
    NO_BASELINE = "no_baseline"  # no result for Y−1: target = N


@dataclass(frozen=True)
class TargetDecision:
    """The target and every input needed to explain it in one sentence."""

    target: Decimal
    branch: Branch
    baseline: Decimal | None  # rounded to 2 places: the comparison uses the published value
    national_minimum: Decimal
    uplift: Decimal
    mode: UpliftMode
    capped: bool  # R + uplift exceeded the cap (100 for rates) and was cut to it
    floored: bool  # R + uplift fell below N (only with a negative uplift) and was raised
    is_rate: bool = True
    cap: Decimal | None = _HUNDRED  # None for counts


def _apply_uplift(baseline: Decimal, uplift: Decimal, mode: UpliftMode) -> Decimal:
    if mode is UpliftMode.RELATIVE:
        return baseline * (1 + uplift / _HUNDRED)
    return baseline + uplift


def phoninh_target(
    *,
    baseline: Decimal | None,
    national_minimum: Decimal,
    uplift: Decimal = Decimal(10),
    mode: UpliftMode = UpliftMode.POINTS,
    is_rate: bool = True,
    cap: Decimal = Decimal(100),
) -> TargetDecision:
    """Apply the Phổ Ninh principle to one unit and indicator.

    The baseline is rounded half up to 2 places before comparing with N: units see and argue
    with the published figure (79,996 % is published as 80,00 %, which meets N = 80).
    """
    mode = UpliftMode(mode)
    national_minimum = Decimal(national_minimum)
    uplift = Decimal(uplift)
    if not is_rate and mode is not UpliftMode.RELATIVE:
        # "+10 points" has no meaning for a number of dossiers.
        raise ValueError("Chỉ tiêu dạng số lượng chỉ có thể tăng theo tỷ lệ (mode=relative).")
    if is_rate and national_minimum > cap:
        raise ValueError(f"Chỉ tiêu tối thiểu {national_minimum} vượt mức trần {cap}.")
    effective_cap = cap if is_rate else None
    rounded = None if baseline is None else round_rate(Decimal(baseline))

    def decide(target: Decimal, branch: Branch, capped: bool, floored: bool) -> TargetDecision:
        return TargetDecision(
            target=round_rate(target),
            branch=branch,
            baseline=rounded,
            national_minimum=national_minimum,
            uplift=uplift,
            mode=mode,
            capped=capped,
            floored=floored,
            is_rate=is_rate,
            cap=effective_cap,
        )

    if rounded is None:
        return decide(national_minimum, Branch.NO_BASELINE, False, False)
    if rounded < national_minimum:
        return decide(national_minimum, Branch.BELOW_MINIMUM, False, False)
    raw = _apply_uplift(rounded, uplift, mode)
    capped = effective_cap is not None and round_rate(raw) > effective_cap
    value = effective_cap if capped and effective_cap is not None else raw
    floored = round_rate(value) < national_minimum
    return decide(max(value, national_minimum), Branch.UPLIFT, capped, floored)


def merged_baseline(parts: Iterable[tuple[int | None, int | None]]) -> Decimal | None:
    """R of a unit created by a merger: the ratio of sums of its predecessors' counts.

    `parts` holds (numerator, denominator) per predecessor for the baseline year; never
    average the predecessors' rates.
    """
    return ratio_of_sums(parts)


# --- Explanations -----------------------------------------------------------------------


_MINUS = "\u2212"


class _Fmt:
    """How one language writes numbers in prose (Vietnamese here, English below)."""

    @staticmethod
    def num(value: Decimal) -> str:
        return format_trimmed_vi(value)


class _FmtEn(_Fmt):
    @staticmethod
    def num(value: Decimal) -> str:
        return format_trimmed_en(value)


def _uplift_expr(decision: TargetDecision, fmt: type[_Fmt]) -> str:
    """E.g. "85,96 + 10" / "60 × (1 + 10 %)" with the same number format as the sentence."""
    assert decision.baseline is not None
    base = fmt.num(decision.baseline)
    if decision.mode is UpliftMode.RELATIVE:
        return f"{base} × (1 + {fmt.num(decision.uplift)} %)"
    if decision.uplift < 0:
        return f"{base} {_MINUS} {fmt.num(-decision.uplift)}"
    return f"{base} + {fmt.num(decision.uplift)}"


def _val(decision: TargetDecision, value: Decimal, fmt: type[_Fmt]) -> str:
    return fmt.num(value) + (" %" if decision.is_rate else "")


def explain_vi(
    decision: TargetDecision,
    *,
    year: int,
    indicator_name: str,
    issuer_label: str = "Trung ương",
    baseline_note: str = "",
) -> str:
    """One Vietnamese sentence, e.g. "Tỷ lệ thanh toán trực tuyến: Kết quả năm 2024 đạt
    85,96 % ≥ chỉ tiêu Trung ương 85 % → chỉ tiêu 2025 = 85,96 + 10 = 95,96 %".

    `year` is the target year; the baseline is year − 1. An empty indicator_name drops the
    "name: " prefix; baseline_note (e.g. "cộng dồn 3 đơn vị trước sáp nhập") goes in
    parentheses after the baseline.
    """
    d = decision
    prev = year - 1
    note = f" ({baseline_note})" if baseline_note else ""
    prefix = f"{indicator_name}: " if indicator_name else ""
    minimum = _val(d, d.national_minimum, _Fmt)
    target = _val(d, d.target, _Fmt)
    if d.branch is Branch.NO_BASELINE or d.baseline is None:
        body = (
            f"Chưa có kết quả năm {prev}{note} → chỉ tiêu {year} = "
            f"chỉ tiêu {issuer_label} {minimum}"
        )
        return prefix + body
    head = f"Kết quả năm {prev} đạt {_val(d, d.baseline, _Fmt)}{note}"
    if d.branch is Branch.BELOW_MINIMUM:
        return prefix + f"{head} < chỉ tiêu {issuer_label} {minimum} → chỉ tiêu {year} = {target}"
    expr = _uplift_expr(d, _Fmt)
    if d.capped and d.cap is not None:
        tail = f"{expr}, tối đa {_val(d, d.cap, _Fmt)} → {target}"
    elif d.floored:
        tail = f"{expr}, không thấp hơn chỉ tiêu {issuer_label} {minimum} → {target}"
    else:
        tail = f"{expr} = {target}"
    return prefix + f"{head} ≥ chỉ tiêu {issuer_label} {minimum} → chỉ tiêu {year} = {tail}"


def explain_en(
    decision: TargetDecision,
    *,
    year: int,
    indicator_name: str,
    issuer_label: str = "central government",
    baseline_note: str = "",
) -> str:
    """English counterpart of explain_vi, e.g. "Online payment rate: 2024 result 85.96 % ≥
    central government minimum 85 % → 2025 target = 85.96 + 10 = 95.96 %"."""
    d = decision
    prev = year - 1
    note = f" ({baseline_note})" if baseline_note else ""
    prefix = f"{indicator_name}: " if indicator_name else ""
    minimum = _val(d, d.national_minimum, _FmtEn)
    target = _val(d, d.target, _FmtEn)
    if d.branch is Branch.NO_BASELINE or d.baseline is None:
        return prefix + (
            f"No {prev} result{note} → {year} target = {issuer_label} minimum {minimum}"
        )
    head = f"{prev} result {_val(d, d.baseline, _FmtEn)}{note}"
    if d.branch is Branch.BELOW_MINIMUM:
        return prefix + (f"{head} < {issuer_label} minimum {minimum} → {year} target = {target}")
    expr = _uplift_expr(d, _FmtEn)
    if d.capped and d.cap is not None:
        tail = f"{expr}, at most {_val(d, d.cap, _FmtEn)} → {target}"
    elif d.floored:
        tail = f"{expr}, not below the {issuer_label} minimum {minimum} → {target}"
    else:
        tail = f"{expr} = {target}"
    return prefix + f"{head} ≥ {issuer_label} minimum {minimum} → {year} target = {tail}"
