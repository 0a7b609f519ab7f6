"""The Gia Lai office opens its communes' 766 pre-run (October 2026 figures with the extra
counts of the index, made here), reads the map coloured by score band and clicks a
commune's point to reach that commune's 766 page, with its trend."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from indicators.models import UnitFigures
from tests.browser.conftest import PASSWORD, submit_login
from tests.browser.test_map_browser import OCTOBER, TWO_TIER, gia_lai_october, point_at
from units.models import Role, User
from units.selectors import unit_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_opens_a_communes_766_page_from_its_point_on_the_map(
    live_server, page: Page, outside_requests: list[str]
) -> None:
    province, communes, october = gia_lai_october()
    # The extra counts of the index: 15 of the 20 in progress still within deadline, fees
    # on 100 dossiers of which 80 paid online, 490 synced, 300 checked against the
    # population database; every commune reports them.
    UnitFigures.objects.filter(period=october).update(
        in_progress_on_time=15,
        synced_dossiers=490,
        fee_dossiers=100,
        paid_online_dossiers=80,
        population_db_authenticated=300,
    )
    bong_son = unit_by_code("21640", on=TWO_TIER, level="commune")
    user = User.objects.create_user(
        "map766.tinh", password=PASSWORD, role=Role.PROVINCE_STAFF, unit=province
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/dang-nhap/")
    submit_login(page, user)
    page.goto(f"{live_server.url}/chi-so-766/?parent=52&period={OCTOBER}")

    expect(page.locator("#index766-version")).to_contain_text("2025-reconstructed")
    chart = page.locator("#unit-map-chart")
    expect(chart).to_have_attribute("data-rendered", "true")
    expect(chart.locator(".scatterlayer path.point")).to_have_count(len(communes))
    legend = chart.locator(".legend")
    expect(legend).to_contain_text("Không tính được")  # every seventh commune did not report
    # Plotly sizes the chart to its box after drawing it: wait for the layout to settle
    # (it fails if the page still scrolls sideways after 5 s).
    page.wait_for_function(
        "document.documentElement.scrollWidth <= window.innerWidth", timeout=5000
    )

    path = f"/chi-so-766/{bong_son.pk}/"
    chart.scroll_into_view_if_needed()
    position = point_at(page, path)
    assert position is not None
    page.mouse.move(*position)
    hover = chart.locator(".hoverlayer")
    expect(hover).to_contain_text("Phường Bồng Sơn")
    expect(hover).to_contain_text("Tiến độ giải quyết")
    page.mouse.click(*position)
    expect(page).to_have_url(f"{live_server.url}{path}?period={OCTOBER}")
    expect(page.locator("h1")).to_contain_text("Phường Bồng Sơn")
    expect(page.locator("#index766-total")).to_contain_text("Tổng điểm tính trước")
    trend = page.locator("#index766-trend-chart")
    expect(trend).to_have_attribute("data-rendered", "true")

    # On a phone: the chairman's red/green view, the map within the screen's width.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/chi-so-766/?parent=52&period={OCTOBER}&view=summary")
    expect(page.locator("#index766-summary .cell-missed").first).to_be_visible()
    expect(chart).to_have_attribute("data-rendered", "true")
    box = chart.bounding_box()
    assert box is not None and box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert outside_requests == []
