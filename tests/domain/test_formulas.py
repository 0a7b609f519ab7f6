from __future__ import annotations

import ast
import json
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.domain import formulas
from indicators.domain.formulas import (
    COUNT_FIELDS,
    COUNT_FIELDS_EN,
    INDICATORS,
    INDICATORS_BY_CODE,
    IdentityViolation,
    UnknownIndicator,
    check_identities,
    gap_points,
    get_indicator,
    indicator_parts,
    indicator_rate,
    meets,
    rate,
    ratio_of_sums,
    round_rate,
)

DOMAIN_DIR = Path(formulas.__file__).resolve().parent

# Bồng Sơn, seed 004 appendix row 1: a consistent row to break one field at a time.
BONG_SON: dict[str, int | None] = {
    "total": 1087,
    "carried_over": 16,
    "received": 1071,
    "with_portal_account": 596,
    "received_in_person": 410,
    "received_online": 661,
    "digitized_partial": 99,
    "digitized_full": 797,
    "resolved": 1070,
    "results_digitized": 496,
    "reused": 245,
    "resolved_on_time": 1069,
    "resolved_late": 1,
    "e_certified_copies": 547,
}


def test_it_keeps_the_domain_package_free_of_django() -> None:
    for path in DOMAIN_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "django" for n in names), path.name


def test_it_lists_the_count_fields_in_order_with_labels() -> None:
    assert list(COUNT_FIELDS) == [
        "total",
        "carried_over",
        "received",
        "with_portal_account",
        "received_in_person",
        "received_online",
        "digitized_partial",
        "digitized_full",
        "resolved",
        "results_digitized",
        "reused",
        "resolved_on_time",
        "resolved_late",
        "e_certified_copies",
        "payments_online",
        "payments_total",
        "feedback_received",
        "feedback_on_time",
        "ratings_satisfied",
        "ratings_total",
        "population_db_checked",
    ]
    assert list(COUNT_FIELDS_EN) == list(COUNT_FIELDS)
    assert COUNT_FIELDS["total"] == "Tổng số hồ sơ"
    assert all(label for label in COUNT_FIELDS.values())


def test_it_defines_the_nine_indicators_in_order() -> None:
    assert [i.code for i in INDICATORS] == [
        "online",
        "payment",
        "digitization",
        "e_results",
        "reuse",
        "feedback",
        "satisfaction",
        "on_time",
        "population_db",
    ]
    assert [i.order for i in INDICATORS] == list(range(1, 10))
    # The 2025 national minimums of Phổ Ninh's plan, as the real data file gives them to
    # the plans (the catalogue itself holds no target).
    real_data = Path(__file__).resolve().parents[2] / "fixtures" / "real_data.json"
    minimums = json.loads(real_data.read_text(encoding="utf-8"))["national_minimums"]["2025"]
    assert {code: Decimal(value) for code, value in minimums.items()} == {
        "online": 80,
        "payment": 85,
        "digitization": 95,
        "e_results": 100,
        "reuse": 55,
        "feedback": 100,
        "satisfaction": 95,
    }
    assert get_indicator("digitization").numerator == ("digitized_partial", "digitized_full")
    assert get_indicator("online").name_vi == "Tỷ lệ hồ sơ trực tuyến"
    assert set(INDICATORS_BY_CODE) == {i.code for i in INDICATORS}


def test_it_rejects_an_unknown_indicator_in_vietnamese() -> None:
    with pytest.raises(UnknownIndicator, match="Các mã hợp lệ: online, payment") as info:
        get_indicator("onlin")
    assert isinstance(info.value, ValueError)


def test_it_rejects_a_definition_with_an_unknown_field() -> None:
    with pytest.raises(ValueError, match="recieved"):
        formulas.IndicatorDef(
            code="x",
            name_vi="x",
            name_en="x",
            short_vi="x",
            numerator=("recieved",),
            denominator="received",
            order=99,
        )


def test_it_computes_an_exact_unrounded_rate() -> None:
    assert rate(9805, 14693) == Decimal(9805) * 100 / Decimal(14693)
    assert rate(1, 3) == Decimal("33.33333333333333333333333333")
    assert rate(0, 5) == Decimal(0)
    assert rate(5, 5) == Decimal(100)


def test_it_ignores_the_callers_decimal_context() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        assert rate(1, 3) == Decimal("33.33333333333333333333333333")


@pytest.mark.parametrize(("num", "den"), [(0, 0), (5, 0), (None, 10), (3, None), (None, None)])
def test_it_gives_no_data_for_zero_or_missing_denominator(num: int | None, den: int | None) -> None:
    assert rate(num, den) is None


def test_it_sums_numerator_fields_and_needs_all_of_them() -> None:
    digitization = get_indicator("digitization")
    assert indicator_parts(digitization, BONG_SON) == (896, 1071)
    assert indicator_parts(digitization, {**BONG_SON, "digitized_full": None}) == (None, 1071)
    assert indicator_rate(digitization, {**BONG_SON, "digitized_full": None}) is None
    assert indicator_parts(get_indicator("payment"), BONG_SON) == (None, None)
    assert indicator_rate(get_indicator("payment"), {}) is None


