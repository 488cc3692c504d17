"""The jimpitan demo: three Patangpuluhan RTs of about 60 houses, three months of nights, books that add up."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections import defaultdict
from typing import ClassVar

from django.apps import apps
from django.db.models import Count, F, Sum
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Perm
from kotacerdas.demo import jimpitan, loader
from kotacerdas.jimpitan import nights, selectors
from kotacerdas.jimpitan.models import (
    Arrear,
    Collection,
    Direction,
    EntryKind,
    Fund,
    FundMonth,
    Household,
    LedgerEntry,
    Method,
    Payment,
    Scheme,
    Shift,
    ShiftStatus,
)
from kotacerdas.regions.models import Region


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


class DemoJimpitanTests(TestCase):
    """Loads the regions, the demo accounts and the jimpitan demo once for every test here (it takes seconds).

    Receipts go to a scratch media folder.
    """

    region: ClassVar[Region]
    funds: ClassVar[dict[str, Fund]]

    @classmethod
    def setUpClass(cls) -> None:
        media = cls.enterClassContext(tempfile.TemporaryDirectory())
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        cls.region = loader.load_yogyakarta(lambda message: None)
        loader.load_musi_rawas(lambda message: None)
        loader.load_accounts(lambda message: None)
        jimpitan.load(cls.region)
        cls.funds = {f.area.name: f for f in Fund.objects.for_region(cls.region).select_related("area", "region")}

    def each_fund(self) -> list[tuple[str, Fund]]:
        return sorted(self.funds.items())

    # --- funds, households and the roster ---
    def test_it_builds_three_rts_of_rw_01_patangpuluhan_with_about_60_houses_each(self) -> None:
        self.assertEqual(sorted(self.funds), ["RT 01", "RT 02", "RT 03"])
        for name, fund in self.each_fund():
            with self.subTest(name):
                self.assertEqual((fund.area.parent.name, fund.area.parent.parent.name), ("RW 01", "Patangpuluhan"))
                living = Household.objects.filter(fund=fund, is_active=True).count()
                self.assertTrue(55 <= living <= 65, living)

    def test_each_rt_runs_its_own_scheme(self) -> None:
        rt1, rt2, rt3 = (self.funds[name] for name in ("RT 01", "RT 02", "RT 03"))
        self.assertEqual(
            (rt1.scheme, rt1.payment, rt1.nightly_amount, rt1.rw_share_percent), ("nightly", "cash", 500, 30)
        )
        self.assertEqual((rt1.watch_start, rt1.watch_end), (dt.time(22, 0), dt.time(6, 0)))
        self.assertEqual((rt2.payment, rt2.nightly_amount), (Payment.PREPAID, 1_000))
        self.assertEqual((rt3.scheme, rt3.monthly_tariff), (Scheme.MONTHLY, 15_000))

    def test_bendahara_yogyakarta_manages_rt_01_only(self) -> None:
        treasurer = User.objects.get(username="bendahara.yogyakarta")
        managed = selectors.funds_of(user=treasurer, region=self.region, perm=Perm.JIMPITAN_MANAGE)
        self.assertEqual(list(managed), [self.funds["RT 01"]])

    def test_ronda_yogyakarta_is_in_tonights_group_of_rt_01_whatever_the_night(self) -> None:
        fund, ronda = self.funds["RT 01"], User.objects.get(username="ronda.yogyakarta")
        tonight = nights.night_of(fund, timezone.now()) or nights.today(fund, timezone.now())
        group = selectors.group_on_duty(fund=fund, night=tonight)
        self.assertTrue(selectors.on_duty(user=ronda, fund=fund, group=group))
        self.assertIn(ronda.pk, [m.user_id for m in group.members.all()] if group else [])
        for day in range(7):
            night_group = selectors.group_on_duty(fund=fund, night=tonight + dt.timedelta(days=day))
            self.assertTrue(selectors.on_duty(user=ronda, fund=fund, group=night_group))

    def test_each_group_has_residents_besides_the_demo_account(self) -> None:
        for name, fund in self.each_fund():
            with self.subTest(name):
                groups = selectors.groups_of(fund=fund)
                self.assertEqual([g.position for g in groups], [1, 2, 3, 4, 5, 6, 7])
                for group in groups:
                    residents = [m.user for m in group.members.all() if m.user.username != "ronda.yogyakarta"]
                    self.assertGreaterEqual(len(residents), 2)
                    self.assertFalse(any(user.has_usable_password() for user in residents))

    def test_one_family_moved_out_and_another_moved_into_its_house(self) -> None:
        moved = Household.objects.get(fund=self.funds["RT 01"], is_active=False)
        newcomer = Household.objects.get(fund=self.funds["RT 01"], number=moved.number, is_active=True)
        self.assertEqual(newcomer.registered_on, moved.moved_out_on)
        self.assertFalse(Collection.objects.filter(household=moved, night__gte=moved.moved_out_on).exists())
        self.assertFalse(Collection.objects.filter(household=newcomer, night__lt=newcomer.registered_on).exists())

    # --- the nights ---
    def test_each_fund_has_about_90_closed_nights_up_to_last_night(self) -> None:
        for name, fund in self.each_fund():
            with self.subTest(name):
                nights_held = list(Shift.objects.filter(fund=fund).order_by("night").values_list("night", "status"))
                self.assertEqual(len(nights_held), jimpitan.HISTORY_NIGHTS)
                self.assertEqual({status for _night, status in nights_held}, {ShiftStatus.CLOSED})
                first, last = nights_held[0][0], nights_held[-1][0]
                self.assertEqual((last - first).days, jimpitan.HISTORY_NIGHTS - 1)
                self.assertLessEqual(nights.watch_window(fund, last)[1], timezone.now())
                self.assertGreater(nights.watch_window(fund, last + dt.timedelta(days=2))[1], timezone.now())

    def test_every_collection_lies_inside_its_shifts_night_and_watch_by_the_group_on_duty(self) -> None:
        for name, fund in self.each_fund():
            with self.subTest(name):
                shifts = {s.pk: s for s in Shift.objects.filter(fund=fund).prefetch_related("group__members")}
                houses = {h.pk: h for h in Household.objects.filter(fund=fund)}
                for c in Collection.objects.filter(fund=fund).iterator():
                    shift = shifts[c.shift_id]
                    self.assertEqual((c.night, c.fund_id), (shift.night, shift.fund_id))
                    self.assertEqual(nights.night_of(fund, c.collected_at), c.night)
                    self.assertLessEqual(c.collected_at, shift.closed_at)
                    self.assertTrue(houses[c.household_id].expected_on(c.night))
                    self.assertIn(c.collected_by_id, {m.user_id for m in shift.group.members.all()})

    def test_each_shift_is_closed_and_booked_as_shift_close_books_it(self) -> None:
        for name, fund in self.each_fund():
            with self.subTest(name):
                cash = dict(
                    Collection.objects.filter(fund=fund, method=Method.CASH)
                    .values_list("shift_id")
                    .annotate(total=Sum("amount"))
                )
                booked: dict[tuple[int, str], int] = {
                    (e.shift_id, e.kind): e.amount for e in LedgerEntry.objects.filter(fund=fund, shift__isnull=False)
                }
                for shift in Shift.objects.filter(fund=fund):
                    start, end = nights.watch_window(fund, shift.night)
                    self.assertTrue(start <= shift.closed_at <= end)
                    self.assertEqual(shift.recorded_total, cash.get(shift.pk, 0))
                    self.assertEqual(shift.group.position, shift.night.isoweekday())
                    self.assertEqual(booked.get((shift.pk, EntryKind.COLLECTION)), shift.recorded_total or None)
                    difference = shift.difference or 0
                    self.assertEqual(
                        booked.get((shift.pk, EntryKind.SHORTFALL)), -difference if difference < 0 else None
                    )
                    self.assertEqual(booked.get((shift.pk, EntryKind.SURPLUS)), difference if difference > 0 else None)
                    if difference:
                        self.assertTrue(shift.note)

    def test_houses_miss_nights_but_most_pay_most_nights(self) -> None:
        for name, fund in self.each_fund():
            with self.subTest(name):
                houses = list(Household.objects.filter(fund=fund))
                shifts = list(Shift.objects.filter(fund=fund))
                expected = sum(1 for s in shifts for h in houses if h.expected_on(s.night))
                paid = Collection.objects.filter(fund=fund).count()
                self.assertTrue(80 <= 100 * paid / expected <= 97, 100 * paid / expected)
                per_night = Collection.objects.filter(fund=fund).values("night").annotate(n=Count("id"))
                self.assertGreater(max(r["n"] for r in per_night) - min(r["n"] for r in per_night), 5)
                per_house = Collection.objects.filter(fund=fund).values("household").annotate(n=Count("id"))
                self.assertGreater(sum(1 for r in per_house if r["n"] < 0.8 * len(shifts)), 0)  # some miss more

    def test_some_nights_carry_a_difference_or_the_weather_in_a_note(self) -> None:
        notes = Shift.objects.filter(fund__in=self.funds.values()).exclude(note="")
        self.assertTrue(notes.filter(counted_total__lt=F("recorded_total")).exists())
        self.assertTrue(notes.filter(note__startswith="Kurang Rp").exists())
        self.assertGreater(notes.count(), 5)

    def test_the_bulk_rows_pass_the_models_own_validation(self) -> None:
        for model in (Shift, Collection, LedgerEntry, Household, Arrear):
            for row in model.objects.filter(fund__in=self.funds.values()).order_by("pk")[:25]:
                with self.subTest(model=model.__name__, pk=row.pk):
                    row.full_clean()

    # --- the cash book ---
    def test_the_balance_is_the_sum_of_the_entries_and_never_went_below_zero(self) -> None:
        for name, fund in self.each_fund():
            with self.subTest(name):
                by_day: dict[dt.date, int] = defaultdict(int)
                for entry in LedgerEntry.objects.filter(fund=fund):
                    by_day[entry.booked_on] += entry.signed_amount
                self.assertEqual(selectors.fund_balance(fund=fund), sum(by_day.values()))
                running = 0
                for day in sorted(by_day):
                    running += by_day[day]
                    self.assertGreaterEqual(running, 0, day)

    def test_prepaid_balances_were_topped_up_before_they_were_debited(self) -> None:
        fund = self.funds["RT 02"]
        events: dict[int, list[tuple[dt.date, int, int]]] = defaultdict(list)
        for entry in LedgerEntry.objects.filter(fund=fund, kind=EntryKind.TOP_UP):
            events[entry.household_id].append((entry.booked_on, 0, entry.amount))
        for c in Collection.objects.filter(fund=fund, method=Method.PREPAID):
            events[c.household_id].append((c.night, 1, -c.amount))
        for household, steps in events.items():
            running = 0
            for _day, _order, amount in sorted(steps):
                running += amount
                self.assertGreaterEqual(running, 0, household)
        self.assertTrue(Collection.objects.filter(fund=fund, method=Method.CASH).exists())  # forgot to top up

    def test_expenses_have_a_purpose_and_a_photo_of_the_receipt(self) -> None:
        for name, fund in self.each_fund():
            with self.subTest(name):
                expenses = list(LedgerEntry.objects.filter(fund=fund, kind=EntryKind.EXPENSE))
                self.assertGreaterEqual(len(expenses), 9)
                self.assertIn("Iuran sampah RW", {e.description for e in expenses})
                for expense in expenses:
                    self.assertEqual(expense.direction, Direction.OUT)
                    with expense.receipt.open("rb") as photo, Image.open(photo) as image:
                        self.assertEqual(image.format, "PNG")

    def test_arrears_are_assessed_and_some_settled_at_the_monthly_meeting(self) -> None:
        for name in ("RT 01", "RT 03"):
            with self.subTest(name):
                self.check_arrears(self.funds[name])

    def check_arrears(self, fund: Fund) -> None:
        arrears = selectors.arrears_of(fund=fund)
        self.assertTrue(any(a.is_settled for a in arrears))
        self.assertTrue(any(not a.is_settled for a in arrears))
        first = Shift.objects.filter(fund=fund).order_by("night").first()
        self.assertTrue(all(a.month >= first.night for a in arrears))  # whole months only
        for settlement in LedgerEntry.objects.filter(fund=fund, kind=EntryKind.ARREAR_SETTLEMENT).select_related(
            "arrear"
        ):
            self.assertEqual(settlement.amount, settlement.arrear.amount)
            self.assertEqual(settlement.household_id, settlement.arrear.household_id)
            self.assertEqual(settlement.booked_on.weekday(), 6)  # the Sunday meeting
            self.assertGreater(settlement.booked_on, settlement.arrear.month)

    def test_the_prepaid_rt_bills_no_arrears(self) -> None:
        self.assertFalse(Arrear.objects.filter(fund=self.funds["RT 02"]).exists())

    # --- reports and the city summary ---
    def private_names(self, fund: Fund) -> set[str]:
        heads = set(Household.objects.filter(fund=fund).values_list("head_name", flat=True))
        people = selectors.fund_people(fund=fund)
        return heads | {u.full_name for u in people.treasurers + people.members}

    def test_each_fund_shares_last_months_report_without_names(self) -> None:
        for name, fund in self.each_fund():
            with self.subTest(name):
                self.assertTrue(fund.share_token)
                last_month = nights.previous_month(nights.today(fund, timezone.now()))
                url = reverse(
                    "jimpitan:public_report", kwargs={"region_slug": self.region.slug, "share_token": fund.share_token}
                )
                response = self.client.get(url, {"month": f"{last_month:%Y-%m}"})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, fund.name)
                self.assertGreater(response.context["report"].income_total, 0)
                page = response.content.decode()
                for private in self.private_names(fund):
                    self.assertIsNone(re.search(rf"\b{re.escape(private)}\b", page), private)

    def test_the_city_summary_equals_a_recount_of_the_nights(self) -> None:
        for name, fund in self.each_fund():
            with self.subTest(name):
                recount = self.recount_tariff(fund) if fund.is_monthly else self.recount_nights(fund)
                summary = {
                    m.month: [m.nights_held, m.house_nights_expected, m.house_nights_paid, m.collected]
                    for m in FundMonth.objects.filter(fund=fund)
                }
                self.assertEqual(summary, recount)

    def recount_nights(self, fund: Fund) -> dict[dt.date, list[int]]:
        """Per month: nights held, house-nights expected, house-nights paid (a collection each), rupiah."""
        houses = list(Household.objects.filter(fund=fund))
        recount: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for shift in Shift.objects.filter(fund=fund).annotate(
            paid=Count("collections"), rupiah=Sum("collections__amount")
        ):
            row = recount[nights.month_start(shift.night)]
            row[0] += 1
            row[1] += sum(1 for h in houses if h.expected_on(shift.night))
            row[2] += shift.paid
            row[3] += shift.rupiah or 0
        return dict(recount)

    def recount_tariff(self, fund: Fund) -> dict[dt.date, list[int]]:
        """As recount_nights, but a house takes part by paying its month: a house living here the whole month
        counts all its nights as paid when its payments in the month reach the tariff, none when they do not;
        a house here for part of the month is not billed and not counted (as for arrears)."""
        recount = self.recount_nights(fund)
        houses = list(Household.objects.filter(fund=fund))
        shifts = list(Shift.objects.filter(fund=fund))
        paid: dict[tuple[int, dt.date], int] = defaultdict(int)
        for c in Collection.objects.filter(fund=fund):
            paid[(c.household_id, nights.month_start(c.night))] += c.amount
        for month, row in recount.items():
            last = nights.next_month(month) - dt.timedelta(days=1)
            billed = [h for h in houses if h.expected_on(month) and h.expected_on(last)]
            in_month = [s for s in shifts if nights.month_start(s.night) == month]
            held = {h.pk: sum(1 for s in in_month if h.expected_on(s.night)) for h in billed}
            row[1] = sum(held.values())
            row[2] = sum(n for pk, n in held.items() if paid[(pk, month)] >= fund.monthly_tariff)
        return recount

    def test_under_the_monthly_tariff_some_houses_paid_their_month_and_some_did_not(self) -> None:
        fund = self.funds["RT 03"]
        months = FundMonth.objects.filter(fund=fund, house_nights_expected__gt=0)
        self.assertTrue(any(0 < m.house_nights_paid < m.house_nights_expected for m in months))

    # --- loading again ---
    def test_loading_again_changes_nothing(self) -> None:
        before = row_counts()
        jimpitan.load(self.region)
        self.assertEqual(row_counts(), before)
