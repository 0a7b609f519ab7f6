from __future__ import annotations

import datetime as dt
from decimal import Decimal

from indicators.models import PlanMinimum, TargetPlan, TierTarget
from tests.base import BaseTestCase, make_user
from units.models import AdministrativeUnit, AuditAction, AuditEvent, Role, User
from units.selectors import unit_by_code

URL = "/chi-tieu/tao-moi/"
NATIONAL_2025 = {
    "online": "80",
    "payment": "85",
    "digitization": "95",
    "e_results": "100",
    "reuse": "55",
    "feedback": "100",
    "satisfaction": "95",
}


def post_data(issuer_id: int | str, plan_year: int, **changes: str) -> dict[str, str]:
    data = {
        "issuer": str(issuer_id),
        "year": str(plan_year),
        "copy_from": "",
        "title": f"Kế hoạch chỉ tiêu năm {plan_year}",
        "decision_number": "15/KH-UBND",
        "decision_date": "20/01/2026",
        "applies_rule": "1",
        "uplift": "10",
        "uplift_mode": "points",
        **{f"min_{code}": value for code, value in NATIONAL_2025.items()},
    }
    data.update(changes)
    return data


class PlanCreatePageTestCase(BaseTestCase):
    gia_lai: AdministrativeUnit
    province: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.gia_lai = unit_by_code("52", on=dt.date(2026, 1, 1))
        cls.province = make_user("tinh.gialai.page", Role.PROVINCE_STAFF, cls.gia_lai)

    def counts(self) -> tuple[int, int, int]:
        changes = AuditEvent.objects.filter(action=AuditAction.TARGET_CHANGE)
        return TargetPlan.objects.count(), PlanMinimum.objects.count(), changes.count()

    def test_it_prefills_the_latest_national_minimums(self) -> None:
        self.login(self.province)
        response = self.client.get(URL, {"issuer": self.gia_lai.pk, "year": 2026})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for code, value in NATIONAL_2025.items():
            self.assertIn(f'name="min_{code}" value="{value}"', html)
        self.assertIn('name="min_on_time" id=', html)  # not in the national list: empty
        self.assertIn("Điền sẵn theo chỉ tiêu tối thiểu của Trung ương năm 2025", html)
        self.assertIn('value="Kế hoạch chỉ tiêu năm 2026 của Tỉnh Gia Lai"', html)

    def test_it_creates_the_plan_and_opens_its_page(self) -> None:
        self.login(self.province)
        html = self.client.get("/chi-tieu/").content.decode()
        self.assertIn(f'href="{URL}"', html)
        data = post_data(self.gia_lai.pk, 2026, min_online="85,5", min_reuse="")
        response = self.client.post(URL, data)
        plan = TargetPlan.objects.get(issuer=self.gia_lai, year=2026)
        self.assertRedirects(response, f"/chi-tieu/{plan.pk}/", fetch_redirect_response=False)
        self.assertEqual(
            (plan.title, plan.decision_number, plan.decision_date, plan.applies_rule),
            ("Kế hoạch chỉ tiêu năm 2026", "15/KH-UBND", dt.date(2026, 1, 20), True),
        )
        minimums = {
            m.indicator.code: m.value
            for m in PlanMinimum.objects.filter(plan=plan).select_related("indicator")
        }
        self.assertEqual(minimums["online"], Decimal("85.5"))
        self.assertNotIn("reuse", minimums)  # left empty: not in the plan
        self.assertEqual(len(minimums), 6)
        event = AuditEvent.objects.get(details__plan_id=plan.pk)
        self.assertEqual(event.user, self.province)
        page = self.client.get(f"/chi-tieu/{plan.pk}/").content.decode()
        self.assertIn("Đã tạo kế hoạch «Kế hoạch chỉ tiêu năm 2026» năm 2026.", page)

    def test_it_refuses_bad_input_and_writes_nothing(self) -> None:
        self.login(self.province)
        cases = [
            ({"min_online": "120"}, "phải từ 0 đến 100 %"),
            ({"min_payment": "-5"}, "phải từ 0 đến 100 %"),
            ({"min_online": "abc"}, "chỉ tiêu tối thiểu phải là một số"),
            ({"title": "  "}, "Cần ghi tên kế hoạch."),
            ({"decision_date": "2026-01-20"}, "Ngày ban hành phải có dạng dd/mm/yyyy"),
            ({"uplift": "1000"}, "Mức tăng phải từ"),
            ({"uplift_mode": "double"}, "Cách tăng không hợp lệ."),
            ({"year": "1999"}, "Năm kế hoạch 1999 không hợp lệ"),
            ({"year": "2024"}, "có từ 01/07/2025: không thể ban hành kế hoạch năm 2024"),
        ]
        before = self.counts()
        for changes, message in cases:
            with self.subTest(changes=changes):
                response = self.client.post(URL, post_data(self.gia_lai.pk, 2026, **changes))
                self.assertContains(response, message, status_code=400)
        self.assertEqual(self.counts(), before)
        # A second plan for the same year and issuer.
        self.client.post(URL, post_data(self.gia_lai.pk, 2026))
        before = self.counts()
        response = self.client.post(URL, post_data(self.gia_lai.pk, 2026, title="Lần hai"))
        self.assertContains(
            response, "Tỉnh Gia Lai đã có kế hoạch chỉ tiêu năm 2026 đang áp dụng", status_code=400
        )
        self.assertEqual(self.counts(), before)

    def test_it_lets_a_district_office_plan_only_the_years_its_district_existed(self) -> None:
        self.login(self.district)  # Hoài Nhơn, abolished on 30/06/2025
        before = self.counts()
        response = self.client.post(URL, post_data(self.hoai_nhon.pk, 2026))
        self.assertContains(response, "chỉ tồn tại đến 30/06/2025", status_code=400)
        self.assertEqual(self.counts(), before)
        response = self.client.post(URL, post_data(self.hoai_nhon.pk, 2024))
        plan = TargetPlan.objects.get(issuer=self.hoai_nhon, year=2024)
        self.assertRedirects(response, f"/chi-tieu/{plan.pk}/")

    def test_it_refuses_commune_chairman_and_outsider(self) -> None:
        before = self.counts()
        for user in (self.commune, self.chairman):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)
            response = self.client.post(URL, post_data(self.hoai_nhon.pk, 2024))
            self.assertEqual(response.status_code, 403, user)
            html = self.client.get("/chi-tieu/").content.decode()
            self.assertNotIn(f'href="{URL}"', html)
        self.login(self.outsider)  # Đức Phổ's office: not Hoài Nhơn's plans
        response = self.client.post(URL, post_data(self.hoai_nhon.pk, 2024))
        self.assertEqual(response.status_code, 403)
        response = self.client.post(URL, post_data("", 2024))  # the central list: admins only
        self.assertContains(response, "Cần chọn cơ quan ban hành.", status_code=400)
        self.assertEqual(self.counts(), before)
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)

    def test_it_copies_last_years_plan(self) -> None:
        last_year = TargetPlan.objects.get(issuer=self.hoai_nhon, year=2023)
        TierTarget.objects.filter(
            plan=last_year, indicator__code="payment", level="commune"
        ).update(value_high=Decimal(60))
        self.login(self.district)
        plan_page = self.client.get(f"/chi-tieu/{last_year.pk}/").content.decode()
        self.assertIn(
            f"{URL}?issuer={self.hoai_nhon.pk}&amp;year=2024&amp;copy_from={last_year.pk}",
            plan_page,
        )
        html = self.client.get(URL).content.decode()  # a district office: its last year
        self.assertIn('name="year" value="2025"', html)
        html = self.client.get(URL, {"issuer": self.hoai_nhon.pk, "year": 2024}).content.decode()
        self.assertIn('id="copy-previous"', html)
        self.assertIn(f"copy_from={last_year.pk}", html)
        response = self.client.get(
            URL, {"issuer": self.hoai_nhon.pk, "year": 2024, "copy_from": last_year.pk}
        )
        html = response.content.decode()
        self.assertIn('value="Chỉ tiêu thị xã Hoài Nhơn giao năm 2024"', html)
        self.assertIn('value="0" required id="id_applies_rule_1" checked', html)  # no rule
        self.assertRegex(html, r'data-level="commune">Thanh toán[^<]*55 – 60 %')
        self.assertIn('name="min_online" id=', html)  # last year's plan had no minimums
        data = post_data(
            self.hoai_nhon.pk,
            2024,
            copy_from=str(last_year.pk),
            title="Chỉ tiêu thị xã Hoài Nhơn giao năm 2024",
            applies_rule="0",
            **{f"min_{code}": "" for code in NATIONAL_2025},
        )
        response = self.client.post(URL, data)
        plan = TargetPlan.objects.get(issuer=self.hoai_nhon, year=2024)
        self.assertRedirects(response, f"/chi-tieu/{plan.pk}/")
        tiers = {
            (t.indicator.code, t.level): (t.value, t.value_high)
            for t in TierTarget.objects.filter(plan=plan).select_related("indicator")
        }
        self.assertEqual(tiers[("payment", "commune")], (Decimal(55), Decimal(60)))
        self.assertEqual(len(tiers), 4)
        self.assertFalse(plan.applies_rule)
        self.assertFalse(PlanMinimum.objects.filter(plan=plan).exists())

    def test_it_lets_an_administrator_issue_the_national_list(self) -> None:
        self.login(self.admin)
        data = post_data("", 2026, title="Chỉ tiêu tối thiểu năm 2026", min_online="90")
        response = self.client.post(URL, data)
        central = TargetPlan.objects.get(issuer__isnull=True, year=2026)
        self.assertRedirects(response, f"/chi-tieu/{central.pk}/")
        self.login(self.province)  # the next plan starts from that list
        html = self.client.get(URL, {"issuer": self.gia_lai.pk, "year": 2027}).content.decode()
        self.assertIn('name="min_online" value="90"', html)
        self.assertIn("Điền sẵn theo Chỉ tiêu tối thiểu năm 2026 (2026)", html)
