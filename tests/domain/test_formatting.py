from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from indicators.domain.formatting import (
    NO_DATA,
    format_date_vi,
    format_decimal_vi,
    format_int_vi,
    format_points_vi,
    format_rate_vi,
    format_trimmed_en,
    format_trimmed_vi,
    parse_count,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1087, "1.087"),
        (26204, "26.204"),
        (1234567, "1.234.567"),
        (-1087, "-1.087"),
    ],
)
def test_it_groups_thousands_with_dots(value: int, text: str) -> None:
    assert format_int_vi(value) == text


def test_it_formats_rates_with_a_decimal_comma() -> None:
    assert format_rate_vi(Decimal("83.66")) == "83,66 %"
    assert format_rate_vi(Decimal("83.655")) == "83,66 %"  # half up
    assert format_rate_vi(Decimal(100)) == "100,00 %"
    assert format_rate_vi(Decimal("36.6"), places=1) == "36,6 %"
    assert format_rate_vi(Decimal("52"), places=0) == "52 %"
    assert format_rate_vi(Decimal("83.66"), with_unit=False) == "83,66"
    assert format_rate_vi(None) == NO_DATA == "—"


def test_it_formats_decimals_without_trimming() -> None:
    assert format_decimal_vi(Decimal("95.96"), 2) == "95,96"
    assert format_decimal_vi(Decimal("95.9"), 2) == "95,90"
    assert format_decimal_vi(Decimal("1178.1"), 2) == "1.178,10"
    assert format_decimal_vi(Decimal("-0.004"), 2) == "0,00"
    assert format_decimal_vi(Decimal("-1.5"), 1) == "-1,5"


def test_it_formats_dates_day_first() -> None:
    assert format_date_vi(date(2025, 2, 14)) == "14/02/2025"
    assert format_date_vi(date(2023, 12, 15)) == "15/12/2023"


def test_it_always_signs_points() -> None:
    assert format_points_vi(Decimal("13.33")) == "+13,33"
    assert format_points_vi(Decimal("-6.06")) == "\u22126,06"
    assert format_points_vi(Decimal("-6.055")) == "\u22126,06"
    assert format_points_vi(Decimal(0)) == "+0,00"
    assert format_points_vi(Decimal("-0.001")) == "+0,00"
    assert format_points_vi(None) == NO_DATA


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("85.00"), "85"),
        (Decimal(80), "80"),
        (Decimal("70.50"), "70,5"),
        (Decimal("95.96"), "95,96"),
        (Decimal("99.999"), "100"),
        (Decimal("1178.10"), "1.178,1"),
        (Decimal("0"), "0"),
        (Decimal("-0.001"), "0"),
        (Decimal("-5"), "-5"),
    ],
)
def test_it_trims_trailing_zeros_for_prose(value: Decimal, text: str) -> None:
    assert format_trimmed_vi(value) == text


def test_it_trims_english_numbers_with_a_decimal_point() -> None:
    assert format_trimmed_en(Decimal("1178.10")) == "1,178.1"
    assert format_trimmed_en(Decimal("85.00")) == "85"
    assert format_trimmed_en(Decimal("95.96")) == "95.96"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1087", 1087),
        ("1.087", 1087),
        ("1,087", 1087),
        ("1 087", 1087),
        ("1\u00a0087", 1087),
        ("1.234.567", 1234567),
        (" 12 ", 12),
        ("0", 0),
        ("-5", -5),
    ],
)
def test_it_parses_counts_as_people_type_them(text: str, value: int) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize(
    "text",
    ["1.5", "1,5", "1.08", "12.3456", "1.087,5", "1.087.5", "1,087.000", "1e3", "", "١٢", "--1"],
)
def test_it_refuses_anything_that_is_not_a_whole_count(text: str) -> None:
    with pytest.raises(ValueError):
        parse_count(text)
