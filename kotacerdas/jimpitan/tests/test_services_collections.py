"""The night: tonight's group opens the shift, records each house once, during the watch only, idempotently."""

from __future__ import annotations

import datetime as dt
import threading
import time
import unittest
import uuid
from collections.abc import Callable
from unittest import mock

import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from kotacerdas.accounts.roles import Role
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import Conflict, NotAllowed
from kotacerdas.core.testing import make_region, make_user
from kotacerdas.jimpitan import services
from kotacerdas.jimpitan.models import AppendOnlyError, Collection, Method, Payment, Shift
from kotacerdas.jimpitan.services import JimpitanError, Recorded
from kotacerdas.jimpitan.tests.factories import (
    AFTER_MIDNIGHT,
    DAYTIME,
    MORNING,
    NIGHT,
    WATCH,
    JimpitanTestCase,
    actions_of,
    terms,
)
from kotacerdas.regions import services as regions


class ShiftOpenTests(JimpitanTestCase):
    def test_it_opens_tonights_shift_for_tonights_group(self) -> None:
        shift = self.open_shift()
        self.assertEqual(
            (shift.night, shift.group, shift.opened_by, shift.status), (NIGHT, self.thursday, self.ronda, "open")
        )
        self.assertEqual(actions_of(shift), [AuditAction.JIMPITAN_SHIFT_OPENED])

    def test_it_gives_the_same_shift_when_opened_twice(self) -> None:
        first = self.open_shift()
        second = self.open_shift(actor=self.treasurer)
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Shift.objects.filter(fund=self.fund).count(), 1)
        self.assertEqual(actions_of(first), [AuditAction.JIMPITAN_SHIFT_OPENED])

    def test_it_opens_after_midnight_for_the_night_before(self) -> None:
        with time_machine.travel(AFTER_MIDNIGHT, tick=False):
            self.assertEqual(self.open_shift().night, NIGHT)

    def test_it_refuses_outside_the_watch(self) -> None:
        for moment in (DAYTIME, MORNING):
            with self.subTest(moment=moment), time_machine.travel(moment, tick=False):
                self.assertRefused(JimpitanError, services.OUTSIDE_WATCH, self.open_shift)
        self.assertFalse(Shift.objects.exists())

    def test_it_refuses_a_ronda_member_who_is_not_on_tonights_roster(self) -> None:
        self.assertRefused(NotAllowed, services.NOT_ON_DUTY, lambda: self.open_shift(actor=self.ronda_off))

    def test_it_lets_the_treasurer_open_on_any_night(self) -> None:
        self.assertEqual(self.open_shift(actor=self.treasurer).opened_by, self.treasurer)

    def test_it_lets_anyone_of_the_rt_collect_on_a_night_without_a_group(self) -> None:
        with time_machine.travel(WATCH + dt.timedelta(days=1), tick=False):  # Friday: no group
            self.assertIsNone(self.open_shift(actor=self.ronda_off).group)

    def test_it_refuses_other_rts_and_other_regions(self) -> None:
        for actor in (self.treasurer_rt2, self.outsider, self.planner):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, services.NOT_PERMITTED, lambda a=actor: self.open_shift(actor=a))


