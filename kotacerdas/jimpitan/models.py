"""The jimpitan room: a neighbourhood night-watch fund, its households, roster, nightly shifts and cash book.

Money is whole rupiah in integer columns. The cash book (`LedgerEntry`) and the nightly records
(`Collection`) are append-only: a saved row never changes and is never deleted; a correction is a
reversing entry. No balance is stored anywhere: every balance is a sum of entries.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import RegionOwnedModel, RegionOwnedQuerySet

MAX_NIGHTLY_AMOUNT = 100_000  # whole rupiah; a household leaves Rp200–1,000 a night
MAX_MONTHLY_TARIFF = 10_000_000
MAX_ENTRY_AMOUNT = 100_000_000  # one line of a neighbourhood cash book
TAG_TOKEN_BYTES = 12  # 16 URL-safe characters: unguessable, and short enough for a small QR code
SHARE_TOKEN_BYTES = 24


def new_tag_token() -> str:
    return secrets.token_urlsafe(TAG_TOKEN_BYTES)


def new_share_token() -> str:
    return secrets.token_urlsafe(SHARE_TOKEN_BYTES)


class AppendOnlyError(RuntimeError):
    """A saved row of an append-only table was about to change or disappear."""


class AppendOnlyQuerySet(RegionOwnedQuerySet[Any]):
    """Bulk updates and deletes are refused: the rows are a record, corrected by new rows."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(RegionOwnedModel):
    """Rows are inserted once and never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only; book a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only; book a correction instead")


# --- the fund -----------------------------------------------------------------------------------


class Scheme(models.TextChoices):
    NIGHTLY = "nightly", _("A small amount every night")
    MONTHLY = "monthly", _("A monthly tariff")


class Payment(models.TextChoices):
    CASH = "cash", _("Cash at the door")
    PREPAID = "prepaid", _("Prepaid balance")


class Rotation(models.TextChoices):
    WEEKLY = "weekly", _("One group per night of the week")
    CYCLE = "cycle", _("Groups take turns in order")


class FundQuerySet(RegionOwnedQuerySet["Fund"]):
    def in_areas(self, areas: list[Any]) -> FundQuerySet:
        return self.filter(area__in=areas)


class Fund(RegionOwnedModel):
    """The jimpitan fund of one RT (or RW): its scheme, its watch hours and the RT/RW split."""

    area = models.ForeignKey("regions.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("RT or RW"))
    name = models.CharField(_("name"), max_length=120)
    scheme = models.CharField(_("scheme"), max_length=12, choices=Scheme.choices, default=Scheme.NIGHTLY)
    nightly_amount = models.PositiveIntegerField(
        _("nightly amount (Rp)"), default=0, validators=[MaxValueValidator(MAX_NIGHTLY_AMOUNT)]
    )
    monthly_tariff = models.PositiveIntegerField(
        _("monthly tariff (Rp)"), default=0, validators=[MaxValueValidator(MAX_MONTHLY_TARIFF)]
    )
    payment = models.CharField(_("payment"), max_length=12, choices=Payment.choices, default=Payment.CASH)
    watch_start = models.TimeField(_("watch starts"), default=dt.time(22, 0))
    watch_end = models.TimeField(_("watch ends"), default=dt.time(6, 0))
    rw_share_percent = models.PositiveSmallIntegerField(
        _("RW share (%)"), default=30, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    rotation = models.CharField(_("rotation"), max_length=12, choices=Rotation.choices, default=Rotation.WEEKLY)
    rotation_start = models.DateField(_("first night of the rotation"), null=True, blank=True)
    share_token = models.CharField(max_length=48, null=True, blank=True, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("jimpitan fund")
        verbose_name_plural = _("jimpitan funds")
        constraints = [
            models.UniqueConstraint(fields=["area"], name="jimpitan_fund_one_per_area"),
            models.CheckConstraint(
                condition=Q(rw_share_percent__gte=0, rw_share_percent__lte=100), name="jimpitan_fund_share_range"
            ),
            models.CheckConstraint(
                condition=Q(scheme=Scheme.NIGHTLY, nightly_amount__gt=0)
                | Q(scheme=Scheme.MONTHLY, monthly_tariff__gt=0),
                name="jimpitan_fund_scheme_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(scheme=Scheme.MONTHLY, payment=Payment.PREPAID), name="jimpitan_fund_prepaid_is_nightly"
            ),
            models.CheckConstraint(condition=~Q(watch_start=models.F("watch_end")), name="jimpitan_fund_watch_length"),
            models.CheckConstraint(
                condition=~Q(rotation=Rotation.CYCLE, rotation_start__isnull=True),
                name="jimpitan_fund_cycle_has_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_prepaid(self) -> bool:
        return self.payment == Payment.PREPAID

    @property
    def is_monthly(self) -> bool:
        return self.scheme == Scheme.MONTHLY

    @property
    def rt_share_percent(self) -> int:
        return 100 - self.rw_share_percent


# --- households ---------------------------------------------------------------------------------


class Household(RegionOwnedModel):
    """A house of the RT: its head, its door tag (an opaque token, no personal data) and whether it still lives here."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="households", verbose_name=_("fund"))
    number = models.CharField(_("house number"), max_length=20)
    address = models.CharField(_("address"), max_length=200, blank=True)
    head_name = models.CharField(_("head of household"), max_length=120)
    is_active = models.BooleanField(_("lives here"), default=True)
    registered_on = models.DateField(_("registered on"))
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    tag_token = models.CharField(max_length=32, unique=True, default=new_tag_token, editable=False)

    objects = RegionOwnedQuerySet["Household"].as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "number"], condition=Q(is_active=True), name="jimpitan_household_active_number"
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, moved_out_on__isnull=True) | Q(is_active=False, moved_out_on__isnull=False),
                name="jimpitan_household_moved_out_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(_("House %(number)s") % {"number": self.number})

    def expected_on(self, night: dt.date) -> bool:
        """Whether the household was living here on that night (registered, not yet moved out)."""
        return self.registered_on <= night and (self.moved_out_on is None or night < self.moved_out_on)


