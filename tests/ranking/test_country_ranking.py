"""The whole country (?parent=VN): provinces ranked on their subtrees, every commune of the
country on pages of 100 with ranks over the whole country, the full CSV; who may ask."""

from __future__ import annotations

import csv
import datetime as dt
import io
from fractions import Fraction

from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, UnitFigures
from indicators.ranking.matrix import provinces_matrix
from indicators.ranking.selectors import communes_ranking, provinces_ranking
from tests.base import BaseTestCase, make_user
from tests.ranking.country import (
    LEGACY_PERIOD,
    PARTS,
    REFORM_MONTHS,
    REFORM_QUARTER,
    period_of,
    plant,
    subtree_parts,
)
from units.models import AdministrativeUnit, Role, UnitLevel, User
from units.selectors import unit_by_code

URL = "/xep-hang/"
COUNTRY = {"parent": "VN", "period": LEGACY_PERIOD, "indicator": "online"}
ON_2023 = dt.date(2023, 6, 30)
ON_2026 = dt.date(2026, 1, 1)


def rate_vi(numerator: int, denominator: int) -> str:
    """The rate as the pages print it (2 places, half up, decimal comma)."""
    hundredths = Fraction(numerator * 10000, denominator)
    value = int(hundredths + Fraction(1, 2))
    return f"{value // 100},{value % 100:02d} %"


def ranks_of(keys: list[Fraction | None]) -> list[int | None]:
    """Competition ranks ("1224") of the keys, larger first, written for the oracle."""
    return [
        None if k is None else 1 + sum(1 for o in keys if o is not None and o > k) for k in keys
    ]


class CountryTestCase(BaseTestCase):
    national: User
    legacy_provinces: list[AdministrativeUnit]
    reform_provinces: list[AdministrativeUnit]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.national = make_user("bo", Role.NATIONAL, None)
        # Quảng Ngãi (legacy) gets figures at three tiers: its desk, Đức Phổ's, Phổ Ninh's.
        quang_ngai = unit_by_code("51", on=ON_2023)
        plant(quang_ngai, LEGACY_PERIOD, received=400, online=300)
        plant(cls.duc_pho, LEGACY_PERIOD, received=1_000, online=850)
        plant(unit_by_code("21460", on=ON_2023), LEGACY_PERIOD, received=500, online=420)
        # Two-tier communes report months; the quarter is built from them.
        for code, received, online in (("21640", 300, 240), ("21664", 200, 90)):
            commune = unit_by_code(code, on=ON_2026)
            for month in REFORM_MONTHS:
                plant(commune, month, received=received, online=online)
        province_2025 = AdministrativeUnit.objects.get(code="51", structure="2025")
        commune_2025 = AdministrativeUnit.objects.filter(
            path__startswith=province_2025.path, level=UnitLevel.COMMUNE
        ).first()
        assert commune_2025 is not None
        plant(commune_2025, REFORM_MONTHS[0], received=100, online=99)
        cls.legacy_provinces = list(
            AdministrativeUnit.objects.filter(level="province", structure="legacy")
        )
        cls.reform_provinces = list(
            AdministrativeUnit.objects.filter(level="province", structure="2025")
        )


