from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.domain.periods import (
    MAX_YEAR,
    MIN_YEAR,
    Convention,
    PeriodError,
    PeriodKind,
    PeriodSpec,
    custom,
    half,
    month,
    nine_months,
    parse_period_code,
    periods_of_year,
    quarter,
    reporting_period_containing,
    year_period,
    year_to_date,
)

ND09 = Convention.DECREE09
CAL = Convention.CALENDAR


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [
        (month(2024, 1, ND09), date(2023, 12, 15), date(2024, 1, 14)),  # crosses the year
        (month(2024, 3, ND09), date(2024, 2, 15), date(2024, 3, 14)),
        (month(2024, 12, ND09), date(2024, 11, 15), date(2024, 12, 14)),
        (quarter(2024, 1, ND09), date(2023, 12, 15), date(2024, 3, 14)),
        (quarter(2024, 2, ND09), date(2024, 3, 15), date(2024, 6, 14)),
        (quarter(2024, 4, ND09), date(2024, 9, 15), date(2024, 12, 14)),
        (half(2024, 1, ND09), date(2023, 12, 15), date(2024, 6, 14)),
        (half(2024, 2, ND09), date(2024, 6, 15), date(2024, 12, 14)),
        # Seed 000: "năm 2024 (tính từ ngày 15/12/2023 đến ngày 14/12/2024)".
        (year_period(2024, ND09), date(2023, 12, 15), date(2024, 12, 14)),
    ],
    ids=lambda v: v.code if isinstance(v, PeriodSpec) else None,
)
def test_it_closes_decree09_periods_on_the_14th(spec: PeriodSpec, start: date, end: date) -> None:
    assert (spec.start, spec.end) == (start, end)


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [
        (month(2024, 2, CAL), date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        (month(2023, 2, CAL), date(2023, 2, 1), date(2023, 2, 28)),
        (month(2024, 12, CAL), date(2024, 12, 1), date(2024, 12, 31)),
        (quarter(2024, 1, CAL), date(2024, 1, 1), date(2024, 3, 31)),
        (quarter(2024, 3, CAL), date(2024, 7, 1), date(2024, 9, 30)),
        # Seed 004: "từ ngày 01/01/2023 đến ngày 30/6/2023".
        (half(2023, 1, CAL), date(2023, 1, 1), date(2023, 6, 30)),
        (half(2023, 2, CAL), date(2023, 7, 1), date(2023, 12, 31)),
        (year_period(2024, CAL), date(2024, 1, 1), date(2024, 12, 31)),
    ],
    ids=lambda v: v.code if isinstance(v, PeriodSpec) else None,
)
def test_it_builds_calendar_periods(spec: PeriodSpec, start: date, end: date) -> None:
    assert (spec.start, spec.end) == (start, end)


def test_it_gives_stable_codes() -> None:
    assert month(2024, 3, ND09).code == "2024-M03-ND09"
    assert quarter(2024, 1, CAL).code == "2024-Q1-CAL"
    assert half(2023, 1, CAL).code == "2023-H1-CAL"
    assert year_period(2024, ND09).code == "2024-Y-ND09"
    assert custom(date(2023, 1, 1), date(2023, 6, 30)).code == "2023-01-01..2023-06-30"


def test_it_labels_periods_in_vietnamese_and_english() -> None:
    assert month(2024, 3, ND09).label_vi == "Tháng 3 năm 2024"
    assert quarter(2024, 1, CAL).label_vi == "Quý I năm 2024"
    assert quarter(2024, 4, CAL).label_vi == "Quý IV năm 2024"
    assert half(2023, 1, CAL).label_vi == "6 tháng đầu năm 2023"
    assert half(2023, 2, CAL).label_vi == "6 tháng cuối năm 2023"
    assert year_period(2024, ND09).label_vi == "Năm 2024"
    h1 = custom(date(2023, 1, 1), date(2023, 6, 30))
    assert h1.label_vi == "Từ 01/01/2023 đến 30/06/2023"
    assert h1.range_vi == "01/01/2023 – 30/06/2023"
    assert year_period(2024, ND09).long_label_vi == "Năm 2024 (15/12/2023 – 14/12/2024)"
    assert month(2024, 3, ND09).label_en == "March 2024"
    assert quarter(2024, 2, CAL).label_en == "Q2 2024"
    assert half(2023, 1, CAL).label_en == "First half of 2023"
    assert year_period(2024, CAL).label_en == "Year 2024"


