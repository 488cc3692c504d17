"""Reads: scoping to the user's own RT, tonight's state, the monthly report and its split, the city's aggregates."""

from __future__ import annotations

import datetime as dt
import uuid

import time_machine
from django.http import Http404

from kotacerdas.jimpitan import selectors, services
from kotacerdas.jimpitan.models import EntryKind, FundMonth, Household, Scheme, Shift
from kotacerdas.jimpitan.tests.factories import DAYTIME, NIGHT, WATCH, JimpitanTestCase, terms

MARCH = dt.date(2027, 3, 1)
APRIL = dt.date(2027, 4, 1)


class ScopingTests(JimpitanTestCase):
    def test_it_shows_a_user_only_the_funds_of_the_rts_they_serve(self) -> None:
        self.assertEqual(list(selectors.funds_of(user=self.treasurer, region=self.region)), [self.fund])
        self.assertEqual(list(selectors.funds_of(user=self.ronda, region=self.region)), [self.fund])
        self.assertEqual(list(selectors.funds_of(user=self.treasurer_rt2, region=self.region)), [self.fund_rt2])
        self.assertEqual(list(selectors.funds_of(user=self.planner, region=self.region)), [])
        self.assertEqual(list(selectors.funds_of(user=self.outsider, region=self.region)), [])
        self.assertEqual(list(selectors.funds_of(user=self.ronda, region=self.region, perm=selectors.MANAGE)), [])

    def test_it_finds_nothing_of_another_rt(self) -> None:
        lookups = [
            lambda: selectors.get_fund(user=self.treasurer_rt2, region=self.region, pk=self.fund.pk),
            lambda: selectors.get_household(user=self.treasurer_rt2, region=self.region, pk=self.house1.pk),
            lambda: selectors.get_household_by_tag(
                user=self.treasurer_rt2, region=self.region, token=self.house1.tag_token
            ),
            lambda: selectors.get_group(user=self.treasurer_rt2, region=self.region, pk=self.thursday.pk),
            lambda: selectors.get_fund(user=self.outsider, region=self.other_region, pk=self.fund.pk),
        ]
        for lookup in lookups:
            with self.subTest(lookup=lookup), self.assertRaises(Http404):
                lookup()

    def test_it_finds_a_house_by_its_tag_for_the_ronda(self) -> None:
        found = selectors.get_household_by_tag(user=self.ronda, region=self.region, token=self.house1.tag_token)
        self.assertEqual(found, self.house1)


class ShiftAndHouseholdTests(JimpitanTestCase):
    def test_it_reads_the_shift_and_the_house_in_one_query(self) -> None:
        shift = self.open_shift()
        with self.assertNumQueries(1):
            found, house = selectors.get_shift_and_household(
                user=self.ronda, region=self.region, pk=shift.pk, household_pk=self.house2.pk
            )
            self.assertEqual(
                (found, house, found.group, house.fund, found.fund.area),
                (shift, self.house2, self.thursday, self.fund, self.rt),
            )
        self.assertTrue(selectors.in_group_known(shift=found, user=self.ronda))
        self.assertIsNone(selectors.in_group_known(shift=found, user=self.ronda_off))
        found, _house = selectors.get_shift_and_household(
            user=self.ronda_off, region=self.region, pk=shift.pk, household_pk=self.house2.pk
        )
        self.assertFalse(selectors.in_group_known(shift=found, user=self.ronda_off))

    def test_it_reads_whole_rows_as_the_orm_reads_them(self) -> None:
        shift = self.open_shift()
        found, house = selectors.get_shift_and_household(
            user=self.ronda, region=self.region, pk=shift.pk, household_pk=self.house1.pk
        )
        for read, stored in ((found, Shift.objects.get(pk=shift.pk)), (house, self.fresh(self.house1))):
            with self.subTest(model=type(read).__name__):
                self.assertEqual(read.get_deferred_fields(), set())
                self.assertEqual(
                    {f.attname: getattr(read, f.attname) for f in type(read)._meta.concrete_fields},
                    {f.attname: getattr(stored, f.attname) for f in type(stored)._meta.concrete_fields},
                )

    def test_it_reads_a_shift_without_a_group(self) -> None:
        with time_machine.travel(WATCH + dt.timedelta(days=1), tick=False):  # Friday: no group on duty
            shift = self.open_shift(actor=self.treasurer)
            found, _house = selectors.get_shift_and_household(
                user=self.treasurer, region=self.region, pk=shift.pk, household_pk=self.house1.pk
            )
        self.assertIsNone(found.group)
        self.assertFalse(selectors.in_group_known(shift=found, user=self.treasurer))

    def test_it_finds_no_house_of_another_fund_and_no_shift_of_another_rt(self) -> None:
        shift, neighbour = self.open_shift(), self.house("5", "Tetangga", fund=self.fund_rt2)
        lookups = [
            (self.ronda, self.region, neighbour.pk),
            (self.treasurer_rt2, self.region, neighbour.pk),
            (self.treasurer_rt2, self.region, self.house1.pk),
            (self.outsider, self.other_region, self.house1.pk),
        ]
        for user, region, house in lookups:
            with self.subTest(user=user.username, house=house), self.assertRaises(Http404):
                selectors.get_shift_and_household(user=user, region=region, pk=shift.pk, household_pk=house)