class ProvincesRankingTestCase(CountryTestCase):
    def oracle(self, code: str) -> dict[str, tuple[int, int] | None]:
        period = period_of(code)
        provinces = self.legacy_provinces if code == LEGACY_PERIOD else self.reform_provinces
        return {p.code: subtree_parts(p, period.start, period.end, "online") for p in provinces}

    def test_it_ranks_the_provinces_on_the_ratio_of_sums_of_their_subtrees(self) -> None:
        self.login(self.national)
        for code in (LEGACY_PERIOD, REFORM_QUARTER):
            with self.subTest(period=code):
                response = self.client.get(URL, {**COUNTRY, "period": code})
                self.assertEqual(response.status_code, 200)
                ranking = response.context["ranking"]
                expected = self.oracle(code)
                got = {r.unit.code: (r.numerator, r.denominator) for r in ranking.rows}
                self.assertEqual(got, {k: v or (None, None) for k, v in expected.items()})
                # Best first, units without figures last.
                keys = [expected[r.unit.code] for r in ranking.rows]
                ranked = [Fraction(*k) for k in keys if k is not None]
                self.assertEqual(ranked, sorted(ranked, reverse=True))
                self.assertEqual(keys[: len(ranked)], [k for k in keys if k is not None])
                html = response.content.decode()
                for numerator, denominator in filter(None, expected.values()):
                    self.assertIn(rate_vi(numerator, denominator), html)
                reported = [v for v in expected.values() if v]
                total = (sum(n for n, _d in reported), sum(d for _n, d in reported))
                self.assertEqual(
                    (ranking.children_total.numerator, ranking.children_total.denominator), total
                )
                self.assertIn("Cả nước", html)

    def test_it_reads_bình_định_as_published_with_its_district_desk(self) -> None:
        # Hoài Nhơn's appendix: desk + 17 communes = 11.934 / 25.434 = 46,92 %.
        self.login(self.admin)
        ranking = self.client.get(URL, COUNTRY).context["ranking"]
        binh_dinh = next(r for r in ranking.rows if r.unit.code == "52")
        self.assertEqual((binh_dinh.numerator, binh_dinh.denominator), (11_934, 25_434))

    def test_it_takes_the_provinces_of_the_structure_in_force(self) -> None:
        legacy = provinces_ranking(
            period=period_of(LEGACY_PERIOD), indicator=Indicator.objects.get(code="online")
        )
        reform = provinces_ranking(
            period=period_of(REFORM_QUARTER), indicator=Indicator.objects.get(code="online")
        )
        self.assertEqual({r.unit.pk for r in legacy.rows}, {p.pk for p in self.legacy_provinces})
        self.assertEqual({r.unit.pk for r in reform.rows}, {p.pk for p in self.reform_provinces})

    def test_it_draws_provinces_by_every_indicator_on_their_subtrees(self) -> None:
        self.login(self.national)
        response = self.client.get(URL, {**COUNTRY, "indicator": "all"})
        self.assertEqual(response.status_code, 200)
        matrix = response.context["matrix"]
        period = period_of(LEGACY_PERIOD)
        self.assertEqual(
            sorted(r.unit.pk for r in matrix.rows), sorted(p.pk for p in self.legacy_provinces)
        )
        for row in matrix.rows:
            for cell in row.cells:
                if cell.indicator.code in PARTS:
                    expected = subtree_parts(
                        row.unit, period.start, period.end, cell.indicator.code
                    )
                    self.assertEqual((cell.numerator, cell.denominator), expected or (None, None))
        heatmap = self.client.get("/xep-hang/du-lieu/heatmap.csv", {**COUNTRY, "indicator": "all"})
        self.assertEqual(heatmap.status_code, 200)
        indicators = list(Indicator.objects.all())
        with self.assertNumQueries(2):
            provinces_matrix(period=period, indicators=indicators)

    def test_it_opens_on_the_country_for_those_who_see_everything(self) -> None:
        for user in (self.national, self.admin):
            self.login(user)
            response = self.client.get(URL)
            self.assertEqual(response.status_code, 302)
            self.assertIn("parent=VN", response["Location"])
            page = self.client.get(response["Location"])
            self.assertEqual(page.status_code, 200)
            self.assertContains(page, '<option value="VN" selected>')

    def test_it_reads_in_three_queries_whatever_the_number_of_units(self) -> None:
        online, period = Indicator.objects.get(code="online"), period_of(LEGACY_PERIOD)
        with self.assertNumQueries(3):
            provinces_ranking(period=period, indicator=online)
        more = AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, structure="legacy", parent__parent__code="51"
        ).exclude(figures__isnull=False)[:30]
        for index, unit in enumerate(more):
            plant(unit, LEGACY_PERIOD, received=100, online=index)
        with self.assertNumQueries(3):
            provinces_ranking(period=period, indicator=online)

    def test_it_renders_the_page_in_the_same_queries_for_more_units(self) -> None:
        self.login(self.national)
        self.client.get(URL, COUNTRY)
        with CaptureQueriesContext(connection) as before:
            self.client.get(URL, COUNTRY)
        more = AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, structure="legacy", parent__parent__code="51"
        ).exclude(figures__isnull=False)[:30]
        for index, unit in enumerate(more):
            plant(unit, LEGACY_PERIOD, received=100, online=index)
        with CaptureQueriesContext(connection) as after:
            self.client.get(URL, COUNTRY)
        self.assertEqual(len(before), len(after))


