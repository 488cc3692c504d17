"""Proposals: drafting, editing, submitting, Bappeda's review and decisions, and publishing a decision."""

from __future__ import annotations

import time_machine

from kotacerdas.accounts.roles import Role
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import ApplicationError, Conflict, NotAllowed
from kotacerdas.core.testing import make_agency, make_user
from kotacerdas.core.workflow import CHANGED_MEANWHILE, NOT_PERMITTED, REASON_REQUIRED
from kotacerdas.framework import services as framework
from kotacerdas.planning import services
from kotacerdas.planning.models import (
    MAX_BUDGET,
    DigitalisationRequest,
    DigitalisationStatus,
    FundingSource,
    Horizon,
    Invitation,
    InvitationStatus,
    Programme,
    ProgrammeStatus,
    Proposal,
    ProposalStatus,
    SupportingAgency,
)
from kotacerdas.planning.services import Assignment, PlanningError
from kotacerdas.planning.tests.factories import (
    LAST_MINUTE,
    NOW,
    TOO_LATE,
    PlanningTestCase,
    actions_of,
    audit_trail,
    proposal_data,
)
from kotacerdas.regions import services as regions
from kotacerdas.regions.models import Region


def fresh(proposal: Proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


class ProposalCreateTests(PlanningTestCase):
    def create(self, **overrides: object) -> Proposal:
        actor = overrides.pop("actor", self.operator)
        agency = overrides.pop("agency", self.public_works)
        return services.proposal_create(
            planning_round=self.planning_round,
            agency=agency,
            data=proposal_data(**overrides),
            actor=actor,
        )

    def assertNothingDrafted(self) -> None:
        self.assertFalse(Proposal.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.PROPOSAL_CREATED).exists())

    def test_it_drafts_a_proposal_for_the_operators_agency(self) -> None:
        proposal = fresh(
            self.create(
                areas=[self.kemantren, self.kelurahan],
                elements=[self.harmony, self.mobility],
                partners="Universitas Gadjah Mada",
                funding_source=FundingSource.CSR,
            )
        )
        self.assertEqual(proposal.status, ProposalStatus.DRAFT)
        self.assertEqual(
            (proposal.region, proposal.round, proposal.agency), (self.region, self.planning_round, self.public_works)
        )
        self.assertEqual(proposal.created_by, self.operator)
        self.assertEqual(proposal.title, "Penataan tepi sungai")
        self.assertEqual(proposal.dimension, self.living)
        self.assertEqual(proposal.horizon, Horizon.LONG)
        self.assertEqual(proposal.budget, 2_000_000_000)
        self.assertEqual(proposal.funding_source, FundingSource.CSR)
        self.assertEqual(proposal.partners, "Universitas Gadjah Mada")
        self.assertEqual((proposal.beneficiaries, proposal.beneficiary_count), ("Warga tepi sungai", 120))
        self.assertEqual(set(proposal.elements.all()), {self.harmony, self.mobility})
        self.assertEqual(set(proposal.areas.all()), {self.kemantren, self.kelurahan})
        self.assertIsNone(proposal.submitted_at)

    def test_it_records_the_draft_in_the_audit_log(self) -> None:
        proposal = self.create()
        [entry] = audit_trail(proposal)
        self.assertEqual(entry.action, AuditAction.PROPOSAL_CREATED)
        self.assertEqual((entry.actor, entry.region), (self.operator, self.region))
        self.assertEqual(entry.after, {"title": "Penataan tepi sungai"})

    def test_it_covers_the_whole_region_without_areas(self) -> None:
        proposal = self.create(areas=[])
        self.assertFalse(proposal.areas.exists())

    def test_it_keeps_what_the_application_must_do(self) -> None:
        proposal = fresh(self.create(needs_digitalisation=True, digitalisation_needs="Peta rumah terdampak."))
        self.assertTrue(proposal.needs_digitalisation)
        self.assertEqual(proposal.digitalisation_needs, "Peta rumah terdampak.")

    def test_it_accepts_an_element_the_region_added_to_the_dimension(self) -> None:
        own = framework.element_create(
            dimension=self.living,
            code="living.kampung",
            name="Kampung",
            name_en="Kampung",
            region=self.region,
            actor=None,
        )
        proposal = self.create(elements=[own])
        self.assertEqual(list(proposal.elements.all()), [own])

    def test_it_lets_the_agency_head_and_bappeda_draft_for_their_own_agency(self) -> None:
        by_head = self.create(actor=self.head, title="Usulan kepala dinas")
        by_planner = self.create(actor=self.planner, agency=self.bappeda, title="Usulan Bappeda")
        self.assertEqual(by_head.agency, self.public_works)
        self.assertEqual(by_planner.agency, self.bappeda)

    def test_it_lets_bappeda_draft_for_the_agency_it_means_to_lead(self) -> None:
        proposal = self.create(actor=self.planner)
        self.assertEqual((proposal.agency, proposal.created_by), (self.public_works, self.planner))
        self.assertEqual(proposal.status, ProposalStatus.DRAFT)
        submitted = services.proposal_submit(proposal=proposal, actor=self.operator)
        self.assertEqual(submitted.status, ProposalStatus.SUBMITTED)

    def test_it_refuses_a_member_of_another_agency(self) -> None:
        for actor in (self.health_operator, self.officer):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, services.NOT_PERMITTED, lambda a=actor: self.create(actor=a))
        self.assertNothingDrafted()

    def test_it_refuses_a_citizen_leadership_and_the_inspector(self) -> None:
        for actor in (self.citizen, self.leader, self.inspector, self.treasurer):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, services.NOT_PERMITTED, lambda a=actor: self.create(actor=a))
        self.assertNothingDrafted()

    def test_it_refuses_a_member_of_another_region(self) -> None:
        self.assertRefused(
            NotAllowed, services.NOT_PERMITTED, lambda: self.create(actor=self.outsider, agency=self.other_agency)
        )
        self.assertNothingDrafted()

    def test_it_refuses_a_closed_round(self) -> None:
        services.round_close(planning_round=self.planning_round, actor=self.planner)
        self.assertRefused(PlanningError, services.ROUND_CLOSED, self.create)
        self.assertNothingDrafted()

    def test_it_refuses_an_element_of_another_dimension(self) -> None:
        error = self.assertRefused(
            PlanningError,
            services.ELEMENT_OUTSIDE_DIMENSION,
            lambda: self.create(elements=[self.harmony, self.learning]),
        )
        self.assertEqual(error.field, "elements")
        self.assertNothingDrafted()

    def test_it_refuses_a_proposal_without_elements(self) -> None:
        self.assertRefused(PlanningError, services.ELEMENT_OUTSIDE_DIMENSION, lambda: self.create(elements=[]))
        self.assertNothingDrafted()

    def test_it_refuses_an_element_another_region_added(self) -> None:
        theirs = framework.element_create(
            dimension=self.living,
            code="living.sungai",
            name="Sungai",
            name_en="River",
            region=self.other_region,
            actor=None,
        )
        self.assertRefused(PlanningError, services.ELEMENT_OUTSIDE_DIMENSION, lambda: self.create(elements=[theirs]))
        self.assertNothingDrafted()

    def test_it_refuses_an_area_of_another_region(self) -> None:
        theirs = regions.area_create(region=self.other_region, parent=None, kind="kecamatan", name="Jauh", actor=None)
        error = self.assertRefused(
            PlanningError, services.AREA_OUTSIDE_REGION, lambda: self.create(areas=[self.kelurahan, theirs])
        )
        self.assertEqual(error.field, "areas")
        self.assertNothingDrafted()

    def test_it_refuses_areas_below_the_village(self) -> None:
        for area in (self.rw, self.rt):
            with self.subTest(area=area.name):
                self.assertRefused(PlanningError, services.AREA_OUTSIDE_REGION, lambda a=area: self.create(areas=[a]))
        self.assertNothingDrafted()

    def test_it_asks_what_the_application_must_do(self) -> None:
        error = self.assertRefused(
            PlanningError,
            services.DIGITALISATION_NEEDS_MISSING,
            lambda: self.create(needs_digitalisation=True, digitalisation_needs="   "),
        )
        self.assertEqual(error.field, "digitalisation_needs")
        self.assertNothingDrafted()

    def test_it_refuses_a_budget_above_the_ceiling(self) -> None:
        self.assertRefused(PlanningError, None, lambda: self.create(budget=MAX_BUDGET + 1))
        self.assertNothingDrafted()

    def test_it_refuses_an_unknown_horizon_or_funding_source(self) -> None:
        self.assertRefused(PlanningError, None, lambda: self.create(horizon="someday"))
        self.assertRefused(PlanningError, None, lambda: self.create(funding_source="loan"))
        self.assertNothingDrafted()


