"""Drafts stay out of every roll-up unless asked for: ranking, summary, dispatch, exports,
the target baseline and the commands; the pages say who still has drafts or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.dispatch.selectors import dispatch_data
from indicators.domain import periods
from indicators.models import (
    FiguresStatus,
    Indicator,
    Period,
    PlanMinimum,
    TargetPlan,
    UnitFigures,
)
from indicators.ranking.selectors import ranking_for
from indicators.scope import read_include_drafts
from indicators.selectors import children_for_ranking, period_coverage
from indicators.summary.selectors import compliance_matrix
from indicators.targets.selectors import yearly_result
from tests.base import BaseTestCase
from units.models import AdministrativeUnit
from units.selectors import unit_by_code

ND09 = periods.Convention.DECREE09
ON_2024 = dt.date(2024, 6, 1)
YEAR = "2024-Y-ND09"


def put(unit: AdministrativeUnit, number: int, received: int, online: int, status: str) -> None:
    UnitFigures.objects.create(
        unit=unit,
        period=Period.objects.for_spec(periods.month(2024, number, ND09)),
        carried_over=0,
        received=received,
        total=received,
        received_in_person=received - online,
        received_online=online,
        status=status,
    )


class DraftsCase(BaseTestCase):
    """Tam Quan: 11 months submitted (50/100 each) and December a draft (100/100); Bồng
    Sơn: twelve draft months (9/10 each); every other commune of Hoài Nhơn: nothing."""

    tam_quan: AdministrativeUnit
    bong_son: AdministrativeUnit
    hoai_nhon_2024: AdministrativeUnit
    online: Indicator
    year: Period

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tam_quan = unit_by_code("21637", on=ON_2024)
        cls.bong_son = unit_by_code("21640", on=ON_2024)
        cls.hoai_nhon_2024 = unit_by_code("543", on=ON_2024)
        cls.online = Indicator.objects.get(code="online")
        for number in range(1, 13):
            draft = number == 12
            put(
                cls.tam_quan,
                number,
                100,
                100 if draft else 50,
                FiguresStatus.DRAFT if draft else FiguresStatus.SUBMITTED,
            )
            put(cls.bong_son, number, 10, 9, FiguresStatus.DRAFT)
        cls.year = Period.objects.for_spec(periods.year_period(2024, ND09))

    def rows(self, include_drafts: bool = False) -> dict[str, tuple[int | None, int | None]]:
        result = ranking_for(
            parent=self.hoai_nhon_2024,
            period=self.year,
            indicator=self.online,
            include_drafts=include_drafts,
        )
        return {row.unit.code: (row.numerator, row.denominator) for row in result.rows}


class DraftsSelectorsTestCase(DraftsCase):
    def test_it_leaves_draft_months_out_of_the_ranking(self) -> None:
        rows = self.rows()
        self.assertEqual(rows["21637"], (550, 1100))  # 11 submitted months
        self.assertEqual(rows["21640"], (None, None))  # drafts only: as if not entered

    def test_it_includes_draft_months_when_asked(self) -> None:
        rows = self.rows(include_drafts=True)
        self.assertEqual(rows["21637"], (650, 1200))
        self.assertEqual(rows["21640"], (108, 120))

    def test_it_leaves_drafts_out_of_the_totals(self) -> None:
        result = ranking_for(parent=self.hoai_nhon_2024, period=self.year, indicator=self.online)
        total = result.children_total
        self.assertEqual((total.numerator, total.denominator), (550, 1100))
        with_drafts = ranking_for(
            parent=self.hoai_nhon_2024, period=self.year, indicator=self.online, include_drafts=True
        ).children_total
        self.assertEqual((with_drafts.numerator, with_drafts.denominator), (758, 1320))

    def test_it_lets_submitted_months_stand_beside_a_draft_year(self) -> None:
        UnitFigures.objects.create(
            unit=self.tam_quan,
            period=self.year,
            received=5000,
            received_in_person=0,
            received_online=5000,
            status=FiguresStatus.DRAFT,
        )
        self.assertEqual(self.rows()["21637"], (550, 1100))
        self.assertEqual(self.rows(include_drafts=True)["21637"], (5000, 5000))

    def test_it_says_the_draft_month_is_left_out_and_counts_who_is_behind(self) -> None:
        children = list(children_for_ranking(self.hoai_nhon_2024, self.year))
        coverage = period_coverage(period=self.year, units=children)
        self.assertEqual(coverage.notes[self.tam_quan.pk], "11/12 tháng có số liệu")
        self.assertNotIn(self.bong_son.pk, coverage.notes)
        self.assertEqual({u.pk for u in coverage.drafts}, {self.tam_quan.pk, self.bong_son.pk})
        missing = len(children) - 2
        self.assertEqual(len(coverage.missing), missing)
        self.assertEqual(coverage.behind_vi, f"2 đơn vị còn nháp, {missing} đơn vị chưa báo cáo")
        with_drafts = period_coverage(period=self.year, units=children, include_drafts=True)
        self.assertNotIn(self.tam_quan.pk, with_drafts.notes)  # 12/12: no note
        self.assertEqual(len(with_drafts.drafts), 2)  # still drafts, now counted

    def test_it_leaves_drafts_out_of_the_summary(self) -> None:
        matrix = compliance_matrix(parent=self.hoai_nhon_2024, period=self.year)
        cell = matrix.cell(self.bong_son.pk, "online")
        assert cell is not None
        self.assertIsNone(cell.denominator)
        online = next(s for s in matrix.summaries if s.indicator.code == "online")
        self.assertEqual((online.total_numerator, online.total_denominator), (550, 1100))
        included = compliance_matrix(
            parent=self.hoai_nhon_2024, period=self.year, include_drafts=True
        )
        cell = included.cell(self.bong_son.pk, "online")
        assert cell is not None
        self.assertEqual((cell.numerator, cell.denominator), (108, 120))

    def test_it_leaves_drafts_out_of_the_dispatch(self) -> None:
        data = dispatch_data(parent=self.hoai_nhon_2024, period=self.year)
        codes = {child.code for child, _counts in data.children_counts}
        self.assertEqual(codes, {"21637"})
        section = next(s for s in data.sections if s.indicator.code == "online")
        self.assertEqual(section.ranking.children_total.denominator, 1100)
        included = dispatch_data(parent=self.hoai_nhon_2024, period=self.year, include_drafts=True)
        self.assertEqual(
            {child.code for child, _counts in included.children_counts}, {"21637", "21640"}
        )

    def test_it_leaves_drafts_out_of_last_years_result(self) -> None:
        n, d, _note = yearly_result(unit=self.tam_quan, indicator=self.online, year=2024)
        self.assertEqual((n, d), (550, 1100))
        n, d, _note = yearly_result(unit=self.bong_son, indicator=self.online, year=2024)
        self.assertEqual((n, d), (None, None))
        n, d, _note = yearly_result(
            unit=self.bong_son, indicator=self.online, year=2024, include_drafts=True
        )
        self.assertEqual((n, d), (108, 120))

    def test_it_reads_the_include_drafts_choice(self) -> None:
        self.assertTrue(read_include_drafts({"include_drafts": "1"}))
        self.assertTrue(read_include_drafts({"include_drafts": "on"}))
        self.assertFalse(read_include_drafts({"include_drafts": "0"}))
        self.assertFalse(read_include_drafts({}))


class DraftsPagesTestCase(DraftsCase):
    def query(self, **extra: str) -> dict[str, str]:
        return {"parent": "543", "period": YEAR, "indicator": "online", **extra}

    def test_it_shows_the_choice_and_who_is_behind_on_the_ranking_page(self) -> None:
        self.login(self.district)
        html = self.client.get(reverse("indicators:ranking"), self.query()).content.decode()
        self.assertIn('name="include_drafts" value="1">', html)  # not checked
        self.assertIn("Gồm cả số liệu nháp", html)
        self.assertIn("2 đơn vị còn nháp", html)
        self.assertIn("đơn vị chưa báo cáo", html)
        self.assertIn("11/12 tháng có số liệu", html)
        row = html.split('data-code="21640"', 1)[1].split("</tr>", 1)[0]
        self.assertNotIn("90,00 %", row)

        html = self.client.get(
            reverse("indicators:ranking"), self.query(include_drafts="1")
        ).content.decode()
        self.assertIn('name="include_drafts" value="1" checked>', html)
        row = html.split('data-code="21640"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("90,00 %", row)
        # The chart downloads keep the choice.
        self.assertIn("bars.csv?parent=543&amp;period=2024-Y-ND09&amp;indicator=online", html)
        self.assertIn("include_drafts=1", html.split('data-download="bars-csv"', 1)[0][-300:])

    def test_it_keeps_the_ranking_page_queries_with_and_without_drafts(self) -> None:
        self.login(self.district)
        url = reverse("indicators:ranking")
        self.client.get(url, self.query())  # warm the session and the stored period
        with CaptureQueriesContext(connection) as without:
            self.client.get(url, self.query())
        with CaptureQueriesContext(connection) as with_drafts:
            self.client.get(url, self.query(include_drafts="1"))
        self.assertEqual(len(with_drafts), len(without))

    def test_it_leaves_drafts_out_of_the_summary_page_unless_asked(self) -> None:
        self.login(self.district)
        url = reverse("indicators:summary")
        html = self.client.get(url, {"parent": "543", "period": YEAR}).content.decode()
        self.assertIn("2 đơn vị còn nháp", html)
        row = html.split('data-code="21640"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("Bản nháp", row)  # entered, shown as such, not counted
        self.assertNotIn("90,00", row)
        html = self.client.get(
            url, {"parent": "543", "period": YEAR, "include_drafts": "1"}
        ).content.decode()
        row = html.split('data-code="21640"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("90,00", row)

    def test_it_exports_without_drafts_unless_asked(self) -> None:
        self.login(self.district)
        url = reverse("indicators:export_csv")

        def codes(**extra: str) -> set[str]:
            response = self.client.get(url, {"parent": "543", "period": YEAR, **extra})
            self.assertEqual(response.status_code, 200)
            text = response.content.decode("utf-8-sig")
            return {row["gso_code"] for row in csv.DictReader(io.StringIO(text))}

        self.assertEqual(codes(), {"21637"})
        self.assertEqual(codes(include_drafts="1"), {"21637", "21640"})

    def test_it_drafts_the_dispatch_page_without_drafts_unless_asked(self) -> None:
        self.login(self.district)
        url = reverse("indicators:dispatch")
        html = self.client.get(url, {"parent": "543", "period": YEAR}).content.decode()
        self.assertIn("2 đơn vị còn nháp", html)
        self.assertIn('name="include_drafts" value="1">', html)
        html = self.client.get(
            url, {"parent": "543", "period": YEAR, "include_drafts": "1"}
        ).content.decode()
        self.assertIn("include_drafts=1", html.split('id="download-xlsx"', 1)[1][:200])


class DraftsCommandsTestCase(DraftsCase):
    def command(self, *args: str) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    def test_it_ranks_without_drafts_unless_asked(self) -> None:
        args = ("ranking", "--parent", "543", "--period", YEAR, "--indicator", "online")
        rows = {
            r["code"]: r
            for r in csv.DictReader(io.StringIO(self.command(*args, "--format", "csv")))
        }
        self.assertEqual((rows["21637"]["numerator"], rows["21640"]["numerator"]), ("550", ""))
        with_drafts = self.command(*args, "--format", "csv", "--include-drafts")
        rows = {r["code"]: r for r in csv.DictReader(io.StringIO(with_drafts))}
        self.assertEqual((rows["21637"]["numerator"], rows["21640"]["numerator"]), ("650", "108"))

    def test_it_exports_without_drafts_unless_asked(self) -> None:
        args = ("export_figures", "--parent", "543", "--period", YEAR, "--format", "csv")
        without = self.command(*args, "--output", "-")
        self.assertNotIn(",21640,", without)
        self.assertIn(",21637,", without)
        self.assertIn(",21640,", self.command(*args, "--output", "-", "--include-drafts"))

    def test_it_drafts_the_dispatch_without_drafts_unless_asked(self) -> None:
        args = ("draft_dispatch", "--parent", "543", "--period", YEAR)
        without = self.command(*args)
        self.assertIn("từ cao đến thấp: Tam Quan 50,00%.", without)
        self.assertIn("chưa có số liệu: Bồng Sơn;", without)  # drafts only: as if not entered
        with_drafts = self.command(*args, "--include-drafts")
        self.assertIn("Bồng Sơn 90,00%", with_drafts)

    def test_it_computes_targets_on_a_baseline_without_drafts_unless_asked(self) -> None:
        plan = TargetPlan.objects.create(
            issuer=self.hoai_nhon_2024, year=2025, title="Thử 2025", applies_rule=True
        )
        PlanMinimum.objects.create(plan=plan, indicator=self.online, value=Decimal(40))
        args = ("compute_targets", "--year", "2025", "--parent", "543", "--dry-run")

        def baselines(*extra: str) -> dict[str, str]:
            text = self.command(*args, "--format", "csv", *extra)
            return {r["unit_code"]: r["baseline"] for r in csv.DictReader(io.StringIO(text))}

        without = baselines()
        self.assertEqual(without["21637"], "50.00")  # 550/1100, the draft month left out
        self.assertEqual(without["21640"], "")  # drafts only: no baseline
        included = baselines("--include-drafts")
        self.assertEqual(included["21637"], "54.17")  # 650/1200
        self.assertEqual(included["21640"], "90.00")
