"""The chairman reads the red/green summary and follows a red cell to the unit page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import submit_login
from units.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_takes_the_chairman_from_a_red_cell_to_the_unit_page(
    live_server, page: Page, chairman: User, outside_requests: list[str]
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/")
    submit_login(page, chairman)

    # The chairman lands on the summary of his own town.
    expect(page.locator("h1")).to_contain_text("Tổng hợp đạt / chưa đạt")
    expect(page.locator('[data-indicator="online"]')).to_contain_text("10/17")
    red = page.locator("#compliance-matrix tr[data-code='21670'] a.cell-missed").first
    expect(red).to_contain_text("✘")
    expect(red).to_contain_text("37,01 %")
    # Its tooltip, written by portal.js from the row, the column and the cell's target.
    expect(red).to_have_attribute(
        "title", "Phường Hoài Hương — Tỷ lệ hồ sơ trực tuyến: chỉ tiêu 70 %"
    )
    red.click()

    expect(page.locator("h1")).to_have_text("Phường Hoài Hương")
    online = page.locator('#latest tr[data-indicator="online"]')
    expect(online).to_contain_text("17/17")
    expect(online).to_contain_text("cần thêm 425")
    expect(page.locator(".plotly-chart")).to_have_attribute("data-rendered", "true")
    assert outside_requests == []
