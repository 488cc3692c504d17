"""Every write of the jimpitan room: funds, households, the roster, nightly shifts and collections, the cash book.

Each service checks the actor's area-scoped permission for the fund's RT/RW, runs in one transaction and
records one audit entry. Writes a phone may retry carry an idempotency key: a repeat returns the original.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kotacerdas.accounts.models import Membership, User
from kotacerdas.accounts.roles import Perm, Role
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError, Conflict, NotAllowed
from kotacerdas.core.rows import Guard, prepare_insert
from kotacerdas.jimpitan import nights, selectors
from kotacerdas.jimpitan.models import (
    MAX_ENTRY_AMOUNT,
    MAX_MONTHLY_TARIFF,
    MAX_NIGHTLY_AMOUNT,
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
    Rotation,
    Scheme,
    Shift,
    ShiftStatus,
    natural_direction,
    new_share_token,
)
from kotacerdas.jimpitan.workflow import SHIFT
from kotacerdas.regions.models import Area, AreaLevel, Region


class JimpitanError(ApplicationError):
    """A refused step of the jimpitan fund."""


COLLECT = Perm.JIMPITAN_COLLECT
MANAGE = Perm.JIMPITAN_MANAGE
CLOCK_SKEW = dt.timedelta(minutes=5)  # a phone's clock may run this much ahead of the server's

NOT_PERMITTED = gettext_noop("Your role does not allow this action.")
AREA_NOT_NEIGHBOURHOOD = gettext_noop("A jimpitan fund belongs to one RT or RW of this region.")
FUND_EXISTS = gettext_noop("This RT/RW already has a jimpitan fund.")
NIGHTLY_AMOUNT_MISSING = gettext_noop("Give the nightly amount in whole rupiah (at most Rp%(max)s).")
TARIFF_MISSING = gettext_noop("Give the monthly tariff in whole rupiah (at most Rp%(max)s).")
PREPAID_NEEDS_NIGHTLY = gettext_noop("A prepaid balance works with a nightly amount, not with a monthly tariff.")
WATCH_TIMES_EQUAL = gettext_noop("The watch must end at another time than it starts.")
SHARE_OUT_OF_RANGE = gettext_noop("The RW share is a percentage from 0 to 100.")
CYCLE_NEEDS_START = gettext_noop("Give the night on which the first group of the rotation is on duty.")
WEEKLY_TOO_MANY_GROUPS = gettext_noop("A weekly rotation has at most seven groups (Monday to Sunday).")
HOUSE_NUMBER_TAKEN = gettext_noop("Another household living here already has this house number.")
HOUSEHOLD_MOVED_OUT = gettext_noop("This household has moved out.")
MOVE_OUT_DATE_INVALID = gettext_noop("The moving-out date must lie between the registration and today.")
WEEKDAY_RANGE = gettext_noop("In a weekly rotation, choose a night from Monday to Sunday.")
POSITION_TAKEN = gettext_noop("Another group already has this night or turn.")
MEMBER_NOT_OF_AREA = gettext_noop("Choose a ronda member or treasurer of this RT/RW.")
MEMBER_TWICE = gettext_noop("This person is already in the group.")
OUTSIDE_WATCH = gettext_noop("Collections are recorded during the watch only, from %(start)s until %(end)s.")
NOT_ON_DUTY = gettext_noop("You are not on tonight's roster: tonight it is %(group)s.")
SHIFT_CLOSED = gettext_noop("This shift is closed; nothing more can be recorded on it.")
OTHER_FUND = gettext_noop("This house belongs to another fund.")
ALREADY_COLLECTED = gettext_noop("House %(number)s was already recorded tonight.")
KEY_REUSED = gettext_noop("This form was already used for another house. Reload the page and try again.")
AMOUNT_RANGE = gettext_noop("Enter the amount in whole rupiah, from Rp1 to Rp%(max)s.")
CASH_ONLY = gettext_noop("This fund takes cash; it keeps no prepaid balances.")
BALANCE_TOO_LOW = gettext_noop("The prepaid balance of house %(number)s is Rp%(balance)s; take cash instead.")
COUNT_RANGE = gettext_noop("Enter the cash counted in whole rupiah (0 or more).")
DIFFERENCE_NEEDS_NOTE = gettext_noop("The cash counted differs from the records by Rp%(difference)s: say why.")
PREPAID_ONLY = gettext_noop("Top-ups are for funds that keep prepaid balances.")
NOT_ENOUGH_CASH = gettext_noop("The cash book holds only Rp%(balance)s.")
NOT_ENOUGH_PREPAID = gettext_noop("The household's prepaid balance is only Rp%(balance)s.")
PURPOSE_REQUIRED = gettext_noop("Say what the money was spent on.")
RECEIPT_REQUIRED = gettext_noop("Attach a photo of the receipt.")
DATE_IN_FUTURE = gettext_noop("The date must not be in the future.")
INCOME_KIND_INVALID = gettext_noop("Choose a donation or the balance carried over from the paper book.")
REASON_REQUIRED = gettext_noop("Give the reason for the correction.")
REVERSAL_OF_REVERSAL = gettext_noop("A correction cannot itself be corrected; book a new entry instead.")
ALREADY_REVERSED = gettext_noop("This entry has already been corrected.")
MONTH_NOT_OVER = gettext_noop("Arrears are assessed once the month is over.")
ALREADY_SETTLED = gettext_noop("This arrear is already settled.")
SHIFT_STILL_RUNNING = gettext_noop("This night's watch has not ended yet.")
LEFT_OPEN_NOTE = gettext_noop(
    "Closed automatically the next day: the shift was left open. The cash was not counted at the post; "
    "the records are booked as they are. The treasurer books a correction if the cash differs."
)


def _require(actor: User, perm: Perm, fund: Fund) -> None:
    if not has_perm(actor, perm, fund.region, area=fund.area):
        raise NotAllowed(_(NOT_PERMITTED))


def _validated(obj: Any) -> Any:
    """full_clean() with Django's errors turned into the room's error (on the first field named)."""
    try:
        obj.full_clean()
    except ValidationError as error:
        field = next(iter(getattr(error, "error_dict", {}) or {}), None)
        raise JimpitanError("; ".join(error.messages), field=None if field == "__all__" else field) from error
    return obj


def _now() -> dt.datetime:
    return timezone.now()


def grouped_rupiah(amount: int) -> str:
    """An amount's digits grouped as the active language writes them: 100.000 (Bahasa Indonesia), 100,000 (English)."""
    return formats.number_format(amount, use_l10n=True, force_grouping=True)


