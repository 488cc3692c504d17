"""A region's jimpitan funds: households, the weekly ronda roster, a year of closed nights and the cash book.

The invariants of the jimpitan services hold: one collection per house per night, each inside its
night's shift and watch, by the group on duty; a house is collected only while it lives there; every
closed night books its recorded cash (and any counted difference, with a note) once; expenses never
take the cash book below zero. No balance is stored: it is the sum of the entries, as in the app.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from kotacerdas.accounts.roles import Role
from kotacerdas.demo.synthetic import names
from kotacerdas.demo.synthetic import plan as sizes
from kotacerdas.demo.synthetic.bulk import Row, Table
from kotacerdas.demo.synthetic.context import Person, RegionBuild, Run, add_users
from kotacerdas.jimpitan.models import (
    Collection,
    Fund,
    FundMonth,
    Household,
    LedgerEntry,
    RondaGroup,
    RondaGroupMember,
    Shift,
)

RECEIPT = "jimpitan/sintetis/kuitansi.jpg"  # one placeholder photo shared by every generated expense
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
WATCHES = [(dt.time(22, 0), dt.time(4, 0)), (dt.time(23, 0), dt.time(3, 0)), (dt.time(21, 0), dt.time(2, 0))]
BENCH_WATCH = (dt.time(0, 0), dt.time(23, 59))  # the load-test fund records at any hour of the day

FUNDS = Table(
    Fund,
    "id created_at updated_at region area name scheme nightly_amount monthly_tariff payment watch_start "
    "watch_end rw_share_percent rotation rotation_start share_token is_active",
)
GROUPS = Table(RondaGroup, "id created_at updated_at region fund name position")
MEMBERS = Table(RondaGroupMember, "id created_at updated_at region group user")
HOUSEHOLDS = Table(
    Household,
    "id created_at updated_at region fund number address head_name is_active registered_on moved_out_on tag_token",
)
SHIFTS = Table(
    Shift,
    "id created_at updated_at region fund night group status opened_by closed_by closed_at recorded_total "
    "counted_total note",
)
COLLECTIONS = Table(
    Collection,
    "id created_at updated_at region fund shift household night method amount collected_by collected_at "
    "idempotency_key",
)
FUND_MONTHS = Table(
    FundMonth,
    "id created_at updated_at region fund kelurahan month nights_held house_nights_expected house_nights_paid "
    "collected",
)
ENTRIES = Table(
    LedgerEntry,
    "id created_at updated_at region fund kind direction amount booked_on description household shift "
    "arrear reverses receipt idempotency_key created_by",
)


class Keys:
    """Idempotency keys as version-4 UUID text: a random half fixed per run and a counter, so they never repeat
    and each table's unique index grows at its end instead of at random places."""

    def __init__(self, high: int) -> None:
        # Version 4 in the third group; the variant bits (10) lead the second half.
        self.high = f"{(high & ~(0xF << 12)) | (0x4 << 12):016x}"
        self.counter = 0

    def next(self) -> str:
        self.counter += 1
        return f"{self.high}{(0x8 << 60) | self.counter:016x}"


@dataclass
class _Fund:
    id: int
    region: RegionBuild
    amount: int
    watch: tuple[dt.time, dt.time]
    treasurer: int
    kelurahan: int | None = None  # the village above the fund's RT (the city's roll-up groups by it)
    groups: dict[int, tuple[int, int]] = field(default_factory=dict)  # weekday position → (group id, member id)
    houses: list[tuple[int, dt.date, dt.date | None]] = field(default_factory=list)  # (id, registered, moved out)


def build_funds(run: Run, region: RegionBuild, keys: Keys) -> int | None:
    """The region's funds with a year of nights; in the first region also the load-test fund (its id returned)."""
    rts = run.rng.sample(region.rts, run.plan.funds + (1 if region.number == 1 else 0))
    for number, (rt, label, village) in enumerate(rts[: run.plan.funds], start=1):
        fund = _fund(run, region, rt, f"Jimpitan {label}", str(number), run.rng.choice(WATCHES))
        fund.kelurahan = village
        nights = _nights(run, region, fund)
        _households(run, fund, sizes.HOUSEHOLDS, nights[0] - dt.timedelta(days=7), move_one=True)
        _history(run, fund, nights, keys)
    if region.number != 1:
        return None
    rt, label, _village = rts[-1]
    bench = _fund(run, region, rt, f"Jimpitan {label} (uji beban)", "uji", BENCH_WATCH)
    today = (run.now + region.utc_offset).date()
    _households(run, bench, run.plan.bench_households, today - dt.timedelta(days=30), move_one=False)
    _opening_balance(run, bench, today - dt.timedelta(days=30), keys)
    _open_tonight(run, bench, today)
    return bench.id


