"""offer_save and offer_withdraw: Bappeda offers a published programme and says what it shares."""

from __future__ import annotations

import datetime as dt

from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import NotAllowed
from kotacerdas.core.testing import make_agency
from kotacerdas.planning import services as planning
from kotacerdas.planning.services import Assignment
from kotacerdas.replication import services
from kotacerdas.replication import template as tpl
from kotacerdas.replication.models import ReplicableProgramme
from kotacerdas.replication.services import OfferData, ReplicationError
from kotacerdas.replication.tests.factories import JIMPITAN, STARTED, ReplicationTestCase


class OfferSaveTests(ReplicationTestCase):
    def data(self, **overrides: object) -> OfferData:
        values: dict[str, object] = {
            "code": "baru",
            "what_it_delivers": "Hasilnya.",
            "contact_agency": self.diskominfo,
            "started_on": STARTED,
        }
        values.update(overrides)
        return OfferData(**values)  # type: ignore[arg-type]

    def unpublished(self) -> object:
        proposal = planning.proposal_submit(
            proposal=planning.proposal_create(
                planning_round=self.source_round,
                agency=self.public_works,
                data=planning.ProposalData(
                    title="Belum terbit",
                    description="Belum.",
                    dimension=self.riverside.dimension,
                    horizon="short",
                    beneficiaries="Warga",
                    funding_source="apbd",
                    elements=list(self.riverside.elements.all()),
                ),
                actor=self.operator,
            ),
            actor=self.operator,
        )
        planning.proposal_start_review(proposal=proposal, actor=self.planner)
        return planning.proposal_accept(
            proposal=proposal, assignment=Assignment(lead=self.public_works), actor=self.planner
        )

    def test_it_offers_a_published_programme_with_an_audit_entry(self) -> None:
        offer = self.smart_offer
        self.assertEqual(offer.programme, self.smart_service)
        self.assertEqual(list(offer.services.all()), [self.service])
        entry = AuditEntry.objects.filter(action="replication.programme.marked", target_id=str(offer.pk)).get()
        self.assertEqual(entry.actor, self.planner)
        self.assertEqual(entry.after["code"], "layanan-pintar")

    def test_it_changes_an_existing_offer_and_records_before_and_after(self) -> None:
        offer = services.offer_save(
            programme=self.riverside, data=self.data(code="tepi-sungai", jimpitan=None), actor=self.planner
        )
        self.assertEqual(offer.pk, self.riverside_offer.pk)
        self.assertIsNone(offer.jimpitan)
        entry = (
            AuditEntry.objects.filter(action="replication.programme.marked", target_id=str(offer.pk))
            .order_by("id")
            .last()
        )
        assert entry is not None
        self.assertEqual(entry.before["jimpitan"]["nightly_amount"], 500)
        self.assertIsNone(entry.after["jimpitan"])

    def test_it_keeps_the_jimpitan_defaults_as_the_template_writes_them(self) -> None:
        self.assertEqual(self.riverside_offer.jimpitan, JIMPITAN.model_dump(mode="json"))

    def test_it_refuses_an_unpublished_programme(self) -> None:
        programme = self.unpublished()
        self.assertRefused(
            ReplicationError,
            services.NOT_PUBLISHED,
            lambda: services.offer_save(programme=programme, data=self.data(), actor=self.planner),  # type: ignore[arg-type]
        )

    def test_it_refuses_roles_other_than_bappeda(self) -> None:
        for actor in (self.officer, self.operator, self.inspector, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    None,
                    lambda a=actor: services.offer_save(programme=self.riverside, data=self.data(), actor=a),
                )

    def test_it_refuses_a_code_another_offer_uses(self) -> None:
        self.assertRefused(
            ReplicationError,
            services.CODE_TAKEN,
            lambda: services.offer_save(
                programme=self.riverside, data=self.data(code="layanan-pintar"), actor=self.planner
            ),
        )

    def test_it_refuses_a_contact_agency_or_service_of_another_region(self) -> None:
        elsewhere = make_agency(self.other_region, "dinas-lain")
        self.assertRefused(
            ReplicationError,
            services.AGENCY_OUTSIDE_REGION,
            lambda: services.offer_save(
                programme=self.riverside, data=self.data(contact_agency=elsewhere), actor=self.planner
            ),
        )

    def test_it_refuses_jimpitan_defaults_that_do_not_add_up(self) -> None:
        for broken in (
            JIMPITAN.model_copy(update={"nightly_amount": 0}),
            JIMPITAN.model_copy(update={"scheme": "monthly", "monthly_tariff": 15000, "payment": "prepaid"}),
            JIMPITAN.model_copy(update={"watch_end": "22:00"}),
        ):
            with self.subTest(broken=broken):
                self.assertRefused(
                    ReplicationError,
                    services.JIMPITAN_INVALID,
                    lambda b=broken: services.offer_save(
                        programme=self.riverside, data=self.data(jimpitan=b), actor=self.planner
                    ),
                )
        monthly = tpl.JimpitanEntry.model_validate(
            {**JIMPITAN.model_dump(), "scheme": "monthly", "monthly_tariff": 15000}
        )
        services.offer_save(programme=self.riverside, data=self.data(jimpitan=monthly), actor=self.planner)

    def test_it_writes_nothing_when_refused(self) -> None:
        before = AuditEntry.objects.count()
        with self.assertRaises(ReplicationError):
            services.offer_save(programme=self.riverside, data=self.data(code="layanan-pintar"), actor=self.planner)
        self.assertEqual(AuditEntry.objects.count(), before)


class OfferWithdrawTests(ReplicationTestCase):
    def test_it_takes_the_programme_out_of_the_catalogue_with_an_audit_entry(self) -> None:
        pk = self.smart_offer.pk
        services.offer_withdraw(offer=self.smart_offer, actor=self.planner)
        self.assertFalse(ReplicableProgramme.objects.filter(pk=pk).exists())
        self.assertTrue(AuditEntry.objects.filter(action="replication.programme.unmarked", target_id=str(pk)).exists())

    def test_it_refuses_roles_other_than_bappeda(self) -> None:
        self.assertRefused(
            NotAllowed, None, lambda: services.offer_withdraw(offer=self.smart_offer, actor=self.officer)
        )


class StartedOnTests(ReplicationTestCase):
    def test_it_counts_milestones_from_the_start_date(self) -> None:
        self.assertEqual(self.riverside_offer.started_on, dt.date(2026, 1, 1))
