"""The roll-up: a period's figures built from the periods entered inside it."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from indicators.domain import formulas, periods
from indicators.domain.rollup import Difference, coverage, reconcile, roll_up

ND09 = periods.Convention.DECREE09
CAL = periods.Convention.CALENDAR
YEAR_2026 = periods.year_period(2026, ND09)
MONTHS_2026 = [periods.month(2026, m, ND09) for m in range(1, 13)]
ONLINE = formulas.get_indicator("online")


def test_it_builds_the_year_from_its_twelve_months() -> None:
    built = coverage(YEAR_2026, MONTHS_2026)
    assert built.pieces == tuple(MONTHS_2026)
    assert built.complete and not built.exact
    assert built.months == (12, 12)
    assert built.note_vi == ""
    assert built.refusal is None


def test_it_builds_the_nine_months_from_their_months_in_both_conventions() -> None:
    built = coverage(periods.nine_months(2026, ND09), MONTHS_2026)
    assert built.pieces == tuple(MONTHS_2026[:9])
    assert built.complete and built.months == (9, 9)
    # Months 10–12 lie outside: not pieces, not a reason to refuse.
    assert built.straddling == () and built.refusal is None
    calendar_months = [periods.month(2026, m, CAL) for m in range(1, 10)]
    assert coverage(periods.nine_months(2026, CAL), calendar_months).complete


def test_it_builds_the_nine_months_from_quarters_and_says_what_is_missing() -> None:
    quarters = [periods.quarter(2026, q, ND09) for q in (1, 2)]
    built = coverage(periods.nine_months(2026, ND09), [*quarters, MONTHS_2026[6]])
    assert built.pieces == (*quarters, MONTHS_2026[6])
    assert built.note_vi == "7/9 tháng có số liệu"


def test_it_refuses_the_decree_09_nine_months_over_calendar_months() -> None:
    calendar_months = [periods.month(2026, m, CAL) for m in range(1, 10)]
    built = coverage(periods.nine_months(2026, ND09), calendar_months)
    assert built.refusal is not None and "9 tháng đầu năm 2026" in built.refusal


def test_it_says_how_much_of_a_partly_covered_period_is_there() -> None:
    built = coverage(YEAR_2026, MONTHS_2026[:9])
    assert not built.complete
    assert built.months == (9, 12)
    assert built.note_vi == "9/12 tháng có số liệu"


def test_it_lets_a_whole_period_figure_stand_over_its_months() -> None:
    built = coverage(YEAR_2026, [YEAR_2026, *MONTHS_2026])
    assert built.exact
    assert built.pieces == (YEAR_2026,)
    assert built.left_out == tuple(MONTHS_2026)


def test_it_counts_a_quarter_once_when_its_months_were_entered_too() -> None:
    q1 = periods.quarter(2026, 1, ND09)
    half = periods.half(2026, 1, ND09)
    built = coverage(half, [q1, *MONTHS_2026[:6]])
    assert built.pieces == (q1, *MONTHS_2026[3:6])
    assert built.left_out == tuple(MONTHS_2026[:3])
    assert built.complete


def test_it_refuses_a_calendar_quarter_over_decree_09_months() -> None:
    calendar_q1 = periods.quarter(2026, 1, CAL)
    built = coverage(calendar_q1, MONTHS_2026[:4])
    # 15/12–14/01 and 15/03–14/04 reach over the quarter's first and last day.
    assert [p.code for p in built.straddling] == ["2026-M01-ND09", "2026-M04-ND09"]
    assert built.refusal is not None
    assert "Quý I năm 2026" in built.refusal
    assert "Tháng 1 năm 2026" in built.refusal
    assert built.note_vi == ""


def test_it_builds_a_date_range_from_the_months_inside_it_and_counts_days() -> None:
    span = periods.custom(dt.date(2026, 1, 15), dt.date(2026, 4, 14))
    assert coverage(span, MONTHS_2026[1:4]).complete
    partial = coverage(span, MONTHS_2026[1:3])
    assert partial.months == (0, 0)
    assert partial.note_vi == f"{MONTHS_2026[1].days + MONTHS_2026[2].days}/90 ngày có số liệu"


def test_it_has_nothing_to_say_without_figures() -> None:
    built = coverage(YEAR_2026, [])
    assert built.pieces == ()
    assert built.refusal is None
    assert built.note_vi == ""


def _counts(**values: int) -> dict[str, int | None]:
    return {name: values.get(name) for name in formulas.COUNT_FIELDS}


def test_it_sums_flows_and_takes_the_stock_from_the_first_piece() -> None:
    january = _counts(carried_over=5, received=100, received_online=80, total=105)
    february = _counts(carried_over=7, received=50, received_online=45, total=57)
    rolled = roll_up([january, february])
    assert rolled["received"] == 150
    assert rolled["received_online"] == 125
    assert rolled["carried_over"] == 5
    # Not 105 + 57: February's carried-over dossiers were January's.
    assert rolled["total"] == 155
    assert rolled["payments_total"] is None


def test_it_keeps_one_piece_as_it_was_entered() -> None:
    only = _counts(carried_over=5, received=100, total=105)
    assert roll_up([only]) == only


def test_it_takes_a_rate_as_the_ratio_of_sums_over_complete_pieces() -> None:
    pieces = [
        _counts(received=20, received_online=10),
        _counts(received=100, received_online=90),
        _counts(received=40),  # no online count: cannot dilute the rate
    ]
    # The rule of a total over units, applied to the pieces (the database does the same).
    parts = [formulas.indicator_parts(ONLINE, piece) for piece in pieces]
    assert formulas.ratio_of_sums(parts) == formulas.rate(100, 120)
    assert formulas.ratio_of_sums([formulas.indicator_parts(ONLINE, pieces[2])]) is None


@given(st.sets(st.integers(min_value=1, max_value=12)), st.integers(0, 1000))
def test_it_covers_exactly_the_months_entered(numbers: set[int], received: int) -> None:
    entered = [MONTHS_2026[n - 1] for n in sorted(numbers)]
    built = coverage(YEAR_2026, entered)
    assert built.pieces == tuple(entered)
    assert built.months == (len(numbers), 12)
    assert built.complete == (len(numbers) == 12)
    rolled = roll_up([_counts(received=received) for _ in entered])
    assert rolled["received"] == (received * len(entered) if entered else None)


def test_it_refuses_months_of_both_conventions_inside_one_period() -> None:
    calendar_march = periods.month(2026, 3, CAL)
    built = coverage(YEAR_2026, [*MONTHS_2026[2:5], calendar_march])
    # Calendar March (01–31/03) overlaps Decree 09 March and April without holding either.
    assert [p.code for p in built.crossing] == [
        "2026-M03-ND09",
        "2026-M03-CAL",
        "2026-M04-ND09",
    ]
    assert built.refusal is not None and "chồng lên nhau" in built.refusal


def test_it_keeps_one_of_two_periods_entered_for_the_same_days() -> None:
    calendar_half = periods.half(2023, 1, CAL)
    same_days = periods.custom(calendar_half.start, calendar_half.end)
    built = coverage(calendar_half, [calendar_half, same_days])
    assert built.pieces == (min(calendar_half, same_days, key=lambda p: p.code),)
    assert built.refusal is None


def test_it_lets_the_year_stand_and_states_where_its_months_disagree() -> None:
    year = _counts(carried_over=10, received=1200, received_online=900, total=1210)
    months = {m: _counts(carried_over=10, received=100, received_online=75) for m in MONTHS_2026}
    months[MONTHS_2026[0]] = _counts(carried_over=10, received=80, received_online=75)
    found = reconcile(YEAR_2026, {YEAR_2026: year, **months})
    assert found is not None
    assert found.pieces == tuple(MONTHS_2026)
    assert Difference("received", 1200, 1180) in found.differences
    assert [d.field for d in found.differences] == ["total", "received"]
    assert found.note_vi == (
        "Số liệu cả năm khác tổng 12 tháng: tổng số hồ sơ 1.210 so với 1.190; "
        "tiếp nhận 1.200 so với 1.180"
    )


def test_it_has_nothing_to_reconcile_when_the_year_and_its_months_agree() -> None:
    year = _counts(received=1200, received_online=900)
    months = {m: _counts(received=100, received_online=75) for m in MONTHS_2026}
    found = reconcile(YEAR_2026, {YEAR_2026: year, **months})
    assert found is not None and found.differences == () and found.note_vi == ""


def test_it_reconciles_only_a_whole_figure_beside_pieces_that_build_all_of_it() -> None:
    year = _counts(received=1200)
    nine = {m: _counts(received=100) for m in MONTHS_2026[:9]}
    assert reconcile(YEAR_2026, {YEAR_2026: year, **nine}) is None  # 9/12 months: short
    assert reconcile(YEAR_2026, dict(nine)) is None  # no whole-period figure
    quarters = {periods.quarter(2026, q, ND09): _counts(received=300) for q in (1, 2, 3)}
    nine_months = periods.nine_months(2026, ND09)
    found = reconcile(nine_months, {nine_months: _counts(received=950), **quarters})
    assert found is not None
    assert found.note_vi == "Số liệu cả 9 tháng khác tổng 3 kỳ nhỏ hơn: tiếp nhận 950 so với 900"
