"""Reads of the jimpitan room, scoped to the region AND to the RTs/RWs the asking user serves."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.crypto import constant_time_compare, salted_hmac

from kotacerdas.accounts.models import Membership
from kotacerdas.accounts.roles import Perm, Role
from kotacerdas.accounts.selectors import areas_user_serves, has_perm
from kotacerdas.core.charts import BarChart, stacked_bars
from kotacerdas.jimpitan import nights, rows
from kotacerdas.jimpitan.models import (
    EXPENSE_KINDS,
    INCOME_KINDS,
    Arrear,
    Collection,
    Direction,
    EntryKind,
    Fund,
    FundMonth,
    Household,
    LedgerEntry,
    Method,
    RondaGroup,
    RondaGroupMember,
    Shift,
    ShiftStatus,
)
from kotacerdas.regions.models import Area, Region

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

COLLECT = Perm.JIMPITAN_COLLECT
MANAGE = Perm.JIMPITAN_MANAGE
RECENT_SHIFTS = 14
_IN_GROUP_OF = "_jimpitan_in_group_of"  # {user id: in the shift's group}, read with the shift
_DIGITS = re.compile(r"(\d+)")


def natural_key(number: str) -> tuple[Any, ...]:
    """House numbers in the order people expect: 2 before 10, 10A after 10."""
    return tuple(int(part) if part.isdigit() else part.lower() for part in _DIGITS.split(number))


def _sum(condition: Q) -> Any:
    return Coalesce(Sum("amount", filter=condition), Value(0), output_field=IntegerField())


# --- who may see which fund ---------------------------------------------------------------------


def areas_with_perm(user: Any, region: Region, perm: Perm) -> list[Area]:
    """The RTs/RWs of the region for which the user holds `perm` (a treasurer's or ronda member's own)."""
    return [area for area in areas_user_serves(user, region) if has_perm(user, perm, region, area=area)]


def serves(user: Any, region: Region, perm: Perm) -> bool:
    return bool(areas_with_perm(user, region, perm))


def funds_of(*, user: Any, region: Region, perm: Perm = COLLECT) -> QuerySet[Fund]:
    """The funds of the RTs/RWs the user serves with this permission; nothing of any other RT or region."""
    return Fund.objects.for_region(region).in_areas(areas_with_perm(user, region, perm)).select_related("area")


def _owned(obj: Any, region: Region) -> Any:
    """A found object, with the region the tenancy layer loaded already (saves a query per permission check)."""
    if obj is None:
        raise Http404
    obj.region = region
    if hasattr(obj, "fund"):
        obj.fund.region = region
    return obj


def get_fund(*, user: Any, region: Region, pk: int, perm: Perm = COLLECT) -> Fund:
    return _owned(funds_of(user=user, region=region, perm=perm).filter(pk=pk).first(), region)


def get_household(*, user: Any, region: Region, pk: int, perm: Perm = MANAGE) -> Household:
    found = Household.objects.for_region(region).filter(pk=pk, fund__in=funds_of(user=user, region=region, perm=perm))
    return _owned(found.select_related("fund", "fund__area").first(), region)


def get_household_by_tag(*, user: Any, region: Region, token: str) -> Household:
    found = Household.objects.for_region(region).filter(tag_token=token, fund__in=funds_of(user=user, region=region))
    return _owned(found.select_related("fund", "fund__area").first(), region)


def get_shift(*, user: Any, region: Region, pk: int) -> Shift:
    found = Shift.objects.for_region(region).filter(pk=pk, fund__in=funds_of(user=user, region=region))
    return _owned(found.select_related("fund", "fund__area", "group").first(), region)


def get_shift_and_household(
    *, user: Any, region: Region, pk: int, household_pk: int, session: SessionBase | None = None
) -> tuple[Shift, Household]:
    """A shift and one house of its fund, for recording that house, in one query (404 if either is not the user's).

    The shift comes with its fund, RT (the user's own Area object) and group, and with whether `user` is in that
    group, so that the duty check of `collection_record` needs no query of its own (`in_group_known`). The read is
    one plain SQL statement (rows.py), or none when `session` read it along its own for this user; the region and
    the RT are checked here, against the RTs the user collects for.
    """
    found = _shift_and_household(user, region, pk, household_pk, session)
    areas = {area.pk: area for area in areas_with_perm(user, region, COLLECT)}
    if (
        found is None
        or found.shift.region_id != region.pk
        or found.household.fund_id != found.shift.fund_id
        or found.fund.area_id not in areas
    ):
        raise Http404
    shift, fund, household = found.shift, found.fund, found.household
    shift.region = fund.region = household.region = region
    fund.area = areas[fund.area_id]
    shift.fund = household.fund = fund
    shift.group = found.group
    setattr(shift, _IN_GROUP_OF, {user.pk: found.in_group})
    return shift, household


def _shift_and_household(
    user: Any, region: Region, pk: int, household_pk: int, session: SessionBase | None
) -> rows.ShiftAndHousehold | None:
    """What the session read along its statement for this user, shift and house (`rows.along_session`), else a read."""
    along, values = getattr(session, "along", None), getattr(session, "along_values", None)
    member = getattr(session, "member", None)
    read_for_user = member is not None and member[0].pk == user.pk
    if values is not None and read_for_user and rows.is_along_session(along, shift_id=pk, household_id=household_pk):
        return rows.shift_and_household_along(values)
    return rows.shift_and_household(region_id=region.pk, shift_id=pk, household_id=household_pk, user_id=user.pk)


def in_group_known(*, shift: Shift, user: Any) -> bool | None:
    """Whether `user` is in the shift's group, when get_shift_and_household read it for them; else None."""
    known: dict[int, bool] = getattr(shift, _IN_GROUP_OF, {})
    return known.get(user.pk)


def get_entry(*, user: Any, region: Region, pk: int) -> LedgerEntry:
    found = LedgerEntry.objects.for_region(region).filter(
        pk=pk, fund__in=funds_of(user=user, region=region, perm=MANAGE)
    )
    return _owned(found.select_related("fund", "fund__area", "reversed_by").first(), region)


def get_arrear(*, user: Any, region: Region, pk: int) -> Arrear:
    found = Arrear.objects.for_region(region).filter(pk=pk, fund__in=funds_of(user=user, region=region, perm=MANAGE))
    return _owned(found.select_related("fund", "fund__area", "household").first(), region)


def get_group(*, user: Any, region: Region, pk: int) -> RondaGroup:
    found = RondaGroup.objects.for_region(region).filter(
        pk=pk, fund__in=funds_of(user=user, region=region, perm=MANAGE)
    )
    return _owned(found.select_related("fund", "fund__area").first(), region)


def get_group_member(*, user: Any, region: Region, pk: int) -> RondaGroupMember:
    found = RondaGroupMember.objects.for_region(region).filter(
        pk=pk, group__fund__in=funds_of(user=user, region=region, perm=MANAGE)
    )
    member = found.select_related("group", "group__fund", "group__fund__area", "user").first()
    if member is None:
        raise Http404
    _owned(member.group, region)
    member.region = region
    return member


def fund_by_share_token(*, region: Region, token: str) -> Fund:
    """The fund whose treasurer shared its report under this token (public pages)."""
    return _owned(Fund.objects.for_region(region).filter(share_token=token).select_related("area").first(), region)


RECORD_SALT = "kotacerdas.jimpitan.household-record"


def record_token(household: Household) -> str:
    """The secret of a household's own record link: derived from its door tag, so a new tag revokes it."""
    return salted_hmac(RECORD_SALT, f"{household.pk}:{household.tag_token}").hexdigest()[:32]


def household_by_record_token(*, region: Region, pk: int, token: str) -> Household:
    """The household whose record link this is (public page: a wrong token is a 404, like an unknown house)."""
    household = Household.objects.for_region(region).filter(pk=pk).select_related("fund__area").first()
    if household is None or not constant_time_compare(record_token(household), token):
        raise Http404
    return household


@dataclass(frozen=True)
class HouseholdRecord:
    """What a household may see of itself, and its treasurer of it: nights paid, balance, arrears."""

    household: Household
    balance: int | None
    collections: list[Collection]
    arrears: list[Arrear]


def household_record(*, household: Household) -> HouseholdRecord:
    fund = household.fund
    return HouseholdRecord(
        household=household,
        balance=prepaid_balance(household=household) if fund.is_prepaid else None,
        collections=list(household.collections.select_related("collected_by").order_by("-night")[:31]),
        arrears=[a for a in arrears_of(fund=fund) if a.household_id == household.pk],
    )


# --- people and the roster ----------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    treasurers: list[Any]
    members: list[Any]


def fund_people(*, fund: Fund) -> People:
    """The fund's treasurers and ronda members: memberships naming the fund's RT/RW."""
    rows = Membership.objects.active().filter(region=fund.region, area=fund.area).select_related("user")
    treasurers = [m.user for m in rows if m.role == Role.RT_TREASURER]
    members = [m.user for m in rows if m.role == Role.RONDA_MEMBER]
    return People(treasurers=treasurers, members=members)


def groups_of(*, fund: Fund) -> list[RondaGroup]:
    members = Prefetch("members", queryset=RondaGroupMember.objects.select_related("user").order_by("id"))
    groups = list(RondaGroup.objects.filter(fund=fund).prefetch_related(members).order_by("position"))
    for group in groups:
        group.fund = fund
    return groups


def group_on_duty(*, fund: Fund, night: dt.date) -> RondaGroup | None:
    return nights.group_on_duty(fund, list(RondaGroup.objects.filter(fund=fund)), night)


def on_duty(*, user: Any, fund: Fund, group: RondaGroup | None, in_group: bool | None = None) -> bool:
    """Treasurers always; otherwise the members of the night's group (anyone of the RT when no group is on duty).

    `in_group`: whether the user is in the group, when the caller read it already (else the members are read).
    """
    if has_perm(user, MANAGE, fund.region, area=fund.area):
        return True
    if not has_perm(user, COLLECT, fund.region, area=fund.area):
        return False
    if group is None:
        return True
    return in_group if in_group is not None else any(m.user_id == user.pk for m in group.members.all())


# --- balances -----------------------------------------------------------------------------------


def balance_of(entries: QuerySet[LedgerEntry]) -> int:
    """Money in minus money out: the balance is always this sum, never a stored number."""
    totals = entries.aggregate(money_in=_sum(Q(direction=Direction.IN)), money_out=_sum(Q(direction=Direction.OUT)))
    return int(totals["money_in"]) - int(totals["money_out"])


def fund_balance(*, fund: Fund) -> int:
    return balance_of(LedgerEntry.objects.filter(fund=fund))


def prepaid_balances(*, fund: Fund, households: list[Household] | None = None) -> dict[int, int]:
    """Per household: top-ups (net of corrections) minus the nights debited from the balance."""
    entries = LedgerEntry.objects.filter(fund=fund, kind=EntryKind.TOP_UP, household__isnull=False)
    debits = Collection.objects.filter(fund=fund, method=Method.PREPAID)
    if households is not None:
        entries, debits = entries.filter(household__in=households), debits.filter(household__in=households)
    balances: dict[int, int] = defaultdict(int)
    for row in entries.values("household_id", "direction").annotate(total=Sum("amount")):
        balances[row["household_id"]] += row["total"] if row["direction"] == Direction.IN else -row["total"]
    for row in debits.values("household_id").annotate(total=Sum("amount")):
        balances[row["household_id"]] -= row["total"]
    return balances


def prepaid_balance(*, household: Household) -> int:
    return prepaid_balances(fund=household.fund, households=[household]).get(household.pk, 0)


# --- tonight ------------------------------------------------------------------------------------


@dataclass
class HouseRow:
    household: Household
    collection: Collection | None = None
    balance: int | None = None  # prepaid funds
    month_paid: int | None = None  # monthly tariff
    key: uuid.UUID = field(default_factory=uuid.uuid4)  # the idempotency key of this row's record form

    @property
    def suggested_amount(self) -> int:
        fund = self.household.fund
        if fund.is_monthly:
            return max(fund.monthly_tariff - (self.month_paid or 0), 1)
        return fund.nightly_amount


@dataclass
class Tonight:
    """What the collection page shows: the night, who is on duty, the shift and each house's state."""

    fund: Fund
    night: dt.date | None
    window: tuple[dt.datetime, dt.datetime] | None
    group: RondaGroup | None
    on_duty: bool
    shift: Shift | None
    rows: list[HouseRow] = field(default_factory=list)
    unclosed: list[Shift] = field(default_factory=list)

    @property
    def recorded(self) -> list[HouseRow]:
        return [row for row in self.rows if row.collection is not None]

    @property
    def cash_total(self) -> int:
        return sum(r.collection.amount for r in self.recorded if r.collection and r.collection.method == Method.CASH)


def tonight(*, fund: Fund, user: Any, now: dt.datetime) -> Tonight:
    """The current night of the fund (None outside the watch) with its shift and houses."""
    night = nights.night_of(fund, now)
    still_open = Shift.objects.filter(fund=fund, status=ShiftStatus.OPEN).order_by("night")
    unclosed = list(still_open.exclude(night=night) if night is not None else still_open)
    if night is None:
        return Tonight(fund=fund, night=None, window=None, group=None, on_duty=False, shift=None, unclosed=unclosed)
    groups = groups_of(fund=fund)
    group = nights.group_on_duty(fund, groups, night)
    duty = on_duty(user=user, fund=fund, group=group)
    shift = Shift.objects.filter(fund=fund, night=night).first()
    rows = house_rows(fund=fund, night=night, shift=shift) if shift is not None else []
    window = nights.watch_window(fund, night)
    return Tonight(fund, night, window, group, duty, shift, rows, unclosed)


def house_rows(*, fund: Fund, night: dt.date, shift: Shift | None) -> list[HouseRow]:
    """Every house living here on the night, with its collection of that night (if any)."""
    households = [h for h in _living(fund, night, night) if h.expected_on(night)]
    collected = {c.household_id: c for c in Collection.objects.filter(fund=fund, night=night)}
    rows = [HouseRow(household=h, collection=collected.get(h.pk)) for h in households]
    if fund.is_prepaid:
        balances = prepaid_balances(fund=fund)
        for row in rows:
            row.balance = balances.get(row.household.pk, 0)
    if fund.is_monthly:
        paid = _paid_in_month(fund, nights.month_start(night))
        for row in rows:
            row.month_paid = paid.get(row.household.pk, (0, 0))[1]
    return rows


def _living(fund: Fund, first: dt.date, last: dt.date) -> list[Household]:
    """Households that lived here on at least one day between `first` and `last`, in house-number order."""
    households = Household.objects.filter(fund=fund, registered_on__lte=last).filter(
        Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=first)
    )
    found = list(households)
    for household in found:
        household.fund = fund
    return sorted(found, key=lambda h: natural_key(h.number))


def _paid_in_month(fund: Fund, month: dt.date) -> dict[int, tuple[int, int]]:
    """Per household: (nights paid, amount paid) in the month's nights."""
    rows = (
        Collection.objects.filter(fund=fund, night__gte=month, night__lt=nights.next_month(month))
        .values("household_id")
        .annotate(nights=Count("id"), amount=Sum("amount"))
    )
    return {row["household_id"]: (row["nights"], row["amount"]) for row in rows}


# --- a night's record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftRecord:
    shift: Shift
    collections: list[Collection]
    missed: list[Household]

    @property
    def cash_total(self) -> int:
        return sum(c.amount for c in self.collections if c.method == Method.CASH)

    @property
    def prepaid_total(self) -> int:
        return sum(c.amount for c in self.collections if c.method == Method.PREPAID)


def shift_record(*, shift: Shift) -> ShiftRecord:
    """A night's collections and the houses not collected that night."""
    rows = house_rows(fund=shift.fund, night=shift.night, shift=shift)
    collections = sorted(
        (Collection.objects.filter(shift=shift).select_related("household", "collected_by")),
        key=lambda c: natural_key(c.household.number),
    )
    missed = [row.household for row in rows if row.collection is None]
    return ShiftRecord(shift=shift, collections=collections, missed=missed)


def recent_shifts(*, fund: Fund) -> list[Shift]:
    shifts = Shift.objects.filter(fund=fund).annotate(collected=Count("collections")).select_related("group")
    return list(shifts.order_by("-night")[:RECENT_SHIFTS])


# --- the cash book ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CashBookLine:
    entry: LedgerEntry
    balance: int


@dataclass(frozen=True)
class CashBook:
    month: dt.date
    opening: int
    lines: list[CashBookLine]
    balance: int

    @property
    def closing(self) -> int:
        return self.lines[-1].balance if self.lines else self.opening


def cash_book(*, fund: Fund, month: dt.date) -> CashBook:
    """The month's entries with the balance after each one (computed, never stored)."""
    entries = LedgerEntry.objects.filter(fund=fund)
    opening = balance_of(entries.filter(booked_on__lt=month))
    month_entries = entries.filter(booked_on__gte=month, booked_on__lt=nights.next_month(month))
    running, lines = opening, []
    for entry in month_entries.select_related("created_by", "reversed_by", "household").order_by("booked_on", "id"):
        running += entry.signed_amount
        lines.append(CashBookLine(entry=entry, balance=running))
    return CashBook(month=month, opening=opening, lines=lines, balance=fund_balance(fund=fund))


# --- arrears ------------------------------------------------------------------------------------


def arrears_of(*, fund: Fund) -> list[Arrear]:
    """Every arrear of the fund, newest month first, with `is_settled` annotated."""
    settled = LedgerEntry.objects.filter(
        arrear=OuterRef("pk"), kind=EntryKind.ARREAR_SETTLEMENT, reverses__isnull=True, reversed_by__isnull=True
    )
    arrears = Arrear.objects.filter(fund=fund).annotate(is_settled=Exists(settled)).select_related("household")
    return sorted(arrears, key=lambda a: (-a.month.toordinal(), natural_key(a.household.number)))


def arrear_is_settled(*, arrear: Arrear) -> bool:
    return LedgerEntry.objects.filter(
        arrear=arrear, kind=EntryKind.ARREAR_SETTLEMENT, reverses__isnull=True, reversed_by__isnull=True
    ).exists()


# --- the monthly report -------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseMonth:
    household: Household
    nights_expected: int
    nights_paid: int
    amount_paid: int
    arrear: Arrear | None
    whole_month: bool  # lived here every day of the month: only such a house is billed a monthly tariff

    @property
    def nights_missed(self) -> int:
        return max(self.nights_expected - self.nights_paid, 0)

    @property
    def paid_month(self) -> bool | None:
        """Monthly tariff: whether the house paid the whole tariff in the month (None: not billed, or nightly)."""
        fund = self.household.fund
        if not fund.is_monthly or not self.whole_month:
            return None
        return self.amount_paid >= fund.monthly_tariff


def tariff_participation(houses: list[HouseMonth]) -> tuple[int, int]:
    """A monthly-tariff fund's month in the city's units: (house-nights expected, house-nights paid).

    A house takes part by paying its month, not by paying each night: a house billed for the month counts every
    night with a ronda as paid when it paid the tariff, none when it did not. A house here for part of the month
    is not billed (no arrear either) and not counted. House-nights keep nightly and monthly funds comparable.
    """
    billed = [h for h in houses if h.paid_month is not None]
    return sum(h.nights_expected for h in billed), sum(h.nights_expected for h in billed if h.paid_month)


@dataclass(frozen=True)
class MonthReport:
    fund: Fund
    month: dt.date
    opening: int
    income: list[tuple[str, int]]
    expenses: list[tuple[str, int]]
    expense_entries: list[LedgerEntry]
    shifts: list[Shift]
    houses: list[HouseMonth]

    @property
    def income_total(self) -> int:
        return sum(amount for _label, amount in self.income)

    @property
    def expense_total(self) -> int:
        return sum(amount for _label, amount in self.expenses)

    @property
    def closing(self) -> int:
        return self.opening + self.income_total - self.expense_total

    @property
    def rw_share(self) -> int:
        """The RW's part of the month's net income, rounded down to whole rupiah (computed, not booked)."""
        return max(self.income_total, 0) * self.fund.rw_share_percent // 100

    @property
    def rt_share(self) -> int:
        return max(self.income_total, 0) - self.rw_share

    @property
    def differences(self) -> list[Shift]:
        return [s for s in self.shifts if s.difference]


def house_months(*, fund: Fund, month: dt.date, shifts: list[Shift]) -> list[HouseMonth]:
    """Per house living here in the month: nights expected (nights with a shift), nights and rupiah paid, arrear."""
    last = nights.next_month(month) - dt.timedelta(days=1)
    paid = _paid_in_month(fund, month)
    arrears = {a.household_id: a for a in Arrear.objects.filter(fund=fund, month=month)}
    rows = []
    for household in _living(fund, month, last):
        expected = sum(1 for s in shifts if household.expected_on(s.night))
        nights_paid, amount = paid.get(household.pk, (0, 0))
        whole = household.expected_on(month) and household.expected_on(last)
        rows.append(HouseMonth(household, expected, nights_paid, amount, arrears.get(household.pk), whole))
    return rows


def _net_by_kind(entries: QuerySet[LedgerEntry]) -> dict[str, int]:
    """Per kind: the amount in its natural direction minus its reversing entries."""
    net: dict[str, int] = defaultdict(int)
    for row in entries.values("kind", "direction").annotate(total=Sum("amount")):
        natural = Direction.IN if row["kind"] in INCOME_KINDS else Direction.OUT
        net[row["kind"]] += row["total"] if row["direction"] == natural else -row["total"]
    return net


def month_report(*, fund: Fund, month: dt.date) -> MonthReport:
    """Income, expenses, balance, the RT/RW split and each house's paid and missed nights for one month."""
    entries = LedgerEntry.objects.filter(fund=fund)
    in_month = entries.filter(booked_on__gte=month, booked_on__lt=nights.next_month(month))
    net = _net_by_kind(in_month)
    labels = dict(EntryKind.choices)
    shifts = list(Shift.objects.filter(fund=fund, night__gte=month, night__lt=nights.next_month(month)))
    return MonthReport(
        fund=fund,
        month=month,
        opening=balance_of(entries.filter(booked_on__lt=month)),
        income=[(str(labels[k]), net[k]) for k in EntryKind.values if k in INCOME_KINDS and net.get(k)],
        expenses=[(str(labels[k]), net[k]) for k in EntryKind.values if k in EXPENSE_KINDS and net.get(k)],
        expense_entries=list(in_month.filter(kind=EntryKind.EXPENSE, reverses__isnull=True, reversed_by__isnull=True)),
        shifts=sorted(shifts, key=lambda s: s.night),
        houses=house_months(fund=fund, month=month, shifts=shifts),
    )


# --- the city's view: aggregates only -----------------------------------------------------------


@dataclass(frozen=True)
class KelurahanMonths:
    """One kelurahan's months: RTs running, rupiah collected and the share of house-nights paid, per month."""

    name: str
    cells: list[tuple[int, int, float | None]]  # (funds running, collected, participation %) per month

    @property
    def collected(self) -> int:
        return sum(collected for _funds, collected, _share in self.cells)


@dataclass(frozen=True)
class CityRollup:
    """The Smart Society view of the jimpitan programme: counts and totals per kelurahan and month, no household."""

    months: list[dt.date]
    kelurahan: list[KelurahanMonths]
    funds_total: int
    funds_running: int  # in the latest month
    collected_latest: int
    participation_latest: float | None
    chart: BarChart


def _share(paid: int, expected: int) -> float | None:
    return round(100 * paid / expected, 1) if expected else None


def city_rollup(*, region: Region, latest: dt.date, months: int = 6) -> CityRollup:
    """The last `months` months up to `latest` (a month's first day), from the FundMonth summary rows only."""
    shown = [latest]
    while len(shown) < months:
        shown.insert(0, nights.previous_month(shown[0]))
    rows = (
        FundMonth.objects.for_region(region)
        .filter(month__gte=shown[0], month__lte=latest, nights_held__gt=0)
        .values("kelurahan_id", "kelurahan__name", "month")
        .annotate(
            funds=Count("id"),
            rupiah=Sum("collected"),
            paid=Sum("house_nights_paid"),
            expected=Sum("house_nights_expected"),
        )
    )
    table: dict[tuple[str, int], dict[dt.date, tuple[int, int, int, int]]] = defaultdict(dict)
    for row in rows:
        place = (row["kelurahan__name"], row["kelurahan_id"])
        table[place][row["month"]] = (row["funds"], row["rupiah"], row["paid"], row["expected"])
    kelurahan = [
        KelurahanMonths(name, [_cell(cells.get(m)) for m in shown]) for (name, _id), cells in sorted(table.items())
    ]
    last = [cells[latest] for cells in table.values() if latest in cells]
    return CityRollup(
        months=shown,
        kelurahan=kelurahan,
        funds_total=Fund.objects.for_region(region).filter(is_active=True).count(),
        funds_running=sum(c[0] for c in last),
        collected_latest=sum(c[1] for c in last),
        participation_latest=_share(sum(c[2] for c in last), sum(c[3] for c in last)),
        # in thousands of rupiah: a bar's label stays legible at 360 px
        chart=stacked_bars([(k.name, [k.cells[-1][1] / 1000]) for k in kelurahan], ["Rp 1.000"]),
    )


def _cell(numbers: tuple[int, int, int, int] | None) -> tuple[int, int, float | None]:
    if numbers is None:
        return (0, 0, None)
    funds, rupiah, paid, expected = numbers
    return (funds, rupiah, _share(paid, expected))