class CollectionRecordTests(JimpitanTestCase):
    def test_it_records_the_nightly_amount_in_cash(self) -> None:
        shift = self.open_shift()
        result = self.record(shift, self.house1)
        collection = result.collection
        self.assertFalse(result.repeat)
        self.assertEqual((collection.night, collection.amount, collection.method), (NIGHT, 500, Method.CASH))
        self.assertEqual((collection.collected_by, collection.collected_at), (self.ronda, WATCH))
        [entry] = AuditEntry.objects.filter(action=AuditAction.JIMPITAN_COLLECTION_RECORDED)
        self.assertEqual(entry.after, {"house": "1", "night": "2027-03-04", "method": "cash", "amount": 500})

    def test_it_records_another_cash_amount_when_given(self) -> None:
        self.assertEqual(self.record(self.open_shift(), self.house1, amount=1000).collection.amount, 1000)

    def test_it_returns_the_original_when_the_same_key_comes_again(self) -> None:
        shift, key = self.open_shift(), uuid.uuid4()
        first = self.record(shift, self.house1, key=key)
        again = self.record(shift, self.house1, key=key, amount=2000)
        self.assertTrue(again.repeat)
        self.assertEqual((again.collection.pk, again.collection.amount), (first.collection.pk, 500))
        self.assertEqual(Collection.objects.count(), 1)
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.JIMPITAN_COLLECTION_RECORDED).count(), 1)

    def test_it_returns_the_original_to_a_retry_even_after_the_shift_closed(self) -> None:
        shift, key = self.open_shift(), uuid.uuid4()
        first = self.record(shift, self.house1, key=key)
        services.shift_close(shift=shift, counted_total=500, actor=self.ronda)
        self.assertEqual(self.record(shift, self.house1, key=key).collection.pk, first.collection.pk)

    def test_it_tells_a_replayed_key_nothing_to_someone_without_the_right(self) -> None:
        shift, key = self.open_shift(), uuid.uuid4()
        self.record(shift, self.house1, key=key)
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: self.record(shift, self.house1, key=key, actor=self.treasurer_rt2),
        )

    def test_it_refuses_a_second_record_of_a_house_on_the_same_night(self) -> None:
        shift = self.open_shift()
        self.record(shift, self.house1)
        self.assertRefused(
            Conflict, services.ALREADY_COLLECTED, lambda: self.record(shift, self.house1, actor=self.treasurer)
        )
        self.assertEqual(Collection.objects.count(), 1)

    def test_it_refuses_a_key_used_for_another_house(self) -> None:
        shift, key = self.open_shift(), uuid.uuid4()
        self.record(shift, self.house1, key=key)
        self.assertRefused(Conflict, services.KEY_REUSED, lambda: self.record(shift, self.house2, key=key))

    def test_the_database_holds_one_collection_per_house_per_night(self) -> None:
        shift = self.open_shift()
        first = self.record(shift, self.house1).collection
        duplicate = Collection(
            region=self.region, fund=self.fund, shift=shift, household=self.house1, night=NIGHT, method="cash",
            amount=500, collected_by=self.ronda, collected_at=WATCH, idempotency_key=uuid.uuid4(),
        )  # fmt: skip
        with self.assertRaises(IntegrityError), transaction.atomic():
            duplicate.save()
        self.assertEqual(list(Collection.objects.all()), [first])

    def test_the_database_holds_each_key_once_per_shift(self) -> None:
        shift = self.open_shift()
        first = self.record(shift, self.house1).collection
        same_key = Collection(
            region=self.region, fund=self.fund, shift=shift, household=self.house2, night=NIGHT, method="cash",
            amount=500, collected_by=self.ronda, collected_at=WATCH, idempotency_key=first.idempotency_key,
        )  # fmt: skip
        with self.assertRaises(IntegrityError), transaction.atomic():
            same_key.save()
        self.assertEqual(list(Collection.objects.all()), [first])

    def test_it_records_after_midnight_for_the_night_before(self) -> None:
        shift = self.open_shift()
        with time_machine.travel(AFTER_MIDNIGHT, tick=False):
            self.assertEqual(self.record(shift, self.house1).collection.night, NIGHT)

    def test_it_refuses_a_record_outside_the_watch(self) -> None:
        shift = self.open_shift()
        for moment in (MORNING, DAYTIME + dt.timedelta(days=1)):
            with self.subTest(moment=moment), time_machine.travel(moment, tick=False):
                self.assertRefused(JimpitanError, services.OUTSIDE_WATCH, lambda: self.record(shift, self.house1))
        self.assertFalse(Collection.objects.exists())

    def test_it_accepts_a_record_queued_offline_during_the_watch_and_sent_in_the_morning(self) -> None:
        shift = self.open_shift()
        queued_at = AFTER_MIDNIGHT
        with time_machine.travel(MORNING, tick=False):
            collection = self.record(shift, self.house1, recorded_at=queued_at).collection
        self.assertEqual(collection.collected_at, queued_at)

    def test_it_refuses_an_offline_time_outside_the_watch(self) -> None:
        shift = self.open_shift()
        before = dt.datetime(2027, 3, 4, 14, 0, tzinfo=dt.UTC)  # 21:00 WIB
        self.assertRefused(
            JimpitanError, services.OUTSIDE_WATCH, lambda: self.record(shift, self.house1, recorded_at=before)
        )

    def test_it_never_takes_a_phone_time_later_than_the_servers(self) -> None:
        shift = self.open_shift()
        late = WATCH + dt.timedelta(hours=1)
        self.assertEqual(self.record(shift, self.house1, recorded_at=late).collection.collected_at, WATCH)

    def test_it_refuses_a_ronda_member_who_is_not_on_duty(self) -> None:
        shift = self.open_shift()
        self.assertRefused(
            NotAllowed, services.NOT_ON_DUTY, lambda: self.record(shift, self.house1, actor=self.ronda_off)
        )

    def test_it_refuses_another_rts_treasurer(self) -> None:
        shift = self.open_shift()
        self.assertRefused(
            NotAllowed, services.NOT_PERMITTED, lambda: self.record(shift, self.house1, actor=self.treasurer_rt2)
        )

    def test_it_refuses_a_house_of_another_fund(self) -> None:
        neighbour = self.house("5", "Tetangga", fund=self.fund_rt2)
        shift = self.open_shift()
        self.assertRefused(JimpitanError, services.OTHER_FUND, lambda: self.record(shift, neighbour))

    def test_it_refuses_a_house_that_moved_out(self) -> None:
        services.household_move_out(household=self.house1, moved_out_on=NIGHT, actor=self.treasurer)
        shift = self.open_shift()
        self.assertRefused(Conflict, services.HOUSEHOLD_MOVED_OUT, lambda: self.record(shift, self.fresh(self.house1)))

    def test_it_refuses_a_closed_shift(self) -> None:
        shift = self.open_shift()
        services.shift_close(shift=shift, counted_total=0, actor=self.ronda)
        self.assertRefused(Conflict, services.SHIFT_CLOSED, lambda: self.record(shift, self.house1))

    def test_it_refuses_a_shift_closed_after_the_page_read_it(self) -> None:
        shift = self.open_shift()
        read_by_the_page = Shift.objects.get(pk=shift.pk)
        services.shift_close(shift=shift, counted_total=0, actor=self.treasurer)
        self.assertTrue(read_by_the_page.is_open)
        self.assertRefused(Conflict, services.SHIFT_CLOSED, lambda: self.record(read_by_the_page, self.house1))
        self.assertFalse(Collection.objects.exists())
        self.assertEqual(self.fresh(shift).recorded_total, 0)

    def test_it_stores_the_row_as_the_orm_would_and_returns_it_saved(self) -> None:
        shift, key = self.open_shift(), uuid.uuid4()
        collection = self.record(shift, self.house1, key=key, recorded_at=WATCH - dt.timedelta(minutes=3)).collection
        stored = Collection.objects.get(idempotency_key=key)
        self.assertEqual(stored.pk, collection.pk)
        fields = ["region_id", "fund_id", "shift_id", "household_id", "night", "method", "amount", "collected_by_id"]
        self.assertEqual([getattr(stored, f) for f in fields], [getattr(collection, f) for f in fields])
        self.assertEqual(
            (stored.collected_at, stored.created_at, stored.updated_at), (WATCH - dt.timedelta(minutes=3), WATCH, WATCH)
        )
        self.assertFalse(collection._state.adding)
        with self.assertRaises(AppendOnlyError):
            collection.save()

    def test_it_writes_only_the_row_and_its_audit_entry_while_the_shift_is_open(self) -> None:
        shift = self.open_shift()
        with CaptureQueriesContext(connection) as queries:
            self.record(shift, self.house1)
        statements = [q["sql"].split()[0] for q in queries.captured_queries]
        in_transaction = statements[statements.index("SAVEPOINT") :]  # the reads (here: the group) come before
        # One statement (PostgreSQL: the shift locked FOR SHARE, both INSERTs; SQLite: into a view whose trigger
        # checks the shift and inserts both), and on SQLite the new ids read back.
        expected = ["WITH"] if connection.vendor == "postgresql" else ["INSERT", "SELECT"]
        self.assertEqual(in_transaction, ["SAVEPOINT", *expected, "RELEASE"])

    def test_it_refuses_an_amount_outside_the_range(self) -> None:
        shift = self.open_shift()
        for amount in (0, -500, 100_000_001):
            with self.subTest(amount=amount):
                error = self.assertRefused(
                    JimpitanError, services.AMOUNT_RANGE, lambda a=amount: self.record(shift, self.house1, amount=a)
                )
                self.assertEqual(error.field, "amount")

    def test_it_refuses_a_prepaid_debit_in_a_cash_fund(self) -> None:
        shift = self.open_shift()
        self.assertRefused(JimpitanError, services.CASH_ONLY, lambda: self.record(shift, self.house1, method="prepaid"))


