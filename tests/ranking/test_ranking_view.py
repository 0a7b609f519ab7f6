from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, Period
from indicators.ranking.selectors import ranking_for
from tests.base import BaseTestCase
from units.models import AdministrativeUnit

URL = "/xep-hang/"
H1 = {"parent": "543", "period": "2023-H1-CAL", "indicator": "online"}


def row_codes(html: str) -> list[str]:
    body = html.split('<tbody class="children">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'data-code="(\d+)"', body)


class RankingViewTestCase(BaseTestCase):
    def test_it_requires_login(self) -> None:
        response = self.client.get(URL, H1)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/dang-nhap/?next=/xep-hang/"))

    def test_it_ranks_the_17_hoai_nhon_communes(self) -> None:
        self.login(self.district)
        response = self.client.get(URL, H1)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        codes = row_codes(html)
        self.assertEqual(len(codes), 17)
        self.assertEqual(codes[0], "21685")  # Hoài Đức 93,33 %
        self.assertEqual(codes[-1], "21670")  # Hoài Hương 37,01 %
        self.assertIn("93,33 %", html)
        # Totals as published in the seed 004 appendix, both ratio of sums.
        self.assertRegex(
            html,
            r'(?s)data-total="children">.*?9\.805.*?14\.693.*?66,73 %',
        )
        self.assertRegex(html, r'(?s)data-total="all">.*?11\.934.*?25\.434.*?46,92 %')
        self.assertIn("19,82 %", html)  # the district desk

    def test_it_shows_targets_gaps_and_status(self) -> None:
        self.login(self.district)
        html = self.client.get(URL, H1).content.decode()
        hoai_duc = html.split('data-code="21685"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("70 %", hoai_duc)
        self.assertIn("+23,33", hoai_duc)
        self.assertIn("badge-met", hoai_duc)
        hoai_huong = html.split('data-code="21670"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("−32,99", hoai_huong)
        self.assertIn("badge-missed", hoai_huong)
        self.assertIn("<strong>10/17</strong>", html)  # "10/17 đơn vị đạt" as in seed 004

    def test_it_groups_thousands_the_vietnamese_way(self) -> None:
        self.login(self.district)
        html = self.client.get(URL, H1).content.decode()
        self.assertIn("1.071", html)  # Bồng Sơn received
        self.assertNotIn(">1071<", html)

    def test_it_redirects_to_the_users_unit_and_latest_period(self) -> None:
        self.login(self.district)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("parent=543", response["Location"])
        self.assertIn("indicator=online", response["Location"])

    def test_it_forbids_a_unit_outside_the_users_subtree(self) -> None:
        self.login(self.outsider)
        response = self.client.get(URL, H1)
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("Hoài Đức", response.content.decode())

    def test_it_forbids_the_district_to_a_commune_official(self) -> None:
        self.login(self.commune)
        self.assertEqual(self.client.get(URL, H1).status_code, 403)
        own = self.client.get(URL, {**H1, "parent": "21685"})
        self.assertEqual(own.status_code, 200)
        self.assertIn("93,33 %", own.content.decode())

    def test_it_lets_the_chairman_and_admin_see_the_district(self) -> None:
        for user in (self.chairman, self.admin):
            self.login(user)
            self.assertEqual(self.client.get(URL, H1).status_code, 200)

    def test_it_explains_a_bad_period_in_vietnamese(self) -> None:
        self.login(self.district)
        response = self.client.get(URL, {**H1, "period": "2023-H3-CAL"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Kỳ báo cáo không hợp lệ", response.content.decode())
        # A period that has not begun; one nobody reported for opens (empty).
        response = self.client.get(URL, {**H1, "period": "2031-H1-CAL"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("chưa bắt đầu", response.content.decode())
        self.assertEqual(self.client.get(URL, {**H1, "period": "2019-H1-CAL"}).status_code, 200)

    def test_it_explains_an_unknown_unit_code(self) -> None:
        self.login(self.district)
        response = self.client.get(URL, {**H1, "parent": "99999"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Không có đơn vị mã 99999", response.content.decode())

    def test_it_reads_a_reused_code_as_of_the_period(self) -> None:
        # 21664 was phường Hoài Thanh Tây until 30/06/2025 (phường Hoài Nhơn after).
        self.login(self.district)
        response = self.client.get(URL, {**H1, "parent": "21664"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Phường Hoài Thanh Tây", response.content.decode())

    def test_it_accepts_an_iso_range_for_the_same_days(self) -> None:
        self.login(self.district)
        response = self.client.get(URL, {**H1, "period": "2023-01-01..2023-06-30"})
        self.assertEqual(row_codes(response.content.decode())[0], "21685")

    def test_it_carries_the_chart_as_json_and_loads_nothing_from_outside(self) -> None:
        self.login(self.district)
        html = self.client.get(URL, H1).content.decode()
        self.assertIn('id="ranking-chart-data" type="application/json"', html)
        self.assertIn("/static/plotly/plotly.min.js", html)
        self.assertNotRegex(html, r'(src|href)="(https?:)?//')
        # No inline script: only json_script data blocks and src= scripts.
        for tag in re.findall(r"<script[^>]*>", html):
            self.assertTrue("src=" in tag or 'type="application/json"' in tag, tag)

    def test_it_switches_to_english(self) -> None:
        self.login(self.district)
        self.client.post("/i18n/setlang/", {"language": "en", "next": URL})
        html = self.client.get(URL, H1).content.decode()
        self.assertIn("Online dossier rate", html)
        self.assertIn("Ranking", html)


class RankingQueryCountTestCase(BaseTestCase):
    def test_it_uses_the_same_number_of_queries_for_any_number_of_units(self) -> None:
        indicator = Indicator.objects.get(code="online")
        h1 = Period.objects.get(code="2023-H1-CAL")
        hoai_nhon = AdministrativeUnit.objects.get(code="543", structure="legacy")
        binh_dinh = AdministrativeUnit.objects.get(code="52", structure="legacy")
        with self.assertNumQueries(3):
            small = ranking_for(parent=binh_dinh, period=h1, indicator=indicator)
        with self.assertNumQueries(3):
            large = ranking_for(parent=hoai_nhon, period=h1, indicator=indicator)
        self.assertGreater(len(large.rows), 1)
        self.assertGreater(len(small.rows), 1)

    def test_it_renders_the_page_in_the_same_queries_for_17_or_11_children(self) -> None:
        self.login(self.admin)
        self.client.get(URL, H1)  # warm the session
        with CaptureQueriesContext(connection) as communes:
            self.client.get(URL, H1)  # Hoài Nhơn: 17 communes
        with CaptureQueriesContext(connection) as districts:
            self.client.get(URL, {**H1, "parent": "52"})  # Bình Định: its districts
        self.assertEqual(len(communes), len(districts))
        # 11 reads of the page, one for the coverage notes of the period (its months), one
        # for how many units are in ("18/18 đơn vị đã nộp hoặc được duyệt"), one for the
        # reconciliation notes (a whole-period figure beside its months that disagree), one
        # for the rates published without counts.
        self.assertEqual(len(communes), 15)
