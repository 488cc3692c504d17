"""The database session engine, but a session (read on every request that has one) loaded with one plain statement.

Its data is signed: decoding checks the signature (a key derivation and an HMAC) and parses JSON, ~0.1 ms of
CPU on every request. Each process keeps what it decoded under the exact text read from the database: the
same text decodes to the same data, so the signature is checked once per text, and any change to the row (a
save, or a tampered value) is a new text, decoded and checked afresh. Every load gets its own deep copy.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from kotacerdas.core.rows import statement_cursor

DECODED_KEPT = 5_000  # session texts a process keeps decoded; past that it starts again from none
_decoded: dict[str, dict[str, Any]] = {}


class SessionStore(db.SessionStore):
    """db.SessionStore.load compiles `Session.objects.get(...)` each request (~0.1 ms of CPU); the same row, plain."""

    def load(self) -> dict[str, Any]:
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with statement_cursor(connection) as cursor:
            sql = f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:  # missing or expired: a new session, as db.SessionStore does
            self._session_key = None
            return {}
        return copy.deepcopy(self._decoded(row[0]))

    def _decoded(self, text: str) -> dict[str, Any]:
        data = _decoded.get(text)
        if data is None:
            data = self.decode(text)
            if len(_decoded) >= DECODED_KEPT:
                _decoded.clear()
            if data:  # a text that failed its signature decodes to {}: not kept, checked again next time
                _decoded[text] = data
        return data