class PrepaidCollectionTests(JimpitanTestCase):
    def setUp(self) -> None:
        super().setUp()
        services.fund_update(fund=self.fund, terms=terms(payment=Payment.PREPAID), actor=self.treasurer)
        self.fund.refresh_from_db()

    def top_up(self, amount: int) -> None:
        services.topup_record(household=self.house1, amount=amount, idempotency_key=uuid.uuid4(), actor=self.treasurer)

    def test_it_debits_the_nightly_amount_from_the_balance(self) -> None:
        self.top_up(15_000)
        collection = self.record(self.open_shift(), self.house1).collection
        self.assertEqual((collection.method, collection.amount), (Method.PREPAID, 500))
        self.assertEqual(services.selectors.prepaid_balance(household=self.house1), 14_500)

    def test_it_returns_the_original_debit_to_a_retry_once_the_balance_is_spent(self) -> None:
        self.top_up(500)
        shift, key = self.open_shift(), uuid.uuid4()
        first = self.record(shift, self.house1, key=key)
        again = self.record(shift, self.house1, key=key)
        self.assertEqual((again.repeat, again.collection.pk), (True, first.collection.pk))
        self.assertEqual(services.selectors.prepaid_balance(household=self.house1), 0)

    def test_it_tells_a_second_phone_the_house_was_collected_rather_than_short_of_balance(self) -> None:
        self.top_up(500)
        shift = self.open_shift()
        self.record(shift, self.house1)
        self.assertRefused(
            Conflict, services.ALREADY_COLLECTED, lambda: self.record(shift, self.house1, actor=self.treasurer)
        )

    def test_it_refuses_a_debit_beyond_the_balance_and_takes_cash_instead(self) -> None:
        self.top_up(300)
        shift = self.open_shift()
        self.assertRefused(JimpitanError, services.BALANCE_TOO_LOW, lambda: self.record(shift, self.house1))
        self.assertEqual(self.record(shift, self.house1, method="cash").collection.method, Method.CASH)
        self.assertEqual(services.selectors.prepaid_balance(household=self.house1), 300)