# --- funds --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundTerms:
    """The scheme of a fund, as its treasurer sets it."""

    name: str
    scheme: str = Scheme.NIGHTLY
    nightly_amount: int = 0
    monthly_tariff: int = 0
    payment: str = "cash"
    watch_start: dt.time = dt.time(22, 0)
    watch_end: dt.time = dt.time(6, 0)
    rw_share_percent: int = 30
    rotation: str = Rotation.WEEKLY
    rotation_start: dt.date | None = None

    def printable(self) -> dict[str, Any]:
        return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in asdict(self).items()}


def _check_terms(terms: FundTerms, fund: Fund | None = None) -> None:
    if terms.scheme == Scheme.NIGHTLY and not 1 <= terms.nightly_amount <= MAX_NIGHTLY_AMOUNT:
        limit = {"max": grouped_rupiah(MAX_NIGHTLY_AMOUNT)}
        raise JimpitanError(_(NIGHTLY_AMOUNT_MISSING) % limit, field="nightly_amount")
    if terms.scheme == Scheme.MONTHLY and not 1 <= terms.monthly_tariff <= MAX_MONTHLY_TARIFF:
        raise JimpitanError(_(TARIFF_MISSING) % {"max": grouped_rupiah(MAX_MONTHLY_TARIFF)}, field="monthly_tariff")
    if terms.scheme == Scheme.MONTHLY and terms.payment == "prepaid":
        raise JimpitanError(_(PREPAID_NEEDS_NIGHTLY), field="payment")
    if terms.watch_start == terms.watch_end:
        raise JimpitanError(_(WATCH_TIMES_EQUAL), field="watch_end")
    if not 0 <= terms.rw_share_percent <= 100:
        raise JimpitanError(_(SHARE_OUT_OF_RANGE), field="rw_share_percent")
    if terms.rotation == Rotation.CYCLE and terms.rotation_start is None:
        raise JimpitanError(_(CYCLE_NEEDS_START), field="rotation_start")
    if terms.rotation == Rotation.WEEKLY and fund and RondaGroup.objects.filter(fund=fund, position__gt=7).exists():
        raise JimpitanError(_(WEEKLY_TOO_MANY_GROUPS), field="rotation")


@transaction.atomic
def fund_create(*, area: Area, terms: FundTerms, actor: User) -> Fund:
    """Set up the jimpitan fund of an RT or RW: its treasurer does it, for their own RT/RW."""
    if not has_perm(actor, MANAGE, area.region, area=area):
        raise NotAllowed(_(NOT_PERMITTED))
    if area.level not in (AreaLevel.RW, AreaLevel.RT):
        raise JimpitanError(_(AREA_NOT_NEIGHBOURHOOD), field="area")
    if Fund.objects.filter(area=area).exists():
        raise Conflict(_(FUND_EXISTS))
    _check_terms(terms)
    fund = _validated(Fund(region=area.region, area=area, **asdict(terms)))
    fund.save()
    audit.record(
        actor=actor, action=AuditAction.JIMPITAN_FUND_CREATED, target=fund, region=fund.region, after=terms.printable()
    )
    return fund


def _terms_of(fund: Fund) -> FundTerms:
    return FundTerms(**{name: getattr(fund, name) for name in FundTerms.__dataclass_fields__})


@transaction.atomic
def fund_update(*, fund: Fund, terms: FundTerms, is_active: bool = True, actor: User) -> Fund:
    """Change the scheme; nights already recorded keep the amounts they were recorded with."""
    _require(actor, MANAGE, fund)
    _check_terms(terms, fund)
    before = {**_terms_of(fund).printable(), "is_active": fund.is_active}
    for name, value in asdict(terms).items():
        setattr(fund, name, value)
    fund.is_active = is_active
    _validated(fund).save()
    after = {**terms.printable(), "is_active": is_active}
    audit.record(
        actor=actor,
        action=AuditAction.JIMPITAN_FUND_UPDATED,
        target=fund,
        region=fund.region,
        before=before,
        after=after,
    )
    return fund


