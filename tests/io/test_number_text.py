"""Numbers written as text: the appendix's rule and the template/CSV rule, side by side."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.io.number_text import cell_number, parse_count_text, parse_number_text


@pytest.mark.parametrize(
    ("text", "appendix", "table"),
    [
        ("14.972", Decimal(14972), Decimal(14972)),
        ("3382", Decimal(3382), Decimal(3382)),
        ("83,7", Decimal("83.7"), Decimal("83.7")),
        ("1.234,5", Decimal("1234.5"), None),
        ("67,37%", Decimal("67.37"), None),
        # The one difference the two rules keep on purpose: a sign before a grouped number.
        ("-1.234.567", Decimal(-1234567), None),
        ("mười sáu", None, None),
        ("", None, None),
    ],
)
def test_each_reader_keeps_its_own_number_rule(
    text: str, appendix: Decimal | None, table: Decimal | None
) -> None:
    assert parse_number_text(text) == appendix
    assert parse_count_text(text) == table


def test_a_cell_number_is_taken_as_it_is_and_a_boolean_is_not_a_number() -> None:
    assert cell_number(12, parse_count_text) == Decimal(12)
    assert cell_number(0.5, parse_count_text) == Decimal("0.5")
    assert cell_number(True, parse_count_text) is None
    assert cell_number(" 1.087 ", parse_count_text) == Decimal(1087)
