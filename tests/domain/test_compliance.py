from __future__ import annotations

from decimal import Decimal
from typing import cast

from hypothesis import given
from hypothesis import strategies as st

from indicators.domain.compliance import dossiers_to_target, project_to_year_end, trend_arrow
from indicators.domain.formulas import rate, round_rate


def test_it_counts_the_dossiers_hoai_huong_needs_for_70_percent() -> None:
    # Seed 004: Hoài Hương 476 online of 1.286 received = 37,01 %; the town's target is 70 %.
    k = dossiers_to_target(476, 1286, Decimal(70))
    assert k == 425  # 901 / 1.286 = 70,06 %; 900 / 1.286 = 69,98 %
    # rate() is None only for a zero denominator; the casts below say so.
    assert round_rate(cast(Decimal, rate(476 + k, 1286))) >= 70
    assert round_rate(cast(Decimal, rate(476 + k - 1, 1286))) < 70


def test_it_needs_nothing_when_the_target_is_met_and_none_without_data() -> None:
    assert dossiers_to_target(783, 839, Decimal(70)) == 0
    assert dossiers_to_target(0, 0, Decimal(70)) is None


def test_it_uses_the_published_rounding_at_the_boundary() -> None:
    # 2 / 3 = 66,666…% rounds to 66,67 %, which meets a 66,67 % target.
    assert dossiers_to_target(2, 3, Decimal("66.67")) == 0


@given(st.integers(1, 5000), st.data(), st.decimals(0, 100, places=2))
def test_it_always_finds_the_smallest_sufficient_number(den: int, data, target: Decimal) -> None:
    num = data.draw(st.integers(0, den))
    k = dossiers_to_target(num, den, target)
    assert k is not None  # a rate target ≤ 100 is reachable by making everything online
    assert round_rate(cast(Decimal, rate(num + k, den))) >= target  # den ≥ 1: a rate
    if k > 0:
        assert round_rate(cast(Decimal, rate(num + k - 1, den))) < target


def test_it_projects_the_pace_to_the_years_end() -> None:
    # Half a year gone: 600 received, 300 online, target 80 % -> about 1.200 received in the
    # year, 963 online needed, 663 still to come: 95 a month over the 7 months left.
    projection = project_to_year_end(
        numerator_so_far=300,
        denominator_so_far=600,
        days_elapsed=182,
        days_in_year=365,
        target=Decimal(80),
    )
    assert projection is not None
    assert (projection.projected_denominator, projection.needed_numerator) == (1203, 963)
    assert projection.remaining == 663
    assert projection.per_month() == 95
    assert not projection.on_track


def test_it_says_on_track_when_the_year_is_already_covered() -> None:
    projection = project_to_year_end(
        numerator_so_far=990,
        denominator_so_far=1000,
        days_elapsed=300,
        days_in_year=365,
        target=Decimal(80),
    )
    assert projection is not None and projection.on_track


def test_it_draws_arrows_at_published_precision() -> None:
    assert trend_arrow(Decimal("70.001"), Decimal("70.004")) == "＝"
    assert trend_arrow(Decimal(71), Decimal(70)) == "▲"
    assert trend_arrow(Decimal(69), Decimal(70)) == "▼"
    assert trend_arrow(None, Decimal(70)) == ""