@transaction.atomic
def fund_share(*, fund: Fund, actor: User) -> Fund:
    """Give the monthly report a public address with a new unguessable token (an older link stops working)."""
    _require(actor, MANAGE, fund)
    fund.share_token = new_share_token()
    fund.save(update_fields=["share_token", "updated_at"])
    audit.record(actor=actor, action=AuditAction.JIMPITAN_FUND_SHARED, target=fund, region=fund.region)
    return fund


@transaction.atomic
def fund_unshare(*, fund: Fund, actor: User) -> Fund:
    _require(actor, MANAGE, fund)
    fund.share_token = None
    fund.save(update_fields=["share_token", "updated_at"])
    audit.record(actor=actor, action=AuditAction.JIMPITAN_FUND_UNSHARED, target=fund, region=fund.region)
    return fund


# --- households ---------------------------------------------------------------------------------


def _check_number_free(fund: Fund, number: str, household: Household | None = None) -> None:
    taken = Household.objects.filter(fund=fund, number__iexact=number, is_active=True)
    if household is not None:
        taken = taken.exclude(pk=household.pk)
    if taken.exists():
        raise JimpitanError(_(HOUSE_NUMBER_TAKEN), field="number")


@transaction.atomic
def household_create(*, fund: Fund, number: str, head_name: str, address: str = "", actor: User) -> Household:
    """Register a house of the RT; it gets its door tag (an opaque token) at once."""
    _require(actor, MANAGE, fund)
    number = number.strip()
    _check_number_free(fund, number)
    household = Household(
        region=fund.region,
        fund=fund,
        number=number,
        head_name=head_name.strip(),
        address=address.strip(),
        registered_on=nights.today(fund, _now()),
    )
    _validated(household).save()
    # Names are personal data: the audit trail says that they were set, not what they are.
    after = {"number": number, "head_name": "set", "address": "set" if address.strip() else ""}
    audit.record(
        actor=actor, action=AuditAction.JIMPITAN_HOUSEHOLD_CREATED, target=household, region=fund.region, after=after
    )
    return household


@transaction.atomic
def household_update(*, household: Household, number: str, head_name: str, address: str = "", actor: User) -> Household:
    fund = household.fund
    _require(actor, MANAGE, fund)
    if not household.is_active:
        raise Conflict(_(HOUSEHOLD_MOVED_OUT))
    number, head_name, address = number.strip(), head_name.strip(), address.strip()
    _check_number_free(fund, number, household)
    changed = [
        name
        for name, value in (("number", number), ("head_name", head_name), ("address", address))
        if getattr(household, name) != value
    ]
    before = {"number": household.number}
    household.number, household.head_name, household.address = number, head_name, address
    _validated(household).save()
    after = {"number": number, "changed": changed}
    audit.record(
        actor=actor,
        action=AuditAction.JIMPITAN_HOUSEHOLD_UPDATED,
        target=household,
        region=fund.region,
        before=before,
        after=after,
    )
    return household


@transaction.atomic
def household_move_out(*, household: Household, moved_out_on: dt.date, actor: User) -> Household:
    """The household left: it is no longer collected from; its history stays."""
    fund = household.fund
    _require(actor, MANAGE, fund)
    if not household.registered_on <= moved_out_on <= nights.today(fund, _now()):
        raise JimpitanError(_(MOVE_OUT_DATE_INVALID), field="moved_out_on")
    still_here = Household.objects.filter(pk=household.pk, is_active=True)
    if still_here.update(is_active=False, moved_out_on=moved_out_on, updated_at=_now()) != 1:
        raise Conflict(_(HOUSEHOLD_MOVED_OUT))
    household.is_active, household.moved_out_on = False, moved_out_on
    audit.record(
        actor=actor,
        action=AuditAction.JIMPITAN_HOUSEHOLD_MOVED_OUT,
        target=household,
        region=fund.region,
        before={"is_active": True},
        after={"is_active": False, "moved_out_on": moved_out_on.isoformat()},
    )
    return household


# --- the roster ---------------------------------------------------------------------------------


@transaction.atomic
def group_create(*, fund: Fund, name: str, position: int, actor: User) -> RondaGroup:
    """Add a ronda group; weekly: `position` is its night (1 Monday … 7 Sunday); cycle: its turn."""
    _require(actor, MANAGE, fund)
    if fund.rotation == Rotation.WEEKLY and not 1 <= position <= 7:
        raise JimpitanError(_(WEEKDAY_RANGE), field="position")
    if RondaGroup.objects.filter(fund=fund, position=position).exists():
        raise JimpitanError(_(POSITION_TAKEN), field="position")
    group = _validated(RondaGroup(region=fund.region, fund=fund, name=name.strip(), position=position))
    group.save()
    audit.record(
        actor=actor,
        action=AuditAction.JIMPITAN_GROUP_CREATED,
        target=group,
        region=fund.region,
        after={"name": group.name, "position": position},
    )
    return group


def _serves_area(user: User, fund: Fund) -> bool:
    return (
        Membership.objects.active()
        .filter(user=user, region=fund.region, area=fund.area, role__in=[Role.RONDA_MEMBER, Role.RT_TREASURER])
        .exists()
    )


