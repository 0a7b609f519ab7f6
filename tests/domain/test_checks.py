from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from indicators.domain.checks import outlier_warnings, rate_jump_warnings
from indicators.domain.formulas import check_identities

BASE = {"received": 1000, "received_online": 500, "received_in_person": 500}


def test_it_warns_when_a_rate_jumps_more_than_the_threshold() -> None:
    now = {**BASE, "received_online": 800, "received_in_person": 200}
    [warning] = rate_jump_warnings(now, BASE, max_points=Decimal(20))
    assert warning.code == "jump:online"
    assert "tăng 30 điểm %" in warning.message_vi
    assert "50 % → 80 %" in warning.message_vi


def test_it_stays_quiet_within_the_threshold_or_without_a_previous_period() -> None:
    now = {**BASE, "received_online": 690, "received_in_person": 310}
    assert rate_jump_warnings(now, BASE, max_points=Decimal(20)) == []
    assert rate_jump_warnings(now, None) == []


def test_it_flags_a_count_far_outside_the_units_history() -> None:
    history = [{"received": n} for n in (1000, 1040, 980, 1010)]
    [warning] = outlier_warnings({"received": 10_400}, history)
    assert warning.code == "outlier:received"
    assert "10.400" in warning.message_vi
    assert outlier_warnings({"received": 1020}, history) == []


def test_it_needs_three_earlier_periods_before_judging() -> None:
    assert outlier_warnings({"received": 99_999}, [{"received": 10}, {"received": 12}]) == []


@st.composite
def valid_counts(draw: st.DrawFn) -> dict[str, int]:
    received_online = draw(st.integers(0, 50_000))
    received_in_person = draw(st.integers(0, 50_000))
    received = received_online + received_in_person
    carried_over = draw(st.integers(0, 5_000))
    on_time = draw(st.integers(0, received + carried_over))
    late = draw(st.integers(0, received + carried_over - on_time))
    full = draw(st.integers(0, received))
    return {
        "total": carried_over + received,
        "carried_over": carried_over,
        "received": received,
        "received_online": received_online,
        "received_in_person": received_in_person,
        "digitized_full": full,
        "digitized_partial": draw(st.integers(0, received - full)),
        "resolved": on_time + late,
        "resolved_on_time": on_time,
        "resolved_late": late,
        "results_digitized": draw(st.integers(0, on_time + late)),
    }


@given(valid_counts())
def test_it_accepts_every_consistent_set_of_counts(counts: dict[str, int]) -> None:
    assert check_identities(counts) == []


@given(valid_counts(), st.sampled_from(["total", "received", "resolved"]), st.integers(1, 999))
def test_it_refuses_every_broken_identity(counts: dict[str, int], field: str, delta: int) -> None:
    broken = {**counts, field: counts[field] + delta}
    violations = check_identities(broken)
    assert violations
    assert all(v.message_vi for v in violations)