# --- the ronda roster ---------------------------------------------------------------------------

WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]


class RondaGroup(RegionOwnedModel):
    """A group of residents on watch together; weekly: `position` is the night (1 Monday … 7 Sunday)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(_("night or turn"), validators=[MinValueValidator(1)])

    objects = RegionOwnedQuerySet["RondaGroup"].as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("ronda group")
        verbose_name_plural = _("ronda groups")
        constraints = [
            models.UniqueConstraint(fields=["fund", "position"], name="jimpitan_group_unique_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="jimpitan_group_position_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def turn_label(self) -> str:
        """The night of a weekly group (e.g. "Thursday"), or the turn of a group in a cycle."""
        if self.fund.rotation == Rotation.WEEKLY and 1 <= self.position <= len(WEEKDAYS):
            return str(WEEKDAYS[self.position - 1][1])
        return str(_("turn %(number)s") % {"number": self.position})


class RondaGroupMember(RegionOwnedModel):
    """A resident with an account (ronda member or treasurer of the fund's area) in a group."""

    group = models.ForeignKey(RondaGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = RegionOwnedQuerySet["RondaGroupMember"].as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="jimpitan_group_member_once")]

    def __str__(self) -> str:
        return f"{self.group} · {self.user}"


# --- nights -------------------------------------------------------------------------------------


class ShiftStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Shift(RegionOwnedModel):
    """One night's watch of a fund: opened by the group on duty, closed with the cash counted."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="shifts")
    night = models.DateField(_("night of"))
    group = models.ForeignKey(RondaGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=ShiftStatus.choices, default=ShiftStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_total = models.PositiveIntegerField(_("cash recorded (Rp)"), null=True, blank=True)
    counted_total = models.PositiveIntegerField(_("cash counted (Rp)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = RegionOwnedQuerySet["Shift"].as_manager()

    class Meta:
        ordering = ["-night"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.UniqueConstraint(fields=["fund", "night"], name="jimpitan_shift_one_per_night"),
            models.CheckConstraint(
                condition=Q(status=ShiftStatus.OPEN)
                | Q(status=ShiftStatus.CLOSED, counted_total__isnull=False, recorded_total__isnull=False),
                name="jimpitan_shift_closed_is_counted",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Night of %(night)s") % {"night": self.night.isoformat()})

    @property
    def difference(self) -> int | None:
        """Counted minus recorded cash: negative is a shortfall, positive a surplus."""
        if self.counted_total is None or self.recorded_total is None:
            return None
        return self.counted_total - self.recorded_total

    @property
    def is_open(self) -> bool:
        return self.status == ShiftStatus.OPEN


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    PREPAID = "prepaid", _("Prepaid balance")


class Collection(AppendOnlyModel):
    """One house's contribution on one night, recorded by the ronda; at most one per house per night."""

    # No index of their own for fund, shift and household: each leads one below (every index is written on
    # every night's insert, and the city's table holds millions of rows).
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+", db_index=False)
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="collections", db_index=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="collections", db_index=False)
    night = models.DateField(_("night of"))
    method = models.CharField(_("paid by"), max_length=12, choices=Method.choices)
    amount = models.PositiveIntegerField(_("amount (Rp)"))
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    collected_at = models.DateTimeField(_("collected at"))
    # Unique within its shift: a phone sends it again only to the shift it was recorded for. Led by the shift, the
    # index takes each insert at the end of tonight's entries; a phone's random UUID alone would land on a random
    # page of an index of the whole country's collections (hundreds of MB, mostly not in memory).
    idempotency_key = models.UUIDField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["collected_at", "id"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        constraints = [
            models.UniqueConstraint(fields=["household", "night"], name="jimpitan_collection_once_per_night"),
            models.UniqueConstraint(fields=["shift", "idempotency_key"], name="jimpitan_collection_key_per_shift"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="jimpitan_collection_amount_positive"),
            models.CheckConstraint(condition=Q(method__in=Method.values), name="jimpitan_collection_method_known"),
        ]
        indexes = [models.Index(fields=["fund", "night"], name="jimpitan_collection_night_idx")]

    def __str__(self) -> str:
        return f"{self.household} · {self.night.isoformat()} · Rp{self.amount}"


# --- the cash book ------------------------------------------------------------------------------


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class EntryKind(models.TextChoices):
    COLLECTION = "collection", _("Nightly collection")
    SURPLUS = "surplus", _("Counted cash above the records")
    TOP_UP = "top_up", _("Prepaid top-up")
    DONATION = "donation", _("Donation")
    CARRIED_OVER = "carried_over", _("Carried over from the paper cash book")
    ARREAR_SETTLEMENT = "arrear_settlement", _("Arrear settled")
    EXPENSE = "expense", _("Expense")
    SHORTFALL = "shortfall", _("Counted cash below the records")


INCOME_KINDS = frozenset(
    {
        EntryKind.COLLECTION,
        EntryKind.SURPLUS,
        EntryKind.TOP_UP,
        EntryKind.DONATION,
        EntryKind.CARRIED_OVER,
        EntryKind.ARREAR_SETTLEMENT,
    }
)
EXPENSE_KINDS = frozenset({EntryKind.EXPENSE, EntryKind.SHORTFALL})
SHIFT_KINDS = frozenset({EntryKind.COLLECTION, EntryKind.SURPLUS, EntryKind.SHORTFALL})


def natural_direction(kind: str) -> str:
    """Income comes in and expenses go out; a reversing entry of the same kind runs the other way."""
    return Direction.IN if kind in INCOME_KINDS else Direction.OUT


def receipt_upload_path(entry: LedgerEntry, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"jimpitan/{entry.region_id}/{entry.fund_id}/{uuid.uuid4().hex}.{suffix[:5]}"


class LedgerEntry(AppendOnlyModel):
    """One line of a fund's cash book: money in or out, never edited; a correction is a reversing entry."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    amount = models.PositiveIntegerField(_("amount (Rp)"), validators=[MaxValueValidator(MAX_ENTRY_AMOUNT)])
    booked_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    arrear = models.ForeignKey("Arrear", on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("corrects")
    )
    receipt = models.ImageField(_("photo of the receipt"), upload_to=receipt_upload_path, blank=True)
    idempotency_key = models.UUIDField(unique=True, default=uuid.uuid4)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["booked_on", "id"]
        verbose_name = _("cash book entry")
        verbose_name_plural = _("cash book entries")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="jimpitan_entry_amount_positive"),
            models.CheckConstraint(condition=Q(direction__in=Direction.values), name="jimpitan_entry_direction_known"),
            # Income runs in and expenses out; only a reversing entry runs against its kind.
            models.CheckConstraint(
                condition=Q(kind__in=INCOME_KINDS, direction=Direction.IN, reverses__isnull=True)
                | Q(kind__in=INCOME_KINDS, direction=Direction.OUT, reverses__isnull=False)
                | Q(kind__in=EXPENSE_KINDS, direction=Direction.OUT, reverses__isnull=True)
                | Q(kind__in=EXPENSE_KINDS, direction=Direction.IN, reverses__isnull=False),
                name="jimpitan_entry_direction_matches_kind",
            ),
            # A night's cash is booked once: one collection line, at most one difference line.
            models.UniqueConstraint(
                fields=["shift", "kind"],
                condition=Q(shift__isnull=False, reverses__isnull=True),
                name="jimpitan_entry_shift_booked_once",
            ),
        ]
        indexes = [models.Index(fields=["fund", "booked_on"], name="jimpitan_entry_fund_date_idx")]

    def __str__(self) -> str:
        sign = "+" if self.direction == Direction.IN else "−"
        return f"{self.get_kind_display()} {sign}Rp{self.amount}"

    @property
    def signed_amount(self) -> int:
        return self.amount if self.direction == Direction.IN else -self.amount

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class Arrear(AppendOnlyModel):
    """What a household still owed for a month once the month was over; settled by a cash book entry."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="arrears")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="arrears")
    month = models.DateField(_("month"))  # the first day of the month
    amount = models.PositiveIntegerField(_("amount (Rp)"))
    missed_nights = models.PositiveSmallIntegerField(_("missed nights"), default=0)
    paid_in_month = models.PositiveIntegerField(_("paid in the month (Rp)"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "household__number"]
        verbose_name = _("arrear")
        verbose_name_plural = _("arrears")
        constraints = [
            models.UniqueConstraint(fields=["household", "month"], name="jimpitan_arrear_once_per_month"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="jimpitan_arrear_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.month:%Y-%m} · Rp{self.amount}"


# --- the city's roll-up -------------------------------------------------------------------------


class FundMonth(RegionOwnedModel):
    """One fund's closed nights of one month in numbers only, kept up to date when a shift closes.

    The city's Smart Society dashboard reads these rows (a few per RT and month) instead of scanning
    millions of collections; they hold counts and rupiah totals, never a household.
    """

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    kelurahan = models.ForeignKey("regions.Area", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # its first day
    nights_held = models.PositiveIntegerField(default=0)
    # Under a monthly tariff a house's nights count as paid when it paid its month (selectors.tariff_participation).
    house_nights_expected = models.PositiveIntegerField(default=0)
    house_nights_paid = models.PositiveIntegerField(default=0)
    collected = models.PositiveBigIntegerField(_("collected (Rp)"), default=0)

    objects = RegionOwnedQuerySet["FundMonth"].as_manager()

    class Meta:
        verbose_name = _("fund month")
        verbose_name_plural = _("fund months")
        constraints = [
            models.UniqueConstraint(fields=["fund", "month"], name="jimpitan_fundmonth_one_per_month"),
            models.CheckConstraint(
                condition=Q(house_nights_paid__lte=models.F("house_nights_expected")),
                name="jimpitan_fundmonth_paid_within_expected",
            ),
        ]
        indexes = [models.Index(fields=["region", "month"], name="jimpitan_fundmonth_region_idx")]

    def __str__(self) -> str:
        return f"{self.fund_id} · {self.month:%Y-%m}"
