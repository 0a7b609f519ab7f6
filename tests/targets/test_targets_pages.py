from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import (
    Target,
    TargetPlan,
    TargetSource,
    TierTarget,
)
from indicators.targets import services as targets_services
from indicators.targets.selectors import PLAN_PAGE_UNITS
from tests.base import BaseTestCase, make_user
from tests.targets.merged import merged_bong_son_plan
from units.models import Role

PAYMENT_SENTENCE = (
    "Kết quả năm 2024 đạt 85,96 % ≥ chỉ tiêu Trung ương 85 % → chỉ tiêu 2025 = 85,96 + 10 = 95,96 %"
)


def plan_url(plan: TargetPlan) -> str:
    return f"/chi-tieu/{plan.pk}/"


def target_url(target: Target) -> str:
    return f"/chi-tieu/{target.plan_id}/muc/{target.pk}/"


class TargetsTestCase(BaseTestCase):
    duc_pho_plan: TargetPlan
    hoai_nhon_plan: TargetPlan
    binh_dinh_plan: TargetPlan
    commune_target: Target

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.duc_pho_plan = TargetPlan.objects.get(issuer=cls.duc_pho, year=2025)
        cls.hoai_nhon_plan = TargetPlan.objects.get(issuer=cls.hoai_nhon, year=2023)
        cls.binh_dinh_plan = TargetPlan.objects.get(issuer__code="52", year=2023)
        cls.commune_target = Target.objects.get(
            plan=cls.hoai_nhon_plan, unit=cls.hoai_duc, indicator__code="online"
        )


