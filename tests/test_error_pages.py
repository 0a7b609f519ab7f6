"""The error pages with DEBUG off (the test settings): Vietnamese, the reason a view gave,
and a way back; the 500 page renders without a request."""

from __future__ import annotations

from django.conf import settings
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from tests.base import BaseTestCase


class ErrorPagesTestCase(BaseTestCase):
    def test_it_runs_with_debug_off(self) -> None:
        self.assertFalse(settings.DEBUG)

    def test_it_answers_an_unknown_address_with_the_vietnamese_404_page(self) -> None:
        self.login(self.district)
        response = self.client.get(
            "/khong-co-trang-nay/", HTTP_REFERER="http://testserver/xep-hang/"
        )
        self.assertEqual(response.status_code, 404)
        html = response.content.decode()
        self.assertIn("Không tìm thấy trang (lỗi 404)", html)
        self.assertIn('id="go-home"', html)
        self.assertIn('href="http://testserver/xep-hang/" id="go-back">Quay lại', html)
        # Django's internals are not the user's business.
        self.assertNotIn("Resolver404", html)
        self.assertNotIn("Not Found", html)

    def test_it_shows_the_reason_a_view_gave_for_a_404(self) -> None:
        self.login(self.district)
        response = self.client.get(f"/so-lieu/{self.hoai_duc.pk}/2023-H3-CAL/")
        self.assertEqual(response.status_code, 404)
        html = response.content.decode()
        self.assertIn('id="error-reason"', html)
        self.assertIn("Kỳ báo cáo không hợp lệ", html)

    def test_it_hides_django_s_english_sentence_of_a_missing_object(self) -> None:
        self.login(self.admin)
        response = self.client.get("/don-vi/999999999/")
        self.assertEqual(response.status_code, 404)
        html = response.content.decode()
        self.assertIn("Không tìm thấy trang", html)
        self.assertNotIn("matches the given query", html)

    def test_it_answers_a_unit_out_of_scope_with_the_vietnamese_403_page(self) -> None:
        self.login(self.outsider)
        response = self.client.get(
            f"/don-vi/{self.hoai_duc.pk}/", HTTP_REFERER="https://evil.example/"
        )
        self.assertEqual(response.status_code, 403)
        html = response.content.decode()
        self.assertIn("Không có quyền truy cập (lỗi 403)", html)
        self.assertIn("Đơn vị này nằm ngoài phạm vi của bạn.", html)
        self.assertIn('id="go-home"', html)
        self.assertNotIn("evil.example", html)  # "Quay lại" only to the portal's own pages
        self.assertNotIn(str(self.hoai_duc), html)

    def test_it_answers_a_bad_request_with_the_vietnamese_400_page(self) -> None:
        # The test client re-raises what a handler answered; a browser gets the page.
        client = Client(raise_request_exception=False)
        response = client.get("/", HTTP_HOST="not-an-allowed-host.example")
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn("Yêu cầu không hợp lệ (lỗi 400)", html)
        self.assertIn('id="go-home"', html)

    def test_it_renders_the_500_page_without_a_request_context(self) -> None:
        response = server_error(RequestFactory().get("/"))
        self.assertEqual(response.status_code, 500)
        html = response.content.decode()
        self.assertIn("Lỗi hệ thống (lỗi 500)", html)
        self.assertIn('href="/" id="go-home">Về trang chủ', html)
