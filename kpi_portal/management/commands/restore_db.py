"""python manage.py restore_db FILE [--force] — load a backup_db file into this database
(work in kpi_portal/backup.py).

The database is migrated first (an empty PostgreSQL database or a new SQLite file is
fine) and must be at the same migrations as the backup. It must hold no data — no user,
unit, period or figures — unless --force, which replaces everything.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpi_portal.backup import BackupRefused, backup_restore


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu từ tệp của 'manage.py backup_db'. Chạy migrate trước; từ chối "
        "ghi đè cơ sở dữ liệu đã có dữ liệu trừ khi có --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="tệp sao lưu (.jsonl hoặc .jsonl.gz; '-': stdin)")
        parser.add_argument("--force", action="store_true", help="thay thế toàn bộ dữ liệu đang có")
        parser.add_argument(
            "--no-migrate", action="store_true", help="không chạy migrate trước khi khôi phục"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        try:
            manifest = backup_restore(path=options["input"], force=options["force"])
        except BackupRefused as refused:
            raise CommandError(str(refused)) from None
        rows = sum(entry["count"] for entry in manifest.values())
        self.stdout.write(
            f"Đã khôi phục {rows} dòng của {len(manifest)} bảng; số dòng và SHA-256 từng bảng "
            "khớp bản sao lưu / restored and verified."
        )
