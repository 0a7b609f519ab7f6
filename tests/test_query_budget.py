"""The query budget of the pages: the ranking (one indicator and all), the summary, a
unit's page, the figures list and the dispatch read the same number of queries for a
district of 10 communes and for one of 1.000 (units and figures made with bulk_create), in
this month and the one before it (the previous ranks and rates)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.domain.periods import parse_period_code
from indicators.models import FiguresStatus, Period, UnitFigures
from tests.base import H1_2023, BaseTestCase, make_user
from tests.factories import add_communes
from units.models import AdministrativeUnit, Role, UnitLevel, User
from units.selectors import unit_by_code

PERIOD = "2024-M03-ND09"
PREVIOUS = "2024-M02-ND09"
SMALL_CODE, LARGE_CODE = "Q990", "Q991"


class QueryBudgetTestCase(BaseTestCase):
    """Two districts side by side, built once for every case: one of 10 communes, one of
    1.000, each read by its own district office."""

    small: AdministrativeUnit
    large: AdministrativeUnit
    small_officer: User
    large_officer: User
    periods: list[Period]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.periods = [
            Period.objects.for_spec(parse_period_code(code)) for code in (PREVIOUS, PERIOD)
        ]
        cls.small = cls.district_with_communes(SMALL_CODE, range(0, 10))
        cls.large = cls.district_with_communes(LARGE_CODE, range(10, 1010))
        cls.small_officer = make_user("budget10", Role.DISTRICT_STAFF, cls.small)
        cls.large_officer = make_user("budget1000", Role.DISTRICT_STAFF, cls.large)

    @classmethod
    def district_with_communes(cls, code: str, numbers: range) -> AdministrativeUnit:
        """A district of province 52 with one commune per number, each with approved
        figures for both months (bulk inserts)."""
        province = unit_by_code("52", on=H1_2023)
        district = AdministrativeUnit(
            code=code,
            level=UnitLevel.DISTRICT,
            unit_type="Huyện",
            name=f"Ngân Sách {code}",
            parent=province,
            structure=province.structure,
        )
        district.save()  # builds its path
        communes = add_communes(district, numbers, code_prefix="Q", digits=5, name="Ngân Sách")
        UnitFigures.objects.bulk_create(
            UnitFigures(
                unit=commune,
                period=period,
                carried_over=2,
                received=100 + index % 50,
                total=102 + index % 50,
                received_online=60 + index % 40,
                received_in_person=40 + index % 50 - index % 40,
                resolved=90,
                resolved_on_time=85 + index % 5,
                resolved_late=5 - index % 5,
                results_digitized=70,
                status=FiguresStatus.APPROVED,
            )
            for index, commune in enumerate(communes)
            for period in cls.periods
        )
        return district

    def queries(self, user: User, url: str, *, warm: bool) -> int:
        self.client.force_login(user)
        if warm:
            self.assertEqual(self.client.get(url).status_code, 200)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def assert_same_at_10_and_1000(self, url: str) -> None:
        """`url` (with {district}) read for 10 communes, its caches warmed first, then for
        1.000 once, cold: whatever it would fill again could only add queries, so the
        comparison is no looser than reading both warm (and costs one page of 1.000 less)."""
        self.assertEqual(AdministrativeUnit.objects.filter(parent=self.small).count(), 10)
        self.assertEqual(AdministrativeUnit.objects.filter(parent=self.large).count(), 1000)
        at_10 = self.queries(self.small_officer, url.format(district=SMALL_CODE), warm=True)
        at_1000 = self.queries(self.large_officer, url.format(district=LARGE_CODE), warm=False)
        self.assertEqual(at_1000, at_10, f"{url}: {at_10} queries at 10 units, {at_1000} at 1.000")

    def scope(self) -> str:
        return f"parent={{district}}&period={PERIOD}"

    def test_it_ranks_one_indicator_in_the_same_queries(self) -> None:
        self.assert_same_at_10_and_1000(f"/xep-hang/?{self.scope()}&indicator=online")

    def test_it_ranks_all_indicators_in_the_same_queries(self) -> None:
        self.assert_same_at_10_and_1000(f"/xep-hang/?{self.scope()}&indicator=all")

    def test_it_summarises_in_the_same_queries(self) -> None:
        self.assert_same_at_10_and_1000(f"/tong-hop/?{self.scope()}")

    def test_it_shows_a_unit_page_in_the_same_queries(self) -> None:
        # The fourth commune of each district: among 9 siblings, then among 999.
        small, large = (
            AdministrativeUnit.objects.filter(parent=district).order_by("code")[3]
            for district in (self.small, self.large)
        )
        at_10 = self.queries(self.small_officer, f"/don-vi/{small.pk}/?period={PERIOD}", warm=True)
        at_1000 = self.queries(
            self.large_officer, f"/don-vi/{large.pk}/?period={PERIOD}", warm=False
        )
        self.assertEqual(at_1000, at_10, f"unit page: {at_10} queries at 10 units, {at_1000}")

    def test_it_lists_the_figures_in_the_same_queries(self) -> None:
        self.assert_same_at_10_and_1000(f"/so-lieu/?{self.scope()}")

    def test_it_drafts_the_dispatch_page_in_the_same_queries(self) -> None:
        self.assert_same_at_10_and_1000(f"/cong-van/?{self.scope()}")