def test_it_aggregates_as_ratio_of_sums_not_mean_of_rates() -> None:
    parts = [(90, 100), (1, 10)]  # 90 % and 10 %
    assert ratio_of_sums(parts) == Decimal(91) * 100 / 110
    mean = (rate(90, 100) + rate(1, 10)) / 2  # type: ignore[operator]  # both denominators > 0: no None
    assert mean == Decimal(50)
    assert ratio_of_sums(parts) != mean


def test_it_skips_unusable_pairs_when_aggregating() -> None:
    assert ratio_of_sums([(5, 10), (None, 10), (3, None), (None, None)]) == Decimal(50)
    assert ratio_of_sums([]) is None
    assert ratio_of_sums([(None, 5)]) is None
    assert ratio_of_sums([(0, 0), (0, 0)]) is None
    assert ratio_of_sums([(0, 0), (1, 4)]) == Decimal(25)
    assert ratio_of_sums(iter([(1, 2)])) == Decimal(50)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 10_000)), min_size=1))
def test_it_keeps_the_aggregate_between_the_smallest_and_largest_rate(
    parts: list[tuple[int, int]],
) -> None:
    parts = [(min(n, d), d) for n, d in parts]
    total = ratio_of_sums(parts)
    rates = [rate(n, d) for n, d in parts]
    assert total is not None
    assert min(r for r in rates if r is not None) <= total <= max(r for r in rates if r is not None)


def test_it_rounds_half_up_like_the_documents() -> None:
    assert round_rate(Decimal("36.65"), 1) == Decimal("36.7")  # half even would give 36.6
    assert round_rate(Decimal("79.995")) == Decimal("80.00")
    assert round_rate(Decimal("68.5549"), 1) == Decimal("68.6")
    assert round_rate(Decimal("51.9966"), 0) == Decimal("52")
    assert str(round_rate(Decimal(80))) == "80.00"


def test_it_measures_the_gap_in_points_on_the_published_rate() -> None:
    assert gap_points(Decimal("99.63"), Decimal(50)) == Decimal("49.63")
    assert gap_points(Decimal("63.9445"), Decimal(70)) == Decimal("-6.06")
    assert gap_points(None, Decimal(70)) is None
    assert gap_points(Decimal(70), None) is None


def test_it_decides_compliance_on_the_rounded_rate() -> None:
    assert meets(Decimal("79.996"), Decimal(80)) is True  # published as 80,00
    assert meets(Decimal("79.994"), Decimal(80)) is False
    assert meets(Decimal(80), Decimal(80)) is True
    assert meets(Decimal(3), Decimal(5), higher_is_better=False) is True
    assert meets(Decimal(6), Decimal(5), higher_is_better=False) is False
    assert meets(None, Decimal(80)) is None
    assert meets(Decimal(80), None) is None


def test_it_accepts_a_consistent_row() -> None:
    assert check_identities(BONG_SON) == []
    assert check_identities({}) == []


def test_it_reports_a_broken_total_with_labels_and_numbers() -> None:
    violations = check_identities({**BONG_SON, "total": 1088})
    assert violations == [
        IdentityViolation(
            field="total",
            expected=1087,
            found=1088,
            message_vi=(
                "Tổng số hồ sơ (1.088) phải bằng Hồ sơ kỳ trước chuyển sang + "
                "Hồ sơ tiếp nhận trong kỳ (16 + 1.071 = 1.087)"
            ),
        )
    ]


def test_it_reports_received_and_resolved_splits() -> None:
    broken = {**BONG_SON, "received_online": 660, "resolved_late": 0}
    by_field = {v.field: v for v in check_identities(broken)}
    assert set(by_field) == {"received", "resolved"}
    assert by_field["received"].expected == 1070
    assert by_field["received"].found == 1071
    labels = "Hồ sơ tiếp nhận trực tiếp + Hồ sơ tiếp nhận trực tuyến"
    assert labels in by_field["received"].message_vi
    assert by_field["resolved"].message_vi.endswith("(1.069 + 0 = 1.069)")


def test_it_reports_more_digitized_than_received() -> None:
    violations = check_identities({**BONG_SON, "digitized_full": 1000})
    assert len(violations) == 1
    assert violations[0].field == "digitized_partial"
    assert violations[0].expected == 1071
    assert violations[0].found == 1099
    assert "(99 + 1.000 = 1.099) không được lớn hơn Hồ sơ tiếp nhận trong kỳ (1.071)" in (
        violations[0].message_vi
    )


def test_it_reports_numerators_above_their_denominators() -> None:
    counts = {
        "payments_online": 12,
        "payments_total": 10,
        "ratings_satisfied": 3,
        "ratings_total": 4,
        "feedback_on_time": 2,
        "feedback_received": 1,
    }
    fields = [v.field for v in check_identities(counts)]
    assert fields == ["payments_online", "feedback_on_time"]


def test_it_reports_negative_counts() -> None:
    violations = check_identities({"reused": -2})
    assert [(v.field, v.expected, v.found) for v in violations] == [("reused", 0, -2)]
    assert "không được là số âm" in violations[0].message_vi


def test_it_skips_checks_with_missing_values() -> None:
    assert check_identities({**BONG_SON, "carried_over": None, "total": 5}) == []
    assert check_identities({"received": 10, "received_online": 11}) != []
    assert check_identities({"received": None, "received_online": 11}) == []
