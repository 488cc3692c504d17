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

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status == TransactionStatus.IDLE and not _has_input(connection.fileno()):
            return True
        return bool(super().is_usable())


def _has_input(fileno: int) -> bool:
    """Whether the server sent something (or closed the stream) that nobody asked for yet.

    poll, not select: a worker serving many connections may hold descriptors past select's limit of 1024.
    """
    poller = select.poll()
    poller.register(fileno, select.POLLIN)
    return bool(poller.poll(0))
