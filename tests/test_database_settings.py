"""The database settings read from DATABASE_URL: PostgreSQL without JIT compilation (the
pages' short roll-up queries paid more for compiling than for running, issue 14)."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase

from kpi_portal.settings import database_from_url


def test_it_turns_jit_off_for_postgresql(monkeypatch) -> None:
    monkeypatch.delenv("DB_JIT", raising=False)
    settings = database_from_url("postgres://kpi:secret@db.example:5433/kpi")
    assert settings["OPTIONS"] == {"options": "-c jit=off"}
    assert (settings["HOST"], settings["PORT"], settings["NAME"]) == ("db.example", "5433", "kpi")
    monkeypatch.setenv("DB_JIT", "on")
    assert database_from_url("postgres://kpi@db/kpi")["OPTIONS"] == {"options": "-c jit=on"}


class ConnectionTestCase(TestCase):
    def test_it_runs_the_suite_with_the_settings_it_reads(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW jit")
                self.assertEqual(cursor.fetchone(), ("off",))
            else:
                cursor.execute("PRAGMA journal_mode")
                self.assertIn(cursor.fetchone()[0], ("wal", "memory"))
