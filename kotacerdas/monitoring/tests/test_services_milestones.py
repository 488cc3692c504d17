"""Milestones of a programme (planned and actual dates) and the region's status catalogue."""

from __future__ import annotations

import datetime as dt

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import NotAllowed
from kotacerdas.monitoring import services
from kotacerdas.monitoring.models import Milestone, StatusPercent
from kotacerdas.monitoring.services import NOT_PERMITTED, PERCENT_RANGE, MonitoringError
from kotacerdas.monitoring.tests.factories import MonitoringTestCase, audit_trail


class MilestoneCreateTests(MonitoringTestCase):
    def create(self, actor: object = None, title: str = "Lahan bebas") -> Milestone:
        return services.milestone_create(
            programme=self.river, title=title, planned_date=dt.date(2027, 4, 30), actor=actor or self.planner
        )

    def test_it_adds_a_planned_milestone(self) -> None:
        milestone = self.create()
        milestone.refresh_from_db()
        self.assertEqual(
            (milestone.programme, milestone.region, milestone.title), (self.river, self.region, "Lahan bebas")
        )
        self.assertEqual((milestone.planned_date, milestone.actual_date), (dt.date(2027, 4, 30), None))
        [entry] = audit_trail(milestone)
        self.assertEqual(
            (entry.action, entry.after),
            (AuditAction.MILESTONE_CREATED, {"title": "Lahan bebas", "planned_date": "2027-04-30"}),
        )

    def test_it_lets_the_lead_agency_add_one(self) -> None:
        self.assertEqual(self.create(actor=self.operator).programme, self.river)

    def test_it_refuses_another_agency_readers_and_outsiders(self) -> None:
        for actor in (self.health_operator, self.officer, self.leader, self.inspector, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda actor=actor: self.create(actor=actor))
        self.assertFalse(Milestone.objects.exists())

    def test_it_refuses_an_empty_title(self) -> None:
        self.assertRefused(MonitoringError, None, lambda: self.create(title=""))
        self.assertFalse(Milestone.objects.exists())


class MilestoneReachTests(MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.milestone = services.milestone_create(
            programme=self.river, title="Lahan bebas", planned_date=dt.date(2027, 4, 30), actor=self.planner
        )

    def test_it_records_the_actual_date(self) -> None:
        services.milestone_reach(milestone=self.milestone, actual_date=dt.date(2027, 5, 3), actor=self.operator)
        self.milestone.refresh_from_db()
        self.assertEqual(self.milestone.actual_date, dt.date(2027, 5, 3))
        entry = audit_trail(self.milestone)[-1]
        self.assertEqual((entry.action, entry.actor), (AuditAction.MILESTONE_REACHED, self.operator))
        self.assertEqual((entry.before, entry.after), ({"actual_date": None}, {"actual_date": "2027-05-03"}))

    def test_it_refuses_another_agency_readers_and_outsiders(self) -> None:
        for actor in (self.health_operator, self.leader, self.assessor, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda actor=actor: services.milestone_reach(
                        milestone=self.milestone, actual_date=dt.date(2027, 5, 3), actor=actor
                    ),
                )
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.actual_date)


class StatusPercentSetTests(MonitoringTestCase):
    def test_it_sets_a_status_percentage_for_the_region(self) -> None:
        row = services.status_percent_set(
            region=self.region, status="in_implementation", percent=35, actor=self.planner
        )
        self.assertEqual(
            list(StatusPercent.objects.for_region(self.region).values_list("status", "percent")),
            [("in_implementation", 35)],
        )
        self.assertEqual(audit_trail(row)[-1].action, AuditAction.STATUS_PERCENT_SET)

    def test_it_changes_the_same_row_and_records_before_and_after(self) -> None:
        first = services.status_percent_set(region=self.region, status="suspended", percent=40, actor=self.planner)
        second = services.status_percent_set(region=self.region, status="suspended", percent=25, actor=self.planner)
        self.assertEqual((first.pk, StatusPercent.objects.get(pk=first.pk).percent), (second.pk, 25))
        entry = audit_trail(second)[-1]
        self.assertEqual((entry.before, entry.after), ({"percent": 40}, {"percent": 25}))

    def test_it_records_the_default_it_replaces_on_the_first_change(self) -> None:
        row = services.status_percent_set(region=self.region, status="suspended", percent=40, actor=self.planner)
        entry = audit_trail(row)[-1]
        self.assertEqual((entry.before, entry.after), ({"percent": 50}, {"percent": 40}))

    def test_it_accepts_both_ends_of_the_range(self) -> None:
        services.status_percent_set(region=self.region, status="planned", percent=0, actor=self.planner)
        services.status_percent_set(region=self.region, status="completed", percent=100, actor=self.planner)
        self.assertEqual(
            dict(StatusPercent.objects.for_region(self.region).values_list("status", "percent")),
            {"planned": 0, "completed": 100},
        )

    def test_it_refuses_everyone_but_bappeda(self) -> None:
        for actor in (self.officer, self.operator, self.leader, self.assessor, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda actor=actor: services.status_percent_set(
                        region=self.region, status="planned", percent=5, actor=actor
                    ),
                )
        self.assertFalse(StatusPercent.objects.exists())

    def test_it_refuses_a_percentage_out_of_range_or_an_unknown_status(self) -> None:
        for status, percent in (("planned", 101), ("planned", -1), ("abandoned", 10)):
            with self.subTest(status=status, percent=percent):
                error = self.assertRefused(
                    MonitoringError,
                    PERCENT_RANGE,
                    lambda status=status, percent=percent: services.status_percent_set(
                        region=self.region, status=status, percent=percent, actor=self.planner
                    ),
                )
                self.assertEqual(error.field, "percent")
        self.assertFalse(StatusPercent.objects.exists())