class PlanPagesTestCase(TargetsTestCase):
    def test_it_lists_the_plans_a_user_may_see(self) -> None:
        self.login(self.district)
        html = self.client.get("/chi-tieu/").content.decode()
        self.assertIn(self.hoai_nhon_plan.title, html)
        self.assertIn(self.binh_dinh_plan.title, html)  # issued above the user
        self.assertNotIn(self.duc_pho_plan.title, html)  # another province
        self.login(self.outsider)
        html = self.client.get("/chi-tieu/").content.decode()
        self.assertIn(self.duc_pho_plan.title, html)
        self.assertIn("phường Phổ Ninh", html)  # issued below the user
        self.assertNotIn(self.hoai_nhon_plan.title, html)

    def test_it_explains_the_duc_pho_2025_targets(self) -> None:
        self.login(self.outsider)  # district staff of Đức Phổ
        response = self.client.get(plan_url(self.duc_pho_plan))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn(PAYMENT_SENTENCE, html)
        self.assertIn("Công văn /UBND tháng 01/2025", html)  # the decision
        self.assertIn("Thị xã Đức Phổ", html)  # the issuer
        self.assertIn("điểm phần trăm", html)  # the uplift mode
        self.assertIn("kết quả công bố: Công văn UBND thị xã Đức Phổ", html)  # baseline source
        self.assertIn("95,96 %", html)
        self.assertRegex(html, r'(?s)data-indicator="online">.*?80 %')  # national minimum

    def test_it_links_every_target_and_names_its_source(self) -> None:
        # The links are built once per page (TargetUrl), not one {% url %} per row.
        self.login(self.district)
        html = self.client.get(plan_url(self.hoai_nhon_plan)).content.decode()
        targets = list(Target.objects.filter(plan=self.hoai_nhon_plan))
        self.assertTrue(targets)
        for target in targets:
            with self.subTest(target=target.pk):
                self.assertIn(f'href="{target_url(target)}"', html)
        for source in {t.source for t in targets}:
            label = TargetSource(source).label
            self.assertIn(f'<span class="badge">{label}</span>', html)
        self.assertIn("Xem / sửa", html)

    def test_it_shows_per_tier_targets(self) -> None:
        self.login(self.district)
        html = self.client.get(plan_url(self.hoai_nhon_plan)).content.decode()
        self.assertRegex(html, r'(?s)id="tiers".*?data-level="commune">.*?70 %')
        self.assertIn("giao chung cho cấp xã (Công văn /UBND-VP tháng 07/2023)", html)

    def test_it_answers_404_and_403(self) -> None:
        self.login(self.district)
        self.assertEqual(self.client.get("/chi-tieu/999999/").status_code, 404)
        self.assertEqual(self.client.get(plan_url(self.duc_pho_plan)).status_code, 403)
        duc_pho_target = Target.objects.filter(plan=self.duc_pho_plan).first()
        assert duc_pho_target is not None
        self.assertEqual(self.client.get(target_url(duc_pho_target)).status_code, 403)
        self.login(self.commune)  # sees the plan, but not a sibling commune's target
        self.assertEqual(self.client.get(plan_url(self.hoai_nhon_plan)).status_code, 200)
        sibling = Target.objects.filter(plan=self.hoai_nhon_plan).exclude(unit=self.hoai_duc)[0]
        self.assertEqual(self.client.get(target_url(sibling)).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get("/chi-tieu/").status_code, 302)

    def test_it_shows_only_the_users_part_of_a_province_plan(self) -> None:
        self.login(self.commune)
        html = self.client.get(plan_url(self.binh_dinh_plan)).content.decode()
        self.assertIn(f'id="unit-{self.hoai_duc.pk}"', html)
        self.assertEqual(html.count('class="card target-unit"'), 1)
        self.assertNotIn('id="apply"', html)

    def test_it_pages_a_large_plan_by_unit(self) -> None:
        self.login(self.admin)
        plan = self.binh_dinh_plan
        first = self.client.get(plan_url(plan))
        units = list(first.context["page"].page.paginator.object_list)
        self.assertGreater(len(units), PLAN_PAGE_UNITS)  # more than one page
        html = first.content.decode()
        self.assertIn('href="?page=2#targets"', html)
        self.assertIn(f'id="unit-{units[0].pk}"', html)
        self.assertNotIn(f'id="unit-{units[PLAN_PAGE_UNITS].pk}"', html)
        second = self.client.get(plan_url(plan), {"page": 2}).content.decode()
        self.assertIn(f'id="unit-{units[PLAN_PAGE_UNITS].pk}"', second)
        self.assertNotIn(f'id="unit-{units[0].pk}"', second)
        # The target page's way back opens the page that holds the target's unit.
        later = units[PLAN_PAGE_UNITS]
        target = Target.objects.filter(plan=plan, unit=later).first()
        assert target is not None
        back = f"{plan_url(plan)}?unit={later.pk}#unit-{later.pk}"
        self.assertIn(f'href="{back}"', self.client.get(target_url(target)).content.decode())
        by_unit = self.client.get(plan_url(plan), {"unit": later.pk}).content.decode()
        self.assertIn(f'id="unit-{later.pk}"', by_unit)
        # Anything else opens a page, never an error.
        for bad in ("0", "999", "x", "-1", "2.5"):
            with self.subTest(page=bad):
                self.assertEqual(self.client.get(plan_url(plan), {"page": bad}).status_code, 200)
        self.assertEqual(self.client.get(plan_url(plan), {"unit": "abc"}).status_code, 200)

    def test_it_keeps_the_query_count_flat(self) -> None:
        self.login(self.admin)
        counts = []
        sizes = []
        for plan in (self.hoai_nhon_plan, self.binh_dinh_plan):
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(plan_url(plan))
            self.assertEqual(response.status_code, 200)
            counts.append(len(queries))
            sizes.append(response.context["page"].page.paginator.count)
            shown = response.content.decode().count('class="card target-unit"')
            self.assertEqual(shown, min(sizes[-1], PLAN_PAGE_UNITS))
        self.assertGreater(sizes[1], sizes[0] * 3, sizes)  # Bình Định ≫ Hoài Nhơn
        self.assertEqual(counts[0], counts[1], counts)
        # 12: the page's 7 (plans_page) + session, user, plan and the apply form's parents.
        self.assertLessEqual(counts[0], 12, counts)
        # And for two users of different reach on the same plan.
        with CaptureQueriesContext(connection) as admin_queries:
            self.client.get(plan_url(self.binh_dinh_plan))
        self.login(self.commune)
        with CaptureQueriesContext(connection) as commune_queries:
            self.client.get(plan_url(self.binh_dinh_plan))
        self.assertLessEqual(len(commune_queries), len(admin_queries))


