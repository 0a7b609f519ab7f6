from __future__ import annotations

import csv
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, Period, UnitFigures
from indicators.summary.selectors import compliance_matrix
from tests.base import BaseTestCase, make_user
from units.models import AdministrativeUnit, Role

H1 = {"parent": "543", "period": "2023-H1-CAL"}


class SummaryTestCase(BaseTestCase):
    def test_it_shows_red_green_and_grey_cells_with_symbols(self) -> None:
        self.login(self.chairman)
        response = self.client.get("/tong-hop/", H1)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        hoai_duc = html.split('data-code="21685"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("cell-met", hoai_duc)
        self.assertIn("✔", hoai_duc)
        self.assertIn("93,33 %", hoai_duc)
        hoai_huong = html.split('data-code="21670"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("cell-missed", hoai_huong)
        self.assertIn("✘", hoai_huong)
        self.assertIn("cell-no_data", hoai_huong)  # payment: not in the H1 2023 appendix
        # "x/y đơn vị đạt" per indicator, as Hoài Nhơn's H1 2023 dispatch counts them.
        self.assertIn('data-indicator="online"><strong>10/17</strong>', html)
        self.assertIn('data-indicator="digitization"><strong>12/17</strong>', html)

    def test_it_sends_each_cells_target_not_its_whole_tooltip(self) -> None:
        # "unit — indicator: chỉ tiêu 70 %" in each of a province's ~1.200 cells was a
        # third of the page: the cell carries its target, portal.js writes the tooltip
        # from the row's unit and the column's title (tests/browser/test_summary_browser).
        self.login(self.chairman)
        html = self.client.get("/tong-hop/", H1).content.decode()
        table = html.split('id="compliance-matrix"', 1)[1].split("</table>", 1)[0]
        self.assertIn('data-cell-titles data-target-word="chỉ tiêu"', table)
        self.assertIn('data-arrow-title="so với kỳ trước"', table)
        hoai_huong = table.split('data-code="21670"', 1)[1].split("</tr>", 1)[0]
        cells = re.findall(r'<a class="cell [^>]*>', hoai_huong)
        self.assertEqual(len(cells), len(Indicator.objects.all()))
        self.assertFalse([cell for cell in cells if "title=" in cell])
        self.assertIn('data-target="70 %"', cells[0])  # online, as the dispatch sets it
        self.assertIn('title="Tỷ lệ hồ sơ trực tuyến"', table.split("</thead>", 1)[0])

    def test_it_lists_the_worst_gaps_with_dossiers_to_green(self) -> None:
        self.login(self.chairman)
        html = self.client.get("/tong-hop/", H1).content.decode()
        gaps = html.split('id="worst-gaps"', 1)[1].split("</ol>", 1)[0]
        # Hoài Hương online: 476 / 1.286 against 70 % needs 425 more online dossiers.
        self.assertRegex(
            gaps,
            r"Phường Hoài Hương</a> — Tỷ lệ hồ sơ trực tuyến: 37,01 %.*?"
            r"cần thêm <strong>425</strong> hồ sơ tiếp nhận trực tuyến",
        )

    def test_it_links_every_cell_to_the_unit_page(self) -> None:
        self.login(self.chairman)
        html = self.client.get("/tong-hop/", H1).content.decode()
        hoai_duc = AdministrativeUnit.objects.get(code="21685", structure="legacy")
        # The drill-down keeps the period the summary shows.
        link = f'href="/don-vi/{hoai_duc.pk}/?period=2023-H1-CAL&amp;indicator=online"'
        self.assertIn(link, html)

    def test_it_sends_the_chairman_home_to_the_summary(self) -> None:
        self.login(self.chairman)
        self.assertRedirects(self.client.get("/"), "/tong-hop/", fetch_redirect_response=False)
        self.login(self.commune)
        self.assertRedirects(
            self.client.get("/"), f"/don-vi/{self.hoai_duc.pk}/", fetch_redirect_response=False
        )

    def test_it_keeps_outsiders_out(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get("/tong-hop/", H1).status_code, 403)
        self.assertEqual(self.client.get(f"/don-vi/{self.hoai_duc.pk}/").status_code, 403)
        self.assertEqual(self.client.get("/so-lieu/nhac-nho.csv", H1).status_code, 403)

    def test_it_refuses_an_unknown_period_with_a_message(self) -> None:
        self.login(self.chairman)
        response = self.client.get("/tong-hop/", {**H1, "period": "2031-H1-CAL"})
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn("Kỳ 6 tháng đầu năm 2031 (01/01/2031 – 30/06/2031) chưa bắt đầu", html)
        self.assertNotIn('id="compliance-matrix"', html)  # no other period's table instead

    def test_it_refuses_an_unreadable_period_with_a_message(self) -> None:
        self.login(self.chairman)
        response = self.client.get("/tong-hop/", {"period": "2023-H3-CAL"})
        self.assertEqual(response.status_code, 400)
        self.assertIn('id="filter-error"', response.content.decode())
        self.assertNotIn('id="compliance-matrix"', response.content.decode())

    def test_it_reads_an_iso_range_as_the_stored_period(self) -> None:
        self.login(self.chairman)
        response = self.client.get("/tong-hop/", {**H1, "period": "2023-01-01..2023-06-30"})
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-indicator="online"><strong>10/17</strong>', response.content.decode())

    def test_it_reads_in_a_fixed_number_of_queries(self) -> None:
        h1 = Period.objects.get(code="2023-H1-CAL")
        hoai_nhon = AdministrativeUnit.objects.get(code="543", structure="legacy")
        binh_dinh = AdministrativeUnit.objects.get(code="52", structure="legacy")
        with CaptureQueriesContext(connection) as small:
            compliance_matrix(parent=binh_dinh, period=h1)
        with CaptureQueriesContext(connection) as large:
            compliance_matrix(parent=hoai_nhon, period=h1)
        self.assertEqual(len(small), len(large))
        self.assertLessEqual(len(large), 7)


class UnitPageTestCase(BaseTestCase):
    def test_it_shows_the_units_rank_gaps_and_history(self) -> None:
        self.login(self.commune)
        response = self.client.get(f"/don-vi/{self.hoai_duc.pk}/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        online = html.split('data-indicator="online"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("93,33 %", online)
        self.assertIn("1/17", online)  # first of the 17 Hoài Nhơn communes
        self.assertIn("6 tháng đầu năm 2023", html)
        # The trend is by month: the seed holds a half-year only, so the chart says so.
        self.assertIn('id="unit-trend-data"', html)
        self.assertIn("Chưa có số liệu theo tháng", html)

    def test_it_tells_a_red_unit_how_many_dossiers_it_needs(self) -> None:
        hoai_huong = AdministrativeUnit.objects.get(code="21670", structure="legacy")
        self.login(self.district)
        html = self.client.get(f"/don-vi/{hoai_huong.pk}/").content.decode()
        online = html.split('data-indicator="online"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("cần thêm <strong>425</strong>", online)
        self.assertIn("17/17", online)


class RemindersTestCase(BaseTestCase):
    def test_it_exports_units_without_approved_figures(self) -> None:
        UnitFigures.objects.filter(unit__code="21685", period__code="2023-H1-CAL").update(
            status="submitted"
        )
        self.login(self.district)
        response = self.client.get("/so-lieu/nhac-nho.csv", H1)
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:3], ["Mã ĐVHC", "Đơn vị", "Tình trạng"])
        self.assertEqual([r[:3] for r in rows[1:]], [["21685", "Phường Hoài Đức", "Đã nộp"]])

    def test_it_refuses_an_unknown_period_in_plain_text(self) -> None:
        self.login(self.district)
        response = self.client.get("/so-lieu/nhac-nho.csv", {**H1, "period": "2031-H1-CAL"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        future = "Kỳ 6 tháng đầu năm 2031 (01/01/2031 – 30/06/2031) chưa bắt đầu"
        self.assertIn(future, response.content.decode())

    def test_it_answers_a_bad_parent_as_text_never_as_html(self) -> None:
        self.login(self.district)
        query = {**H1, "parent": "<a href=x>y</a>"}
        response = self.client.get("/so-lieu/nhac-nho.csv", query)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertNotIn("text/html", response["Content-Type"])

    def test_it_writes_a_leading_tab_as_text(self) -> None:
        # A name starting with a tab and a formula: quoted like every other CSV's text.
        entered_by = make_user("\t=1+1", Role.COMMUNE_OFFICIAL, self.hoai_duc)
        UnitFigures.objects.filter(unit__code="21685", period__code="2023-H1-CAL").update(
            status="submitted", entered_by=entered_by
        )
        self.login(self.district)
        response = self.client.get("/so-lieu/nhac-nho.csv", H1)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[1][4], "'\t=1+1")