@transaction.atomic
def group_member_add(*, group: RondaGroup, user: User, actor: User) -> RondaGroupMember:
    fund = group.fund
    _require(actor, MANAGE, fund)
    if not _serves_area(user, fund):
        raise JimpitanError(_(MEMBER_NOT_OF_AREA), field="user")
    if RondaGroupMember.objects.filter(group=group, user=user).exists():
        raise JimpitanError(_(MEMBER_TWICE), field="user")
    member = RondaGroupMember.objects.create(region=fund.region, group=group, user=user)
    audit.record(
        actor=actor,
        action=AuditAction.JIMPITAN_GROUP_MEMBER_ADDED,
        target=group,
        region=fund.region,
        after={"user": user.get_username()},
    )
    return member


@transaction.atomic
def group_member_remove(*, member: RondaGroupMember, actor: User) -> RondaGroup:
    group = member.group
    _require(actor, MANAGE, group.fund)
    username = member.user.get_username()
    member.delete()
    audit.record(
        actor=actor,
        action=AuditAction.JIMPITAN_GROUP_MEMBER_REMOVED,
        target=group,
        region=group.fund.region,
        before={"user": username},
    )
    return group


# --- nights: opening, collecting, closing -------------------------------------------------------


def _outside_watch(fund: Fund) -> JimpitanError:
    start, end = fund.watch_start.strftime("%H:%M"), fund.watch_end.strftime("%H:%M")
    return JimpitanError(_(OUTSIDE_WATCH) % {"start": start, "end": end})


def _check_on_duty(actor: User, fund: Fund, group: RondaGroup | None, in_group: bool | None = None) -> None:
    if not selectors.on_duty(user=actor, fund=fund, group=group, in_group=in_group):
        raise NotAllowed(_(NOT_ON_DUTY) % {"group": group})


@transaction.atomic
def shift_open(*, fund: Fund, actor: User) -> Shift:
    """Open tonight's shift; opening it twice (two phones at once) gives the same shift."""
    _require(actor, COLLECT, fund)
    night = nights.night_of(fund, _now())
    if night is None:
        raise _outside_watch(fund)
    group = selectors.group_on_duty(fund=fund, night=night)
    _check_on_duty(actor, fund, group)
    existing = Shift.objects.filter(fund=fund, night=night).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            shift = Shift.objects.create(region=fund.region, fund=fund, night=night, group=group, opened_by=actor)
    except IntegrityError:
        return Shift.objects.get(fund=fund, night=night)
    after = {"night": night.isoformat(), "group": group.name if group else None}
    audit.record(actor=actor, action=AuditAction.JIMPITAN_SHIFT_OPENED, target=shift, region=fund.region, after=after)
    return shift


@dataclass(frozen=True)
class Recorded:
    """The result of recording a collection; `repeat` when the key had been recorded before (the original)."""

    collection: Collection
    repeat: bool


def _check_on_shift(actor: User, shift: Shift) -> None:
    """The shift as read is open and the actor is on its duty (no query when the view read the shift for them)."""
    if not shift.is_open:
        raise Conflict(_(SHIFT_CLOSED))
    _check_on_duty(actor, shift.fund, shift.group, selectors.in_group_known(shift=shift, user=actor))


def _collection_moment(shift: Shift, recorded_at: dt.datetime | None) -> dt.datetime:
    """When the house was collected: now, or the earlier time a phone queued it offline; inside the watch."""
    now = _now()
    moment = now if recorded_at is None else min(recorded_at, now + CLOCK_SKEW)
    start, end = nights.watch_window(shift.fund, shift.night)
    if not start <= moment < end:
        raise _outside_watch(shift.fund)
    return min(moment, now)


def _check_household(household: Household, shift: Shift) -> None:
    """The house is of the shift's fund and lived here that night (whether it was collected: the insert decides)."""
    if household.fund_id != shift.fund_id:
        raise JimpitanError(_(OTHER_FUND))
    if not household.expected_on(shift.night):
        raise Conflict(_(HOUSEHOLD_MOVED_OUT))


def _payment(fund: Fund, method: str | None, amount: int | None) -> tuple[str, int]:
    """Prepaid funds debit the nightly amount from the balance (cash on request); cash takes the amount given."""
    if method == Method.PREPAID or (method is None and fund.is_prepaid):
        if not fund.is_prepaid:
            raise JimpitanError(_(CASH_ONLY), field="method")
        return Method.PREPAID, fund.nightly_amount
    amount = amount if amount is not None else (fund.monthly_tariff if fund.is_monthly else fund.nightly_amount)
    if not 1 <= amount <= MAX_ENTRY_AMOUNT:
        raise JimpitanError(_(AMOUNT_RANGE) % {"max": grouped_rupiah(MAX_ENTRY_AMOUNT)}, field="amount")
    return Method.CASH, amount


