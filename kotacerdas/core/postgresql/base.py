"""Django's PostgreSQL backend with a health check that costs no round trip while the connection is quiet.

With persistent connections Django checks, before a request's first query, that the connection it kept still
works (`CONN_HEALTH_CHECKS`), by sending `SELECT 1` and waiting for the answer: a round trip on every request,
about as much as a page served from a shared copy spends on its one real query. An idle connection whose
server has gone (restarted, the backend terminated, the connection killed by a proxy) has something waiting
on its socket: the server's FATAL message and the end of the stream. So the socket is looked at first, without
waiting; only when something is there, or the connection is not idle, is `SELECT 1` asked as before.

What no check of either kind catches without waiting for a timeout, a peer that vanished without closing the
connection, fails the request's first query, and Django drops the connection after it.
"""

from __future__ import annotations

import datetime
import select
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base, operations
from django.utils.functional import cached_property
from psycopg.pq import TransactionStatus
from psycopg.types.datetime import TimestamptzLoader


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor: Any, sql: str, params: Any) -> str:
        """The statement as run, for logged queries (tests, debug): a statement cursor's too, whose parameters
        the server binds (Django's own answer for it would be None once psycopg prepared the statement)."""
        if isinstance(cursor, psycopg.ClientCursor) or not params:
            return super().last_executed_query(cursor, sql, params)
        try:
            return str(self.compose_sql(sql, params))
        except psycopg.errors.DataError:
            return sql


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status == TransactionStatus.IDLE and not _has_input(connection.fileno()):
            return True
        return bool(super().is_usable())

    @cached_property
    def _utc_timestamps(self) -> bool:
        """Whether the connection's time zone is UTC, so psycopg's own timestamptz loader gives what Django's does.

        Django loads timestamptz with a subclass of psycopg's pure-Python loader that sets its own tzinfo (3.7 µs
        a value); psycopg's own loader is its C version (0.2 µs) and, in a UTC session, already gives
        datetime.timezone.utc. A collection's reads have ~27 such values: ~0.1 ms of CPU, 5 % of the request.
        """
        return bool(settings.USE_TZ and self.timezone is datetime.UTC)

    def statement_cursor(self, sql: str | None = None) -> Any:
        """A cursor whose statements the server plans once per connection (core/rows.py `statement_cursor`);
        with `sql`, the cursor kept on this connection for that statement.

        Django's cursors bind parameters on the client: each statement reaches the server as new text and is
        planned again, 0.3-0.4 ms of the server's CPU for a join of four or five tables whose execution takes
        0.05 ms. This one binds them on the server, so psycopg prepares a statement once it ran
        `prepare_threshold` times on the connection (OPTIONS, core/databases.py). For the statements written
        once per connection (core/rows.py and its users) only: the ORM's keep Django's client-side binding.

        A new psycopg cursor starts with empty caches: for each parameter's type and each column's type it asks
        its adapters again (~8 % of a phone's collection POST, whose three statements carry 25 parameters and
        read 90 columns). A cursor that runs the same statement text again keeps them (psycopg reuses its
        transformer when the query is the very object it ran last), so each statement keeps its own cursor.
        """
        self.close_if_health_check_failed()
        self.ensure_connection()
        self.validate_thread_sharing()
        with self.wrap_database_errors:
            cursor: Any = self._kept_cursors.get(sql) if sql is not None else None
            if cursor is None or cursor.connection is not self.connection:
                cursor = (_KeptCursor if sql is not None else psycopg.Cursor)(self.connection)
                if self._utc_timestamps:
                    cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
                if sql is not None:
                    self._kept_cursors[sql] = cursor
        # Wrapped as Django wraps its own (errors translated; logged for assertNumQueries and debug pages).
        return self.make_debug_cursor(cursor) if self.queries_logged else self.make_cursor(cursor)

    @cached_property
    def _kept_cursors(self) -> dict[str, _KeptCursor]:
        return {}

    def close(self) -> None:
        """The kept cursors go with the connection they belong to (a new connection's are made anew anyway)."""
        self._kept_cursors.clear()
        super().close()


class _KeptCursor(psycopg.Cursor[Any]):
    """A statement's cursor kept on its connection: closing it (as `with` does) leaves it open for the next run.

    It holds its last result until then (statement cursors read a few rows) and goes with its connection.
    """

    def close(self) -> None:
        pass


def _has_input(fileno: int) -> bool:
    """Whether the server sent something (or closed the stream) that nobody asked for yet.

    poll, not select: a worker serving many connections may hold descriptors past select's limit of 1024.
    """
    poller = select.poll()
    poller.register(fileno, select.POLLIN)
    return bool(poller.poll(0))
