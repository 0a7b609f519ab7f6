"""python manage.py backup_db FILE — every row of every table, one engine-neutral file
(format and work in kpi_portal/backup.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kpi_portal.backup import backup_write, open_text


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cơ sở dữ liệu (SQLite hoặc PostgreSQL) ra một tệp JSON lines (nén gzip "
        "nếu tên tệp kết thúc bằng .gz). Khôi phục bằng 'manage.py restore_db TỆP'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "output", help="tệp đích, ví dụ backup-2025-07-01.jsonl.gz ('-': stdout)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["output"]
        if path != "-":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            partial = path + ".partial"
            with open_text(partial, "w", gz=path.endswith(".gz")) as out:
                manifest = backup_write(out=out)
            # Renamed only once complete: a crash never leaves a truncated file under the name.
            Path(partial).replace(path)
        else:
            manifest = backup_write(out=sys.stdout)
        rows = sum(entry["count"] for entry in manifest.values())
        if path != "-":
            self.stdout.write(
                f"Đã sao lưu {rows} dòng của {len(manifest)} bảng vào {path} / backed up."
            )
