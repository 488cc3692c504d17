"""Model instances from the rows of one plain SQL statement, built as the ORM builds them (for the hottest reads).

A queryset is compiled again on every evaluation: with select_related over a few tables that costs 0.4-0.7 ms
of CPU, when the statement itself takes a few microseconds. A read done on (nearly) every request may instead
write its statement once per database connection, naming every concrete column of its models through their
metadata (`model_columns` gives the select list, the tables aliased t0, t1, ... in order), and turn each row into
the same instances the ORM would: the values pass the converters the ORM applies (SQLite hands back datetimes as
text and booleans as integers), then `Model.from_db`. See core/stamps.py for single values.

Writes the same way: `prepare_insert` puts a new row's values in the database's formats before a short write
transaction (the jimpitan collection and its audit entry), so that only the statement runs inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.expressions import Col

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
        return self.model.from_db(connection.alias, self.attnames, values)


def model_columns(connection: BaseDatabaseWrapper, *models: type[Model]) -> tuple[Columns, ...]:
    """The columns of each model, one after the other in the row, its table aliased t0, t1, ... in this order."""
    found: list[Columns] = []
    for n, model in enumerate(models):
        found.append(_columns(connection, model, f"t{n}", found[-1].end if found else 0))
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
    return Columns(model, select, start, tuple(f.attname for f in fields), tuple(converters))


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
        with connections[self.alias].cursor() as cursor:
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
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    returns_pk = connection.features.can_return_columns_from_insert
    returning = f" RETURNING {quote(meta.pk.column)}" if returns_pk else ""
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}){returning}"
    return _Insert(sql, fields, returns_pk)
