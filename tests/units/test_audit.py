"""The audit log: who, when, from where, what — for logins, the figures workflow,
imports and target changes; and its read-only admin list."""

from __future__ import annotations

from decimal import Decimal

from django.test import RequestFactory
from django.urls import reverse

from indicators.io import services as imports
from indicators.models import FiguresStatus, Period, Target, TargetPlan, UnitFigures
from indicators.targets import services as targets_services
from tests.base import BaseTestCase
from tests.figures.test_figures_edit import VALID
from tests.io.test_appendix import build_seed_xlsx
from units.audit.services import audit_log
from units.models import AuditAction, AuditEvent


class AuditLogServiceTests(BaseTestCase):
    def test_it_records_user_ip_action_target_details(self) -> None:
        request = RequestFactory().get("/", REMOTE_ADDR="192.168.1.20")
        request.user = self.district
        event = audit_log(
            request=request, action=AuditAction.APPROVE, target="X", details={"n": Decimal(1)}
        )
        event.refresh_from_db()
        self.assertEqual(
            (event.user, event.username, event.ip_address, event.action, event.target),
            (self.district, "district", "192.168.1.20", "approve", "X"),
        )
        self.assertEqual(event.details, {"n": "1"})
        self.assertIsNotNone(event.at)

    def test_it_logs_without_request_or_user(self) -> None:
        event = audit_log(action=AuditAction.IMPORT, target="lệnh import_figures")
        self.assertIsNone(event.user)
        self.assertIsNone(event.ip_address)

    def test_it_keeps_the_username_when_the_user_is_deleted(self) -> None:
        event = audit_log(user=self.outsider, action=AuditAction.LOGIN)
        self.outsider.delete()
        event.refresh_from_db()
        self.assertIsNone(event.user)
        self.assertEqual(event.username, "outsider")


class AuditWiringTests(BaseTestCase):
    def events(self, action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=action))

    def test_it_logs_login_logout_and_failed_login(self) -> None:
        url = reverse("login")
        self.client.post(url, {"username": "commune", "password": "nope"}, REMOTE_ADDR="10.1.1.1")
        self.client.post(
            url, {"username": "commune", "password": "password-for-tests"}, REMOTE_ADDR="10.1.1.1"
        )
        self.client.post(reverse("logout"), REMOTE_ADDR="10.1.1.1")
        failed, login, logout = (
            self.events(AuditAction.LOGIN_FAILED),
            self.events(AuditAction.LOGIN),
            self.events(AuditAction.LOGOUT),
        )
        self.assertEqual(
            [(e.username, e.user, e.ip_address) for e in failed], [("commune", None, "10.1.1.1")]
        )
        self.assertNotIn("nope", str(failed[0].details))
        self.assertEqual([(e.user, e.ip_address) for e in login], [(self.commune, "10.1.1.1")])
        self.assertEqual([e.user for e in logout], [self.commune])

    def test_it_logs_the_figures_workflow(self) -> None:
        base = f"/so-lieu/{self.hoai_duc.pk}/2023-Q3-CAL/"
        self.login(self.commune)
        self.client.post(base, VALID)
        self.client.post(base + "nop/", {"version": "1"}, REMOTE_ADDR="10.2.2.2")
        self.login(self.district)
        self.client.post(base + "tra-lai/", {"version": "2", "comment": "Sai"})
        self.login(self.commune)
        self.client.post(base + "nop/", {"version": "3"})
        self.login(self.district)
        self.client.post(base + "duyet/", {"version": "4"}, REMOTE_ADDR="10.3.3.3")
        self.client.post(base + "mo-khoa/", {"version": "5", "comment": "Sửa số"})
        figures = UnitFigures.objects.get(unit=self.hoai_duc, period__code="2023-Q3-CAL")
        self.assertEqual(figures.status, FiguresStatus.DRAFT)
        events = list(AuditEvent.objects.exclude(action=AuditAction.LOGIN).order_by("pk"))
        self.assertEqual(
            [(e.action, e.user) for e in events],
            [
                ("submit", self.commune),
                ("return", self.district),
                ("submit", self.commune),
                ("approve", self.district),
                ("unlock", self.district),
            ],
        )
        self.assertEqual(events[0].ip_address, "10.2.2.2")
        self.assertEqual(events[3].ip_address, "10.3.3.3")
        self.assertEqual(events[1].details["comment"], "Sai")
        self.assertIn("Hoài Đức", events[0].target)
        self.assertEqual(events[0].details["figures_id"], figures.pk)

    def test_it_does_not_log_a_refused_transition(self) -> None:
        base = f"/so-lieu/{self.hoai_duc.pk}/2023-Q3-CAL/"
        self.login(self.commune)
        self.client.post(base, VALID)
        self.client.post(base + "nop/", {"version": "7"})  # stale version: refused
        self.assertFalse(AuditEvent.objects.exclude(action=AuditAction.LOGIN).exists())

    def test_it_logs_an_import_commit(self) -> None:
        h1 = Period.objects.get(code="2023-H1-CAL")
        UnitFigures.objects.filter(period=h1).update(status=FiguresStatus.DRAFT)
        preview = imports.figures_import_preview(
            data=build_seed_xlsx(),
            filename="phu-luc.xlsx",
            parent=self.hoai_nhon,
            period=h1,
            user=self.district,
        )
        self.assertFalse(AuditEvent.objects.exists())  # a preview writes nothing
        imports.figures_import_commit(batch=preview.batch, user=self.district)
        event = AuditEvent.objects.get(action=AuditAction.IMPORT)
        self.assertEqual(event.user, self.district)
        self.assertEqual(event.details["batch_id"], preview.batch.pk)
        self.assertIn("phu-luc.xlsx", event.target)

    def test_it_logs_a_target_override_through_the_page(self) -> None:
        plan = TargetPlan.objects.get(issuer=self.hoai_nhon, year=2023)
        target = Target.objects.get(plan=plan, unit=self.hoai_duc, indicator__code="online")
        self.login(self.district)
        self.client.post(
            f"/chi-tieu/{plan.pk}/muc/{target.pk}/",
            {"value": "80,5", "reason": "Theo chỉ đạo"},
            REMOTE_ADDR="10.4.4.4",
        )
        event = AuditEvent.objects.get(action=AuditAction.TARGET_CHANGE)
        self.assertEqual((event.user, event.ip_address), (self.district, "10.4.4.4"))
        self.assertEqual(event.details["target_id"], target.pk)
        self.assertEqual(event.details["new"], "80.5")
        self.assertIn("online", event.target)

    def test_it_does_not_log_a_refused_override(self) -> None:
        plan = TargetPlan.objects.get(issuer=self.hoai_nhon, year=2023)
        target = Target.objects.get(plan=plan, unit=self.hoai_duc, indicator__code="online")
        with self.assertRaises(targets_services.TargetError):
            targets_services.target_override(
                target=target, value=Decimal(120), reason="x", user=self.district
            )
        self.assertFalse(AuditEvent.objects.exists())

    def test_it_logs_applying_the_rule_through_the_page(self) -> None:
        plan = TargetPlan.objects.get(issuer=self.duc_pho, year=2025)
        self.login(self.outsider)  # district staff of Đức Phổ, the issuer
        self.client.post(
            f"/chi-tieu/{plan.pk}/ap-dung/", {"parent": self.duc_pho.pk}, REMOTE_ADDR="10.5.5.5"
        )
        event = AuditEvent.objects.get(action=AuditAction.TARGET_CHANGE)
        self.assertEqual((event.user, event.ip_address), (self.outsider, "10.5.5.5"))
        self.assertEqual(event.details["plan_id"], plan.pk)
        self.assertGreater(event.details["rule_targets"], 0)


