"""The database settings read from DATABASE_URL: PostgreSQL without JIT compilation (the
pages' short roll-up queries paid more for compiling than for running), with a random page
cost for data in memory and no parallel workers per query (issue 14)."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase

from kpi_portal.settings import database_from_url


def test_it_sets_the_planner_for_postgresql(monkeypatch) -> None:
    for name in ("DB_JIT", "DB_RANDOM_PAGE_COST", "DB_PARALLEL_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    settings = database_from_url("postgres://kpi:secret@db.example:5433/kpi")
    assert settings["OPTIONS"] == {
        "options": "-c jit=off -c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
    }
    assert (settings["HOST"], settings["PORT"], settings["NAME"]) == ("db.example", "5433", "kpi")
    monkeypatch.setenv("DB_JIT", "on")
    monkeypatch.setenv("DB_RANDOM_PAGE_COST", "4")
    monkeypatch.setenv("DB_PARALLEL_WORKERS", "2")
    assert database_from_url("postgres://kpi@db/kpi")["OPTIONS"] == {
        "options": "-c jit=on -c random_page_cost=4.0 -c max_parallel_workers_per_gather=2"
    }


class ConnectionTestCase(TestCase):
    def test_it_runs_the_suite_with_the_settings_it_reads(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW jit")
                self.assertEqual(cursor.fetchone(), ("off",))
                cursor.execute("SHOW random_page_cost")
                self.assertEqual(cursor.fetchone(), ("1.1",))
                cursor.execute("SHOW max_parallel_workers_per_gather")
                self.assertEqual(cursor.fetchone(), ("0",))
            else:
                cursor.execute("PRAGMA journal_mode")
                self.assertIn(cursor.fetchone()[0], ("wal", "memory"))
