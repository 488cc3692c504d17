"""The shared test base: two regions, their key agencies and one named persona per role."""

from __future__ import annotations

from typing import Any, ClassVar

from django.test import TestCase

from kotacerdas.accounts import services as accounts
from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.agencies import services as agencies
from kotacerdas.agencies.models import Agency
from kotacerdas.regions import services as regions
from kotacerdas.regions.models import Area, Region

PASSWORD = "test-password-123"


def make_region(slug: str = "kotaraya", **fields: Any) -> Region:
    defaults: dict[str, Any] = {
        "name": f"Kota {slug.title()}",
        "kind": "kota",
        "code": "34.71" if slug == "kotaraya" else fields.pop("code", "16.05"),
        "jurisdiction": f"{slug}.go.id",
        "district_kind": "kemantren",
        "village_kind": "kelurahan",
    }
    defaults.update(fields)
    return regions.region_create(slug=slug, actor=None, **defaults)


def make_agency(region: Region, slug: str, *, kind: str = "dinas", special_role: str = "", **fields: Any) -> Agency:
    name = fields.pop("name", f"Dinas {slug.title()} {region.name}")
    return agencies.agency_create(
        region=region, slug=slug, name=name, kind=kind, special_role=special_role, actor=None, **fields
    )


def make_user(username: str, role: str, region: Region | None, **scope: Any) -> User:
    user = accounts.user_create(username=username, password=PASSWORD, full_name=username.title(), actor=None)
    accounts.membership_grant(user=user, role=role, region=region, actor=None, **scope)
    return user


class RegionTestCase(TestCase):
    """Region "kotaraya" with its agencies and personas, and an outsider from region "kabupatenlain"."""

    region: ClassVar[Region]
    other_region: ClassVar[Region]
    bappeda: ClassVar[Agency]
    diskominfo: ClassVar[Agency]
    inspektorat: ClassVar[Agency]
    public_works: ClassVar[Agency]
    kemantren: ClassVar[Area]
    kelurahan: ClassVar[Area]
    rw: ClassVar[Area]
    rt: ClassVar[Area]
    planner: ClassVar[User]
    officer: ClassVar[User]
    operator: ClassVar[User]
    head: ClassVar[User]
    leader: ClassVar[User]
    inspector: ClassVar[User]
    citizen: ClassVar[User]
    treasurer: ClassVar[User]
    outsider: ClassVar[User]
    other_agency: ClassVar[Agency]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.region = make_region("kotaraya")
        cls.other_region = make_region("kabupatenlain", kind="kabupaten", code="16.05", district_kind="kecamatan")
        cls._build_tree()
        cls.bappeda = make_agency(cls.region, "bappeda", kind="badan", special_role="planning", short_name="Bappeda")
        cls.diskominfo = make_agency(cls.region, "diskominfo", special_role="ict", short_name="Diskominfo")
        cls.inspektorat = make_agency(cls.region, "inspektorat", kind="inspektorat", special_role="inspectorate")
        cls.public_works = make_agency(cls.region, "dpupkp", short_name="DPUPKP")
        cls.other_agency = make_agency(cls.other_region, "bappeda", kind="badan", special_role="planning")
        cls._build_personas()

    @classmethod
    def _build_tree(cls) -> None:
        cls.kemantren = regions.area_create(
            region=cls.region, parent=None, kind="kemantren", name="Wirobrajan", actor=None
        )
        cls.kelurahan = regions.area_create(
            region=cls.region, parent=cls.kemantren, kind="kelurahan", name="Patangpuluhan", actor=None
        )
        cls.rw = regions.area_create(region=cls.region, parent=cls.kelurahan, kind="rw", name="RW 01", actor=None)
        cls.rt = regions.area_create(region=cls.region, parent=cls.rw, kind="rt", name="RT 01", actor=None)

    @classmethod
    def _build_personas(cls) -> None:
        r = cls.region
        cls.planner = make_user("planner", Role.BAPPEDA_PLANNER, r, agency=cls.bappeda)
        cls.officer = make_user("officer", Role.DISKOMINFO_OFFICER, r, agency=cls.diskominfo)
        cls.operator = make_user("operator", Role.AGENCY_OPERATOR, r, agency=cls.public_works)
        cls.head = make_user("head", Role.AGENCY_HEAD, r, agency=cls.public_works)
        cls.leader = make_user("leader", Role.LEADERSHIP, r)
        cls.inspector = make_user("inspector", Role.INSPECTOR, r, agency=cls.inspektorat)
        cls.citizen = make_user("citizen", Role.CITIZEN, r)
        cls.treasurer = make_user("treasurer", Role.RT_TREASURER, r, area=cls.rt)
        cls.outsider = make_user("outsider", Role.BAPPEDA_PLANNER, cls.other_region, agency=cls.other_agency)
