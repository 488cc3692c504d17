"""Demo of the jimpitan room: three RTs of RW 01, Kelurahan Patangpuluhan, with three months of nights behind them.

- RT 01 takes Rp500 a night in cash (watch 22:00–06:00, 70/30 between RT and RW); `bendahara.yogyakarta` is its
  treasurer. `ronda.yogyakarta` is in every night's group so that tonight is always theirs, whenever the demo is
  opened; in the history they walk on Thursdays.
- RT 02 debits Rp1,000 a night from prepaid balances that households top up with the treasurer.
- RT 03 asks a monthly tariff of Rp15,000: most houses still drop Rp500 in the tin at the door each night, a few pay
  the whole tariff at once; what is short when the month is over becomes an arrear, settled at the monthly meeting.

Every household, head of household and ronda member here is illustrative, not a real resident: names are drawn
with a fixed seed from lists of common Javanese and Indonesian given names. Amounts, expenses, missed nights and the
weather are demo values. The treasurers of RT 02 and RT 03 and the ronda members are residents' accounts without a
password (nobody logs in with them); the demo accounts are those of demo/data.py.

The set-up goes through the services (funds, households, roster, opening balance, expenses, a donation, arrears,
the shared report link). The nights cannot: the services check the watch against the real clock. So the closed
nights up to last night, the prepaid top-ups and the arrears settled at past meetings are written in bulk exactly
as the services would have left them (one collection per house per night inside its night's watch, by a member of
the group on duty; each night's recorded cash and any counted difference booked once, with a note; balances never
below zero), without an audit entry per row. The RW share is computed by the monthly report, as in the room, not
booked. Loading again adds nothing: an RT that has a fund is left as it is.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from kotacerdas.accounts import services as accounts
from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.jimpitan import nights, selectors, services
from kotacerdas.jimpitan.models import (
    Arrear,
    Collection,
    EntryKind,
    Fund,
    Household,
    LedgerEntry,
    Method,
    Payment,
    Scheme,
    Shift,
    ShiftStatus,
    natural_direction,
)
from kotacerdas.jimpitan.services import FundTerms
from kotacerdas.regions.models import Area, AreaLevel, Region

TREASURER = "bendahara.yogyakarta"
RONDA_MEMBER = "ronda.yogyakarta"
SEED = "patangpuluhan-jimpitan"
HISTORY_NIGHTS = 91  # three months of closed nights, the last of them last night
GROUPS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
RONDA_NIGHT = 4  # Thursday: the night ronda.yogyakarta walks in the history
RESIDENTS_PER_GROUP = 2  # ronda members with an account in each group (the others walk without a phone)


@dataclass(frozen=True)
class RtDemo:
    """One RT's fund in the demo: its scheme, who keeps the book, its size and its habits."""

    rt: str
    terms: FundTerms
    households: int
    opening_balance: int
    treasurer: str = ""  # a demo account; empty: the head of house 1 keeps the book
    ronda: str = ""  # a demo account put in every night's group, so that tonight is always theirs
    lump_payers: int = 0  # monthly tariff: houses that pay it at once instead of in nightly coins
    bills_missed_nights: bool = True  # arrears assessed after each whole month and settled at the meeting
    one_family_moved: bool = True  # one house changed hands half-way through the history


RTS = [
    RtDemo(
        rt="RT 01",
        terms=FundTerms(name="Jimpitan RT 01 RW 01 Patangpuluhan", nightly_amount=500, rw_share_percent=30),
        households=60,
        opening_balance=250_000,
        treasurer=TREASURER,
        ronda=RONDA_MEMBER,
    ),
    RtDemo(
        rt="RT 02",
        terms=FundTerms(
            name="Jimpitan RT 02 RW 01 Patangpuluhan",
            nightly_amount=1_000,
            payment=Payment.PREPAID,
            watch_start=dt.time(23, 0),
            watch_end=dt.time(4, 0),
            rw_share_percent=30,
        ),
        households=58,
        opening_balance=180_000,
        bills_missed_nights=False,  # a prepaid night not scanned is simply not debited
        one_family_moved=False,
    ),
    RtDemo(
        rt="RT 03",
        terms=FundTerms(
            name="Jimpitan RT 03 RW 01 Patangpuluhan",
            scheme=Scheme.MONTHLY,
            monthly_tariff=15_000,
            watch_end=dt.time(5, 0),
            rw_share_percent=20,
        ),
        households=62,
        opening_balance=320_000,
        lump_payers=3,
    ),
]
COIN = 500  # what a house of the monthly-tariff RT drops in the tin on a night

