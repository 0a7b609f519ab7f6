"""The embedded SQLite under two saves at once: the second waits for the first instead of
failing with "database is locked" (which reached users as a 500)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError, connections, transaction


def connect(path: Path, options: dict[str, Any]) -> str:
    """A database alias of its own for `path`, so that transaction.atomic runs the real
    path (BEGIN with the configured mode) on it."""
    alias = f"race-{path.stem}"
    own = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}
    configured = connections.configure_settings({"default": {**own}, alias: own})
    connections.settings[alias] = configured[alias]
    return alias


def race(path: Path, options: dict[str, Any]) -> list[BaseException]:
    """Two saves in the shape of figures_write: read the version, then update it."""
    alias = connect(path, options)
    with connections[alias].cursor() as cursor:
        cursor.execute("CREATE TABLE figures (id INTEGER PRIMARY KEY, version INTEGER)")
        cursor.execute("INSERT INTO figures VALUES (1, 1)")
    connections[alias].close()
    first_has_read = threading.Event()
    errors: list[BaseException] = []

    def save(hold: float, wait_for: threading.Event | None) -> None:
        try:
            if wait_for is not None:
                wait_for.wait(5)
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT version FROM figures WHERE id = 1")
                cursor.fetchone()
                first_has_read.set()
                time.sleep(hold)
                cursor.execute("UPDATE figures SET version = version + 1 WHERE id = 1")
        except BaseException as error:
            errors.append(error)
        finally:
            connections[alias].close()  # this thread's connection

    threads = [
        threading.Thread(target=save, args=(0.3, None)),
        threading.Thread(target=save, args=(0.0, first_has_read)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    del connections.settings[alias]
    return errors


@pytest.fixture
def own_files(django_db_blocker: Any) -> Iterator[None]:
    # These connections go to files of their own, not to the test database.
    with django_db_blocker.unblock():
        yield


@pytest.mark.usefixtures("own_files")
def test_it_queues_two_saves_with_the_portals_options(tmp_path: Path) -> None:
    assert race(tmp_path / "portal.sqlite3", settings.SQLITE_OPTIONS) == []


@pytest.mark.usefixtures("own_files")
def test_it_would_fail_with_sqlites_defaults(tmp_path: Path) -> None:
    # The check above can fail: without the options the same race is "database is locked".
    errors = race(tmp_path / "default.sqlite3", {"timeout": 20})
    assert errors and isinstance(errors[0], OperationalError)
    assert "locked" in str(errors[0])


def test_every_sqlite_database_of_the_settings_gets_them() -> None:
    from kpi_portal import settings as project_settings

    for database in (
        project_settings.sqlite_database("db.sqlite3"),
        project_settings.database_from_url("sqlite:////tmp/x.sqlite3"),
    ):
        assert database["OPTIONS"] == project_settings.SQLITE_OPTIONS
