from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.db.models import Sum

from indicators.demo import DEMO_ACCOUNTS, SAMPLE_SOURCE, demo_load
from indicators.domain.formulas import check_identities
from indicators.models import FiguresStatus, PublishedResult, Target, TargetPlan, UnitFigures
from tests.base import BaseTestCase
from units.models import AdministrativeUnit, Structure, UnitLevel, User
from units.selectors import unit_by_code

TODAY = dt.date(2026, 12, 1)


class LoadDemoTestCase(BaseTestCase):
    def test_it_loads_labelled_sample_data_once(self) -> None:
        first = demo_load(sample=True, users=True)
        self.assertGreater(first.figures_sample, 1000)
        counts = (
            UnitFigures.objects.count(),
            Target.objects.count(),
            PublishedResult.objects.count(),
            User.objects.count(),
        )

        second = demo_load(sample=True, users=True)
        self.assertEqual(second.figures_sample, 0)
        self.assertEqual(
            counts,
            (
                UnitFigures.objects.count(),
                Target.objects.count(),
                PublishedResult.objects.count(),
                User.objects.count(),
            ),
        )

    def test_it_creates_one_account_per_role_and_prints_them(self) -> None:
        out = io.StringIO()
        call_command("load_demo", "--no-sample", stdout=out)
        for account in DEMO_ACCOUNTS:
            user = User.objects.get(username=account.username)
            self.assertEqual(user.role, account.role)
            self.assertIn(account.username, out.getvalue())
        self.assertIn("giây", out.getvalue())  # the time it took
        unit = User.objects.get(username="xa.hoaiduc").unit
        assert unit is not None
        self.assertEqual(unit.code, "21685")


def _subtree(code: str, on: dt.date) -> AdministrativeUnit:
    return unit_by_code(code, on=on, level=UnitLevel.PROVINCE)