def test_it_counts_days_and_containment() -> None:
    y = year_period(2024, ND09)
    assert y.days == 366
    assert y.contains(date(2023, 12, 15))
    assert y.contains(date(2024, 12, 14))
    assert not y.contains(date(2024, 12, 15))
    assert not y.contains(date(2023, 12, 14))
    assert custom(date(2024, 5, 1), date(2024, 5, 1)).days == 1


def test_it_steps_back_one_period() -> None:
    assert month(2024, 1, ND09).previous() == month(2023, 12, ND09)
    assert month(2024, 5, CAL).previous() == month(2024, 4, CAL)
    assert quarter(2024, 1, CAL).previous() == quarter(2023, 4, CAL)
    assert half(2024, 2, ND09).previous() == half(2024, 1, ND09)
    assert half(2024, 1, ND09).previous() == half(2023, 2, ND09)
    assert year_period(2025, ND09).previous() == year_period(2024, ND09)
    h1 = custom(date(2023, 1, 1), date(2023, 6, 30))
    before = h1.previous()
    assert before.end == date(2022, 12, 31)
    assert before.days == h1.days
    assert before.kind is PeriodKind.CUSTOM


def test_it_refuses_to_step_before_the_first_year() -> None:
    with pytest.raises(PeriodError):
        year_period(MIN_YEAR, CAL).previous()


@given(st.integers(MIN_YEAR + 1, MAX_YEAR), st.sampled_from([ND09, CAL]))
def test_it_tiles_each_year_without_gaps_or_overlaps(year: int, convention: Convention) -> None:
    whole = year_period(year, convention)
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF):
        parts = periods_of_year(year, kind, convention)
        assert parts[0].start == whole.start
        assert parts[-1].end == whole.end
        for earlier, later in pairwise(parts):
            assert later.start == earlier.end + timedelta(days=1)
            assert later.previous() == earlier
    assert periods_of_year(year, PeriodKind.YEAR, convention) == [whole]
    # Decree 09 years follow each other without gaps too.
    assert whole.previous().end + timedelta(days=1) == whole.start


def _specs() -> st.SearchStrategy[PeriodSpec]:
    years = st.integers(MIN_YEAR, MAX_YEAR)
    conventions = st.sampled_from([ND09, CAL])
    starts = st.dates(date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31))
    return st.one_of(
        st.builds(month, years, st.integers(1, 12), conventions),
        st.builds(quarter, years, st.integers(1, 4), conventions),
        st.builds(half, years, st.integers(1, 2), conventions),
        st.builds(nine_months, years, conventions),
        st.builds(year_period, years, conventions),
        st.tuples(starts, starts).map(lambda p: custom(min(p), max(p))),
    )


@given(_specs())
def test_it_round_trips_every_code(spec: PeriodSpec) -> None:
    assert parse_period_code(spec.code) == spec
    assert parse_period_code(f"  {spec.code.lower()} ") == spec
    assert spec.contains(spec.start) and spec.contains(spec.end)


