"""Database settings from URLs (read by settings.py; the replica router is in core/db_router.py).

SQLite: WAL journal (readers never wait for the writer), synchronous=NORMAL (durable at each checkpoint,
safe in WAL mode) and IMMEDIATE transactions (a writer takes the write lock at BEGIN, so two writers
queue on the busy timeout instead of one failing with "database is locked" halfway through).
PostgreSQL: either persistent connections or Django's connection pool (psycopg_pool), and a statement
timeout so that one runaway query cannot hold a worker and its connection for ever; persistent connections are
checked before each request's first query by looking at their socket (core/postgresql/base.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dj_database_url

PRIMARY = "default"
REPLICA = "replica"
SQLITE_ENGINE = "kotacerdas.core.sqlite"  # Django's, with statements converted once and TEMP objects per connection
POSTGRESQL_ENGINE = "kotacerdas.core.postgresql"  # Django's, with a health check that needs no round trip
PREPARE_THRESHOLD = 5
SQLITE_INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"


@dataclass(frozen=True)
class Tuning:
    """How connections are kept: a pool (PostgreSQL) or persistent connections, and the statement timeout."""

    pool: bool = False
    pool_min_size: int = 2
    pool_max_size: int = 8
    conn_max_age: int = 60
    statement_timeout_ms: int = 30_000
    prepared_statements: bool = True  # PostgreSQL: the hot plain statements planned once per connection
    sqlite_timeout_s: int = 20


def database_config(url: str, tuning: Tuning) -> dict[str, Any]:
    """One entry of DATABASES for a database URL (sqlite:///path or postgres://…)."""
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["ENGINE"] = SQLITE_ENGINE
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": tuning.sqlite_timeout_s,
            "init_command": SQLITE_INIT,
        }
        # Keep each thread's connection: reopening costs the pragmas, and closing the last connection to a
        # WAL database checkpoints and deletes the WAL file under an exclusive lock, on every request.
        config["CONN_MAX_AGE"] = tuning.conn_max_age
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = POSTGRESQL_ENGINE
        config["OPTIONS"] = {"options": f"-c statement_timeout={tuning.statement_timeout_ms}"}
        # psycopg prepares a statement after this many runs on a connection; only the cursors of
        # `core.rows.statement_cursor` bind on the server and so can be prepared (Django's bind on the client).
        # Off (None) behind a pooler that cannot keep prepared statements (PgBouncer before 1.21, transaction mode).
        config["OPTIONS"]["prepare_threshold"] = PREPARE_THRESHOLD if tuning.prepared_statements else None
        if tuning.pool:
            # Django refuses persistent connections together with its pool: the pool keeps them.
            config["OPTIONS"]["pool"] = {"min_size": tuning.pool_min_size, "max_size": tuning.pool_max_size}
            config["CONN_MAX_AGE"] = 0
        else:
            config["CONN_MAX_AGE"] = tuning.conn_max_age
            config["CONN_HEALTH_CHECKS"] = True
    return config


def database_settings(url: str, replica_url: str, tuning: Tuning) -> dict[str, dict[str, Any]]:
    """DATABASES: the primary, and the replica when a replica URL is given (tests mirror it onto the primary)."""
    databases = {PRIMARY: database_config(url, tuning)}
    if replica_url:
        databases[REPLICA] = {**database_config(replica_url, tuning), "TEST": {"MIRROR": PRIMARY}}
    return databases