def _check_still_open(shift: Shift) -> None:
    """Inside the write transaction: the shift is still open, and stays open until this commits.

    SQLite: the IMMEDIATE transaction holds the database's write lock already, so a closing waits. PostgreSQL:
    FOR SHARE lets the night's collections insert side by side while `shift_close` (FOR UPDATE) waits for them,
    or they wait for it and then find it closed. Django's select_for_update() has no shared mode, hence the SQL.
    """
    share = " FOR SHARE" if connection.vendor == "postgresql" else ""
    table = connection.ops.quote_name(Shift._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s AND status = %s{share}", [shift.pk, ShiftStatus.OPEN])
        if cursor.fetchone() is None:
            raise Conflict(_(SHIFT_CLOSED))


def _check_prepaid_covers(collection: Collection) -> None:
    """After the debit (the house's row locked before it): the prepaid balance must not go below zero."""
    balance = selectors.prepaid_balance(household=collection.household)
    if balance < 0:
        values = {"number": collection.household.number, "balance": grouped_rupiah(balance + collection.amount)}
        raise JimpitanError(_(BALANCE_TOO_LOW) % values)


def _checked_collection(
    shift: Shift,
    household: Household,
    key: uuid.UUID,
    actor: User,
    *,
    amount: int | None,
    method: str | None,
    recorded_at: dt.datetime | None,
) -> Collection:
    """Every check that only reads, outside the write transaction; returns the row to insert."""
    _check_on_shift(actor, shift)
    moment = _collection_moment(shift, recorded_at)
    _check_household(household, shift)
    paid_by, paid = _payment(shift.fund, method, amount)
    return Collection(
        region=shift.region,
        fund=shift.fund,
        shift=shift,
        household=household,
        night=shift.night,
        method=paid_by,
        amount=paid,
        collected_by=actor,
        collected_at=moment,
        idempotency_key=key,
    )


def _open_shift(shift: Shift) -> Guard:
    """What a cash collection's write requires: its shift still open (`audit.PreparedEntry.execute_with`)."""
    return Guard(Shift, {"id": shift.pk, "status": ShiftStatus.OPEN})


def _insert(collection: Collection, actor: User) -> Collection:
    """The short write: the shift still open, the row (a prepaid debit within the balance), its audit entry.

    The row's INSERT and the audit entry's are prepared before it begins: SQLite's writers queue from BEGIN to COMMIT.
    A cash collection is one statement on either database (`audit.PreparedEntry.execute_with`): on PostgreSQL one
    round trip instead of five, on SQLite the write lock held for one call into SQLite.
    """
    shift, household = collection.shift, collection.household
    prepaid = collection.method == Method.PREPAID
    row = prepare_insert(collection)
    after = {
        "house": household.number,
        "night": shift.night.isoformat(),
        "method": collection.method,
        "amount": collection.amount,
    }
    action = AuditAction.JIMPITAN_COLLECTION_RECORDED
    entry = audit.prepare(actor=actor, action=action, target=collection, region=shift.region, after=after)
    if not prepaid:  # the usual night: one statement, written only while the shift is open
        if not entry.execute_with(row, guard=_open_shift(shift)):
            raise Conflict(_(SHIFT_CLOSED))
        return collection
    with transaction.atomic():
        _check_still_open(shift)
        # The house's row first: a debit and a correction of its top-up never interleave.
        Household.objects.select_for_update().filter(pk=household.pk).first()
        row.execute()
        _check_prepaid_covers(collection)
        entry.execute()
    return collection


def collection_record(
    *,
    shift: Shift,
    household: Household,
    idempotency_key: uuid.UUID,
    actor: User,
    amount: int | None = None,
    method: str | None = None,
    recorded_at: dt.datetime | None = None,
) -> Recorded:
    """Record one house for the shift's night, once per house per night; the same key again returns the original.

    1. Check with reads only, outside any transaction (a phone's POST reads nothing the view did not read).
    2. Insert in a short transaction that also makes sure the shift is still open when it commits.
    3. A refusal or a failed insert may be a retry or a double scan: the same key returns the original,
       another key for a house already collected that night is a Conflict (the unique constraints decide races).
    """
    _require(actor, COLLECT, shift.fund)  # before the replay: a key tells nothing to someone without the right
    try:
        collection = _checked_collection(
            shift, household, idempotency_key, actor, amount=amount, method=method, recorded_at=recorded_at
        )
        return Recorded(collection=_insert(collection, actor), repeat=False)
    except (ApplicationError, IntegrityError) as refusal:
        return _after_refusal(refusal, idempotency_key, household, shift)


def _after_refusal(
    refusal: ApplicationError | IntegrityError, key: uuid.UUID, household: Household, shift: Shift
) -> Recorded:
    """The same key recorded before on this shift is a retry (the original, even if the shift closed since);
    another key for a house collected that night is a double scan; any other refusal stands."""
    same_key = Q(shift=shift, idempotency_key=key)
    found = list(Collection.objects.filter(same_key | Q(household=household, night=shift.night)))
    original = next((c for c in found if c.idempotency_key == key), None)
    if original is not None:
        if original.household_id != household.pk:
            raise Conflict(_(KEY_REUSED))
        return Recorded(collection=original, repeat=True)
    if isinstance(refusal, IntegrityError) and found:
        raise Conflict(_(ALREADY_COLLECTED) % {"number": household.number}) from refusal
    raise refusal


@transaction.atomic
def shift_close(*, shift: Shift, counted_total: int, note: str = "", actor: User) -> Shift:
    """Close the night with the cash counted; the cash book gets the recorded cash and any difference, visibly."""
    fund = shift.fund
    SHIFT.check_permission(obj=shift, action="close", actor=actor)
    _check_on_duty(actor, fund, shift.group)
    if not 0 <= counted_total <= MAX_ENTRY_AMOUNT:
        raise JimpitanError(_(COUNT_RANGE), field="counted_total")
    Shift.objects.select_for_update().filter(pk=shift.pk).first()  # no collection slips in while counting
    cash = _cash_recorded(shift)
    difference = counted_total - cash
    if difference and not note.strip():
        raise JimpitanError(_(DIFFERENCE_NEEDS_NOTE) % {"difference": grouped_rupiah(difference)}, field="note")
    changes = {
        "counted_total": counted_total,
        "recorded_total": cash,
        "closed_by": actor,
        "closed_at": _now(),
        "note": note.strip(),
    }
    SHIFT.apply(obj=shift, action="close", actor=actor, note=note.strip(), changes=changes)
    _book_night(shift, cash, difference, actor)
    fund_month_refresh(fund=fund, month=nights.month_start(shift.night))
    return shift


def shifts_left_open(*, now: dt.datetime) -> list[Shift]:
    """Open shifts whose watch ended before `now`: nobody closed them at the end of the night."""
    latest = now.date() + dt.timedelta(days=1)  # no time zone of the country is a day ahead of UTC
    candidates = Shift.objects.filter(status=ShiftStatus.OPEN, night__lte=latest).select_related("fund__region")
    return [s for s in candidates if nights.watch_window(s.fund, s.night)[1] <= now]


@transaction.atomic
def shift_close_left_open(*, shift: Shift, now: dt.datetime) -> bool:
    """Close a shift nobody closed, the next day, by the system: the records are booked as counted, with a note.

    Returns False when someone closed it meanwhile. The ledger rows name the member who opened the shift
    (the records are theirs); the audit entry has no actor, so the log shows the platform did it.
    """
    if nights.watch_window(shift.fund, shift.night)[1] > now:
        raise Conflict(_(SHIFT_STILL_RUNNING))
    if not Shift.objects.select_for_update().filter(pk=shift.pk, status=ShiftStatus.OPEN).exists():
        return False
    cash = _cash_recorded(shift)
    note = _(LEFT_OPEN_NOTE)
    changes = {"counted_total": cash, "recorded_total": cash, "closed_at": now, "note": note}
    Shift.objects.filter(pk=shift.pk, status=ShiftStatus.OPEN).update(
        status=ShiftStatus.CLOSED, updated_at=now, **changes
    )
    for name, value in changes.items():
        setattr(shift, name, value)
    shift.status = ShiftStatus.CLOSED
    audit.record(
        actor=None,
        action=AuditAction.JIMPITAN_SHIFT_CLOSED_LEFT_OPEN,
        target=shift,
        region=shift.region,
        before={"status": ShiftStatus.OPEN},
        after={"status": ShiftStatus.CLOSED, "recorded_total": cash, "note": note},
    )
    _book_night(shift, cash, 0, shift.opened_by)
    fund_month_refresh(fund=shift.fund, month=nights.month_start(shift.night))
    return True


# --- the city's roll-up -------------------------------------------------------------------------


def _kelurahan_of(area: Area) -> Area:
    """The kelurahan/desa above an RT or RW."""
    return next((a for a in area.lineage() if a.level <= AreaLevel.VILLAGE), area)


def fund_month_refresh(*, fund: Fund, month: dt.date) -> FundMonth:
    """Recount one fund's closed nights of one month (derived numbers: no audit entry, rebuilt at will)."""
    closed = Shift.objects.filter(
        fund=fund, status=ShiftStatus.CLOSED, night__gte=month, night__lt=nights.next_month(month)
    )
    shifts = list(closed)
    houses = selectors.house_months(fund=fund, month=month, shifts=shifts)
    closed_nights = {s.pk for s in shifts}
    paid = Collection.objects.filter(shift_id__in=closed_nights).aggregate(n=Count("id"), rupiah=Sum("amount"))
    numbers = {
        "region": fund.region,
        "kelurahan": _kelurahan_of(fund.area),
        "nights_held": len(shifts),
        "house_nights_expected": sum(h.nights_expected for h in houses),
        "house_nights_paid": paid["n"],
        "collected": paid["rupiah"] or 0,
    }
    if fund.is_monthly:  # a house takes part by paying its month: its nights count as paid, or none of them
        numbers["house_nights_expected"], numbers["house_nights_paid"] = selectors.tariff_participation(houses)
    numbers["house_nights_paid"] = min(numbers["house_nights_paid"], numbers["house_nights_expected"])
    row, _created = FundMonth.objects.update_or_create(fund=fund, month=month, defaults=numbers)
    return row


def fund_months_rebuild(*, region: Region) -> int:
    """Recount every month of every fund of the region (after a bulk load); returns the rows written."""
    written = 0
    for fund in Fund.objects.for_region(region).select_related("region", "area__parent__parent"):
        nights_ = Shift.objects.filter(fund=fund, status=ShiftStatus.CLOSED).values_list("night", flat=True)
        for month in sorted({nights.month_start(n) for n in nights_}):
            fund_month_refresh(fund=fund, month=month)
            written += 1
    return written


def _cash_recorded(shift: Shift) -> int:
    return Collection.objects.filter(shift=shift, method=Method.CASH).aggregate(total=Sum("amount"))["total"] or 0


def _book_night(shift: Shift, cash: int, difference: int, actor: User) -> None:
    if cash:
        _book(shift.fund, EntryKind.COLLECTION, cash, actor, booked_on=shift.night, shift=shift)
    if difference < 0:
        _book(shift.fund, EntryKind.SHORTFALL, -difference, actor, booked_on=shift.night, shift=shift)
    elif difference > 0:
        _book(shift.fund, EntryKind.SURPLUS, difference, actor, booked_on=shift.night, shift=shift)


# --- the cash book ------------------------------------------------------------------------------


def _book(
    fund: Fund,
    kind: str,
    amount: int,
    actor: User,
    *,
    key: uuid.UUID | None = None,
    booked_on: dt.date | None = None,
    reverses: LedgerEntry | None = None,
    **links: Any,
) -> LedgerEntry:
    """Append one entry; runs inside the calling service's transaction (which audits it)."""
    direction = natural_direction(kind)
    if reverses is not None:
        direction = Direction.OUT if direction == Direction.IN else Direction.IN
    entry = LedgerEntry(
        region=fund.region,
        fund=fund,
        kind=kind,
        direction=direction,
        amount=amount,
        booked_on=booked_on or nights.today(fund, _now()),
        reverses=reverses,
        idempotency_key=key or uuid.uuid4(),
        created_by=actor,
        **links,
    )
    _validated(entry).save(force_insert=True)
    return entry


def _replayed_entry(fund: Fund, key: uuid.UUID) -> LedgerEntry | None:
    original = LedgerEntry.objects.filter(idempotency_key=key).first()
    if original is not None and original.fund_id != fund.pk:
        raise Conflict(_(KEY_REUSED))
    return original


def _check_amount(amount: int) -> None:
    if not 1 <= amount <= MAX_ENTRY_AMOUNT:
        raise JimpitanError(_(AMOUNT_RANGE) % {"max": grouped_rupiah(MAX_ENTRY_AMOUNT)}, field="amount")


def _check_cash_for(fund: Fund, amount: int) -> None:
    """Money can only leave the cash box if it is there; the fund row is locked so two payments cannot race."""
    Fund.objects.select_for_update().filter(pk=fund.pk).first()
    balance = selectors.fund_balance(fund=fund)
    if balance < amount:
        raise JimpitanError(_(NOT_ENOUGH_CASH) % {"balance": grouped_rupiah(balance)}, field="amount")


def _audit_entry(entry: LedgerEntry, actor: User, action: AuditAction = AuditAction.JIMPITAN_ENTRY_BOOKED) -> None:
    after = {"kind": entry.kind, "direction": entry.direction, "amount": entry.amount}
    if entry.household_id:
        after["house"] = entry.household.number if entry.household else entry.household_id
    audit.record(actor=actor, action=action, target=entry, region=entry.fund.region, after=after)


def _on_day(fund: Fund, day: dt.date | None) -> dt.date:
    today = nights.today(fund, _now())
    if day is not None and day > today:
        raise JimpitanError(_(DATE_IN_FUTURE), field="booked_on")
    return day or today


@transaction.atomic
def topup_record(*, household: Household, amount: int, idempotency_key: uuid.UUID, actor: User) -> LedgerEntry:
    """A household hands the fund keeper money for its prepaid balance: cash into the fund."""
    fund = household.fund
    _require(actor, MANAGE, fund)
    original = _replayed_entry(fund, idempotency_key)
    if original is not None:
        return original
    if not fund.is_prepaid:
        raise JimpitanError(_(PREPAID_ONLY))
    if not household.is_active:
        raise Conflict(_(HOUSEHOLD_MOVED_OUT))
    _check_amount(amount)
    entry = _book(fund, EntryKind.TOP_UP, amount, actor, key=idempotency_key, household=household)
    _audit_entry(entry, actor)
    return entry


@transaction.atomic
def income_record(
    *,
    fund: Fund,
    kind: str,
    amount: int,
    description: str,
    idempotency_key: uuid.UUID,
    actor: User,
    booked_on: dt.date | None = None,
) -> LedgerEntry:
    """A donation, or the balance carried over from the paper cash book."""
    _require(actor, MANAGE, fund)
    original = _replayed_entry(fund, idempotency_key)
    if original is not None:
        return original
    if kind not in (EntryKind.DONATION, EntryKind.CARRIED_OVER):
        raise JimpitanError(_(INCOME_KIND_INVALID), field="kind")
    _check_amount(amount)
    day = _on_day(fund, booked_on)
    entry = _book(fund, kind, amount, actor, key=idempotency_key, booked_on=day, description=description.strip())
    _audit_entry(entry, actor)
    return entry


@transaction.atomic
def expense_record(
    *,
    fund: Fund,
    amount: int,
    purpose: str,
    receipt: UploadedFile | None,
    idempotency_key: uuid.UUID,
    actor: User,
    spent_on: dt.date | None = None,
) -> LedgerEntry:
    """The treasurer pays from the fund: the purpose and a photo of the receipt go with it."""
    _require(actor, MANAGE, fund)
    original = _replayed_entry(fund, idempotency_key)
    if original is not None:
        return original
    if not purpose.strip():
        raise JimpitanError(_(PURPOSE_REQUIRED), field="description")
    if not receipt:
        raise JimpitanError(_(RECEIPT_REQUIRED), field="receipt")
    _check_amount(amount)
    day = _on_day(fund, spent_on)
    _check_cash_for(fund, amount)
    entry = _book(
        fund,
        EntryKind.EXPENSE,
        amount,
        actor,
        key=idempotency_key,
        booked_on=day,
        description=purpose.strip(),
        receipt=receipt,  # stored under a random name by the insert itself
    )
    _audit_entry(entry, actor)
    return entry


def _check_reversible(entry: LedgerEntry, reason: str) -> None:
    if not reason.strip():
        raise JimpitanError(_(REASON_REQUIRED), field="reason")
    if entry.is_reversal:
        raise Conflict(_(REVERSAL_OF_REVERSAL))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_(ALREADY_REVERSED))


