"""Playwright drives Debian's chromium (no browser download is possible here)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from units.models import Role, User
from units.selectors import unit_by_code

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # otherwise chromium keeps calling Google's hosts
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PASSWORD = "mat-khau-thu-nghiem-2025"
H1_2023 = dt.date(2023, 6, 30)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def outside_requests(page) -> list[str]:
    """Every request the page tries to send off this machine (blocked, and recorded)."""
    return block_outside(page)


def block_outside(page: Page) -> list[str]:
    """Block every request `page` tries to send off this machine; the list records them."""
    attempted: list[str] = []

    def guard(route, request) -> None:
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
    reload the seed units and figures, and the 766 scoring table its data migration
    wrote, when an earlier browser test wiped them."""
    import importlib

    from django.apps import apps

    from indicators.models import Index766RuleSet
    from tests.conftest import load_seed_data
    from units.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        load_seed_data()
    if not Index766RuleSet.objects.exists():
        seeding = importlib.import_module("indicators.migrations.0008_index766_rules_2025")
        seeding.seed(apps, None)


def browser_user(username: str, role: str, unit_code: str) -> User:
    """A user with PASSWORD, who logs in through the form like a person would."""
    unit = unit_by_code(unit_code, on=H1_2023)
    return User.objects.create_user(username, password=PASSWORD, role=role, unit=unit)


@pytest.fixture
def district_user() -> User:
    """District staff of Hoài Nhơn."""
    return browser_user("huyen.test", Role.DISTRICT_STAFF, "543")


@pytest.fixture
def commune_user() -> User:
    """Commune official of Phường Hoài Đức."""
    return browser_user("xa.test", Role.COMMUNE_OFFICIAL, "21685")


@pytest.fixture
def chairman() -> User:
    """Chairman of Hoài Nhơn."""
    return browser_user("chutich.test", Role.CHAIRMAN, "543")


def submit_login(page: Page, user: User) -> None:
    """Fill in and send the login form the page shows (the login page, or the page a
    protected URL redirected to)."""
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
