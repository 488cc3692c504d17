"""Database settings from URLs (SQLite pragmas and IMMEDIATE transactions, PostgreSQL pool and timeout) and the
read-replica router."""

from __future__ import annotations

import select
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import psycopg
from django.db import DataError, OperationalError, connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoSQLiteCursor
from django.db.utils import ConnectionHandler
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, SimpleTestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext

from kotacerdas.core.databases import (
    POSTGRESQL_ENGINE,
    PREPARE_THRESHOLD,
    PRIMARY,
    REPLICA,
    Tuning,
    database_config,
    database_settings,
)
from kotacerdas.core.db_router import PIN_COOKIE, PrimaryPinMiddleware, ReplicaRouter, reads_from_primary
from kotacerdas.core.rows import statement_cursor
from kotacerdas.core.sqlite.base import ensure_temp_objects
from kotacerdas.regions.models import Region

PG_URL = "postgres://kc:secret@db.internal:5432/kotacerdas"
REPLICA_URL = "postgres://kc:secret@replica.internal:5432/kotacerdas"


class DatabaseConfigTests(SimpleTestCase):
    def test_it_keeps_persistent_connections_and_a_statement_timeout_on_postgresql(self) -> None:
        config = database_config(PG_URL, Tuning(conn_max_age=120, statement_timeout_ms=5000))
        self.assertEqual(config["ENGINE"], POSTGRESQL_ENGINE)
        self.assertEqual(config["CONN_MAX_AGE"], 120)
        self.assertTrue(config["CONN_HEALTH_CHECKS"])
        self.assertEqual(config["OPTIONS"], {"options": "-c statement_timeout=5000", "prepare_threshold": 5})

    def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them(self) -> None:
        config = database_config(PG_URL, Tuning(prepared_statements=False))
        self.assertIsNone(config["OPTIONS"]["prepare_threshold"])

    def test_it_uses_the_pool_instead_of_persistent_connections_when_asked(self) -> None:
        config = database_config(PG_URL, Tuning(pool=True, pool_min_size=1, pool_max_size=4))
        self.assertEqual(config["OPTIONS"]["pool"], {"min_size": 1, "max_size": 4})
        self.assertEqual(config["OPTIONS"]["options"], "-c statement_timeout=30000")
        self.assertEqual(config["CONN_MAX_AGE"], 0)  # Django refuses persistent connections with its pool

    def test_it_sets_wal_immediate_transactions_and_persistent_connections_on_sqlite(self) -> None:
        config = database_config("sqlite:////tmp/x.sqlite3", Tuning(conn_max_age=60))
        self.assertEqual(config["NAME"], "/tmp/x.sqlite3")
        self.assertEqual(config["OPTIONS"]["transaction_mode"], "IMMEDIATE")
        self.assertIn("PRAGMA journal_mode=WAL", config["OPTIONS"]["init_command"])
        self.assertEqual(config["CONN_MAX_AGE"], 60)

    def test_it_adds_the_replica_only_when_its_url_is_given(self) -> None:
        self.assertEqual(set(database_settings(PG_URL, "", Tuning())), {PRIMARY})
        databases = database_settings(PG_URL, REPLICA_URL, Tuning())
        self.assertEqual(databases[REPLICA]["HOST"], "replica.internal")
        self.assertEqual(databases[REPLICA]["TEST"], {"MIRROR": PRIMARY})
        self.assertEqual(databases[REPLICA]["OPTIONS"], databases[PRIMARY]["OPTIONS"])


@contextmanager
def sqlite_wrappers(count: int) -> Iterator[list[DatabaseWrapper]]:
    """Django connections to one fresh SQLite file, configured as settings.py configures the default database."""
    with tempfile.TemporaryDirectory() as directory:
        config = database_config(f"sqlite:///{Path(directory) / 'probe.sqlite3'}", Tuning(sqlite_timeout_s=0))
        aliases = [f"probe{n}" for n in range(count)]
        # A handler needs a "default"; the probes have names of their own, unknown to the test framework.
        handler = ConnectionHandler(
            {"default": {"ENGINE": "django.db.backends.dummy"}} | {a: dict(config) for a in aliases}
        )
        wrappers = [handler[alias] for alias in aliases]
        try:
            yield wrappers
        finally:
            for wrapper in wrappers:
                wrapper.close()