class AuditAdminTests(BaseTestCase):
    def setUp(self) -> None:
        self.admin.is_staff = self.admin.is_superuser = True
        self.admin.save()
        audit_log(user=self.district, action=AuditAction.APPROVE, target="Phường Hoài Đức")
        audit_log(user=self.commune, action=AuditAction.LOGIN, target="")
        self.login(self.admin)

    def test_it_lists_filters_and_searches(self) -> None:
        url = reverse("admin:units_auditevent_changelist")
        response = self.client.get(url)
        self.assertContains(response, "Phường Hoài Đức")
        response = self.client.get(url, {"action__exact": "approve"})
        self.assertEqual(response.context["cl"].result_count, 1)
        response = self.client.get(url, {"q": "Hoài Đức"})
        self.assertEqual(response.context["cl"].result_count, 1)
        response = self.client.get(url, {"q": "commune", "action__exact": "login"})
        self.assertEqual(response.context["cl"].result_count, 1)

    def test_it_is_read_only(self) -> None:
        event = AuditEvent.objects.first()
        assert event is not None
        self.assertEqual(self.client.get(reverse("admin:units_auditevent_add")).status_code, 403)
        change = reverse("admin:units_auditevent_change", args=[event.pk])
        self.assertEqual(self.client.get(change).status_code, 200)  # view only
        self.client.post(change, {"target": "changed"})
        event.refresh_from_db()
        self.assertNotEqual(event.target, "changed")
        delete = reverse("admin:units_auditevent_delete", args=[event.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertTrue(AuditEvent.objects.filter(pk=event.pk).exists())

    def test_it_logs_an_admin_password_reset_and_role_change(self) -> None:
        password_url = reverse("admin:auth_user_password_change", args=[self.commune.pk])
        response = self.client.post(
            password_url,
            {"password1": "Mot-mat-khau-moi-2026", "password2": "Mot-mat-khau-moi-2026"},
            REMOTE_ADDR="10.6.6.6",
        )
        self.assertEqual(response.status_code, 302)
        event = AuditEvent.objects.get(action=AuditAction.USER_CHANGE)
        self.assertEqual(
            (event.user, event.target, event.ip_address, event.details["kind"]),
            (self.admin, "commune", "10.6.6.6", "change"),
        )
        self.assertNotIn("Mot-mat-khau-moi-2026", str(event.details))
