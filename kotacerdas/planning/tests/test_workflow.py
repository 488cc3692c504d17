"""The three state machines: which persona may take which step from which state."""

from __future__ import annotations

from django.utils.translation import gettext

from kotacerdas.accounts.models import User
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError, Conflict, NotAllowed
from kotacerdas.core.workflow import NOT_ALLOWED_FROM_STATE, NOT_PERMITTED, REASON_REQUIRED, UNKNOWN_ACTION
from kotacerdas.planning.models import (
    DigitalisationRequest,
    DigitalisationStatus,
    Programme,
    ProgrammeStatus,
    Proposal,
    ProposalStatus,
)
from kotacerdas.planning.tests.factories import PlanningTestCase
from kotacerdas.planning.workflow import DIGITALISATION, PROGRAMME, PROPOSAL

P = ProposalStatus
G = ProgrammeStatus
D = DigitalisationStatus
BAPPEDA_DECISIONS = ["start_review", "return", "accept", "reject", "merge"]


class ProposalWorkflowTests(PlanningTestCase):
    def proposal(self, status: str) -> Proposal:
        return Proposal(region=self.region, agency=self.public_works, status=status)

    def allowed(self, status: str, user: User) -> list[str]:
        return PROPOSAL.allowed_actions(obj=self.proposal(status), user=user)

    def test_it_lets_the_proposing_agency_submit_a_draft_or_returned_proposal(self) -> None:
        for status in (P.DRAFT, P.RETURNED):
            for user in (self.operator, self.head):
                with self.subTest(status=status, user=user.username):
                    self.assertEqual(self.allowed(status, user), ["submit"])

    def test_it_lets_bappeda_review_and_decide_a_submitted_proposal(self) -> None:
        self.assertEqual(self.allowed(P.SUBMITTED, self.planner), BAPPEDA_DECISIONS)
        self.assertEqual(self.allowed(P.UNDER_REVIEW, self.planner), ["return", "accept", "reject", "merge"])

    def test_it_gives_bappeda_nothing_on_another_agencys_draft(self) -> None:
        self.assertEqual(self.allowed(P.DRAFT, self.planner), [])
        self.assertEqual(self.allowed(P.RETURNED, self.planner), [])

    def test_it_lets_bappeda_submit_its_own_proposal(self) -> None:
        own = Proposal(region=self.region, agency=self.bappeda, status=P.DRAFT)
        self.assertEqual(PROPOSAL.allowed_actions(obj=own, user=self.planner), ["submit"])

    def test_it_gives_the_agency_nothing_once_submitted(self) -> None:
        for status in (P.SUBMITTED, P.UNDER_REVIEW):
            with self.subTest(status=status):
                self.assertEqual(self.allowed(status, self.operator), [])

    def test_it_gives_other_members_and_outsiders_nothing(self) -> None:
        users = (self.health_operator, self.officer, self.leader, self.inspector, self.citizen, self.outsider)
        for status in P.values:
            for user in users:
                with self.subTest(status=status, user=user.username):
                    self.assertEqual(self.allowed(status, user), [])

    def test_it_ends_at_a_decision(self) -> None:
        for status in (P.ACCEPTED, P.REJECTED, P.MERGED):
            for user in (self.planner, self.operator):
                with self.subTest(status=status, user=user.username):
                    self.assertEqual(self.allowed(status, user), [])

    def test_it_asks_for_reasons_to_return_reject_or_merge_only(self) -> None:
        needs_note = {action for action, edge in PROPOSAL.transitions.items() if edge.needs_note}
        self.assertEqual(needs_note, {"return", "reject", "merge"})

    def test_it_records_each_step_under_its_own_code(self) -> None:
        codes = {action: edge.audit_action for action, edge in PROPOSAL.transitions.items()}
        self.assertEqual(
            codes,
            {
                "submit": AuditAction.PROPOSAL_SUBMITTED,
                "start_review": AuditAction.PROPOSAL_REVIEW_STARTED,
                "return": AuditAction.PROPOSAL_RETURNED,
                "accept": AuditAction.PROPOSAL_ACCEPTED,
                "reject": AuditAction.PROPOSAL_REJECTED,
                "merge": AuditAction.PROPOSAL_MERGED,
            },
        )


