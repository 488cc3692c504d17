"""Reporting periods: Bappeda adds them and locks them once reporting is over."""

from __future__ import annotations

import datetime as dt

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import Conflict, NotAllowed
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import Period
from kotacerdas.monitoring.services import (
    DATE_ORDER,
    DUPLICATE,
    NOT_PERMITTED,
    PERIOD_ALREADY_LOCKED,
    MonitoringError,
)
from kotacerdas.monitoring.tests.factories import NOW, MonitoringTestCase, audit_trail


class PeriodCreateTests(MonitoringTestCase):
    def create(self, label: str = "2028", actor: object = None, **dates: dt.date) -> Period:
        fields = {"starts_on": dt.date(2028, 1, 1), "ends_on": dt.date(2028, 12, 31), **dates}
        return services.period_create(region=self.region, label=label, actor=actor or self.planner, **fields)

    def test_it_adds_an_open_period(self) -> None:
        period = self.create()
        period.refresh_from_db()
        self.assertEqual((period.region, period.label), (self.region, "2028"))
        self.assertEqual((period.starts_on, period.ends_on), (dt.date(2028, 1, 1), dt.date(2028, 12, 31)))
        self.assertEqual((period.is_locked, period.locked_at), (False, None))
        [entry] = audit_trail(period)
        self.assertEqual((entry.action, entry.actor), (AuditAction.PERIOD_CREATED, self.planner))
        self.assertEqual(entry.after, {"label": "2028", "starts_on": "2028-01-01", "ends_on": "2028-12-31"})

    def test_it_accepts_a_one_day_period(self) -> None:
        period = self.create(starts_on=dt.date(2028, 1, 1), ends_on=dt.date(2028, 1, 1))
        self.assertEqual(period.starts_on, period.ends_on)

    def test_it_lets_another_region_use_the_same_label(self) -> None:
        period = services.period_create(
            region=self.other_region,
            label="2027 S1",
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2027, 6, 30),
            actor=self.outsider,
        )
        self.assertEqual(period.region, self.other_region)

    def test_it_refuses_everyone_but_bappeda(self) -> None:
        for actor in (
            self.officer,
            self.operator,
            self.head,
            self.leader,
            self.inspector,
            self.assessor,
            self.outsider,
        ):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda actor=actor: self.create(actor=actor))
        self.assertFalse(Period.objects.filter(label="2028").exists())

    def test_it_refuses_an_end_before_the_start(self) -> None:
        error = self.assertRefused(
            MonitoringError,
            DATE_ORDER,
            lambda: self.create(starts_on=dt.date(2028, 6, 1), ends_on=dt.date(2028, 5, 31)),
        )
        self.assertEqual(error.field, "ends_on")

    def test_it_refuses_a_label_the_region_already_uses(self) -> None:
        error = self.assertRefused(MonitoringError, DUPLICATE, lambda: self.create(label="2027 S1"))
        self.assertEqual(error.field, "label")
        self.assertEqual(Period.objects.for_region(self.region).filter(label="2027 S1").count(), 1)


class PeriodLockTests(MonitoringTestCase):
    def test_it_locks_a_period_and_records_it(self) -> None:
        period = services.period_lock(period=self.s1, actor=self.planner)
        self.assertTrue(period.is_locked)
        self.s1.refresh_from_db()
        self.assertEqual((self.s1.is_locked, self.s1.locked_at), (True, NOW))
        entry = audit_trail(self.s1)[-1]
        self.assertEqual((entry.action, entry.actor), (AuditAction.PERIOD_LOCKED, self.planner))
        self.assertEqual((entry.before, entry.after), ({"is_locked": False}, {"is_locked": True}))

    def test_it_refuses_everyone_but_bappeda(self) -> None:
        for actor in (self.officer, self.operator, self.leader, self.inspector, self.assessor, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed, NOT_PERMITTED, lambda actor=actor: services.period_lock(period=self.s1, actor=actor)
                )
        self.s1.refresh_from_db()
        self.assertFalse(self.s1.is_locked)

    def test_it_refuses_to_lock_twice(self) -> None:
        services.period_lock(period=self.s1, actor=self.planner)
        stale = Period.objects.get(pk=self.s1.pk)
        self.assertRefused(
            Conflict, PERIOD_ALREADY_LOCKED, lambda: services.period_lock(period=stale, actor=self.planner)
        )
        self.assertEqual([e.action for e in audit_trail(self.s1)].count(AuditAction.PERIOD_LOCKED), 1)
