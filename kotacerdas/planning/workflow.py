"""The three workflows of the planning room, each one transitions table."""

from __future__ import annotations

from kotacerdas.accounts.roles import Perm
from kotacerdas.audit.actions import AuditAction as A
from kotacerdas.core.workflow import StateMachine, Transition
from kotacerdas.planning.models import (
    DigitalisationRequest,
    DigitalisationStatus,
    Programme,
    ProgrammeStatus,
    Proposal,
    ProposalStatus,
)

P = ProposalStatus
_IN_BAPPEDA = frozenset({P.SUBMITTED, P.UNDER_REVIEW})

PROPOSAL = StateMachine(
    model=Proposal,
    scope_agency=lambda proposal: proposal.agency,
    transitions={
        "submit": Transition(frozenset({P.DRAFT, P.RETURNED}), P.SUBMITTED, Perm.PROPOSAL_EDIT, A.PROPOSAL_SUBMITTED),
        "start_review": Transition(
            frozenset({P.SUBMITTED}), P.UNDER_REVIEW, Perm.PROPOSAL_DECIDE, A.PROPOSAL_REVIEW_STARTED
        ),
        "return": Transition(_IN_BAPPEDA, P.RETURNED, Perm.PROPOSAL_DECIDE, A.PROPOSAL_RETURNED, needs_note=True),
        "accept": Transition(_IN_BAPPEDA, P.ACCEPTED, Perm.PROPOSAL_DECIDE, A.PROPOSAL_ACCEPTED),
        "reject": Transition(_IN_BAPPEDA, P.REJECTED, Perm.PROPOSAL_DECIDE, A.PROPOSAL_REJECTED, needs_note=True),
        "merge": Transition(_IN_BAPPEDA, P.MERGED, Perm.PROPOSAL_DECIDE, A.PROPOSAL_MERGED, needs_note=True),
    },
)

G = ProgrammeStatus
PROGRAMME = StateMachine(
    model=Programme,
    scope_agency=lambda programme: programme.lead_agency,
    transitions={
        "start": Transition(frozenset({G.PLANNED}), G.IN_IMPLEMENTATION, Perm.PROGRAMME_RUN, A.PROGRAMME_STARTED),
        "complete": Transition(
            frozenset({G.IN_IMPLEMENTATION}), G.COMPLETED, Perm.PROGRAMME_RUN, A.PROGRAMME_COMPLETED
        ),
        # A planned programme that will not go ahead is cancelled; only a running one is suspended and resumed.
        "suspend": Transition(
            frozenset({G.IN_IMPLEMENTATION}),
            G.SUSPENDED,
            Perm.PROGRAMME_MANAGE,
            A.PROGRAMME_SUSPENDED,
            needs_note=True,
        ),
        "resume": Transition(frozenset({G.SUSPENDED}), G.IN_IMPLEMENTATION, Perm.PROGRAMME_MANAGE, A.PROGRAMME_RESUMED),
        "cancel": Transition(
            frozenset({G.PLANNED, G.IN_IMPLEMENTATION, G.SUSPENDED}),
            G.CANCELLED,
            Perm.PROGRAMME_MANAGE,
            A.PROGRAMME_CANCELLED,
            needs_note=True,
        ),
    },
)

D = DigitalisationStatus
_DIGITAL = Perm.DIGITALISATION_MANAGE
DIGITALISATION = StateMachine(
    model=DigitalisationRequest,
    transitions={
        "analyse": Transition(
            frozenset({D.REQUESTED}), D.ANALYSED, _DIGITAL, A.DIGITALISATION_ANALYSED, needs_note=True
        ),
        "develop": Transition(frozenset({D.ANALYSED}), D.IN_DEVELOPMENT, _DIGITAL, A.DIGITALISATION_DEVELOPING),
        "go_live": Transition(frozenset({D.IN_DEVELOPMENT}), D.LIVE, _DIGITAL, A.DIGITALISATION_LIVE),
        "retire": Transition(frozenset({D.LIVE}), D.RETIRED, _DIGITAL, A.DIGITALISATION_RETIRED, needs_note=True),
    },
)