class TonightTests(JimpitanTestCase):
    def test_it_shows_tonights_group_and_every_house_with_its_state(self) -> None:
        shift = self.open_shift()
        self.record(shift, self.house2)
        state = selectors.tonight(fund=self.fund, user=self.ronda, now=WATCH)
        self.assertEqual((state.night, state.group, state.on_duty, state.shift), (NIGHT, self.thursday, True, shift))
        self.assertEqual([r.household.number for r in state.rows], ["1", "2", "10"])
        self.assertEqual([r.collection is not None for r in state.rows], [False, True, False])
        self.assertEqual(state.cash_total, 500)

    def test_it_shows_no_night_outside_the_watch_but_the_shifts_left_open(self) -> None:
        shift = self.open_shift()
        state = selectors.tonight(fund=self.fund, user=self.ronda, now=DAYTIME + dt.timedelta(days=1))
        self.assertIsNone(state.night)
        self.assertEqual(state.unclosed, [shift])

    def test_it_tells_a_member_off_duty(self) -> None:
        self.assertFalse(selectors.tonight(fund=self.fund, user=self.ronda_off, now=WATCH).on_duty)


class MonthReportTests(JimpitanTestCase):
    def setUp(self) -> None:
        super().setUp()
        shift = self.open_shift()
        self.record(shift, self.house1)
        self.record(shift, self.house2, amount=1000)
        services.shift_close(shift=shift, counted_total=1400, note="Kurang", actor=self.ronda)
        services.income_record(
            fund=self.fund, kind=EntryKind.DONATION, amount=10_000, description="Pak RW",
            idempotency_key=uuid.uuid4(), actor=self.treasurer,
        )  # fmt: skip

    def test_it_sums_income_and_expenses_per_kind_and_splits_the_income(self) -> None:
        report = selectors.month_report(fund=self.fund, month=MARCH)
        self.assertEqual(report.opening, 0)
        self.assertEqual(
            dict(report.income), {str(EntryKind.COLLECTION.label): 1500, str(EntryKind.DONATION.label): 10_000}
        )
        self.assertEqual(report.income_total, 11_500)
        self.assertEqual(report.expense_total, 100)
        self.assertEqual(report.closing, 11_400)
        self.assertEqual(report.closing, selectors.fund_balance(fund=self.fund))
        self.assertEqual((report.rt_share, report.rw_share), (8050, 3450))  # 30 % of 11,500
        self.assertEqual([s.difference for s in report.differences], [-100])

    def test_it_summarises_each_house(self) -> None:
        report = selectors.month_report(fund=self.fund, month=MARCH)
        rows = {
            h.household.number: (h.nights_expected, h.nights_paid, h.nights_missed, h.amount_paid)
            for h in report.houses
        }
        self.assertEqual(rows, {"1": (1, 1, 0, 500), "2": (1, 1, 0, 1000), "10": (1, 0, 1, 0)})

    def test_it_carries_the_balance_into_the_next_month(self) -> None:
        report = selectors.month_report(fund=self.fund, month=dt.date(2027, 4, 1))
        self.assertEqual((report.opening, report.income_total, report.closing), (11_400, 0, 11_400))

    def test_it_rounds_the_rw_share_down_to_whole_rupiah(self) -> None:
        with time_machine.travel(WATCH, tick=False):
            services.income_record(
                fund=self.fund, kind=EntryKind.DONATION, amount=1, description="", idempotency_key=uuid.uuid4(),
                actor=self.treasurer,
            )  # fmt: skip
        report = selectors.month_report(fund=self.fund, month=MARCH)
        self.assertEqual((report.income_total, report.rw_share, report.rt_share), (11_501, 3450, 8051))


