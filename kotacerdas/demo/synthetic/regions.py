"""A synthetic region: its row, its administrative tree down to RT, its agencies, staff, citizens and capabilities."""

from __future__ import annotations

import datetime as dt
import json

from django.utils.text import slugify

from kotacerdas.accounts.roles import Role
from kotacerdas.agencies.models import Agency, Capability
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.demo.synthetic import names
from kotacerdas.demo.synthetic import plan as sizes
from kotacerdas.demo.synthetic.bulk import Row, Table
from kotacerdas.demo.synthetic.context import Person, RegionBuild, Run, add_users
from kotacerdas.regions.models import Area, AreaKind, AreaLevel, Region
from kotacerdas.servicerequests import nik
from kotacerdas.servicerequests.models import CitizenProfile
from kotacerdas.servicerequests.services import CONSENT_PURPOSE, CONSENT_VERSION

REGIONS = Table(
    Region,
    "id created_at updated_at name kind code slug province seat time_zone jurisdiction district_kind "
    "village_kind is_active",
)
AREAS = Table(Area, "id created_at updated_at region parent level kind name code")
AGENCIES = Table(
    Agency,
    "id created_at updated_at region name short_name slug kind special_role parent area description website is_active",
)
CAPABILITIES = Table(Capability, "id created_at updated_at region agency element note declared_by")
AUDIT = Table(
    AuditEntry,
    "id region actor actor_label action target_type target_id target_label before after created_at",
)
PROFILES = Table(
    CitizenProfile,
    "id created_at updated_at user nik_encrypted nik_digest nik_last4 consent_purpose consent_version "
    "consent_at erased_at",
)
# Most regions keep Western Indonesian Time; some Central, a few Eastern.
ZONES = [("Asia/Jakarta", 7)] * 16 + [("Asia/Makassar", 8)] * 3 + [("Asia/Jayapura", 9)]


