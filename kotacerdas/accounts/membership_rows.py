"""A user's active memberships with their region, agency and area, read with one plain SQL statement (with the
user themselves, for the session's user: `user_with_memberships`).

Every page a member opens reads them: the permission checks run on them. Through the ORM, with
`select_related("region", "agency", "area")`, compiling the query cost ~0.4 ms of CPU per request, the statement
a few microseconds; so the statement is written once per database connection and its rows become the instances
the ORM would build (core/rows.py), the related ones cached on the membership as select_related leaves them.
Nothing is kept between requests but the statement: a revoked membership is gone at the next read, in every process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import ForeignKey, Model

from kotacerdas.accounts.models import Membership, User
from kotacerdas.core.rows import Columns, column, model_columns, per_connection, statement_cursor

# The foreign keys read with the membership (LEFT JOINs: each may be NULL).
_RELATED: tuple[ForeignKey[Any, Any], ...] = tuple(
    Membership._meta.get_field(name)  # type: ignore[misc]
    for name in ("region", "agency", "area")
)


@dataclass(frozen=True)
class _Statement:
    sql: str
    tables: tuple[Columns, ...]  # the membership, then the _RELATED in order (after the user, when it is read too)


def active_memberships(user_id: int) -> list[Membership]:
    """The user's active memberships, oldest first, each with its region, agency and area (or None) loaded."""
    connection = connections[router.db_for_read(Membership)]
    statement = _statement(connection)
    with statement_cursor(connection) as cursor:
        cursor.execute(statement.sql, [user_id, True])
        rows = cursor.fetchall()
    return [_membership(statement.tables, row, connection) for row in rows]


def user_with_memberships(user_id: int) -> tuple[User, list[Membership]] | None:
    """The user and their active memberships (as `active_memberships` gives them) in one statement; None if no user.

    The session's user is read on every request of a member, and nearly every page then checks a permission: one
    round trip instead of two.
    """
    connection = connections[router.db_for_read(User)]
    statement = _user_statement(connection)
    with statement_cursor(connection) as cursor:
        cursor.execute(statement.sql, [True, user_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    user_columns, *tables = statement.tables
    membership_id = tables[0].start  # NULL when the user has no active membership (the LEFT JOIN's empty row)
    memberships = [_membership(tables, row, connection) for row in rows if row[membership_id] is not None]
    return user_columns.instance(rows[0], connection), memberships


def _membership(tables: Sequence[Columns], row: Any, connection: BaseDatabaseWrapper) -> Membership:
    membership, *related = (table.instance(row, connection) for table in tables)
    for field, obj in zip(_RELATED, related, strict=True):
        field.set_cached_value(membership, obj)  # as select_related leaves it: no query on access, None included
    return membership


@per_connection
def _statement(connection: BaseDatabaseWrapper) -> _Statement:
    """SELECT every column of the membership (t0) and of its region, agency and area (t1-t3), for one user."""
    tables = model_columns(connection, Membership, *_related_models())
    user, active, pk = (column(connection, Membership, name) for name in ("user", "is_active", "id"))
    sql = (
        f"SELECT {', '.join(t.select for t in tables)} FROM {_table(connection, Membership)} t0 {_joins(connection, 0)}"
        f" WHERE t0.{user} = %s AND t0.{active} = %s ORDER BY t0.{pk}"
    )
    return _Statement(sql, tables)


@per_connection
def _user_statement(connection: BaseDatabaseWrapper) -> _Statement:
    """SELECT every column of the user (t0), of each active membership (t1) and its region, agency and area (t2-t4)."""
    tables = model_columns(connection, User, Membership, *_related_models())
    user, active, pk = (column(connection, Membership, name) for name in ("user", "is_active", "id"))
    user_pk = connection.ops.quote_name(User._meta.pk.column)
    sql = (
        f"SELECT {', '.join(t.select for t in tables)} FROM {_table(connection, User)} t0"
        f" LEFT JOIN {_table(connection, Membership)} t1 ON t1.{user} = t0.{user_pk} AND t1.{active} = %s"
        f" {_joins(connection, 1)} WHERE t0.{user_pk} = %s ORDER BY t1.{pk}"
    )
    return _Statement(sql, tables)


def _related_models() -> list[type[Model]]:
    return [field.related_model for field in _RELATED]  # type: ignore[misc]


def _joins(connection: BaseDatabaseWrapper, membership: int) -> str:
    """LEFT JOINs of the membership's region, agency and area, aliased after the membership's alias t{membership}."""
    quote = connection.ops.quote_name
    return " ".join(
        f"LEFT JOIN {_table(connection, model)} t{n} ON t{n}.{quote(model._meta.pk.column)}"
        f" = t{membership}.{quote(fk.column)}"
        for n, (model, fk) in enumerate(zip(_related_models(), _RELATED, strict=True), start=membership + 1)
    )


def _table(connection: BaseDatabaseWrapper, model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)
