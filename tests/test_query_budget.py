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
DISTRICT_CODE = "Q990"


class QueryBudgetTestCase(BaseTestCase):
    district_unit: AdministrativeUnit
    officer: User
    periods: list[Period]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        province = unit_by_code("52", on=H1_2023)
        cls.district_unit = AdministrativeUnit(
            code=DISTRICT_CODE,
            level=UnitLevel.DISTRICT,
            unit_type="Huyện",
            name="Ngân Sách",
            parent=province,
            structure=province.structure,
        )
        cls.district_unit.save()  # builds its path
        cls.officer = make_user("budget", Role.DISTRICT_STAFF, cls.district_unit)
        cls.periods = [
            Period.objects.for_spec(parse_period_code(code)) for code in (PREVIOUS, PERIOD)
        ]
        cls.add_communes(0, 10)

    @classmethod
    def add_communes(cls, first: int, last: int) -> None:
        """Communes first..last-1 of the district, each with approved figures for both
        months (bulk inserts: the path is set after, as save() would)."""
        communes = add_communes(
            cls.district_unit,
            range(first, last),
            code_prefix="Q",
            digits=5,
            name="Ngân Sách",
        )
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

    def queries(self, url: str) -> int:
        self.client.force_login(self.officer)
        self.assertEqual(self.client.get(url).status_code, 200)  # caches warmed once
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def assert_same_at_10_and_1000(self, url: str) -> None:
        at_10 = self.queries(url)
        self.add_communes(10, 1000)
        self.assertEqual(AdministrativeUnit.objects.filter(parent=self.district_unit).count(), 1000)
        at_1000 = self.queries(url)
        self.assertEqual(at_1000, at_10, f"{url}: {at_10} queries at 10 units, {at_1000} at 1.000")

    def scope(self) -> str:
        return f"parent={DISTRICT_CODE}&period={PERIOD}"

    def test_it_ranks_one_indicator_in_the_same_queries(self) -> None:
        self.assert_same_at_10_and_1000(f"/xep-hang/?{self.scope()}&indicator=online")

    def test_it_ranks_all_indicators_in_the_same_queries(self) -> None:
        self.assert_same_at_10_and_1000(f"/xep-hang/?{self.scope()}&indicator=all")

    def test_it_summarises_in_the_same_queries(self) -> None:
        self.assert_same_at_10_and_1000(f"/tong-hop/?{self.scope()}")

    def test_it_shows_a_unit_page_in_the_same_queries(self) -> None:
        commune = AdministrativeUnit.objects.get(code="Q00003")
        self.assert_same_at_10_and_1000(f"/don-vi/{commune.pk}/?period={PERIOD}")

    def test_it_lists_the_figures_in_the_same_queries(self) -> None:
        self.assert_same_at_10_and_1000(f"/so-lieu/?{self.scope()}")

    def test_it_drafts_the_dispatch_page_in_the_same_queries(self) -> None:
        self.assert_same_at_10_and_1000(f"/cong-van/?{self.scope()}")