class ProposalWorkflowCheckTests(PlanningTestCase):
    """StateMachine.check gives the right refusal, in the order state, permission, reason."""

    def test_it_passes_a_permitted_step_and_returns_its_edge(self) -> None:
        edge = PROPOSAL.check(
            obj=Proposal(region=self.region, agency=self.public_works), action="submit", actor=self.operator
        )
        self.assertEqual(edge.target, P.SUBMITTED)

    def test_it_refuses_an_unknown_action(self) -> None:
        with self.assertRaises(ApplicationError) as caught:
            PROPOSAL.check(
                obj=Proposal(region=self.region, agency=self.public_works), action="approve", actor=self.planner
            )
        self.assertIs(type(caught.exception), ApplicationError)
        self.assertEqual(caught.exception.message, gettext(UNKNOWN_ACTION))

    def test_it_refuses_a_step_from_the_wrong_state_naming_the_state(self) -> None:
        proposal = Proposal(region=self.region, agency=self.public_works, status=P.ACCEPTED)
        with self.assertRaises(Conflict) as caught:
            PROPOSAL.check(obj=proposal, action="reject", actor=self.planner, note="Tidak.")
        self.assertEqual(
            caught.exception.message, gettext(NOT_ALLOWED_FROM_STATE) % {"state": proposal.get_status_display()}
        )

    def test_it_refuses_a_role_without_the_permission(self) -> None:
        proposal = Proposal(region=self.region, agency=self.public_works, status=P.SUBMITTED)
        with self.assertRaises(NotAllowed) as caught:
            PROPOSAL.check(obj=proposal, action="reject", actor=self.operator, note="Tidak.")
        self.assertEqual(caught.exception.message, gettext(NOT_PERMITTED))

    def test_it_refuses_a_missing_reason(self) -> None:
        proposal = Proposal(region=self.region, agency=self.public_works, status=P.SUBMITTED)
        with self.assertRaises(ApplicationError) as caught:
            PROPOSAL.check(obj=proposal, action="reject", actor=self.planner, note="\n ")
        self.assertEqual((caught.exception.message, caught.exception.field), (gettext(REASON_REQUIRED), "note"))


class ProgrammeWorkflowTests(PlanningTestCase):
    def build(self, status: str, lead: object = None) -> Programme:
        return Programme(region=self.region, lead_agency=lead or self.public_works, status=status)

    def allowed(self, status: str, user: User, lead: object = None) -> list[str]:
        return PROGRAMME.allowed_actions(obj=self.build(status, lead), user=user)

    def test_it_lets_the_lead_agency_start_and_complete(self) -> None:
        for user in (self.operator, self.head):
            with self.subTest(user=user.username):
                self.assertEqual(self.allowed(G.PLANNED, user), ["start"])
                self.assertEqual(self.allowed(G.IN_IMPLEMENTATION, user), ["complete"])
                self.assertEqual(self.allowed(G.SUSPENDED, user), [])

    def test_it_lets_bappeda_suspend_resume_and_cancel(self) -> None:
        # A planned programme that will not go ahead is cancelled; only a running one is suspended.
        self.assertEqual(self.allowed(G.PLANNED, self.planner), ["cancel"])
        self.assertEqual(self.allowed(G.IN_IMPLEMENTATION, self.planner), ["suspend", "cancel"])
        self.assertEqual(self.allowed(G.SUSPENDED, self.planner), ["resume", "cancel"])

    def test_it_lets_bappeda_do_both_on_a_programme_it_leads(self) -> None:
        self.assertEqual(self.allowed(G.PLANNED, self.planner, lead=self.bappeda), ["start", "cancel"])
        self.assertEqual(
            self.allowed(G.IN_IMPLEMENTATION, self.planner, lead=self.bappeda), ["complete", "suspend", "cancel"]
        )

    def test_it_gives_other_agencies_readers_and_outsiders_nothing(self) -> None:
        users = (self.health_operator, self.officer, self.leader, self.inspector, self.citizen, self.outsider)
        for status in G.values:
            for user in users:
                with self.subTest(status=status, user=user.username):
                    self.assertEqual(self.allowed(status, user), [])

    def test_it_ends_at_completed_or_cancelled(self) -> None:
        for status in (G.COMPLETED, G.CANCELLED):
            for user in (self.planner, self.operator):
                with self.subTest(status=status, user=user.username):
                    self.assertEqual(self.allowed(status, user), [])
                    self.assertEqual(self.allowed(status, user, lead=self.bappeda), [])

    def test_it_asks_for_reasons_to_suspend_or_cancel_only(self) -> None:
        needs_note = {action for action, edge in PROGRAMME.transitions.items() if edge.needs_note}
        self.assertEqual(needs_note, {"suspend", "cancel"})


class DigitalisationWorkflowTests(PlanningTestCase):
    def allowed(self, status: str, user: User) -> list[str]:
        return DIGITALISATION.allowed_actions(obj=DigitalisationRequest(region=self.region, status=status), user=user)

    def test_it_lets_diskominfo_take_each_step_in_order(self) -> None:
        expected = {D.REQUESTED: ["analyse"], D.IN_DEVELOPMENT: ["go_live"], D.LIVE: ["retire"], D.RETIRED: []}
        expected[D.ANALYSED] = ["develop"]
        for status, actions in expected.items():
            with self.subTest(status=status):
                self.assertEqual(self.allowed(status, self.officer), actions)

    def test_it_gives_everyone_else_nothing(self) -> None:
        users = (self.planner, self.operator, self.head, self.leader, self.inspector, self.citizen, self.outsider)
        for status in D.values:
            for user in users:
                with self.subTest(status=status, user=user.username):
                    self.assertEqual(self.allowed(status, user), [])

    def test_it_asks_for_the_analysis_and_the_reason_to_retire(self) -> None:
        needs_note = {action for action, edge in DIGITALISATION.transitions.items() if edge.needs_note}
        self.assertEqual(needs_note, {"analyse", "retire"})
