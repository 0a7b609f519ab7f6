"""The country's summary (/tong-hop/?parent=VN): provinces × indicators, each cell the ratio
of sums over the province's whole subtree."""

from __future__ import annotations

from indicators.summary.selectors import country_compliance_matrix
from tests.ranking.country import (
    LEGACY_PERIOD,
    PARTS,
    REFORM_QUARTER,
    period_of,
    plant,
    subtree_parts,
)
from tests.ranking.test_country_ranking import CountryTestCase
from units.models import AdministrativeUnit, UnitLevel

URL = "/tong-hop/"


class CountrySummaryTestCase(CountryTestCase):
    def test_it_shows_provinces_by_indicators_on_their_subtrees(self) -> None:
        self.login(self.national)
        for code, provinces in (
            (LEGACY_PERIOD, self.legacy_provinces),
            (REFORM_QUARTER, self.reform_provinces),
        ):
            with self.subTest(period=code):
                response = self.client.get(URL, {"parent": "VN", "period": code})
                self.assertEqual(response.status_code, 200)
                matrix = response.context["matrix"]
                self.assertEqual(
                    sorted(row.unit.pk for row in matrix.rows), sorted(p.pk for p in provinces)
                )
                self.assertFalse(any(row.is_desk for row in matrix.rows))
                period = period_of(code)
                for row in matrix.rows:
                    for cell in row.cells:
                        if cell.indicator.code not in PARTS:
                            continue
                        expected = subtree_parts(
                            row.unit, period.start, period.end, cell.indicator.code
                        )
                        got = (cell.numerator, cell.denominator)
                        self.assertEqual(got, expected or (None, None), (row.unit, cell.indicator))
                html = response.content.decode()
                for province in provinces:
                    self.assertIn(f'data-code="{province.code}"', html)
                self.assertIn("Tổng hợp đạt / chưa đạt — Cả nước", html)
                self.assertNotIn("nhac-nho.csv", html)  # the reminders are per unit

    def test_it_totals_the_country_as_a_ratio_of_sums(self) -> None:
        self.login(self.admin)
        response = self.client.get(URL, {"parent": "VN", "period": LEGACY_PERIOD})
        period = period_of(LEGACY_PERIOD)
        online = next(
            s for s in response.context["matrix"].summaries if s.indicator.code == "online"
        )
        parts = [
            subtree_parts(p, period.start, period.end, "online") for p in self.legacy_provinces
        ]
        self.assertEqual(
            (online.total_numerator, online.total_denominator),
            (sum(p[0] for p in parts if p), sum(p[1] for p in parts if p)),
        )

    def test_it_reads_in_six_queries_whatever_the_number_of_units(self) -> None:
        period = period_of(LEGACY_PERIOD)
        with self.assertNumQueries(6):
            country_compliance_matrix(period=period)
        more = AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, structure="legacy", parent__parent__code="51"
        ).exclude(figures__isnull=False)[:30]

        for index, unit in enumerate(more):
            plant(unit, LEGACY_PERIOD, received=100, online=index)
        with self.assertNumQueries(6):
            country_compliance_matrix(period=period)

    def test_it_opens_on_the_country_for_the_admin(self) -> None:
        self.login(self.admin)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<option value="VN" selected>')
