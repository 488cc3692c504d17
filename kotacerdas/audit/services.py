"""The one call every writing service makes: `record(...)`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry

if TYPE_CHECKING:
    from kotacerdas.accounts.models import User
    from kotacerdas.regions.models import Region


Listener = Callable[[AuditEntry], None]
_listeners: list[tuple[str, Listener]] = []


def listen(prefix: str, listener: Listener) -> None:
    """Call `listener` with every entry whose action starts with `prefix` (it must only defer work)."""
    if (prefix, listener) not in _listeners:
        _listeners.append((prefix, listener))


def record(
    *,
    actor: User | None,
    action: AuditAction,
    target: models.Model,
    region: Region | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry; must run inside the writing service's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the service's transaction")
    entry = AuditEntry.objects.create(
        region=region,
        actor=actor,
        actor_label=actor.get_username() if actor else "system",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        before=before,
        after=after,
    )
    for prefix, listener in _listeners:
        if entry.action.startswith(prefix):
            listener(entry)
    return entry
