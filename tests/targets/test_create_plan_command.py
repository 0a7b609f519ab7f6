from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.management import CommandError, call_command

from indicators.models import PlanMinimum, TargetPlan, TierTarget
from indicators.targets import services
from tests.base import BaseTestCase
from units.models import AuditAction, AuditEvent
from units.selectors import unit_by_code

NATIONAL_2025 = {
    "online": Decimal(80),
    "payment": Decimal(85),
    "digitization": Decimal(95),
    "e_results": Decimal(100),
    "reuse": Decimal(55),
    "feedback": Decimal(100),
    "satisfaction": Decimal(95),
}


def create_plan(*args: str) -> tuple[TargetPlan, str]:
    out = io.StringIO()
    call_command("create_plan", *args, stdout=out)
    first, summary = out.getvalue().splitlines()[:2]
    return TargetPlan.objects.get(pk=int(first)), summary


def minimums_of(plan: TargetPlan) -> dict[str, Decimal]:
    return {
        m.indicator.code: m.value
        for m in PlanMinimum.objects.filter(plan=plan).select_related("indicator")
    }


class CreatePlanCommandTestCase(BaseTestCase):
    def test_it_creates_a_plan_with_the_latest_national_minimums(self) -> None:
        plan, summary = create_plan(
            "--issuer",
            "52",
            "--year",
            "2026",
            "--decision-number",
            "123/QĐ-UBND",
            "--decision-date",
            "15/01/2026",
            "--rule",
        )
        gia_lai = unit_by_code("52", on=dt.date(2026, 1, 1))
        self.assertEqual((plan.issuer, plan.year, plan.applies_rule), (gia_lai, 2026, True))
        self.assertEqual(plan.title, "Kế hoạch chỉ tiêu năm 2026 của Tỉnh Gia Lai")
        self.assertEqual(plan.decision_date, dt.date(2026, 1, 15))
        self.assertEqual((plan.uplift, plan.uplift_mode), (Decimal(10), "points"))
        self.assertEqual(minimums_of(plan), NATIONAL_2025)
        self.assertIn(f"Đã tạo kế hoạch {plan.pk}", summary)
        self.assertIn("tăng 10 điểm phần trăm", summary)
        event = AuditEvent.objects.get(action=AuditAction.TARGET_CHANGE, details__plan_id=plan.pk)
        self.assertEqual(event.username, "(dòng lệnh)")
        self.assertTrue(event.details["created"])

    def test_it_takes_the_minimums_given_as_the_plans_list(self) -> None:
        plan, _summary = create_plan(
            "--issuer",
            "52",
            "--year",
            "2026",
            "--minimum",
            "online=90",
            "--minimum",
            "payment=85,5",
            "--uplift",
            "5",
            "--uplift-mode",
            "relative",
            "--no-rule",
        )
        self.assertEqual(minimums_of(plan), {"online": Decimal(90), "payment": Decimal("85.5")})
        self.assertEqual((plan.uplift, plan.uplift_mode, plan.applies_rule), (5, "relative", False))

    def test_it_copies_last_years_plan_with_its_tier_ranges(self) -> None:
        last_year = TargetPlan.objects.get(issuer=self.hoai_nhon, year=2023)
        TierTarget.objects.filter(
            plan=last_year, indicator__code="payment", level="commune"
        ).update(value_high=Decimal(60))
        plan, _summary = create_plan(
            "--issuer", "543", "--year", "2024", "--copy-from", str(last_year.pk)
        )
        self.assertEqual(plan.title, "Chỉ tiêu thị xã Hoài Nhơn giao năm 2024")
        self.assertEqual(plan.applies_rule, last_year.applies_rule)
        tiers = {
            (t.indicator.code, t.level): (t.value, t.value_high)
            for t in TierTarget.objects.filter(plan=plan).select_related("indicator")
        }
        self.assertEqual(tiers[("payment", "commune")], (Decimal(55), Decimal(60)))
        self.assertEqual(tiers[("online", "district")], (Decimal(25), None))
        self.assertEqual(len(tiers), TierTarget.objects.filter(plan=last_year).count())
        # The copy is the new plan's: last year's is as it was.
        self.assertEqual(TierTarget.objects.filter(plan=last_year).count(), 4)

    def test_it_copies_rule_uplift_and_minimums_and_lets_options_override(self) -> None:
        first, _ = create_plan(
            "--issuer", "52", "--year", "2026", "--minimum", "online=82", "--uplift", "7,5"
        )
        second, _ = create_plan(
            "--issuer", "52", "--year", "2027", "--copy-from", str(first.pk), "--uplift", "4"
        )
        self.assertEqual(second.title, "Kế hoạch chỉ tiêu năm 2027 của Tỉnh Gia Lai")
        self.assertEqual(minimums_of(second), {"online": Decimal(82)})
        self.assertEqual((second.uplift, second.applies_rule), (Decimal(4), True))

    def test_it_leaves_out_district_tiers_in_a_year_without_districts(self) -> None:
        binh_dinh_2023 = TargetPlan.objects.get(issuer__code="52", year=2023)
        plan, _ = create_plan(
            "--issuer", "52", "--year", "2026", "--copy-from", str(binh_dinh_2023.pk)
        )
        levels = set(TierTarget.objects.filter(plan=plan).values_list("level", flat=True))
        self.assertEqual(levels, {"commune"})
        # Another issuer's title names another unit: the new plan gets its own.
        self.assertEqual(plan.title, "Kế hoạch chỉ tiêu năm 2026 của Tỉnh Gia Lai")

    def test_it_refuses_bad_input_and_writes_nothing(self) -> None:
        cases = [
            (["--issuer", "534", "--year", "2025"], "đã có kế hoạch chỉ tiêu năm 2025"),
            (["--issuer", "52", "--year", "2026", "--minimum", "online=120"], "từ 0 đến 100 %"),
            (["--issuer", "52", "--year", "2026", "--minimum", "online=-1"], "từ 0 đến 100 %"),
            (
                ["--issuer", "52", "--year", "2026", "--minimum", "foo=50"],
                "Không có chỉ số mã «foo»",
            ),
            (["--issuer", "52", "--year", "2026", "--minimum", "online=abc"], "phải là một số"),
            (["--issuer", "52", "--year", "2026", "--minimum", "online"], "MÃ_CHỈ_SỐ=GIÁ_TRỊ"),
            (["--issuer", "543", "--year", "2026"], "chỉ tồn tại đến 30/06/2025"),
            (["--issuer", "99999", "--year", "2026"], "Không có đơn vị mã 99999"),
            (["--issuer", "52", "--year", "1999"], "Năm kế hoạch 1999 không hợp lệ"),
            (["--issuer", "52", "--year", "2100"], "Năm kế hoạch 2100 không hợp lệ"),
            (["--issuer", "52", "--year", "2026", "--copy-from", "999999"], "--copy-from"),
            (["--issuer", "52", "--year", "2026", "--uplift", "abc"], "Mức tăng phải là một số"),
            (["--issuer", "52", "--year", "2026", "--uplift", "500"], "Mức tăng phải từ"),
            (["--issuer", "52", "--year", "2026", "--decision-date", "2026-01-15"], "DD/MM/YYYY"),
        ]
        plans, events = TargetPlan.objects.count(), AuditEvent.objects.count()
        for args, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                create_plan(*args)
        self.assertEqual((TargetPlan.objects.count(), AuditEvent.objects.count()), (plans, events))
        self.assertEqual(PlanMinimum.objects.filter(plan__year=2026).count(), 0)


