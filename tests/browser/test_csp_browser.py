"""The Content-Security-Policy (no inline script or style, no outside origin) breaks no
page: the charts still render and the browser reports no violation and no console error."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import submit_login
from units.models import User
from units.selectors import unit_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page sees, recorded from before its first script runs.
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(
    event.violatedDirective + ' ' + (event.blockedURI || '') + ' ' + (event.sourceFile || '')
    + ':' + (event.lineNumber || '')
  );
});
"""


def test_it_runs_every_page_under_the_policy_without_violations(
    live_server, page: Page, district_user: User, outside_requests: list[str]
) -> None:
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            console_errors.append(f"{page.url}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: console_errors.append(f"{page.url}: {error}"))
    page.add_init_script(LISTEN)

    response = page.goto(f"{live_server.url}/dang-nhap/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    submit_login(page, district_user)

    hoai_duc = unit_by_code("21685", on=dt.date(2023, 6, 30))
    pages = {
        "ranking": "/xep-hang/?parent=543&period=2023-H1-CAL&indicator=online",
        "summary": "/tong-hop/?parent=543&period=2023-H1-CAL",
        "unit": f"/don-vi/{hoai_duc.pk}/",
        "figures": f"/so-lieu/{hoai_duc.pk}/2023-H1-CAL/",
        "dispatch": "/cong-van/?parent=543&period=2023-H1-CAL",
        "password": "/doi-mat-khau/",
    }
    violations: dict[str, list[str]] = {}
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, (name, response)
        if name in ("ranking", "unit"):
            charts = page.locator(".plotly-chart")
            expect(charts.first).to_have_attribute("data-rendered", "true")
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__cspViolations")
        if found:
            violations[name] = found
    assert violations == {}
    assert console_errors == []
    assert outside_requests == []
