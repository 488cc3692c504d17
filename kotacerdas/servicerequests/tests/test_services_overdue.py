"""Overdue requests: flagged once past a deadline; the handling agency and the coordinator are e-mailed."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils.translation import gettext

from kotacerdas.accounts.models import User
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.testing import make_agency, make_user
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import ServiceRequest
from kotacerdas.servicerequests.tests.factories import NOW, ServiceRequestTestCase, audit_actions

LATE_ANSWER = NOW + dt.timedelta(hours=2, minutes=1)  # the lamp service answers within 2 hours
LATE_FIX = NOW + dt.timedelta(days=1, minutes=1)  # and resolves within a day


class RequestsFlagOverdueTests(ServiceRequestTestCase):
    def flag(self, now: dt.datetime) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return services.requests_flag_overdue(now=now)

    def test_it_flags_a_request_past_its_response_deadline_and_mails_agency_and_coordinator(self) -> None:
        request = self.submit()
        self.assertEqual(self.flag(LATE_ANSWER), 1)
        request.refresh_from_db()
        self.assertEqual(request.overdue_notified_at, LATE_ANSWER)
        self.assertEqual(audit_actions(request)[-1], AuditAction.REQUEST_OVERDUE)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["head@kotaraya.go.id", "officer@kotaraya.go.id", "operator@kotaraya.go.id"])
        self.assertEqual(
            message.subject,
            gettext("Overdue request #%(id)s: %(service)s") % {"id": request.pk, "service": self.lamp.name},
        )
        self.assertEqual(
            message.body,
            gettext("Request #%(id)s to %(agency)s is past its deadline.")
            % {"id": request.pk, "agency": self.public_works.name},
        )

    def test_it_flags_each_request_only_once(self) -> None:
        self.submit()
        self.assertEqual(self.flag(LATE_ANSWER), 1)
        self.assertEqual(self.flag(LATE_FIX), 0)
        self.assertEqual(self.flag(LATE_FIX + dt.timedelta(days=3)), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_leaves_requests_within_their_deadlines_alone(self) -> None:
        self.submit()
        self.assertEqual(self.flag(NOW + dt.timedelta(hours=2)), 0)
        self.assertEqual(mail.outbox, [])

    def test_it_flags_an_answered_request_past_its_resolution_deadline(self) -> None:
        request = self.advance(self.submit(), "verify", "investigate")
        self.assertEqual(self.flag(LATE_ANSWER), 0)
        self.assertEqual(self.flag(LATE_FIX), 1)
        request.refresh_from_db()
        self.assertEqual(request.overdue_notified_at, LATE_FIX)

    def test_it_ignores_closed_requests(self) -> None:
        self.advance(self.submit(), "verify", "fix")
        self.advance(self.submit(), "archive", note="Ganda.")
        self.advance(self.submit(), "not_authority", note="Wewenang provinsi.")
        self.assertEqual(self.flag(LATE_FIX), 0)
        self.assertEqual(mail.outbox, [])

    def test_it_flags_postponed_and_secret_requests_too(self) -> None:
        self.advance(self.submit(), "postpone", note="Menunggu data.")
        self.submit(is_secret=True)
        self.assertEqual(self.flag(LATE_ANSWER), 2)

    def test_it_mails_the_agency_now_holding_the_request(self) -> None:
        request = self.submit()
        services.request_reroute(request=request, agency=self.bappeda, reason="Tata ruang.", actor=self.officer)
        self.flag(LATE_ANSWER)
        self.assertEqual(mail.outbox[0].to, ["officer@kotaraya.go.id", "planner@kotaraya.go.id"])

    def test_it_mails_nobody_of_another_region_and_nobody_without_an_address(self) -> None:
        kominfo = make_agency(self.other_region, "diskominfo", special_role="ict")
        other_officer = make_user("officer2", "diskominfo_officer", self.other_region, agency=kominfo)
        User.objects.filter(pk=other_officer.pk).update(email="officer2@kabupatenlain.go.id")
        User.objects.filter(pk=self.head.pk).update(email="")
        self.submit()
        self.flag(LATE_ANSWER)
        self.assertEqual(mail.outbox[0].to, ["officer@kotaraya.go.id", "operator@kotaraya.go.id"])

    def test_it_sends_the_mail_only_once_the_flag_is_committed(self) -> None:
        self.submit()
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            services.requests_flag_overdue(now=LATE_ANSWER)
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(mail.outbox, [])


class FlagOverdueCommandTests(ServiceRequestTestCase):
    def test_it_flags_and_reports_a_one_line_summary(self) -> None:
        self.submit()
        self.submit()
        out = io.StringIO()
        with time_machine.travel(LATE_ANSWER, tick=False), self.captureOnCommitCallbacks(execute=True):
            call_command("flag_overdue_requests", stdout=out)
        self.assertEqual(out.getvalue(), "2 overdue request(s) flagged.\n")
        self.assertEqual(ServiceRequest.objects.filter(overdue_notified_at=LATE_ANSWER).count(), 2)
        self.assertEqual(len(mail.outbox), 2)

    def test_it_is_idempotent(self) -> None:
        self.submit()
        with time_machine.travel(LATE_ANSWER, tick=False):
            call_command("flag_overdue_requests", stdout=io.StringIO())
            out = io.StringIO()
            call_command("flag_overdue_requests", stdout=out)
        self.assertEqual(out.getvalue(), "0 overdue request(s) flagged.\n")