# fmt: off
MEN = [
    "Sutrisno", "Suparno", "Sugeng", "Slamet", "Bambang", "Joko", "Agus", "Budi", "Heru", "Wahyu", "Eko", "Hadi",
    "Purwanto", "Suryadi", "Sumarno", "Ngadiman", "Tukiman", "Rahmat", "Ahmad", "Teguh", "Gunawan", "Darmaji",
    "Sukirno", "Haryanto", "Margono", "Subagyo", "Kusno", "Widodo", "Priyanto", "Sarwono", "Yulianto", "Wiyono",
    "Paimin", "Sudarmo", "Triyono", "Mujiono", "Suwarno", "Rudi", "Dwi", "Anton",
]
WOMEN = [
    "Sri", "Siti", "Suparmi", "Sumiyati", "Ngatini", "Endang", "Wartini", "Painem", "Sutarni", "Rini", "Yuni", "Dewi",
    "Kartini", "Murni", "Tumini", "Sukarti", "Ambarwati", "Purwanti", "Wulandari", "Tri", "Nur", "Sumarni",
]
MEN_SECOND = [
    "Santoso", "Wibowo", "Prasetyo", "Susilo", "Hidayat", "Setiawan", "Nugroho", "Utomo", "Kurniawan", "Saputra",
    "Hartono", "Purnomo",
]
WOMEN_SECOND = [
    "Rahayu", "Lestari", "Wahyuni", "Handayani", "Astuti", "Rahmawati", "Suryani", "Pratiwi", "Sulistyowati",
]
# fmt: on

RAINY_SEASON = {11, 12, 1, 2, 3, 4}
RAIN_NOTES = [
    "Hujan deras, ronda keliling hanya sekali.",
    "Hujan sejak sore; beberapa warga tidak menaruh kaleng jimpitan.",
    "Gerimis sampai tengah malam.",
]
QUIET_NIGHTS = {  # (month, day): why many houses were empty
    (8, 16): "Malam tirakatan 17 Agustus: banyak warga di balai RW.",
    (12, 24): "Malam Natal: sebagian warga ke gereja.",
    (12, 31): "Malam tahun baru: banyak rumah kosong.",
}
SHORT_NOTES = [
    "Kurang {amount}: ada koin yang jatuh waktu keliling.",
    "Kurang {amount}: satu kaleng sudah dicatat tetapi ternyata kosong.",
]
SURPLUS_NOTES = [
    "Lebih {amount}: warga menitip uang untuk malam kemarin.",
    "Lebih {amount}: ada uang di kaleng yang lupa dicatat.",
]
# (purpose, lowest, highest, day of the month): every month.
MONTHLY_EXPENSES = [
    ("Konsumsi ronda (kopi, teh, gula)", 60_000, 110_000, 3),
    ("Iuran sampah RW", 40_000, 40_000, 10),
    ("Konsumsi ronda (kopi, teh, gula)", 60_000, 110_000, 18),
]
# (purpose, lowest, highest): one of them in a month, on a day between the 12th and the 26th.
OCCASIONAL_EXPENSES = [
    ("Beli senter dan baterai", 35_000, 65_000),
    ("Ganti lampu pos ronda", 20_000, 35_000),
    ("Fotokopi kartu jimpitan", 15_000, 25_000),
    ("Santunan warga sakit", 100_000, 150_000),
    ("Sumbangan layatan warga yang meninggal", 200_000, 300_000),
    ("Cat dan perbaikan pos ronda", 150_000, 250_000),
    ("Perbaikan kentongan pos ronda", 25_000, 40_000),
]
DONATION = "Sumbangan warga untuk perbaikan pos ronda"


def load(region: Region) -> None:
    """Build each RT's fund that does not exist yet, then recount the city's monthly summary."""
    built = [_load_rt(region, plan) for plan in RTS]
    if any(built):
        services.fund_months_rebuild(region=region)


