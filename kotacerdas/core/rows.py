"""Model instances from the rows of one plain SQL statement, built as the ORM builds them (for the hottest reads).

A queryset is compiled again on every evaluation: with select_related over a few tables that costs 0.4-0.7 ms
of CPU, when the statement itself takes a few microseconds. A read done on (nearly) every request may instead
write its statement once per database connection, naming every concrete column of its models through their
metadata (`model_columns` gives the select list, the tables aliased t0, t1, ... in order), and turn each row into
the same instances the ORM would: the values pass the converters the ORM applies (SQLite hands back datetimes as
text and booleans as integers), then `Model.from_db`. See core/stamps.py for single values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

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
