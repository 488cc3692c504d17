"""Load the demo data idempotently: every row is looked up by its natural key and created only when missing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from kotacerdas.accounts import services as accounts
from kotacerdas.accounts.models import User
from kotacerdas.agencies import services as agencies
from kotacerdas.agencies.models import Agency, Capability
from kotacerdas.demo import data, jimpitan, monitoring, planning, replication, servicerequests
from kotacerdas.framework.models import Element
from kotacerdas.regions import services as regions
from kotacerdas.regions.models import Area, AreaKind, Region

Progress = Callable[[str], None]


def _region(spec: dict[str, str]) -> Region:
    existing = Region.objects.filter(slug=spec["slug"]).first()
    return existing or regions.region_create(**spec, actor=None)


def _area(region: Region, parent: Area | None, kind: str, name: str) -> Area:
    existing = Area.objects.filter(region=region, parent=parent, name=name).first()
    return existing or regions.area_create(region=region, parent=parent, kind=kind, name=name, actor=None)


def _agency(region: Region, slug: str, **fields: Any) -> Agency:
    existing = Agency.objects.filter(region=region, slug=slug).first()
    return existing or agencies.agency_create(region=region, slug=slug, actor=None, **fields)


def _agency_rows(region: Region, rows: Iterable[tuple[str, str, str, str, str, bool]]) -> None:
    for slug, name, short, kind, role, _confirmed in rows:
        _agency(region, slug, name=name, short_name=short, kind=kind, special_role=role)


def load_yogyakarta(progress: Progress) -> Region:
    region = _region(data.YOGYAKARTA)
    for kemantren, kelurahan_names in data.YOGYAKARTA_KEMANTREN.items():
        district = _area(region, None, AreaKind.KEMANTREN, kemantren)
        _agency(
            region, f"kemantren-{slugify(kemantren)}", name=f"Kemantren {kemantren}", kind="kemantren", area=district
        )
        for name in kelurahan_names:
            _area(region, district, AreaKind.KELURAHAN, name)
    progress("Kota Yogyakarta: 14 kemantren, 45 kelurahan")
    patangpuluhan = Area.objects.get(region=region, level=2, name="Patangpuluhan")
    for rw_name, rt_names in data.PATANGPULUHAN_RW_RT.items():
        rw = _area(region, patangpuluhan, AreaKind.RW, rw_name)
        for rt_name in rt_names:
            _area(region, rw, AreaKind.RT, rt_name)
    _agency(region, "kelurahan-patangpuluhan", name="Kelurahan Patangpuluhan", kind="kelurahan", area=patangpuluhan)
    _agency_rows(region, data.YOGYAKARTA_AGENCIES)
    for slug, name, short, kind, parent_slug in data.YOGYAKARTA_UNITS:
        parent = Agency.objects.get(region=region, slug=parent_slug)
        _agency(region, slug, name=name, short_name=short, kind=kind, parent=parent)
    _declare(region, data.YOGYAKARTA_CAPABILITIES)
    progress("Kota Yogyakarta: agencies and their declared capabilities")
    return region


def _declare(region: Region, declarations: dict[str, list[tuple[str, str]]]) -> None:
    elements = {e.code: e for e in Element.objects.for_region(region)}
    for slug, items in declarations.items():
        agency = Agency.objects.get(region=region, slug=slug)
        if Capability.objects.filter(agency=agency).exists():
            continue  # the agency has answered already; never overwrite its own edits
        choices = [agencies.CapabilityChoice(element=elements[code], note=note) for code, note in items]
        agencies.capabilities_declare(agency=agency, choices=choices, actor=None)


def load_musi_rawas(progress: Progress) -> Region:
    region = _region(data.MUSI_RAWAS)
    for name in data.MUSI_RAWAS_KECAMATAN:
        district = _area(region, None, AreaKind.KECAMATAN, name)
        _agency(region, f"kecamatan-{slugify(name)}", name=f"Kecamatan {name}", kind="kecamatan", area=district)
    _agency_rows(region, data.MUSI_RAWAS_AGENCIES)
    progress("Kabupaten Musi Rawas: 14 kecamatan and its main agencies")
    return region


def _area_by_path(region: Region, path: str) -> Area:
    """Find an RT by "RW 01/RT 01" under Kelurahan Patangpuluhan."""
    rw_name, rt_name = path.split("/")
    return Area.objects.get(region=region, level=4, name=rt_name, parent__name=rw_name)


def load_accounts(progress: Progress) -> list[tuple[str, str]]:
    """Create one account per role and region; returns (username, role label) for the README table."""
    listed = []
    for username, full_name, role, region_slug, agency_slug, area_path in data.DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = accounts.user_create(
                username=username, password=settings.DEMO_PASSWORD, full_name=full_name, actor=None
            )
        region = Region.objects.get(slug=region_slug) if region_slug else None
        agency = Agency.objects.get(region=region, slug=agency_slug) if agency_slug else None
        area = _area_by_path(region, area_path) if region and area_path else None
        accounts.membership_grant(user=user, role=role, region=region, agency=agency, area=area, actor=None)
        if role == "platform_admin" and not user.is_superuser:
            User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        listed.append((username, role))
    progress(f"{len(listed)} demo accounts, password {settings.DEMO_PASSWORD!r}")
    return listed


@transaction.atomic
def load_all(progress: Progress) -> list[tuple[str, str]]:
    """Load both regions and the demo accounts in one transaction."""
    yogyakarta = load_yogyakarta(progress)
    load_musi_rawas(progress)
    accounts_listed = load_accounts(progress)
    planning.load(yogyakarta)
    progress("Kota Yogyakarta: masterplan, planning round, proposals and programmes")
    monitoring.load(yogyakarta)
    progress("Kota Yogyakarta: indicators, progress reports, milestones, a draft evaluation")
    servicerequests.load(yogyakarta)
    progress("Kota Yogyakarta: service catalogue, an Open311 client, citizen requests")
    jimpitan.load(yogyakarta)
    progress("Kota Yogyakarta: jimpitan funds of three Patangpuluhan RTs with three months of nights")
    replication.load(yogyakarta)
    progress("Replication: Yogyakarta's good practices, Musi Rawas's visit of 9 Nov 2023 and its import")
    return accounts_listed