class CityRollupTests(JimpitanTestCase):
    """The city counts RTs, rupiah and the share of house-nights paid per kelurahan and month; no household."""

    def close_night(self, *houses: Household) -> Shift:
        shift = self.open_shift()
        for house in houses:
            self.record(shift, house)
        services.shift_close(shift=shift, counted_total=500 * len(houses), actor=self.ronda)
        return shift

    def test_it_books_a_closed_night_into_the_funds_month(self) -> None:
        self.close_night(self.house1, self.house2)
        row = FundMonth.objects.get(fund=self.fund)
        self.assertEqual((row.month, row.kelurahan, row.region), (MARCH, self.kelurahan, self.region))
        numbers = (row.nights_held, row.house_nights_expected, row.house_nights_paid, row.collected)
        self.assertEqual(numbers, (1, 3, 2, 1000))

    def test_it_sums_per_kelurahan_and_month_from_the_summary_rows(self) -> None:
        self.close_night(self.house1, self.house2)
        rollup = selectors.city_rollup(region=self.region, latest=MARCH, months=3)
        self.assertEqual(rollup.months, [dt.date(2027, 1, 1), dt.date(2027, 2, 1), MARCH])
        [row] = rollup.kelurahan
        self.assertEqual((row.name, row.cells[-1], row.collected), (self.kelurahan.name, (1, 1000, 66.7), 1000))
        self.assertEqual(row.cells[0], (0, 0, None))
        self.assertEqual((rollup.funds_total, rollup.funds_running, rollup.collected_latest), (2, 1, 1000))
        self.assertEqual(rollup.participation_latest, 66.7)

    def test_it_reads_only_the_summary_table(self) -> None:
        self.close_night(self.house1)
        with self.assertNumQueries(2):
            selectors.city_rollup(region=self.region, latest=MARCH)

    def test_it_rebuilds_the_same_rows_after_a_bulk_load(self) -> None:
        self.close_night(self.house1, self.house2)
        before = list(FundMonth.objects.values_list("fund", "month", "house_nights_paid", "collected"))
        FundMonth.objects.all().delete()
        self.assertEqual(services.fund_months_rebuild(region=self.region), 1)
        self.assertEqual(list(FundMonth.objects.values_list("fund", "month", "house_nights_paid", "collected")), before)

    def test_it_shows_another_region_nothing(self) -> None:
        self.close_night(self.house1)
        rollup = selectors.city_rollup(region=self.other_region, latest=MARCH)
        self.assertEqual((rollup.kelurahan, rollup.funds_total, rollup.participation_latest), ([], 0, None))


class MonthlyTariffParticipationTests(JimpitanTestCase):
    """RT 02 charges Rp15,000 a month. Its houses A, B and C came in March; D moved in on 10 April.

    April has two nights with a ronda: A pays its whole month on the first, B drops Rp500 on both, C pays nothing
    and D (not billed for April: it did not live here the whole month) drops Rp500 on the second.
    """

    def setUp(self) -> None:
        super().setUp()
        services.fund_update(
            fund=self.fund_rt2,
            terms=terms(name="Jimpitan RT 02", scheme=Scheme.MONTHLY, nightly_amount=0, monthly_tariff=15_000),
            actor=self.treasurer_rt2,
        )
        self.fund_rt2.refresh_from_db()
        self.a, self.b, self.c = (self.house(n, f"Warga {n}", fund=self.fund_rt2) for n in ("A", "B", "C"))
        with time_machine.travel(dt.datetime(2027, 4, 10, 3, 0, tzinfo=dt.UTC), tick=False):
            self.d = self.house("D", "Warga D", fund=self.fund_rt2)
        self.night(dt.datetime(2027, 4, 8, 15, 30, tzinfo=dt.UTC), {self.a: 15_000, self.b: 500})
        self.night(dt.datetime(2027, 4, 15, 15, 30, tzinfo=dt.UTC), {self.b: 500, self.d: 500})

    def night(self, moment: dt.datetime, paid: dict[Household, int]) -> None:
        with time_machine.travel(moment, tick=False):
            shift = services.shift_open(fund=self.fund_rt2, actor=self.treasurer_rt2)
            for house, amount in paid.items():
                self.record(shift, house, actor=self.treasurer_rt2, amount=amount)
            total = sum(paid.values())
            services.shift_close(shift=shift, counted_total=total, actor=self.treasurer_rt2)

    def test_a_house_that_paid_its_month_takes_part_on_every_night_of_it(self) -> None:
        row = FundMonth.objects.get(fund=self.fund_rt2, month=APRIL)
        numbers = (row.nights_held, row.house_nights_expected, row.house_nights_paid, row.collected)
        self.assertEqual(numbers, (2, 6, 2, 16_500))  # A, B and C on two nights; A paid its month
        rollup = selectors.city_rollup(region=self.region, latest=APRIL, months=1)
        self.assertEqual(rollup.participation_latest, 33.3)

    def test_the_monthly_report_tells_which_houses_paid_their_month(self) -> None:
        report = selectors.month_report(fund=self.fund_rt2, month=APRIL)
        paid = {h.household.number: (h.nights_paid, h.amount_paid, h.paid_month) for h in report.houses}
        self.assertEqual(
            paid,
            {"A": (1, 15_000, True), "B": (2, 1_000, False), "C": (0, 0, False), "D": (1, 500, None)},
        )
