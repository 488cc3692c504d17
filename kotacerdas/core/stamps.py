"""Stamps of shared page copies (see core/pagecache.py), and other hot one-value reads, by one plain SQL statement.

A stamp is read on every request served from a shared copy, so it is the copy's main cost after Django's
own request handling: building the same query through the ORM took ~0.25 ms of CPU per read (compiling
the queryset), the statement itself a few microseconds. The statements here are written once, name the
model's table through its metadata and run on the database the router reads that model from, so a read
replica serves them like any other read.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

from kotacerdas.core.rows import statement_cursor


def read_stamp(model: type[models.Model], sql: str, params: Sequence[int | str]) -> str | None:
    """The first column of the first row of `sql` as text; None when there is no row or it is NULL.

    `{table}` in `sql` stands for the model's quoted table name; values go in `params`, never in `sql`.
    """
    value = _first_value(model, sql, params)
    return None if value is None else str(value)


def read_json(model: type[models.Model], field: str, sql: str, params: Sequence[int | str]) -> Any:
    """The value of the JSON `field` that `sql` selects first, as the ORM would give it; None when there is no row."""
    value = _first_value(model, sql, params)
    if not isinstance(value, str):  # NULL, or a driver that decoded it already
        return value
    return json.loads(value, cls=model._meta.get_field(field).decoder)  # type: ignore[union-attr]


def _first_value(model: type[models.Model], sql: str, params: Sequence[int | str]) -> Any:
    connection = connections[router.db_for_read(model)]
    # Interned: the same text is the same object, which psycopg's kept cursor recognises as the one it ran last.
    statement = sys.intern(sql.format(table=connection.ops.quote_name(model._meta.db_table)))
    with statement_cursor(connection, statement) as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    return None if row is None else row[0]
