"""The one workflow of the jimpitan room: a night's shift is opened, then closed with the cash counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.audit.actions import AuditAction as A
from kotacerdas.core.errors import ApplicationError, NotAllowed
from kotacerdas.core.workflow import NOT_PERMITTED, UNKNOWN_ACTION, StateMachine, Transition
from kotacerdas.jimpitan.models import Shift, ShiftStatus


@dataclass
class AreaStateMachine(StateMachine):
    """A state machine whose permissions are scoped to an RT/RW (the core engine scopes to agencies only)."""

    scope_area: Any = field(default=lambda obj: None)

    def can(self, *, obj: Any, action: str, user: Any) -> bool:
        edge = self.transitions.get(action)
        return bool(edge and obj.status in edge.sources and self._holds(user, edge, obj))

    def check_permission(self, *, obj: Any, action: str, actor: Any) -> Transition:
        edge = self.transitions.get(action)
        if edge is None:
            raise ApplicationError(_(UNKNOWN_ACTION))
        if not self._holds(actor, edge, obj):
            raise NotAllowed(_(NOT_PERMITTED))
        return edge

    def _holds(self, user: Any, edge: Transition, obj: Any) -> bool:
        return has_perm(user, edge.perm, obj.region, area=self.scope_area(obj))


SHIFT = AreaStateMachine(
    model=Shift,
    scope_area=lambda shift: shift.fund.area,
    transitions={
        "close": Transition(
            frozenset({ShiftStatus.OPEN}), ShiftStatus.CLOSED, Perm.JIMPITAN_COLLECT, A.JIMPITAN_SHIFT_CLOSED
        ),
    },
)
