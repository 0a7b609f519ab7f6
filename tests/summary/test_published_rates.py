"""Rates published without raw counts (Hoài Nhơn's H1 2023 payment and population-database
rates) are shown wherever the indicator is shown for that unit and period, marked as
published, and never enter a total or a rank."""

from __future__ import annotations

from decimal import Decimal

from indicators.models import PublishedResult
from tests.base import BaseTestCase
from units.models import AdministrativeUnit

H1 = {"parent": "543", "period": "2023-H1-CAL"}


def _row(html: str, code: str) -> str:
    return html.split(f'data-code="{code}"', 1)[1].split("</tr>", 1)[0]


class PublishedRatesTestCase(BaseTestCase):
    def test_it_marks_the_published_rate_in_the_summary_cell_and_keeps_it_out_of_the_total(
        self,
    ) -> None:
        self.login(self.chairman)
        html = self.client.get("/tong-hop/", H1).content.decode()
        bong_son = _row(html, "21640")
        self.assertIn("68,89 %", bong_son)  # payment, published only
        self.assertIn("công bố", bong_son)
        self.assertIn("cell-no_data", bong_son)  # not judged against the target
        total = html.split('class="total"', 1)[1].split("</tr>", 1)[0]
        cells = total.split("<td>")[1:]
        self.assertEqual(cells[1].split("</td>")[0], "—")  # payment: no counts, no total

    def test_it_shows_the_published_rate_in_the_ranking_row_without_a_rank(self) -> None:
        self.login(self.district)
        html = self.client.get("/xep-hang/", {**H1, "indicator": "payment"}).content.decode()
        bong_son = _row(html, "21640")
        self.assertIn("68,89 %", bong_son)
        self.assertIn("công bố", bong_son)
        rank = bong_son.split("</td>", 1)[0]
        self.assertTrue(rank.rstrip().endswith('<td class="num">—'), rank)
        total = html.split('data-total="children"', 1)[1].split("</tr>", 1)[0]
        self.assertNotIn("%", total.replace("—", ""))  # nothing summed from the published rates

    def test_it_shows_the_published_rate_on_the_unit_page(self) -> None:
        self.login(self.commune)
        html = self.client.get(f"/don-vi/{self.hoai_duc.pk}/").content.decode()
        payment = html.split('data-indicator="payment"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("87,11 %", payment)
        self.assertIn("công bố", payment)
        history = html.split('id="unit-history"', 1)[1]
        self.assertIn("87,11 %", history)

    def test_it_reads_the_mark_from_the_published_result(self) -> None:
        bong_son = AdministrativeUnit.objects.get(code="21640", structure="legacy")
        PublishedResult.objects.filter(unit=bong_son, indicator__code="payment").update(
            rate=Decimal("12.34")
        )
        self.login(self.chairman)
        html = self.client.get("/tong-hop/", H1).content.decode()
        self.assertIn("12,34 %", _row(html, "21640"))
        self.assertNotIn("68,89 %", _row(html, "21640"))