class PlanCreateServiceTestCase(BaseTestCase):
    def test_it_refuses_an_issuer_that_did_not_exist_that_year(self) -> None:
        gia_lai = unit_by_code("52", on=dt.date(2026, 1, 1))
        with self.assertRaisesMessage(services.PlanError, "có từ 01/07/2025") as caught:
            services.plan_create(issuer=gia_lai, year=2024, user=None)
        self.assertEqual(caught.exception.field, "issuer")
        plan = services.plan_create(issuer=gia_lai, year=2025, user=None)  # from 07/2025
        self.assertEqual(plan.year, 2025)
        with self.assertRaisesMessage(services.PlanError, "chỉ tồn tại đến 30/06/2025"):
            services.plan_create(issuer=self.hoai_nhon, year=2026, user=None)
        self.assertFalse(TargetPlan.objects.filter(issuer=gia_lai, year=2024).exists())

    def test_it_starts_from_the_latest_central_plan_at_or_before_the_year(self) -> None:
        central = services.plan_create(
            issuer=None,
            year=2026,
            minimums=services.minimums_from_codes({"online": "88", "payment": "90"}),
            user=self.admin,
        )
        self.assertEqual(central.issuer_label, "Trung ương")
        gia_lai = unit_by_code("52", on=dt.date(2027, 1, 1))
        later = services.plan_create(issuer=gia_lai, year=2027, user=None)
        self.assertEqual(minimums_of(later), {"online": Decimal(88), "payment": Decimal(90)})
        earlier = services.plan_create(issuer=gia_lai, year=2025, user=None)
        self.assertEqual(minimums_of(earlier), NATIONAL_2025)  # the 2025 list, not 2026's
        with self.assertRaisesMessage(services.PlanError, "Trung ương đã có kế hoạch"):
            services.plan_create(issuer=None, year=2026, user=self.admin)

    def test_it_refuses_a_rule_plan_without_minimums(self) -> None:
        with self.assertRaisesMessage(services.PlanError, "cần chỉ tiêu tối thiểu"):
            services.plan_create(
                issuer=self.hoai_nhon, year=2024, applies_rule=True, minimums={}, user=None
            )
        plan = services.plan_create(
            issuer=self.hoai_nhon, year=2024, applies_rule=False, minimums={}, user=None
        )
        self.assertEqual(minimums_of(plan), {})