@unittest.skipUnless(connection.vendor == "postgresql", "needs concurrent writers (SQLite serialises transactions)")
@time_machine.travel(WATCH, tick=False)
class CollectionWhileClosingTests(TransactionTestCase):
    """A phone records a house while the night is being closed, on real concurrent connections."""

    serialized_rollback = True  # the flush afterwards must not take the migrations' data from later tests

    def setUp(self) -> None:
        region = make_region("kotaraya")
        area = None
        for kind, name in (
            ("kemantren", "Wirobrajan"),
            ("kelurahan", "Patangpuluhan"),
            ("rw", "RW 01"),
            ("rt", "RT 01"),
        ):
            area = regions.area_create(region=region, parent=area, kind=kind, name=name, actor=None)
        assert area is not None
        self.treasurer = make_user("treasurer", Role.RT_TREASURER, region, area=area)
        fund = services.fund_create(area=area, terms=terms(), actor=self.treasurer)
        self.house = services.household_create(fund=fund, number="1", head_name="Sutrisno", actor=self.treasurer)
        self.shift = services.shift_open(fund=fund, actor=self.treasurer)

    def read_shift(self) -> Shift:
        return Shift.objects.select_related("fund__region", "fund__area", "region").get(pk=self.shift.pk)

    def in_thread(self, call: Callable[[], object], errors: list[BaseException]) -> threading.Thread:
        def run() -> None:
            try:
                call()
            except BaseException as error:  # reported by the test
                errors.append(error)
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def record(self, shift: Shift) -> Recorded:
        return services.collection_record(
            shift=shift, household=self.house, idempotency_key=uuid.uuid4(), actor=self.treasurer
        )

    def test_a_closing_waits_for_a_collection_being_written_and_counts_it(self) -> None:
        written = threading.Event()

        def write_then_linger() -> None:
            with transaction.atomic():  # the write's lock on the shift lasts until this commits
                self.record(self.read_shift())
                written.set()
                time.sleep(0.5)  # the closing starts now: it must wait for this transaction

        errors: list[BaseException] = []
        phone = self.in_thread(write_then_linger, errors)
        self.assertTrue(written.wait(10))
        services.shift_close(shift=self.read_shift(), counted_total=500, actor=self.treasurer)
        phone.join(30)
        self.assertEqual(errors, [])
        shift = self.read_shift()
        self.assertEqual((shift.status, shift.recorded_total), ("closed", 500))
        self.assertEqual(Collection.objects.filter(shift=shift).count(), 1)

    def test_a_collection_waiting_for_a_closing_finds_the_shift_closed(self) -> None:
        counting, real_count = threading.Event(), services._cash_recorded

        def count_then_linger(shift: Shift) -> int:
            counting.set()
            time.sleep(0.5)  # the phone's write starts now: it must wait, then find the shift closed
            return real_count(shift)

        read_by_the_phone = self.read_shift()
        errors: list[BaseException] = []
        with mock.patch.object(services, "_cash_recorded", count_then_linger):
            closing = self.in_thread(
                lambda: services.shift_close(shift=self.read_shift(), counted_total=0, actor=self.treasurer), errors
            )
            self.assertTrue(counting.wait(10))
            with self.assertRaises(Conflict) as refused:
                self.record(read_by_the_phone)
            closing.join(30)
        self.assertEqual(errors, [])
        self.assertEqual(refused.exception.message, gettext(services.SHIFT_CLOSED))
        self.assertFalse(Collection.objects.exists())