def _load_rt(region: Region, plan: RtDemo) -> bool:
    rt = Area.objects.get(
        region=region, level=AreaLevel.RT, name=plan.rt, parent__name="RW 01", parent__parent__name="Patangpuluhan"
    )
    if Fund.objects.filter(area=rt).exists():
        return False
    rng = random.Random(f"{SEED}-{plan.rt}")
    heads = _head_names(rng, plan.households + 1)  # one more: the family that moved in
    treasurer = _treasurer(rt, plan, heads[0])
    fund = services.fund_create(area=rt, terms=plan.terms, actor=treasurer)
    history = history_nights(fund)
    houses = _households(fund, plan, heads, history, rng, treasurer)
    walkers = _roster(fund, plan, houses, rng, treasurer)
    services.income_record(
        fund=fund,
        kind=EntryKind.CARRIED_OVER,
        amount=plan.opening_balance,
        description="Saldo buku kas ronda sebelumnya (contoh demo)",
        idempotency_key=uuid.uuid4(),
        actor=treasurer,
        booked_on=history[0] - dt.timedelta(days=1),
    )
    NightWriter(fund, houses, walkers, rng, treasurer).write(history)
    _expenses(fund, history, rng, treasurer)
    if plan.bills_missed_nights:
        _arrears(fund, history, rng, treasurer)
    services.fund_share(fund=fund, actor=treasurer)
    return True


def history_nights(fund: Fund) -> list[dt.date]:
    """The last HISTORY_NIGHTS nights whose watch is over (a watch running now is left for the ronda)."""
    now = timezone.now()
    last = nights.today(fund, now) - dt.timedelta(days=1)
    if nights.watch_window(fund, last)[1] > now:
        last -= dt.timedelta(days=1)
    return [last - dt.timedelta(days=n) for n in range(HISTORY_NIGHTS - 1, -1, -1)]


# --- people -------------------------------------------------------------------------------------


def _head_names(rng: random.Random, count: int) -> list[str]:
    """Distinct illustrative names of heads of household: mostly men, as on an RT's list, some women."""
    names: list[str] = []
    while len(names) < count:
        woman = rng.random() < 0.25
        given = rng.choice(WOMEN if woman else MEN)
        name = f"{given} {rng.choice(WOMEN_SECOND if woman else MEN_SECOND)}" if rng.random() < 0.5 else given
        if name not in names:
            names.append(name)
    return names