def _fund(run: Run, region: RegionBuild, rt: int, name: str, tag: str, watch: tuple[dt.time, dt.time]) -> _Fund:
    """The fund row, its treasurer and one ronda member per night of the week (the load-test fund: one for all)."""
    loader, rng = run.loader, run.rng
    bench = tag == "uji"
    people: list[Person] = [(f"bendahara-{tag}", run.pool.person(rng), Role.RT_TREASURER, None, rt)]
    people += [(f"ronda-{tag}", run.pool.person(rng), Role.RONDA_MEMBER, None, rt)] if bench else []
    people += (
        [] if bench else [(f"ronda-{tag}-{d}", run.pool.person(rng), Role.RONDA_MEMBER, None, rt) for d in range(1, 8)]
    )
    users = add_users(run, region, people)
    fund = _Fund(loader.ids(Fund, 1), region, rng.choice([500, 500, 1000]), watch, users[0])
    stamp = loader.ts(run.ago(400))
    row: Row = (fund.id, stamp, stamp, region.id, rt, name, "nightly", fund.amount, 0, "cash")
    row += (watch[0].isoformat(), watch[1].isoformat(), 30, "weekly", None, None, True)
    loader.insert(FUNDS, [row])
    first_group, first_member = loader.ids(RondaGroup, 7), loader.ids(RondaGroupMember, 7)
    groups: list[Row] = []
    members: list[Row] = []
    for position in range(1, 8):
        member = users[1] if bench else users[position]
        fund.groups[position] = (first_group + position - 1, member)
        groups.append((first_group + position - 1, stamp, stamp, region.id, fund.id, f"Kelompok {DAYS[position - 1]}"))
        groups[-1] += (position,)
        members.append((first_member + position - 1, stamp, stamp, region.id, first_group + position - 1, member))
    loader.insert(GROUPS, groups)
    loader.insert(MEMBERS, members)
    return fund


def _nights(run: Run, region: RegionBuild, fund: _Fund) -> list[dt.date]:
    """The last `plan.nights` nights whose watch is over."""
    local_now = run.now + region.utc_offset
    last = local_now.date() - dt.timedelta(days=1)
    if local_now.time() < fund.watch[1]:
        last -= dt.timedelta(days=1)  # last night's watch is still running
    return [last - dt.timedelta(days=n) for n in range(run.plan.nights - 1, -1, -1)]


def _households(run: Run, fund: _Fund, count: int, registered: dt.date, *, move_one: bool) -> None:
    """`count` houses living here now; with `move_one`, one earlier family of house 1 moved out mid-way."""
    loader, rng = run.loader, run.rng
    today = (run.now + fund.region.utc_offset).date()
    moved = registered + (today - registered) / 2 if move_one else None
    first = loader.ids(Household, count + (1 if moved else 0))
    stamp = loader.ts(run.ago(400))
    rows: list[Row] = []
    for n in range(count):
        starts = moved if moved and n == 0 else registered
        rows.append((first + n, stamp, stamp, fund.region.id, fund.id, str(n + 1), run.pool.address(rng)))
        rows[-1] += (run.pool.person(rng), True, starts.isoformat(), None, _tag(run))
        fund.houses.append((first + n, starts, None))
    if moved:
        rows.append((first + count, stamp, stamp, fund.region.id, fund.id, "1", run.pool.address(rng)))
        rows[-1] += (run.pool.person(rng), False, registered.isoformat(), moved.isoformat(), _tag(run))
        fund.houses.append((first + count, registered, moved))
    loader.insert(HOUSEHOLDS, rows)


def _tag(run: Run) -> str:
    return base64.urlsafe_b64encode(run.rng.randbytes(12)).decode()


def _watch_start(fund: _Fund, night: dt.date) -> dt.datetime:
    """The night's watch start as naive UTC."""
    return dt.datetime.combine(night, fund.watch[0]) - fund.region.utc_offset


def _watch_length(fund: _Fund) -> int:
    start, end = (t.hour * 3600 + t.minute * 60 for t in fund.watch)
    return (end - start) % 86400


def _history(run: Run, fund: _Fund, nights: list[dt.date], keys: Keys) -> None:
    """Every night: a shift by the group on duty, the houses collected, the count, and the cash book."""
    loader, rng = run.loader, run.rng
    region = fund.region.id
    first_shift = loader.ids(Shift, len(nights))
    collections: list[Row] = []
    shifts: list[Row] = []
    cash: list[Row] = []
    next_collection = loader.ids(Collection, len(nights) * len(fund.houses))
    length, amount, fund_id = _watch_length(fund), fund.amount, fund.id
    span = int(length * 0.6)
    random, seconds, zone, rate = rng.random, dt.timedelta, loader.zone, sizes.COLLECTION_RATE  # hot loop below
    months: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # nights, expected, paid, rupiah
    for n, night in enumerate(nights):
        shift = first_shift + n
        group, member = fund.groups[night.isoweekday()]
        start = _watch_start(fund, night)
        night_text = night.isoformat()
        before, expected = len(collections), 0
        for house, registered, moved_out in fund.houses:
            if registered > night or (moved_out is not None and night >= moved_out):
                continue
            expected += 1
            if random() >= rate:
                continue
            at = (start + seconds(seconds=int(random() * span))).isoformat(" ") + zone
            collections.append(
                (
                    next_collection,
                    at,
                    at,
                    region,
                    fund_id,
                    shift,
                    house,
                    night_text,
                    "cash",
                    amount,
                    member,
                    at,
                    keys.next(),
                )
            )
            next_collection += 1
        paid = len(collections) - before
        recorded = paid * amount
        totals = months[night.replace(day=1)]
        for i, value in enumerate((1, expected, paid, recorded)):
            totals[i] += value
        counted, note = _count(run, recorded)
        closed = loader.ts(start + dt.timedelta(seconds=int(length * 0.9)))
        shifts.append((shift, loader.ts(start), closed, region, fund.id, night_text, group, "closed", member, member))
        shifts[-1] += (closed, recorded, counted, note)
        cash.append((night, shift, recorded, counted, note, closed, member))
    loader.insert(SHIFTS, shifts)
    loader.insert(COLLECTIONS, collections)
    _cash_book(run, fund, nights[0] - dt.timedelta(days=1), cash, keys)
    _fund_months(run, fund, months)


