"""Model instances from the rows of one plain SQL statement, built as the ORM builds them (for the hottest reads).

A queryset is compiled again on every evaluation: with select_related over a few tables that costs 0.4-0.7 ms
of CPU, when the statement itself takes a few microseconds. A read done on (nearly) every request may instead
write its statement once per database connection, naming every concrete column of its models through their
metadata (`model_columns` gives the select list, the tables aliased t0, t1, ... in order), and turn each row into
the same instances the ORM would: the values pass the converters the ORM applies (SQLite hands back datetimes as
text and booleans as integers), then what `Model.from_db` would build. See core/stamps.py for single values.
Such statements run on `statement_cursor`: on PostgreSQL the server plans each once per connection.

Writes the same way: `prepare_insert` puts a new row's values in the database's formats before a short write
transaction, so that only the statement runs inside it; `insert_pair` writes a new row and the row naming it
(the jimpitan collection and its audit entry) in one statement, only while a guard row (the open shift) stands.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial, wraps
from typing import Any, TypeVar

from django.db import IntegrityError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.base import ModelState
from django.db.models.expressions import Col
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

from kotacerdas.core.sqlite import base as sqlite

Converter = Callable[[Any, Any, Any], Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Columns:
    """One model's columns in a statement's rows: where they start and how their values become attribute values."""

    model: type[Model]
    select: str  # "t0.id, t0.created_at, ...": every concrete column, primary key first
    start: int
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Converter, ...], Col], ...]  # (column, converters, column expression)
    fields_only: bool  # every attname is Django's field attribute (no property of the model's own)

    @property
    def end(self) -> int:
        return self.start + len(self.attnames)

    def instance(self, row: Sequence[Any], connection: BaseDatabaseWrapper) -> Any:
        """The model instance from its columns of the row; None when a LEFT JOIN found no row."""
        values = list(row[self.start : self.end])
        if values[0] is None:  # the primary key
            return None
        for i, converters, column in self.converters:
            for convert in converters:
                values[i] = convert(values[i], column, connection)
        if not (self.fields_only and _plain(self.model)):
            return self.model.from_db(connection.alias, self.attnames, values)
        # What from_db -> Model.__init__ leaves behind, without its per-field setattr loop and signal calls
        # (about 5 of 6 µs per instance): every column's value under its attname and the state of a loaded row.
        obj = self.model.__new__(self.model)
        state = obj._state = ModelState()
        state.adding, state.db = False, connection.alias
        obj.__dict__.update(zip(self.attnames, values, strict=True))
        return obj


def _plain(model: type[Model]) -> bool:
    """Whether `from_db` would only set the fields: the model keeps Django's from_db and has no receivers of
    pre_init/post_init (asked on each call: receivers may connect at any time)."""
    if model.from_db.__func__ is not Model.from_db.__func__:  # type: ignore[attr-defined]
        return False
    # No receiver of either signal for any model (the usual case): has_listeners, asked per model, costs more.
    if not pre_init.receivers and not post_init.receivers:
        return True
    return not pre_init.has_listeners(model) and not post_init.has_listeners(model)


def model_columns(
    connection: BaseDatabaseWrapper, *models: type[Model], offset: int = 0, alias: str = "t"
) -> tuple[Columns, ...]:
    """The columns of each model, one after the other in the row from column `offset` on (columns of the
    statement's own before them), its table aliased t0, t1, ... in this order (another letter with `alias`)."""
    found: list[Columns] = []
    for n, model in enumerate(models):
        found.append(_columns(connection, model, f"{alias}{n}", found[-1].end if found else offset))
    return tuple(found)


def column(connection: BaseDatabaseWrapper, model: type[Model], name: str) -> str:
    """The quoted column of one of the model's concrete fields (a foreign key by its name gives its `_id` column)."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return connection.ops.quote_name(field.column)


def _columns(connection: BaseDatabaseWrapper, model: type[Model], alias: str, start: int) -> Columns:
    fields = list(model._meta.concrete_fields)
    assert fields[0].primary_key  # Columns.instance tells a missing LEFT JOIN row by it
    converters = []
    for i, field in enumerate(fields):
        column = field.get_col(alias)
        convert = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if convert:
            converters.append((i, tuple(convert), column))
    select = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields)
    attnames = tuple(f.attname for f in fields)
    fields_only = all(isinstance(inspect.getattr_static(model, name, None), DeferredAttribute) for name in attnames)
    return Columns(model, select, start, attnames, tuple(converters), fields_only)


def statement_cursor(connection: BaseDatabaseWrapper, sql: str | None = None) -> Any:
    """The cursor for a statement written once per connection: on PostgreSQL one whose statements the server
    plans once, and with `sql` (the statement it will run, the same text each time) the one kept for it
    (core/postgresql/base.py); elsewhere the usual one."""
    cursor = getattr(connection, "statement_cursor", None)
    return cursor(sql) if cursor is not None else connection.cursor()


def per_connection(build: Callable[[BaseDatabaseWrapper], T]) -> Callable[[BaseDatabaseWrapper], T]:
    """Decorator: `build(connection)` is made once per connection object and kept on it, so it goes with it.

    Not in a module-level cache keyed by the connection: the converters hold the connection, and a cache would
    keep the connections of finished threads (and their open database connections) alive.
    """
    attribute = f"_kc_{build.__module__}.{build.__qualname__}"

    @wraps(build)
    def cached(connection: BaseDatabaseWrapper) -> T:
        try:
            return vars(connection)[attribute]
        except KeyError:
            built = vars(connection)[attribute] = build(connection)
            return built

    return cached


# --- a new row's INSERT, prepared before the write transaction ---------------------------------------


@dataclass(frozen=True)
class PreparedInsert:
    """A new row's INSERT with its values already in the database's formats: executing it is all that is left
    for the write transaction (on SQLite every other writer waits from its BEGIN to its COMMIT)."""

    obj: Model
    alias: str
    sql: str
    fields: tuple[Any, ...]
    values: list[Any]
    returns_pk: bool  # RETURNING the new id (PostgreSQL, SQLite 3.35+), else the cursor's lastrowid

    def set(self, name: str, value: Any) -> None:
        """Change one field's value after preparing (a value known only inside the transaction, as a new row's id)."""
        index, field = next((n, f) for n, f in enumerate(self.fields) if f.name == name)
        setattr(self.obj, field.attname, value)
        self.values[index] = field.get_db_prep_save(value, connections[self.alias])

    def execute(self) -> None:
        with statement_cursor(connections[self.alias], self.sql) as cursor:
            cursor.execute(self.sql, self.values)
            self.obj.pk = cursor.fetchone()[0] if self.returns_pk else cursor.lastrowid
        self.obj._state.adding, self.obj._state.db = False, self.alias


def prepare_insert(obj: Model) -> PreparedInsert:
    """The INSERT `obj.save(force_insert=True)` would run for a new row with an automatic primary key (its
    auto_now values are set now). No save() signals are sent: the models written this way have no receivers."""
    alias = router.db_for_write(type(obj))
    connection = connections[alias]
    statements, model = _insert_statements(connection), type(obj)
    if model not in statements:
        statements[model] = _insert_statement(connection, model)
    statement = statements[model]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in statement.fields]
    return PreparedInsert(obj, alias, statement.sql, statement.fields, values, statement.returns_pk)


@dataclass(frozen=True)
class _Insert:
    sql: str
    fields: tuple[Any, ...]
    returns_pk: bool


@per_connection
def _insert_statements(connection: BaseDatabaseWrapper) -> dict[type[Model], _Insert]:
    """Each model's INSERT on this connection, as it is first needed."""
    return {}


