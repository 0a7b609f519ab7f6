"""The commune's landing page: this month's to-do and the figures sent back with the
reason; logging in lands on each role's home page."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.domain import periods
from indicators.figures.services import figures_transition
from indicators.models import FiguresStatus, Period, UnitFigures
from indicators.summary.selectors import commune_todo
from tests.base import BaseTestCase

ND09 = periods.Convention.DECREE09
TODAY = dt.date(2024, 3, 20)  # in Decree 09's April 2024 (15/03–14/04)


def month(number: int) -> Period:
    return Period.objects.for_spec(periods.month(2024, number, ND09))


class CommuneTodoTestCase(BaseTestCase):
    def put(self, period: Period, status: str = FiguresStatus.DRAFT, **extra: object):
        return UnitFigures.objects.create(
            unit=self.hoai_duc,
            period=period,
            received=10,
            received_in_person=4,
            received_online=6,
            status=status,
            **extra,
        )

    def test_it_lists_the_current_month_and_the_one_due(self) -> None:
        self.put(month(3))
        todo = commune_todo(unit=self.hoai_duc, today=TODAY)
        self.assertEqual([m.spec.code for m in todo.months], ["2024-M03-ND09", "2024-M04-ND09"])
        self.assertEqual([m.step for m in todo.months], ["submit", "enter"])
        self.assertEqual([m.is_current for m in todo.months], [False, True])

    def test_it_marks_a_submitted_month_done(self) -> None:
        self.put(month(3), FiguresStatus.SUBMITTED)
        todo = commune_todo(unit=self.hoai_duc, today=TODAY)
        self.assertEqual(todo.months[0].step, "done")

    def test_it_lists_returned_figures_with_the_reason(self) -> None:
        figures = self.put(month(2), FiguresStatus.SUBMITTED)
        figures_transition(
            figures=figures,
            action="return",
            user=self.district,
            expected_version=figures.version,
            comment="Số hồ sơ trực tuyến chưa khớp hệ thống",
        )
        self.put(month(1))  # a plain draft is not "returned"
        todo = commune_todo(unit=self.hoai_duc, today=TODAY)
        self.assertEqual([f.period.code for f in todo.returned], ["2024-M02-ND09"])
        self.assertEqual(todo.returned[0].review_comment, "Số hồ sơ trực tuyến chưa khớp hệ thống")

    def test_it_shows_the_to_do_and_the_reason_on_the_landing_page(self) -> None:
        self.put(month(3))
        returned = self.put(
            month(2), FiguresStatus.DRAFT, review_comment="Thiếu số thanh toán trực tuyến"
        )
        self.login(self.commune)
        url = reverse("indicators:unit_page", args=[self.hoai_duc.pk])
        with mock.patch("indicators.summary.views.timezone.localdate", return_value=TODAY):
            html = self.client.get(url).content.decode()
        todo = html.split('id="commune-todo"', 1)[1].split("</section>", 1)[0]
        self.assertIn('data-period="2024-M04-ND09" data-step="enter"', todo)
        self.assertIn(
            reverse("indicators:figures_edit", args=[self.hoai_duc.pk, "2024-M04-ND09"]), todo
        )
        self.assertIn('data-period="2024-M03-ND09" data-step="submit"', todo)
        submit = reverse(
            "indicators:figures_action", args=[self.hoai_duc.pk, "2024-M03-ND09", "nop"]
        )
        self.assertIn(submit, todo)
        self.assertIn("Thiếu số thanh toán trực tuyến", todo)
        self.assertIn(returned.period.code, todo)

    def test_it_keeps_the_landing_page_queries_with_more_returned_figures(self) -> None:
        self.login(self.commune)
        url = reverse("indicators:unit_page", args=[self.hoai_duc.pk])
        self.put(month(5), review_comment="a")
        with mock.patch("indicators.summary.views.timezone.localdate", return_value=TODAY):
            self.client.get(url)
            with CaptureQueriesContext(connection) as one:
                self.client.get(url)
            for number in (6, 7, 8):
                self.put(month(number), review_comment="b")
            with CaptureQueriesContext(connection) as four:
                self.client.get(url)
        self.assertEqual(len(four), len(one))

    def test_it_shows_no_to_do_to_the_district(self) -> None:
        self.login(self.chairman)
        html = self.client.get(
            reverse("indicators:unit_page", args=[self.hoai_duc.pk])
        ).content.decode()
        self.assertNotIn('id="commune-todo"', html)


class LoginLandingTestCase(BaseTestCase):
    def sign_in(self, username: str, **query: str):
        url = reverse("login")
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return self.client.post(
            url, {"username": username, "password": "password-for-tests"}, follow=True
        )

    def test_it_lands_each_role_on_its_home_page(self) -> None:
        expected = {
            "commune": reverse("indicators:unit_page", args=[self.hoai_duc.pk]),
            "chairman": reverse("indicators:summary"),
            "district": reverse("indicators:ranking"),
        }
        for username, home in expected.items():
            self.client.logout()
            response = self.sign_in(username)
            first = response.redirect_chain[0][0]
            self.assertEqual(first, reverse("indicators:index"), username)
            self.assertTrue(
                any(url.startswith(home) for url, _status in response.redirect_chain), username
            )

    def test_it_follows_a_next_inside_the_site_only(self) -> None:
        response = self.sign_in("commune", next="/so-lieu/")
        self.assertEqual(response.redirect_chain[0][0], "/so-lieu/")
        self.client.logout()
        response = self.sign_in("commune", next="https://evil.example/")
        self.assertEqual(response.redirect_chain[0][0], reverse("indicators:index"))
