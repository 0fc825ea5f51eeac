"""Fast inserts of many new rows, for imports, the cohort generator and the monthly snapshots.

Django's ``bulk_create`` prepares every value of every row through the field machinery, which
dominates the time of a large import. ``insert_many`` uses PostgreSQL's COPY there, and on other
databases prepares only the values that need it (datetimes, JSON) and sends the rest as they are,
in batches with ``executemany``. The objects get no primary keys; callers look them up afterwards
by a natural key. ``insert_values`` does the same from plain mappings of field names to values,
for callers that would otherwise make hundreds of thousands of model objects only to write them.

After a bulk load the database's planner statistics are stale (on a fresh table PostgreSQL knows
nothing of its rows, and one query on freshly generated data once ran for over 10 minutes with
autovacuum off): whatever loads in bulk calls ``analyze`` on the tables it filled, once, at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

_PLAIN = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.DateField,
    models.ForeignKey,
)


def _fields(model: type[models.Model]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def insert_many(model: type[models.Model], objects: Sequence[models.Model], *, batch_size: int = 5000) -> None:
    """Insert ``objects`` (new, unsaved) in bulk; they get no primary keys."""
    if not objects:
        return
    fields = _fields(model)
    now = timezone.now()  # ``auto_now`` and ``auto_now_add`` fields take the time of the call, as in ``insert_values``
    for field in fields:
        if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            for obj in objects:
                setattr(obj, field.attname, now)
    attnames = [f.attname for f in fields]
    _write(model, fields, ([getattr(obj, name) for name in attnames] for obj in objects), batch_size)


def insert_values(model: type[models.Model], rows: Iterable[Mapping[str, Any]], *, batch_size: int = 5000) -> None:
    """Insert one row of ``model`` per mapping of field names (attnames, like ``council_id``) to values.

    A field a mapping leaves out takes the value a new model object would have (its default, or
    empty text), and ``auto_now`` and ``auto_now_add`` fields the time of the call; leaving out a
    field that has none of these is a mistake (``KeyError``). Values are not
    validated: the caller builds them from checked data.
    """
    fields = _fields(model)
    now = timezone.now()
    fallback: dict[str, Any] = {}
    for field in fields:
        if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            fallback[field.attname] = now
        elif field.has_default() or field.null or field.empty_strings_allowed:
            fallback[field.attname] = field.get_default()  # as a new model object would have it

    attnames = [f.attname for f in fields]

    def values(row: Mapping[str, Any]) -> list[Any]:
        return [row[name] if name in row else fallback[name] for name in attnames]

    _write(model, fields, (values(row) for row in rows), batch_size)


def _write(model: type[models.Model], fields: list[Any], rows: Iterable[list[Any]], batch_size: int) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor == "postgresql":
        _copy(table, columns, fields, rows)
        return
    plain = [
        isinstance(f, _PLAIN) and not isinstance(f, models.DateTimeField) and not isinstance(f, models.JSONField)
        for f in fields
    ]
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
    # A value is prepared once for a run of rows that share the very object: ``insert_values``' time of the call
    # and the default it fills in (one list for every row's empty JSON list, say).
    last: dict[int, tuple[Any, Any]] = {}
    with connection.cursor() as cursor:
        batch: list[list[Any]] = []
        for values in rows:
            for i, field in enumerate(fields):
                value = values[i]
                if plain[i] or value is None:
                    continue
                held = last.get(i)
                if held is None or held[0] is not value:
                    held = last[i] = (value, field.get_db_prep_save(value, connection))
                values[i] = held[1]
            batch.append(values)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _copy(table: str, columns: str, fields: list[Any], rows: Iterable[list[Any]]) -> None:
    """PostgreSQL's COPY: the fastest way in, many times quicker than INSERT for large batches."""
    json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for values in rows:
            for i in json_columns:
                values[i] = json.dumps(values[i])
            copy.write_row(values)


ANALYZE_AFTER_ROWS = 1000
"""Fewer new rows than this leave the statistics about right; ``analyze_loaded`` skips the table."""


def analyze(*tables: type[models.Model]) -> None:
    """Refresh the planner's statistics of these models' tables (PostgreSQL and SQLite both have ANALYZE).

    Runs inside the caller's transaction too: PostgreSQL then counts the transaction's own new rows.
    """
    with connection.cursor() as cursor:
        for model in dict.fromkeys(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def analyze_loaded(rows_by_model: Mapping[type[models.Model], int]) -> None:
    """``analyze`` the tables a load added at least ``ANALYZE_AFTER_ROWS`` rows to."""
    analyze(*(model for model, rows in rows_by_model.items() if rows >= ANALYZE_AFTER_ROWS))
