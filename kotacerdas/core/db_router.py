"""The read-replica router: reads to the replica named by DATABASE_REPLICA_URL, everything else to the primary."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from kotacerdas.core.databases import PRIMARY, REPLICA

PIN_COOKIE = "kc_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# True while a request must read what it (or the same browser a moment ago) wrote: set by PrimaryPinMiddleware.
_primary_only: ContextVar[bool] = ContextVar("kotacerdas_primary_only", default=False)


class ReplicaRouter:
    """Reads go to the replica; writes, reads inside a transaction and reads of a pinned request to the primary.

    A replica lags the primary by a moment: a read inside a transaction must see the transaction's own
    writes, and a page shown right after a form was sent must show what the form changed.
    """

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if _primary_only.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY  # the replica follows the primary's schema by replication


class PrimaryPinMiddleware:
    """Pin a request to the primary when it writes, and the same browser's next requests for a few seconds.

    A POST is followed by a redirect to a page that must show the change; the cookie carries the pin
    over to that GET, after which reads go to the replica again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.pin_seconds: int = settings.DATABASE_REPLICA_PIN_SECONDS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        writes = request.method not in SAFE_METHODS
        token = _primary_only.set(writes or PIN_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _primary_only.reset(token)
        if writes:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=self.pin_seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def reads_from_primary() -> bool:
    """Whether reads of the current request are pinned to the primary (for tests and diagnostics)."""
    return _primary_only.get()
