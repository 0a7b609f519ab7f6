"""Scoring of the Decision 766 index from counts, against cases computed by hand from the
table of INDEX766.md: one per rule kind, not applicable, missing counts, empty denominator."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.domain.checks import extra_identity_violations
from indicators.domain.index766 import (
    GroupDef,
    IndicatorRule,
    RuleKind,
    RuleTable,
    ScoreState,
    score_indicator,
    score_unit,
)

ON_TIME = IndicatorRule(
    code="on_time",
    group_code="progress",
    name_vi="Hồ sơ giải quyết trước và đúng hạn",
    max_points=Decimal(20),
    kind=RuleKind.LINEAR,
    numerator=("resolved_on_time", "in_progress_on_time"),
    denominator=("resolved", "in_progress"),
    approx_numerator=("resolved_on_time",),
    approx_denominator=("resolved",),
    shortfall_label="hồ sơ trễ hạn",
)
ONLINE = IndicatorRule(
    code="online",
    group_code="online",
    name_vi="Hồ sơ trực tuyến",
    max_points=Decimal(6),
    kind=RuleKind.THRESHOLD,
    threshold=Decimal(50),
    numerator=("received_online",),
    denominator=("received",),
    gain_label="hồ sơ trực tuyến",
)
FEEDBACK = IndicatorRule(
    code="feedback_satisfaction",
    group_code="satisfaction",
    name_vi="Hài lòng về xử lý phản ánh",
    max_points=Decimal(6),
    kind=RuleKind.FULL_IF_EMPTY,
    numerator=(
        "feedback_received",
        "-feedback_dissatisfied",
        "-feedback_repeated",
        "-feedback_overdue",
    ),
    denominator=("feedback_received",),
    shortfall_label="phản ánh chưa hài lòng, lặp lại hoặc quá hạn",
)
PUBLISHED = IndicatorRule(
    code="procedures_online",
    group_code="online",
    name_vi="Thủ tục có dịch vụ trực tuyến",
    max_points=Decimal(2),
    kind=RuleKind.THRESHOLD,
    threshold=Decimal(80),
    numerator=("procedures_online",),
    denominator=("procedures_total",),
    not_applicable_levels=("commune",),
)


class TestLinear:
    def test_it_scores_max_times_the_ratio_and_says_what_the_late_dossiers_cost(self) -> None:
        # 20 × (90 + 7) / (100 + 10) with 3 late: 97/110 → 17,636… → 17,64
        counts = {
            "resolved": 100,
            "resolved_on_time": 90,
            "resolved_late": 10,
            "total": 110,
            "in_progress_on_time": 7,
        }
        score = score_indicator(ON_TIME, counts)
        assert score.state is ScoreState.COMPUTED
        assert (score.numerator, score.denominator) == (97, 110)
        assert score.points == Decimal("17.64")
        assert score.lost == Decimal("2.36")
        assert not score.approximate
        assert score.hint_vi == "13 hồ sơ trễ hạn làm mất 2,36 điểm"

    def test_it_uses_the_approximation_when_the_exact_counts_are_missing(self) -> None:
        # 3 late of 50 resolved: 20 × 47/50 = 18,8; "3 hồ sơ trễ hạn làm mất 1,2 điểm"
        counts = {"resolved": 50, "resolved_on_time": 47, "resolved_late": 3}
        score = score_indicator(ON_TIME, counts)
        assert score.approximate
        assert score.points == Decimal("18.80")
        assert score.hint_vi == "3 hồ sơ trễ hạn làm mất 1,2 điểm"

    def test_it_gives_no_hint_at_full_points(self) -> None:
        score = score_indicator(ON_TIME, {"resolved": 5, "resolved_on_time": 5})
        assert score.points == Decimal("20.00")
        assert score.hint_vi == ""


class TestThreshold:
    def test_it_scales_below_the_threshold_and_counts_the_dossiers_to_reach_it(self) -> None:
        # 60 of 200 online = 30 %: 6 × 0,30 / 0,50 = 3,6; 50 % of 200 = 100 → 40 more
        score = score_indicator(ONLINE, {"received": 200, "received_online": 60})
        assert score.ratio == Decimal(30)
        assert score.points == Decimal("3.60")
        assert score.hint_vi == "thêm 40 hồ sơ trực tuyến để đạt 50 % (+2,4 điểm)"

    def test_it_gives_full_points_at_the_threshold(self) -> None:
        score = score_indicator(ONLINE, {"received": 200, "received_online": 100})
        assert score.points == Decimal("6.00")
        assert score.hint_vi == ""

    def test_it_rounds_the_dossiers_needed_up(self) -> None:
        # 50 % of 7 = 3,5 → 4 dossiers, 1 more than 3
        score = score_indicator(ONLINE, {"received": 7, "received_online": 3})
        assert score.hint_vi.startswith("thêm 1 hồ sơ trực tuyến")

    def test_it_refuses_a_threshold_rule_without_a_threshold(self) -> None:
        with pytest.raises(ValueError, match="threshold"):
            IndicatorRule(
                code="x",
                group_code="g",
                name_vi="x",
                max_points=Decimal(2),
                kind=RuleKind.THRESHOLD,
                numerator=("received_online",),
                denominator=("received",),
            )


class TestFullIfEmpty:
    def test_it_gives_full_points_when_no_feedback_was_received(self) -> None:
        counts = {
            "feedback_received": 0,
            "feedback_dissatisfied": 0,
            "feedback_repeated": 0,
            "feedback_overdue": 0,
        }
        score = score_indicator(FEEDBACK, counts)
        assert score.state is ScoreState.COMPUTED
        assert score.points == Decimal("6")

    def test_it_subtracts_the_dissatisfied_repeated_and_overdue_feedback(self) -> None:
        # (20 − 2 − 1 − 1) / 20 = 0,8 → 4,8
        counts = {
            "feedback_received": 20,
            "feedback_dissatisfied": 2,
            "feedback_repeated": 1,
            "feedback_overdue": 1,
        }
        score = score_indicator(FEEDBACK, counts)
        assert score.points == Decimal("4.80")
        assert score.hint_vi.startswith("4 phản ánh chưa hài lòng")

    def test_a_linear_rule_with_an_empty_denominator_has_no_data(self) -> None:
        score = score_indicator(ONLINE, {"received": 0, "received_online": 0})
        assert score.state is ScoreState.MISSING_COUNTS
        assert score.points is None


class TestNotApplicableAndMissing:
    def test_it_is_not_applicable_at_commune_level_with_full_points_by_default(self) -> None:
        score = score_indicator(PUBLISHED, {}, level="commune")
        assert score.state is ScoreState.NOT_APPLICABLE
        assert score.points == Decimal(2)

    def test_a_version_may_leave_not_applicable_out_of_the_total(self) -> None:
        score = score_indicator(PUBLISHED, {}, level="commune", not_applicable_full=False)
        assert score.state is ScoreState.NOT_APPLICABLE
        assert score.points is None

    def test_it_applies_at_province_level(self) -> None:
        score = score_indicator(
            PUBLISHED, {"procedures_online": 40, "procedures_total": 100}, level="province"
        )
        # 2 × 0,40 / 0,80 = 1
        assert score.points == Decimal("1.00")

    def test_missing_counts_are_named_and_never_scored_as_zero(self) -> None:
        score = score_indicator(PUBLISHED, {"procedures_total": 100}, level="province")
        assert score.state is ScoreState.MISSING_COUNTS
        assert score.points is None
        assert score.missing == ("Thủ tục có dịch vụ công trực tuyến",)


class TestTotals:
    TABLE = RuleTable(
        version="test",
        groups=(
            GroupDef(code="progress", name_vi="Tiến độ", max_points=Decimal(20), order=1),
            GroupDef(code="online", name_vi="Trực tuyến", max_points=Decimal(8), order=2),
            GroupDef(code="satisfaction", name_vi="Hài lòng", max_points=Decimal(6), order=3),
        ),
        rules=(ON_TIME, ONLINE, PUBLISHED, FEEDBACK),
    )

    def test_it_sums_the_computed_indicators_and_their_maxima_only(self) -> None:
        counts = {
            "resolved": 50,
            "resolved_on_time": 47,
            "received": 200,
            "received_online": 60,
        }
        card = score_unit(self.TABLE, counts, level="province")
        # 18,80 + 3,60 scored; procedures and feedback missing: max 20 + 6 = 26 of 34
        assert card.points == Decimal("22.40")
        assert card.counted_max == Decimal(26)
        assert card.table_max == Decimal(34)
        assert card.missing == 2
        assert card.lost == Decimal("3.60")
        # 22,40 × 34 / 26 = 29,29…
        assert card.score_100 == Decimal("29.29")
        assert [g.points for g in card.groups] == [Decimal("18.80"), Decimal("3.60"), 0]

    def test_at_commune_level_the_not_applicable_indicator_counts_in_full(self) -> None:
        counts = {"resolved": 50, "resolved_on_time": 47, "received": 200, "received_online": 60}
        card = score_unit(self.TABLE, counts, level="commune")
        assert card.points == Decimal("24.40")
        assert card.counted_max == Decimal(28)
        assert [s.code for s in [h.rule for h in card.hints()]] == ["online", "on_time"]

    def test_nothing_computed_gives_no_score(self) -> None:
        card = score_unit(self.TABLE, {}, level="province")
        assert card.score_100 is None
        assert card.points == 0


class TestIdentities:
    def test_paid_online_cannot_exceed_fee_bearing(self) -> None:
        found = extra_identity_violations({"fee_dossiers": 10, "paid_online_dossiers": 11})
        assert [v.field for v in found] == ["paid_online_dossiers"]
        assert "không được lớn hơn" in found[0].message_vi

    def test_in_progress_within_deadline_cannot_exceed_in_progress(self) -> None:
        found = extra_identity_violations({"total": 10, "resolved": 8, "in_progress_on_time": 3})
        assert [v.field for v in found] == ["in_progress_on_time"]

    def test_overdue_feedback_cannot_exceed_the_feedback_not_handled_on_time(self) -> None:
        found = extra_identity_violations(
            {"feedback_received": 10, "feedback_on_time": 9, "feedback_overdue": 2}
        )
        assert [v.field for v in found] == ["feedback_overdue"]

    def test_consistent_counts_pass(self) -> None:
        counts = {
            "fee_dossiers": 10,
            "paid_online_dossiers": 4,
            "total": 10,
            "resolved": 8,
            "in_progress_on_time": 2,
            "feedback_received": 3,
            "feedback_on_time": 3,
            "feedback_overdue": 0,
        }
        assert extra_identity_violations(counts) == []
