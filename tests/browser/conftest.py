"""Playwright drives Debian's chromium (no browser download is possible here)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # otherwise chromium keeps calling Google's hosts
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def outside_requests(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Every request the page tries to send off this machine (blocked, and recorded)."""
    attempted: list[str] = []

    def guard(route, request) -> None:  # type: ignore[no-untyped-def]
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            attempted.append(request.url)
            route.abort()

    page.route("**/*", guard)
    return attempted


@pytest.fixture(autouse=True)
def seed_data(transactional_db: None) -> None:
    """live_server tests run in transactional mode, whose teardown empties every table:
    reload the seed units and figures when an earlier browser test wiped them."""
    from tests.conftest import load_seed_data
    from units.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        load_seed_data()
