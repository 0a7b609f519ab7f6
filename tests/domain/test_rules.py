from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.domain.rules import (
    Branch,
    TargetDecision,
    UpliftMode,
    explain_en,
    explain_vi,
    merged_baseline,
    phoninh_target,
)

D = Decimal


# --- Seed 000 worked example (Đức Phổ, results 2024 → targets 2025) ----------------------


def test_it_caps_the_online_target_at_100() -> None:
    decision = phoninh_target(baseline=D("99.63"), national_minimum=D(80))
    assert decision.target == D(100)
    assert decision.branch is Branch.UPLIFT
    assert decision.capped is True
    assert decision.floored is False


def test_it_adds_ten_points_to_the_payment_result() -> None:
    decision = phoninh_target(baseline=D("85.96"), national_minimum=D(85))
    assert decision.target == D("95.96")
    assert decision.branch is Branch.UPLIFT
    assert decision.capped is False


def test_it_caps_the_results_digitization_target() -> None:
    decision = phoninh_target(baseline=D("97.77"), national_minimum=D(95))
    assert decision.target == D(100)
    assert decision.capped is True


# --- Rule a), rule b) edges --------------------------------------------------------------


def test_it_sets_the_minimum_below_the_minimum() -> None:
    decision = phoninh_target(baseline=D("70.5"), national_minimum=D(80))
    assert decision.target == D(80)
    assert decision.branch is Branch.BELOW_MINIMUM
    assert decision.baseline == D("70.50")


def test_it_uplifts_when_the_result_equals_the_minimum() -> None:
    # "bằng hoặc lớn hơn" → rule b: N + 10.
    decision = phoninh_target(baseline=D(80), national_minimum=D(80))
    assert decision.branch is Branch.UPLIFT
    assert decision.target == D(90)


def test_it_compares_the_published_rounded_baseline() -> None:
    decision = phoninh_target(baseline=D("79.996"), national_minimum=D(80))
    assert decision.baseline == D("80.00")
    assert decision.branch is Branch.UPLIFT
    assert decision.target == D(90)
    below = phoninh_target(baseline=D("79.994"), national_minimum=D(80))
    assert below.branch is Branch.BELOW_MINIMUM
    assert below.target == D(80)


def test_it_uses_the_minimum_without_a_baseline() -> None:
    decision = phoninh_target(baseline=None, national_minimum=D(80))
    assert decision.target == D(80)
    assert decision.branch is Branch.NO_BASELINE
    assert decision.baseline is None


def test_it_supports_a_relative_uplift() -> None:
    decision = phoninh_target(baseline=D(60), national_minimum=D(50), mode=UpliftMode.RELATIVE)
    assert decision.target == D(66)
    assert decision.mode is UpliftMode.RELATIVE


def test_it_rounds_the_target_to_two_places() -> None:
    decision = phoninh_target(baseline=D("61.23"), national_minimum=D(50), mode=UpliftMode.RELATIVE)
    assert decision.target == D("67.35")  # 67.353 → 67.35
    assert decision.target.as_tuple().exponent == -2


def test_it_applies_a_custom_cap_and_uplift() -> None:
    decision = phoninh_target(baseline=D(92), national_minimum=D(80), uplift=D(5), cap=D(95))
    assert decision.target == D(95)
    assert decision.capped is True
    assert phoninh_target(baseline=D(92), national_minimum=D(80), uplift=D(5)).target == D(97)


def test_it_never_goes_below_the_minimum() -> None:
    # A plan with a negative uplift (holding back) still cannot set less than N.
    decision = phoninh_target(baseline=D(82), national_minimum=D(80), uplift=D(-5))
    assert decision.target == D(80)
    assert decision.floored is True
    assert decision.branch is Branch.UPLIFT