def test_it_parses_loose_but_unambiguous_input() -> None:
    assert parse_period_code("2024-m3-nd09") == month(2024, 3, ND09)
    assert parse_period_code("2023-01-01 .. 2023-06-30") == custom(
        date(2023, 1, 1), date(2023, 6, 30)
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2023-H3-CAL", "Nửa năm"),
        ("2024-M13-ND09", "Tháng phải từ 1 đến 12"),
        ("2024-M00-CAL", "Tháng"),
        ("2024-Q5-CAL", "Quý"),
        ("1999-Y-CAL", "Năm phải từ 2000 đến 2100"),
        ("2101-M01-CAL", "Năm"),
        ("2023-06-30..2023-01-01", "trước ngày bắt đầu"),
        ("2023-02-30..2023-03-01", "không tồn tại"),
        ("1990-01-01..1990-02-01", "Năm"),
        ("2024-Y-RANGE", ""),
        ("2024-Y", ""),
        ("2024", ""),
        ("", ""),
        ("Năm 2024", ""),
    ],
)
def test_it_rejects_bad_codes_in_vietnamese(text: str, reason: str) -> None:
    with pytest.raises(PeriodError, match="Kỳ báo cáo không hợp lệ") as info:
        parse_period_code(text)
    assert "Dùng mã như 2024-Y-ND09, 2023-H1-CAL" in str(info.value)
    assert reason in str(info.value)
    assert isinstance(info.value, ValueError)


def test_it_rejects_inconsistent_specs() -> None:
    with pytest.raises(PeriodError):
        PeriodSpec(PeriodKind.YEAR, CAL, 2024, None, date(2023, 12, 15), date(2024, 12, 14))
    with pytest.raises(PeriodError):
        PeriodSpec(PeriodKind.CUSTOM, CAL, None, None, date(2024, 1, 1), date(2024, 2, 1))
    with pytest.raises(PeriodError):
        custom(date(2024, 2, 1), date(2024, 1, 1))
    with pytest.raises(PeriodError):
        month(2024, 13, CAL)
    with pytest.raises(PeriodError):
        month(2024, 1, Convention.CUSTOM)


def test_it_accepts_plain_strings_from_storage() -> None:
    stored = PeriodSpec("Y", "ND09", 2024, None, date(2023, 12, 15), date(2024, 12, 14))  # type: ignore[arg-type]  # plain strings on purpose
    assert stored == year_period(2024, ND09)
    assert stored.kind is PeriodKind.YEAR


@pytest.mark.parametrize(
    ("day", "kind", "convention", "code"),
    [
        (date(2024, 12, 14), PeriodKind.YEAR, ND09, "2024-Y-ND09"),
        (date(2024, 12, 15), PeriodKind.YEAR, ND09, "2025-Y-ND09"),
        (date(2024, 12, 20), PeriodKind.YEAR, ND09, "2025-Y-ND09"),
        (date(2024, 12, 20), PeriodKind.YEAR, CAL, "2024-Y-CAL"),
        (date(2024, 12, 15), PeriodKind.MONTH, ND09, "2025-M01-ND09"),
        (date(2024, 3, 14), PeriodKind.QUARTER, ND09, "2024-Q1-ND09"),
        (date(2024, 3, 15), PeriodKind.QUARTER, ND09, "2024-Q2-ND09"),
        (date(2024, 6, 14), PeriodKind.HALF, ND09, "2024-H1-ND09"),
        (date(2024, 6, 15), PeriodKind.HALF, ND09, "2024-H2-ND09"),
        (date(2024, 6, 30), PeriodKind.HALF, CAL, "2024-H1-CAL"),
        (date(2024, 7, 1), PeriodKind.QUARTER, CAL, "2024-Q3-CAL"),
    ],
)
def test_it_finds_the_period_containing_a_day(
    day: date, kind: PeriodKind, convention: Convention, code: str
) -> None:
    found = reporting_period_containing(day, kind, convention)
    assert found.code == code
    assert found.contains(day)


@given(
    st.dates(date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 14)),
    st.sampled_from([PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR]),
    st.sampled_from([ND09, CAL]),
)
def test_it_always_returns_a_period_that_contains_the_day(
    day: date, kind: PeriodKind, convention: Convention
) -> None:
    assert reporting_period_containing(day, kind, convention).contains(day)