class CountryAccessTestCase(CountryTestCase):
    def test_it_refuses_the_country_to_district_and_commune_users(self) -> None:
        secret = f"{850 + 300 + 420:,}".replace(",", ".")  # Quảng Ngãi's planted online sum
        for user in (self.district, self.commune, self.chairman, self.outsider):
            self.login(user)
            for url, query in (
                (URL, COUNTRY),
                (URL, {**COUNTRY, "tier": "commune"}),
                ("/xep-hang/du-lieu/bars.csv", {**COUNTRY, "tier": "commune"}),
                ("/tong-hop/", {"parent": "VN", "period": LEGACY_PERIOD}),
            ):
                with self.subTest(user=user.username, url=url, query=query):
                    response = self.client.get(url, query)
                    self.assertIn(response.status_code, (400, 403))
                    body = response.content.decode()
                    self.assertNotIn(secret, body)
                    self.assertNotIn("Quảng Ngãi", body)

    def test_it_refuses_the_country_on_pages_about_one_unit(self) -> None:
        # The figures list shows the message above its default unit; the others refuse.
        self.login(self.national)
        query = {"parent": "VN", "period": LEGACY_PERIOD}
        for url, status in (
            ("/so-lieu/", 200),
            ("/cong-van/", 400),
            ("/so-lieu/nhac-nho.csv", 400),
            ("/xuat/so-lieu.csv", 400),
        ):
            with self.subTest(url=url):
                response = self.client.get(url, query)
                self.assertEqual(response.status_code, status)
                self.assertIn("cả nước (mã VN)", response.content.decode())

    def test_it_lets_the_national_user_read_but_not_enter_or_approve(self) -> None:
        self.login(self.national)
        code = LEGACY_PERIOD
        self.assertEqual(self.client.get(f"/don-vi/{self.hoai_duc.pk}/").status_code, 200)
        before = list(UnitFigures.objects.values_list("pk", "version", "status", "received"))
        edit = self.client.post(
            f"/so-lieu/{self.hoai_duc.pk}/{code}/",
            {"received": "5", "received_online": "1", "version": "1"},
        )
        self.assertEqual(edit.status_code, 403)
        for action in ("nop", "duyet", "tra-lai", "mo-khoa"):
            response = self.client.post(f"/so-lieu/{self.hoai_duc.pk}/{code}/{action}/")
            self.assertEqual(response.status_code, 403, action)
        after = list(UnitFigures.objects.values_list("pk", "version", "status", "received"))
        self.assertEqual(before, after)
        self.assertFalse(self.national.can_edit_figures(self.hoai_duc))
        self.assertFalse(self.national.can_review_figures(self.hoai_duc))
        self.assertTrue(self.national.can_see(self.hoai_duc))

    def test_it_sends_the_national_user_home_to_the_country_summary(self) -> None:
        self.login(self.national)
        home = self.client.get("/")
        self.assertRedirects(home, "/tong-hop/", fetch_redirect_response=False)
        summary = self.client.get("/tong-hop/")
        self.assertEqual(summary.status_code, 200)
        self.assertContains(summary, "Tổng hợp đạt / chưa đạt — Cả nước")