class DemoMonthsTestCase(BaseTestCase):
    """The sample data of today's demo: loaded once for the class."""

    gia_lai: AdministrativeUnit
    binh_dinh: AdministrativeUnit

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        demo_load(sample=True, users=True)
        cls.gia_lai = _subtree("52", TODAY)
        cls.binh_dinh = _subtree("52", dt.date(2025, 1, 1))

    def _months(self, province: AdministrativeUnit, code: str) -> int:
        return UnitFigures.objects.filter(
            unit__path__startswith=province.path, period__code=code, is_sample=True
        ).count()

    def test_it_never_marks_real_figures_as_sample_nor_overwrites_them(self) -> None:
        real = UnitFigures.objects.filter(period__code="2023-H1-CAL", unit__parent__code="543")
        self.assertEqual(real.count(), 17)
        self.assertFalse(real.filter(is_sample=True).exists())
        bong_son = real.get(unit__code="21640")
        self.assertEqual(
            (bong_son.total, bong_son.received, bong_son.received_online), (1087, 1071, 661)
        )

    def test_it_generates_sample_figures_that_obey_every_identity(self) -> None:
        sample = UnitFigures.objects.filter(is_sample=True)
        self.assertGreater(sample.count(), 5000)
        self.assertFalse(sample.exclude(source=SAMPLE_SOURCE).exists())
        for figures in sample.iterator():
            self.assertEqual(check_identities(figures.counts()), [], figures)

    def test_it_fills_each_month_on_the_structure_in_force_when_it_closes(self) -> None:
        # Legacy Bình Định (districts' desks and communes) up to 2025-M06-ND09 (ends 14/06).
        self.assertGreater(self._months(self.binh_dinh, "2024-M12-ND09"), 100)
        self.assertGreater(self._months(self.binh_dinh, "2025-M06-ND09"), 100)
        self.assertTrue(
            UnitFigures.objects.filter(
                unit__path__startswith=self.binh_dinh.path,
                unit__level=UnitLevel.DISTRICT,
                period__code="2025-M06-ND09",
            ).exists()
        )
        self.assertEqual(self._months(self.binh_dinh, "2025-M07-ND09"), 0)
        # The month 15/06–14/07/2025 straddling the merger is the new communes' first.
        communes = AdministrativeUnit.objects.filter(
            parent=self.gia_lai, level=UnitLevel.COMMUNE
        ).count()
        self.assertEqual(self._months(self.gia_lai, "2025-M06-ND09"), 0)
        for code in ("2025-M07-ND09", "2026-M01-ND09", "2026-M10-ND09"):
            self.assertEqual(self._months(self.gia_lai, code), communes, code)

    def test_it_continues_hoai_ducs_real_level(self) -> None:
        """Hoài Đức filed 93,33 % online in H1 2023 (783 / 839): its sample months stay close,
        and new Phường Bồng Sơn starts near the ratio of sums of Bồng Sơn and Hoài Đức."""
        hoai_duc = UnitFigures.objects.filter(
            unit__code="21685", unit__structure=Structure.LEGACY, is_sample=True
        ).aggregate(n=Sum("received_online"), d=Sum("received"))
        self.assertAlmostEqual(hoai_duc["n"] * 100 / hoai_duc["d"], 93.33, delta=4)
        before = UnitFigures.objects.filter(
            unit__code__in=["21640", "21685"],
            unit__structure=Structure.LEGACY,
            period__code__in=["2025-M05-ND09", "2025-M06-ND09"],
        ).aggregate(n=Sum("received_online"), d=Sum("received"))
        after = UnitFigures.objects.filter(
            unit__code="21640",
            unit__structure=Structure.REFORM_2025,
            period__code__in=["2025-M07-ND09", "2025-M08-ND09"],
        ).aggregate(n=Sum("received_online"), d=Sum("received"))
        self.assertAlmostEqual(
            after["n"] * 100 / after["d"], before["n"] * 100 / before["d"], delta=5
        )

    def test_it_leaves_the_latest_months_partly_reported(self) -> None:
        communes = AdministrativeUnit.objects.filter(parent=self.gia_lai).count()
        statuses = {
            code: list(
                UnitFigures.objects.filter(
                    unit__path__startswith=self.gia_lai.path, period__code=code
                ).values_list("status", flat=True)
            )
            for code in ("2026-M10-ND09", "2026-M11-ND09", "2026-M12-ND09")
        }
        self.assertEqual(set(statuses["2026-M10-ND09"]), {FiguresStatus.APPROVED})
        # The month just closed (15/10–14/11/2026): mostly in, some drafts, a few missing.
        closed = statuses["2026-M11-ND09"]
        self.assertLess(len(closed), communes)
        self.assertGreater(len(closed), communes * 0.8)
        self.assertTrue({FiguresStatus.DRAFT, FiguresStatus.SUBMITTED} <= set(closed))
        # The current month (15/11–14/12/2026), its first days only: most not reported.
        current = statuses["2026-M12-ND09"]
        self.assertGreater(len(current), 0)
        self.assertLess(len(current), communes * 0.6)
        self.assertNotIn(FiguresStatus.APPROVED, current)

    def test_it_makes_the_2026_plan_of_gia_lai_with_targets_for_its_communes(self) -> None:
        plan = TargetPlan.objects.get(issuer=self.gia_lai, year=2026)
        self.assertTrue(plan.applies_rule)
        communes = AdministrativeUnit.objects.filter(parent=self.gia_lai, level=UnitLevel.COMMUNE)
        with_target = Target.objects.filter(plan=plan, unit__in=communes, indicator__code="online")
        self.assertEqual(with_target.count(), communes.count())
        bong_son = with_target.get(unit__code="21640")
        self.assertGreaterEqual(bong_son.value, 80)  # the national minimum at least
        self.assertTrue(bong_son.baseline_note)  # from its 2025 figures

    def test_it_gives_the_two_tier_accounts_units_of_today(self) -> None:
        expected = {
            "tinh.gialai": self.gia_lai,
            "chutich.gialai": self.gia_lai,
            "xa.bongson": unit_by_code("21640", on=TODAY, level=UnitLevel.COMMUNE),
        }
        for username, unit in expected.items():
            user = User.objects.get(username=username)
            self.assertEqual(user.unit, unit, username)
            self.assertEqual(unit.structure, Structure.REFORM_2025)

    def test_it_lands_the_two_tier_accounts_on_data(self) -> None:
        for username in ("tinh.gialai", "chutich.gialai", "xa.bongson"):
            self.client.force_login(User.objects.get(username=username))
            response = self.client.get("/", follow=True)
            self.assertEqual(response.status_code, 200, username)
            html = response.content.decode()
            self.assertTrue("cell-met" in html or "status-met" in html, username)
            self.assertTrue("cell-missed" in html or "status-missed" in html, username)
        html = self.client.get("/", follow=True).content.decode()  # xa.bongson's own page
        self.assertIn('id="unit-trend-data"', html)
