"""Stamps of shared page copies, read with one plain SQL statement each (see core/pagecache.py).

A stamp is read on every request served from a shared copy, so it is the copy's main cost after Django's
own request handling: building the same query through the ORM took ~0.25 ms of CPU per read (compiling
the queryset), the statement itself a few microseconds. The statements here are written once, name the
model's table through its metadata and run on the database the router reads that model from, so a read
replica serves them like any other read.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router


def read_stamp(model: type[models.Model], sql: str, params: Sequence[int | str]) -> str | None:
    """The first column of the first row of `sql` as text; None when there is no row or it is NULL.

    `{table}` in `sql` stands for the model's quoted table name; values go in `params`, never in `sql`.
    """
    connection = connections[router.db_for_read(model)]
    statement = sql.format(table=connection.ops.quote_name(model._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    return None if row is None or row[0] is None else str(row[0])
