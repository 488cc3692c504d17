"""A user's active memberships with their region, agency and area, read with one plain SQL statement (with the
user themselves, for the session's user: `user_with_memberships`; with the session too: `session_with_user`).

Every page a member opens reads them: the permission checks run on them. Through the ORM, with
`select_related("region", "agency", "area")`, compiling the query cost ~0.4 ms of CPU per request, the statement
a few microseconds; so the statement is written once per database connection and its rows become the instances
the ORM would build (core/rows.py), the related ones cached on the membership as select_related leaves them.
Nothing is kept between requests but the statement: a revoked membership is gone at the next read, in every process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import ForeignKey, Model

from kotacerdas.accounts.models import Membership, Session, User
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
    along_start: int = 0  # where the columns of a read along the session's statement begin (`Along`)


@dataclass(frozen=True)
class Along:
    """A read that rides along a session's statement, so a request that needs both makes one round trip.

    `sql(connection)` gives the read's select list and its LEFT JOINs, its tables aliased a0, a1, ... (they may
    name the session's user as `s.user_id`); `params` are the JOINs' parameters in order. Its values come back
    as `SessionRow.along`: the first row's columns after the session's. One statement per connection and `name`.
    """

    name: str
    sql: Callable[[BaseDatabaseWrapper], tuple[str, str]]
    params: tuple[Any, ...]


@dataclass(frozen=True)
class SessionRow:
    """A session's row and, when its user_id column names a user, that user with their active memberships."""

    data: str  # session_data, still encoded
    user_id: int | None
    member: tuple[User, list[Membership]] | None  # None: no user named, or none with that id
    along: tuple[Any, ...] | None = None  # the columns of the read along it (`Along`), if one was asked for


def active_memberships(user_id: int) -> list[Membership]:
    """The user's active memberships, oldest first, each with its region, agency and area (or None) loaded."""
    connection = connections[router.db_for_read(Membership)]
    statement = _statement(connection)
    with statement_cursor(connection, statement.sql) as cursor:
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
    with statement_cursor(connection, statement.sql) as cursor:
        cursor.execute(statement.sql, [True, user_id])
        rows = cursor.fetchall()
    return _user_and_memberships(statement.tables, rows, connection) if rows else None


def session_with_user(session_key: str, now: dt.datetime, along: Along | None = None) -> SessionRow | None:
    """The session unexpired at `now` and the user its user_id column names, with their active memberships (as
    `user_with_memberships` gives them) in one statement; None when there is no such session.

    A logged-in member's request reads the session, then its user, then (nearly always) their memberships: one
    round trip instead of two; with `along`, that read's too. Whether the session's data names the same user is
    for the caller to check.
    """
    connection = connections[router.db_for_read(Session)]
    statement = _session_statement(connection) if along is None else _session_statement_along(connection, along)
    params = [True, *(along.params if along else ()), session_key, connection.ops.adapt_datetimefield_value(now)]
    with statement_cursor(connection, statement.sql) as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    data, user_id = rows[0][0], rows[0][1]
    user_found = rows[0][statement.tables[0].start] is not None  # the LEFT JOIN found the user
    member = _user_and_memberships(statement.tables, rows, connection) if user_found else None
    along_values = tuple(rows[0][statement.along_start :]) if along else None
    return SessionRow(data=data, user_id=user_id, member=member, along=along_values)


def _user_and_memberships(
    tables: Sequence[Columns], rows: Sequence[Any], connection: BaseDatabaseWrapper
) -> tuple[User, list[Membership]]:
    """The user (columns of tables[0]) and their memberships (one per row, tables[1:]) of a user statement's rows."""
    user_columns, *membership_tables = tables
    membership_id = membership_tables[0].start  # NULL when the user has no active membership (the LEFT JOIN's row)
    memberships = [_membership(membership_tables, row, connection) for row in rows if row[membership_id] is not None]
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
    user_pk = connection.ops.quote_name(User._meta.pk.column)
    sql = (
        f"SELECT {', '.join(t.select for t in tables)} FROM {_table(connection, User)} t0"
        f" {_membership_joins(connection)} WHERE t0.{user_pk} = %s ORDER BY t1.{column(connection, Membership, 'id')}"
    )
    return _Statement(sql, tables)


@per_connection
def _session_statement(connection: BaseDatabaseWrapper) -> _Statement:
    """SELECT the session's data and user id, then the columns of `_user_statement` for the user of that id."""
    return _session_sql(connection)


@per_connection
def _session_statements_along(connection: BaseDatabaseWrapper) -> dict[str, _Statement]:
    """The session's statement with each read along it (`Along`) asked for on this connection, by its name."""
    return {}


def _session_statement_along(connection: BaseDatabaseWrapper, along: Along) -> _Statement:
    statements = _session_statements_along(connection)
    if along.name not in statements:
        statements[along.name] = _session_sql(connection, *along.sql(connection))
    return statements[along.name]


def _session_sql(connection: BaseDatabaseWrapper, along_select: str = "", along_joins: str = "") -> _Statement:
    """The session's statement; a read along it adds its columns at the end and its LEFT JOINs after the session's."""
    tables = model_columns(connection, User, Membership, *_related_models(), offset=2)
    session = {name: column(connection, Session, name) for name in ("session_data", "user_id", "session_key")}
    expire_date = column(connection, Session, "expire_date")
    user_pk = connection.ops.quote_name(User._meta.pk.column)
    select = [f"s.{session['session_data']}", f"s.{session['user_id']}", *(t.select for t in tables), along_select]
    joins = [_membership_joins(connection), along_joins]
    sql = (
        f"SELECT {', '.join(filter(None, select))}"
        f" FROM {_table(connection, Session)} s LEFT JOIN {_table(connection, User)} t0"
        f" ON t0.{user_pk} = s.{session['user_id']} {' '.join(filter(None, joins))}"
        f" WHERE s.{session['session_key']} = %s AND s.{expire_date} > %s"
        f" ORDER BY t1.{column(connection, Membership, 'id')}"
    )
    return _Statement(sql, tables, along_start=tables[-1].end)


def _membership_joins(connection: BaseDatabaseWrapper) -> str:
    """LEFT JOINs of the user t0's active memberships (t1; one parameter: True) and their region, agency and area."""
    user, active = (column(connection, Membership, name) for name in ("user", "is_active"))
    user_pk = connection.ops.quote_name(User._meta.pk.column)
    return (
        f"LEFT JOIN {_table(connection, Membership)} t1 ON t1.{user} = t0.{user_pk} AND t1.{active} = %s"
        f" {_joins(connection, 1)}"
    )


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
