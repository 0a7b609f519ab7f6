"""A commune official enters figures, trips over an identity, fixes it and submits."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from indicators.models import FiguresStatus, UnitFigures
from units.models import Role, User
from units.selectors import unit_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-thu-nghiem-2025"


@pytest.fixture
def commune_user() -> User:
    hoai_duc = unit_by_code("21685", on=dt.date(2023, 6, 30))
    return User.objects.create_user(
        "xa.test", password=PASSWORD, role=Role.COMMUNE_OFFICIAL, unit=hoai_duc
    )


def test_it_lets_a_commune_official_fix_an_error_and_submit(
    live_server, page: Page, commune_user: User, outside_requests: list[str]
) -> None:
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", commune_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
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