class ApplyRuleTestCase(TargetsTestCase):
    def test_it_applies_the_rule_to_the_district_and_keeps_overrides(self) -> None:
        plan = self.duc_pho_plan
        online = Target.objects.get(plan=plan, unit=self.duc_pho, indicator__code="online")
        targets_services.target_override(
            target=online, value=Decimal(98), reason="Theo chỉ đạo của Chủ tịch", user=None
        )
        Target.objects.filter(plan=plan).exclude(pk=online.pk).delete()
        self.login(self.outsider)  # district staff of Đức Phổ, the issuer
        response = self.client.post(f"/chi-tieu/{plan.pk}/ap-dung/", {"parent": self.duc_pho.pk})
        self.assertRedirects(response, plan_url(plan), fetch_redirect_response=False)
        payment = Target.objects.get(plan=plan, unit=self.duc_pho, indicator__code="payment")
        self.assertEqual(payment.value, Decimal("95.96"))
        self.assertEqual(payment.source, TargetSource.RULE)
        online.refresh_from_db()
        self.assertEqual((online.value, online.source), (Decimal(98), TargetSource.MANUAL))
        self.assertGreater(Target.objects.filter(plan=plan).exclude(unit=self.duc_pho).count(), 0)
        html = self.client.get(plan_url(plan)).content.decode()
        self.assertIn("Đã áp dụng cho Thị xã Đức Phổ", html)
        self.assertIn(PAYMENT_SENTENCE, html)

    def test_it_applies_tiers_of_a_plan_without_the_rule(self) -> None:
        Target.objects.filter(plan=self.hoai_nhon_plan).delete()
        self.login(self.district)
        response = self.client.post(f"/chi-tieu/{self.hoai_nhon_plan.pk}/ap-dung/")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Target.objects.get(
                plan=self.hoai_nhon_plan, unit=self.hoai_duc, indicator__code="online"
            ).value,
            Decimal(70),
        )

    def test_it_refuses_chairman_commune_and_outsider(self) -> None:
        url = f"/chi-tieu/{self.hoai_nhon_plan.pk}/ap-dung/"
        before = list(Target.objects.filter(plan=self.hoai_nhon_plan).values_list("pk", "value"))
        for user in (self.chairman, self.commune, self.outsider):
            self.login(user)
            self.assertEqual(self.client.post(url).status_code, 403, user)
        self.login(self.district)  # the province's plan is not the district's to apply
        binh_dinh_url = f"/chi-tieu/{self.binh_dinh_plan.pk}/ap-dung/"
        self.assertEqual(self.client.post(binh_dinh_url).status_code, 403)
        self.assertEqual(self.client.get(url).status_code, 405)
        after = list(Target.objects.filter(plan=self.hoai_nhon_plan).values_list("pk", "value"))
        self.assertEqual(before, after)
        html = self.client.get(plan_url(self.hoai_nhon_plan)).content.decode()
        self.assertIn('id="apply-rule"', html)
        self.login(self.chairman)
        html = self.client.get(plan_url(self.hoai_nhon_plan)).content.decode()
        self.assertNotIn('id="apply-rule"', html)

    def test_it_refuses_a_parent_outside_the_issuer(self) -> None:
        self.login(self.outsider)
        response = self.client.post(
            f"/chi-tieu/{self.duc_pho_plan.pk}/ap-dung/", {"parent": self.hoai_nhon.pk}, follow=True
        )
        self.assertContains(response, "Đơn vị này không thuộc phạm vi của kế hoạch.")


class OverrideTestCase(TargetsTestCase):
    def test_it_overrides_a_target_with_a_reason(self) -> None:
        self.login(self.district)
        url = target_url(self.commune_target)
        response = self.client.post(url, {"value": "80,5", "reason": "Theo chỉ đạo của Chủ tịch"})
        self.assertRedirects(response, url)
        target = Target.objects.get(pk=self.commune_target.pk)
        self.assertEqual((target.value, target.source), (Decimal("80.5"), TargetSource.MANUAL))
        self.assertIn("Theo chỉ đạo của Chủ tịch (70 % → 80,5 %, district,", target.reason)
        html = self.client.get(url).content.decode()
        self.assertIn("Theo chỉ đạo của Chủ tịch", html)
        self.assertIn("80,5 %", html)
        # A second change keeps the first in the trail, newest first.
        self.client.post(url, {"value": "85", "reason": "Điều chỉnh lần hai"})
        target.refresh_from_db()
        self.assertRegex(target.reason, r"^Điều chỉnh lần hai \(80,5 % → 85 %.*‖ Theo chỉ đạo")
        plan_html = self.client.get(plan_url(self.hoai_nhon_plan)).content.decode()
        self.assertIn("Chỉ tiêu 2023 giao thủ công: Điều chỉnh lần hai", plan_html)

    def test_it_refuses_an_override_without_a_reason_or_out_of_range(self) -> None:
        self.login(self.district)
        url = target_url(self.commune_target)
        response = self.client.post(url, {"value": "80", "reason": "   "})
        self.assertContains(response, "Cần ghi lý do khi sửa chỉ tiêu.", status_code=400)
        response = self.client.post(url, {"value": "150", "reason": "Quá cao"})
        self.assertContains(response, "Chỉ tiêu tỷ lệ phải từ 0 đến 100 %.", status_code=400)
        response = self.client.post(url, {"value": "abc", "reason": "Sai"})
        self.assertContains(response, "Chỉ tiêu phải là một số", status_code=400)
        self.commune_target.refresh_from_db()
        self.assertEqual(self.commune_target.source, TargetSource.INHERITED)
        with self.assertRaisesMessage(targets_services.TargetError, "Cần ghi lý do"):
            targets_services.target_override(
                target=self.commune_target, value=Decimal(80), reason="", user=None
            )

    def test_it_refuses_overrides_by_chairman_commune_and_outsider(self) -> None:
        url = target_url(self.commune_target)
        for user in (self.chairman, self.commune, self.outsider):
            self.login(user)
            response = self.client.post(url, {"value": "90", "reason": "Thử"})
            self.assertEqual(response.status_code, 403, user)
        self.login(self.commune)  # may read its own target, without a form
        html = self.client.get(url).content.decode()
        self.assertNotIn('id="override"', html)
        self.commune_target.refresh_from_db()
        self.assertEqual(self.commune_target.value, Decimal(70))