class ProposalUpdateTests(PlanningTestCase):
    def update(self, proposal: Proposal, actor: object = None, **overrides: object) -> Proposal:
        return services.proposal_update(
            proposal=proposal,
            data=proposal_data(**overrides),
            actor=actor or self.operator,
        )

    def test_it_edits_a_draft(self) -> None:
        proposal = self.draft()
        self.update(
            proposal,
            title="Penataan tepi sungai Winongo",
            budget=2_500_000_000,
            elements=[self.mobility],
            areas=[self.kelurahan],
        )
        saved = fresh(proposal)
        self.assertEqual(saved.title, "Penataan tepi sungai Winongo")
        self.assertEqual(saved.budget, 2_500_000_000)
        self.assertEqual(list(saved.elements.all()), [self.mobility])
        self.assertEqual(list(saved.areas.all()), [self.kelurahan])
        self.assertEqual(saved.status, ProposalStatus.DRAFT)

    def test_it_records_only_the_changed_fields(self) -> None:
        proposal = self.draft()
        self.update(proposal, title="Judul baru", budget=1_000)
        entry = audit_trail(proposal)[-1]
        self.assertEqual(entry.action, AuditAction.PROPOSAL_UPDATED)
        self.assertEqual(entry.before, {"title": "Penataan tepi sungai", "budget": 2_000_000_000})
        self.assertEqual(entry.after, {"title": "Judul baru", "budget": 1_000})

    def test_it_edits_a_returned_proposal(self) -> None:
        proposal = self.under_review()
        services.proposal_return(proposal=proposal, reason="Lengkapi lokasi.", actor=self.planner)
        self.update(proposal, areas=[self.kelurahan])
        self.assertEqual(list(fresh(proposal).areas.all()), [self.kelurahan])

    def test_it_lets_the_agency_head_edit_the_operators_draft(self) -> None:
        proposal = self.draft()
        self.update(proposal, actor=self.head, title="Diperbaiki kepala dinas")
        self.assertEqual(fresh(proposal).title, "Diperbaiki kepala dinas")

    def test_it_refuses_a_submitted_proposal(self) -> None:
        proposal = self.submitted()
        self.assertRefused(PlanningError, services.PROPOSAL_FROZEN, lambda: self.update(proposal, title="Diam-diam"))
        self.assertEqual(fresh(proposal).title, "Penataan tepi sungai")
        self.assertNotIn(AuditAction.PROPOSAL_UPDATED, actions_of(proposal))

    def test_it_refuses_a_proposal_under_review_or_decided(self) -> None:
        reviewed = self.under_review(title="Ditinjau")
        rejected = self.under_review(title="Ditolak")
        services.proposal_reject(proposal=rejected, reason="Tidak prioritas.", actor=self.planner)
        for proposal in (reviewed, rejected):
            with self.subTest(status=proposal.status):
                self.assertRefused(
                    PlanningError, services.PROPOSAL_FROZEN, lambda p=proposal: self.update(p, title="Diam-diam")
                )
                self.assertNotEqual(fresh(proposal).title, "Diam-diam")

    def test_it_refuses_a_stale_draft_submitted_meanwhile(self) -> None:
        proposal = self.draft()
        stale = fresh(proposal)
        services.proposal_submit(proposal=proposal, actor=self.head)
        self.assertRefused(PlanningError, services.PROPOSAL_FROZEN, lambda: self.update(stale, title="Terlambat"))
        self.assertEqual(fresh(proposal).title, "Penataan tepi sungai")
        self.assertEqual(fresh(proposal).status, ProposalStatus.SUBMITTED)

    def test_it_refuses_a_member_of_another_agency(self) -> None:
        proposal = self.draft()
        for actor in (self.health_operator, self.planner, self.officer):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed, services.NOT_PERMITTED, lambda a=actor: self.update(proposal, actor=a, title="Bukan")
                )
        self.assertEqual(fresh(proposal).title, "Penataan tepi sungai")

    def test_it_refuses_a_member_of_another_region(self) -> None:
        proposal = self.draft()
        self.assertRefused(
            NotAllowed, services.NOT_PERMITTED, lambda: self.update(proposal, actor=self.outsider, title="Bukan")
        )
        self.assertEqual(fresh(proposal).title, "Penataan tepi sungai")

    def test_it_refuses_bad_data_and_keeps_the_draft(self) -> None:
        proposal = self.draft()
        self.assertRefused(
            PlanningError,
            services.ELEMENT_OUTSIDE_DIMENSION,
            lambda: self.update(proposal, title="Baru", elements=[self.learning]),
        )
        self.assertRefused(
            PlanningError, services.AREA_OUTSIDE_REGION, lambda: self.update(proposal, title="Baru", areas=[self.rt])
        )
        self.assertRefused(
            PlanningError,
            services.DIGITALISATION_NEEDS_MISSING,
            lambda: self.update(proposal, title="Baru", needs_digitalisation=True),
        )
        saved = fresh(proposal)
        self.assertEqual(saved.title, "Penataan tepi sungai")
        self.assertEqual(list(saved.elements.all()), [self.harmony])
        self.assertEqual(actions_of(proposal), [AuditAction.PROPOSAL_CREATED])

    def test_it_records_a_change_of_elements_and_areas(self) -> None:
        proposal = self.draft()
        self.update(proposal, elements=[self.mobility], areas=[self.kelurahan])
        entry = audit_trail(proposal)[-1]
        self.assertTrue(entry.before)
        self.assertTrue(entry.after)


