"""The template of a region's programme set: what it carries and what it leaves out."""

from __future__ import annotations

from kotacerdas.planning import services as planning
from kotacerdas.replication import services
from kotacerdas.replication import template as tpl
from kotacerdas.replication.exporting import template_of_offers, template_of_region
from kotacerdas.replication.tests.factories import ReplicationTestCase


class TemplateOfOffersTests(ReplicationTestCase):
    def test_it_carries_programmes_parts_indicators_milestones_applications_services_and_jimpitan(self) -> None:
        template = self.source_template()
        self.assertEqual([p.code for p in template.programmes], ["layanan-pintar", "tepi-sungai"])
        smart, river = template.programmes
        self.assertEqual(
            smart.applications, [tpl.ApplicationEntry(name="Aplikasi Kota", needs="Satu aplikasi untuk semua layanan.")]
        )
        self.assertEqual(smart.services, ["LAMPU-01"])
        self.assertEqual(template.services[0].attributes[0].code, "tiang")
        self.assertEqual(river.parts[0].title, "IPAL komunal")
        self.assertEqual(river.parts[0].weight, 40)
        self.assertEqual(river.milestones, [tpl.MilestoneEntry(title="Jalan inspeksi selesai", after_days=272)])
        self.assertEqual(river.parts[0].milestones[0].after_days, 180)
        self.assertEqual(river.indicators[0].suggested_target, tpl.TargetEntry(value="100.00", text=""))
        assert river.jimpitan is not None
        self.assertEqual(river.jimpitan.nightly_amount, 500)
        self.assertEqual([e.code for e in template.elements], ["governance.public-service", "living.harmony"])

    def test_it_names_agencies_by_kind_role_and_name_never_by_id(self) -> None:
        template = self.source_template()
        self.assertEqual([a.key for a in template.agencies], ["agency-1", "agency-2"])
        ict = template.agencies[0]
        self.assertEqual((ict.name, ict.kind, ict.special_role), (self.diskominfo.name, "dinas", "ict"))
        text = tpl.dumps(template)
        self.assertNotIn(f'"id": {self.diskominfo.pk}', text)
        self.assertNotIn('"pk"', text)

    def test_it_leaves_out_baselines_actuals_budgets_and_people(self) -> None:
        text = tpl.dumps(self.source_template())
        for private in ("278.70", "114.72", "1000000", "budget", self.planner.username, self.operator.username, "2014"):
            with self.subTest(private=private):
                self.assertNotIn(private, text)

    def test_it_exports_only_the_chosen_part(self) -> None:
        template = self.source_template(["tepi-sungai"])
        self.assertEqual([p.code for p in template.programmes], ["tepi-sungai"])
        self.assertEqual([a.name for a in template.agencies], [self.public_works.name, self.diskominfo.name])
        self.assertEqual(template.services, [])

    def test_it_leaves_out_unpublished_parts_and_cancelled_programmes(self) -> None:
        planning.programme_add_child(
            parent=self.riverside, title="Rahasia", kind="activity", lead_agency=self.public_works, actor=self.planner
        )  # published with its parent
        from kotacerdas.planning.models import Programme

        Programme.objects.filter(title="Rahasia").update(is_published=False)
        self.assertEqual([p.title for p in self.source_template(["tepi-sungai"]).programmes[0].parts], ["IPAL komunal"])
        planning.programme_transition(programme=self.riverside, action="cancel", note="Batal.", actor=self.planner)
        self.assertEqual([p.code for p in self.source_template().programmes], ["layanan-pintar"])

    def test_it_has_nothing_for_a_region_without_offers(self) -> None:
        self.assertIsNone(template_of_offers(region=self.other_region))
        self.assertIsNone(template_of_offers(region=self.region, codes=["tidak-ada"]))


class TemplateOfRegionTests(ReplicationTestCase):
    def test_it_adds_imported_programmes_still_in_planning(self) -> None:
        record = services.import_complete(
            record=self.prepared(), mapping=self.full_mapping(), actor=self.target_planner
        )
        template = template_of_region(region=self.other_region)
        assert template is not None
        self.assertEqual([p.code for p in template.programmes], record.programme_codes)
        self.assertIsNone(template_of_offers(region=self.other_region))

    def test_it_drops_an_imported_programme_once_its_proposal_is_rejected(self) -> None:
        record = services.import_complete(
            record=self.prepared(), mapping=self.full_mapping(), actor=self.target_planner
        )
        proposal = record.programmes.get(code="tepi-sungai").proposal
        planning.proposal_submit(proposal=proposal, actor=self.make_works_operator())
        planning.proposal_start_review(proposal=proposal, actor=self.target_planner)
        planning.proposal_reject(proposal=proposal, reason="Belum prioritas.", actor=self.target_planner)
        template = template_of_region(region=self.other_region)
        assert template is not None
        self.assertEqual([p.code for p in template.programmes], ["layanan-pintar"])

    def make_works_operator(self) -> object:
        from kotacerdas.accounts.roles import Role
        from kotacerdas.core.testing import make_user

        return make_user("works_operator", Role.AGENCY_OPERATOR, self.other_region, agency=self.target_works)
