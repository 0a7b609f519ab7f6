"""A district officer logs in and reads the Hoài Nhơn ranking of seed 004."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from units.models import Role, User
from units.selectors import unit_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-thu-nghiem-2025"


@pytest.fixture
def district_user() -> User:
    hoai_nhon = unit_by_code("543", on=dt.date(2023, 6, 30))
    return User.objects.create_user(
        "huyen.test", password=PASSWORD, role=Role.DISTRICT_STAFF, unit=hoai_nhon
    )


def test_it_ranks_the_hoai_nhon_communes_for_a_district_user(
    live_server, page: Page, district_user: User, outside_requests: list[str]
) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/dang-nhap/?next=/")
    page.fill("#id_username", district_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")

    # The default view: the user's own district, its latest period, the online rate.
    page.select_option("select[name=indicator]", "online")
    page.select_option("select[name=parent]", "543")
    page.click("form.filters button[type=submit]")

    rows = page.locator("#ranking-table tbody.children tr[data-code]")
    expect(rows).to_have_count(17)
    expect(rows.first).to_contain_text("Phường Hoài Đức")
    expect(rows.first.locator("td.rate")).to_have_text("93,33 %")
    expect(rows.last).to_contain_text("Phường Hoài Hương")
    expect(page.locator("tr[data-total=children]")).to_contain_text("66,73 %")
    expect(page.locator(".sample-banner")).to_have_count(0)  # all real figures

    chart = page.locator(".plotly-chart")
    expect(chart).to_have_attribute("data-rendered", "true")
    expect(chart.locator("g.bars path")).to_have_count(17)
    assert outside_requests == []
