"""Bulk loading for the generator: COPY on PostgreSQL, executemany on SQLite, primary keys assigned up front.

Rows are plain tuples produced by generators, in the column order of a `Table`; values are already in
a form both databases take from text (ints, strings, booleans, None; times as UTC text, see `Loader.ts`).
Nothing here builds model instances: at ten million rows that alone would take longer than the insert.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models

Row = tuple[Any, ...]


class Table:
    """A model's table and the columns a generator fills, in order (field names separated by spaces)."""

    defined: ClassVar[list[type[models.Model]]] = []  # every table the generator writes into

    def __init__(self, model: type[models.Model], fields: str) -> None:
        self.model = model
        Table.defined.append(model)
        self.name = model._meta.db_table
        self.columns: list[str] = [model._meta.get_field(name).column for name in fields.split()]  # type: ignore[union-attr,misc]

    def quoted_columns(self) -> str:
        return ", ".join(connection.ops.quote_name(c) for c in self.columns)


class Loader:
    """Writes rows into the default database inside the caller's transaction and counts them per table."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.counts: Counter[str] = Counter()
        self.seconds: dict[str, float] = defaultdict(float)  # time spent inside the database's insert, per table
        self._next_id: dict[str, int] = {}
        # PostgreSQL reads text times in the session's zone; say UTC explicitly. SQLite stores Django's naive UTC text.
        self.zone = "+00:00" if self.vendor == "postgresql" else ""

    def ts(self, moment: dt.datetime) -> str:
        """A naive UTC datetime as the text the database stores for a DateTimeField."""
        return moment.isoformat(" ") + self.zone

    def ids(self, model: type[models.Model], count: int) -> int:
        """Reserve `count` primary keys of the model's table; returns the first."""
        table = model._meta.db_table
        if table not in self._next_id:
            self._next_id[table] = _highest_id(table) + 1
        first = self._next_id[table]
        self._next_id[table] += count
        return first

    def insert(self, table: Table, rows: Iterable[Row]) -> int:
        started = time.perf_counter()
        count = self._copy(table, rows) if self.vendor == "postgresql" else self._executemany(table, rows)
        self.counts[table.model._meta.label] += count
        self.seconds[table.model._meta.label] += time.perf_counter() - started
        return count

    def _copy(self, table: Table, rows: Iterable[Row]) -> int:
        count = 0
        sql = f"COPY {connection.ops.quote_name(table.name)} ({table.quoted_columns()}) FROM STDIN"
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def _executemany(self, table: Table, rows: Iterable[Row]) -> int:
        marks = ", ".join("?" * len(table.columns))
        sql = f"INSERT INTO {connection.ops.quote_name(table.name)} ({table.quoted_columns()}) VALUES ({marks})"
        cursor = connection.connection.cursor()
        try:
            cursor.executemany(sql, rows)
            return max(cursor.rowcount, 0)
        finally:
            cursor.close()

    def loaded_models(self) -> list[type[models.Model]]:
        touched = {label.lower() for label in self.counts}
        return [m for m in apps.get_models(include_auto_created=True) if m._meta.label_lower in touched]

    def reset_sequences(self) -> None:
        """PostgreSQL: move each table's id sequence past the ids assigned here (SQLite's AUTOINCREMENT follows)."""
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), self.loaded_models()):
                cursor.execute(statement)

    def analyze(self) -> None:
        """PostgreSQL: fresh statistics for the loaded tables, so the first queries after a load plan well.

        (SQLite plans without statistics unless ANALYZE was ever run; over gigabytes it reads every index.)
        """
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in self.loaded_models():
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def check_foreign_keys(self) -> None:
        """SQLite loads and deletes with its foreign keys off (see tuned_for_loading): check every table once instead.

        Raises IntegrityError naming the first dangling reference. On PostgreSQL the keys stay on (or are
        added back after the load, which checks them).
        """
        if self.vendor == "sqlite":
            connection.check_constraints()