def pragma(wrapper: DatabaseWrapper, name: str) -> Any:
    with wrapper.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


class SqliteTests(TransactionTestCase):
    available_apps = ["kotacerdas.core"]  # the probes use a file of their own; flush (almost) nothing afterwards

    def test_it_opens_connections_in_wal_mode_with_normal_sync_and_foreign_keys(self) -> None:
        with sqlite_wrappers(1) as (wrapper,):
            self.assertEqual(pragma(wrapper, "journal_mode"), "wal")
            self.assertEqual(pragma(wrapper, "synchronous"), 1)  # NORMAL
            self.assertEqual(pragma(wrapper, "foreign_keys"), 1)

    def test_it_takes_the_write_lock_when_a_transaction_begins(self) -> None:
        """IMMEDIATE: a second writer is refused at BEGIN, before the first has written anything."""
        with sqlite_wrappers(2) as (first, second):
            connections["probe0"] = first
            try:
                with transaction.atomic(using="probe0"):
                    pragma(first, "user_version")  # a read only: a DEFERRED transaction would hold no lock yet
                    with self.assertRaisesMessage(OperationalError, "database is locked"), second.cursor() as cursor:
                        cursor.execute("BEGIN IMMEDIATE")
            finally:
                del connections["probe0"]
            with second.cursor() as cursor:  # once the first commits, the second gets the lock
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("COMMIT")

    def test_it_lets_readers_read_while_a_writer_holds_the_lock(self) -> None:
        with sqlite_wrappers(2) as (writer, reader), writer.cursor() as cursor:
            cursor.execute("CREATE TABLE t (n INTEGER)")
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO t VALUES (1)")
            with reader.cursor() as reading:
                reading.execute("SELECT count(*) FROM t")  # WAL: no "database is locked" for a reader
                self.assertEqual(reading.fetchone()[0], 0)  # and it does not see the uncommitted row
            cursor.execute("COMMIT")


class SqliteBackendTests(TransactionTestCase):
    """kotacerdas.core.sqlite: statements converted once, TEMP objects kept with the very connection."""

    available_apps = ["kotacerdas.core"]

    def test_it_converts_statements_as_djangos_backend_does(self) -> None:
        with sqlite_wrappers(1) as (wrapper,), wrapper.cursor() as cursor:
            django_cursor = DjangoSQLiteCursor(wrapper.connection)
            for query in ("SELECT %s, '%%' WHERE a = %s", "SELECT 1"):
                for _ in range(2):  # the second time from the kept conversion
                    self.assertEqual(cursor.convert_query(query), django_cursor.convert_query(query))
            named = "SELECT %(a)s, %(b)s"
            self.assertEqual(cursor.convert_query(named, param_names=["a", "b"]), "SELECT :a, :b")
            cursor.execute("SELECT %s || '%%'", [1])
            self.assertEqual(cursor.fetchone()[0], "1%")

    def test_its_connections_keep_temp_tables_in_memory(self) -> None:
        with sqlite_wrappers(1) as (wrapper,):
            self.assertEqual(pragma(wrapper, "temp_store"), 2)  # MEMORY

    def test_temp_objects_are_made_once_per_connection_and_again_after_a_rollback(self) -> None:
        built: list[int] = []

        def build(wrapper: Any) -> list[str]:
            built.append(1)
            return ["CREATE TEMP TABLE IF NOT EXISTS kc_probe (n INTEGER)"]

        def probe_exists(wrapper: Any) -> bool:
            with wrapper.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM sqlite_temp_master WHERE name = 'kc_probe'")
                return bool(cursor.fetchone()[0])

        with sqlite_wrappers(1) as (wrapper,):
            wrapper.ensure_connection()
            ensure_temp_objects(wrapper, "probe", build)
            ensure_temp_objects(wrapper, "probe", build)
            self.assertEqual(len(built), 1)
            wrapper.close()  # a new connection under the same wrapper has none of them
            wrapper.ensure_connection()
            self.assertFalse(probe_exists(wrapper))
            with wrapper.cursor() as cursor:
                cursor.execute("BEGIN")
                ensure_temp_objects(wrapper, "probe", build)  # made inside a transaction: not remembered
                cursor.execute("ROLLBACK")
            self.assertFalse(probe_exists(wrapper))
            ensure_temp_objects(wrapper, "probe", build)
            self.assertTrue(probe_exists(wrapper))
            self.assertEqual(len(built), 3)


