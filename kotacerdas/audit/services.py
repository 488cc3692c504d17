"""The one call every writing service makes: `record(...)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.rows import Guard, PreparedInsert, insert_pair, prepare_insert

if TYPE_CHECKING:
    from kotacerdas.accounts.models import User
    from kotacerdas.regions.models import Region


Listener = Callable[[AuditEntry], None]
TARGET_LINK = "target_id"  # the entry's field naming its target's id
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
    actor_label: str = "",
) -> AuditEntry:
    """Append an audit entry; must run inside the writing service's transaction.

    `actor_label` names an actor that is no user (an Open311 client); without it the user's name, or "system".
    """
    _require_transaction()
    prepared = prepare(
        actor=actor, action=action, target=target, region=region, before=before, after=after, actor_label=actor_label
    )
    return prepared.execute()


@dataclass(frozen=True)
class PreparedEntry:
    """An audit entry whose INSERT was prepared before the transaction (see `prepare`)."""

    insert: PreparedInsert
    target: models.Model

    def execute(self) -> AuditEntry:
        """Append it, inside the writing service's transaction, naming the target's id as it is now."""
        _require_transaction()
        entry: AuditEntry = self.insert.obj  # type: ignore[assignment]
        self.insert.set("target_id", str(self.target.pk))
        self.insert.execute()
        _notify(entry)
        return entry

    def execute_with(self, row: PreparedInsert, *, guard: Guard) -> bool:
        """Insert the target's new row and this entry naming it, both or neither, only if the guard row stands
        (`core.rows.insert_pair`: one statement on either database, its own transaction where none is open).
        False, and nothing written, when the guard row is not there as described."""
        if row.obj is not self.target:
            raise ValueError("the row must be the entry's target")
        written = insert_pair(row, self.insert, link=TARGET_LINK, guard=guard)
        if written:
            _notify(self.insert.obj)  # type: ignore[arg-type]
        return written


def prepare(
    *,
    actor: User | None,
    action: AuditAction,
    target: models.Model,
    region: Region | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_label: str = "",
) -> PreparedEntry:
    """`record()` in two steps for the busiest writes: the entry's values are put in the database's formats now,
    before the transaction (on SQLite every other writer waits from its BEGIN to its COMMIT), and `execute()`
    appends it inside the transaction, once the target has its id."""
    entry = AuditEntry(
        region=region,
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else "system"),
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        before=before,
        after=after,
    )
    return PreparedEntry(prepare_insert(entry), target)


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the service's transaction")


def _notify(entry: AuditEntry) -> None:
    for prefix, listener in _listeners:
        if entry.action.startswith(prefix):
            listener(entry)
