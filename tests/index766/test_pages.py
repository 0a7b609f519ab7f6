"""The 766 pre-run of a parent's units and of one unit, against a hand computation from
the table (version 2025-reconstructed), with the published score beside it; query counts
independent of the number of units."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.index766.selectors import index766_scores
from indicators.models import FiguresStatus, Period, PublishedIndex766Score, UnitFigures
from tests.base import H1_2023, BaseTestCase
from units.models import AdministrativeUnit
from units.selectors import unit_by_code

PERIOD = "2023-Q3-CAL"
# A commune's quarter: 97 of 100 resolved on time, 60 % online, no feedback.
COUNTS = {
    "total": 110,
    "carried_over": 10,
    "received": 100,
    "received_in_person": 40,
    "received_online": 60,
    "resolved": 100,
    "resolved_on_time": 97,
    "resolved_late": 3,
    "digitized_partial": 20,
    "digitized_full": 50,
    "results_digitized": 80,
    "reused": 40,
    "payments_online": 30,
    "payments_total": 60,
    "feedback_received": 0,
    "feedback_on_time": 0,
    "ratings_satisfied": 45,
    "ratings_total": 50,
    "population_db_checked": 50,
    "fee_dossiers": 40,
    "paid_online_dossiers": 30,
}
# By hand, commune level (not applicable = full points, missing counts left out):
# công khai 6 + 4 + 2 (n/a), đồng bộ missing                          = 12    of 12
# tiến độ 20 × 97/100 (approximate: no "in progress within deadline")  = 19,40 of 20
# trực tuyến 2 (n/a) + used missing + 6 (60 % ≥ 50 %)                 = 8     of 8
# thanh toán 6 × 30/40 = 4,50 + procedures missing + 2 (n/a)          = 6,50  of 8
# số hóa 6 × 0,8 + 4 × 0,7 + 2 (n/a) + 2 × 0,4/0,8 + data store missing
#        + 2 × 50/100 (approximate) + 2 (n/a) = 4,8 + 2,8 + 2 + 1 + 1 + 2 = 13,60 of 18
# hài lòng 6 (no feedback) + satisfaction missing + 6 (45/50 = 90 %)  = 12    of 12
# total 71,50 of 78 → 71,5 × 100 / 78 = 91,67 on the 100-point scale; 5 missing
TOTAL_A, MAX_A, SCORE_A = Decimal("71.50"), Decimal(78), Decimal("91.67")
# The same with 30 % online: 6 × 0,30 / 0,50 = 3,60 instead of 6 → 69,10; 88,59
TOTAL_B, SCORE_B = Decimal("69.10"), Decimal("88.59")


class Index766TestCase(BaseTestCase):
    period: Period
    bong_son: AdministrativeUnit

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.period = Period.objects.get_or_create(
            code=PERIOD,
            defaults={
                "kind": "Q",
                "convention": "CAL",
                "year": 2023,
                "number": 3,
                "start": "2023-07-01",
                "end": "2023-09-30",
                "label_vi": "Quý 3 năm 2023",
                "label_en": "Q3 2023",
            },
        )[0]
        cls.period.refresh_from_db()
        cls.bong_son = unit_by_code("21640", on=H1_2023)
        cls.enter(cls.hoai_duc, COUNTS)
        cls.enter(cls.bong_son, {**COUNTS, "received_online": 30, "received_in_person": 70})
        PublishedIndex766Score.objects.create(
            unit=cls.hoai_duc, period=cls.period, total=Decimal("90.00"), source="test"
        )

    @classmethod
    def enter(cls, unit: AdministrativeUnit, counts: dict[str, int]) -> None:
        UnitFigures.objects.create(
            unit=unit, period=cls.period, status=FiguresStatus.SUBMITTED, **counts
        )


class SelectorTests(Index766TestCase):
    def test_it_scores_each_unit_as_a_hand_computation_from_the_table(self) -> None:
        scores = index766_scores(parent=self.hoai_nhon, period=self.period)
        assert scores.rule_set is not None
        assert scores.rule_set.version == "2025-reconstructed"
        first, second = scores.rows[0], scores.rows[1]
        assert (first.unit, first.rank) == (self.hoai_duc, 1)
        assert (first.points, first.counted_max, first.score_100) == (TOTAL_A, MAX_A, SCORE_A)
        assert first.card is not None and first.card.missing == 5
        assert [g.points for g in first.groups] == [
            Decimal(12),
            Decimal("19.40"),
            Decimal(8),
            Decimal("6.50"),
            Decimal("13.60"),
            Decimal(12),
        ]
        assert (second.unit, second.points, second.score_100) == (self.bong_son, TOTAL_B, SCORE_B)
        assert first.published == Decimal("90.00")
        assert first.difference == Decimal("1.67")
        unscored = scores.rows[2:]
        assert unscored and all(r.card is None and r.rank is None for r in unscored)

    def test_the_extra_counts_replace_the_approximation(self) -> None:
        # 5 of the 10 in progress still within deadline: (97 + 5) / 110 → 20 × 102/110 = 18,55
        UnitFigures.objects.filter(unit=self.hoai_duc).update(in_progress_on_time=5)
        row = index766_scores(parent=self.hoai_nhon, period=self.period).of(self.hoai_duc.pk)
        assert row is not None and row.card is not None
        on_time = next(s for s in row.card.scores if s.rule.code == "on_time")
        assert (on_time.points, on_time.approximate) == (Decimal("18.55"), False)
        assert on_time.hint_vi == "8 hồ sơ trễ hạn làm mất 1,45 điểm"

    def test_its_query_count_does_not_grow_with_the_units(self) -> None:
        with self.assertNumQueries(8):
            index766_scores(parent=self.hoai_nhon, period=self.period)


class PageTests(Index766TestCase):
    def url(self) -> str:
        return f"/chi-so-766/?parent=543&period={PERIOD}"

    def test_it_ranks_the_units_with_group_columns_and_the_version(self) -> None:
        self.login(self.district)
        response = self.client.get(self.url())
        assert response.status_code == 200
        html = unescape(response.content.decode())
        assert "2025-reconstructed" in html
        assert "Công khai, minh bạch" in html and "Thanh toán trực tuyến" in html
        table = html[html.index('id="index766-table"') :]
        assert table.index("Hoài Đức") < table.index("Bồng Sơn")
        assert "91,67" in html and "88,59" in html
        assert "71,50 / 78,00" in html
        assert "90,00" in html and "+1,67" in html

    def test_a_unit_shows_its_points_lost_and_how_to_regain_them(self) -> None:
        self.login(self.district)
        response = self.client.get(f"/chi-so-766/{self.bong_son.pk}/?period={PERIOD}")
        assert response.status_code == 200
        html = unescape(response.content.decode())
        assert "thêm 20 hồ sơ trực tuyến để đạt 50 % (+2,4 điểm)" in html
        assert "3 hồ sơ trễ hạn làm mất 0,6 điểm" in html
        assert "Không áp dụng ở cấp này" in html
        assert "Thiếu số liệu" in html and "gần đúng" in html
        assert "2025-reconstructed" in html

    def test_it_refuses_units_outside_the_users_subtree(self) -> None:
        self.login(self.outsider)
        assert (
            self.client.get(f"/chi-so-766/{self.bong_son.pk}/?period={PERIOD}").status_code == 403
        )
        assert self.client.get(self.url()).status_code == 403

    def test_a_bad_period_is_a_clear_message(self) -> None:
        self.login(self.district)
        response = self.client.get("/chi-so-766/?parent=543&period=2023-Q9-CAL")
        assert response.status_code == 400
        assert 'id="filter-error"' in response.content.decode()

    def test_the_page_query_count_does_not_grow_with_the_units(self) -> None:
        self.login(self.district)
        with CaptureQueriesContext(connection) as two:
            self.client.get(self.url())
        for code in ("21637", "21643", "21646"):
            self.enter(unit_by_code(code, on=H1_2023), COUNTS)
        with CaptureQueriesContext(connection) as five:
            response = self.client.get(self.url())
        html = unescape(response.content.decode())
        assert html[html.index('id="index766-table"') :].count("91,67") == 4
        assert len(five.captured_queries) == len(two.captured_queries)
        with self.assertNumQueries(len(two.captured_queries)):
            self.client.get(self.url())


class PublishedScoreEntryTests(Index766TestCase):
    def url(self) -> str:
        return f"/chi-so-766/{self.bong_son.pk}/?period={PERIOD}"

    def test_the_office_records_the_published_score_and_sees_the_difference(self) -> None:
        self.login(self.district)
        response = self.client.post(self.url(), {"total": "87,50", "source": "Cổng DVCQG"})
        assert response.status_code == 302
        score = PublishedIndex766Score.objects.get(unit=self.bong_son, period=self.period)
        assert (score.total, score.entered_by) == (Decimal("87.50"), self.district)
        html = unescape(self.client.get(self.url()).content.decode())
        # 88,59 − 87,50
        assert "87,50" in html and "+1,09" in html

    def test_it_refuses_a_score_above_100_and_writes_nothing(self) -> None:
        self.login(self.district)
        response = self.client.post(self.url(), {"total": "120"})
        assert response.status_code == 400
        assert "Điểm công bố phải từ 0 đến 100" in unescape(response.content.decode())
        assert not PublishedIndex766Score.objects.filter(unit=self.bong_son).exists()

    def test_the_commune_cannot_record_its_own_score(self) -> None:
        self.login(self.commune)
        url = f"/chi-so-766/{self.hoai_duc.pk}/?period={PERIOD}"
        assert 'id="published-score-form"' not in self.client.get(url).content.decode()
        assert self.client.post(url, {"total": "99"}).status_code == 403