def test_it_grows_count_targets_relatively_without_a_cap() -> None:
    decision = phoninh_target(
        baseline=D(1071), national_minimum=D(1000), mode=UpliftMode.RELATIVE, is_rate=False
    )
    assert decision.target == D("1178.10")
    assert decision.capped is False
    assert decision.cap is None
    big = phoninh_target(
        baseline=D(500), national_minimum=D(10), mode=UpliftMode.RELATIVE, is_rate=False
    )
    assert big.target == D(550)


def test_it_refuses_point_uplifts_for_counts() -> None:
    with pytest.raises(ValueError, match="relative"):
        phoninh_target(baseline=D(10), national_minimum=D(5), is_rate=False)


def test_it_refuses_a_minimum_above_the_cap() -> None:
    with pytest.raises(ValueError):
        phoninh_target(baseline=D(10), national_minimum=D(101))


def test_it_takes_a_merged_units_baseline_as_ratio_of_sums() -> None:
    # Two predecessors: 90 of 100 and 1 of 10 → 91/110, not the mean 50.
    assert merged_baseline([(90, 100), (1, 10)]) == D(91) * 100 / 110
    assert merged_baseline([(None, 100), (5, None)]) is None
    baseline = merged_baseline([(661, 1071), (783, 839)])
    decision = phoninh_target(baseline=baseline, national_minimum=D(80))
    assert decision.baseline == D("75.60")
    assert decision.target == D(80)


# --- Explanations -----------------------------------------------------------------------


def _vi(decision: TargetDecision, **kwargs: str) -> str:
    return explain_vi(decision, year=2025, indicator_name="", **kwargs)


def test_it_explains_rule_b_in_vietnamese() -> None:
    decision = phoninh_target(baseline=D("85.96"), national_minimum=D(85))
    assert _vi(decision) == (
        "Kết quả năm 2024 đạt 85,96 % ≥ chỉ tiêu Trung ương 85 % → chỉ tiêu 2025 = "
        "85,96 + 10 = 95,96 %"
    )


def test_it_explains_the_cap() -> None:
    decision = phoninh_target(baseline=D("99.63"), national_minimum=D(80))
    assert _vi(decision) == (
        "Kết quả năm 2024 đạt 99,63 % ≥ chỉ tiêu Trung ương 80 % → chỉ tiêu 2025 = "
        "99,63 + 10, tối đa 100 % → 100 %"
    )


def test_it_explains_rule_a_and_no_baseline() -> None:
    below = phoninh_target(baseline=D("70.5"), national_minimum=D(80))
    assert _vi(below) == (
        "Kết quả năm 2024 đạt 70,5 % < chỉ tiêu Trung ương 80 % → chỉ tiêu 2025 = 80 %"
    )
    none = phoninh_target(baseline=None, national_minimum=D(80))
    assert _vi(none) == "Chưa có kết quả năm 2024 → chỉ tiêu 2025 = chỉ tiêu Trung ương 80 %"


def test_it_names_the_indicator_issuer_and_note() -> None:
    decision = phoninh_target(baseline=D("85.96"), national_minimum=D(85))
    text = explain_vi(
        decision,
        year=2025,
        indicator_name="Tỷ lệ thanh toán trực tuyến",
        issuer_label="tỉnh",
        baseline_note="cộng dồn 2 đơn vị trước sáp nhập",
    )
    assert text == (
        "Tỷ lệ thanh toán trực tuyến: Kết quả năm 2024 đạt 85,96 % "
        "(cộng dồn 2 đơn vị trước sáp nhập) ≥ chỉ tiêu tỉnh 85 % → chỉ tiêu 2025 = "
        "85,96 + 10 = 95,96 %"
    )


