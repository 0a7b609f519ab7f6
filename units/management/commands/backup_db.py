"""python manage.py backup_db FILE — every row of every table, one engine-neutral file.

Format (decided for SQLite and PostgreSQL alike, so a backup also moves data between
them): gzip'd JSON lines. Line 1 is a header (format, engine, applied migrations), then
one Django-serialized object per line ({"model", "pk", "fields"}; many-to-many as lists of
primary keys; binary content such as ImportBatch.content in base64; datetimes with their
microseconds), model by model in primary-key order, and a last line with the manifest:
row count and SHA-256 of the rows of every model. Every installed model is included —
units, users, figures and their history, import batches, targets, sessions, content types
and permissions, and whatever tables other apps add (audit log, django-axes) — with no
natural keys: primary keys are kept as they are. restore_db loads it and checks the
manifest against the restored database before it commits.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import hashlib
import io
import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "kpi-portal-backup"
VERSION = 1
CHUNK = 2000


def backup_models() -> list[type[models.Model]]:
    """Concrete, managed models of every app, parents before children where it matters
    little (restore defers foreign-key checks to the commit)."""
    found = []
    for config in apps.get_app_configs():
        for model in config.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            found.append(model)
    return found


class _Encoder(json.JSONEncoder):
    """Lossless: DjangoJSONEncoder would cut datetimes to milliseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.date | dt.time):
            return o.isoformat()
        if isinstance(o, decimal.Decimal):
            return str(o)
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, bytes | memoryview):
            import base64

            return base64.b64encode(bytes(o)).decode()
        return super().default(o)


def encode(obj: dict[str, Any]) -> str:
    return json.dumps(obj, cls=_Encoder, ensure_ascii=False, sort_keys=True)


def model_rows(model: type[models.Model]) -> Iterator[dict[str, Any]]:
    """The model's rows as serializer dicts, in primary-key order, m2m lists sorted."""
    queryset = model._default_manager.using(connection.alias).order_by("pk")
    m2m = [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
    if m2m:
        queryset = queryset.prefetch_related(*m2m)
    chunk: list[models.Model] = []

    def flush() -> Iterator[dict[str, Any]]:
        for item in serializers.serialize("python", chunk):
            for name in m2m:
                item["fields"][name] = sorted(item["fields"].get(name, []))
            yield item

    for obj in queryset.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) >= CHUNK:
            yield from flush()
            chunk = []
    yield from flush()


def database_manifest(model_list: list[type[models.Model]] | None = None) -> dict[str, Any]:
    """{app_label.model: {"count", "sha256"}} of the current database."""
    manifest = {}
    for model in model_list or backup_models():
        digest = hashlib.sha256()
        count = 0
        for item in model_rows(model):
            digest.update(encode(item).encode())
            digest.update(b"\n")
            count += 1
        manifest[model._meta.label_lower] = {"count": count, "sha256": digest.hexdigest()}
    return manifest


def applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def write_backup(out: TextIO) -> dict[str, Any]:
    """Write the backup to a text stream; returns the manifest. One read transaction, so
    the file is a consistent snapshot (REPEATABLE READ on PostgreSQL)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        header = {
            "format": FORMAT,
            "version": VERSION,
            "created": dt.datetime.now(dt.UTC).isoformat(),
            "engine": connection.vendor,
            "migrations": applied_migrations(),
        }
        out.write(encode(header) + "\n")
        manifest: dict[str, Any] = {}
        for model in backup_models():
            digest = hashlib.sha256()
            count = 0
            for item in model_rows(model):
                line = encode(item)
                out.write(line + "\n")
                digest.update(line.encode())
                digest.update(b"\n")
                count += 1
            manifest[model._meta.label_lower] = {"count": count, "sha256": digest.hexdigest()}
        out.write(encode({"manifest": manifest}) + "\n")
    return manifest


def open_text(path: str, mode: str, *, gz: bool | None = None) -> TextIO:
    if path == "-":
        return sys.stdout if mode == "w" else sys.stdin
    if path.endswith(".gz") if gz is None else gz:
        return io.TextIOWrapper(gzip.open(path, mode + "b"), encoding="utf-8")
    return open(path, mode, encoding="utf-8")


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
                manifest = write_backup(out)
            # Renamed only once complete: a crash never leaves a truncated file under the name.
            Path(partial).replace(path)
        else:
            manifest = write_backup(sys.stdout)
        rows = sum(entry["count"] for entry in manifest.values())
        if path != "-":
            self.stdout.write(
                f"Đã sao lưu {rows} dòng của {len(manifest)} bảng vào {path} / backed up."
            )
