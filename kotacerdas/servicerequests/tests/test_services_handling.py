"""Handling a request: verify and dispatch, the agency's steps with public notes, reopening, re-routing."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils.translation import gettext

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import ApplicationError, Conflict, NotAllowed
from kotacerdas.core.workflow import CHANGED_MEANWHILE, NOT_ALLOWED_FROM_STATE, REASON_REQUIRED, UNKNOWN_ACTION
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import RequestStatus, RequestUpdate, ServiceRequest
from kotacerdas.servicerequests.services import (
    AGENCY_OUTSIDE_REGION,
    NOT_PERMITTED,
    NOT_YOURS,
    REOPEN_TOO_LATE,
    SAME_AGENCY,
    RequestError,
)
from kotacerdas.servicerequests.tests.factories import NOW, ServiceRequestTestCase, audit_actions

S = RequestStatus


class RequestTransitionTests(ServiceRequestTestCase):
    def test_it_runs_verify_investigate_start_fix_with_a_public_note_each(self) -> None:
        request = self.submit()
        steps = [("verify", ""), ("investigate", "Petugas meninjau."), ("start", "Diperbaiki."), ("fix", "Lampu baru.")]
        for action, note in steps:
            services.request_transition(
                request=request, action=action, actor=self.actor_for(request, action), note=note
            )
        request.refresh_from_db()
        self.assertEqual(request.status, S.FIXED)
        updates = list(request.updates.values_list("status", "note", "is_public"))
        self.assertEqual(
            updates,
            [
                ("submitted", "", True),
                ("open", "", True),
                ("investigating", "Petugas meninjau.", True),
                ("in_progress", "Diperbaiki.", True),
                ("fixed", "Lampu baru.", True),
            ],
        )
        self.assertEqual(
            audit_actions(request),
            [
                AuditAction.REQUEST_SUBMITTED,
                AuditAction.REQUEST_VERIFIED,
                *[AuditAction.REQUEST_STATUS_CHANGED] * 3,
            ],
        )

    def test_it_sets_the_response_time_at_the_agencys_first_move_only(self) -> None:
        request = self.submit()
        with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
            self.advance(request, "verify")
        self.assertIsNone(request.responded_at)
        with time_machine.travel(NOW + dt.timedelta(minutes=90), tick=False):
            self.advance(request, "investigate")
        with time_machine.travel(NOW + dt.timedelta(minutes=150), tick=False):
            self.advance(request, "start")
        request.refresh_from_db()
        self.assertEqual(request.responded_at, NOW + dt.timedelta(minutes=90))

    def test_it_sets_the_resolution_time_at_each_closing_status(self) -> None:
        for action in ("fix", "close", "duplicate", "not_responsible", "no_further_action"):
            with self.subTest(action=action):
                request = self.advance(self.submit(), "verify")
                with time_machine.travel(NOW + dt.timedelta(hours=5), tick=False):
                    self.advance(request, action)
                request.refresh_from_db()
                self.assertEqual(request.resolved_at, NOW + dt.timedelta(hours=5))
                self.assertEqual(request.responded_at, NOW + dt.timedelta(hours=5))
                self.assertFalse(request.is_open)

    def test_it_lets_the_coordinator_postpone_then_verify(self) -> None:
        request = self.advance(self.submit(), "postpone", "verify")
        self.assertEqual(request.status, S.OPEN)
        self.assertEqual(list(request.updates.values_list("status", flat=True)), ["submitted", "postponed", "open"])

    def test_it_lets_the_coordinator_refuse_or_archive(self) -> None:
        for action, status in (("not_authority", S.NOT_AUTHORITY), ("archive", S.ARCHIVED)):
            with self.subTest(action=action):
                request = self.advance(self.submit(), action, note="Bukan kewenangan pemerintah kota.")
                request.refresh_from_db()
                self.assertEqual(request.status, status)
                self.assertEqual(request.updates.last().note, "Bukan kewenangan pemerintah kota.")

    def test_it_dispatches_by_the_routing_rule_at_verification(self) -> None:
        request = self.submit(area=self.rt)
        services.route_set(service=self.lamp, area=self.kelurahan, agency=self.bappeda, actor=self.officer)
        self.advance(request, "verify")
        request.refresh_from_db()
        self.assertEqual(request.agency, self.bappeda)

    def test_it_schedules_the_action(self) -> None:
        request = self.advance(self.submit(), "verify", "investigate", "schedule", note="Dijadwalkan Kamis.")
        self.assertEqual(request.status, S.ACTION_SCHEDULED)

    def test_it_lets_the_agency_close_a_fixed_request(self) -> None:
        request = self.advance(self.submit(), "verify", "fix", "close")
        self.assertEqual(request.status, S.CLOSED)

    def test_it_refuses_a_step_from_the_wrong_state_naming_the_state(self) -> None:
        request = self.submit()
        for action, actor in (("fix", self.operator), ("reopen", self.citizen)):
            with self.subTest(action=action):
                error = self.assertRefused(
                    Conflict,
                    None,
                    lambda a=action, u=actor: services.request_transition(request=request, action=a, actor=u, note="x"),
                )
                self.assertEqual(
                    error.message, gettext(NOT_ALLOWED_FROM_STATE) % {"state": request.get_status_display()}
                )
        self.advance(request, "verify", "fix")
        self.assertRefused(Conflict, None, lambda: self.advance(request, "start"))
        self.assertRefused(Conflict, None, lambda: self.advance(request, "verify"))

    def test_it_refuses_a_missing_note_where_one_is_needed(self) -> None:
        request = self.advance(self.submit(), "verify")
        for action in ("schedule", "fix", "close", "duplicate", "not_responsible", "no_further_action"):
            with self.subTest(action=action):
                error = self.assertRefused(
                    ApplicationError,
                    REASON_REQUIRED,
                    lambda a=action: services.request_transition(
                        request=request, action=a, actor=self.operator, note="  "
                    ),
                )
                self.assertEqual(error.field, "note")
        self.assertEqual(request.updates.count(), 2)

    def test_it_refuses_an_unknown_action(self) -> None:
        self.assertRefused(
            ApplicationError,
            UNKNOWN_ACTION,
            lambda: services.request_transition(request=self.submit(), action="approve", actor=self.officer),
        )

    def test_it_refuses_each_persona_without_the_permission(self) -> None:
        request = self.submit()
        for name in ("operator", "head", "planner", "leader", "inspector", "citizen", "treasurer", "outsider"):
            with self.subTest(user=name):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda n=name: services.request_transition(
                        request=request, action="verify", actor=getattr(self, n)
                    ),
                )
        self.advance(request, "verify")
        for name in ("officer", "planner", "leader", "inspector", "citizen", "outsider"):
            with self.subTest(user=name):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda n=name: services.request_transition(
                        request=request, action="investigate", actor=getattr(self, n)
                    ),
                )
        request.refresh_from_db()
        self.assertEqual(request.status, S.OPEN)

    def test_it_refuses_a_step_when_someone_changed_the_request_meanwhile(self) -> None:
        request = self.advance(self.submit(), "verify")
        stale = type(request).objects.get(pk=request.pk)
        self.advance(request, "investigate")
        error = self.assertRefused(Conflict, None, lambda: self.advance(stale, "investigate"))
        self.assertEqual(error.message, gettext(CHANGED_MEANWHILE))
        self.assertEqual(request.updates.count(), 3)


class RequestReopenTests(ServiceRequestTestCase):
    def fixed(self) -> ServiceRequest:
        return self.advance(self.submit(), "verify", "fix")

    def test_it_lets_the_citizen_reopen_a_fixed_request_within_14_days(self) -> None:
        request = self.fixed()
        with time_machine.travel(NOW + dt.timedelta(days=14), tick=False):
            services.request_transition(request=request, action="reopen", actor=self.citizen, note="Masih mati.")
        request.refresh_from_db()
        self.assertEqual((request.status, request.resolved_at), (S.OPEN, None))
        self.assertEqual(request.updates.last().note, "Masih mati.")
        self.assertEqual(audit_actions(request)[-1], AuditAction.REQUEST_REOPENED)

    def test_it_refuses_after_14_days(self) -> None:
        request = self.fixed()
        with time_machine.travel(NOW + dt.timedelta(days=14, seconds=1), tick=False):
            error = self.assertRefused(
                RequestError,
                None,
                lambda: services.request_transition(request=request, action="reopen", actor=self.citizen, note="x"),
            )
        self.assertEqual(error.message, gettext(REOPEN_TOO_LATE) % {"days": 14})
        request.refresh_from_db()
        self.assertEqual(request.status, S.FIXED)

    def test_it_refuses_another_citizen(self) -> None:
        request = self.fixed()
        other = self.register()
        self.assertRefused(
            NotAllowed,
            NOT_YOURS,
            lambda: services.request_transition(request=request, action="reopen", actor=other, note="x"),
        )

    def test_it_refuses_staff(self) -> None:
        request = self.fixed()
        for name in ("officer", "operator"):
            with self.subTest(user=name):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda n=name: services.request_transition(
                        request=request, action="reopen", actor=getattr(self, n), note="x"
                    ),
                )

    def test_it_refuses_a_request_that_is_not_fixed_or_without_a_reason(self) -> None:
        request = self.advance(self.submit(), "verify")
        self.assertRefused(
            Conflict,
            None,
            lambda: services.request_transition(request=request, action="reopen", actor=self.citizen, note="x"),
        )
        self.advance(request, "fix")
        self.assertRefused(
            ApplicationError,
            REASON_REQUIRED,
            lambda: services.request_transition(request=request, action="reopen", actor=self.citizen, note=""),
        )

    def test_it_refuses_a_closed_request(self) -> None:
        request = self.advance(self.fixed(), "close")
        self.assertRefused(
            Conflict,
            None,
            lambda: services.request_transition(request=request, action="reopen", actor=self.citizen, note="x"),
        )


class RequestRerouteTests(ServiceRequestTestCase):
    def test_it_lets_the_coordinator_send_a_request_to_another_agency_with_the_reason_audited(self) -> None:
        request = self.advance(self.submit(), "verify")
        services.request_reroute(request=request, agency=self.bappeda, reason=" Soal tata ruang. ", actor=self.officer)
        request.refresh_from_db()
        self.assertEqual(request.agency, self.bappeda)
        update = request.updates.last()
        self.assertEqual((update.note, update.is_public, update.actor), ("Soal tata ruang.", False, self.officer))
        entry = AuditEntry.objects.get(action=AuditAction.REQUEST_REROUTED)
        self.assertEqual(entry.before, {"agency": "dpupkp"})
        self.assertEqual(entry.after, {"agency": "bappeda", "reason": "Soal tata ruang."})

    def test_it_lets_the_handling_agency_pass_it_on(self) -> None:
        request = self.advance(self.submit(), "verify")
        services.request_reroute(request=request, agency=self.diskominfo, reason="Soal jaringan.", actor=self.head)
        self.assertEqual(request.agency, self.diskominfo)
        # The agency now holding it works it; the one that passed it on no longer may.
        self.assertRefused(
            NotAllowed,
            NOT_PERMITTED,
            lambda: services.request_transition(request=request, action="investigate", actor=self.operator),
        )
        services.request_transition(request=request, action="investigate", actor=self.officer)

    def test_it_refuses_other_agencies_and_personas(self) -> None:
        request = self.advance(self.submit(), "verify")
        for name in ("planner", "leader", "inspector", "citizen", "treasurer", "outsider"):
            with self.subTest(user=name):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda n=name: services.request_reroute(
                        request=request, agency=self.bappeda, reason="x", actor=getattr(self, n)
                    ),
                )

    def test_it_refuses_the_same_agency_another_regions_agency_or_no_reason(self) -> None:
        request = self.submit()
        cases = [
            (self.public_works, "x", SAME_AGENCY, "agency"),
            (self.other_agency, "x", AGENCY_OUTSIDE_REGION, "agency"),
            (self.bappeda, " \n", REASON_REQUIRED, "reason"),
        ]
        for agency, reason, message, field in cases:
            with self.subTest(message=message):
                error = self.assertRefused(
                    RequestError,
                    message,
                    lambda a=agency, r=reason: services.request_reroute(
                        request=request, agency=a, reason=r, actor=self.officer
                    ),
                )
                self.assertEqual(error.field, field)
        request.refresh_from_db()
        self.assertEqual(request.agency, self.public_works)
        self.assertEqual(RequestUpdate.objects.filter(request=request).count(), 1)

    def test_it_keeps_a_reroute_made_before_verification(self) -> None:
        request = self.submit()
        services.request_reroute(request=request, agency=self.bappeda, reason="Tata ruang.", actor=self.officer)
        self.advance(request, "verify")
        request.refresh_from_db()
        self.assertEqual(request.agency, self.bappeda)
