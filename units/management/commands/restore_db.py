"""python manage.py restore_db FILE [--force] — load a backup_db file into this database.

The database is migrated first (an empty PostgreSQL database or a new SQLite file is
fine) and must be at the same migrations as the backup. It must hold no data — no user,
unit, period or figures — unless --force, which replaces everything. Then, in one
transaction: every table is emptied (including the content types, permissions and
indicators that migrate creates, so primary keys come back exactly as they were), the
rows are inserted with their primary keys, PostgreSQL sequences are moved past the
highest key (sqlsequencereset), and the manifest (row count and SHA-256 per model) is
checked against the database. Any difference rolls everything back.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction

from units.management.commands.backup_db import (
    FORMAT,
    applied_migrations,
    backup_models,
    database_manifest,
    open_text,
)

# Rows that `migrate` itself creates: their presence does not make a database non-empty.
CREATED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission", "indicators.indicator"}
BATCH = 1000


def database_has_data() -> list[str]:
    """Labels of the models holding rows that migrate did not create."""
    tables = set(connection.introspection.table_names())
    found = []
    for model in backup_models():
        label = model._meta.label_lower
        if label in CREATED_BY_MIGRATE or model._meta.db_table not in tables:
            continue
        if model._default_manager.exists():
            found.append(label)
    return found


def _read(path: str) -> Iterator[dict[str, Any]]:
    with open_text(path, "r") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _empty_every_table() -> None:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@contextlib.contextmanager
def _stored_timestamps(model: type[models.Model]) -> Iterator[None]:
    """bulk_create would stamp auto_now/auto_now_add fields with the current time; a
    restore keeps the stored ones (loaddata's raw save does the same)."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _insert(model: type[models.Model], items: list[dict[str, Any]]) -> None:
    with _stored_timestamps(model):
        _insert_rows(model, items)


def _insert_rows(model: type[models.Model], items: list[dict[str, Any]]) -> None:
    objects = []
    m2m: list[tuple[Any, dict[str, list[Any]]]] = []
    for deserialized in serializers.deserialize("python", items, ignorenonexistent=False):
        objects.append(deserialized.object)
        if deserialized.m2m_data:
            m2m.append((deserialized.object.pk, deserialized.m2m_data))
    model._default_manager.bulk_create(objects, batch_size=BATCH)
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        if not through._meta.auto_created:
            continue
        source = field.m2m_field_name() + "_id"
        target = field.m2m_reverse_field_name() + "_id"
        rows = [
            through(**{source: pk, target: other})
            for pk, data in m2m
            for other in data.get(field.name, [])
        ]
        through._default_manager.bulk_create(rows, batch_size=BATCH)


def restore(path: str, *, force: bool) -> dict[str, Any]:
    header: dict[str, Any] | None = None
    manifest: dict[str, Any] | None = None
    by_label = {m._meta.label_lower: m for m in backup_models()}
    with transaction.atomic():
        pending: list[dict[str, Any]] = []
        current: str | None = None

        def flush() -> None:
            if pending and current is not None:
                _insert(by_label[current], pending)
            pending.clear()

        for item in _read(path):
            if header is None:
                header = item
                if header.get("format") != FORMAT:
                    raise CommandError("Không phải tệp sao lưu của KPI Portal / not a backup file.")
                ours = applied_migrations()
                if header["migrations"] != ours:
                    theirs = {tuple(m) for m in header["migrations"]}
                    missing = sorted(theirs - {tuple(m) for m in ours})
                    extra = sorted({tuple(m) for m in ours} - theirs)
                    raise CommandError(
                        "Bản sao lưu và cơ sở dữ liệu khác migration / migrations differ: "
                        f"chỉ trong bản sao lưu {missing[:5]}, chỉ trong CSDL {extra[:5]}. "
                        "Hãy khôi phục bằng đúng phiên bản mã đã sao lưu, rồi migrate."
                    )
                if not force:
                    data = database_has_data()
                    if data:
                        raise CommandError(
                            "Cơ sở dữ liệu đích đã có dữ liệu (" + ", ".join(data[:6]) + "); "
                            "dùng --force để thay thế toàn bộ / the database is not empty; "
                            "--force replaces everything."
                        )
                _empty_every_table()
                continue
            if "manifest" in item:
                manifest = item["manifest"]
                break
            label = item["model"]
            if label not in by_label:
                raise CommandError(f"Bảng không có trong mã hiện tại / unknown model: {label}")
            if label != current or len(pending) >= BATCH:
                flush()
                current = label
            pending.append(item)
        flush()
        if header is None or manifest is None:
            raise CommandError("Tệp sao lưu bị cắt cụt / the backup file is truncated.")
        models_in_file = [by_label[label] for label in manifest if label in by_label]
        missing_models = sorted(set(manifest) - set(by_label))
        if missing_models:
            raise CommandError(
                f"Bảng không có trong mã hiện tại / unknown models: {missing_models}"
            )
        statements = connection.ops.sequence_reset_sql(no_style(), list(by_label.values()))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        restored = database_manifest(models_in_file)
        different = [label for label in manifest if restored.get(label) != manifest[label]]
        if different:
            raise CommandError(
                "Dữ liệu khôi phục không khớp bản sao lưu, đã hủy / restored rows differ: "
                + ", ".join(different)
            )
    return manifest


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
        manifest = restore(options["input"], force=options["force"])
        rows = sum(entry["count"] for entry in manifest.values())
        self.stdout.write(
            f"Đã khôi phục {rows} dòng của {len(manifest)} bảng; số dòng và SHA-256 từng bảng "
            "khớp bản sao lưu / restored and verified."
        )
