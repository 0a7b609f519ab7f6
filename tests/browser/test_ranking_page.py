"""A district officer logs in and reads the Hoài Nhơn ranking of seed 004."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import submit_login
from units.models import User
from units.selectors import unit_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_ranks_the_hoai_nhon_communes_for_a_district_user(
    live_server, page: Page, district_user: User, outside_requests: list[str]
) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/dang-nhap/?next=/")
    submit_login(page, district_user)

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

    chart = page.locator("#ranking-chart")
    expect(chart).to_have_attribute("data-rendered", "true")
    expect(chart.locator("g.bars path")).to_have_count(17)
    assert outside_requests == []


def log_in(page: Page, live_server, user: User) -> None:
    page.goto(f"{live_server.url}/dang-nhap/")
    submit_login(page, user)


def payment_quarter() -> list[str]:
    """Online payment counts for the 17 Hoài Nhơn communes in Q1 2024 (the real H1 2023
    figures have none): rates 40 %, 43 %, … in name order; returns the names, worst first.
    """
    from indicators.domain import periods
    from indicators.models import Period, UnitFigures
    from indicators.selectors import children_for_ranking

    q1 = Period.objects.for_spec(periods.parse_period_code("2024-Q1-ND09"))
    hoai_nhon = unit_by_code("543", on=dt.date(2024, 3, 1))
    communes = list(children_for_ranking(hoai_nhon, q1).order_by("-name"))
    for position, commune in enumerate(communes):
        UnitFigures.objects.create(
            unit=commune,
            period=q1,
            payments_total=200,
            payments_online=80 + 6 * position,
            status="submitted",  # drafts stay out of the ranking
        )
    return [c.full_name for c in communes]


def test_it_lets_a_district_user_find_the_three_worst_communes_for_online_payment(
    live_server, page: Page, district_user: User, outside_requests: list[str]
) -> None:
    names = payment_quarter()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, district_user)
    page.goto(f"{live_server.url}/xep-hang/?parent=543&period=2024-Q1-ND09&indicator=payment")

    rows = page.locator("#ranking-table tbody.children tr[data-code]")
    expect(rows).to_have_count(17)
    expect(rows.first.locator("th > a").first).to_have_text(names[-1])  # best first by default
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    rate_header = page.locator("#ranking-table thead th", has_text="Tỷ lệ")
    rate_header.get_by_role("button").click()
    expect(rate_header).to_have_attribute("aria-sort", "ascending")
    worst = [rows.nth(i).locator("th > a").first.inner_text() for i in range(3)]
    assert worst == names[:3]
    expect(rows.first.locator("td.rate")).to_have_text("40,00 %")
    # The total row stays at the bottom, below every unit.
    last = page.locator("#ranking-table tr").last
    expect(last).to_have_attribute("data-total", "children")

    rate_header.get_by_role("button").click()
    expect(rate_header).to_have_attribute("aria-sort", "descending")
    expect(rows.first.locator("th > a").first).to_have_text(names[-1])

    # Text columns sort too: every "Phường" before every "Xã".
    page.locator("#ranking-table thead th", has_text="Đơn vị").get_by_role("button").click()
    types = [rows.nth(i).locator("th > a").first.inner_text().split()[0] for i in range(17)]
    assert types == sorted(types) and types[0] == "Phường"

    # A click on a unit opens its trend beside the table.
    rows.first.locator("th > a").first.click()
    trend = page.locator("#trend-chart")
    expect(trend).to_have_attribute("data-rendered", "true")
    expect(page.locator("#trend")).to_contain_text("Tải dữ liệu biểu đồ")
    assert outside_requests == []


def test_it_fits_the_heat_map_and_table_on_a_phone(
    live_server, page: Page, district_user: User, outside_requests: list[str]
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, district_user)
    page.goto(f"{live_server.url}/xep-hang/?parent=543&period=2023-H1-CAL&indicator=all")
    expect(page.locator("#matrix-table tbody.children tr[data-code]")).to_have_count(17)
    heatmap = page.locator("#heatmap-chart")
    expect(heatmap).to_have_attribute("data-rendered", "true")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    header = page.locator("#matrix-table thead th", has_text="Số chỉ số đạt")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert outside_requests == []