class StatementCursorTests(TransactionTestCase):
    """core.rows.statement_cursor: on PostgreSQL the server plans a statement once it ran a few times."""

    available_apps = ["kotacerdas.core"]

    def prepared(self) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    def test_a_statement_run_often_is_prepared_and_the_orms_are_not(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("SQLite keeps compiled statements by their text itself; the suite runs on PostgreSQL too")
        statement = "SELECT %s::int + 1 AS kc_probe_sum"
        for n in range(PREPARE_THRESHOLD + 1):
            with statement_cursor(connection) as cursor:
                cursor.execute(statement, [n])
                self.assertEqual(cursor.fetchone()[0], n + 1)
            with connection.cursor() as cursor:
                cursor.execute("SELECT %s::int + 2 AS kc_orm_sum", [n])
        prepared = self.prepared()
        self.assertTrue(any("kc_probe_sum" in p for p in prepared), prepared)
        self.assertFalse(any("kc_orm_sum" in p for p in prepared), prepared)
        with CaptureQueriesContext(connection) as queries, statement_cursor(connection) as cursor:
            cursor.execute(statement, [41])  # prepared by now: still logged with its value (assertNumQueries, debug)
        self.assertEqual(queries.captured_queries[0]["sql"], "SELECT 41::int + 1 AS kc_probe_sum")

    def test_it_reads_timestamps_as_the_orm_does(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("a loader of the PostgreSQL backend; the suite runs on PostgreSQL too")
        statement = "SELECT TIMESTAMPTZ '2026-11-29 22:15:30.123456+07'"
        with statement_cursor(connection) as cursor:
            cursor.execute(statement)
            loaded = cursor.fetchone()[0]
        with connection.cursor() as cursor:  # Django's cursor, Django's loader
            cursor.execute(statement)
            expected = cursor.fetchone()[0]
        self.assertEqual(loaded, expected)
        self.assertEqual(loaded.isoformat(), "2026-11-29T15:15:30.123456+00:00")
        self.assertIs(loaded.tzinfo, expected.tzinfo)  # datetime.timezone.utc, as Django's own loader gives

    def test_a_statement_keeps_its_cursor_on_its_connection(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("kept by the PostgreSQL backend; the suite runs on PostgreSQL too")
        plus, times = "SELECT %s::int + 1 AS kc_kept_plus", "SELECT %s::int * 2 AS kc_kept_times"
        underlying = []
        for n in range(3):  # the two statements in turn, each closed by `with` as the callers do
            for sql, expected in ((plus, n + 1), (times, n * 2)):
                with statement_cursor(connection, sql) as cursor:
                    cursor.execute(sql, [n])
                    self.assertEqual(cursor.fetchall(), [(expected,)])
                    underlying.append((sql, cursor.cursor))
        self.assertEqual(len({id(c) for sql, c in underlying if sql == plus}), 1)
        self.assertEqual(len({id(c) for _, c in underlying}), 2)
        with self.assertRaises(DataError), statement_cursor(connection, plus) as cursor:
            cursor.execute(plus, ["bukan angka"])  # a failed run leaves the kept cursor usable
        with statement_cursor(connection, plus) as cursor:
            cursor.execute(plus, [41])
            self.assertEqual(cursor.fetchone()[0], 42)
            kept = cursor.cursor
        connection.close()  # a new connection: new cursors, the old ones let go
        with statement_cursor(connection, plus) as cursor:
            cursor.execute(plus, [1])
            self.assertEqual(cursor.fetchone()[0], 2)
            self.assertIsNot(cursor.cursor, kept)

    def test_on_sqlite_it_is_the_usual_cursor(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("the SQLite case")
        with statement_cursor(connection) as cursor:
            cursor.execute("SELECT %s + 1", [1])
            self.assertEqual(cursor.fetchone()[0], 2)


class PostgresqlHealthCheckTests(TransactionTestCase):
    """The persistent connection's check before a request's first query (core/postgresql/base.py)."""

    available_apps = ["kotacerdas.core"]

    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("the check belongs to the PostgreSQL backend; the suite runs again on PostgreSQL")
        self.assertEqual(connection.settings_dict["ENGINE"], POSTGRESQL_ENGINE)
        connection.ensure_connection()

    def tearDown(self) -> None:
        connection.close()

    def test_a_quiet_connection_that_works_is_usable_without_a_round_trip(self) -> None:
        raw = connection.connection
        with mock.patch.object(raw, "cursor", side_effect=AssertionError("a round trip")):
            self.assertTrue(connection.is_usable())
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            self.assertEqual(cursor.fetchone(), (1,))

    def test_a_connection_whose_server_backend_was_terminated_is_not_usable(self) -> None:
        backend = connection.connection.info.backend_pid
        with psycopg.connect(**connection.get_connection_params()) as other:
            self.assertTrue(other.execute("SELECT pg_terminate_backend(%s)", [backend]).fetchone()[0])
        readable, _, _ = select.select([connection.connection.fileno()], [], [], 5)
        self.assertTrue(readable, "the server closes the terminated backend's connection")
        self.assertFalse(connection.is_usable())
        connection.close()
        with connection.cursor() as cursor:  # a new connection
            cursor.execute("SELECT pg_backend_pid()")
            self.assertNotEqual(cursor.fetchone()[0], backend)

    def test_inside_a_transaction_it_asks_the_server(self) -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            self.assertTrue(connection.is_usable())


class ReplicaRouterTests(TransactionTestCase):
    available_apps = ["kotacerdas.core"]  # nothing is written: flush (almost) nothing afterwards
    router = ReplicaRouter()

    def test_it_sends_reads_to_the_replica_and_writes_to_the_primary(self) -> None:
        self.assertEqual(self.router.db_for_read(Region), REPLICA)
        self.assertEqual(self.router.db_for_write(Region), PRIMARY)

    def test_it_reads_from_the_primary_inside_a_transaction(self) -> None:
        with transaction.atomic():
            self.assertEqual(self.router.db_for_read(Region), PRIMARY)
        self.assertEqual(self.router.db_for_read(Region), REPLICA)

    def test_it_migrates_the_primary_only(self) -> None:
        self.assertTrue(self.router.allow_migrate(PRIMARY, "regions"))
        self.assertFalse(self.router.allow_migrate(REPLICA, "regions"))


class PrimaryPinMiddlewareTests(SimpleTestCase):
    def setUp(self) -> None:
        self.seen: list[bool] = []
        self.middleware = PrimaryPinMiddleware(self.view)

    def view(self, request: HttpRequest) -> HttpResponse:
        self.seen.append(reads_from_primary())
        self.assertEqual(ReplicaRouter().db_for_read(Region), PRIMARY if reads_from_primary() else REPLICA)
        return HttpResponse("ok")

    def test_it_pins_a_writing_request_and_the_browsers_next_requests_to_the_primary(self) -> None:
        response = self.middleware(RequestFactory().post("/form/"))
        self.assertEqual(self.seen, [True])
        self.assertEqual(response.cookies[PIN_COOKIE]["max-age"], 10)
        self.middleware(RequestFactory().get("/page/", HTTP_COOKIE=f"{PIN_COOKIE}=1"))
        self.assertEqual(self.seen, [True, True])
        self.assertFalse(reads_from_primary())  # the pin ends with the request

    def test_it_lets_a_plain_read_use_the_replica(self) -> None:
        response = self.middleware(RequestFactory().get("/page/"))
        self.assertEqual(self.seen, [False])
        self.assertNotIn(PIN_COOKIE, response.cookies)
