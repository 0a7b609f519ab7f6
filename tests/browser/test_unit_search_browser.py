"""The parent picker of a large scope in a browser: typing a name without accents lists
the matching units (static/js/unit-search.js, under the strict CSP), choosing one puts its
code in the box, and the page opens on it."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, submit_login
from units.models import Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_finds_a_unit_by_its_name_without_accents_and_opens_it(
    live_server, page: Page, outside_requests: list[str]
) -> None:
    admin = User.objects.create_user("quantri.test", password=PASSWORD, role=Role.ADMIN)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The seed provinces hold fewer units than the whole country: a small bound shows the
    # search box as the admin sees it on the real country.
    with mock.patch("indicators.templatetags.unit_picker.PARENT_SELECT_MAX", 5):
        page.goto(f"{live_server.url}/xep-hang/?parent=534&period=2023-H1-CAL&indicator=online")
        submit_login(page, admin)
        box = page.locator("input.unit-search")
        expect(box).to_have_value("534")
        expect(page.locator("select[name=parent]")).to_have_count(0)

        page.wait_for_load_state("load")  # the deferred script, after plotly.js
        box.fill("hoai nhon")
        option = page.locator("#unit-search-results button[data-code='543']")
        expect(option).to_contain_text("Thị xã Hoài Nhơn")
        option.click()
        expect(box).to_have_value("543")
        expect(page.locator("#unit-search-results")).to_be_hidden()
        box.press("Enter")  # submits the filters form the box is in

        expect(page).to_have_url(re.compile(r"/xep-hang/\?.*parent=543"))
        expect(page.locator("#ranking-table tbody.children tr[data-code]")).to_have_count(17)
    assert errors == []
    assert outside_requests == []
