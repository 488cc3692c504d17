"""A small state-machine engine; each room declares its machines in its own `workflow.py`.

A transition is checked (state, permission), applied as a compare-and-set on the status column,
audited in the same transaction, and its side effects are deferred with `transaction.on_commit`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError, Conflict, NotAllowed

NOT_ALLOWED_FROM_STATE = gettext_noop("This action is not possible while the item is “%(state)s”.")
NOT_PERMITTED = gettext_noop("Your role does not allow this action.")
CHANGED_MEANWHILE = gettext_noop("Someone else changed this item in the meantime. Reload the page and try again.")
UNKNOWN_ACTION = gettext_noop("Unknown action.")
REASON_REQUIRED = gettext_noop("Give a reason.")


@dataclass(frozen=True)
class Transition:
    """One edge: from any of `sources` to `target`, for holders of `perm`, recorded as `audit_action`."""

    sources: frozenset[str]
    target: str
    perm: Perm
    audit_action: AuditAction
    label: str = ""
    needs_note: bool = False


@dataclass
class StateMachine:
    """The transitions of one workflow, over one model with a `status` column and a `region`."""

    model: type[models.Model]
    transitions: Mapping[str, Transition]
    scope_agency: Callable[[Any], Any] = field(default=lambda obj: None)

    def can(self, *, obj: Any, action: str, user: Any) -> bool:
        edge = self.transitions.get(action)
        return bool(
            edge and obj.status in edge.sources and has_perm(user, edge.perm, obj.region, self.scope_agency(obj))
        )

    def allowed_actions(self, *, obj: Any, user: Any) -> list[str]:
        return [action for action in self.transitions if self.can(obj=obj, action=action, user=user)]

    def check_permission(self, *, obj: Any, action: str, actor: Any) -> Transition:
        """Raise NotAllowed unless the actor holds the action's permission (checked before anything else)."""
        edge = self.transitions.get(action)
        if edge is None:
            raise ApplicationError(_(UNKNOWN_ACTION))
        if not has_perm(actor, edge.perm, obj.region, self.scope_agency(obj)):
            raise NotAllowed(_(NOT_PERMITTED))
        return edge

    def check(self, *, obj: Any, action: str, actor: Any, note: str = "") -> Transition:
        """Raise the right domain error when the action may not run now: permission, then state, then reason."""
        edge = self.check_permission(obj=obj, action=action, actor=actor)
        if obj.status not in edge.sources:
            raise Conflict(_(NOT_ALLOWED_FROM_STATE) % {"state": obj.get_status_display()})
        if edge.needs_note and not note.strip():
            raise ApplicationError(_(REASON_REQUIRED), field="note")
        return edge

    def apply(
        self,
        *,
        obj: Any,
        action: str,
        actor: Any,
        note: str = "",
        changes: dict[str, Any] | None = None,
        on_commit: Callable[[], None] | None = None,
    ) -> Any:
        """Run the transition; must be called inside the service's transaction."""
        edge = self.check(obj=obj, action=action, actor=actor, note=note)
        changes = dict(changes or {})
        old = obj.status
        updated = self.model._default_manager.filter(pk=obj.pk, status=old).update(
            status=edge.target, updated_at=timezone.now(), **changes
        )
        if updated != 1:
            raise Conflict(_(CHANGED_MEANWHILE))
        obj.status = edge.target
        for name, value in changes.items():
            setattr(obj, name, value)
        after = {"status": edge.target, **({"note": note} if note else {}), **_printable(changes)}
        audit.record(
            actor=actor, action=edge.audit_action, target=obj, region=obj.region, before={"status": old}, after=after
        )
        if on_commit is not None:
            transaction.on_commit(on_commit)
        return obj


def _printable(changes: dict[str, Any]) -> dict[str, Any]:
    """Audit-friendly values: model instances become their primary key, times their ISO text."""
    printable: dict[str, Any] = {}
    for name, value in changes.items():
        if isinstance(value, models.Model):
            printable[name] = value.pk
        elif hasattr(value, "isoformat"):
            printable[name] = value.isoformat()
        else:
            printable[name] = value
    return printable
