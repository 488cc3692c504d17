"""Export, import into an empty region, export again: the same template, field by field."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import ClassVar

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.agencies.models import Agency
from kotacerdas.core.testing import make_agency, make_region, make_user
from kotacerdas.planning import services as planning
from kotacerdas.planning.models import Proposal
from kotacerdas.regions.models import Region
from kotacerdas.replication import selectors, services
from kotacerdas.replication import template as tpl
from kotacerdas.replication.exporting import template_of_offers, template_of_region
from kotacerdas.replication.tests.factories import ReplicationTestCase


def empty_region_like(template: tpl.Template, slug: str) -> tuple[Region, User]:
    """A new region with an agency of the same name, kind and role for each agency of the template, an open
    round and a Bappeda planner; nothing else."""
    region = make_region(slug, code="99.01", kind="kabupaten")
    agencies = {}
    for number, entry in enumerate(template.agencies):
        agencies[entry.key] = make_agency(
            region,
            f"opd-{number}",
            kind=entry.kind,
            special_role=entry.special_role,
            name=entry.name,
            short_name=entry.short_name,
        )
    bappeda = next((a for a in agencies.values() if a.special_role == "planning"), None)
    bappeda = bappeda or make_agency(region, "bappeda-baru", kind="badan", special_role="planning")
    planner = make_user(f"planner-{slug}", Role.BAPPEDA_PLANNER, region, agency=bappeda)
    planning.round_open(
        region=region,
        year=2030,
        title="Usulan",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        opened_by=bappeda,
        actor=planner,
    )
    return region, planner


def import_with_suggestions(region: Region, planner: User, template: tpl.Template) -> None:
    record = services.import_prepare(region=region, template=template, actor=planner)
    rows = selectors.mapping_rows(region=region, template=template, keys=services.used_agency_keys(template))
    mapping: dict[str, Agency] = {row.entry.key: row.suggestion for row in rows if row.suggestion is not None}
    services.import_complete(record=record, mapping=mapping, actor=planner)


class RoundTripTests(ReplicationTestCase):
    def test_it_gives_back_the_same_template_for_parts_services_targets_milestones_and_jimpitan(self) -> None:
        first = self.source_template()
        region, planner = empty_region_like(first, "kosong")
        import_with_suggestions(region, planner, first)
        second = template_of_region(region=region)
        assert second is not None
        self.assertEqual(second.comparable(), first.comparable())
        self.assertEqual(tpl.dumps(tpl.parse(tpl.dumps(second))), tpl.dumps(second))

    def test_it_reflects_what_the_region_changed_in_its_proposal(self) -> None:
        first = self.source_template(["tepi-sungai"])
        region, planner = empty_region_like(first, "kosong")
        import_with_suggestions(region, planner, first)
        proposal = Proposal.objects.get(region=region)
        Proposal.objects.filter(pk=proposal.pk).update(title="Penataan tepi Sungai Musi")
        second = template_of_region(region=region)
        assert second is not None
        self.assertEqual(second.programmes[0].title, "Penataan tepi Sungai Musi")
        self.assertEqual(second.programmes[0].parts, first.programmes[0].parts)


class DemoRoundTripTests(TestCase):
    """The whole demo set: every programme Yogyakarta offers."""

    yogyakarta: ClassVar[Region]

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo", verbosity=0, stdout=StringIO())
        cls.yogyakarta = Region.objects.get(slug="yogyakarta")

    def test_it_gives_back_yogyakartas_whole_set_field_by_field(self) -> None:
        first = template_of_offers(region=self.yogyakarta)
        assert first is not None
        self.assertEqual([p.code for p in first.programmes], ["ekosistem-digital", "jss", "m3k"])
        region, planner = empty_region_like(first, "kabupatenbaru")
        import_with_suggestions(region, planner, first)
        second = template_of_region(region=region)
        assert second is not None
        expected, actual = first.comparable(), second.comparable()
        for key in expected:
            with self.subTest(key=key):
                self.assertEqual(actual[key], expected[key])
        self.assertEqual(actual, expected)

    def test_it_carries_the_demo_sets_indicators_milestones_services_and_jimpitan(self) -> None:
        first = template_of_offers(region=self.yogyakarta)
        assert first is not None
        by_code = {p.code: p for p in first.programmes}
        self.assertEqual(
            [i.title for i in by_code["m3k"].indicators],
            [
                "Luas kawasan permukiman kumuh kota",
                "Rumah yang dimundurkan dari bibir sungai",
                "Jalan inspeksi yang terbangun",
            ],
        )
        self.assertEqual(len(by_code["m3k"].milestones), 1)
        self.assertEqual(by_code["jss"].services, ["INFO-ADMINDUK", "JALAN-01", "PJU-01", "SAMPAH-01"])
        self.assertEqual(by_code["jss"].applications[0].name, "Jogja Smart Service")
        assert by_code["ekosistem-digital"].jimpitan is not None
        self.assertEqual(by_code["ekosistem-digital"].jimpitan.nightly_amount, 500)
        self.assertEqual(by_code["ekosistem-digital"].jimpitan.watch_start, "22:00")
