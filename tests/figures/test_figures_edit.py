from __future__ import annotations

from django.test import override_settings

from indicators.models import FiguresChange, FiguresStatus, UnitFigures
from tests.base import BaseTestCase, make_user
from units.models import Role

VALID = {
    "total": "1.000",
    "carried_over": "10",
    "received": "990",
    "received_in_person": "590",
    "received_online": "400",
    "resolved": "900",
    "resolved_on_time": "899",
    "resolved_late": "1",
}


class FiguresEditTestCase(BaseTestCase):
    def url(self, unit=None, period: str = "2023-Q3-CAL", suffix: str = "") -> str:
        unit = unit or self.hoai_duc
        return f"/so-lieu/{unit.pk}/{period}/{suffix}"

    def test_it_shows_an_empty_form_with_last_periods_values(self) -> None:
        self.login(self.commune)
        response = self.client.get(self.url(period="2023-H2-CAL"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("Tiếp nhận", html)
        self.assertIn("Kỳ trước: 839", html)  # received in H1 2023 (Hoài Nhơn's H1 2023 appendix)
        self.assertIn('id="indicator-definitions"', html)

    def test_it_saves_valid_figures_in_vietnamese_number_format(self) -> None:
        self.login(self.commune)
        response = self.client.post(self.url(), VALID)
        self.assertEqual(response.status_code, 302)
        figures = UnitFigures.objects.get(unit=self.hoai_duc, period__code="2023-Q3-CAL")
        self.assertEqual((figures.total, figures.received_online), (1000, 400))
        self.assertEqual(
            (figures.status, figures.version, figures.entered_by),
            (FiguresStatus.DRAFT, 1, self.commune),
        )
        self.assertEqual(figures.changes.filter(action="create").count(), len(VALID))

    def test_it_refuses_a_broken_identity_and_says_where(self) -> None:
        self.login(self.commune)
        response = self.client.post(self.url(), {**VALID, "received_in_person": "500"})
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn("Hồ sơ tiếp nhận trong kỳ (990) phải bằng", html)
        self.assertIn("(500 + 400 = 900)", html)
        self.assertFalse(UnitFigures.objects.filter(period__code="2023-Q3-CAL").exists())

    def test_it_refuses_negative_and_non_integer_counts(self) -> None:
        self.login(self.commune)
        for value, message in (
            ("-5", "không được âm"),
            ("12,5", "cần nhập số nguyên"),
            ("1.5", "cần nhập số nguyên"),  # not 15: a decimal or a typo for 1.500
            ("1.08", "cần nhập số nguyên"),
            ("abc", "cần nhập số nguyên"),
        ):
            response = self.client.post(self.url(), {**VALID, "carried_over": value})
            self.assertEqual(response.status_code, 400, value)
            self.assertIn(message, response.content.decode())
        self.assertFalse(UnitFigures.objects.filter(period__code="2023-Q3-CAL").exists())

    def test_it_asks_to_confirm_a_warning_and_records_the_confirmation(self) -> None:
        self.login(self.commune)
        # H1 2023 online rate was 93,33 %; 10 % is a jump of more than 20 points.
        jump = {**VALID, "received_in_person": "890", "received_online": "100"}
        response = self.client.post(self.url(period="2023-H2-CAL"), jump)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Tỷ lệ hồ sơ trực tuyến giảm", response.content.decode())
        self.assertFalse(UnitFigures.objects.filter(period__code="2023-H2-CAL").exists())

        response = self.client.post(
            self.url(period="2023-H2-CAL"), {**jump, "confirm_warnings": "on"}
        )
        self.assertEqual(response.status_code, 302)
        figures = UnitFigures.objects.get(period__code="2023-H2-CAL", unit=self.hoai_duc)
        note = figures.changes.get(comment__startswith="Đã xác nhận cảnh báo")
        self.assertIn("Tỷ lệ hồ sơ trực tuyến giảm", note.comment)

    def test_it_refuses_the_second_of_two_concurrent_saves(self) -> None:
        self.login(self.commune)
        self.client.post(self.url(), VALID)
        self.client.post(
            self.url(), {**VALID, "version": "1", "resolved_late": "0", "resolved_on_time": "900"}
        )
        # A second tab still holds version 1.
        response = self.client.post(
            self.url(), {**VALID, "version": "1", "carried_over": "11", "total": "1.001"}
        )
        self.assertEqual(response.status_code, 409)
        html = response.content.decode()
        self.assertIn("vừa được commune thay đổi", html)
        self.assertIn("Hồ sơ giải quyết trễ hạn", html)  # what the other save changed
        figures = UnitFigures.objects.get(unit=self.hoai_duc, period__code="2023-Q3-CAL")
        self.assertEqual((figures.carried_over, figures.version), (10, 2))

    def test_it_runs_the_workflow_draft_submitted_returned_approved_unlocked(self) -> None:
        self.login(self.commune)
        self.client.post(self.url(), VALID)
        self.client.post(self.url(suffix="nop/"), {"version": "1"})
        figures = UnitFigures.objects.get(unit=self.hoai_duc, period__code="2023-Q3-CAL")
        self.assertEqual(figures.status, FiguresStatus.SUBMITTED)
        # The commune may not approve its own figures.
        self.assertEqual(
            self.client.post(self.url(suffix="duyet/"), {"version": "2"}).status_code, 403
        )

        self.login(self.district)
        self.client.post(self.url(suffix="tra-lai/"), {"version": "2", "comment": ""})
        figures.refresh_from_db()
        self.assertEqual(figures.status, FiguresStatus.SUBMITTED)  # a comment is required
        self.client.post(self.url(suffix="tra-lai/"), {"version": "2", "comment": "Sai số trễ hạn"})
        figures.refresh_from_db()
        self.assertEqual(
            (figures.status, figures.review_comment), (FiguresStatus.DRAFT, "Sai số trễ hạn")
        )

        self.login(self.commune)
        self.client.post(self.url(suffix="nop/"), {"version": "3"})
        self.login(self.district)
        self.client.post(self.url(suffix="duyet/"), {"version": "4"})
        figures.refresh_from_db()
        self.assertEqual(
            (figures.status, figures.approved_by), (FiguresStatus.APPROVED, self.district)
        )

        # Approved figures are locked, even for the district.
        response = self.client.post(self.url(), {**VALID, "version": "5"})
        self.assertEqual(response.status_code, 403)
        self.client.post(self.url(suffix="mo-khoa/"), {"version": "5", "comment": "Sửa số"})
        figures.refresh_from_db()
        self.assertEqual(figures.status, FiguresStatus.DRAFT)
        actions = list(
            figures.changes.exclude(action="create").order_by("pk").values_list("action", flat=True)
        )
        self.assertEqual(actions, ["submit", "return", "submit", "approve", "unlock"])

    def test_it_shows_the_history_with_who_old_and_new(self) -> None:
        self.login(self.commune)
        self.client.post(self.url(), VALID)
        self.client.post(
            self.url(), {**VALID, "version": "1", "carried_over": "11", "total": "1.001"}
        )
        response = self.client.get(self.url(suffix="lich-su/"))
        html = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertIn("Hồ sơ kỳ trước chuyển sang", html)
        self.assertRegex(
            html,
            r"(?s)Sửa</td><td>Tổng số hồ sơ</td><td class=\"num\">1\.000</td>"
            r"<td class=\"num\">1\.001</td>",
        )
        self.assertEqual(FiguresChange.objects.filter(action="update").count(), 2)

    def test_it_keeps_users_to_their_own_units(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.assertEqual(self.client.post(self.url(), VALID).status_code, 403)
        self.login(self.chairman)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.assertEqual(self.client.post(self.url(), VALID).status_code, 403)  # reads only
        self.assertFalse(UnitFigures.objects.filter(period__code="2023-Q3-CAL").exists())

    def test_it_answers_404_for_a_bad_period_or_a_unit_of_another_time(self) -> None:
        self.login(self.admin)
        self.assertEqual(self.client.get(self.url(period="2023-Q5-CAL")).status_code, 404)
        self.assertEqual(self.client.get(self.url(period="2026-M01-ND09")).status_code, 404)

    def test_it_lists_who_has_reported(self) -> None:
        self.login(self.district)
        response = self.client.get("/so-lieu/", {"parent": "543", "period": "2023-H1-CAL"})
        html = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(html.count('data-code="'), 18)  # the desk + 17 communes
        self.assertIn("Đã duyệt", html)

    def test_it_says_so_when_the_period_cannot_be_read(self) -> None:
        self.login(self.district)
        response = self.client.get("/so-lieu/", {"parent": "543", "period": "2031-H1-CAL"})
        self.assertEqual(response.status_code, 200)  # the latest period instead, and why
        future = "Kỳ 6 tháng đầu năm 2031 (01/01/2031 – 30/06/2031) chưa bắt đầu"
        self.assertIn(future, response.content.decode())


class FourEyesTestCase(BaseTestCase):
    """Whoever entered or changed a unit's figures does not approve them."""

    def url(self, suffix: str = "") -> str:
        return f"/so-lieu/{self.hoai_duc.pk}/2023-Q3-CAL/{suffix}"

    def enter_and_submit_as_district(self) -> UnitFigures:
        # Office staff may enter a commune's figures for it (a correction, a late unit).
        self.login(self.district)
        self.client.post(self.url(), VALID)
        self.client.post(self.url(suffix="nop/"), {"version": "1"})
        return UnitFigures.objects.get(unit=self.hoai_duc, period__code="2023-Q3-CAL")

    def test_it_refuses_approval_by_the_person_who_entered_them(self) -> None:
        figures = self.enter_and_submit_as_district()
        response = self.client.post(self.url(suffix="duyet/"), {"version": "2"}, follow=True)
        self.assertContains(response, "không tự duyệt được (nguyên tắc hai người")
        figures.refresh_from_db()
        self.assertEqual(figures.status, FiguresStatus.SUBMITTED)
        self.assertFalse(figures.changes.filter(action="approve").exists())

    def test_it_lets_a_colleague_approve(self) -> None:
        figures = self.enter_and_submit_as_district()
        colleague = make_user("district2", Role.DISTRICT_STAFF, self.hoai_nhon)
        self.login(colleague)
        self.client.post(self.url(suffix="duyet/"), {"version": "2"})
        figures.refresh_from_db()
        self.assertEqual((figures.status, figures.approved_by), (FiguresStatus.APPROVED, colleague))
        history = list(figures.changes.order_by("pk").values_list("action", "changed_by__username"))
        # One "create" row per count entered, then the two steps, each with its own name.
        self.assertEqual({step for step in history[:-2]}, {("create", "district")})
        self.assertEqual(history[-2:], [("submit", "district"), ("approve", "district2")])

    @override_settings(FIGURES_FOUR_EYES=False)
    def test_a_one_person_office_may_turn_it_off(self) -> None:
        figures = self.enter_and_submit_as_district()
        self.client.post(self.url(suffix="duyet/"), {"version": "2"})
        figures.refresh_from_db()
        self.assertEqual(figures.status, FiguresStatus.APPROVED)


class ConfirmedWarningsTestCase(BaseTestCase):
    def test_it_keeps_the_history_line_of_many_warnings_within_the_comment(self) -> None:
        from indicators.figures.services import confirmed_comment

        warnings = [f"Cảnh báo số {n}: " + "x" * 140 for n in range(12)]
        comment = confirmed_comment(warnings)
        self.assertLessEqual(len(comment), 1000)
        self.assertTrue(comment.startswith("Đã xác nhận cảnh báo: Cảnh báo số 0"))
        shown = comment.count("Cảnh báo số")
        self.assertIn(f"và {12 - shown} cảnh báo khác", comment)
        self.assertEqual(confirmed_comment(["A", "B"]), "Đã xác nhận cảnh báo: A; B")
