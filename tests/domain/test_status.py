from __future__ import annotations

from decimal import Decimal

from indicators.domain.formulas import compliance_status
from indicators.domain.status import Status, count_judged, count_met


def test_it_compares_equal_to_the_strings_templates_and_css_use() -> None:
    assert Status.MET == "met"  # type: ignore[comparison-overlap]  # what the test checks
    assert f"badge-{Status.NO_DATA}" == "badge-no_data"
    assert [str(s) for s in Status] == ["met", "missed", "no_target", "no_data"]


def test_it_gives_each_status_its_label_symbol_and_colour() -> None:
    assert [s.label_vi for s in Status] == [
        "Đạt",
        "Chưa đạt",
        "Chưa giao chỉ tiêu",
        "Không có số liệu",
    ]
    assert [s.symbol for s in Status] == ["✔", "✘", "○", "–"]
    assert [s.colour for s in Status] == ["#1a7f37", "#c62828", "#5470c6", "#9e9e9e"]


def test_it_returns_the_status_from_compliance_status() -> None:
    assert compliance_status(Decimal("93.33"), Decimal(70)) is Status.MET
    assert compliance_status(Decimal("69.995"), Decimal(70)) is Status.MET  # published 70,00
    assert compliance_status(Decimal("37.01"), Decimal(70)) is Status.MISSED
    assert compliance_status(Decimal(50), None) is Status.NO_TARGET
    assert compliance_status(None, Decimal(70)) is Status.NO_DATA


def test_it_judges_only_a_rate_with_a_target() -> None:
    assert [s.is_judged for s in Status] == [True, True, False, False]


def test_it_counts_met_and_judged_statuses() -> None:
    statuses = [Status.MET, Status.MISSED, Status.NO_TARGET, Status.MET, Status.NO_DATA]
    assert count_met(statuses) == 2
    assert count_judged(statuses) == 3
    assert count_met([]) == count_judged([]) == 0