def _resident(rt: Area, username: str, full_name: str, role: str) -> User:
    """A resident's account without a password (nobody logs in with it) and their role in the RT."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts.user_create(username=username, password=None, full_name=full_name, actor=None)
    accounts.membership_grant(user=user, role=role, region=rt.region, area=rt, actor=None)
    return user


def _username(rt: Area, house: int) -> str:
    return f"warga-rt{rt.name.split()[-1]}-{house:02d}"


def _treasurer(rt: Area, plan: RtDemo, head_of_house_1: str) -> User:
    if plan.treasurer:
        return User.objects.get(username=plan.treasurer)
    return _resident(rt, _username(rt, 1), head_of_house_1, Role.RT_TREASURER)


def _roster(
    fund: Fund, plan: RtDemo, houses: list[House], rng: random.Random, treasurer: User
) -> dict[int, list[User]]:
    """Seven groups, one per night, each with residents of the RT; returns who walks on each night."""
    rt, first = fund.area, min(h.household.registered_on for h in houses)
    neighbours = [
        h.household
        for h in houses
        if h.household.is_active and h.household.registered_on == first and h.household.number != "1"
    ]
    chosen = rng.sample(neighbours, len(GROUPS) * RESIDENTS_PER_GROUP)
    ronda = User.objects.get(username=plan.ronda) if plan.ronda else None
    walkers: dict[int, list[User]] = {}
    for position, day in enumerate(GROUPS, start=1):
        group = services.group_create(fund=fund, name=f"Kelompok {day}", position=position, actor=treasurer)
        residents = [
            _resident(rt, _username(rt, int(h.number)), h.head_name, Role.RONDA_MEMBER)
            for h in chosen[(position - 1) * RESIDENTS_PER_GROUP : position * RESIDENTS_PER_GROUP]
        ]
        for member in residents + ([ronda] if ronda else []):
            services.group_member_add(group=group, user=member, actor=treasurer)
        walkers[position] = [ronda, *residents] if ronda and position == RONDA_NIGHT else residents
    return walkers


# --- households and their habits ----------------------------------------------------------------


@dataclass
class House:
    """A household and its habits: how often nobody is home, what it leaves, how it pays."""

    household: Household
    miss: float  # the chance that the ronda finds nothing on an ordinary night
    amount: int  # what it leaves on a night (a monthly-tariff house: the tariff, when it pays at once)
    lump: bool = False
    top_up: int = 0  # prepaid: what it hands the treasurer when its balance runs low
    balance: int = 0
    to_pay: dict[dt.date, bool] = field(default_factory=dict)  # lump payers: month → still to pay in it


def _miss_chance(rng: random.Random) -> float:
    """Most houses are nearly always home; some are often away; a few are rarely home at night."""
    draw = rng.random()
    if draw < 0.72:
        return rng.uniform(0.02, 0.05)
    if draw < 0.94:
        return rng.uniform(0.08, 0.15)
    return rng.uniform(0.25, 0.40)


def _households(
    fund: Fund, plan: RtDemo, heads: list[str], history: list[dt.date], rng: random.Random, treasurer: User
) -> list[House]:
    """Register the houses (through the service), dated to the first night the RT kept its book here."""
    created = [
        services.household_create(fund=fund, number=str(n), head_name=heads[n - 1], actor=treasurer)
        for n in range(1, plan.households + 1)
    ]
    Household.objects.filter(fund=fund).update(registered_on=history[0])
    for household in created:
        household.registered_on = history[0]
    if plan.one_family_moved:
        created.append(_family_moved(fund, created, heads[-1], history[len(history) // 2], rng, treasurer))
    lump = set(rng.sample(range(len(created)), plan.lump_payers))
    return [_habits(fund, household, index in lump, rng) for index, household in enumerate(created)]


def _family_moved(
    fund: Fund, households: list[Household], newcomer: str, day: dt.date, rng: random.Random, treasurer: User
) -> Household:
    """A family leaves half-way through the history and another moves into its house."""
    leaving = households[rng.randrange(1, len(households))]
    services.household_move_out(household=leaving, moved_out_on=day, actor=treasurer)
    moved_in = services.household_create(fund=fund, number=leaving.number, head_name=newcomer, actor=treasurer)
    Household.objects.filter(pk=moved_in.pk).update(registered_on=day)
    moved_in.registered_on = day
    return moved_in


def _habits(fund: Fund, household: Household, lump: bool, rng: random.Random) -> House:
    if fund.is_monthly:
        return House(household, _miss_chance(rng), fund.monthly_tariff if lump else COIN, lump=lump)
    amount = 1_000 if not fund.is_prepaid and rng.random() < 0.08 else fund.nightly_amount  # a few give more
    top_up = rng.choice([20_000, 30_000, 30_000, 50_000]) if fund.is_prepaid else 0
    return House(household, _miss_chance(rng), amount, top_up=top_up)


# --- the nights ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Weather:
    """What kind of night it was across the kelurahan: how much likelier a house is to be missed, and why."""

    factor: float
    rainy: bool = False
    quiet: str = ""


def weather(night: dt.date) -> Weather:
    """The same for every RT on a night (seeded by the date): rain, a holiday eve or a Saturday night out."""
    if (night.month, night.day) in QUIET_NIGHTS:
        return Weather(3.5, quiet=QUIET_NIGHTS[(night.month, night.day)])
    rain = 0.35 if night.month in RAINY_SEASON else 0.08
    if random.Random(f"{SEED}-{night.isoformat()}").random() < rain:
        return Weather(2.5, rainy=True)
    return Weather(1.3 if night.isoweekday() == 6 else 1.0)


def _rupiah(amount: int) -> str:
    return f"Rp{amount:,}".replace(",", ".")


class NightWriter:
    """Writes a fund's closed nights as shift_open, collection_record and shift_close would have, in bulk."""

    def __init__(
        self, fund: Fund, houses: list[House], walkers: dict[int, list[User]], rng: random.Random, treasurer: User
    ) -> None:
        self.fund, self.houses, self.walkers, self.rng, self.treasurer = fund, houses, walkers, rng, treasurer
        self.groups = {g.position: g for g in selectors.groups_of(fund=fund)}
        self.shifts: list[Shift] = []
        self.collections: list[Collection] = []
        self.entries: list[LedgerEntry] = []

    def write(self, history: list[dt.date]) -> None:
        if self.fund.is_prepaid:
            self.top_ups(history[0] - dt.timedelta(days=1), self.houses)
        for night in history:
            living = [h for h in self.houses if h.household.expected_on(night)]
            if self.fund.is_prepaid:
                low = [h for h in living if h.balance < self.fund.nightly_amount and self.rng.random() < 0.6]
                self.top_ups(night, low)  # some houses forget for a night or two: the ronda takes cash
            self.night(night, living, weather(night))
        Shift.objects.bulk_create(self.shifts)
        Collection.objects.bulk_create(self.collections, batch_size=2_000)
        LedgerEntry.objects.bulk_create(self.entries, batch_size=2_000)

    def top_ups(self, day: dt.date, houses: list[House]) -> None:
        """Houses hand the treasurer money for their prepaid balance during the day, booked that day."""
        for house in houses:
            house.balance += house.top_up
            self.entries.append(
                entry(self.fund, EntryKind.TOP_UP, house.top_up, day, self.treasurer, household=house.household)
            )

    def night(self, night: dt.date, living: list[House], look: Weather) -> None:
        """Tonight's group opens the shift, walks the houses in order of their numbers and closes it."""
        walkers = self.walkers[night.isoweekday()]
        start, end = nights.watch_window(self.fund, night)
        shift = Shift(
            region=self.fund.region,
            fund=self.fund,
            night=night,
            group=self.groups[night.isoweekday()],
            status=ShiftStatus.CLOSED,
            opened_by=walkers[0],
        )
        paying = [house for house in living if self.pays(house, night, look)]
        taken, moment = [], start
        for index, house in enumerate(paying):
            moment = start + dt.timedelta(minutes=10 + 150 * index / len(paying), seconds=self.rng.randrange(90))
            taken.append(self.collection(shift, house, walkers[index * len(walkers) // len(paying)], moment))
        self.collections += taken
        self.close(shift, taken, min(moment + dt.timedelta(minutes=self.rng.randint(15, 40)), end), look)

    def pays(self, house: House, night: dt.date, look: Weather) -> bool:
        """Whether the ronda records the house tonight: someone is home and, for a lump payer, pays tonight."""
        if self.rng.random() < min(house.miss * look.factor, 0.9):
            return False
        if not house.lump:
            return True
        month = nights.month_start(night)
        if month not in house.to_pay:
            house.to_pay[month] = self.rng.random() < 0.8  # now and then a month goes unpaid: an arrear
        if not house.to_pay[month] or night.day < 5 or self.rng.random() > 0.25:
            return False
        house.to_pay[month] = False  # paid the tariff at once, on some night after the 5th
        return True

    def collection(self, shift: Shift, house: House, walker: User, moment: dt.datetime) -> Collection:
        method, amount = Method.CASH, house.amount
        if self.fund.is_prepaid and house.balance >= self.fund.nightly_amount:
            method, amount = Method.PREPAID, self.fund.nightly_amount
            house.balance -= amount
        return Collection(  # ids rather than objects: about 15,000 of these are built
            region_id=self.fund.region_id,
            fund_id=self.fund.pk,
            shift=shift,
            household_id=house.household.pk,
            night=shift.night,
            method=method,
            amount=amount,
            collected_by_id=walker.pk,
            collected_at=moment,
            idempotency_key=uuid.uuid4(),
        )

    def close(self, shift: Shift, taken: list[Collection], closed_at: dt.datetime, look: Weather) -> None:
        """Count the cash: mostly as recorded; now and then a coin short or one too many, with the reason."""
        cash = sum(c.amount for c in taken if c.method == Method.CASH)
        difference, note = self.difference(cash)
        shift.recorded_total, shift.counted_total = cash, cash + difference
        shift.closed_by, shift.closed_at = shift.opened_by, closed_at
        shift.note = note or look.quiet or self.rain_note(look)
        self.shifts.append(shift)
        if cash:
            self.entries.append(entry(self.fund, EntryKind.COLLECTION, cash, shift.night, shift.opened_by, shift=shift))
        if difference:
            kind = EntryKind.SURPLUS if difference > 0 else EntryKind.SHORTFALL
            self.entries.append(entry(self.fund, kind, abs(difference), shift.night, shift.opened_by, shift=shift))

    def rain_note(self, look: Weather) -> str:
        return self.rng.choice(RAIN_NOTES) if look.rainy and self.rng.random() < 0.4 else ""

    def difference(self, cash: int) -> tuple[int, str]:
        draw = self.rng.random()
        if draw < 0.04 and cash >= 2_000:
            amount = self.rng.choice([500, 500, 1_000])
            return -amount, self.rng.choice(SHORT_NOTES).format(amount=_rupiah(amount))
        if draw > 0.98 and cash:
            return 500, self.rng.choice(SURPLUS_NOTES).format(amount=_rupiah(500))
        return 0, ""


def entry(fund: Fund, kind: str, amount: int, day: dt.date, actor: User, **links: Any) -> LedgerEntry:
    """A cash book line as the room's services book it (income in, expenses out; no reversal here)."""
    return LedgerEntry(
        region=fund.region,
        fund=fund,
        kind=kind,
        direction=natural_direction(kind),
        amount=amount,
        booked_on=day,
        idempotency_key=uuid.uuid4(),
        created_by=actor,
        **links,
    )


# --- expenses and arrears -----------------------------------------------------------------------


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], nights.month_start(first)
    while month <= last:
        months.append(month)
        month = nights.next_month(month)
    return months


def _spending(month: dt.date, rng: random.Random) -> list[tuple[dt.date, str, int]]:
    """A month's expenses: coffee for the ronda twice, the RW's waste levy, and one occasional purchase."""
    planned = [(day, purpose, low, high) for purpose, low, high, day in MONTHLY_EXPENSES]
    purpose, low, high = rng.choice(OCCASIONAL_EXPENSES)
    planned.append((rng.randint(12, 26), purpose, low, high))
    return sorted(
        (month.replace(day=day), purpose, rng.randint(low // 500, high // 500) * 500)
        for day, purpose, low, high in planned
    )


def _expenses(fund: Fund, history: list[dt.date], rng: random.Random, treasurer: User) -> None:
    """The treasurer's expenses with a photo of each receipt, and one donation, through the services."""
    for month in _months(history[0], history[-1]):
        for day, purpose, amount in _spending(month, rng):
            on_the_day = selectors.balance_of(LedgerEntry.objects.filter(fund=fund, booked_on__lte=day))
            if not history[0] <= day <= history[-1] or on_the_day < amount:
                continue  # outside the history, or more than the cash box held that day
            services.expense_record(
                fund=fund,
                amount=amount,
                purpose=purpose,
                receipt=receipt_photo(purpose, amount, day),
                idempotency_key=uuid.uuid4(),
                actor=treasurer,
                spent_on=day,
            )
    services.income_record(
        fund=fund,
        kind=EntryKind.DONATION,
        amount=rng.randint(10, 30) * 5_000,
        description=DONATION,
        idempotency_key=uuid.uuid4(),
        actor=treasurer,
        booked_on=history[len(history) // 3],
    )


def receipt_photo(purpose: str, amount: int, day: dt.date) -> SimpleUploadedFile:
    """A small PNG standing in for the photo of a shop receipt (drawn, so the demo needs no image files)."""
    image = Image.new("RGB", (240, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 235, 155), outline="black")
    lines = ["KUITANSI (contoh demo)", day.strftime("%d-%m-%Y"), purpose[:34], _rupiah(amount)]
    for row, text in enumerate(lines):
        draw.text((12, 14 + 32 * row), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("kuitansi.png", buffer.getvalue(), content_type="image/png")


def meeting_day(month: dt.date) -> dt.date:
    """The RT's monthly meeting: the second Sunday of the month."""
    first_sunday = month + dt.timedelta(days=(6 - month.weekday()) % 7)
    return first_sunday + dt.timedelta(days=7)


def _arrears(fund: Fund, history: list[dt.date], rng: random.Random, treasurer: User) -> None:
    """Assess each whole month of the history (the service); settle most at the next meetings already held."""
    today = nights.today(fund, timezone.now())
    owed: list[Arrear] = []
    settlements: list[LedgerEntry] = []
    for month in _months(history[0], today):
        if month < history[0] or month >= nights.month_start(today):
            continue  # a month the book did not cover from its first night, or one not over yet
        owed += services.arrears_assess(fund=fund, month=month, actor=treasurer)
        meeting = meeting_day(nights.next_month(month))
        if meeting >= today:
            continue  # the meeting is still to come: the arrears are open for the treasurer to settle there
        for arrear in list(owed):
            if rng.random() < (0.85 if arrear.month == month else 0.4):
                owed.remove(arrear)
                settlements.append(_settlement(fund, arrear, meeting, treasurer))
    LedgerEntry.objects.bulk_create(settlements)


def _settlement(fund: Fund, arrear: Arrear, meeting: dt.date, treasurer: User) -> LedgerEntry:
    """What arrear_settle books, dated to the meeting at which the household paid."""
    return entry(
        fund,
        EntryKind.ARREAR_SETTLEMENT,
        arrear.amount,
        meeting,
        treasurer,
        household=arrear.household,
        arrear=arrear,
        description=f"{arrear.month:%Y-%m}",
    )