class ProposalSubmitTests(PlanningTestCase):
    def invitation(self) -> Invitation:
        return Invitation.objects.get(round=self.planning_round, agency=self.public_works)

    def test_it_sends_the_proposal_to_bappeda(self) -> None:
        proposal = self.draft()
        services.proposal_submit(proposal=proposal, actor=self.operator)
        saved = fresh(proposal)
        self.assertEqual(saved.status, ProposalStatus.SUBMITTED)
        self.assertEqual(saved.submitted_at, NOW)
        self.assertFalse(saved.is_editable)

    def test_it_records_the_status_change(self) -> None:
        proposal = self.draft()
        services.proposal_submit(proposal=proposal, actor=self.operator)
        entry = audit_trail(proposal)[-1]
        self.assertEqual(entry.action, AuditAction.PROPOSAL_SUBMITTED)
        self.assertEqual(entry.before, {"status": "draft"})
        self.assertEqual(entry.after, {"status": "submitted", "submitted_at": NOW.isoformat()})

    def test_it_marks_the_agencys_invitation_answered(self) -> None:
        self.submitted()
        invitation = self.invitation()
        self.assertEqual(invitation.status, InvitationStatus.ANSWERED)
        self.assertEqual(invitation.answered_at, NOW)
        self.assertEqual(actions_of(invitation), [AuditAction.INVITATION_ANSWERED])
        others = Invitation.objects.filter(round=self.planning_round).exclude(agency=self.public_works)
        self.assertEqual(set(others.values_list("status", flat=True)), {InvitationStatus.INVITED})

    def test_it_answers_for_an_agency_created_after_the_round_opened(self) -> None:
        newcomer = make_agency(self.region, "dinas-baru", short_name="Dinas Baru")
        newcomer_operator = make_user("newcomer", Role.AGENCY_OPERATOR, self.region, agency=newcomer)
        self.submitted(agency=newcomer, actor=newcomer_operator)
        invitation = Invitation.objects.get(round=self.planning_round, agency=newcomer)
        self.assertEqual((invitation.status, invitation.region), (InvitationStatus.ANSWERED, self.region))

    @time_machine.travel(LAST_MINUTE, tick=False)
    def test_it_accepts_a_submission_at_the_last_minute_of_the_deadline(self) -> None:
        proposal = self.submitted()
        self.assertEqual(fresh(proposal).status, ProposalStatus.SUBMITTED)

    def test_it_lets_a_returned_proposal_be_resubmitted_after_the_deadline(self) -> None:
        proposal = self.under_review()
        services.proposal_return(proposal=proposal, reason="Lengkapi anggaran.", actor=self.planner)
        with time_machine.travel(TOO_LATE, tick=False):
            services.proposal_submit(proposal=proposal, actor=self.operator)
        self.assertEqual(fresh(proposal).status, ProposalStatus.SUBMITTED)
        self.assertEqual(actions_of(proposal).count(AuditAction.PROPOSAL_SUBMITTED), 2)
        self.assertEqual(actions_of(self.invitation()), [AuditAction.INVITATION_ANSWERED])

    def test_it_refuses_a_first_submission_after_the_deadline(self) -> None:
        proposal = self.draft()
        with time_machine.travel(TOO_LATE, tick=False):
            self.assertRefused(
                PlanningError,
                services.ROUND_DEADLINE_PASSED,
                lambda: services.proposal_submit(proposal=proposal, actor=self.operator),
            )
        self.assertEqual(fresh(proposal).status, ProposalStatus.DRAFT)
        self.assertEqual(self.invitation().status, InvitationStatus.INVITED)

    @time_machine.travel(LAST_MINUTE, tick=False)
    def test_it_reads_the_deadline_in_the_regions_time_zone(self) -> None:
        # 23:30 in Jakarta is already the next day in Jayapura (UTC+9).
        Region.objects.filter(pk=self.region.pk).update(time_zone="Asia/Jayapura")
        proposal = self.draft()
        proposal.round.region.refresh_from_db()
        self.assertRefused(
            PlanningError,
            services.ROUND_DEADLINE_PASSED,
            lambda: services.proposal_submit(proposal=proposal, actor=self.operator),
        )

    def test_it_refuses_a_closed_round(self) -> None:
        proposal = self.draft()
        services.round_close(planning_round=self.planning_round, actor=self.planner)
        self.assertRefused(
            PlanningError,
            services.ROUND_CLOSED,
            lambda: services.proposal_submit(proposal=proposal, actor=self.operator),
        )
        self.assertEqual(fresh(proposal).status, ProposalStatus.DRAFT)

    def test_it_refuses_a_proposal_already_submitted(self) -> None:
        proposal = self.submitted()
        self.assertRefused(Conflict, None, lambda: services.proposal_submit(proposal=proposal, actor=self.operator))
        self.assertEqual(actions_of(proposal).count(AuditAction.PROPOSAL_SUBMITTED), 1)

    def test_it_refuses_a_member_of_another_agency(self) -> None:
        proposal = self.draft()
        for actor in (self.health_operator, self.planner, self.officer):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed, NOT_PERMITTED, lambda a=actor: services.proposal_submit(proposal=proposal, actor=a)
                )
        self.assertEqual(fresh(proposal).status, ProposalStatus.DRAFT)

    def test_it_refuses_a_citizen_and_an_outsider(self) -> None:
        proposal = self.draft()
        for actor in (self.citizen, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed, NOT_PERMITTED, lambda a=actor: services.proposal_submit(proposal=proposal, actor=a)
                )
        self.assertEqual(fresh(proposal).status, ProposalStatus.DRAFT)
        self.assertEqual(self.invitation().status, InvitationStatus.INVITED)

    def test_it_refuses_a_stale_draft_submitted_meanwhile(self) -> None:
        proposal = self.draft()
        stale = fresh(proposal)
        services.proposal_submit(proposal=proposal, actor=self.operator)
        self.assertRefused(
            Conflict, CHANGED_MEANWHILE, lambda: services.proposal_submit(proposal=stale, actor=self.head)
        )
        self.assertEqual(actions_of(proposal).count(AuditAction.PROPOSAL_SUBMITTED), 1)


