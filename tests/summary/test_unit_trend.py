"""The unit page's trend: the last 24 Decree 09 months, one line per chosen indicator, the
target of each year as a step, the 2025 reform marked, a merged unit's earlier months from
its predecessors, gaps for months without data, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from indicators.domain import periods
from indicators.models import Indicator, Period, Target, TargetPlan, UnitFigures
from indicators.summary.charts import REFORM_LABEL, unit_trend
from indicators.summary.selectors import unit_monthly_trend
from tests.base import BaseTestCase, make_user
from units.models import Role
from units.selectors import unit_by_code

TODAY = dt.date(2026, 12, 1)
ND09 = periods.Convention.DECREE09


def _month(year: int, number: int) -> Period:
    return Period.objects.for_spec(periods.month(year, number, ND09))


def _figures(unit_id: int, period: Period, online: int, received: int = 100) -> UnitFigures:
    return UnitFigures.objects.create(
        unit_id=unit_id,
        period=period,
        total=received,
        carried_over=0,
        received=received,
        received_online=online,
        received_in_person=received - online,
    )


class UnitTrendTestCase(BaseTestCase):
    def setUp(self) -> None:
        # New Phường Bồng Sơn (2025) = old Bồng Sơn + Hoài Đức.
        self.bong_son = unit_by_code("21640", on=TODAY, level="commune")
        self.old_bong_son = unit_by_code("21640", on=dt.date(2025, 1, 1), level="commune")
        self.old_hoai_duc = unit_by_code("21685", on=dt.date(2025, 1, 1), level="commune")
        self.online = Indicator.objects.get(code="online")
        for number in range(1, 7):  # 2025-M01..M06 on the legacy structure
            _figures(self.old_bong_son.pk, _month(2025, number), 60)
            _figures(self.old_hoai_duc.pk, _month(2025, number), 90)
        for year, number in [(2025, n) for n in range(7, 13)] + [(2026, n) for n in range(1, 12)]:
            if (year, number) != (2026, 3):  # a month not reported: a gap
                _figures(self.bong_son.pk, _month(year, number), 80)
        plan = TargetPlan.objects.create(
            issuer=unit_by_code("52", on=TODAY, level="province"), year=2026, title="2026"
        )
        Target.objects.create(plan=plan, unit=self.bong_son, indicator=self.online, value=85)

    def test_it_shows_the_last_24_months_with_the_predecessors_before_the_merger(self) -> None:
        trend = unit_monthly_trend(unit=self.bong_son, indicators=[self.online], today=TODAY)
        codes = [m.period.code for m in trend.months]
        self.assertEqual(len(codes), 24)
        self.assertEqual((codes[0], codes[-1]), ("2024-M12-ND09", "2026-M11-ND09"))
        by_code = {m.period.code: m for m in trend.months}
        june = by_code["2025-M06-ND09"]
        self.assertTrue(june.from_predecessors)
        self.assertEqual(june.parts["online"], (150, 200))  # ratio of sums, not a mean
        self.assertFalse(by_code["2025-M07-ND09"].from_predecessors)
        self.assertEqual(by_code["2025-M07-ND09"].rate("online"), Decimal(80))
        self.assertIsNone(by_code["2026-M03-ND09"].rate("online"))  # a gap, not zero
        self.assertIsNone(by_code["2024-M12-ND09"].rate("online"))
        self.assertEqual(
            {u.pk for u in trend.predecessors}, {self.old_bong_son.pk, self.old_hoai_duc.pk}
        )

    def test_it_draws_the_target_step_the_gap_and_the_reform_marker(self) -> None:
        trend = unit_monthly_trend(unit=self.bong_son, indicators=[self.online], today=TODAY)
        figure = unit_trend(trend, [self.online])
        line, target = figure["data"]
        x = line["x"]
        self.assertEqual(len(x), 24)
        self.assertIsNone(line["y"][x.index("2026-03-14")])
        self.assertEqual(line["y"][x.index("2026-02-14")], 80.0)
        self.assertEqual(line["marker"]["symbol"][x.index("2025-06-14")], "circle-open")
        self.assertEqual(target["line"]["shape"], "hv")
        self.assertIsNone(target["y"][x.index("2025-12-14")])  # no 2025 target
        self.assertEqual(target["y"][x.index("2026-01-14")], 85.0)
        shape = figure["layout"]["shapes"][0]
        self.assertEqual((shape["x0"], shape["x1"]), ("2025-07-01", "2025-07-01"))
        self.assertEqual(figure["layout"]["annotations"][0]["text"], REFORM_LABEL)

    def test_it_draws_one_line_per_chosen_indicator(self) -> None:
        indicators = list(Indicator.objects.filter(code__in=["online", "digitization"]))
        trend = unit_monthly_trend(unit=self.bong_son, indicators=indicators, today=TODAY)
        figure = unit_trend(trend, indicators)
        names = [trace["name"] for trace in figure["data"]]
        self.assertEqual(len([n for n in names if not n.startswith("Chỉ tiêu")]), 2)

    def test_it_reads_in_the_same_queries_for_few_or_many_months(self) -> None:
        with self.assertNumQueries(3):
            unit_monthly_trend(unit=self.bong_son, indicators=[self.online], today=TODAY)
        UnitFigures.objects.filter(unit=self.bong_son, period__year=2026).delete()
        with self.assertNumQueries(3):
            few = unit_monthly_trend(unit=self.bong_son, indicators=[self.online], today=TODAY)
        self.assertEqual(len(few.months), 24)

    def test_it_renders_the_chart_on_the_unit_page_as_json(self) -> None:
        official = make_user("xa.trend", Role.COMMUNE_OFFICIAL, self.bong_son)
        self.login(official)
        html = self.client.get(
            f"/don-vi/{self.bong_son.pk}/", {"indicator": ["online", "payment"]}
        ).content.decode()
        data = html.split('id="unit-trend-data" type="application/json">', 1)[1].split("</script>")[
            0
        ]
        figure = json.loads(data)
        self.assertIn(REFORM_LABEL, json.dumps(figure, ensure_ascii=False))
        self.assertIn("tổng số liệu các đơn vị trước sắp xếp", html)
        self.assertNotIn("<script>", html.split('id="unit-trend-data"', 1)[1].split("</figure>")[0])


class CeasedUnitTrendTestCase(BaseTestCase):
    def test_it_ends_a_ceased_units_months_with_its_last_month(self) -> None:
        """Hoài Đức (until 30/06/2025) without monthly figures: its 24 months end with
        2025-M06-ND09, all gaps."""
        online = Indicator.objects.get(code="online")
        trend = unit_monthly_trend(unit=self.hoai_duc, indicators=[online], today=TODAY)
        self.assertEqual(trend.months[-1].period.code, "2025-M06-ND09")
        self.assertEqual(len(trend.months), 24)
        self.assertFalse(trend.has_data)
