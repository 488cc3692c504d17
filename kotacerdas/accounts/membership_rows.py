"""A user's active memberships with their region, agency and area, read with one plain SQL statement.

Every page a member opens reads them: the permission checks run on them. Through the ORM, with
`select_related("region", "agency", "area")`, compiling the query cost ~0.4 ms of CPU per request, the statement
a few microseconds; so the statement is written once per database connection and its rows become the instances
the ORM would build (core/rows.py), the related ones cached on the membership as select_related leaves them.
Nothing is kept between requests but the statement: a revoked membership is gone at the next read, in every process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import ForeignKey, Model

from kotacerdas.accounts.models import Membership
from kotacerdas.core.rows import Columns, column, model_columns, per_connection

# The foreign keys read with the membership (LEFT JOINs: each may be NULL).
_RELATED: tuple[ForeignKey[Any, Any], ...] = tuple(
    Membership._meta.get_field(name)  # type: ignore[misc]
    for name in ("region", "agency", "area")
)


@dataclass(frozen=True)
class _Statement:
    sql: str
    tables: tuple[Columns, ...]  # the membership, then the _RELATED in order


def active_memberships(user_id: int) -> list[Membership]:
    """The user's active memberships, oldest first, each with its region, agency and area (or None) loaded."""
    connection = connections[router.db_for_read(Membership)]
    statement = _statement(connection)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [user_id, True])
        rows = cursor.fetchall()
    return [_membership(statement, row, connection) for row in rows]


def _membership(statement: _Statement, row: Any, connection: BaseDatabaseWrapper) -> Membership:
    membership, *related = (table.instance(row, connection) for table in statement.tables)
    for field, obj in zip(_RELATED, related, strict=True):
        field.set_cached_value(membership, obj)  # as select_related leaves it: no query on access, None included
    return membership


@per_connection
def _statement(connection: BaseDatabaseWrapper) -> _Statement:
    """SELECT every column of the membership (t0) and of its region, agency and area (t1-t3), for one user."""
    quote = connection.ops.quote_name
    related: list[type[Model]] = [field.related_model for field in _RELATED]  # type: ignore[misc]
    tables = model_columns(connection, Membership, *related)
    joins = " ".join(
        f"LEFT JOIN {quote(model._meta.db_table)} t{n} ON t{n}.{quote(model._meta.pk.column)} = t0.{quote(fk.column)}"
        for n, (model, fk) in enumerate(zip(related, _RELATED, strict=True), start=1)
    )
    user, active, pk = (column(connection, Membership, name) for name in ("user", "is_active", "id"))
    sql = (
        f"SELECT {', '.join(t.select for t in tables)} FROM {quote(Membership._meta.db_table)} t0 {joins}"
        f" WHERE t0.{user} = %s AND t0.{active} = %s ORDER BY t0.{pk}"
    )
    return _Statement(sql, tables)