def _fund_months(run: Run, fund: _Fund, months: dict[dt.date, list[int]]) -> None:
    """The city's roll-up rows, counted while the nights were made: what `fund_months_rebuild` would write."""
    first = run.loader.ids(FundMonth, len(months))
    stamp = run.loader.ts(run.now)
    rows = [
        (first + n, stamp, stamp, fund.region.id, fund.id, fund.kelurahan, month.isoformat(), *numbers)
        for n, (month, numbers) in enumerate(sorted(months.items()))
    ]
    run.loader.insert(FUND_MONTHS, rows)


def _count(run: Run, recorded: int) -> tuple[int, str]:
    """Mostly the cash counted matches the records; now and then a coin is missing or one too many."""
    draw = run.rng.random()
    if draw < 0.02 and recorded >= 1000:
        return recorded - 500, "Kurang Rp500, ada koin yang hilang."
    if draw > 0.99:
        return recorded + 500, "Lebih Rp500, warga memberi lebih."
    return recorded, ""


def _cash_book(run: Run, fund: _Fund, opened: dt.date, nights: list[tuple], keys: Keys) -> None:
    """The opening balance, each night's cash (and difference), and a few expenses a month, never below zero."""
    loader, rng = run.loader, run.rng
    opening = rng.randint(10, 50) * 10_000
    rows = [_entry(run, fund, "carried_over", "in", opening, opened, "Saldo buku kas lama", None, keys)]
    balance = opening
    for night, shift, recorded, counted, note, closed, member in nights:
        if recorded:
            rows.append(_entry(run, fund, "collection", "in", recorded, night, "", shift, keys, member, closed))
        if counted != recorded:
            kind = "surplus" if counted > recorded else "shortfall"
            direction = "in" if counted > recorded else "out"
            rows.append(
                _entry(run, fund, kind, direction, abs(counted - recorded), night, note, shift, keys, member, closed)
            )
        balance += counted
        spend = rng.randint(2, 10) * 5_000
        if night.day in (10, 25) and balance >= spend:
            rows.append(_expense(run, fund, night, spend, keys))
            balance -= spend
    first = loader.ids(LedgerEntry, len(rows))
    loader.insert(ENTRIES, [(first + n, *row) for n, row in enumerate(rows)])


def _entry(
    run: Run,
    fund: _Fund,
    kind: str,
    direction: str,
    amount: int,
    day: dt.date,
    description: str,
    shift: int | None,
    keys: Keys,
    actor: int | None = None,
    at: str | None = None,
) -> tuple:
    stamp = at or run.loader.ts(dt.datetime.combine(day, dt.time(12)) - fund.region.utc_offset)
    row: Row = (
        stamp,
        stamp,
        fund.region.id,
        fund.id,
        kind,
        direction,
        amount,
        day.isoformat(),
        description,
        None,
        shift,
    )
    return (*row, None, None, "", keys.next(), actor or fund.treasurer)


def _expense(run: Run, fund: _Fund, day: dt.date, amount: int, keys: Keys) -> tuple:
    row = _entry(run, fund, "expense", "out", amount, day, run.rng.choice(names.EXPENSES), None, keys)
    return (*row[:13], RECEIPT, *row[14:])


def _opening_balance(run: Run, fund: _Fund, day: dt.date, keys: Keys) -> None:
    row = _entry(run, fund, "carried_over", "in", 250_000, day, "Saldo awal dana uji beban", None, keys)
    run.loader.insert(ENTRIES, [(run.loader.ids(LedgerEntry, 1), *row)])


def _open_tonight(run: Run, fund: _Fund, today: dt.date) -> None:
    """Today's shift of the load-test fund, open, so recording can start at once (the service opens later ones)."""
    group, member = fund.groups[today.isoweekday()]
    stamp = run.loader.ts(run.now)
    row: Row = (
        run.loader.ids(Shift, 1),
        stamp,
        stamp,
        fund.region.id,
        fund.id,
        today.isoformat(),
        group,
        "open",
        member,
    )
    run.loader.insert(SHIFTS, [(*row, None, None, None, None, "")])