def _insert_statement(connection: BaseDatabaseWrapper, model: type[Model]) -> _Insert:
    quote = connection.ops.quote_name
    meta = model._meta
    fields = _insert_fields(model)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    returns_pk = connection.features.can_return_columns_from_insert
    returning = f" RETURNING {quote(meta.pk.column)}" if returns_pk else ""
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}){returning}"
    return _Insert(sql, fields, returns_pk)


# --- a new row and the row that names it, written only while a guard row stands ------------------------


@dataclass(frozen=True)
class Guard:
    """A row that must exist as described for a write to happen, and stay so until the write commits.

    PostgreSQL: the write locks it FOR SHARE, so a transaction that changes it (after FOR UPDATE) either waits
    for the write or makes the write find it changed. SQLite: the write holds the database's write lock.
    """

    model: type[Model]
    equal: dict[str, Any]  # field name -> value, e.g. {"id": 7, "status": "open"}


GUARD_REFUSED = "kotacerdas: the guard row is not as described"


def insert_pair(first: PreparedInsert, second: PreparedInsert, *, link: str, guard: Guard) -> bool:
    """Insert `first`, then `second` with its field `link` set to the new row's id (as text), if the guard row
    stands; False, and nothing written, when it does not. Both rows or neither (a constraint's error raises).

    One statement on either database; outside a transaction it is its own. PostgreSQL: a data-modifying WITH,
    one round trip where BEGIN, the guard's SELECT, two INSERTs and COMMIT took five. SQLite: an INSERT into a
    TEMP view whose trigger does the rest (`_pair_objects`), so the write lock is held for one call into SQLite,
    with no BEGIN, COMMIT or Python between statements; the new ids are read back after it.
    Inside a caller's transaction a savepoint keeps a refusal from spoiling it.
    """
    connection = connections[first.alias]
    postgresql = connection.vendor == "postgresql"
    pair = _Pair(type(first.obj), type(second.obj), link, guard.model, tuple(guard.equal))
    statements = _pair_statements(connection)
    if pair not in statements:
        statements[pair] = (_pair_with if postgresql else _pair_view_insert)(connection, pair)
    link_at = next(n for n, f in enumerate(second.fields) if f.name == link)
    others = second.values[:link_at] + second.values[link_at + 1 :]
    if postgresql:
        params = list(guard.equal.values()) + first.values + others
    else:
        connection.ensure_connection()
        sqlite.ensure_temp_objects(connection, pair.name, partial(_pair_objects, pair))
        params = first.values + others + list(guard.equal.values())
    atomic = transaction.atomic(using=first.alias) if connection.in_atomic_block else nullcontext()
    sql = statements[pair]
    with atomic, statement_cursor(connection, sql) as cursor:
        try:
            cursor.execute(sql, params)
        except IntegrityError as error:
            if GUARD_REFUSED in str(error):
                return False
            raise
        if not postgresql:
            cursor.execute("SELECT first_id, second_id FROM kc_pair_written WHERE slot = 0")
        found = cursor.fetchone()
    if found is None:
        return False
    first.obj.pk, second.obj.pk = found
    setattr(second.obj, second.fields[link_at].attname, str(found[0]))
    for insert in (first, second):
        insert.obj._state.adding, insert.obj._state.db = False, insert.alias
    return True


