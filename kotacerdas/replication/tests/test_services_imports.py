"""import_prepare, import_plan (the dry run), import_complete and import_discard."""

from __future__ import annotations

import json
from unittest import mock

from django.db import models

from kotacerdas.agencies.models import Agency
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import Conflict, NotAllowed
from kotacerdas.core.testing import make_agency
from kotacerdas.framework.models import Element
from kotacerdas.framework.services import element_create
from kotacerdas.planning import services as planning
from kotacerdas.planning.models import Proposal, ProposalStatus
from kotacerdas.replication import services
from kotacerdas.replication import template as tpl
from kotacerdas.replication.models import ImportAgencyMap, ImportedProgramme, ImportRecord, ImportStatus
from kotacerdas.replication.services import ReplicationError
from kotacerdas.replication.tests.factories import ReplicationTestCase


def counts() -> dict[str, int]:
    tables: list[type[models.Model]] = [Proposal, ImportedProgramme, ImportAgencyMap, AuditEntry]
    return {model.__name__: model._default_manager.count() for model in tables}


class ImportPrepareTests(ReplicationTestCase):
    def test_it_keeps_the_template_and_its_source_for_the_mapping_step(self) -> None:
        record = self.prepared()
        self.assertEqual(record.status, ImportStatus.PREPARED)
        self.assertEqual(record.source_region, self.region)
        self.assertEqual(record.programme_codes, ["layanan-pintar", "tepi-sungai"])
        self.assertEqual(tpl.from_data(record.template).comparable(), self.source_template().comparable())
        self.assertTrue(
            AuditEntry.objects.filter(action="replication.import.prepared", target_id=str(record.pk)).exists()
        )

    def test_it_refuses_a_region_without_an_open_round_before_writing(self) -> None:
        planning.round_close(planning_round=self.target_round, actor=self.target_planner)
        before = ImportRecord.objects.count()
        self.assertRefused(ReplicationError, services.NO_OPEN_ROUND, self.prepared)
        self.assertEqual(ImportRecord.objects.count(), before)

    def test_it_refuses_an_element_code_the_target_does_not_have(self) -> None:
        living = Element.objects.get(code="living.harmony").dimension
        element_create(
            dimension=living, code="living.tepian", name="Tepian", name_en="Riverbank", region=self.region, actor=None
        )
        self.riverside.elements.add(Element.objects.get(code="living.tepian"))
        before = ImportRecord.objects.count()
        error = self.assertRefused(ReplicationError, None, self.prepared)
        self.assertIn("living.tepian", error.message)
        self.assertIn("Tepian", error.message)
        self.assertEqual(ImportRecord.objects.count(), before)

    def test_it_accepts_an_element_the_target_added_itself(self) -> None:
        living = Element.objects.get(code="living.harmony").dimension
        for region in (self.region, self.other_region):
            element_create(
                dimension=living, code="living.tepian", name="Tepian", name_en="Riverbank", region=region, actor=None
            )
        self.riverside.elements.add(Element.objects.get(code="living.tepian", region=self.region))
        self.assertEqual(self.prepared().status, ImportStatus.PREPARED)

    def test_it_refuses_roles_other_than_bappeda(self) -> None:
        template = self.source_template()
        self.assertRefused(
            NotAllowed,
            None,
            lambda: services.import_prepare(region=self.other_region, template=template, actor=self.target_officer),
        )


