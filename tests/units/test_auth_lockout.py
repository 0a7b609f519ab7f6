"""Login with django-axes: lockout after AXES_FAILURE_LIMIT failures per username and
address, a Vietnamese page saying when to retry, every attempt in the audit log."""

from __future__ import annotations

import datetime as dt
import io

from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from tests.base import BaseTestCase
from units.audit.services import COMMAND_LINE
from units.models import AuditAction, AuditEvent

PASSWORD = "password-for-tests"


class LockoutTests(BaseTestCase):
    def post_login(self, username: str, password: str, ip: str = "10.0.0.7"):
        return self.client.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR=ip,
        )

    def test_it_reads_its_settings(self) -> None:
        self.assertEqual(
            settings.AUTHENTICATION_BACKENDS[0], "units.signin.backends.LockoutBackend"
        )
        self.assertEqual(settings.MIDDLEWARE[-1], "axes.middleware.AxesMiddleware")
        self.assertEqual(settings.AXES_FAILURE_LIMIT, 5)
        self.assertEqual(settings.AXES_COOLOFF_TIME, dt.timedelta(minutes=30))
        self.assertEqual(settings.AXES_LOCKOUT_PARAMETERS, [["username", "ip_address"]])

    def test_it_logs_in_with_the_right_password(self) -> None:
        response = self.post_login("district", PASSWORD)
        self.assertEqual(response.status_code, 302)
        event = AuditEvent.objects.get(action=AuditAction.LOGIN)
        self.assertEqual(event.user, self.district)
        self.assertEqual(event.ip_address, "10.0.0.7")

    def test_it_locks_after_the_limit_even_for_the_right_password(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = self.post_login("district", "wrong")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "không đúng")
        response = self.post_login("district", "wrong")
        self.assertEqual(response.status_code, 429)
        response = self.post_login("district", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Tạm khóa đăng nhập", status_code=429)
        self.assertContains(response, "thử lại sau 30 phút", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username="district")
        self.assertEqual(failed.count(), settings.AXES_FAILURE_LIMIT + 1)
        self.assertTrue(AuditEvent.objects.filter(action=AuditAction.LOCKOUT).exists())
        self.assertFalse(AuditEvent.objects.filter(action=AuditAction.LOGIN).exists())

    def test_it_locks_per_username_and_address(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.post_login("district", "wrong")
        self.assertEqual(self.post_login("district", PASSWORD).status_code, 429)
        # Another user on the same office address, the same user from another address.
        self.assertEqual(self.post_login("chairman", PASSWORD).status_code, 302)
        self.client.logout()
        self.assertEqual(self.post_login("district", PASSWORD, ip="10.0.0.8").status_code, 302)

    def test_it_unlocks_after_the_cooloff(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.post_login("district", "wrong")
        self.assertEqual(self.post_login("district", PASSWORD).status_code, 429)
        past = dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
        AccessAttempt.objects.update(attempt_time=past)
        self.assertEqual(self.post_login("district", PASSWORD).status_code, 302)

    def test_it_resets_the_count_on_success(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.post_login("district", "wrong")
        self.assertEqual(self.post_login("district", PASSWORD).status_code, 302)
        self.client.logout()
        self.assertEqual(self.post_login("district", "wrong").status_code, 200)
        self.assertEqual(self.post_login("district", PASSWORD).status_code, 302)

    @override_settings(AXES_FAILURE_LIMIT=2)
    def test_it_takes_the_limit_from_settings(self) -> None:
        self.post_login("district", "wrong")
        self.assertEqual(self.post_login("district", "wrong").status_code, 429)

    def test_it_ignores_the_proxy_header_unless_trusted(self) -> None:
        self.client.post(
            reverse("login"),
            {"username": "district", "password": "wrong"},
            REMOTE_ADDR="10.0.0.7",
            HTTP_X_FORWARDED_FOR="1.2.3.4",
        )
        event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
        self.assertEqual(event.ip_address, "10.0.0.7")
        with self.settings(TRUSTED_PROXY_COUNT=1):
            self.client.post(
                reverse("login"),
                {"username": "chairman", "password": "wrong"},
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4",
            )
        event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED, username="chairman")
        self.assertEqual(event.ip_address, "1.2.3.4")

    def test_it_allows_client_login_without_a_request(self) -> None:
        # Tests (and shells) authenticate without a request: no lockout to apply.
        self.assertTrue(self.client.login(username="district", password=PASSWORD))
        self.assertFalse(self.client.login(username="district", password="wrong"))


class LockedOutTestCase(BaseTestCase):
    def lock_out(self, username: str) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.client.post(
                reverse("login"),
                {"username": username, "password": "wrong"},
                REMOTE_ADDR="10.0.0.7",
            )
        response = self.client.post(
            reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
        )
        self.assertEqual(response.status_code, 429)

    def can_log_in(self, username: str) -> bool:
        response = self.client.post(
            reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
        )
        self.client.logout()
        return response.status_code == 302

    def unlock_events(self) -> list[tuple[str, str, str | None, str]]:
        return sorted(
            AuditEvent.objects.filter(action=AuditAction.LOGIN_UNLOCK).values_list(
                "target", "username", "ip_address", "details__ip_address"
            )
        )


class LockoutLiftedInAdminTests(LockedOutTestCase):
    def setUp(self) -> None:
        self.admin.is_staff = self.admin.is_superuser = True
        self.admin.save()

    def test_it_logs_who_lifted_a_lockout_and_the_user_gets_in(self) -> None:
        self.lock_out("district")
        attempt = AccessAttempt.objects.get(username="district")
        self.login(self.admin)
        delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
        response = self.client.post(delete, {"post": "yes"}, REMOTE_ADDR="10.9.9.9")
        self.assertEqual(response.status_code, 302)
        event = AuditEvent.objects.get(action=AuditAction.LOGIN_UNLOCK)
        self.assertEqual(
            (event.user, event.target, event.ip_address, event.details["ip_address"]),
            (self.admin, "district", "10.9.9.9", "10.0.0.7"),
        )
        self.client.logout()
        response = self.client.post(
            reverse("login"), {"username": "district", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
        )
        self.assertEqual(response.status_code, 302)

    def test_it_logs_each_lockout_lifted_by_the_bulk_action(self) -> None:
        self.lock_out("district")
        self.lock_out("chairman")
        self.login(self.admin)
        response = self.client.post(
            reverse("admin:axes_accessattempt_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
                "post": "yes",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(AccessAttempt.objects.exists())
        targets = AuditEvent.objects.filter(action=AuditAction.LOGIN_UNLOCK).values_list(
            "target", flat=True
        )
        self.assertEqual(sorted(targets), ["chairman", "district"])


class LockoutLiftedFromCommandLineTests(LockedOutTestCase):
    """axes' reset commands lift lockouts too; each lift is logged, marked as coming from
    the command line (there is no user and no address)."""

    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    def test_it_logs_the_lockout_lifted_by_axes_reset_username(self) -> None:
        self.lock_out("district")
        self.lock_out("chairman")
        self.assertIn("1 attempts removed", self.run_command("axes_reset_username", "district"))
        self.assertEqual(self.unlock_events(), [("district", COMMAND_LINE, None, "10.0.0.7")])
        event = AuditEvent.objects.get(action=AuditAction.LOGIN_UNLOCK)
        self.assertIsNone(event.user)
        self.assertTrue(self.can_log_in("district"))
        self.assertFalse(self.can_log_in("chairman"))

    def test_it_logs_every_lockout_lifted_by_axes_reset(self) -> None:
        self.lock_out("district")
        self.lock_out("chairman")
        self.run_command("axes_reset")
        self.assertEqual([target for target, *_ in self.unlock_events()], ["chairman", "district"])
        self.assertTrue(self.can_log_in("chairman"))

    def test_it_logs_nothing_when_nothing_was_lifted(self) -> None:
        self.lock_out("district")
        self.assertIn("No attempts found", self.run_command("axes_reset_ip", "10.1.2.3"))
        self.assertEqual(self.unlock_events(), [])
        self.assertFalse(self.can_log_in("district"))

    def test_it_does_not_call_a_successful_login_a_lift(self) -> None:
        # axes clears a user's failures when they log in (AXES_RESET_ON_SUCCESS): that is
        # not an administrator lifting a lockout.
        self.client.post(
            reverse("login"), {"username": "district", "password": "wrong"}, REMOTE_ADDR="10.0.0.7"
        )
        self.assertTrue(AccessAttempt.objects.filter(username="district").exists())
        self.assertTrue(self.can_log_in("district"))
        self.assertFalse(AccessAttempt.objects.filter(username="district").exists())
        self.assertEqual(self.unlock_events(), [])


class LockoutAsAWeaponTests(BaseTestCase):
    """Findings of the second trust round: a lock that retrying kept alive forever, and a
    spray over many usernames from one address that locked nothing."""

    def post_login(self, username: str, password: str, ip: str = "10.0.0.8"):
        return self.client.post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
        )

    def age_attempts(self, minutes: int) -> None:
        for attempt in AccessAttempt.objects.all():
            attempt.attempt_time -= dt.timedelta(minutes=minutes)
            attempt.save(update_fields=["attempt_time"])

    def test_it_does_not_restart_the_lock_on_attempts_during_it(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.post_login("district", "wrong")
        self.age_attempts(20)
        # Someone keeps trying the colleague's username while it is locked.
        for _ in range(3):
            self.assertEqual(self.post_login("district", "wrong").status_code, 429)
        self.age_attempts(11)  # 31 minutes after the failure that set the lock
        self.assertEqual(self.post_login("district", PASSWORD).status_code, 302)

    @override_settings(LOGIN_MAX_FAILURES_PER_ADDRESS=20)
    def test_it_locks_an_address_spraying_over_many_usernames(self) -> None:
        usernames = [f"guess{i}" for i in range(6)]
        answers = [
            self.post_login(name, "wrong").status_code for _ in range(4) for name in usernames
        ]
        # 4 per username stays under the per-user limit of 5; the address reaches 20.
        self.assertEqual(answers[:20], [200] * 20)
        self.assertEqual(answers[20:], [429] * 4)
        # Another address is not concerned.
        self.assertEqual(self.post_login("district", PASSWORD, ip="10.0.0.9").status_code, 302)