def _highest_id(table: str) -> int:
    """The highest id the table holds or its sequence ever handed out: ids of deleted rows are never reused."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [quoted])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")
            highest = int(cursor.fetchone()[0])
            if sequence:
                cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}")
                highest = max(highest, int(cursor.fetchone()[0]))
            return highest
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {quoted}), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        return int(cursor.fetchone()[0])


@contextmanager
def tuned_for_loading() -> Iterator[None]:
    """Loosen durability for the length of the load and put it back afterwards.

    SQLite: synchronous=OFF and a large page cache (a crash of the machine, not of the process, may lose
    the load; it is regenerated), foreign keys checked once at the end instead of per row (the caller runs
    `Loader.check_foreign_keys`). PostgreSQL: no statement timeout for the long index builds.
    Must run outside any transaction on SQLite (PRAGMAs are ignored inside one); skipped there.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-400000")  # about 400 MB
            cursor.execute("PRAGMA temp_store=MEMORY")
        elif connection.vendor == "postgresql":
            cursor.execute("SET statement_timeout = 0")
            cursor.execute("SET maintenance_work_mem = '256MB'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite" and not connection.in_atomic_block:
                cursor.execute("PRAGMA foreign_keys=ON")  # as settings' init_command has it
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA cache_size=-2000")
                cursor.execute("PRAGMA temp_store=DEFAULT")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            elif connection.vendor == "postgresql":
                cursor.execute("RESET statement_timeout")
                cursor.execute("RESET maintenance_work_mem")


@contextmanager
def checks_deferred(
    *, foreign_keys: Sequence[type[models.Model]], indexes: Sequence[type[models.Model]]
) -> Iterator[None]:
    """Drop secondary indexes and (PostgreSQL) foreign keys for the length of a load; build them again after.

    Building an index once over sorted rows is much cheaper than updating it row by row, and a foreign
    key checked by one join when it is added back is much cheaper than millions of single lookups
    queued until commit. (SQLite's foreign keys are switched off by `tuned_for_loading` instead.)
    Must run inside a transaction: if anything fails, the rollback puts the dropped definitions back.
    Unique indexes are rebuilt too, so a duplicate would fail the whole load rather than slip in.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("checks_deferred() must run inside a transaction")
    keys = _postgresql_foreign_keys(foreign_keys) if connection.vendor == "postgresql" else []
    saved = keys + _index_definitions(indexes)
    _run_checked([drop for drop, _create in saved])
    yield  # on an exception nothing is rebuilt here: the transaction's rollback restores the schema
    _run_checked([create for _drop, create in reversed(saved)])


def _run_checked(statements: list[str]) -> None:
    """PostgreSQL refuses to alter a table with deferred checks pending: run them first, then defer again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _index_definitions(models_: Sequence[type[models.Model]]) -> list[tuple[str, str]]:
    tables = [m._meta.db_table for m in models_]
    if connection.vendor == "postgresql":
        return _postgresql_indexes(tables)
    return _sqlite_definitions(tables)


def _sqlite_definitions(tables: Sequence[str]) -> list[tuple[str, str]]:
    saved = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
            saved += [(f'DROP INDEX "{name}"', sql) for name, sql in cursor.fetchall()]
    return saved


_PG_FOREIGN_KEYS = """
    SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname
"""
_PG_INDEXES = """
    SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
    WHERE indrelid = %s::regclass AND NOT indisprimary
      AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)
    ORDER BY 1
"""


def _postgresql_foreign_keys(models_: Sequence[type[models.Model]]) -> list[tuple[str, str]]:
    saved = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in dict.fromkeys(m._meta.db_table for m in models_):
            cursor.execute(_PG_FOREIGN_KEYS, [table])
            saved += [
                (
                    f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}",
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}",
                )
                for name, definition in cursor.fetchall()
            ]
    return saved


def _postgresql_indexes(tables: Sequence[str]) -> list[tuple[str, str]]:
    saved = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(_PG_INDEXES, [table, table])
            saved += [(f"DROP INDEX {name}", definition) for name, definition in cursor.fetchall()]
    return saved
