"""A commune official enters figures, trips over an identity, fixes it and submits."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from indicators.models import FiguresStatus, UnitFigures
from tests.browser.conftest import submit_login
from units.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_lets_a_commune_official_fix_an_error_and_submit(
    live_server, page: Page, commune_user: User, outside_requests: list[str]
) -> None:
    page.goto(f"{live_server.url}/dang-nhap/")
    submit_login(page, commune_user)
    page.goto(f"{live_server.url}/so-lieu/{commune_user.unit_id}/2023-Q3-CAL/")

    page.fill("#id_total", "1.000")
    page.fill("#id_carried_over", "10")
    page.fill("#id_received", "990")
    page.fill("#id_received_in_person", "500")
    page.fill("#id_received_online", "400")
    # The rate follows the typing, before any save.
    expect(page.locator('[data-rate="online"]')).to_have_text("40,40 %")
    page.click("#figures-form button[type=submit]")

    expect(page.locator("#form-errors")).to_contain_text("(500 + 400 = 900)")
    expect(page.locator(".field.has-error #id_received")).to_have_count(1)
    assert not UnitFigures.objects.filter(period__code="2023-Q3-CAL").exists()

    page.fill("#id_received_in_person", "590")
    page.click("#figures-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Đã lưu số liệu")
    page.click("#submit-figures")
    expect(page.locator(".messages")).to_contain_text("Đã nộp số liệu")
    expect(page.locator(".badge-submitted")).to_be_visible()

    figures = UnitFigures.objects.get(period__code="2023-Q3-CAL", unit=commune_user.unit)
    assert (figures.received_in_person, figures.status) == (590, FiguresStatus.SUBMITTED)
    assert outside_requests == []
