"""Django's SQLite backend with two additions for the busiest statements (core/rows.py).

1. A statement is converted from Django's `%s` placeholders to sqlite3's `?` once per statement text, not on
   every execution: the conversion is a regular expression over the whole text, about 3 % of the CPU of a
   phone's collection POST, whose statements are written once per connection anyway.
2. Each connection is of a subclass of `sqlite3.Connection`, which can carry attributes: which TEMP objects
   (`core.rows.insert_pair`: a view with an INSTEAD OF trigger, so that a write of several rows is one
   statement) were made on this very connection (Django's wrapper outlives a closed connection). TEMP tables
   live in memory (temp_store=MEMORY).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3 import base

TempObjects = Callable[[BaseDatabaseWrapper], Iterable[str]]


def ensure_temp_objects(wrapper: BaseDatabaseWrapper, name: str, build: TempObjects) -> None:
    """Make sure this connection has the TEMP objects `build(wrapper)` creates (statements with IF NOT EXISTS).

    They are made at the first need (a trigger cannot name tables before migrations made them) and remembered
    on the connection only when made outside a transaction: a rollback would take them away again.
    """
    raw = wrapper.connection
    if name in raw.kc_temp_objects:
        return
    for statement in build(wrapper):
        raw.execute(statement)
    if not raw.in_transaction:
        raw.kc_temp_objects = raw.kc_temp_objects | {name}


class Connection(sqlite3.Connection):
    """A connection that can carry attributes: the names of the TEMP objects made on it for good."""

    kc_temp_objects: frozenset[str] = frozenset()


@lru_cache(maxsize=1024)
def _qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class CursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names: list[str] | None = None) -> str:
        if param_names is None:
            return _qmark(query)
        return query % {name: f":{name}" for name in param_names}  # Django's "pyformat" to sqlite3's "named"


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        params["factory"] = Connection
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Connection:
        connection: Connection = super().get_new_connection(conn_params)
        connection.execute("PRAGMA temp_store = MEMORY")
        return connection

    def create_cursor(self, name: str | None = None) -> Any:
        return self.connection.cursor(factory=CursorWrapper)

    def statement_cursor(self, sql: str | None = None) -> Any:
        """A cursor for the statements written once per connection (core/rows.py): a plain one, since sqlite3
        keeps the compiled statements of a connection by their text already (`sql` is not needed)."""
        return self.cursor()
