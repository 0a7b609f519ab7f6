"""Backup and restore of the whole database, engine-neutral (SQLite <-> PostgreSQL).

Format: gzip'd JSON lines. Line 1 is a header (format, engine, applied migrations), then
one Django-serialized object per line ({"model", "pk", "fields"}; many-to-many as lists of
primary keys; binary content such as ImportBatch.content in base64; datetimes with their
microseconds), model by model in primary-key order, and a last line with the manifest:
row count and SHA-256 of the rows of every model. Every installed model is included —
units, users, figures and their history, import batches, targets, sessions, content types
and permissions, and whatever tables other apps add (audit log, django-axes) — with no
natural keys: primary keys are kept as they are.

Restore, in one transaction: every table is emptied (including the content types,
permissions and indicators that migrate creates, so primary keys come back exactly as they
were), the rows are inserted with their primary keys, PostgreSQL sequences are moved past
the highest key (sqlsequencereset), and the manifest is checked against the database. Any
difference rolls everything back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import gzip
import hashlib
import io
import json
import sys
import uuid
from collections.abc import Iterator, Sequence
from typing import Any, Literal, Protocol, TextIO, cast

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder


class BackupRefused(Exception):
    """The file cannot be restored here; the message says why, in Vietnamese and English."""


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


def _through(field: models.ManyToManyField[Any, Any]) -> type[models.Model]:
    """The model behind a many-to-many field: the one Django made, or the one it names."""
    # The stubs allow None: Django sets it when the field is set up, long before any
    # backup or restore runs.
    return cast(type[models.Model], field.remote_field.through)


def model_rows(model: type[models.Model]) -> Iterator[dict[str, Any]]:
    """The model's rows as serializer dicts, in primary-key order, m2m lists sorted."""
    queryset = model._default_manager.using(connection.alias).order_by("pk")
    m2m = [f.name for f in model._meta.many_to_many if _through(f)._meta.auto_created]
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


def backup_write(*, out: TextIO) -> dict[str, Any]:
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


def open_text(path: str, mode: Literal["r", "w"], *, gz: bool | None = None) -> TextIO:
    if path == "-":
        return sys.stdout if mode == "w" else sys.stdin
    if path.endswith(".gz") if gz is None else gz:
        # What gzip.open does for a binary mode, with the type the stubs can follow.
        return io.TextIOWrapper(gzip.GzipFile(path, mode + "b"), encoding="utf-8")
    return open(path, mode, encoding="utf-8")


# Rows that `migrate` itself creates (the catalogue of indicators, the 766 scoring table of
# migration 0008): their presence does not make a database non-empty.
CREATED_BY_MIGRATE = {
    "contenttypes.contenttype",
    "auth.permission",
    "indicators.indicator",
    "indicators.index766ruleset",
    "indicators.index766group",
    "indicators.index766indicator",
}
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


class _Stamped(Protocol):
    """Date, time and datetime fields: no common base class declares these."""

    auto_now: bool
    auto_now_add: bool


@contextlib.contextmanager
def _stored_timestamps(model: type[models.Model]) -> Iterator[None]:
    """bulk_create would stamp auto_now/auto_now_add fields with the current time; a
    restore keeps the stored ones (loaddata's raw save does the same)."""
    fields = [
        cast(_Stamped, f)
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
    m2m: list[tuple[Any, dict[str, Sequence[Any]]]] = []
    for deserialized in serializers.deserialize("python", items, ignorenonexistent=False):
        objects.append(deserialized.object)
        if deserialized.m2m_data:
            m2m.append((deserialized.object.pk, deserialized.m2m_data))
    model._default_manager.bulk_create(objects, batch_size=BATCH)
    for field in model._meta.many_to_many:
        through = _through(field)
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


def backup_restore(*, path: str, force: bool) -> dict[str, Any]:
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
                    raise BackupRefused(
                        "Không phải tệp sao lưu của KPI Portal / not a backup file."
                    )
                ours = applied_migrations()
                if header["migrations"] != ours:
                    theirs = {tuple(m) for m in header["migrations"]}
                    missing = sorted(theirs - {tuple(m) for m in ours})
                    extra = sorted({tuple(m) for m in ours} - theirs)
                    raise BackupRefused(
                        "Bản sao lưu và cơ sở dữ liệu khác migration / migrations differ: "
                        f"chỉ trong bản sao lưu {missing[:5]}, chỉ trong CSDL {extra[:5]}. "
                        "Hãy khôi phục bằng đúng phiên bản mã đã sao lưu, rồi migrate."
                    )
                if not force:
                    data = database_has_data()
                    if data:
                        raise BackupRefused(
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
                raise BackupRefused(f"Bảng không có trong mã hiện tại / unknown model: {label}")
            if label != current or len(pending) >= BATCH:
                flush()
                current = label
            pending.append(item)
        flush()
        if header is None or manifest is None:
            raise BackupRefused("Tệp sao lưu bị cắt cụt / the backup file is truncated.")
        models_in_file = [by_label[label] for label in manifest if label in by_label]
        missing_models = sorted(set(manifest) - set(by_label))
        if missing_models:
            raise BackupRefused(
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
            raise BackupRefused(
                "Dữ liệu khôi phục không khớp bản sao lưu, đã hủy / restored rows differ: "
                + ", ".join(different)
            )
    return manifest