def test_it_has_no_containing_period_for_custom_ranges() -> None:
    with pytest.raises(PeriodError):
        reporting_period_containing(date(2024, 1, 1), PeriodKind.CUSTOM, ND09)
    with pytest.raises(PeriodError):
        periods_of_year(2024, PeriodKind.CUSTOM, ND09)


def test_it_lists_the_periods_of_a_year() -> None:
    assert [p.code for p in periods_of_year(2024, PeriodKind.QUARTER, ND09)] == [
        "2024-Q1-ND09",
        "2024-Q2-ND09",
        "2024-Q3-ND09",
        "2024-Q4-ND09",
    ]
    assert len(periods_of_year(2024, PeriodKind.MONTH, CAL)) == 12


def test_it_builds_the_nine_months_in_both_conventions() -> None:
    decree = nine_months(2026, ND09)
    assert (decree.start, decree.end) == (date(2025, 12, 15), date(2026, 9, 14))
    calendar = nine_months(2026, CAL)
    assert (calendar.start, calendar.end) == (date(2026, 1, 1), date(2026, 9, 30))
    assert decree.code == "2026-9M-ND09"
    assert calendar.code == "2026-9M-CAL"
    assert decree.label_vi == "9 tháng đầu năm 2026"
    assert decree.label_en == "First nine months of 2026"
    assert decree.long_label_vi == "9 tháng đầu năm 2026 (15/12/2025 – 14/09/2026)"
    assert decree.kind is PeriodKind.NINE_MONTHS and decree.number is None
    # It starts with the year and ends with the third quarter.
    assert decree.start == year_period(2026, ND09).start
    assert decree.end == quarter(2026, 3, ND09).end
    assert calendar.end == quarter(2026, 3, CAL).end


def test_it_reads_and_steps_back_the_nine_months() -> None:
    assert parse_period_code("2026-9m-nd09") == nine_months(2026, ND09)
    assert parse_period_code("2026-9M-CAL") == nine_months(2026, CAL)
    assert nine_months(2026, ND09).previous() == nine_months(2025, ND09)
    assert periods_of_year(2026, PeriodKind.NINE_MONTHS, CAL) == [nine_months(2026, CAL)]
    with pytest.raises(PeriodError, match="Kỳ báo cáo không hợp lệ"):
        parse_period_code("2026-9M1-ND09")
    with pytest.raises(PeriodError, match="9 tháng"):
        PeriodSpec(PeriodKind.NINE_MONTHS, CAL, 2026, 1, date(2026, 1, 1), date(2026, 9, 30))


def test_it_finds_the_nine_months_containing_a_day_and_none_after_them() -> None:
    assert reporting_period_containing(
        date(2025, 12, 20), PeriodKind.NINE_MONTHS, ND09
    ) == nine_months(2026, ND09)
    assert reporting_period_containing(
        date(2026, 9, 30), PeriodKind.NINE_MONTHS, CAL
    ) == nine_months(2026, CAL)
    with pytest.raises(PeriodError, match="ngoài kỳ 9 tháng"):
        reporting_period_containing(date(2026, 9, 15), PeriodKind.NINE_MONTHS, ND09)


def test_it_builds_the_year_to_date_of_a_month_in_both_conventions() -> None:
    ytd = year_to_date(month(2026, 11, ND09))
    assert ytd is not None
    assert ytd.code == "2025-12-15..2026-11-14"
    ytd = year_to_date(quarter(2026, 3, CAL))
    assert ytd is not None
    assert ytd.code == "2026-01-01..2026-09-30"


def test_it_has_no_year_to_date_for_a_first_month_the_year_or_a_range() -> None:
    assert year_to_date(month(2026, 1, ND09)) is None
    assert year_to_date(year_period(2026, CAL)) is None
    assert year_to_date(custom(date(2026, 1, 1), date(2026, 3, 1))) is None
