"""Closing a night: the cash counted must equal the cash recorded, and a difference is booked as such, never hidden."""

from __future__ import annotations

import time_machine

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import Conflict, NotAllowed
from kotacerdas.jimpitan import selectors, services
from kotacerdas.jimpitan.models import Direction, EntryKind, LedgerEntry, Shift
from kotacerdas.jimpitan.services import JimpitanError
from kotacerdas.jimpitan.tests.factories import MORNING, NIGHT, JimpitanTestCase, audit_trail


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
