"""Ranked tables: all indicators, tiers, rank change, trend, heat map and chart data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from indicators.domain import periods
from indicators.models import (
    FiguresStatus,
    Indicator,
    Period,
    Target,
    TargetPlan,
    TargetSource,
    UnitFigures,
)
from indicators.ranking.matrix import matrix_for
from indicators.ranking.selectors import ranking_for, trend_for, units_for_tier
from tests.base import BaseTestCase
from units.models import AdministrativeUnit, UnitLevel
from units.selectors import unit_by_code

URL = "/xep-hang/"
H1 = {"parent": "543", "period": "2023-H1-CAL", "indicator": "online"}
ALL = {**H1, "indicator": "all"}
Q1, Q2 = "2024-Q1-ND09", "2024-Q2-ND09"
ON_2024 = dt.date(2024, 6, 1)


def row_codes(html: str, table: str = "ranking-table") -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split('<tbody class="children">', 1)[1]
    return re.findall(r'data-code="(\d+)"', body.split("</tbody>", 1)[0])


def row_html(html: str, code: str) -> str:
    return html.split(f'data-code="{code}"', 1)[1].split("</tr>", 1)[0]


def put_online(period: Period, unit_code: str, online: int, received: int = 100) -> None:
    unit = unit_by_code(unit_code, on=ON_2024)
    UnitFigures.objects.create(
        unit=unit,
        period=period,
        total=received,
        carried_over=0,
        received=received,
        received_in_person=received - online,
        received_online=online,
        status=FiguresStatus.SUBMITTED,
    )


class TwoQuartersMixin:
    """Q1 2024: Tam Quan 90 %, Bồng Sơn 80 %, Hoài Sơn 70 %. Q2 2024: Tam Quan 60 %,
    Bồng Sơn 85 %, Hoài Sơn 75 %, Hoài Châu 50 % (new: no Q1 figures); only Tam Quan has a
    target (70 %). Both quarters are cls.q1 and cls.q2."""

    q1: Period
    q2: Period

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()  # type: ignore[misc]  # a mixin: the TestCase it is mixed into has it
        cls.q1, cls.q2 = cls.make_quarters()

    @classmethod
    def make_quarters(cls) -> tuple[Period, Period]:
        q1 = Period.objects.for_spec(periods.parse_period_code(Q1))
        q2 = Period.objects.for_spec(periods.parse_period_code(Q2))
        for code, online in (("21637", 90), ("21640", 80), ("21643", 70)):
            put_online(q1, code, online)
        for code, online in (("21637", 60), ("21640", 85), ("21643", 75), ("21649", 50)):
            put_online(q2, code, online)
        plan = TargetPlan.objects.create(year=2024, title="Kế hoạch thử 2024")
        Target.objects.create(
            plan=plan,
            unit=unit_by_code("21637", on=ON_2024),
            indicator=Indicator.objects.get(code="online"),
            value=Decimal(70),
            source=TargetSource.MANUAL,
        )
        return q1, q2


class RankChangeTestCase(TwoQuartersMixin, BaseTestCase):
    def test_it_computes_the_rank_change_since_the_previous_quarter(self) -> None:
        online = Indicator.objects.get(code="online")
        hoai_nhon = unit_by_code("543", on=ON_2024)
        with self.assertNumQueries(3):
            result = ranking_for(parent=hoai_nhon, period=self.q2, indicator=online)
        by_code = {r.unit.code: r for r in result.rows}
        self.assertEqual(by_code["21640"].rank, 1)
        self.assertEqual(by_code["21640"].previous_rank, 2)
        self.assertEqual(by_code["21640"].rank_change, 1)
        self.assertEqual(by_code["21643"].rank_change, 1)  # 3 → 2
        self.assertEqual(by_code["21637"].rank_change, -2)  # 1 → 3
        self.assertIsNone(by_code["21649"].rank_change)
        self.assertTrue(by_code["21649"].is_new)
        self.assertFalse(by_code["21646"].is_new)  # no figures now: unranked, not "new"

    def test_it_shows_arrows_and_new_on_the_page(self) -> None:
        self.login(self.district)
        html = self.client.get(URL, {**H1, "period": Q2}).content.decode()
        self.assertEqual(row_codes(html)[:4], ["21640", "21643", "21637", "21649"])
        self.assertIn("▲1", row_html(html, "21640"))
        self.assertIn("▲1", row_html(html, "21643"))
        self.assertIn("▼2", row_html(html, "21637"))
        self.assertIn("mới", row_html(html, "21649"))

    def test_it_gives_the_first_quarter_no_previous_ranking(self) -> None:
        online = Indicator.objects.get(code="online")
        hoai_nhon = unit_by_code("543", on=ON_2024)
        result = ranking_for(parent=hoai_nhon, period=self.q1, indicator=online)
        self.assertTrue(all(r.rank_change is None and not r.is_new for r in result.rows))

    def test_it_covers_every_quarter_of_a_unit_trend_with_its_target_line(self) -> None:
        online = Indicator.objects.get(code="online")
        tam_quan = unit_by_code("21637", on=ON_2024)
        with self.assertNumQueries(1):
            points = trend_for(unit=tam_quan, indicator=online, period=self.q2)
        self.assertEqual([p.period.code for p in points], [Q1, Q2])
        self.assertEqual([p.rate for p in points], [Decimal(90), Decimal(60)])
        self.assertEqual([p.target for p in points], [Decimal(70), Decimal(70)])

        self.login(self.district)
        response = self.client.get(URL, {**H1, "period": Q2, "unit": "21637"})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('id="trend-chart-data" type="application/json"', html)
        figure = response.context["trend_chart"]
        self.assertEqual(figure["data"][0]["y"], [90.0, 60.0])
        self.assertIn("90,00 %", figure["data"][0]["customdata"][0])
        self.assertEqual(figure["data"][1]["y"], [70.0, 70.0])  # the target line

    def test_it_gives_no_trend_for_a_unit_outside_the_table(self) -> None:
        self.login(self.district)
        response = self.client.get(URL, {**H1, "period": Q2, "unit": "21460"})  # Phổ Ninh
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("trend_chart", response.context)

    def test_it_downloads_trend_data_as_csv(self) -> None:
        self.login(self.district)
        response = self.client.get(
            "/xep-hang/du-lieu/trend.csv", {**H1, "period": Q2, "unit": "21637"}
        )
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][0], "Kỳ")
        self.assertEqual([r[5] for r in rows[1:]], ["90.00", "60.00"])


class MatrixRanksTestCase(TwoQuartersMixin, BaseTestCase):
    def test_it_ranks_every_unit_with_data_and_no_unit_without(self) -> None:
        # Q1 2024: Tam Quan meets its only target; Bồng Sơn and Hoài Sơn report without a
        # target and tie second, whatever units without data sort between them by name.
        hoai_nhon = unit_by_code("543", on=ON_2024)
        matrix = matrix_for(
            parent=hoai_nhon,
            period=self.q1,
            units=units_for_tier(hoai_nhon, self.q1, ""),
            indicators=list(Indicator.objects.all()),
        )
        ranks = {r.unit.code: r.rank for r in matrix.rows}
        self.assertEqual(ranks.pop("21637"), 1)
        self.assertEqual(ranks.pop("21640"), 2)
        self.assertEqual(ranks.pop("21643"), 2)
        self.assertEqual(set(ranks.values()), {None})


class AllIndicatorsTestCase(BaseTestCase):
    def test_it_shows_units_by_indicators_with_ratio_of_sums_totals(self) -> None:
        self.login(self.district)
        response = self.client.get(URL, ALL)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(len(row_codes(html, "matrix-table")), 17)
        hoai_duc = row_html(html, "21685")
        self.assertRegex(hoai_duc, r'(?s)rcell-met" data-indicator="online".*?✔ 93,33 %')
        total = html.split('data-total="children"', 1)[1].split("</tr>", 1)[0]
        # Online: 9.805 / 14.693, as in Hoài Nhơn's H1 2023 dispatch.
        self.assertIn("66,73 %", total)
        self.assertIn("10/17", total)
        self.assertIn('id="heatmap-chart-data" type="application/json"', html)
        for tag in re.findall(r"<script[^>]*>", html):
            self.assertTrue("src=" in tag or 'type="application/json"' in tag, tag)

    def test_it_keeps_queries_flat_with_the_number_of_units(self) -> None:
        self.login(self.admin)
        self.client.get(URL, ALL)  # warm the session
        with CaptureQueriesContext(connection) as communes:
            self.client.get(URL, ALL)  # Hoài Nhơn: 17 communes
        with CaptureQueriesContext(connection) as districts:
            self.client.get(URL, {**ALL, "parent": "52"})  # Bình Định: 11 districts
        with CaptureQueriesContext(connection) as province:
            self.client.get(URL, {**ALL, "parent": "52", "tier": "commune"})  # ~150 communes
        self.assertEqual(len(communes), len(districts))
        self.assertEqual(len(communes), len(province))
        # 10 reads of the page, one for how many units are in, one for the reconciliation
        # notes (units that entered the whole period beside its months).
        self.assertLessEqual(len(communes), 12)

    def test_it_escapes_unit_names_in_the_heat_map(self) -> None:
        AdministrativeUnit.objects.filter(code="21685", structure="legacy").update(name="<b>x</b>")
        self.login(self.district)
        for colour in ("status", "rate"):
            response = self.client.get(URL, {**ALL, "colour": colour})
            figure = response.context["heatmap"]
            names = figure["data"][0]["y"]
            self.assertIn("Phường &lt;b&gt;x&lt;/b&gt;", names)
            self.assertNotIn("<b>x</b>", json.dumps(figure))
            self.assertNotIn("<b>x</b>", response.content.decode())
        hover = json.dumps(figure["data"][0]["customdata"], ensure_ascii=False)
        self.assertIn("93,33 %", hover)  # Vietnamese number format

    def test_it_names_each_unit_and_indicator_of_the_heat_map_once(self) -> None:
        # The hover takes them from the axes (%{y}, %{x}): 17 communes × 9 indicators
        # would otherwise repeat each name in every cell's hover text.
        self.login(self.district)
        figure = self.client.get(URL, ALL).context["heatmap"]
        text = json.dumps(figure, ensure_ascii=False)
        self.assertEqual(text.count("Phường Hoài Đức"), 1)
        self.assertEqual(text.count(Indicator.objects.get(code="payment").short_vi), 1)
        trace = figure["data"][0]
        self.assertTrue(trace["hovertemplate"].startswith("<b>%{y}</b><br>%{x}<br>"))
        row = trace["y"].index("Phường Hoài Đức")
        self.assertIn("93,33 %", trace["customdata"][row][0])

    def test_it_downloads_heat_map_data_as_xlsx(self) -> None:
        self.login(self.district)
        response = self.client.get("/xep-hang/du-lieu/heatmap.xlsx", ALL)
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        # Any: the cells hold text and numbers, which the assertions below tell apart.
        values: list[list[Any]] = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        self.assertEqual(values[0][:2], ["Mã", "Đơn vị"])
        self.assertTrue(values[0][2].endswith("(%)"))
        hoai_duc = next(r for r in values if r[0] == "21685")
        self.assertAlmostEqual(hoai_duc[2], 93.33)
        self.assertEqual(hoai_duc[3], "Đạt")
        self.assertAlmostEqual(values[-1][2], 66.73)  # total row: ratio of sums


class TiersTestCase(BaseTestCase):
    def test_it_ranks_the_communes_of_a_province_as_one_tier(self) -> None:
        binh_dinh = AdministrativeUnit.objects.get(code="52", structure="legacy")
        h1 = Period.objects.get(code="2023-H1-CAL")
        units = units_for_tier(binh_dinh, h1, "commune")
        self.assertTrue(units.filter(code="21685").exists())
        self.assertFalse(units.exclude(level=UnitLevel.COMMUNE).exists())
        self.login(self.admin)
        html = self.client.get(URL, {**H1, "parent": "52", "tier": "commune"}).content.decode()
        self.assertEqual(row_codes(html)[0], "21685")
        self.assertGreater(len(row_codes(html)), 17)
        total = html.split('data-total="children"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("66,73 %", total)  # only Hoài Nhơn communes reported

    def test_it_ranks_district_agencies_among_themselves(self) -> None:
        h1 = Period.objects.get(code="2023-H1-CAL")
        agency = AdministrativeUnit.objects.create(
            code="",
            level=UnitLevel.AGENCY,
            unit_type="Phòng",
            name="Tài nguyên và Môi trường",
            parent=self.hoai_nhon,
            structure="legacy",
        )
        UnitFigures.objects.create(
            unit=agency,
            period=h1,
            received=40,
            received_in_person=10,
            received_online=30,
            status=FiguresStatus.SUBMITTED,
        )
        self.login(self.district)
        html = self.client.get(URL, {**H1, "tier": "agency"}).content.decode()
        body = html.split('<tbody class="children">', 1)[1].split("</tbody>", 1)[0]
        self.assertIn("Phòng Tài nguyên và Môi trường", body)
        self.assertIn("75,00 %", body)
        self.assertNotIn("Hoài Đức", body)
        # The natural children never include agencies.
        default = self.client.get(URL, H1).content.decode()
        self.assertEqual(len(row_codes(default)), 17)

    def test_it_costs_the_same_queries_on_every_tier(self) -> None:
        self.login(self.admin)
        self.client.get(URL, H1)
        with CaptureQueriesContext(connection) as natural:
            self.client.get(URL, H1)
        with CaptureQueriesContext(connection) as province_communes:
            self.client.get(URL, {**H1, "parent": "52", "tier": "commune"})
        self.assertEqual(len(natural), len(province_communes))


class ChartDataDownloadTestCase(BaseTestCase):
    def test_it_downloads_bars_data_as_csv(self) -> None:
        self.login(self.district)
        response = self.client.get("/xep-hang/du-lieu/bars.csv", H1)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/csv"))
        self.assertIn("attachment;", response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:3], ["Hạng", "Mã", "Đơn vị"])
        self.assertEqual(rows[1][:3], ["1", "21685", "Phường Hoài Đức"])
        self.assertEqual(rows[1][5:9], ["93.33", "70.00", "23.33", "Đạt"])
        self.assertEqual(rows[-1][3:6], ["9805", "14693", "66.73"])

    def test_it_never_turns_text_into_a_formula(self) -> None:
        AdministrativeUnit.objects.filter(code="21685", structure="legacy").update(
            name="=HYPERLINK(1)", unit_type="-"
        )
        AdministrativeUnit.objects.filter(code="21670", structure="legacy").update(unit_type="@cmd")
        self.login(self.district)
        response = self.client.get("/xep-hang/du-lieu/bars.csv", H1)
        text = response.content.decode("utf-8-sig")
        self.assertIn("'- =HYPERLINK(1)", text)
        self.assertIn("'@cmd Hoài Hương", text)
        response = self.client.get("/xep-hang/du-lieu/bars.xlsx", H1)
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        cells = [row[2] for row in sheet.iter_rows(min_row=3)]
        bad = next(c for c in cells if c.value == "- =HYPERLINK(1)")
        self.assertEqual(bad.data_type, "s")
        self.assertFalse(any(c.data_type == "f" for row in sheet.iter_rows() for c in row))

    def test_it_keeps_the_access_rules_on_downloads(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get("/xep-hang/du-lieu/bars.csv", H1).status_code, 403)
        self.login(self.district)
        self.assertEqual(self.client.get("/xep-hang/du-lieu/bars.pdf", H1).status_code, 404)
        # No unit chosen: there is no trend to download.
        self.assertEqual(self.client.get("/xep-hang/du-lieu/trend.csv", H1).status_code, 404)
        self.assertEqual(self.client.get("/xep-hang/du-lieu/heatmap.csv", H1).status_code, 404)

    def test_it_links_every_chart_to_its_data(self) -> None:
        self.login(self.district)
        html = self.client.get(URL, H1).content.decode()
        self.assertIn('href="/xep-hang/du-lieu/bars.csv?parent=543&amp;period=2023-H1-CAL', html)
        self.assertIn("/xep-hang/du-lieu/bars.xlsx?", html)
        html = self.client.get(URL, ALL).content.decode()
        self.assertIn("/xep-hang/du-lieu/heatmap.csv?", html)
        self.assertIn("/xep-hang/du-lieu/heatmap.xlsx?", html)
