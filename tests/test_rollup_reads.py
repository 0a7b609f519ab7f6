"""Months in, every period out: the ranking, the summary, the dispatch appendix, the target
baseline and the commands read a period built from the months entered inside it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command

from indicators.dispatch.selectors import dispatch_data
from indicators.domain import formulas, periods
from indicators.io.exports import figures_export_csv
from indicators.models import FiguresStatus, Indicator, Period, UnitFigures
from indicators.ranking.matrix import matrix_for
from indicators.ranking.selectors import ranking_for
from indicators.selectors import children_for_ranking, counts_by_unit
from indicators.summary.selectors import compliance_matrix
from indicators.targets.selectors import yearly_result
from tests.base import BaseTestCase
from units.models import AdministrativeUnit
from units.selectors import unit_by_code

ON_2024 = dt.date(2024, 6, 1)
ND09 = periods.Convention.DECREE09
# Tam Quan's and Bồng Sơn's Decree 09 months of 2024: (month, received, online, carried over).
MONTHS = {
    "21637": [(1, 100, 50, 4), (2, 20, 20, 6), (3, 80, 70, 1)],
    "21640": [(1, 10, 9, 0), (2, 10, 9, 2), (3, 10, 2, 0)],
}


def put(
    unit: AdministrativeUnit, spec: periods.PeriodSpec, received: int, online: int, carried: int
) -> UnitFigures:
    return UnitFigures.objects.create(
        unit=unit,
        period=Period.objects.for_spec(spec),
        carried_over=carried,
        received=received,
        total=carried + received,
        received_in_person=received - online,
        received_online=online,
        status=FiguresStatus.SUBMITTED,  # drafts stay out of the roll-up (tests/drafts/)
    )


class RollUpTestCase(BaseTestCase):
    tam_quan: AdministrativeUnit
    bong_son: AdministrativeUnit
    hoai_nhon_2024: AdministrativeUnit
    online: Indicator

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tam_quan = unit_by_code("21637", on=ON_2024)
        cls.bong_son = unit_by_code("21640", on=ON_2024)
        cls.hoai_nhon_2024 = unit_by_code("543", on=ON_2024)
        cls.online = Indicator.objects.get(code="online")
        for unit in (cls.tam_quan, cls.bong_son):
            for number, received, online, carried in MONTHS[unit.code]:
                put(unit, periods.month(2024, number, ND09), received, online, carried)

    def quarter(self) -> Period:
        return Period.objects.for_spec(periods.quarter(2024, 1, ND09))

    def test_it_ranks_the_quarter_on_the_sums_of_its_months(self) -> None:
        quarter = self.quarter()
        with self.assertNumQueries(3):
            result = ranking_for(parent=self.hoai_nhon_2024, period=quarter, indicator=self.online)
        rows = {row.unit.code: row for row in result.rows}
        # Tam Quan 140/200 = 70 % (the mean of its monthly rates would be 79,17 %).
        self.assertEqual((rows["21637"].numerator, rows["21637"].denominator), (140, 200))
        self.assertEqual((rows["21640"].numerator, rows["21640"].denominator), (20, 30))
        self.assertEqual(rows["21637"].rank, 1)
        self.assertEqual(rows["21640"].rank, 2)
        self.assertEqual(
            (result.children_total.numerator, result.children_total.denominator), (160, 230)
        )

    def test_it_lets_a_whole_quarter_figure_stand_over_its_months(self) -> None:
        put(self.tam_quan, periods.quarter(2024, 1, ND09), received=200, online=100, carried=4)
        result = ranking_for(
            parent=self.hoai_nhon_2024, period=self.quarter(), indicator=self.online
        )
        rows = {row.unit.code: row for row in result.rows}
        self.assertEqual((rows["21637"].numerator, rows["21637"].denominator), (100, 200))
        self.assertEqual((rows["21640"].numerator, rows["21640"].denominator), (20, 30))

    def test_it_gives_no_number_for_a_calendar_quarter_over_decree_09_months(self) -> None:
        calendar_q1 = Period.objects.for_spec(periods.quarter(2024, 1, periods.Convention.CALENDAR))
        result = ranking_for(parent=self.hoai_nhon_2024, period=calendar_q1, indicator=self.online)
        self.assertTrue(all(row.numerator is None for row in result.rows))
        self.assertIsNone(result.children_total.denominator)

    def test_it_builds_the_summary_and_the_all_indicators_table_from_months(self) -> None:
        quarter = self.quarter()
        summary = compliance_matrix(parent=self.hoai_nhon_2024, period=quarter)
        cell = summary.cell(self.tam_quan.pk, "online")
        assert cell is not None
        self.assertEqual((cell.numerator, cell.denominator), (140, 200))
        units = children_for_ranking(self.hoai_nhon_2024, quarter)
        matrix = matrix_for(
            parent=self.hoai_nhon_2024, period=quarter, units=units, indicators=[self.online]
        )
        cells = {row.unit.code: row.cells[0] for row in matrix.rows}
        self.assertEqual((cells["21640"].numerator, cells["21640"].denominator), (20, 30))

    def test_it_takes_the_stock_from_the_first_month_and_rebuilds_the_total(self) -> None:
        quarter = self.quarter()
        with self.assertNumQueries(1):
            counts = counts_by_unit(quarter.start, quarter.end, unit_ids=[self.tam_quan.pk])
        tam_quan = counts[self.tam_quan.pk].counts
        self.assertEqual(counts[self.tam_quan.pk].status, "submitted")
        self.assertEqual(tam_quan["received"], 200)
        self.assertEqual(tam_quan["carried_over"], 4)
        self.assertEqual(tam_quan["total"], 204)  # not 4+100 + 6+20 + 1+80 = 211
        self.assertEqual(formulas.check_identities(tam_quan), [])
        appendix = dispatch_data(parent=self.hoai_nhon_2024, period=quarter)
        self.assertEqual(dict(appendix.children_counts)[self.tam_quan]["received"], 200)

    def test_it_exports_the_quarter_built_from_its_months(self) -> None:
        quarter = self.quarter()
        text = figures_export_csv(parent=self.hoai_nhon_2024, period=quarter).decode("utf-8-sig")
        rows = {line.split(",")[1]: line.split(",") for line in text.splitlines()[1:]}
        header = text.splitlines()[0].split(",")
        tam_quan = dict(zip(header, rows["21637"], strict=True))
        self.assertEqual(tam_quan[header[0]], "2024-Q1-ND09")
        self.assertIn("200", rows["21637"])
        self.assertIn("204", rows["21637"])  # the rebuilt total
        self.assertNotIn("211", rows["21637"])

    def test_it_takes_last_years_result_from_its_months(self) -> None:
        numerator, denominator, note = yearly_result(
            unit=self.tam_quan, indicator=self.online, year=2024
        )
        self.assertEqual((numerator, denominator), (140, 200))
        self.assertIn("Năm 2024", note)

    def test_it_ranks_a_period_nobody_entered_whole_from_the_command_line(self) -> None:
        out = StringIO()
        call_command(
            "ranking",
            parent="543",
            period="2024-Q1-ND09",
            indicator="online",
            format="csv",
            stdout=out,
        )
        lines = out.getvalue().splitlines()
        self.assertEqual(
            lines[1].split(",")[:6], ["1", "21637", "Phường Tam Quan", "140", "200", "70.00"]
        )
        self.assertTrue(Period.objects.filter(code="2024-Q1-ND09").exists())


class RollUpPagesTestCase(RollUpTestCase):
    def test_it_says_how_many_months_a_year_holds_on_the_ranking_page(self) -> None:
        self.login(self.district)
        query = {"parent": "543", "period": "2024-Y-ND09", "indicator": "online"}
        html = self.client.get("/xep-hang/", query).content.decode()
        tam_quan = html.split('data-code="21637"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("3/12 tháng có số liệu", tam_quan)
        self.assertIn("70,00", tam_quan)
        everything = self.client.get("/xep-hang/", {**query, "indicator": "all"})
        self.assertContains(everything, "3/12 tháng có số liệu")

    def test_it_refuses_a_calendar_quarter_on_the_summary_with_the_reason(self) -> None:
        self.login(self.district)
        response = self.client.get("/tong-hop/", {"parent": "543", "period": "2024-Q1-CAL"})
        self.assertContains(response, "vắt qua ranh giới của kỳ này")
        refused = response.content.decode().split('data-coverage="refused"', 1)[1]
        self.assertIn("Phường Tam Quan", refused.split("</div>", 1)[0])