class ProposalStartReviewTests(PlanningTestCase):
    def test_it_puts_a_submitted_proposal_under_review(self) -> None:
        proposal = self.submitted()
        services.proposal_start_review(proposal=proposal, actor=self.planner)
        self.assertEqual(fresh(proposal).status, ProposalStatus.UNDER_REVIEW)
        entry = audit_trail(proposal)[-1]
        self.assertEqual(entry.action, AuditAction.PROPOSAL_REVIEW_STARTED)
        self.assertEqual((entry.before, entry.after), ({"status": "submitted"}, {"status": "under_review"}))

    def test_it_refuses_the_proposing_agency_and_diskominfo(self) -> None:
        proposal = self.submitted()
        for actor in (self.operator, self.head, self.officer, self.leader):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda a=actor: services.proposal_start_review(proposal=proposal, actor=a),
                )
        self.assertEqual(fresh(proposal).status, ProposalStatus.SUBMITTED)

    def test_it_refuses_a_planner_of_another_region(self) -> None:
        proposal = self.submitted()
        self.assertRefused(
            NotAllowed, NOT_PERMITTED, lambda: services.proposal_start_review(proposal=proposal, actor=self.outsider)
        )
        self.assertEqual(fresh(proposal).status, ProposalStatus.SUBMITTED)

    def test_it_refuses_a_draft_and_a_proposal_already_under_review(self) -> None:
        draft = self.draft(title="Draf")
        reviewed = self.under_review(title="Ditinjau")
        for proposal in (draft, reviewed):
            with self.subTest(status=proposal.status):
                self.assertRefused(
                    Conflict, None, lambda p=proposal: services.proposal_start_review(proposal=p, actor=self.planner)
                )
        self.assertEqual(fresh(draft).status, ProposalStatus.DRAFT)
        self.assertEqual(actions_of(reviewed).count(AuditAction.PROPOSAL_REVIEW_STARTED), 1)