def build_region(run: Run, number: int) -> RegionBuild:
    """Insert the region row and its audit entry; returns the build the other builders fill in."""
    rng, loader = run.rng, run.loader
    kind = "kota" if rng.random() < 98 / 514 else "kabupaten"  # the national mix of kota and kabupaten
    zone, hours = rng.choice(ZONES)
    region_id = loader.ids(Region, 1)
    slug, name = sizes.slug(number), names.REGION_NAME[kind].format(number=number)
    stamp = loader.ts(run.ago(800))
    province = names.PROVINCE_NAME.format(number=(number - 1) // 99 + 1)
    village_kind = AreaKind.KELURAHAN if kind == "kota" else AreaKind.DESA
    row: Row = (region_id, stamp, stamp, name, kind, sizes.code(number), slug, province, "", zone)
    row += (f"{slug}.sintetis.invalid", AreaKind.KECAMATAN, village_kind, True)
    loader.insert(REGIONS, [row])
    after = json.dumps({"name": name, "synthetic": True, "seed_size": run.plan.size})
    audit = (loader.ids(AuditEntry, 1), region_id, None, "system", AuditAction.REGION_CREATED, "regions.region")
    loader.insert(AUDIT, [(*audit, str(region_id), name, None, after, stamp)])
    return RegionBuild(number, region_id, slug, name, kind, dt.timedelta(hours=hours))


def build_tree(run: Run, region: RegionBuild) -> None:
    """Districts (kecamatan), villages, RW and RT, with Kemendagri-format codes down to the village."""
    rng, loader, plan = run.rng, run.loader, run.plan
    village_kind = AreaKind.KELURAHAN if region.kind == "kota" else AreaKind.DESA
    stamp = loader.ts(run.ago(800))
    code = sizes.code(region.number)
    next_id = loader.ids(Area, plan.areas)
    rows: list[Row] = []
    taken: set[str] = set()
    for d in range(plan.districts):
        district = next_id
        next_id += 1
        rows.append((district, stamp, stamp, region.id, None, AreaLevel.DISTRICT, AreaKind.KECAMATAN))
        district_name = names.place_name(rng, taken)
        rows[-1] += (district_name, f"{code}.{d + 1:02d}")
        region.districts.append(district)
        region.district_names.append(district_name)
        for v in range(sizes.VILLAGES_PER_DISTRICT):
            village, village_name = next_id, names.place_name(rng, taken)
            next_id += 1
            village_code = f"{code}.{d + 1:02d}.{(1 if village_kind == AreaKind.KELURAHAN else 2) * 1000 + v + 1}"
            rows.append((village, stamp, stamp, region.id, district, AreaLevel.VILLAGE, village_kind))
            rows[-1] += (village_name, village_code)
            region.villages.append(village)
            next_id = _neighbourhoods(region, rows, next_id, village, village_name, stamp)
    loader.insert(AREAS, rows)


def _neighbourhoods(region: RegionBuild, rows: list, next_id: int, village: int, village_name: str, stamp: str) -> int:
    for w in range(1, sizes.RW_PER_VILLAGE + 1):
        rw = next_id
        next_id += 1
        rows.append((rw, stamp, stamp, region.id, village, AreaLevel.RW, AreaKind.RW, f"RW {w:02d}", ""))
        for t in range(1, sizes.RT_PER_RW + 1):
            rows.append((next_id, stamp, stamp, region.id, rw, AreaLevel.RT, AreaKind.RT, f"RT {t:02d}", ""))
            region.rts.append((next_id, f"RT {t:02d} RW {w:02d} {village_name}", village))
            next_id += 1
    return next_id


def build_agencies(run: Run, region: RegionBuild) -> None:
    """The usual perangkat daerah, one office per district, a few capabilities each, and the staff accounts."""
    loader = run.loader
    stamp = loader.ts(run.ago(790))
    next_id = loader.ids(Agency, run.plan.agencies)
    rows: list[Row] = []
    for slug, name, short, kind, role in names.AGENCIES:
        region.agencies[slug] = next_id
        rows.append((next_id, stamp, stamp, region.id, name, short, slug, kind, role, None, None, "", "", True))
        next_id += 1
    for district, district_name in zip(region.districts, region.district_names, strict=True):
        slug = f"kecamatan-{slugify(district_name)}"
        region.agencies[slug] = next_id
        rows.append((next_id, stamp, stamp, region.id, f"Kecamatan {district_name}", "", slug, "kecamatan", ""))
        rows[-1] += (None, district, "", "", True)
        next_id += 1
    loader.insert(AGENCIES, rows)
    _staff(run, region)
    _capabilities(run, region, stamp)


def _staff(run: Run, region: RegionBuild) -> None:
    person, rng = run.pool.person, run.rng
    people: list[Person] = [
        ("bappeda", person(rng), Role.BAPPEDA_PLANNER, region.agencies["bappeda"], None),
        ("diskominfo", person(rng), Role.DISKOMINFO_OFFICER, region.agencies["diskominfo"], None),
        ("pimpinan", person(rng), Role.LEADERSHIP, None, None),
        *[
            (f"operator-{slug}", person(rng), Role.AGENCY_OPERATOR, region.agencies[slug], None)
            for slug, *_ in names.AGENCIES
        ],
    ]
    ids = add_users(run, region, people)
    region.staff = {"planner": ids[0], "officer": ids[1], "leader": ids[2]}
    for (slug, *_rest), user_id in zip(names.AGENCIES, ids[3:], strict=True):
        region.staff[f"operator:{slug}"] = user_id
        region.operators_by_agency[region.agencies[slug]] = user_id


def _capabilities(run: Run, region: RegionBuild, stamp: str) -> None:
    """Each agency declares two or three elements it can support (the first step of the cycle)."""
    elements = [e for ids in run.elements.values() for e in ids]
    chosen = [(agency, element) for agency in region.opd for element in run.rng.sample(elements, run.rng.randint(2, 3))]
    first = run.loader.ids(Capability, len(chosen))
    planner = region.staff["planner"]
    rows = [
        (first + i, stamp, stamp, region.id, agency, element, "", planner) for i, (agency, element) in enumerate(chosen)
    ]
    run.loader.insert(CAPABILITIES, rows)


def build_citizens(run: Run, region: RegionBuild) -> None:
    """Registered citizens: an account, a citizen membership, their consent and their NIK (encrypted, as on signup)."""
    people: list[Person] = [
        (f"warga-{n:03d}", run.pool.person(run.rng), Role.CITIZEN, None, None) for n in range(1, sizes.CITIZENS + 1)
    ]
    region.citizens = add_users(run, region, people)
    region.citizen_names = [full_name for _suffix, full_name, *_rest in people]
    stamp = run.loader.ts(run.ago(700))
    first = run.loader.ids(CitizenProfile, len(region.citizens))
    rows: list[Row] = []
    for i, user in enumerate(region.citizens):
        number = _nik(run, region, i + 1)
        rows.append((first + i, stamp, stamp, user, nik.encrypt(number), nik.digest(number), number[-4:]))
        rows[-1] += (CONSENT_PURPOSE, CONSENT_VERSION, stamp, None)
    run.loader.insert(PROFILES, rows)


def _nik(run: Run, region: RegionBuild, serial: int) -> str:
    """A well-formed NIK no person holds: it starts with the region's synthetic code (province 01–10 does not exist)."""
    code = sizes.code(region.number).replace(".", "")
    district = run.rng.randint(1, len(region.districts))
    born = dt.date(1950, 1, 1) + dt.timedelta(days=run.rng.randint(0, 365 * 55))
    day = born.day + (40 if run.rng.random() < 0.5 else 0)  # women's NIKs add 40 to the day
    return f"{code}{district:02d}{day:02d}{born:%m%y}{serial:04d}"
