"""Closing a night: the cash counted must equal the cash recorded, and a difference is booked as such, never hidden."""

from __future__ import annotations

import io

import time_machine
from django.core.management import call_command
from django.utils.translation import gettext

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import Conflict, NotAllowed
from kotacerdas.jimpitan import selectors, services
from kotacerdas.jimpitan.models import Direction, EntryKind, LedgerEntry, Shift
from kotacerdas.jimpitan.services import JimpitanError
from kotacerdas.jimpitan.tests.factories import AFTER_MIDNIGHT, MORNING, NIGHT, JimpitanTestCase, audit_trail


class ShiftCloseTests(JimpitanTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.shift = self.open_shift()
        self.record(self.shift, self.house1)
        self.record(self.shift, self.house2, amount=1000)

    def entries(self) -> list[tuple[str, str, int]]:
        return [(e.kind, e.direction, e.amount) for e in LedgerEntry.objects.filter(shift=self.shift).order_by("id")]

    def test_it_closes_with_the_counted_cash_and_books_the_nights_income(self) -> None:
        services.shift_close(shift=self.shift, counted_total=1500, actor=self.ronda)
        shift = self.fresh(self.shift)
        self.assertEqual(
            (shift.status, shift.counted_total, shift.recorded_total, shift.difference), ("closed", 1500, 1500, 0)
        )
        self.assertEqual(shift.closed_by, self.ronda)
        self.assertEqual(self.entries(), [(EntryKind.COLLECTION, Direction.IN, 1500)])
        self.assertEqual(LedgerEntry.objects.get(shift=self.shift).booked_on, NIGHT)
        entry = audit_trail(self.shift)[-1]
        self.assertEqual(entry.action, AuditAction.JIMPITAN_SHIFT_CLOSED)
        self.assertEqual(
            (entry.before, entry.after["counted_total"], entry.after["recorded_total"]),
            ({"status": "open"}, 1500, 1500),
        )

    def test_it_books_a_shortfall_as_such(self) -> None:
        services.shift_close(shift=self.shift, counted_total=1200, note="Satu koin hilang", actor=self.ronda)
        self.assertEqual(self.fresh(self.shift).difference, -300)
        self.assertEqual(
            self.entries(), [(EntryKind.COLLECTION, Direction.IN, 1500), (EntryKind.SHORTFALL, Direction.OUT, 300)]
        )
        self.assertEqual(selectors.fund_balance(fund=self.fund), 1200)

    def test_it_books_a_surplus_as_such(self) -> None:
        services.shift_close(shift=self.shift, counted_total=2000, note="Warga menitip lebih", actor=self.ronda)
        self.assertEqual(
            self.entries(), [(EntryKind.COLLECTION, Direction.IN, 1500), (EntryKind.SURPLUS, Direction.IN, 500)]
        )
        self.assertEqual(selectors.fund_balance(fund=self.fund), 2000)

    def test_it_refuses_a_difference_without_a_reason(self) -> None:
        error = self.assertRefused(
            JimpitanError,
            services.DIFFERENCE_NEEDS_NOTE,
            lambda: services.shift_close(shift=self.shift, counted_total=1000, actor=self.ronda),
        )
        self.assertEqual(error.field, "note")
        self.assertEqual(self.fresh(self.shift).status, "open")
        self.assertFalse(LedgerEntry.objects.exists())

    def test_it_lets_the_treasurer_close_the_next_morning(self) -> None:
        with time_machine.travel(MORNING, tick=False):
            services.shift_close(shift=self.shift, counted_total=1500, actor=self.treasurer)
        self.assertEqual(self.fresh(self.shift).closed_by, self.treasurer)

    def test_it_books_nothing_for_a_night_without_cash(self) -> None:
        empty = Shift.objects.create(region=self.region, fund=self.fund_rt2, night=NIGHT, opened_by=self.treasurer_rt2)
        services.shift_close(shift=empty, counted_total=0, actor=self.treasurer_rt2)
        self.assertFalse(LedgerEntry.objects.filter(shift=empty).exists())

    def test_it_refuses_closing_twice(self) -> None:
        services.shift_close(shift=self.shift, counted_total=1500, actor=self.ronda)
        self.assertRefused(
            Conflict, None, lambda: services.shift_close(shift=self.shift, counted_total=1500, actor=self.treasurer)
        )
        self.assertEqual(len(self.entries()), 1)

    def test_it_refuses_someone_not_on_duty_and_other_rts(self) -> None:
        self.assertRefused(
            NotAllowed,
            services.NOT_ON_DUTY,
            lambda: services.shift_close(shift=self.shift, counted_total=1500, actor=self.ronda_off),
        )
        self.assertRefused(
            NotAllowed,
            None,
            lambda: services.shift_close(shift=self.shift, counted_total=1500, actor=self.treasurer_rt2),
        )

    def test_it_refuses_a_negative_count(self) -> None:
        self.assertRefused(
            JimpitanError,
            services.COUNT_RANGE,
            lambda: services.shift_close(shift=self.shift, counted_total=-1, actor=self.ronda),
        )


class ShiftLeftOpenTests(JimpitanTestCase):
    """A shift nobody closed is closed by the morning job, with a note, its records booked as they are."""

    def setUp(self) -> None:
        super().setUp()
        self.shift = self.open_shift()
        self.record(self.shift, self.house1)
        self.record(self.shift, self.house2, amount=1000)

    def test_it_lists_a_shift_only_once_its_watch_has_ended(self) -> None:
        self.assertEqual(services.shifts_left_open(now=AFTER_MIDNIGHT), [])
        self.assertEqual(services.shifts_left_open(now=MORNING), [self.shift])

    def test_it_closes_with_a_note_and_books_the_records(self) -> None:
        self.assertTrue(services.shift_close_left_open(shift=self.shift, now=MORNING))
        shift = self.fresh(self.shift)
        self.assertEqual((shift.status, shift.recorded_total, shift.counted_total), ("closed", 1500, 1500))
        self.assertEqual(shift.note, gettext(services.LEFT_OPEN_NOTE))
        self.assertIsNone(shift.closed_by)
        entry = LedgerEntry.objects.get(shift=self.shift)
        self.assertEqual((entry.kind, entry.amount, entry.created_by), (EntryKind.COLLECTION, 1500, self.ronda))
        last = audit_trail(self.shift)[-1]
        self.assertEqual((last.action, last.actor), (AuditAction.JIMPITAN_SHIFT_CLOSED_LEFT_OPEN, None))
        self.assertEqual(selectors.fund_balance(fund=self.fund), 1500)

    def test_it_leaves_a_shift_closed_meanwhile_alone(self) -> None:
        services.shift_close(shift=self.shift, counted_total=1500, actor=self.ronda)
        self.assertFalse(services.shift_close_left_open(shift=self.shift, now=MORNING))
        self.assertEqual(LedgerEntry.objects.filter(shift=self.shift).count(), 1)

    def test_it_refuses_a_night_still_on_watch(self) -> None:
        self.assertRefused(
            Conflict,
            services.SHIFT_STILL_RUNNING,
            lambda: services.shift_close_left_open(shift=self.shift, now=AFTER_MIDNIGHT),
        )
        self.assertEqual(self.fresh(self.shift).status, "open")

    def test_the_morning_command_closes_each_left_open_shift_once(self) -> None:
        out = io.StringIO()
        with time_machine.travel(MORNING, tick=False):
            call_command("close_left_open_shifts", stdout=out)
            call_command("close_left_open_shifts", stdout=out)
        self.assertEqual(out.getvalue().splitlines(), ["1 shift(s) left open closed.", "0 shift(s) left open closed."])
        self.assertEqual(LedgerEntry.objects.filter(shift=self.shift).count(), 1)