@dataclass(frozen=True)
class _Pair:
    """What a pair write's statement depends on: the two models, the second's field naming the first, the guard."""

    first: type[Model]
    second: type[Model]
    link: str
    guard: type[Model]
    fields: tuple[str, ...]  # the guard's fields compared

    @property
    def name(self) -> str:
        """SQLite: the TEMP view's name (another pair of the same tables gets its own view)."""
        tables = (self.first._meta.db_table, self.second._meta.db_table, self.guard._meta.db_table)
        return "_".join(["kc_pair", *tables, self.link, *self.fields])


@per_connection
def _pair_statements(connection: BaseDatabaseWrapper) -> dict[_Pair, str]:
    """Each pair's statement on this connection, as it is first needed."""
    return {}


def _pair_with(connection: BaseDatabaseWrapper, pair: _Pair) -> str:
    """PostgreSQL: lock the guard row FOR SHARE, insert the first row from it, the second from the first."""
    quote = connection.ops.quote_name
    first_fields, second_fields = _insert_fields(pair.first), _insert_fields(pair.second)
    first_pk, second_pk = (quote(model._meta.pk.column) for model in (pair.first, pair.second))
    second_values = [f"CAST(new_first.{first_pk} AS text)" if f.name == pair.link else "%s" for f in second_fields]
    conditions = " AND ".join(f"{quote(_column_name(pair.guard, n))} = %s" for n in pair.fields)
    return (
        f"WITH guard AS (SELECT 1 FROM {quote(pair.guard._meta.db_table)} WHERE {conditions} FOR SHARE),"
        f" new_first AS ({_head(connection, pair.first, first_fields)}"
        f" SELECT {', '.join(['%s'] * len(first_fields))} FROM guard RETURNING {first_pk}),"
        f" new_second AS ({_head(connection, pair.second, second_fields)}"
        f" SELECT {', '.join(second_values)} FROM new_first RETURNING {second_pk})"
        f" SELECT new_first.{first_pk}, new_second.{second_pk} FROM new_first, new_second"
    )