class ImportPlanTests(ReplicationTestCase):
    def test_it_says_what_would_be_created_and_writes_nothing(self) -> None:
        record = self.prepared()
        before = counts()
        plan = services.import_plan(record=record, mapping=self.full_mapping())
        self.assertEqual(counts(), before)
        self.assertEqual(plan.planning_round, self.target_round)
        smart, river = plan.proposals
        self.assertEqual(
            (smart.title, smart.lead, smart.services, smart.applications),
            ("Layanan Kota Pintar", self.target_ict, 1, 1),
        )
        self.assertEqual((river.lead, river.indicators, river.milestones, river.parts), (self.target_works, 1, 1, 1))
        self.assertTrue(river.has_jimpitan)

    def test_it_refuses_an_agency_left_unmapped_naming_it(self) -> None:
        record = self.prepared()
        mapping = self.full_mapping()
        del mapping["agency-2"]
        before = counts()
        error = self.assertRefused(ReplicationError, None, lambda: services.import_plan(record=record, mapping=mapping))
        self.assertIn(self.public_works.name, error.message)
        self.assertRefused(
            ReplicationError,
            None,
            lambda: services.import_complete(record=record, mapping=mapping, actor=self.target_planner),
        )
        self.assertEqual(counts(), before)

    def test_it_refuses_an_agency_of_another_region_or_an_inactive_one(self) -> None:
        record = self.prepared()
        closed = make_agency(self.other_region, "tutup")
        Agency.objects.filter(pk=closed.pk).update(is_active=False)
        closed.refresh_from_db()
        for wrong in (self.public_works, closed):
            mapping = {**self.full_mapping(), "agency-2": wrong}
            with self.subTest(agency=wrong.slug):
                self.assertRefused(
                    ReplicationError,
                    services.MAPPED_OUTSIDE_REGION,
                    lambda m=mapping: services.import_complete(record=record, mapping=m, actor=self.target_planner),
                )
        self.assertFalse(Proposal.objects.filter(region=self.other_region).exists())

    def test_it_warns_about_programmes_imported_before(self) -> None:
        services.import_complete(record=self.prepared(), mapping=self.full_mapping(), actor=self.target_planner)
        plan = services.import_plan(record=self.prepared(), mapping=self.full_mapping())
        self.assertEqual(len(plan.proposals[0].imported_before), 1)