def test_it_explains_relative_floor_and_count_targets() -> None:
    relative = phoninh_target(baseline=D(60), national_minimum=D(50), mode=UpliftMode.RELATIVE)
    assert _vi(relative).endswith("= 60 × (1 + 10 %) = 66 %")
    floored = phoninh_target(baseline=D(82), national_minimum=D(80), uplift=D(-5))
    assert _vi(floored).endswith("82 \u2212 5, không thấp hơn chỉ tiêu Trung ương 80 % → 80 %")
    counts = phoninh_target(
        baseline=D(1071), national_minimum=D(1000), mode=UpliftMode.RELATIVE, is_rate=False
    )
    assert _vi(counts) == (
        "Kết quả năm 2024 đạt 1.071 ≥ chỉ tiêu Trung ương 1.000 → chỉ tiêu 2025 = "
        "1.071 × (1 + 10 %) = 1.178,1"
    )


def test_it_explains_in_english() -> None:
    decision = phoninh_target(baseline=D("85.96"), national_minimum=D(85))
    assert explain_en(decision, year=2025, indicator_name="Online payment rate") == (
        "Online payment rate: 2024 result 85.96 % ≥ central government minimum 85 % → "
        "2025 target = 85.96 + 10 = 95.96 %"
    )
    capped = phoninh_target(baseline=D("99.63"), national_minimum=D(80))
    assert explain_en(capped, year=2025, indicator_name="").endswith(
        "99.63 + 10, at most 100 % → 100 %"
    )
    none = phoninh_target(baseline=None, national_minimum=D(80))
    assert explain_en(none, year=2025, indicator_name="") == (
        "No 2024 result → 2025 target = central government minimum 80 %"
    )
    counts = phoninh_target(
        baseline=D(1071), national_minimum=D(1000), mode=UpliftMode.RELATIVE, is_rate=False
    )
    assert explain_en(counts, year=2025, indicator_name="").endswith("= 1,178.1")


# --- Properties ---------------------------------------------------------------------------

rates = st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False)
minimums = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
uplifts = st.decimals(min_value=0, max_value=30, places=2, allow_nan=False, allow_infinity=False)
modes = st.sampled_from(list(UpliftMode))


@given(st.none() | rates, minimums, uplifts, modes)
def test_it_keeps_rate_targets_between_minimum_and_100(
    baseline: Decimal | None, minimum: Decimal, uplift: Decimal, mode: UpliftMode
) -> None:
    decision = phoninh_target(baseline=baseline, national_minimum=minimum, uplift=uplift, mode=mode)
    assert minimum <= decision.target <= 100


@given(rates, minimums, uplifts, modes)
def test_it_picks_the_branch_from_the_rounded_baseline(
    baseline: Decimal, minimum: Decimal, uplift: Decimal, mode: UpliftMode
) -> None:
    decision = phoninh_target(baseline=baseline, national_minimum=minimum, uplift=uplift, mode=mode)
    assert decision.baseline is not None
    if decision.baseline < minimum:
        assert decision.branch is Branch.BELOW_MINIMUM
        assert decision.target == minimum
    else:
        assert decision.branch is Branch.UPLIFT
        assert decision.target >= decision.baseline
        assert decision.target == min(decision.target, D(100))


@given(rates, rates, minimums, uplifts, modes)
def test_it_is_monotone_in_the_baseline(
    a: Decimal, b: Decimal, minimum: Decimal, uplift: Decimal, mode: UpliftMode
) -> None:
    low, high = sorted((a, b))
    t_low = phoninh_target(baseline=low, national_minimum=minimum, uplift=uplift, mode=mode)
    t_high = phoninh_target(baseline=high, national_minimum=minimum, uplift=uplift, mode=mode)
    assert t_low.target <= t_high.target


@given(
    st.decimals(min_value=0, max_value=10**6, places=0),
    st.decimals(min_value=0, max_value=10**6, places=0),
    uplifts,
)
def test_it_keeps_count_targets_at_or_above_the_minimum(
    baseline: Decimal, minimum: Decimal, uplift: Decimal
) -> None:
    decision = phoninh_target(
        baseline=baseline,
        national_minimum=minimum,
        uplift=uplift,
        mode=UpliftMode.RELATIVE,
        is_rate=False,
    )
    assert decision.target >= minimum
    assert decision.capped is False
