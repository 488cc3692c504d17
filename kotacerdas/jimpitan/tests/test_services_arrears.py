"""Arrears: missed nights (or an unpaid monthly tariff) become arrears once the month is over; settled by an entry."""

from __future__ import annotations

import datetime as dt
import uuid

import time_machine

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import Conflict, NotAllowed
from kotacerdas.jimpitan import selectors, services
from kotacerdas.jimpitan.models import Arrear, EntryKind, LedgerEntry, Scheme, Shift
from kotacerdas.jimpitan.services import JimpitanError
from kotacerdas.jimpitan.tests.factories import NEXT_MONTH, WATCH, JimpitanTestCase, actions_of, terms

MARCH = dt.date(2027, 3, 1)
APRIL = dt.date(2027, 4, 1)
WEEK = dt.timedelta(days=7)


class NightlyArrearsTests(JimpitanTestCase):
    def setUp(self) -> None:
        super().setUp()
        first = self.open_shift()
        self.record(first, self.house1)
        self.record(first, self.house2)
        with time_machine.travel(WATCH + WEEK, tick=False):  # the next Thursday
            self.record(self.open_shift(), self.house1)

    def assess(self, month: dt.date = MARCH) -> list[Arrear]:
        with time_machine.travel(NEXT_MONTH, tick=False):
            return services.arrears_assess(fund=self.fund, month=month, actor=self.treasurer)

    def test_it_lists_the_houses_not_collected_on_a_night(self) -> None:
        record = selectors.shift_record(shift=Shift.objects.get(fund=self.fund, night=dt.date(2027, 3, 4)))
        self.assertEqual([h.number for h in record.missed], ["10"])

    def test_it_bills_each_missed_night_at_the_nightly_amount(self) -> None:
        arrears = self.assess()
        owed = {a.household.number: (a.amount, a.missed_nights) for a in arrears}
        self.assertEqual(owed, {"2": (500, 1), "10": (1000, 2)})
        self.assertEqual(actions_of(self.fund)[-1], AuditAction.JIMPITAN_ARREARS_ASSESSED)

    def test_it_adds_nothing_twice_when_run_again(self) -> None:
        self.assess()
        self.assertEqual(self.assess(), [])
        self.assertEqual(Arrear.objects.count(), 2)

    def test_it_refuses_a_month_that_is_not_over(self) -> None:
        self.assertRefused(
            JimpitanError,
            services.MONTH_NOT_OVER,
            lambda: services.arrears_assess(fund=self.fund, month=MARCH, actor=self.treasurer),
        )

    def test_it_refuses_a_ronda_member(self) -> None:
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.arrears_assess(fund=self.fund, month=MARCH, actor=self.ronda),
        )


class MonthlyTariffArrearsTests(JimpitanTestCase):
    """RT 02 charges Rp15,000 a month; its houses were registered in March, so April is their first whole month."""

    def setUp(self) -> None:
        super().setUp()
        services.fund_update(
            fund=self.fund_rt2,
            terms=terms(name="Jimpitan RT 02", scheme=Scheme.MONTHLY, nightly_amount=0, monthly_tariff=15_000),
            actor=self.treasurer_rt2,
        )
        self.fund_rt2.refresh_from_db()
        self.paid, self.part, self.none = (self.house(n, f"Warga {n}", fund=self.fund_rt2) for n in ("A", "B", "C"))
        april_night = dt.datetime(2027, 4, 8, 15, 30, tzinfo=dt.UTC)  # 22:30 WIB, Thursday 8 April
        with time_machine.travel(april_night, tick=False):
            shift = self.open_shift(actor=self.treasurer_rt2, fund=self.fund_rt2)
            self.record(shift, self.paid, actor=self.treasurer_rt2, amount=15_000)
            self.record(shift, self.part, actor=self.treasurer_rt2, amount=5_000)
        with time_machine.travel(dt.datetime(2027, 5, 3, 8, 0, tzinfo=dt.UTC), tick=False):
            self.arrears = services.arrears_assess(fund=self.fund_rt2, month=APRIL, actor=self.treasurer_rt2)

    def settle(self, arrear: Arrear, key: uuid.UUID | None = None) -> LedgerEntry:
        return services.arrear_settle(arrear=arrear, idempotency_key=key or uuid.uuid4(), actor=self.treasurer_rt2)

    def test_it_turns_an_unpaid_month_into_an_arrear(self) -> None:
        owed = {a.household.number: (a.amount, a.paid_in_month) for a in self.arrears}
        self.assertEqual(owed, {"B": (10_000, 5_000), "C": (15_000, 0)})

    def test_it_does_not_bill_a_house_for_a_month_it_did_not_live_here_in_full(self) -> None:
        with time_machine.travel(dt.datetime(2027, 5, 3, 8, 0, tzinfo=dt.UTC), tick=False):
            self.assertEqual(services.arrears_assess(fund=self.fund_rt2, month=MARCH, actor=self.treasurer_rt2), [])

    def test_a_settlement_is_an_income_entry_linked_to_the_arrear(self) -> None:
        arrear = next(a for a in self.arrears if a.household == self.part)
        entry = self.settle(arrear)
        self.assertEqual(
            (entry.kind, entry.direction, entry.amount, entry.arrear, entry.household),
            (EntryKind.ARREAR_SETTLEMENT, "in", 10_000, arrear, self.part),
        )
        self.assertTrue(selectors.arrear_is_settled(arrear=arrear))
        self.assertEqual(actions_of(arrear), [AuditAction.JIMPITAN_ARREAR_SETTLED])

    def test_it_refuses_settling_twice_but_returns_the_original_to_a_retry(self) -> None:
        arrear, key = self.arrears[0], uuid.uuid4()
        first = self.settle(arrear, key)
        self.assertEqual(self.settle(arrear, key).pk, first.pk)
        self.assertRefused(Conflict, services.ALREADY_SETTLED, lambda: self.settle(arrear))
        self.assertEqual(LedgerEntry.objects.filter(arrear=arrear).count(), 1)

    def test_a_corrected_settlement_opens_the_arrear_again(self) -> None:
        arrear = self.arrears[0]
        entry = self.settle(arrear)
        services.entry_reverse(entry=entry, reason="Uang palsu", idempotency_key=uuid.uuid4(), actor=self.treasurer_rt2)
        self.assertFalse(selectors.arrear_is_settled(arrear=arrear))
        self.settle(arrear)
        self.assertTrue(selectors.arrear_is_settled(arrear=arrear))

    def test_it_refuses_another_rts_treasurer(self) -> None:
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.arrear_settle(arrear=self.arrears[0], idempotency_key=uuid.uuid4(), actor=self.treasurer),
        )
