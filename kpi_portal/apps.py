import sqlite3
from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def sqlite_real_variable_limit(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Django assumes SQLite's old compile-time limit of 999 variables per statement, so
    a bulk insert of 21 count fields went in batches of 47 rows: a national month of
    10.000 figures took 213 statements instead of 10, and the number of statements of an
    import or a plan grew with its units. SQLite since 3.32 allows 32.766; the real limit
    of this connection is asked for (as Django 6.0 does), PostgreSQL has none."""
    if connection.vendor != "sqlite":
        return
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    connection.features.max_query_params = limit


class PortalConfig(AppConfig):
    """The project itself as an app, so that project-wide commands (backup_db, restore_db)
    live beside the code they run rather than in a feature app."""

    name = "kpi_portal"
    verbose_name = "KPI Portal"

    def ready(self) -> None:
        connection_created.connect(sqlite_real_variable_limit, dispatch_uid="sqlite_limit")
