"""The replication demo: Yogyakarta's offers, Musi Rawas's visit of 9 November 2023 and what it imported."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from kotacerdas.planning.models import PlanningRound, ProposalStatus
from kotacerdas.replication.models import ImportRecord, ImportStatus, ReplicableProgramme, Visit


class ReplicationDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo", verbosity=0, stdout=StringIO())

    def test_it_offers_jss_m3k_and_the_digital_ecosystem_training(self) -> None:
        offers = ReplicableProgramme.objects.filter(region__slug="yogyakarta")
        self.assertEqual(sorted(o.code for o in offers), ["ekosistem-digital", "jss", "m3k"])
        self.assertEqual(offers.get(code="jss").started_on, dt.date(2018, 6, 7))

    def test_it_records_the_visit_headed_by_the_inspectorate(self) -> None:
        visit = Visit.objects.get(region__slug="musirawas", host_region__slug="yogyakarta")
        self.assertEqual(visit.visited_on, dt.date(2023, 11, 9))
        self.assertEqual(visit.host_agency.slug, "diskominfosan")
        delegation = {d.agency.slug: d.is_head for d in visit.delegation.all()}
        self.assertEqual(delegation, {"inspektorat": True, "diskominfostat": False, "bappeda": False})
        self.assertIn("jimpitan", visit.topics)

    def test_it_imports_two_programmes_into_an_open_round_after_the_visit(self) -> None:
        record = ImportRecord.objects.get(region__slug="musirawas", status=ImportStatus.IMPORTED)
        self.assertEqual(record.visit, Visit.objects.get(region__slug="musirawas"))
        self.assertEqual(record.source_region.slug if record.source_region else None, "yogyakarta")
        planning_round = PlanningRound.objects.get(region__slug="musirawas", status="open")
        self.assertEqual(record.planning_round, planning_round)
        rows = {row.code: row.proposal for row in record.programmes.select_related("proposal__agency")}
        self.assertEqual(sorted(rows), ["ekosistem-digital", "jss"])
        self.assertEqual({p.agency.slug for p in rows.values()}, {"diskominfostat"})
        self.assertTrue(all(p.status == ProposalStatus.DRAFT for p in rows.values()))

    def test_it_changes_nothing_when_loaded_again(self) -> None:
        counts = (ReplicableProgramme.objects.count(), Visit.objects.count(), ImportRecord.objects.count())
        call_command("load_demo", verbosity=0, stdout=StringIO())
        self.assertEqual(
            (ReplicableProgramme.objects.count(), Visit.objects.count(), ImportRecord.objects.count()), counts
        )
