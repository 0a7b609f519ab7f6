"""Plain multi-row writes for the batch work that holds tens of thousands of rows (an
import's figures and history lines, a country's targets): Model.objects.bulk_create
prepares every value of every object through its field (about 0,1 ms a row on these
cores, most of a national import's or plan's time); rows of values already in database
form take a twentieth of it. On PostgreSQL the rows go through COPY … FROM STDIN, one per
chunk (a 10.000-row INSERT of the history took 0,66 s to send and parse, most of a
national import); elsewhere one INSERT per chunk, within the engine's bound on
parameters. COPY does not pass Django's execute wrappers: query counters do not see it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

MAX_ROWS = 10_000  # per statement


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """INSERT `rows` (values in the order of `columns`, database column names, in their
    database form: ids, not instances; datetimes through adapt_datetime) into `model`'s
    table. Returns the number of rows. No signals, no auto fields filled: the caller gives
    every column that has no database default."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    size = min(MAX_ROWS, (connection.features.max_query_params or 10**6) // len(columns))
    chunk: list[Sequence[object]] = []
    written = 0

    copy = connection.vendor == "postgresql"

    def flush() -> None:
        if chunk and copy:
            data = io.StringIO(_copy_text(chunk))
            with connection.cursor() as cursor:
                cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", data)
            chunk.clear()
        elif chunk:
            values = ", ".join([placeholder] * len(chunk))
            params: list[Any] = [value for row in chunk for value in row]
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values}", params)
            chunk.clear()

    for row in rows:
        chunk.append(row)
        written += 1
        if len(chunk) >= size:
            flush()
    flush()
    return written


# COPY's text format: a tab between values, \N for NULL, these characters escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy_text(rows: Sequence[Sequence[object]]) -> str:
    """The rows in COPY's text format. Most values are counts and ids, written at once;
    the others (a batch's one timestamp, its few action and field names) are converted
    once per chunk: a national import's history is 2,4 million values."""
    done: dict[tuple[type, object], str] = {}

    def text(value: object) -> str:
        if value is None:
            return "\\N"
        if type(value) is int:
            return str(value)
        key = (type(value), value)
        found = done.get(key)
        if found is None:
            found = done[key] = _copy_value(value)
        return found

    return "".join("\t".join(map(text, row)) + "\n" for row in rows)


def default_columns(
    model: type[models.Model], *, exclude: Sequence[str]
) -> list[tuple[str, object]]:
    """(column, value in database form) of every concrete column of `model` not in
    `exclude` (attnames) and not its primary key, each at its field's default: what the
    other columns of an insert_rows get, so that a field added to the model later is
    written as Model.objects.create would. A callable default is called once per call."""
    return [
        (f.column, f.get_db_prep_save(f.get_default(), connection))
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in exclude
    ]


def adapt_datetime(value: dt.datetime) -> object:
    """A datetime in the form the connection stores it (SQLite: naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)