class ProposalReturnTests(PlanningTestCase):
    def test_it_returns_the_proposal_with_the_reasons(self) -> None:
        proposal = self.under_review()
        services.proposal_return(proposal=proposal, reason="Lengkapi rincian anggaran.", actor=self.planner)
        saved = fresh(proposal)
        self.assertEqual(saved.status, ProposalStatus.RETURNED)
        self.assertEqual(saved.review_note, "Lengkapi rincian anggaran.")
        self.assertTrue(saved.is_editable)
        entry = audit_trail(proposal)[-1]
        self.assertEqual(entry.action, AuditAction.PROPOSAL_RETURNED)
        self.assertEqual(entry.before, {"status": "under_review"})
        self.assertEqual(
            entry.after,
            {"status": "returned", "note": "Lengkapi rincian anggaran.", "review_note": "Lengkapi rincian anggaran."},
        )

    def test_it_returns_a_proposal_straight_from_submitted(self) -> None:
        proposal = self.submitted()
        services.proposal_return(proposal=proposal, reason="Salah dimensi.", actor=self.planner)
        self.assertEqual(fresh(proposal).status, ProposalStatus.RETURNED)

    def test_it_lets_the_agency_revise_and_resubmit(self) -> None:
        proposal = self.under_review()
        services.proposal_return(proposal=proposal, reason="Lengkapi lokasi.", actor=self.planner)
        services.proposal_update(proposal=proposal, data=proposal_data(areas=[self.kelurahan]), actor=self.operator)
        services.proposal_submit(proposal=proposal, actor=self.operator)
        saved = fresh(proposal)
        self.assertEqual(saved.status, ProposalStatus.SUBMITTED)
        self.assertEqual(list(saved.areas.all()), [self.kelurahan])
        self.assertEqual(
            actions_of(proposal),
            [
                AuditAction.PROPOSAL_CREATED,
                AuditAction.PROPOSAL_SUBMITTED,
                AuditAction.PROPOSAL_REVIEW_STARTED,
                AuditAction.PROPOSAL_RETURNED,
                AuditAction.PROPOSAL_UPDATED,
                AuditAction.PROPOSAL_SUBMITTED,
            ],
        )

    def test_it_asks_for_the_reasons(self) -> None:
        proposal = self.under_review()
        error = self.assertRefused(
            ApplicationError,
            REASON_REQUIRED,
            lambda: services.proposal_return(proposal=proposal, reason="  ", actor=self.planner),
        )
        self.assertEqual(error.field, "note")
        self.assertEqual(fresh(proposal).status, ProposalStatus.UNDER_REVIEW)

    def test_it_refuses_the_proposing_agency(self) -> None:
        proposal = self.under_review()
        self.assertRefused(
            NotAllowed,
            NOT_PERMITTED,
            lambda: services.proposal_return(proposal=proposal, reason="Saya tarik.", actor=self.operator),
        )
        self.assertEqual(fresh(proposal).status, ProposalStatus.UNDER_REVIEW)

    def test_it_refuses_a_draft(self) -> None:
        proposal = self.draft()
        self.assertRefused(
            Conflict, None, lambda: services.proposal_return(proposal=proposal, reason="Belum.", actor=self.planner)
        )
        self.assertEqual(fresh(proposal).status, ProposalStatus.DRAFT)

    def test_it_refuses_a_stale_proposal_decided_meanwhile(self) -> None:
        proposal = self.under_review()
        stale = fresh(proposal)
        self.accept(proposal)
        self.assertRefused(
            Conflict,
            CHANGED_MEANWHILE,
            lambda: services.proposal_return(proposal=stale, reason="Terlambat.", actor=self.planner),
        )
        saved = fresh(proposal)
        self.assertEqual((saved.status, saved.review_note), (ProposalStatus.ACCEPTED, ""))
        self.assertNotIn(AuditAction.PROPOSAL_RETURNED, actions_of(proposal))


class ProposalRejectTests(PlanningTestCase):
    def test_it_records_the_rejection_with_its_reasons(self) -> None:
        proposal = self.under_review()
        services.proposal_reject(proposal=proposal, reason="Di luar prioritas RPJMD.", actor=self.planner)
        saved = fresh(proposal)
        self.assertEqual(saved.status, ProposalStatus.REJECTED)
        self.assertEqual(saved.decision_reason, "Di luar prioritas RPJMD.")
        self.assertEqual((saved.decided_at, saved.decided_by), (NOW, self.planner))
        self.assertIsNone(saved.decision_published_at)
        self.assertFalse(Programme.objects.exists())
        entry = audit_trail(proposal)[-1]
        self.assertEqual(entry.action, AuditAction.PROPOSAL_REJECTED)
        self.assertEqual(entry.before, {"status": "under_review"})
        self.assertEqual(entry.after["status"], "rejected")
        self.assertEqual(entry.after["decided_by"], self.planner.pk)

    def test_it_asks_for_the_reasons(self) -> None:
        proposal = self.under_review()
        self.assertRefused(
            ApplicationError,
            REASON_REQUIRED,
            lambda: services.proposal_reject(proposal=proposal, reason="", actor=self.planner),
        )
        self.assertEqual(fresh(proposal).status, ProposalStatus.UNDER_REVIEW)

    def test_it_refuses_the_proposing_agency_and_an_outsider(self) -> None:
        proposal = self.under_review()
        for actor in (self.operator, self.outsider, self.officer):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda a=actor: services.proposal_reject(proposal=proposal, reason="Tidak.", actor=a),
                )
        self.assertEqual(fresh(proposal).status, ProposalStatus.UNDER_REVIEW)

    def test_it_refuses_a_draft_and_a_decided_proposal(self) -> None:
        draft = self.draft(title="Draf")
        accepted = self.under_review(title="Diterima")
        self.accept(accepted)
        for proposal in (draft, accepted):
            with self.subTest(status=proposal.status):
                self.assertRefused(
                    Conflict,
                    None,
                    lambda p=proposal: services.proposal_reject(proposal=p, reason="Tidak.", actor=self.planner),
                )
        self.assertEqual(fresh(accepted).status, ProposalStatus.ACCEPTED)


