"""The request's workflow: the coordinator verifies and dispatches, the agency handles, the citizen may reopen."""

from __future__ import annotations

from kotacerdas.accounts.roles import Perm
from kotacerdas.audit.actions import AuditAction as A
from kotacerdas.core.workflow import StateMachine, Transition
from kotacerdas.servicerequests.models import HANDLING_STATUSES, RequestStatus, ServiceRequest

S = RequestStatus
_NEW = frozenset({S.SUBMITTED, S.POSTPONED})
_COORD = Perm.REQUEST_COORDINATE
_HANDLE = Perm.REQUEST_HANDLE
_CHANGED = A.REQUEST_STATUS_CHANGED

REQUEST = StateMachine(
    model=ServiceRequest,
    scope_agency=lambda request: request.agency,
    transitions={
        "verify": Transition(_NEW, S.OPEN, _COORD, A.REQUEST_VERIFIED),
        "postpone": Transition(frozenset({S.SUBMITTED}), S.POSTPONED, _COORD, A.REQUEST_POSTPONED, needs_note=True),
        "not_authority": Transition(_NEW, S.NOT_AUTHORITY, _COORD, A.REQUEST_NOT_AUTHORITY, needs_note=True),
        "archive": Transition(_NEW, S.ARCHIVED, _COORD, A.REQUEST_ARCHIVED, needs_note=True),
        "investigate": Transition(frozenset({S.OPEN}), S.INVESTIGATING, _HANDLE, _CHANGED),
        "start": Transition(frozenset({S.OPEN, S.INVESTIGATING}), S.IN_PROGRESS, _HANDLE, _CHANGED),
        "schedule": Transition(
            frozenset({S.OPEN, S.INVESTIGATING, S.IN_PROGRESS}), S.ACTION_SCHEDULED, _HANDLE, _CHANGED, needs_note=True
        ),
        "fix": Transition(HANDLING_STATUSES, S.FIXED, _HANDLE, _CHANGED, needs_note=True),
        "close": Transition(HANDLING_STATUSES | {S.FIXED}, S.CLOSED, _HANDLE, _CHANGED, needs_note=True),
        "duplicate": Transition(HANDLING_STATUSES, S.DUPLICATE, _HANDLE, _CHANGED, needs_note=True),
        "not_responsible": Transition(HANDLING_STATUSES, S.NOT_RESPONSIBLE, _HANDLE, _CHANGED, needs_note=True),
        "no_further_action": Transition(HANDLING_STATUSES, S.NO_FURTHER_ACTION, _HANDLE, _CHANGED, needs_note=True),
        "reopen": Transition(frozenset({S.FIXED}), S.OPEN, Perm.REQUEST_SUBMIT, A.REQUEST_REOPENED, needs_note=True),
    },
)

# What the agency's first move counts as: the SLA's "response".
RESPONSE_ACTIONS = frozenset(
    {"investigate", "start", "schedule", "fix", "close", "duplicate", "not_responsible", "no_further_action"}
)
RESOLUTION_STATUSES = frozenset({S.FIXED, S.CLOSED, S.DUPLICATE, S.NOT_RESPONSIBLE, S.NO_FURTHER_ACTION})