class CommunesRankingTestCase(CountryTestCase):
    """130 legacy communes with planted figures: more than a page of 100 ranked units."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        unreported = AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, structure="legacy"
        ).exclude(figures__period__code=LEGACY_PERIOD)
        for index, unit in enumerate(unreported.order_by("code")[:130]):
            # Distinct rates, a few ties (index // 2), all below the seed's best (93,33 %).
            plant(unit, LEGACY_PERIOD, received=1_000, online=100 + 5 * (index // 2))

    def oracle(self) -> dict[str, tuple[Fraction | None, int | None]]:
        """code -> (exact rate, competition rank) of every legacy commune of the country."""
        period = period_of(LEGACY_PERIOD)
        communes = list(
            AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, structure="legacy")
        )
        keys: list[Fraction | None] = []
        for commune in communes:
            parts = subtree_parts(commune, period.start, period.end, "online")
            keys.append(Fraction(*parts) if parts and parts[1] else None)
        ranks = ranks_of(keys)
        return {c.code: (k, r) for c, k, r in zip(communes, keys, ranks, strict=True)}

    def test_it_ranks_every_commune_of_the_country_on_pages_of_100(self) -> None:
        expected = self.oracle()
        self.login(self.national)
        seen: dict[str, int | None] = {}
        query = {**COUNTRY, "tier": "commune"}
        first = self.client.get(URL, query)
        self.assertEqual(first.status_code, 200)
        pages = first.context["country_page"].paginator.num_pages
        self.assertEqual(pages, -(-len(expected) // 100))
        for number in range(1, pages + 1):
            response = self.client.get(URL, {**query, "page": str(number)})
            rows = response.context["ranking"].rows
            self.assertEqual(len(rows), min(100, len(expected) - 100 * (number - 1)))
            for row in rows:
                seen[row.unit.code] = row.rank
        self.assertEqual(seen, {code: rank for code, (_key, rank) in expected.items()})
        # Page 2 carries ranks after 100: ranked over the country, not per page.
        second = self.client.get(URL, {**query, "page": "2"}).context["ranking"].rows
        self.assertGreater(max(r.rank or 0 for r in second), 100)
        self.assertContains(first, "Trang 1/")
        self.assertContains(first, "page=2")
        self.assertContains(first, "Hoài Nhơn")  # the district shown beside its commune

    def test_it_downloads_every_commune_in_the_csv(self) -> None:
        expected = self.oracle()
        self.login(self.national)
        response = self.client.get("/xep-hang/du-lieu/bars.csv", {**COUNTRY, "tier": "commune"})
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        body = rows[1:-1]  # the header, then the total row last
        self.assertEqual(len(body), len(expected))
        self.assertEqual(
            {row[1]: int(row[0]) if row[0] else None for row in body},
            {code: rank for code, (_key, rank) in expected.items()},
        )
        reported = [
            subtree_parts(c, period_of(LEGACY_PERIOD).start, period_of(LEGACY_PERIOD).end, "online")
            for c in AdministrativeUnit.objects.filter(level="commune", structure="legacy")
        ]
        numerator = sum(p[0] for p in reported if p)
        denominator = sum(p[1] for p in reported if p)
        self.assertEqual(rows[-1][3:5], [str(numerator), str(denominator)])

    def test_it_reads_a_page_in_four_queries_for_any_number_of_communes(self) -> None:
        online = Indicator.objects.get(code="online")
        legacy, reform = period_of(LEGACY_PERIOD), period_of(REFORM_QUARTER)
        for period in (legacy, reform):
            with self.subTest(period=period.code), self.assertNumQueries(4):
                result = communes_ranking(period=period, indicator=online, page=1)
            self.assertTrue(result.rows)
        with self.assertNumQueries(4):
            communes_ranking(period=legacy, indicator=online, page=None)

    def test_it_renders_any_page_in_the_same_queries(self) -> None:
        self.login(self.national)
        query = {**COUNTRY, "tier": "commune"}
        self.client.get(URL, query)
        self.client.get(URL, {**query, "period": REFORM_QUARTER})  # stores the quarter
        counts = []
        for number in ("1", "3"):
            with CaptureQueriesContext(connection) as queries:
                self.client.get(URL, {**query, "page": number})
            counts.append(len(queries))
        with CaptureQueriesContext(connection) as reform:
            self.client.get(URL, {**query, "period": REFORM_QUARTER})
        self.assertEqual(counts[0], counts[1])
        self.assertEqual(counts[0], len(reform))

    def test_it_refuses_the_matrix_of_the_whole_country_with_a_message(self) -> None:
        self.login(self.national)
        response = self.client.get(URL, {**COUNTRY, "indicator": "all", "tier": "commune"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Cả nước được xếp hạng theo cấp tỉnh", status_code=400)
