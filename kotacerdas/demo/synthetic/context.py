"""What the builders share: the run (loader, random generator, names, clock) and one region being built."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from kotacerdas.accounts.models import Membership, User
from kotacerdas.demo.synthetic import names
from kotacerdas.demo.synthetic.bulk import Loader, Row, Table
from kotacerdas.demo.synthetic.plan import Plan

USERS = Table(
    User,
    "id password is_superuser username first_name last_name email is_staff is_active date_joined full_name phone",
)
# An account to create: (username suffix, full name, role, agency id, area id).
Person = tuple[str, str, str, int | None, int | None]
MEMBERSHIPS = Table(Membership, "id created_at updated_at user region agency area role is_active")


@dataclass
class Run:
    """One generation: every builder draws from the same seeded generator, so a seed gives the same data."""

    loader: Loader
    plan: Plan
    rng: random.Random
    pool: names.NamePool
    now: dt.datetime  # naive UTC
    password: str  # one hash of the demo password, shared by every generated account
    dimensions: list[tuple[int, str]]  # (id, code) of the national smart dimensions
    elements: dict[int, list[int]]  # dimension id → its national element ids

    def ago(self, days: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days)


@dataclass
class RegionBuild:
    """The region being generated and the ids the later builders point at."""

    number: int
    id: int
    slug: str
    name: str
    kind: str
    utc_offset: dt.timedelta  # Indonesia keeps no daylight saving: one offset per region
    districts: list[int] = field(default_factory=list)
    district_names: list[str] = field(default_factory=list)
    villages: list[int] = field(default_factory=list)
    rts: list[tuple[int, str, int]] = field(default_factory=list)  # (area id, "RT 01 RW 02 Sukamaju", village id)
    agencies: dict[str, int] = field(default_factory=dict)  # slug → id
    staff: dict[str, int] = field(default_factory=dict)  # "planner", "officer", "leader", "operator:<slug>" → user id
    operators_by_agency: dict[int, int] = field(default_factory=dict)  # agency id → its operator's user id
    citizens: list[int] = field(default_factory=list)
    citizen_names: list[str] = field(default_factory=list)

    @property
    def opd(self) -> list[int]:
        """The agencies that lead programmes and own services (not the district offices)."""
        return [self.agencies[spec[0]] for spec in names.AGENCIES]


def add_users(run: Run, region: RegionBuild, people: Sequence[Person]) -> list[int]:
    """Create accounts with one membership each: (username suffix, full name, role, agency id, area id)."""
    loader, stamp = run.loader, run.loader.ts(run.now)
    first_user = loader.ids(User, len(people))
    first_grant = loader.ids(Membership, len(people))
    users: list[Row] = []
    grants: list[Row] = []
    for offset, (suffix, full_name, role, agency_id, area_id) in enumerate(people):
        username = f"{region.slug}.{suffix}"
        user_id = first_user + offset
        phone = f"0813{user_id % 10**8:08d}"  # unique among generated accounts (the signup form checks phones)
        email = f"{username}@example.org"
        users.append((user_id, run.password, False, username, "", "", email, False, True, stamp, full_name, phone))
        grants.append((first_grant + offset, stamp, stamp, user_id, region.id, agency_id, area_id, role, True))
    loader.insert(USERS, users)
    loader.insert(MEMBERSHIPS, grants)
    return list(range(first_user, first_user + len(people)))