class ProposalMergeTests(PlanningTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.target = self.under_review(title="Jalur sepeda kota")
        self.proposal = self.under_review(title="Jalur sepeda kampus", agency=self.health, actor=self.health_operator)

    def merge(self, into: Proposal, actor: object = None, reason: str = "Lokasi dan tujuan sama.") -> Proposal:
        return services.proposal_merge(
            proposal=self.proposal,
            into=into,
            reason=reason,
            actor=actor or self.planner,
        )

    def test_it_folds_the_proposal_into_another(self) -> None:
        self.merge(self.target)
        saved = fresh(self.proposal)
        self.assertEqual(saved.status, ProposalStatus.MERGED)
        self.assertEqual(saved.merged_into, self.target)
        self.assertEqual(saved.decision_reason, "Lokasi dan tujuan sama.")
        self.assertEqual((saved.decided_at, saved.decided_by), (NOW, self.planner))
        self.assertEqual(list(self.target.merged_from.all()), [saved])
        self.assertEqual(fresh(self.target).status, ProposalStatus.UNDER_REVIEW)
        entry = audit_trail(self.proposal)[-1]
        self.assertEqual(entry.action, AuditAction.PROPOSAL_MERGED)
        self.assertEqual(entry.after["merged_into"], self.target.pk)

    def test_it_merges_into_an_accepted_or_submitted_proposal(self) -> None:
        self.accept(self.target)
        self.merge(self.target)
        self.assertEqual(fresh(self.proposal).merged_into, self.target)
        other = self.under_review(title="Ketiga")
        submitted = self.submitted(title="Terkirim")
        services.proposal_merge(proposal=other, into=submitted, reason="Sama.", actor=self.planner)
        self.assertEqual(fresh(other).merged_into, submitted)

    def test_it_refuses_to_merge_a_proposal_into_itself(self) -> None:
        error = self.assertRefused(PlanningError, services.MERGE_TARGET_INVALID, lambda: self.merge(self.proposal))
        self.assertEqual(error.field, "into")
        self.assertEqual(fresh(self.proposal).status, ProposalStatus.UNDER_REVIEW)

    def test_it_refuses_a_target_in_another_round(self) -> None:
        elsewhere = self.under_review(title="Ronde 2028", planning_round=self.second_round())
        self.assertRefused(PlanningError, services.MERGE_TARGET_INVALID, lambda: self.merge(elsewhere))
        self.assertIsNone(fresh(self.proposal).merged_into)

    def test_it_refuses_a_draft_rejected_or_merged_target(self) -> None:
        draft = self.draft(title="Draf")
        rejected = self.under_review(title="Ditolak")
        services.proposal_reject(proposal=rejected, reason="Tidak.", actor=self.planner)
        merged = self.under_review(title="Digabung")
        services.proposal_merge(proposal=merged, into=self.target, reason="Sama.", actor=self.planner)
        for target in (draft, rejected, merged):
            with self.subTest(status=target.status):
                self.assertRefused(PlanningError, services.MERGE_TARGET_INVALID, lambda t=target: self.merge(t))
        self.assertEqual(fresh(self.proposal).status, ProposalStatus.UNDER_REVIEW)

    def test_it_asks_for_the_reasons(self) -> None:
        self.assertRefused(ApplicationError, REASON_REQUIRED, lambda: self.merge(self.target, reason=" "))
        self.assertEqual(fresh(self.proposal).status, ProposalStatus.UNDER_REVIEW)

    def test_it_refuses_the_agencies_and_an_outsider(self) -> None:
        for actor in (self.health_operator, self.operator, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda a=actor: self.merge(self.target, actor=a))
        self.assertEqual(fresh(self.proposal).status, ProposalStatus.UNDER_REVIEW)

    def test_it_refuses_a_stale_proposal_rejected_meanwhile(self) -> None:
        stale = fresh(self.proposal)
        services.proposal_reject(proposal=self.proposal, reason="Tidak.", actor=self.planner)
        self.assertRefused(
            Conflict,
            CHANGED_MEANWHILE,
            lambda: services.proposal_merge(proposal=stale, into=self.target, reason="Sama.", actor=self.planner),
        )
        saved = fresh(self.proposal)
        self.assertEqual((saved.status, saved.merged_into), (ProposalStatus.REJECTED, None))


class ProposalAcceptTests(PlanningTestCase):
    def test_it_turns_the_proposal_into_a_programme(self) -> None:
        proposal = self.under_review(
            areas=[self.kemantren, self.kelurahan],
            elements=[self.harmony, self.mobility],
            partners="Komunitas Kali Winongo",
            horizon=Horizon.QUICK_WIN,
        )
        masterplan = self.masterplan()
        programme = self.accept(proposal, masterplan=masterplan, quick_win_year=2027)
        programme.refresh_from_db()
        self.assertEqual(programme.origin, proposal)
        self.assertEqual(programme.region, self.region)
        self.assertEqual(programme.title, "Penataan tepi sungai")
        self.assertEqual(programme.description, proposal.description)
        self.assertEqual(programme.dimension, self.living)
        self.assertEqual(programme.horizon, Horizon.QUICK_WIN)
        self.assertEqual(programme.quick_win_year, 2027)
        self.assertEqual((programme.budget, programme.funding_source), (2_000_000_000, FundingSource.APBD))
        self.assertEqual(programme.partners, "Komunitas Kali Winongo")
        self.assertEqual(programme.beneficiaries, "Warga tepi sungai")
        self.assertEqual(set(programme.elements.all()), {self.harmony, self.mobility})
        self.assertEqual(set(programme.areas.all()), {self.kemantren, self.kelurahan})
        self.assertEqual(programme.masterplan, masterplan)
        self.assertEqual(programme.lead_agency, self.public_works)
        self.assertEqual(programme.status, ProgrammeStatus.PLANNED)
        self.assertFalse(programme.is_published)

    def test_it_records_the_decision_internally(self) -> None:
        proposal = self.under_review()
        self.accept(proposal)
        saved = fresh(proposal)
        self.assertEqual(saved.status, ProposalStatus.ACCEPTED)
        self.assertEqual((saved.decided_at, saved.decided_by), (NOW, self.planner))
        self.assertIsNone(saved.decision_published_at)
        self.assertFalse(Programme.objects.published().exists())

    def test_it_assigns_a_lead_and_supporters_other_than_the_proposer(self) -> None:
        proposal = self.under_review()
        programme = self.accept(
            proposal, lead=self.health, supporters=[(self.public_works, "Konstruksi"), (self.diskominfo, "Aplikasi")]
        )
        self.assertEqual(programme.lead_agency, self.health)
        roles = set(SupportingAgency.objects.filter(programme=programme).values_list("agency__slug", "role", "region"))
        self.assertEqual(roles, {("dpupkp", "Konstruksi", self.region.pk), ("diskominfo", "Aplikasi", self.region.pk)})

    def test_it_audits_the_decision_and_the_programme(self) -> None:
        proposal = self.under_review()
        programme = self.accept(proposal, supporters=[(self.diskominfo, "Aplikasi")])
        decision = audit_trail(proposal)[-1]
        self.assertEqual(decision.action, AuditAction.PROPOSAL_ACCEPTED)
        self.assertEqual(decision.before, {"status": "under_review"})
        self.assertEqual(decision.after["status"], "accepted")
        [created] = audit_trail(programme)
        self.assertEqual(created.action, AuditAction.PROGRAMME_CREATED)
        self.assertEqual(created.after, {"lead": "dpupkp", "supporters": ["diskominfo"]})

    def test_it_requests_no_application_when_none_is_needed(self) -> None:
        programme = self.accept(self.under_review())
        self.assertFalse(DigitalisationRequest.objects.filter(programme=programme).exists())

    def test_it_asks_diskominfo_for_the_application_the_proposal_needs(self) -> None:
        proposal = self.under_review(needs_digitalisation=True, digitalisation_needs="Laporan warga dengan foto.")
        programme = self.accept(proposal)
        request = DigitalisationRequest.objects.get(programme=programme)
        self.assertEqual(request.needs, "Laporan warga dengan foto.")
        self.assertEqual((request.status, request.region), (DigitalisationStatus.REQUESTED, self.region))
        self.assertEqual(actions_of(request), [AuditAction.DIGITALISATION_REQUESTED])

    def test_it_accepts_straight_from_submitted(self) -> None:
        programme = self.accept(self.submitted())
        self.assertEqual(programme.origin.status, ProposalStatus.ACCEPTED)

    def test_it_refuses_a_lead_that_also_supports(self) -> None:
        proposal = self.under_review()
        error = self.assertRefused(
            PlanningError,
            services.LEAD_NOT_SUPPORTING,
            lambda: self.accept(proposal, supporters=[(self.diskominfo, "Aplikasi"), (self.public_works, "Juga")]),
        )
        self.assertEqual(error.field, "supporters")
        self.assertNothingAccepted(proposal)

    def test_it_refuses_agencies_of_another_region(self) -> None:
        proposal = self.under_review()
        self.assertRefused(
            PlanningError, services.AGENCY_OUTSIDE_REGION, lambda: self.accept(proposal, lead=self.other_agency)
        )
        self.assertRefused(
            PlanningError,
            services.AGENCY_OUTSIDE_REGION,
            lambda: self.accept(proposal, supporters=[(self.other_agency, "Mitra")]),
        )
        self.assertNothingAccepted(proposal)

    def test_it_refuses_a_masterplan_of_another_region(self) -> None:
        theirs = services.masterplan_save(
            region=self.other_region,
            actor=self.outsider,
            title="Masterplan lain",
            period_start=2025,
            period_end=2029,
        )
        proposal = self.under_review()
        error = self.assertRefused(PlanningError, None, lambda: self.accept(proposal, masterplan=theirs))
        self.assertEqual(error.field, "masterplan")
        self.assertNothingAccepted(proposal)

    def test_it_refuses_the_proposing_agency_and_diskominfo(self) -> None:
        proposal = self.under_review()
        for actor in (self.operator, self.head, self.officer):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda a=actor: services.proposal_accept(
                        proposal=proposal, assignment=Assignment(lead=self.public_works), actor=a
                    ),
                )
        self.assertNothingAccepted(proposal)

    def test_it_refuses_a_planner_of_another_region(self) -> None:
        proposal = self.under_review()
        self.assertRefused(
            NotAllowed,
            NOT_PERMITTED,
            lambda: services.proposal_accept(
                proposal=proposal, assignment=Assignment(lead=self.public_works), actor=self.outsider
            ),
        )
        self.assertNothingAccepted(proposal)

    def test_it_refuses_a_draft_or_returned_proposal(self) -> None:
        draft = self.draft(title="Draf")
        returned = self.under_review(title="Dikembalikan")
        services.proposal_return(proposal=returned, reason="Perbaiki.", actor=self.planner)
        for proposal in (draft, returned):
            with self.subTest(status=proposal.status):
                self.assertRefused(Conflict, None, lambda p=proposal: self.accept(p))
        self.assertFalse(Programme.objects.exists())

    def test_it_refuses_a_stale_proposal_rejected_meanwhile(self) -> None:
        proposal = self.under_review(needs_digitalisation=True, digitalisation_needs="Aplikasi.")
        stale = fresh(proposal)
        services.proposal_reject(proposal=proposal, reason="Tidak.", actor=self.planner)
        self.assertRefused(Conflict, CHANGED_MEANWHILE, lambda: self.accept(stale))
        self.assertEqual(fresh(proposal).status, ProposalStatus.REJECTED)
        self.assertFalse(Programme.objects.exists())
        self.assertFalse(DigitalisationRequest.objects.exists())
        self.assertNotIn(AuditAction.PROPOSAL_ACCEPTED, actions_of(proposal))

    def test_it_refuses_the_same_supporter_twice(self) -> None:
        proposal = self.under_review()
        self.assertRefused(
            PlanningError,
            None,
            lambda: self.accept(proposal, supporters=[(self.diskominfo, "Aplikasi"), (self.diskominfo, "Server")]),
        )

    def assertNothingAccepted(self, proposal: Proposal) -> None:
        self.assertEqual(fresh(proposal).status, ProposalStatus.UNDER_REVIEW)
        self.assertIsNone(fresh(proposal).decided_at)
        self.assertFalse(Programme.objects.exists())
        self.assertNotIn(AuditAction.PROPOSAL_ACCEPTED, actions_of(proposal))


