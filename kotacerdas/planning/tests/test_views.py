"""The planning pages: each channel calls the services; permissions, bad input and query counts."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import RegionTestCase, make_agency
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.planning import services
from kotacerdas.planning.models import Programme, Proposal, ProposalStatus
from kotacerdas.planning.tests.factories import proposal_data


class PlanningViewTestCase(RegionTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = services.round_open(
            region=cls.region,
            year=2027,
            title="Usulan 2027",
            deadline=timezone.localdate() + dt.timedelta(days=30),
            opened_by=cls.bappeda,
            actor=cls.planner,
        )

    def url(self, name: str, **kwargs: object) -> str:
        return reverse(f"planning:{name}", kwargs={"region_slug": self.region.slug, **kwargs})

    def proposal_post(self, **overrides: object) -> dict[str, object]:
        living = Dimension.objects.get(code="living")
        data: dict[str, object] = {
            "title": "Penataan tepi sungai",
            "description": "Rumah mundur dari bibir sungai.",
            "dimension": living.pk,
            "elements": [Element.objects.get(code="living.harmony").pk],
            "horizon": "long",
            "areas": [self.kelurahan.pk],
            "beneficiaries": "Warga tepi sungai",
            "beneficiary_count": "120",
            "budget": "2000000000",
            "funding_source": "apbd",
            "partners": "",
            "digitalisation_needs": "",
        }
        data.update(overrides)
        return data

    def draft(self, **overrides: object) -> Proposal:
        self.client.force_login(self.operator)
        response = self.client.post(
            self.url("proposal_create", round_id=self.round.pk), self.proposal_post(**overrides)
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return Proposal.objects.latest("id")


class ProposalCreateViewTests(PlanningViewTestCase):
    def test_it_saves_a_draft_for_the_operators_agency(self) -> None:
        proposal = self.draft()
        self.assertEqual(proposal.agency, self.public_works)
        self.assertEqual(proposal.status, ProposalStatus.DRAFT)
        self.assertEqual(proposal.budget, 2_000_000_000)
        self.assertEqual(list(proposal.areas.all()), [self.kelurahan])

    def test_it_refuses_an_element_of_another_dimension_with_a_form_error(self) -> None:
        self.client.force_login(self.operator)
        other = Element.objects.get(code="society.learning").pk
        response = self.client.post(
            self.url("proposal_create", round_id=self.round.pk), self.proposal_post(elements=[other])
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errorlist")
        self.assertFalse(Proposal.objects.exists())

    def test_it_refuses_a_negative_or_absurd_budget(self) -> None:
        self.client.force_login(self.operator)
        for budget in ("-5", "10000000000000000000", "satu juta"):
            response = self.client.post(
                self.url("proposal_create", round_id=self.round.pk), self.proposal_post(budget=budget)
            )
            self.assertEqual(response.status_code, 200, budget)
        self.assertFalse(Proposal.objects.exists())

    def test_it_asks_what_the_application_must_do(self) -> None:
        self.client.force_login(self.operator)
        response = self.client.post(
            self.url("proposal_create", round_id=self.round.pk), self.proposal_post(needs_digitalisation="on")
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Proposal.objects.exists())

    def test_it_refuses_a_citizen(self) -> None:
        self.client.force_login(self.citizen)
        response = self.client.get(self.url("proposal_create", round_id=self.round.pk))
        self.assertEqual(response.status_code, 403)


class ProposalFlowViewTests(PlanningViewTestCase):
    def test_it_runs_submit_review_accept_publish(self) -> None:
        proposal = self.draft()
        self.client.post(self.url("proposal_act", proposal_id=proposal.pk, action="submit"))
        self.client.force_login(self.planner)
        self.client.post(self.url("proposal_act", proposal_id=proposal.pk, action="start_review"))
        accept = self.client.post(
            self.url("proposal_accept", proposal_id=proposal.pk),
            {"lead": self.public_works.pk, f"sup_{self.diskominfo.pk}": "on", f"role_{self.diskominfo.pk}": "Aplikasi"},
        )
        self.assertEqual(accept.status_code, 302)
        programme = Programme.objects.get(origin=proposal)
        self.assertEqual(programme.supporters.get().agency, self.diskominfo)
        self.assertFalse(programme.is_published)
        self.client.force_login(self.operator)
        page = self.client.get(self.url("proposal", proposal_id=proposal.pk))
        self.assertEqual(page.context["shown_status"], str(ProposalStatus.UNDER_REVIEW.label))
        self.client.force_login(self.planner)
        self.client.post(self.url("proposal_act", proposal_id=proposal.pk, action="publish"))
        programme.refresh_from_db()
        self.assertTrue(programme.is_published)
        self.client.force_login(self.operator)
        page = self.client.get(self.url("proposal", proposal_id=proposal.pk))
        self.assertEqual(page.context["shown_status"], str(ProposalStatus.ACCEPTED.label))

    def test_it_keeps_a_submitted_proposal_frozen(self) -> None:
        proposal = self.draft()
        self.client.post(self.url("proposal_act", proposal_id=proposal.pk, action="submit"))
        response = self.client.post(
            self.url("proposal_edit", proposal_id=proposal.pk), self.proposal_post(title="Baru")
        )
        self.assertEqual(response.status_code, 200)
        proposal.refresh_from_db()
        self.assertEqual(proposal.title, "Penataan tepi sungai")

    def test_it_requires_a_reason_to_return(self) -> None:
        proposal = self.draft()
        self.client.post(self.url("proposal_act", proposal_id=proposal.pk, action="submit"))
        self.client.force_login(self.planner)
        response = self.client.post(self.url("proposal_act", proposal_id=proposal.pk, action="return"), {"note": " "})
        self.assertEqual(response.status_code, 302)
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, ProposalStatus.SUBMITTED)

    def test_it_refuses_an_operator_deciding(self) -> None:
        proposal = self.draft()
        self.client.post(self.url("proposal_act", proposal_id=proposal.pk, action="submit"))
        self.client.post(self.url("proposal_act", proposal_id=proposal.pk, action="reject"), {"note": "tidak"})
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, ProposalStatus.SUBMITTED)
        self.assertEqual(self.client.get(self.url("proposal_accept", proposal_id=proposal.pk)).status_code, 403)

    def test_it_answers_404_for_an_unknown_action(self) -> None:
        proposal = self.draft()
        response = self.client.post(self.url("proposal_act", proposal_id=proposal.pk, action="teleport"))
        self.assertEqual(response.status_code, 404)

    def test_it_hides_another_agencys_draft(self) -> None:
        proposal = self.draft()
        self.client.force_login(self.planner)
        self.assertEqual(self.client.get(self.url("proposal", proposal_id=proposal.pk)).status_code, 404)

    def test_it_shows_bappeda_the_draft_it_made_for_an_agency(self) -> None:
        drafted = services.proposal_create(
            planning_round=self.round, agency=self.public_works, data=proposal_data(), actor=self.planner
        )
        self.client.force_login(self.planner)
        self.assertEqual(self.client.get(self.url("proposal", proposal_id=drafted.pk)).status_code, 200)


class RoundViewTests(PlanningViewTestCase):
    def test_it_opens_a_round_and_invites_every_agency(self) -> None:
        self.client.force_login(self.planner)
        deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
        response = self.client.post(
            self.url("round_create"), {"year": 2028, "title": "Usulan 2028", "deadline": deadline}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.region_round("Usulan 2028").invitations.count(), 4)

    def test_it_refuses_a_deadline_in_the_past(self) -> None:
        self.client.force_login(self.planner)
        response = self.client.post(self.url("round_create"), {"year": 2028, "title": "Lama", "deadline": "2020-01-01"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errorlist")

    def test_it_shows_who_has_not_answered(self) -> None:
        self.client.force_login(self.planner)
        response = self.client.get(self.url("round", round_id=self.round.pk))
        self.assertContains(response, self.public_works.name)
        self.assertEqual(len(response.context["overview"].not_answered), 4)

    def test_it_pins_the_query_count_of_the_round_page(self) -> None:
        self.client.force_login(self.planner)
        self.client.get(self.url("round", round_id=self.round.pk))
        for n in range(12):
            make_agency(self.region, f"dinas-{n}")
        for n in range(3):
            self.draft(title=f"Usulan {n}")
            self.client.post(self.url("proposal_act", proposal_id=Proposal.objects.latest("id").pk, action="submit"))
        self.client.force_login(self.planner)
        with self.assertNumQueries(6):
            self.client.get(self.url("round", round_id=self.round.pk))

    def region_round(self, title: str) -> object:
        return self.round.__class__.objects.get(region=self.region, title=title)


class ProgrammeViewTests(PlanningViewTestCase):
    def accepted(self, title: str = "Penataan") -> Programme:
        proposal = self.draft(title=title)
        services.proposal_submit(proposal=proposal, actor=self.operator)
        assignment = services.Assignment(lead=self.public_works)
        programme = services.proposal_accept(proposal=proposal, assignment=assignment, actor=self.planner)
        services.proposal_publish_decision(proposal=proposal, actor=self.planner)
        return programme

    def test_it_hides_an_unpublished_programme_from_the_agency(self) -> None:
        proposal = self.draft(title="Belum diumumkan")
        services.proposal_submit(proposal=proposal, actor=self.operator)
        assignment = services.Assignment(lead=self.public_works)
        programme = services.proposal_accept(proposal=proposal, assignment=assignment, actor=self.planner)
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(self.url("programme", programme_id=programme.pk)).status_code, 404)
        self.assertNotContains(self.client.get(self.url("programmes")), "Belum diumumkan")
        self.client.force_login(self.planner)
        self.assertContains(self.client.get(self.url("programmes")), "Belum diumumkan")

    def test_it_lets_the_lead_agency_start_and_bappeda_suspend(self) -> None:
        programme = self.accepted()
        self.client.force_login(self.operator)
        self.client.post(self.url("programme_act", programme_id=programme.pk, action="start"))
        programme.refresh_from_db()
        self.assertEqual(programme.status, "in_implementation")
        self.client.post(self.url("programme_act", programme_id=programme.pk, action="suspend"), {"note": "x"})
        programme.refresh_from_db()
        self.assertEqual(programme.status, "in_implementation")
        self.client.force_login(self.planner)
        self.client.post(self.url("programme_act", programme_id=programme.pk, action="suspend"), {"note": "Banjir"})
        programme.refresh_from_db()
        self.assertEqual(programme.status, "suspended")
        self.assertTrue(AuditEntry.objects.filter(action="planning.programme.suspended").exists())

    def test_it_pins_the_query_count_of_the_programme_list(self) -> None:
        self.accepted("Satu")
        self.client.force_login(self.planner)
        with self.assertNumQueries(4):
            self.client.get(self.url("programmes"))
        for n in range(5):
            self.accepted(f"Program {n}")
        self.client.force_login(self.planner)
        with self.assertNumQueries(4):
            response = self.client.get(self.url("programmes"))
        self.assertEqual(len(response.context["programmes"]), 6)

    def test_it_adds_an_activity_under_a_programme(self) -> None:
        programme = self.accepted()
        self.client.force_login(self.operator)
        response = self.client.post(
            self.url("programme_add_child", programme_id=programme.pk),
            {"title": "Jalan inspeksi", "kind": "activity", "lead_agency": self.public_works.pk, "budget": "0"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(programme.children.get().title, "Jalan inspeksi")