def _check_reversal_covered(entry: LedgerEntry) -> None:
    """Taking income back needs the cash (and, for a top-up, the household's unspent balance)."""
    if entry.direction != Direction.IN:
        return
    _check_cash_for(entry.fund, entry.amount)
    if entry.kind == EntryKind.TOP_UP and entry.household is not None:
        Household.objects.select_for_update().filter(pk=entry.household.pk).first()
        balance = selectors.prepaid_balance(household=entry.household)
        if balance < entry.amount:
            raise JimpitanError(_(NOT_ENOUGH_PREPAID) % {"balance": grouped_rupiah(balance)})


@transaction.atomic
def entry_reverse(*, entry: LedgerEntry, reason: str, idempotency_key: uuid.UUID, actor: User) -> LedgerEntry:
    """Correct an entry by booking its mirror image; the original stays as it was."""
    fund = entry.fund
    _require(actor, MANAGE, fund)
    original = _replayed_entry(fund, idempotency_key)
    if original is not None:
        return original
    _check_reversible(entry, reason)
    _check_reversal_covered(entry)
    links: dict[str, Any] = {"household": entry.household, "arrear": entry.arrear, "shift": entry.shift}
    try:
        with transaction.atomic():
            reversal = _book(
                fund,
                entry.kind,
                entry.amount,
                actor,
                key=idempotency_key,
                reverses=entry,
                description=reason.strip(),
                **links,
            )
    except IntegrityError as error:
        raise Conflict(_(ALREADY_REVERSED)) from error
    audit.record(
        actor=actor,
        action=AuditAction.JIMPITAN_ENTRY_REVERSED,
        target=entry,
        region=fund.region,
        after={"reversal": reversal.pk, "amount": entry.amount, "reason": reason.strip()},
    )
    return reversal