class ProposalPublishDecisionTests(PlanningTestCase):
    def test_it_publishes_an_acceptance_and_its_programme(self) -> None:
        proposal = self.under_review()
        programme = self.accept(proposal)
        services.proposal_publish_decision(proposal=proposal, actor=self.planner)
        self.assertEqual(fresh(proposal).decision_published_at, NOW)
        self.assertTrue(Programme.objects.get(pk=programme.pk).is_published)
        self.assertEqual(actions_of(proposal)[-1], AuditAction.DECISION_PUBLISHED)
        self.assertEqual(audit_trail(proposal)[-1].after, {"status": "accepted"})
        self.assertEqual(actions_of(programme), [AuditAction.PROGRAMME_CREATED, AuditAction.PROGRAMME_PUBLISHED])

    def test_it_publishes_a_rejection(self) -> None:
        proposal = self.under_review()
        services.proposal_reject(proposal=proposal, reason="Tidak prioritas.", actor=self.planner)
        services.proposal_publish_decision(proposal=proposal, actor=self.planner)
        self.assertEqual(fresh(proposal).decision_published_at, NOW)
        self.assertEqual(audit_trail(proposal)[-1].after, {"status": "rejected"})

    def test_it_refuses_an_undecided_proposal(self) -> None:
        proposal = self.under_review()
        self.assertRefused(
            PlanningError,
            services.NOT_DECIDED,
            lambda: services.proposal_publish_decision(proposal=proposal, actor=self.planner),
        )
        self.assertIsNone(fresh(proposal).decision_published_at)

    def test_it_refuses_to_publish_twice(self) -> None:
        proposal = self.under_review()
        self.accept(proposal)
        services.proposal_publish_decision(proposal=proposal, actor=self.planner)
        self.assertRefused(
            Conflict,
            services.ALREADY_PUBLISHED,
            lambda: services.proposal_publish_decision(proposal=proposal, actor=self.planner),
        )
        self.assertEqual(actions_of(proposal).count(AuditAction.DECISION_PUBLISHED), 1)

    def test_it_refuses_a_stale_proposal_published_meanwhile(self) -> None:
        proposal = self.under_review()
        programme = self.accept(proposal)
        stale = fresh(proposal)
        services.proposal_publish_decision(proposal=proposal, actor=self.planner)
        with time_machine.travel(LAST_MINUTE, tick=False):
            self.assertRefused(
                Conflict,
                services.ALREADY_PUBLISHED,
                lambda: services.proposal_publish_decision(proposal=stale, actor=self.planner),
            )
        self.assertEqual(fresh(proposal).decision_published_at, NOW)
        self.assertEqual(actions_of(programme).count(AuditAction.PROGRAMME_PUBLISHED), 1)

    def test_it_refuses_everyone_but_bappeda(self) -> None:
        proposal = self.under_review()
        programme = self.accept(proposal)
        for actor in (self.operator, self.officer, self.leader, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    services.NOT_PERMITTED,
                    lambda a=actor: services.proposal_publish_decision(proposal=proposal, actor=a),
                )
        self.assertIsNone(fresh(proposal).decision_published_at)
        self.assertFalse(Programme.objects.get(pk=programme.pk).is_published)