def _pair_objects(pair: _Pair, connection: BaseDatabaseWrapper) -> list[str]:
    """A TEMP view whose columns are the first row's values (f_...), the second's but the link (s_...) and the
    guard's (g_...), and its INSTEAD OF INSERT trigger: refuse unless the guard row stands, insert the first row,
    then the second naming it, and note both ids in a TEMP table (last_insert_rowid() reverts when a trigger
    ends). Qualified names are not allowed in a trigger: TEMP names come first, then the main database's."""
    quote = connection.ops.quote_name
    name, link = pair.name, pair.link
    first_fields, second_fields = _insert_fields(pair.first), _insert_fields(pair.second)
    guard_columns = [_column_name(pair.guard, n) for n in pair.fields]
    view = [f"NULL AS {quote('f_' + f.column)}" for f in first_fields]
    view += [f"NULL AS {quote('s_' + f.column)}" for f in second_fields if f.name != link]
    view += [f"NULL AS {quote('g_' + c)}" for c in guard_columns]
    guard_where = " AND ".join(f"{quote(c)} = NEW.{quote('g_' + c)}" for c in guard_columns)
    first_values = ", ".join(f"NEW.{quote('f_' + f.column)}" for f in first_fields)
    first_id = "CAST((SELECT first_id FROM kc_pair_written WHERE slot = 0) AS TEXT)"
    second_values = ", ".join(first_id if f.name == link else f"NEW.{quote('s_' + f.column)}" for f in second_fields)
    return [
        "CREATE TEMP TABLE IF NOT EXISTS kc_pair_written"
        " (slot INTEGER PRIMARY KEY, first_id INTEGER, second_id INTEGER)",
        f"CREATE TEMP VIEW IF NOT EXISTS {name} AS SELECT {', '.join(view)}",
        f"CREATE TEMP TRIGGER IF NOT EXISTS {name}_insert INSTEAD OF INSERT ON {name} BEGIN"
        f" SELECT RAISE(ABORT, '{GUARD_REFUSED}') WHERE NOT EXISTS"
        f" (SELECT 1 FROM {quote(pair.guard._meta.db_table)} WHERE {guard_where});"
        f" {_head(connection, pair.first, first_fields)} VALUES ({first_values});"
        " INSERT OR REPLACE INTO kc_pair_written (slot, first_id) VALUES (0, last_insert_rowid());"
        f" {_head(connection, pair.second, second_fields)} VALUES ({second_values});"
        " UPDATE kc_pair_written SET second_id = last_insert_rowid() WHERE slot = 0;"
        " END",
    ]


def _pair_view_insert(connection: BaseDatabaseWrapper, pair: _Pair) -> str:
    """SQLite: the INSERT into the pair's TEMP view (`_pair_objects` makes the view and its trigger)."""
    quote = connection.ops.quote_name
    columns = [quote("f_" + f.column) for f in _insert_fields(pair.first)]
    columns += [quote("s_" + f.column) for f in _insert_fields(pair.second) if f.name != pair.link]
    columns += [quote("g_" + _column_name(pair.guard, n)) for n in pair.fields]
    return f"INSERT INTO {pair.name} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"


def _head(connection: BaseDatabaseWrapper, model: type[Model], fields: Sequence[Any]) -> str:
    quote = connection.ops.quote_name
    return f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"


def _column_name(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return str(field.column)


def _insert_fields(model: type[Model]) -> tuple[Any, ...]:
    """The fields a new row's INSERT names: every concrete one but the automatic primary key."""
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)