# --- arrears ------------------------------------------------------------------------------------


def _owed(fund: Fund, row: selectors.HouseMonth) -> int:
    """Nightly: each missed night at the nightly amount; monthly: the tariff less what was paid, for a whole month."""
    if not fund.is_monthly:
        return row.nights_missed * fund.nightly_amount
    return max(fund.monthly_tariff - row.amount_paid, 0) if row.whole_month else 0


@transaction.atomic
def arrears_assess(*, fund: Fund, month: dt.date, actor: User) -> list[Arrear]:
    """Turn a finished month's unpaid nights (or unpaid tariff) into arrears; running it again adds none twice."""
    _require(actor, MANAGE, fund)
    month = nights.month_start(month)
    if month >= nights.month_start(nights.today(fund, _now())):
        raise JimpitanError(_(MONTH_NOT_OVER), field="month")
    Fund.objects.select_for_update().filter(pk=fund.pk).first()
    shifts = list(Shift.objects.filter(fund=fund, night__gte=month, night__lt=nights.next_month(month)))
    rows = selectors.house_months(fund=fund, month=month, shifts=shifts)
    new = [
        Arrear(
            region=fund.region,
            fund=fund,
            household=row.household,
            month=month,
            amount=_owed(fund, row),
            missed_nights=row.nights_missed if not fund.is_monthly else 0,
            paid_in_month=row.amount_paid,
            created_by=actor,
        )
        for row in rows
        if row.arrear is None and _owed(fund, row) > 0
    ]
    created = Arrear.objects.bulk_create(new)
    after = {"month": month.isoformat(), "arrears": len(created), "total": sum(a.amount for a in created)}
    audit.record(
        actor=actor, action=AuditAction.JIMPITAN_ARREARS_ASSESSED, target=fund, region=fund.region, after=after
    )
    return created


@transaction.atomic
def arrear_settle(*, arrear: Arrear, idempotency_key: uuid.UUID, actor: User) -> LedgerEntry:
    """The household pays its arrear at the monthly meeting: an income entry linked to the arrear."""
    fund = arrear.fund
    _require(actor, MANAGE, fund)
    original = _replayed_entry(fund, idempotency_key)
    if original is not None:
        return original
    Arrear.objects.select_for_update().filter(pk=arrear.pk).first()
    if selectors.arrear_is_settled(arrear=arrear):
        raise Conflict(_(ALREADY_SETTLED))
    entry = _book(
        fund,
        EntryKind.ARREAR_SETTLEMENT,
        arrear.amount,
        actor,
        key=idempotency_key,
        household=arrear.household,
        arrear=arrear,
        description=f"{arrear.month:%Y-%m}",
    )
    after = {"house": arrear.household.number, "month": arrear.month.isoformat(), "amount": arrear.amount}
    audit.record(
        actor=actor, action=AuditAction.JIMPITAN_ARREAR_SETTLED, target=arrear, region=fund.region, after=after
    )
    return entry
