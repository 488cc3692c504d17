"""Reminders: an agency when a period closes without its report, Bappeda while reports wait for approval; once each."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils.translation import gettext, ngettext, override

from kotacerdas.accounts.models import User
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import Reminder, ReminderKind
from kotacerdas.monitoring.tests.factories import AFTER_S1, MonitoringTestCase

JULY_15 = dt.date(2027, 7, 15)  # "2027 S1" (1 Jan – 30 Jun 2027) has ended; "2027 S2" runs


class ReminderTestCase(MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        for user in (self.planner, self.operator, self.head, self.health_operator, self.officer, self.leader):
            User.objects.filter(pk=user.pk).update(email=f"{user.username}@kotaraya.go.id")

    def send(self, today: dt.date = JULY_15) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return services.reminders_send(region=self.region, today=today)


class UnreportedPeriodTests(ReminderTestCase):
    def test_it_reminds_the_lead_agency_once_when_a_period_closes_without_its_report(self) -> None:
        self.assertEqual(self.send(), 1)
        [message] = mail.outbox
        self.assertEqual(message.to, ["head@kotaraya.go.id", "operator@kotaraya.go.id"])
        with override("id"):
            self.assertEqual(message.subject, gettext("Progress report missing for %(period)s") % {"period": "2027 S1"})
        self.assertIn("- Penataan tepi sungai", message.body)
        self.assertIn(self.public_works.name, message.body)
        reminder = Reminder.objects.get()
        self.assertEqual(
            (reminder.kind, reminder.agency, reminder.period, reminder.recipients),
            (ReminderKind.UNREPORTED, self.public_works, self.s1, 2),
        )
        self.assertEqual(self.send(), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_lists_all_of_an_agencys_programmes_in_one_reminder_and_writes_to_each_agency(self) -> None:
        self.make_programme(title="Drainase kampung")
        self.make_programme(title="Puskesmas ramah anak", dimension="society", lead=self.health)
        self.assertEqual(self.send(), 2)
        by_first_address = {m.to[0]: m for m in mail.outbox}
        public_works = by_first_address["head@kotaraya.go.id"].body
        self.assertIn("- Drainase kampung\n- Penataan tepi sungai", public_works)
        self.assertNotIn("Puskesmas", public_works)
        self.assertEqual(by_first_address["health_operator@kotaraya.go.id"].to, ["health_operator@kotaraya.go.id"])

    def test_it_stays_quiet_for_a_submitted_report_a_locked_period_or_one_still_running(self) -> None:
        report = self.report(status="submitted")
        services.report_approve(report=report, actor=self.planner)
        self.assertEqual(services.reminders_send(region=self.region, today=dt.date(2027, 6, 30)), 0)  # S1's last day
        self.assertEqual(self.send(), 0)
        self.assertFalse(Reminder.objects.filter(kind=ReminderKind.UNREPORTED).exists())

    def test_it_does_not_remind_for_a_locked_period(self) -> None:
        services.period_lock(period=self.s1, actor=self.planner)
        self.assertEqual(self.send(), 0)
        self.assertEqual(mail.outbox, [])

    def test_it_ignores_periods_that_ended_before_the_programme_existed_and_programmes_not_running(self) -> None:
        self.make_programme(title="Belum mulai", status="planned")
        self.assertEqual(self.send(dt.date(2027, 2, 1)), 0)  # only "2026" has ended: before the river existed

    def test_it_records_the_reminder_even_when_nobody_has_an_address(self) -> None:
        User.objects.filter(pk__in=[self.operator.pk, self.head.pk]).update(email="")
        self.assertEqual(self.send(), 1)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(Reminder.objects.get().recipients, 0)


class AwaitingApprovalTests(ReminderTestCase):
    def test_it_sends_bappeda_one_digest_a_day_while_reports_wait(self) -> None:
        report = self.report(status="submitted")
        march = dt.date(2027, 3, 1)  # inside "2027 S1": no period has closed since the programme began
        self.assertEqual(self.send(march), 1)
        [message] = mail.outbox
        self.assertEqual(message.to, ["planner@kotaraya.go.id"])
        self.assertIn(f"- Penataan tepi sungai (2027 S1, {self.public_works.name})", message.body)
        self.assertEqual(self.send(march), 0)
        self.assertEqual(self.send(march + dt.timedelta(days=1)), 1)
        services.report_approve(report=report, actor=self.planner)
        self.assertEqual(self.send(march + dt.timedelta(days=2)), 0)
        self.assertEqual(Reminder.objects.filter(kind=ReminderKind.AWAITING_APPROVAL).count(), 2)
        self.assertEqual(len(mail.outbox), 2)

    def test_it_counts_the_waiting_reports_in_the_subject(self) -> None:
        self.report(period=self.s2, status="submitted")
        other = self.make_programme(title="Puskesmas ramah anak", lead=self.health)
        self.report(
            programme=other, period=self.s2, status="submitted", narrative="Selesai.", progress_percent=10, values={}
        )
        self.send(dt.date(2027, 7, 1))
        [message] = [m for m in mail.outbox if m.to == ["planner@kotaraya.go.id"]]
        with override("id"):
            expected = ngettext(
                "%(count)s progress report awaits approval", "%(count)s progress reports await approval", 2
            ) % {"count": 2}
        self.assertEqual(expected, "2 laporan kemajuan menunggu persetujuan")
        self.assertEqual(message.subject, expected)

    def test_it_keeps_regions_apart(self) -> None:
        self.report(period=self.s2, status="submitted")
        self.assertEqual(services.reminders_send(region=self.other_region, today=JULY_15), 0)
        self.assertFalse(Reminder.objects.filter(region=self.other_region).exists())


class SendRemindersCommandTests(ReminderTestCase):
    @time_machine.travel(AFTER_S1, tick=False)
    def test_it_sends_every_regions_due_reminders_once(self) -> None:
        out = io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("send_reminders", stdout=out)
        self.assertEqual(out.getvalue().strip(), "1 reminder(s) sent.")
        out = io.StringIO()
        call_command("send_reminders", stdout=out)
        self.assertEqual(out.getvalue().strip(), "0 reminder(s) sent.")
        self.assertEqual(len(mail.outbox), 1)