class ImportCompleteTests(ReplicationTestCase):
    def test_it_creates_draft_proposals_of_the_mapped_lead_agencies_in_the_open_round(self) -> None:
        record = services.import_complete(
            record=self.prepared(), mapping=self.full_mapping(), actor=self.target_planner
        )
        self.assertEqual(record.status, ImportStatus.IMPORTED)
        self.assertEqual(record.planning_round, self.target_round)
        rows = {row.code: row for row in record.programmes.select_related("proposal")}
        smart = rows["layanan-pintar"].proposal
        self.assertEqual(
            (smart.agency, smart.status, smart.round), (self.target_ict, ProposalStatus.DRAFT, self.target_round)
        )
        self.assertEqual(smart.created_by, self.target_planner)
        self.assertEqual([e.code for e in smart.elements.all()], ["governance.public-service"])
        self.assertTrue(smart.needs_digitalisation)
        self.assertEqual(smart.digitalisation_needs, "Aplikasi Kota: Satu aplikasi untuk semua layanan.")
        self.assertEqual(rows["tepi-sungai"].proposal.agency, self.target_works)
        self.assertEqual(rows["tepi-sungai"].carry["programme"]["jimpitan"]["nightly_amount"], 500)
        self.assertEqual(rows["layanan-pintar"].carry["services"][0]["code"], "LAMPU-01")

    def test_it_records_the_origin_the_mapping_and_the_audit_trail(self) -> None:
        record = services.import_complete(
            record=self.prepared(), mapping=self.full_mapping(), actor=self.target_planner
        )
        self.assertEqual(
            {m.key: m.agency for m in record.agency_maps.all()},
            {"agency-1": self.target_ict, "agency-2": self.target_works},
        )
        proposal = record.programmes.get(code="tepi-sungai").proposal
        self.assertEqual(proposal.replication_origin.record, record)
        self.assertTrue(
            AuditEntry.objects.filter(
                action="planning.proposal.created", target_id=str(proposal.pk), actor=self.target_planner
            ).exists()
        )
        entry = AuditEntry.objects.get(action="replication.import.completed", target_id=str(record.pk))
        self.assertEqual(entry.after["programmes"], ["layanan-pintar", "tepi-sungai"])

    def test_it_lets_the_lead_agency_see_and_edit_its_draft(self) -> None:
        from kotacerdas.planning.selectors import proposals_visible_to

        record = services.import_complete(
            record=self.prepared(), mapping=self.full_mapping(), actor=self.target_planner
        )
        proposal = record.programmes.get(code="layanan-pintar").proposal
        self.assertIn(proposal, proposals_visible_to(user=self.target_officer, region=self.other_region))
        planning.proposal_submit(proposal=proposal, actor=self.target_officer)

    def test_it_is_all_or_nothing_when_a_programme_fails_midway(self) -> None:
        record = self.prepared()
        before = counts()
        real = services._draft_for_agency
        calls: list[int] = []

        def fail_on_second(*args: object, **kwargs: object) -> Proposal:
            calls.append(1)
            if len(calls) == 2:
                raise ReplicationError("disk full")
            return real(*args, **kwargs)  # type: ignore[arg-type]

        with mock.patch.object(services, "_draft_for_agency", side_effect=fail_on_second):
            self.assertRefused(
                ReplicationError,
                None,
                lambda: services.import_complete(record=record, mapping=self.full_mapping(), actor=self.target_planner),
            )
        self.assertEqual(len(calls), 2)
        self.assertEqual(counts(), before)
        record.refresh_from_db()
        self.assertEqual(record.status, ImportStatus.PREPARED)

    def test_it_links_a_visit_of_the_region_and_refuses_one_of_others(self) -> None:
        from kotacerdas.replication.tests.test_services_visits import record_visit

        visit = record_visit(self)
        record = services.import_complete(
            record=self.prepared(), mapping=self.full_mapping(), visit=visit, actor=self.target_planner
        )
        self.assertEqual(record.visit, visit)
        other = make_agency(self.region, "tamu")
        from kotacerdas.core.testing import make_region

        third = make_region("kotaketiga", code="35.78")
        unrelated = services.visit_record(
            region=self.region,
            data=services.VisitData(
                host_region=third,
                host_agency=make_agency(third, "tuan"),
                visited_on=visit.visited_on,
                topics="Lain.",
                delegation=[],
                head=other,
            ),
            actor=self.planner,
        )
        self.assertRefused(
            ReplicationError,
            services.VISIT_UNRELATED,
            lambda: services.import_complete(
                record=self.prepared(), mapping=self.full_mapping(), visit=unrelated, actor=self.target_planner
            ),
        )

    def test_it_refuses_to_import_twice(self) -> None:
        record = self.prepared()
        services.import_complete(record=record, mapping=self.full_mapping(), actor=self.target_planner)
        self.assertRefused(
            Conflict,
            services.NOT_PREPARED,
            lambda: services.import_complete(record=record, mapping=self.full_mapping(), actor=self.target_planner),
        )

    def test_it_refuses_roles_other_than_bappeda(self) -> None:
        record = self.prepared()
        self.assertRefused(
            NotAllowed,
            None,
            lambda: services.import_complete(record=record, mapping=self.full_mapping(), actor=self.target_officer),
        )

    def test_it_refuses_a_stored_template_that_became_unreadable(self) -> None:
        record = self.prepared()
        ImportRecord.objects.filter(pk=record.pk).update(
            template=json.loads('{"format": "kotacerdas-template", "version": 9}')
        )
        record.refresh_from_db()
        self.assertRefused(
            tpl.TemplateError,
            None,
            lambda: services.import_complete(record=record, mapping=self.full_mapping(), actor=self.target_planner),
        )


class ImportDiscardTests(ReplicationTestCase):
    def test_it_discards_a_prepared_import_once(self) -> None:
        record = services.import_discard(record=self.prepared(), actor=self.target_planner)
        self.assertEqual(record.status, ImportStatus.DISCARDED)
        self.assertRefused(
            Conflict, services.NOT_PREPARED, lambda: services.import_discard(record=record, actor=self.target_planner)
        )
