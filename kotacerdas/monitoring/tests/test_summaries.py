"""The summary tables behind the dashboards: rolled-up progress, dimension and agency rows, rebuilt on commit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import time_machine
from django.core.management import call_command
from django.db import transaction

from kotacerdas.agencies.services import CapabilityChoice, capabilities_declare
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import NotAllowed
from kotacerdas.framework import services as framework
from kotacerdas.framework.models import Element
from kotacerdas.monitoring import selectors, services, summaries
from kotacerdas.monitoring.models import (
    DEFAULT_STATUS_PERCENT,
    AgencySummary,
    DimensionSummary,
    ProgrammeProgress,
)
from kotacerdas.monitoring.summaries import rolled_up_progress
from kotacerdas.monitoring.tests.factories import AFTER_S1, MonitoringTestCase, committed
from kotacerdas.planning import services as planning
from kotacerdas.planning.models import Programme
from kotacerdas.regions.models import Region

DEFAULT = {status: Decimal(percent) for status, percent in DEFAULT_STATUS_PERCENT.items()}


def row(
    pk: int, *, parent: int | None = None, status: str = "in_implementation", weight: int | None = None
) -> summaries._Row:
    return summaries._Row(
        pk=pk,
        parent_id=parent,
        status=status,
        dimension_id=1,
        masterplan_id=None,
        is_published=True,
        lead_agency_id=1,
        weight=weight,
        created=dt.date(2027, 1, 1),
    )


def rows(*items: summaries._Row) -> dict[int, summaries._Row]:
    return {item.pk: item for item in items}


def d(value: str | int) -> Decimal:
    return Decimal(value)


class RolledUpProgressTests(MonitoringTestCase):
    def test_it_takes_a_leafs_progress_from_its_approved_report(self) -> None:
        self.assertEqual(rolled_up_progress(rows(row(1)), {1: d(80)}, DEFAULT), {1: d(80)})

    def test_it_falls_back_to_the_status_default_without_a_report(self) -> None:
        leaves = rows(
            row(1, status="planned"),
            row(2, status="in_implementation"),
            row(3, status="completed"),
            row(4, status="suspended"),
            row(5, status="cancelled"),
        )
        self.assertEqual(rolled_up_progress(leaves, {}, DEFAULT), {1: d(0), 2: d(50), 3: d(100), 4: d(50), 5: d(0)})

    def test_it_uses_the_regions_catalogue_for_the_default(self) -> None:
        catalogue = {**DEFAULT, "in_implementation": d(35)}
        self.assertEqual(rolled_up_progress(rows(row(1)), {}, catalogue), {1: d(35)})

    def test_it_weighs_the_children_when_every_child_has_a_weight(self) -> None:
        tree = rows(row(1), row(2, parent=1, weight=3), row(3, parent=1, weight=1))
        progress = rolled_up_progress(tree, {2: d(100), 3: d(0)}, DEFAULT)
        self.assertEqual(progress[1], d("75.00"))

    def test_it_averages_plainly_when_a_child_has_no_weight(self) -> None:
        tree = rows(row(1), row(2, parent=1, weight=3), row(3, parent=1))
        progress = rolled_up_progress(tree, {2: d(100), 3: d(0)}, DEFAULT)
        self.assertEqual(progress[1], d("50.00"))

    def test_it_ignores_cancelled_children(self) -> None:
        tree = rows(row(1), row(2, parent=1, weight=1), row(3, parent=1, weight=9, status="cancelled"))
        progress = rolled_up_progress(tree, {2: d(60), 3: d(0)}, DEFAULT)
        self.assertEqual(progress[1], d("60.00"))

    def test_it_keeps_a_parents_own_value_when_every_child_is_cancelled(self) -> None:
        tree = rows(row(1), row(2, parent=1, status="cancelled"))
        self.assertEqual(rolled_up_progress(tree, {1: d(30)}, DEFAULT)[1], d(30))
        self.assertEqual(rolled_up_progress(tree, {}, DEFAULT)[1], d(50))

    def test_it_ignores_a_parents_own_report_while_it_has_children(self) -> None:
        tree = rows(row(1), row(2, parent=1))
        self.assertEqual(rolled_up_progress(tree, {1: d(90), 2: d(20)}, DEFAULT)[1], d("20.00"))

    def test_it_rolls_up_through_every_level_in_any_order(self) -> None:
        # Activities listed before their sub-programme, the sub-programme before the programme.
        tree = rows(
            row(4, parent=2, weight=1),
            row(5, parent=2, weight=1),
            row(2, parent=1, weight=2),
            row(3, parent=1, weight=1, status="completed"),
            row(1),
        )
        progress = rolled_up_progress(tree, {4: d(100), 5: d(40)}, DEFAULT)
        self.assertEqual(progress[2], d("70.00"))
        # (70 × 2 + 100 × 1) / 3 = 80
        self.assertEqual(progress[1], d("80.00"))

    def test_it_rounds_half_up_to_two_decimals(self) -> None:
        tree = rows(row(1), row(2, parent=1), row(3, parent=1), row(4, parent=1))
        self.assertEqual(rolled_up_progress(tree, {2: d(100), 3: d(0), 4: d(0)}, DEFAULT)[1], d("33.33"))
        self.assertEqual(rolled_up_progress(tree, {2: d(100), 3: d(100), 4: d(0)}, DEFAULT)[1], d("66.67"))
        # 0.005 lies exactly halfway: half-up gives 0.01 where banker's rounding would give 0.00.
        tree = rows(row(1), row(2, parent=1, weight=1), row(3, parent=1, weight=1999))
        self.assertEqual(rolled_up_progress(tree, {2: d(10), 3: d(0)}, DEFAULT)[1], d("0.01"))


def progress_of(programme: Programme) -> Decimal:
    return ProgrammeProgress.objects.get(programme=programme).percent


class ProgrammeProgressTests(MonitoringTestCase):
    def test_it_starts_a_running_programme_at_its_status_default(self) -> None:
        self.assertEqual(progress_of(self.river), d(50))

    def test_it_moves_to_the_approved_reports_percentage_after_commit(self) -> None:
        with self.captureOnCommitCallbacks() as callbacks:
            self.report(status="approved")
            self.assertEqual(progress_of(self.river), d(50))  # not before the transaction commits
        self.assertEqual(progress_of(self.river), d(50))
        for callback in callbacks:
            callback()
        self.assertEqual(progress_of(self.river), d(40))

    def test_it_ignores_reports_that_are_not_approved(self) -> None:
        with committed():
            self.report(status="submitted")
        self.assertEqual(progress_of(self.river), d(50))

    def test_it_follows_the_latest_approved_period(self) -> None:
        with committed():
            self.report(status="approved", progress_percent=40)
            self.report(period=self.s2, status="approved", progress_percent=70)
        self.assertEqual(progress_of(self.river), d(70))

    def test_it_falls_back_to_the_status_when_the_report_gives_no_percentage(self) -> None:
        with committed():
            self.report(status="approved", progress_percent=None)
        self.assertEqual(progress_of(self.river), d(50))

    def test_it_follows_the_regions_status_catalogue(self) -> None:
        with committed():
            services.status_percent_set(region=self.region, status="in_implementation", percent=35, actor=self.planner)
        self.assertEqual(progress_of(self.river), d(35))

    def test_it_rolls_up_from_weighted_children_and_drops_cancelled_ones(self) -> None:
        with committed():
            done = self.child(self.river, title="Pembebasan lahan", weight=3, status="completed")
            running = self.child(self.river, title="Jalan inspeksi", weight=1)
        self.assertEqual((progress_of(done), progress_of(running)), (d(100), d(50)))
        self.assertEqual(progress_of(self.river), d("87.50"))  # (100 × 3 + 50 × 1) / 4
        with committed():
            planning.programme_transition(programme=running, action="cancel", actor=self.planner, note="Dibatalkan.")
        self.assertEqual(progress_of(self.river), d("100.00"))

    def test_it_averages_children_plainly_when_a_weight_is_missing(self) -> None:
        with committed():
            self.child(self.river, title="Pembebasan lahan", weight=3, status="completed")
            self.child(self.river, title="Jalan inspeksi", status="planned")
        self.assertEqual(progress_of(self.river), d("50.00"))  # (100 + 0) / 2


class DimensionSummaryTests(MonitoringTestCase):
    def cells(self) -> dict[tuple[str, str], tuple[int, int, int, Decimal]]:
        return {
            (c.dimension.code, c.status): (c.programmes, c.in_masterplan, c.published, c.progress_sum)
            for c in DimensionSummary.objects.for_region(self.region).select_related("dimension")
        }

    def test_it_counts_top_level_programmes_per_dimension_and_status(self) -> None:
        with committed():
            plan = self.masterplan()
            self.make_programme(title="Taman kota", masterplan=plan)
            self.make_programme(title="Pasar sehat", status="planned", published=False)
            self.make_programme(title="Rusunawa", status="completed", masterplan=plan)
            self.make_programme(title="Sungai bersih", status="cancelled", masterplan=plan, published=False)
            self.make_programme(
                title="Mal pelayanan publik", dimension="governance", status="suspended", masterplan=plan
            )
            self.child(self.river, title="Jalan inspeksi")
        self.assertEqual(
            self.cells(),
            {
                ("living", "in_implementation"): (2, 1, 2, d(100)),
                ("living", "planned"): (1, 0, 0, d(0)),
                ("living", "completed"): (1, 1, 1, d(100)),
                ("living", "cancelled"): (1, 1, 0, d(0)),
                ("governance", "suspended"): (1, 1, 1, d(50)),
            },
        )

    def test_it_moves_a_programme_between_cells_when_its_status_changes(self) -> None:
        with committed():
            planning.programme_transition(programme=self.river, action="complete", actor=self.operator)
        self.assertEqual(self.cells(), {("living", "completed"): (1, 0, 1, d(100))})

    def test_it_leaves_other_regions_alone(self) -> None:
        before = list(DimensionSummary.objects.for_region(self.region).values_list("pk", "programmes"))
        with committed():
            services.period_create(
                region=self.other_region,
                label="2027",
                starts_on=dt.date(2027, 1, 1),
                ends_on=dt.date(2027, 12, 31),
                actor=self.outsider,
            )
        self.assertEqual(list(DimensionSummary.objects.for_region(self.region).values_list("pk", "programmes")), before)
        self.assertFalse(DimensionSummary.objects.for_region(self.other_region).exists())


class AgencySummaryTests(MonitoringTestCase):
    def summary(self) -> dict[str, tuple[int, int, int]]:
        return {
            s.agency.slug: (s.programmes_led, s.overdue_milestones, s.unreported_periods)
            for s in AgencySummary.objects.for_region(self.region).select_related("agency")
        }

    def milestone(self, programme: Programme, planned: dt.date, reached: dt.date | None = None) -> None:
        milestone = services.milestone_create(
            programme=programme, title="Tahap", planned_date=planned, actor=self.planner
        )
        if reached is not None:
            services.milestone_reach(milestone=milestone, actual_date=reached, actor=self.planner)

    def test_it_counts_the_programmes_each_agency_leads(self) -> None:
        with committed():
            self.make_programme(title="Puskesmas keliling", lead=self.health)
            self.make_programme(title="Posyandu digital", lead=self.health, status="planned")
        self.assertEqual(self.summary(), {"dpupkp": (1, 0, 0), "dinkes": (2, 0, 0)})

    def test_it_counts_milestones_past_their_planned_date_and_not_reached(self) -> None:
        # Today is 1 February 2027.
        with committed():
            clinic = self.make_programme(title="Puskesmas keliling", lead=self.health)
            dropped = self.make_programme(title="Jembatan lama", status="cancelled")
            self.milestone(self.river, dt.date(2027, 1, 15))  # overdue
            self.milestone(self.river, dt.date(2027, 1, 31))  # overdue by a day
            self.milestone(self.river, dt.date(2027, 2, 1))  # due today: not yet overdue
            self.milestone(self.river, dt.date(2027, 3, 1))  # in the future
            self.milestone(self.river, dt.date(2027, 1, 10), reached=dt.date(2027, 1, 20))  # reached late, but reached
            self.milestone(clinic, dt.date(2026, 12, 1))  # overdue, another agency
            self.milestone(dropped, dt.date(2026, 12, 1))  # a cancelled programme's milestones do not count
        self.assertEqual(self.summary(), {"dpupkp": (2, 2, 0), "dinkes": (1, 1, 0)})

    def test_it_drops_a_milestone_once_reached(self) -> None:
        with committed():
            milestone = services.milestone_create(
                programme=self.river, title="Tahap", planned_date=dt.date(2027, 1, 15), actor=self.planner
            )
        self.assertEqual(self.summary()["dpupkp"], (1, 1, 0))
        with committed():
            services.milestone_reach(milestone=milestone, actual_date=dt.date(2027, 1, 30), actor=self.operator)
        self.assertEqual(self.summary()["dpupkp"], (1, 0, 0))

    def test_it_ignores_periods_that_ended_before_the_programme_existed(self) -> None:
        # "2026" has ended, but the river programme was decided on 1 February 2027.
        self.assertEqual(self.summary(), {"dpupkp": (1, 0, 0)})

    def test_it_counts_a_milestone_as_overdue_after_the_daily_refresh(self) -> None:
        # Nothing is written when a planned date passes: the daily `refresh_summaries` job picks it up.
        with committed():
            self.milestone(self.river, dt.date(2027, 3, 1))
        self.assertEqual(self.summary()["dpupkp"], (1, 0, 0))
        with time_machine.travel(dt.datetime(2027, 4, 1, 3, 0, tzinfo=dt.UTC), tick=False):
            call_command("refresh_summaries", verbosity=0, stdout=StringIO())
            self.assertEqual(self.summary()["dpupkp"], (1, 1, 0))

    @time_machine.travel(AFTER_S1, tick=False)
    def test_it_counts_ended_periods_without_a_submitted_report(self) -> None:
        with committed():
            self.make_programme(title="Pasar sehat", status="planned")  # not running: owes no report
            self.make_programme(title="Puskesmas keliling", lead=self.health)  # decided after "2027 S1" ended
        self.assertEqual(self.summary(), {"dpupkp": (2, 0, 1), "dinkes": (1, 0, 0)})

    @time_machine.travel(AFTER_S1, tick=False)
    def test_it_counts_a_draft_or_returned_report_as_unreported(self) -> None:
        with committed():
            report = self.report()
        self.assertEqual(self.summary()["dpupkp"], (1, 0, 1))
        with committed():
            services.report_submit(report=report, actor=self.operator)
        self.assertEqual(self.summary()["dpupkp"], (1, 0, 0))
        with committed():
            services.report_return(report=report, reason="Lengkapi data.", actor=self.planner)
        self.assertEqual(self.summary()["dpupkp"], (1, 0, 1))
        with committed():
            services.report_submit(report=report, actor=self.operator)
            services.report_approve(report=report, actor=self.planner)
        self.assertEqual(self.summary()["dpupkp"], (1, 0, 0))


class RegionSummaryTests(MonitoringTestCase):
    """The region's one row: the dashboard's numbers and the stamp its cached board is kept under."""

    def stamp(self, region: Region | None = None) -> object:
        return selectors.board_stamp(region=region or self.region)

    def test_it_holds_the_numbers_of_the_dimension_and_agency_rows(self) -> None:
        with committed():
            plan = self.masterplan()
            self.make_programme(title="Taman kota", status="completed", masterplan=plan)
            self.make_programme(title="Pasar sehat", status="cancelled", masterplan=plan, lead=self.health)
        numbers = selectors.board_numbers(region=self.region)
        living = numbers.dimensions[self.living.pk]
        self.assertEqual(living.by_status, {"in_implementation": 1, "completed": 1, "cancelled": 1})
        self.assertEqual((living.total, living.progress_sum, living.progress), (2, Decimal(150), Decimal(75)))
        self.assertEqual((living.masterplan_running, living.masterplan_total), (1, 1))  # the cancelled one is out
        rows = {r.dimension.pk: r for r in selectors.dimension_rows(region=self.region)}
        self.assertEqual((rows[self.living.pk].counts, rows[self.living.pk].progress), (living.counts, living.progress))
        agencies = AgencySummary.objects.for_region(self.region)
        self.assertEqual(
            numbers.agencies,
            {a.agency_id: (a.programmes_led, a.overdue_milestones, a.unreported_periods) for a in agencies},
        )

    def test_it_gives_a_new_stamp_at_every_rebuild(self) -> None:
        before = self.stamp()
        summaries.refresh_region(self.region)
        self.assertNotIn(self.stamp(), (None, before))

    def test_it_gives_a_new_stamp_after_a_capability_is_declared_in_the_region_only(self) -> None:
        summaries.refresh_region(self.other_region)
        ours, theirs = self.stamp(), self.stamp(self.other_region)
        element = Element.objects.filter(region=None).first()
        assert element is not None
        with committed():
            capabilities_declare(agency=self.health, choices=[CapabilityChoice(element=element)], actor=self.planner)
        self.assertNotEqual(self.stamp(), ours)
        self.assertEqual(self.stamp(self.other_region), theirs)

    def test_it_gives_every_region_a_new_stamp_after_a_national_label_changes(self) -> None:
        summaries.refresh_region(self.other_region)
        ours, theirs = self.stamp(), self.stamp(self.other_region)
        with committed():
            framework.dimension_update(dimension=self.living, actor=None, name_en="Smart Living (new)")
        self.assertNotEqual(self.stamp(), ours)
        self.assertNotEqual(self.stamp(self.other_region), theirs)

    def test_it_restamps_when_the_jimpitan_roll_up_moves_but_not_at_every_collection(self) -> None:
        def restamps(action: AuditAction) -> bool:
            return any(action.startswith(prefix) for prefix in summaries.RESTAMPED_BY)

        for action in (AuditAction.JIMPITAN_SHIFT_CLOSED, AuditAction.JIMPITAN_SHIFT_CLOSED_LEFT_OPEN):
            self.assertTrue(restamps(action), action)  # the shift's close recounts its FundMonth row
        self.assertTrue(restamps(AuditAction.JIMPITAN_FUND_CREATED))  # the number of active funds
        self.assertFalse(restamps(AuditAction.JIMPITAN_COLLECTION_RECORDED))

    def test_it_queues_one_restamp_per_region_per_transaction(self) -> None:
        elements = list(Element.objects.filter(region=None)[:3])
        with self.captureOnCommitCallbacks() as callbacks:
            capabilities_declare(
                agency=self.health, choices=[CapabilityChoice(element=e) for e in elements], actor=self.planner
            )
        restamps = [c for c in callbacks if isinstance(c, summaries._Restamp)]
        self.assertEqual([c.restamps_region_id for c in restamps], [self.region.pk])


class RebuildScheduleTests(MonitoringTestCase):
    def rebuilds(self, callbacks: list[object]) -> list[int]:
        return [c.region_id for c in callbacks if isinstance(c, summaries._Rebuild)]

    def test_it_queues_one_rebuild_per_region_per_transaction(self) -> None:
        with self.captureOnCommitCallbacks() as callbacks, transaction.atomic():
            report = self.report()
            services.report_submit(report=report, actor=self.operator)
            services.milestone_create(
                programme=self.river, title="Tahap", planned_date=dt.date(2027, 3, 1), actor=self.planner
            )
            services.period_create(
                region=self.other_region,
                label="2027",
                starts_on=dt.date(2027, 1, 1),
                ends_on=dt.date(2027, 12, 31),
                actor=self.outsider,
            )
        self.assertEqual(self.rebuilds(callbacks), [self.region.pk, self.other_region.pk])

    def test_it_queues_nothing_for_a_refused_write(self) -> None:
        with self.captureOnCommitCallbacks() as callbacks, self.assertRaises(NotAllowed):
            services.milestone_create(
                programme=self.river, title="Tahap", planned_date=dt.date(2027, 3, 1), actor=self.outsider
            )
        self.assertEqual(self.rebuilds(callbacks), [])

    def test_it_queues_nothing_for_writes_that_do_not_move_the_summaries(self) -> None:
        with self.captureOnCommitCallbacks() as callbacks:
            planning.masterplan_save(
                region=self.region, actor=self.planner, title="Draf", version="0", period_start=2025, period_end=2029
            )
        self.assertEqual(self.rebuilds(callbacks), [])
