from __future__ import annotations

import io
from typing import cast

import docx
import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Period, UnitFigures
from tests.base import BaseTestCase
from units.models import AdministrativeUnit

URL = "/cong-van/"
DOCX_URL = "/cong-van/tai-docx/"
XLSX_URL = "/cong-van/tai-xlsx/"
H1 = {"parent": "543", "period": "2023-H1-CAL"}


class DispatchPageTestCase(BaseTestCase):
    def test_it_requires_login(self) -> None:
        for url in (URL, DOCX_URL, XLSX_URL):
            response = self.client.get(url, H1)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith("/dang-nhap/"))

    def test_it_shows_the_generated_text_to_the_district_office(self) -> None:
        self.login(self.district)
        response = self.client.get(URL, H1)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("10/17 đơn vị xã, phường đạt vượt chỉ tiêu của thị xã giao", html)
        self.assertIn("Hoài Đức 93,33%; Tam Quan 91,82%", html)
        self.assertIn("46,92%", html)
        self.assertIn("19,82%", html)
        self.assertIn("66,73%", html)
        self.assertIn(f'href="{DOCX_URL}?parent=543&amp;period=2023-H1-CAL"', html)
        self.assertIn(f'href="{XLSX_URL}?parent=543&amp;period=2023-H1-CAL"', html)

    def test_it_offers_the_dispatch_link_only_to_those_who_may_draft(self) -> None:
        link = f'href="{URL}"'
        for user, shown in ((self.district, True), (self.chairman, True), (self.commune, False)):
            self.login(user)
            response = self.client.get(f"/don-vi/{self.hoai_duc.pk}/")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(link in response.content.decode(), shown, user.username)

    def test_it_lets_the_chairman_and_the_admin_draft(self) -> None:
        for user in (self.chairman, self.admin):
            self.login(user)
            self.assertEqual(self.client.get(URL, H1).status_code, 200)

    def test_it_redirects_to_the_users_unit_and_latest_period(self) -> None:
        self.login(self.district)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("parent=543", response["Location"])
        self.assertIn("period=", response["Location"])

    def test_it_forbids_a_unit_outside_the_users_subtree(self) -> None:
        self.login(self.outsider)
        for url in (URL, DOCX_URL, XLSX_URL):
            response = self.client.get(url, H1)
            self.assertEqual(response.status_code, 403)
            self.assertNotIn("Hoài Đức", response.content.decode())

    def test_it_forbids_commune_officials_even_for_their_own_unit(self) -> None:
        # Decision: a dispatch is the district office's document about its communes.
        self.login(self.commune)
        self.assertEqual(self.client.get(URL, H1).status_code, 403)
        self.assertEqual(self.client.get(URL, {**H1, "parent": "21685"}).status_code, 403)
        self.assertEqual(self.client.get(DOCX_URL, H1).status_code, 403)

    def test_it_refuses_a_parent_without_children(self) -> None:
        self.login(self.district)
        response = self.client.get(URL, {**H1, "parent": "21685"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("không có đơn vị trực thuộc", response.content.decode())
        self.assertEqual(self.client.get(DOCX_URL, {**H1, "parent": "21685"}).status_code, 400)

    def test_it_rejects_bad_filters(self) -> None:
        self.login(self.district)
        self.assertEqual(self.client.get(URL, {**H1, "period": "khong-co"}).status_code, 400)
        self.assertEqual(self.client.get(URL, {**H1, "parent": "99999"}).status_code, 400)

    def test_it_escapes_unit_names(self) -> None:
        AdministrativeUnit.objects.filter(pk=self.hoai_duc.pk).update(
            name="<script>alert(1)</script>"
        )
        self.login(self.district)
        html = self.client.get(URL, H1).content.decode()
        self.assertNotIn("<script>alert(1)</script>", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; 93,33%", html)

    def test_it_downloads_an_editable_docx(self) -> None:
        self.login(self.district)
        response = self.client.get(DOCX_URL, H1)
        self.assertEqual(response.status_code, 200)
        self.assertIn("wordprocessingml", response["Content-Type"])
        self.assertIn(
            'attachment; filename="cong-van-543-2023-H1-CAL.docx"', response["Content-Disposition"]
        )
        document = docx.Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("Hoài Đức 93,33%", text)
        self.assertIn("Hoài Hải: 45,54%; Hoài Hương: 37,01%", text)

    def test_it_downloads_the_appendix_with_18_unit_rows(self) -> None:
        self.login(self.district)
        response = self.client.get(XLSX_URL, H1)
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response["Content-Type"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = [
            row
            for row in sheet.iter_rows(values_only=True)
            if str(row[1] or "").startswith("UBND ")
        ]
        self.assertEqual(len(rows), 18)
        self.assertEqual(rows[0][1], "UBND thị xã Hoài Nhơn")
        self.assertEqual(rows[0][2], 11232)
        names = [row[1] for row in rows[1:]]
        self.assertEqual(names[0], "UBND phường Bồng Sơn")  # seed order: phường, then xã
        self.assertLess(names.index("UBND phường Hoài Hảo"), names.index("UBND phường Hoài Hương"))
        self.assertEqual(names[-1], "UBND xã Hoài Sơn")
        totals = {str(row[1]): row for row in sheet.iter_rows(values_only=True) if row[1]}
        self.assertEqual(totals["Tổng số cấp xã"][7], 9805)  # received online
        # openpyxl reads a number cell back as an int or a float.
        self.assertAlmostEqual(float(cast(float, totals["Tổng số cấp xã"][16])), 66.73)
        self.assertAlmostEqual(float(cast(float, totals["Tổng cấp huyện và xã"][16])), 46.92)

    def test_it_keeps_formula_like_names_as_text_in_the_appendix(self) -> None:
        AdministrativeUnit.objects.filter(pk=self.hoai_duc.pk).update(name="=1+2")
        self.login(self.district)
        sheet = openpyxl.load_workbook(io.BytesIO(self.client.get(XLSX_URL, H1).content)).active
        assert sheet is not None
        cells = [c for row in sheet.iter_rows() for c in row if c.value == "UBND phường =1+2"]
        self.assertEqual(len(cells), 1)
        self.assertEqual(cells[0].data_type, "s")

    def test_it_uses_the_same_number_of_queries_for_a_smaller_district(self) -> None:
        period = Period.objects.get(code="2023-H1-CAL")
        for unit in AdministrativeUnit.objects.filter(parent=self.duc_pho)[:2]:
            UnitFigures.objects.create(unit=unit, period=period, received=10, received_online=5)
        self.login(self.admin)
        counts = []
        for code in ("543", "534"):
            self.client.get(URL, {**H1, "parent": code})  # warm the session
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(URL, {**H1, "parent": code})
            self.assertEqual(response.status_code, 200)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
