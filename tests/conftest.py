"""Shared fixtures: the seed provinces' units and real figures, loaded once per session,
and one user per role (a member, an owner and an outsider in healthchecks' words)."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

# pytest-django's live_server runs in a thread under Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SEED_PROVINCES = ("51", "52")


def pytest_configure(config: pytest.Config) -> None:
    # Each test class creates five users and many tests log in: with the production
    # hasher (PBKDF2, a million rounds on purpose) that alone took half of the suite's
    # time. Tests check who may do what, not the hash's strength.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_seed_data() -> None:
    """Units of Quảng Ngãi and Bình Định/Gia Lai (both structures) and the real figures,
    without sample data: what the oracle and page tests need, in about a second."""
    from indicators.catalogue import indicators_sync_catalogue
    from indicators.demo import demo_load

    indicators_sync_catalogue()
    call_command("load_units", province=list(SEED_PROVINCES), verbosity=0)
    demo_load(sample=False, users=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_seed_data()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests use live_server, whose transactional teardown empties the tables;
    # running them last keeps the session data for everyone else.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
