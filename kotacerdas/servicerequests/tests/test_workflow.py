"""The request's state machine: which persona may take which step from which state."""

from __future__ import annotations

from kotacerdas.accounts.models import User
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.testing import RegionTestCase
from kotacerdas.servicerequests.models import RequestStatus, ServiceRequest
from kotacerdas.servicerequests.workflow import REQUEST, RESOLUTION_STATUSES, RESPONSE_ACTIONS

S = RequestStatus
HANDLING = ["fix", "close", "duplicate", "not_responsible", "no_further_action"]
CLOSED = (S.NOT_AUTHORITY, S.ARCHIVED, S.CLOSED, S.DUPLICATE, S.NOT_RESPONSIBLE, S.NO_FURTHER_ACTION)


class RequestWorkflowTests(RegionTestCase):
    def allowed(self, status: str, user: User, agency: object = None) -> list[str]:
        request = ServiceRequest(region=self.region, agency=agency or self.public_works, status=status)
        return REQUEST.allowed_actions(obj=request, user=user)

    def test_it_lets_the_coordinator_verify_postpone_refuse_or_archive_a_new_request(self) -> None:
        self.assertEqual(self.allowed(S.SUBMITTED, self.officer), ["verify", "postpone", "not_authority", "archive"])
        self.assertEqual(self.allowed(S.POSTPONED, self.officer), ["verify", "not_authority", "archive"])

    def test_it_lets_the_handling_agency_work_a_dispatched_request(self) -> None:
        expected = {
            S.OPEN: ["investigate", "start", "schedule", *HANDLING],
            S.INVESTIGATING: ["start", "schedule", *HANDLING],
            S.IN_PROGRESS: ["schedule", *HANDLING],
            S.ACTION_SCHEDULED: HANDLING,
            S.FIXED: ["close"],
        }
        for status, actions in expected.items():
            for user in (self.operator, self.head):
                with self.subTest(status=status, user=user.username):
                    self.assertEqual(self.allowed(status, user), actions)

    def test_it_gives_the_agency_nothing_before_dispatch(self) -> None:
        for status in (S.SUBMITTED, S.POSTPONED):
            with self.subTest(status=status):
                self.assertEqual(self.allowed(status, self.operator), [])

    def test_it_gives_the_coordinator_no_handling_of_another_agencys_request(self) -> None:
        for status in (S.OPEN, S.INVESTIGATING, S.IN_PROGRESS, S.ACTION_SCHEDULED, S.FIXED):
            with self.subTest(status=status):
                self.assertEqual(self.allowed(status, self.officer), [])

    def test_it_lets_diskominfo_handle_a_request_dispatched_to_itself(self) -> None:
        self.assertEqual(self.allowed(S.OPEN, self.officer, agency=self.diskominfo)[:2], ["investigate", "start"])
        self.assertEqual(self.allowed(S.OPEN, self.operator, agency=self.diskominfo), [])

    def test_it_offers_reopen_of_a_fixed_request_to_citizens_only(self) -> None:
        self.assertEqual(self.allowed(S.FIXED, self.citizen), ["reopen"])
        for status in set(S.values) - {S.FIXED}:
            with self.subTest(status=status):
                self.assertEqual(self.allowed(status, self.citizen), [])

    def test_it_gives_other_members_and_outsiders_nothing(self) -> None:
        users = (self.planner, self.leader, self.inspector, self.treasurer, self.outsider)
        for status in S.values:
            for user in users:
                with self.subTest(status=status, user=user.username):
                    self.assertEqual(self.allowed(status, user), [])

    def test_it_ends_at_a_closing_decision(self) -> None:
        for status in CLOSED:
            for user in (self.officer, self.operator, self.head, self.citizen):
                with self.subTest(status=status, user=user.username):
                    self.assertEqual(self.allowed(status, user), [])

    def test_it_asks_for_a_public_note_on_every_step_but_verify_investigate_and_start(self) -> None:
        needs_note = {action for action, edge in REQUEST.transitions.items() if edge.needs_note}
        self.assertEqual(set(REQUEST.transitions) - needs_note, {"verify", "investigate", "start"})

    def test_it_counts_the_agencys_first_move_as_the_response(self) -> None:
        self.assertEqual(RESPONSE_ACTIONS, {"investigate", "start", "schedule", *HANDLING})
        self.assertEqual(RESOLUTION_STATUSES, {S.FIXED, S.CLOSED, S.DUPLICATE, S.NOT_RESPONSIBLE, S.NO_FURTHER_ACTION})

    def test_it_records_each_step_under_its_own_code(self) -> None:
        codes = {action: edge.audit_action for action, edge in REQUEST.transitions.items()}
        self.assertEqual(codes["verify"], AuditAction.REQUEST_VERIFIED)
        self.assertEqual(codes["postpone"], AuditAction.REQUEST_POSTPONED)
        self.assertEqual(codes["not_authority"], AuditAction.REQUEST_NOT_AUTHORITY)
        self.assertEqual(codes["archive"], AuditAction.REQUEST_ARCHIVED)
        self.assertEqual(codes["reopen"], AuditAction.REQUEST_REOPENED)
        handling = {codes[a] for a in ("investigate", "start", "schedule", *HANDLING)}
        self.assertEqual(handling, {AuditAction.REQUEST_STATUS_CHANGED})
