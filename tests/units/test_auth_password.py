"""Password change page: Django's validators, and every other session logged out."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.base import BaseTestCase
from units.models import AuditAction, AuditEvent

PASSWORD = "password-for-tests"
NEW_PASSWORD = "Mat-khau-moi-2025!"


class PasswordChangeTests(BaseTestCase):
    def test_it_needs_login(self) -> None:
        response = self.client.get(reverse("password_change"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_it_speaks_vietnamese(self) -> None:
        self.login(self.commune)
        response = self.client.get(reverse("password_change"))
        self.assertContains(response, "Đổi mật khẩu")
        self.assertContains(response, "mọi phiên đăng nhập khác")

    def test_it_refuses_a_weak_password(self) -> None:
        self.login(self.commune)
        response = self.client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.commune.refresh_from_db()
        self.assertTrue(self.commune.check_password(PASSWORD))

    def test_it_logs_out_other_sessions(self) -> None:
        other = Client()
        other.post(reverse("login"), {"username": "commune", "password": PASSWORD})
        self.assertEqual(other.get(reverse("indicators:figures_list")).status_code, 200)

        self.client.post(reverse("login"), {"username": "commune", "password": PASSWORD})
        response = self.client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        self.assertRedirects(response, reverse("password_change_done"))
        # This session stays logged in; the other one is sent to the login page.
        self.assertEqual(self.client.get(reverse("indicators:figures_list")).status_code, 200)
        response = other.get(reverse("indicators:figures_list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])
        event = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGE)
        self.assertEqual(event.user, self.commune)

    def test_it_reads_session_settings(self) -> None:
        self.assertTrue(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)
        self.assertLessEqual(settings.SESSION_COOKIE_AGE, 8 * 3600)
        self.assertTrue(settings.SESSION_COOKIE_HTTPONLY)
        names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
        self.assertIn("MinimumLengthValidator", names)
        self.assertIn("CommonPasswordValidator", names)

    def test_it_expires_the_session_at_browser_close(self) -> None:
        response = self.client.post(reverse("login"), {"username": "commune", "password": PASSWORD})
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        self.assertEqual(cookie["expires"], "")
        self.assertEqual(cookie["max-age"], "")
