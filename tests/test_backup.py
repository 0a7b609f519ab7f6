"""backup_db / restore_db: back up the test database (units, figures with history, a user,
an import batch with binary content), restore into an empty database in a subprocess —
a new SQLite file, or a new PostgreSQL database on the same server — and compare the row
count and SHA-256 of every table; restore refuses a non-empty database without --force,
and PostgreSQL sequences continue after the restored keys."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from indicators.domain import periods
from indicators.figures import services
from indicators.models import ImportBatch, Period, UnitFigures
from kpi_portal.backup import database_manifest
from tests.base import BaseTestCase

ROOT = Path(settings.BASE_DIR)
BINARY = bytes(range(256)) * 3 + b"PK\x03\x04\x00\xff"
COUNTS = {
    "total": 1000,
    "carried_over": 10,
    "received": 990,
    "received_in_person": 590,
    "received_online": 400,
}


def manifest_of(path: Path) -> dict:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    return json.loads(lines[-1])["manifest"]


class EmptyDatabase:
    """A database nobody has used: a new SQLite file or a new PostgreSQL database."""

    def __init__(self, tmp: Path) -> None:
        self.name = f"kpi_restore_{uuid.uuid4().hex[:8]}"
        self.tmp = tmp
        if connection.vendor == "postgresql":
            s = connection.settings_dict
            self.url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{self.name}"
            self._admin(f'CREATE DATABASE "{self.name}"')
        else:
            self.url = f"sqlite:///{tmp / (self.name + '.sqlite3')}"

    def _admin(self, sql: str) -> None:
        import psycopg2

        params = connection.get_connection_params()
        admin = psycopg2.connect(**{**params, "dbname": "postgres"})
        try:
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute(sql)
        finally:
            admin.close()

    def drop(self) -> None:
        if connection.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "kpi_portal.settings",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)}: {result.stdout}\n{result.stderr}")
        return result


class BackupRestoreTestCase(BaseTestCase):
    def test_it_restores_a_backup_into_an_empty_database_row_for_row(self) -> None:
        import tempfile

        # Data of every kind: figures with history (two saves), a user, an import batch.
        period = Period.objects.for_spec(periods.parse_period_code("2023-Q3-CAL"))
        first = services.figures_save(
            unit=self.hoai_duc,
            period=period,
            values=COUNTS,
            user=self.commune,
            expected_version=None,
        )
        services.figures_save(
            unit=self.hoai_duc,
            period=period,
            values={**COUNTS, "total": 1001, "carried_over": 11},
            user=self.commune,
            expected_version=first.version,
        )
        batch = ImportBatch.objects.create(
            uploaded_by=self.district,
            parent=self.hoai_nhon,
            period=period,
            filename="phu-luc ư.xlsx",
            content=BINARY,
            report={"rows": [], "ghi chú": "ổn"},
        )

        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            backup = tmp / "backup.jsonl.gz"
            call_command("backup_db", str(backup), verbosity=0)
            expected = manifest_of(backup)
            # The manifest is the database as it is now, table by table.
            self.assertEqual(expected, database_manifest())
            self.assertGreater(expected["units.administrativeunit"]["count"], 500)
            self.assertGreaterEqual(expected["indicators.figureschange"]["count"], 7)
            self.assertEqual(expected["indicators.importbatch"]["count"], 1)

            target = EmptyDatabase(tmp)
            try:
                out = target.manage("restore_db", str(backup)).stdout
                self.assertIn("khớp bản sao lưu", out)
                # Back up the restored database and compare every table's count and checksum.
                again = tmp / "again.jsonl.gz"
                target.manage("backup_db", str(again))
                self.assertEqual(manifest_of(again), expected)

                # The binary content came back byte for byte, and new rows get new keys.
                script = (
                    "from indicators.models import ImportBatch, UnitFigures;"
                    "from units.models import User;"
                    f"b = ImportBatch.objects.get(pk={batch.pk});"
                    f"assert bytes(b.content) == bytes(range(256)) * 3 + b'PK\\x03\\x04\\x00\\xff';"
                    "u = User.objects.create(username='after-restore');"
                    "assert u.pk > max(User.objects.exclude(pk=u.pk).values_list('pk', flat=True));"
                    "f = UnitFigures.objects.order_by('pk').last();"
                    "print('ok', f.version, f.total)"
                )
                shell = target.manage("shell", "-c", script)
                self.assertIn("ok", shell.stdout)

                # Not empty any more: refused without --force, replaced with it.
                refused = target.manage("restore_db", str(backup), check=False)
                self.assertNotEqual(refused.returncode, 0)
                self.assertIn("--force", refused.stderr)
                target.manage("restore_db", str(backup), "--force")
                target.manage("backup_db", str(again))
                self.assertEqual(manifest_of(again), expected)
            finally:
                target.drop()
        stored = UnitFigures.objects.get(unit=self.hoai_duc, period=period)
        self.assertEqual((stored.version, stored.total), (2, 1001))