class RangeTargetsTestCase(TargetsTestCase):
    """Seed 004: payment "từ 55 đến 60 % tùy từng địa phương" for the communes."""

    def setUp(self) -> None:
        TierTarget.objects.filter(
            plan=self.hoai_nhon_plan, indicator__code="payment", level="commune"
        ).update(value_high=Decimal(60))
        targets_services.targets_apply_jurisdiction(plan=self.hoai_nhon_plan)
        self.target = Target.objects.get(
            plan=self.hoai_nhon_plan, unit=self.hoai_duc, indicator__code="payment"
        )

    def test_it_gives_each_unit_of_the_tier_the_range(self) -> None:
        self.assertEqual(
            (self.target.value, self.target.value_high, self.target.source),
            (Decimal(55), Decimal(60), TargetSource.INHERITED),
        )
        desk = Target.objects.get(
            plan=self.hoai_nhon_plan, unit=self.hoai_nhon, indicator__code="payment"
        )
        self.assertIsNone(desk.value_high)  # the district desk has a single value
        self.login(self.district)
        html = self.client.get(plan_url(self.hoai_nhon_plan)).content.decode()
        self.assertRegex(html, r"(?s)data-level=\"commune\">.*?55 – 60 %")
        item = html.split(f'data-target="{self.target.pk}"', 1)[1].split("</li>", 1)[0]
        self.assertIn("55 – 60 %", item)

    def test_it_sets_a_units_own_value_inside_the_range(self) -> None:
        self.login(self.district)
        url = target_url(self.target)
        response = self.client.post(url, {"value": "61", "reason": "Xã có nhiều hồ sơ"})
        self.assertContains(response, "phải nằm trong khoảng 55 – 60 %", status_code=400)
        response = self.client.post(url, {"value": "58", "reason": "Xã có nhiều hồ sơ"})
        self.assertRedirects(response, url)
        self.target.refresh_from_db()
        self.assertEqual((self.target.value, self.target.value_high), (Decimal(58), None))
        self.assertIn("Giá trị riêng trong khoảng 55 – 60 %: Xã có nhiều hồ sơ", self.target.reason)
        # Re-applying the plan keeps the unit's own value.
        targets_services.targets_apply_jurisdiction(plan=self.hoai_nhon_plan)
        self.target.refresh_from_db()
        self.assertEqual(self.target.value, Decimal(58))


class MergedUnitTestCase(BaseTestCase):
    def test_it_shows_a_merged_units_baseline_as_such(self) -> None:
        new_bong_son, gia_lai, plan = merged_bong_son_plan()
        staff = make_user("tinh.gialai.test", Role.PROVINCE_STAFF, gia_lai)
        self.login(staff)
        response = self.client.post(
            f"/chi-tieu/{plan.pk}/ap-dung/", {"parent": new_bong_son.pk}, follow=True
        )
        self.assertEqual(response.status_code, 200)
        target = Target.objects.get(plan=plan, unit=new_bong_son)
        self.assertEqual(target.value, Decimal(80))
        html = response.content.decode()
        section = html.split(f'id="unit-{new_bong_son.pk}"', 1)[1].split("</section>", 1)[0]
        self.assertIn("Kết quả năm 2025 đạt 75 % &lt; chỉ tiêu Trung ương 80 %", section)
        self.assertIn(
            "tổng số liệu 01–12/2025 của Bồng Sơn, Hoài Đức (trước sắp xếp); đơn vị chưa có "
            "số liệu sau sắp xếp (từ 01/07/2025)",
            section,
        )
        self.assertIn("Đơn vị mới sau sắp xếp", section)
        self.assertIn("Phường Bồng Sơn, Phường Hoài Đức", section)
