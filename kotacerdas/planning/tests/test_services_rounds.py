"""Rounds: opening, closing, extending, the invitations' answers and publishing a round's decisions."""

from __future__ import annotations

import datetime as dt

import time_machine

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import Conflict, NotAllowed
from kotacerdas.planning import services
from kotacerdas.planning.models import (
    Invitation,
    InvitationStatus,
    PlanningRound,
    Programme,
    Proposal,
    ProposalStatus,
    RoundStatus,
)
from kotacerdas.planning.services import PlanningError
from kotacerdas.planning.tests.factories import DEADLINE, NOW, TOO_LATE, PlanningTestCase, actions_of, audit_trail


class RoundOpenTests(PlanningTestCase):
    def open(self, **fields: object) -> PlanningRound:
        values: dict[str, object] = {
            "region": self.region,
            "year": 2028,
            "title": "Usulan program 2028",
            "deadline": dt.date(2027, 4, 30),
            "opened_by": self.bappeda,
            "actor": self.planner,
        }
        values.update(fields)
        return services.round_open(**values)

    def test_it_opens_a_round_with_its_deadline_and_elements(self) -> None:
        planning_round = self.open(elements=[self.harmony], description="Fokus tata ruang.")
        planning_round.refresh_from_db()
        self.assertEqual(planning_round.status, RoundStatus.OPEN)
        self.assertEqual(planning_round.deadline, dt.date(2027, 4, 30))
        self.assertEqual(planning_round.opened_by, self.bappeda)
        self.assertEqual(planning_round.region, self.region)
        self.assertEqual(list(planning_round.elements.all()), [self.harmony])

    def test_it_invites_every_active_agency_of_the_region_and_no_other(self) -> None:
        planning_round = self.open()
        invited = {i.agency for i in Invitation.objects.filter(round=planning_round)}
        self.assertEqual(invited, {self.bappeda, self.diskominfo, self.inspektorat, self.public_works, self.health})
        self.assertNotIn(self.closed_agency, invited)
        self.assertNotIn(self.other_agency, invited)
        statuses = set(Invitation.objects.filter(round=planning_round).values_list("status", "answered_at"))
        self.assertEqual(statuses, {(InvitationStatus.INVITED, None)})

    def test_it_records_one_audit_entry_with_the_number_invited(self) -> None:
        planning_round = self.open()
        [entry] = audit_trail(planning_round)
        self.assertEqual(entry.action, AuditAction.ROUND_OPENED)
        self.assertEqual(entry.actor, self.planner)
        self.assertEqual(entry.region, self.region)
        self.assertEqual(entry.after, {"year": 2028, "deadline": "2027-04-30", "invited": 5})

    def test_it_lets_diskominfo_open_a_round(self) -> None:
        planning_round = self.open(opened_by=self.diskominfo, actor=self.officer)
        self.assertEqual(planning_round.opened_by, self.diskominfo)

    def test_it_accepts_today_as_the_deadline(self) -> None:
        planning_round = self.open(deadline=NOW.date())
        self.assertEqual(planning_round.deadline, dt.date(2027, 2, 1))

    def test_it_refuses_an_agency_operator(self) -> None:
        self.assertRefused(NotAllowed, services.NOT_PERMITTED, lambda: self.open(actor=self.operator))
        self.assertFalse(PlanningRound.objects.filter(year=2028).exists())

    def test_it_refuses_leadership_the_inspector_and_a_citizen(self) -> None:
        for actor in (self.leader, self.inspector, self.citizen):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, services.NOT_PERMITTED, lambda a=actor: self.open(actor=a))
        self.assertFalse(PlanningRound.objects.filter(year=2028).exists())

    def test_it_refuses_a_planner_of_another_region(self) -> None:
        self.assertRefused(NotAllowed, services.NOT_PERMITTED, lambda: self.open(actor=self.outsider))
        self.assertFalse(PlanningRound.objects.filter(year=2028).exists())

    def test_it_refuses_a_deadline_in_the_past(self) -> None:
        error = self.assertRefused(
            PlanningError, services.ROUND_DEADLINE_IN_PAST, lambda: self.open(deadline=dt.date(2027, 1, 31))
        )
        self.assertEqual(error.field, "deadline")
        self.assertFalse(PlanningRound.objects.filter(year=2028).exists())

    @time_machine.travel(dt.datetime(2027, 1, 31, 18, 0, tzinfo=dt.UTC), tick=False)
    def test_it_judges_the_past_by_the_regions_calendar(self) -> None:
        # 18:00 UTC on 31 January is already 1 February, 01:00 in Jakarta.
        self.assertRefused(
            PlanningError, services.ROUND_DEADLINE_IN_PAST, lambda: self.open(deadline=dt.date(2027, 1, 31))
        )

    def test_it_refuses_a_second_round_with_the_same_year_and_title(self) -> None:
        self.assertRefused(PlanningError, None, lambda: self.open(year=2027, title="Usulan program 2027"))
        self.assertEqual(PlanningRound.objects.filter(year=2027).count(), 1)

    def test_it_refuses_a_year_out_of_range(self) -> None:
        self.assertRefused(PlanningError, None, lambda: self.open(year=1999))
        self.assertFalse(PlanningRound.objects.filter(year=1999).exists())

    def test_it_refuses_an_opener_of_another_region(self) -> None:
        self.assertRefused(PlanningError, None, lambda: self.open(opened_by=self.other_agency))
        self.assertFalse(PlanningRound.objects.filter(year=2028).exists())


class RoundCloseTests(PlanningTestCase):
    def test_it_closes_an_open_round(self) -> None:
        services.round_close(planning_round=self.planning_round, actor=self.planner)
        self.planning_round.refresh_from_db()
        self.assertEqual(self.planning_round.status, RoundStatus.CLOSED)
        self.assertEqual(actions_of(self.planning_round), [AuditAction.ROUND_OPENED, AuditAction.ROUND_CLOSED])

    def test_it_lets_diskominfo_close_a_round(self) -> None:
        services.round_close(planning_round=self.planning_round, actor=self.officer)
        self.assertEqual(PlanningRound.objects.get().status, RoundStatus.CLOSED)

    def test_it_records_the_status_before_and_after(self) -> None:
        services.round_close(planning_round=self.planning_round, actor=self.planner)
        entry = audit_trail(self.planning_round)[-1]
        self.assertEqual((entry.before, entry.after), ({"status": "open"}, {"status": "closed"}))

    def test_it_refuses_an_agency_operator(self) -> None:
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.round_close(planning_round=self.planning_round, actor=self.operator),
        )
        self.assertEqual(PlanningRound.objects.get().status, RoundStatus.OPEN)

    def test_it_refuses_a_planner_of_another_region(self) -> None:
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.round_close(planning_round=self.planning_round, actor=self.outsider),
        )
        self.assertEqual(PlanningRound.objects.get().status, RoundStatus.OPEN)

    def test_it_refuses_to_close_a_closed_round(self) -> None:
        services.round_close(planning_round=self.planning_round, actor=self.planner)
        self.assertRefused(
            Conflict,
            services.ROUND_CLOSED,
            lambda: services.round_close(planning_round=self.planning_round, actor=self.planner),
        )
        self.assertEqual(actions_of(self.planning_round).count(AuditAction.ROUND_CLOSED), 1)

    def test_it_refuses_a_stale_round_closed_meanwhile(self) -> None:
        stale = PlanningRound.objects.get(pk=self.planning_round.pk)
        services.round_close(planning_round=self.planning_round, actor=self.officer)
        self.assertRefused(
            Conflict, services.ROUND_CLOSED, lambda: services.round_close(planning_round=stale, actor=self.planner)
        )
        self.assertEqual(actions_of(self.planning_round).count(AuditAction.ROUND_CLOSED), 1)


class RoundExtendTests(PlanningTestCase):
    def test_it_moves_the_deadline_and_records_both_dates(self) -> None:
        services.round_extend(planning_round=self.planning_round, deadline=dt.date(2027, 4, 15), actor=self.planner)
        self.assertEqual(PlanningRound.objects.get().deadline, dt.date(2027, 4, 15))
        entry = audit_trail(self.planning_round)[-1]
        self.assertEqual(entry.action, AuditAction.ROUND_EXTENDED)
        self.assertEqual(entry.before, {"deadline": "2027-03-31"})
        self.assertEqual(entry.after, {"deadline": "2027-04-15"})

    def test_it_lets_late_agencies_submit_after_an_extension(self) -> None:
        proposal = self.draft()
        with time_machine.travel(TOO_LATE, tick=False):
            services.round_extend(planning_round=self.planning_round, deadline=dt.date(2027, 4, 7), actor=self.planner)
            proposal.round.refresh_from_db()
            services.proposal_submit(proposal=proposal, actor=self.operator)
        self.assertEqual(Proposal.objects.get().status, ProposalStatus.SUBMITTED)

    def test_it_may_bring_the_deadline_forward_to_today(self) -> None:
        services.round_extend(planning_round=self.planning_round, deadline=NOW.date(), actor=self.planner)
        self.assertEqual(PlanningRound.objects.get().deadline, NOW.date())

    def test_it_refuses_an_agency_operator(self) -> None:
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.round_extend(
                planning_round=self.planning_round, deadline=dt.date(2027, 4, 15), actor=self.operator
            ),
        )
        self.assertEqual(PlanningRound.objects.get().deadline, DEADLINE)

    def test_it_refuses_a_planner_of_another_region(self) -> None:
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.round_extend(
                planning_round=self.planning_round, deadline=dt.date(2027, 4, 15), actor=self.outsider
            ),
        )
        self.assertEqual(PlanningRound.objects.get().deadline, DEADLINE)

    def test_it_refuses_a_closed_round(self) -> None:
        services.round_close(planning_round=self.planning_round, actor=self.planner)
        self.assertRefused(
            Conflict,
            services.ROUND_CLOSED,
            lambda: services.round_extend(
                planning_round=self.planning_round, deadline=dt.date(2027, 4, 15), actor=self.planner
            ),
        )
        self.assertEqual(PlanningRound.objects.get().deadline, DEADLINE)

    def test_it_refuses_a_deadline_in_the_past(self) -> None:
        error = self.assertRefused(
            PlanningError,
            services.ROUND_DEADLINE_IN_PAST,
            lambda: services.round_extend(
                planning_round=self.planning_round, deadline=dt.date(2027, 1, 31), actor=self.planner
            ),
        )
        self.assertEqual(error.field, "deadline")
        self.assertEqual(actions_of(self.planning_round), [AuditAction.ROUND_OPENED])

    def test_it_refuses_a_stale_round_closed_meanwhile(self) -> None:
        stale = PlanningRound.objects.get(pk=self.planning_round.pk)
        services.round_close(planning_round=self.planning_round, actor=self.officer)
        with self.assertRaises((Conflict, PlanningError)):
            services.round_extend(planning_round=stale, deadline=dt.date(2027, 4, 15), actor=self.planner)
        self.assertEqual(PlanningRound.objects.get().deadline, DEADLINE)
        self.assertNotIn(AuditAction.ROUND_EXTENDED, actions_of(self.planning_round))


class InvitationAnswerNothingTests(PlanningTestCase):
    def invitation(self, agency: object = None) -> Invitation:
        return Invitation.objects.get(round=self.planning_round, agency=agency or self.public_works)

    def answer_nothing(self, *, agency: object = None, actor: object = None) -> Invitation:
        return services.invitation_answer_nothing(
            planning_round=self.planning_round,
            agency=agency or self.public_works,
            actor=actor or self.operator,
        )

    def test_it_marks_the_agency_as_having_nothing_to_propose(self) -> None:
        self.answer_nothing()
        invitation = self.invitation()
        self.assertEqual(invitation.status, InvitationStatus.NOTHING)
        self.assertEqual(invitation.answered_at, NOW)
        [entry] = audit_trail(invitation)
        self.assertEqual(entry.action, AuditAction.INVITATION_ANSWERED)
        self.assertEqual((entry.before, entry.after), ({"status": "invited"}, {"status": "nothing"}))

    def test_it_leaves_the_other_invitations_unanswered(self) -> None:
        self.answer_nothing()
        unanswered = Invitation.objects.filter(round=self.planning_round, status=InvitationStatus.INVITED)
        self.assertEqual({i.agency for i in unanswered}, {self.bappeda, self.diskominfo, self.inspektorat, self.health})

    def test_it_records_a_repeated_answer_once(self) -> None:
        self.answer_nothing()
        self.answer_nothing()
        self.assertEqual(actions_of(self.invitation()), [AuditAction.INVITATION_ANSWERED])

    def test_it_allows_it_while_the_agency_only_has_a_draft(self) -> None:
        self.draft()
        self.answer_nothing()
        self.assertEqual(self.invitation().status, InvitationStatus.NOTHING)

    def test_it_turns_into_answered_when_the_agency_submits_later(self) -> None:
        self.answer_nothing()
        self.submitted()
        invitation = self.invitation()
        self.assertEqual(invitation.status, InvitationStatus.ANSWERED)
        self.assertEqual([e.after for e in audit_trail(invitation)], [{"status": "nothing"}, {"status": "answered"}])

    def test_it_refuses_a_member_of_another_agency(self) -> None:
        for actor in (self.health_operator, self.officer, self.planner):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, services.NOT_PERMITTED, lambda a=actor: self.answer_nothing(actor=a))
        self.assertEqual(self.invitation().status, InvitationStatus.INVITED)

    def test_it_refuses_a_citizen_and_an_outsider(self) -> None:
        for actor in (self.citizen, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, services.NOT_PERMITTED, lambda a=actor: self.answer_nothing(actor=a))
        self.assertEqual(self.invitation().status, InvitationStatus.INVITED)

    def test_it_refuses_a_closed_round(self) -> None:
        services.round_close(planning_round=self.planning_round, actor=self.planner)
        self.planning_round.refresh_from_db()
        self.assertRefused(PlanningError, services.ROUND_CLOSED, self.answer_nothing)
        self.assertEqual(self.invitation().status, InvitationStatus.INVITED)

    def test_it_refuses_an_agency_that_already_submitted(self) -> None:
        self.submitted()
        self.assertRefused(PlanningError, services.ALREADY_ANSWERED, self.answer_nothing)
        self.assertEqual(self.invitation().status, InvitationStatus.ANSWERED)


class RoundPublishDecisionsTests(PlanningTestCase):
    def test_it_publishes_every_decided_proposal_and_counts_them(self) -> None:
        accepted = self.under_review(title="Diterima")
        programme = self.accept(accepted)
        rejected = self.under_review(title="Ditolak")
        services.proposal_reject(proposal=rejected, reason="Sudah ada program serupa.", actor=self.planner)
        merged = self.under_review(title="Digabung", agency=self.health, actor=self.health_operator)
        services.proposal_merge(proposal=merged, into=accepted, reason="Sama lokasinya.", actor=self.planner)

        count = services.round_publish_decisions(planning_round=self.planning_round, actor=self.planner)

        self.assertEqual(count, 3)
        published = Proposal.objects.filter(decision_published_at=NOW)
        self.assertEqual(set(published), {accepted, rejected, merged})
        self.assertTrue(Programme.objects.get(pk=programme.pk).is_published)

    def test_it_leaves_undecided_proposals_alone(self) -> None:
        draft = self.draft(title="Masih draf")
        submitted = self.submitted(title="Terkirim")
        reviewed = self.under_review(title="Ditinjau")
        count = services.round_publish_decisions(planning_round=self.planning_round, actor=self.planner)
        self.assertEqual(count, 0)
        for proposal in (draft, submitted, reviewed):
            self.assertIsNone(Proposal.objects.get(pk=proposal.pk).decision_published_at)
            self.assertNotIn(AuditAction.DECISION_PUBLISHED, actions_of(proposal))

    def test_it_skips_decisions_already_published_and_other_rounds(self) -> None:
        first = self.under_review(title="Sudah terbit")
        self.accept(first)
        services.proposal_publish_decision(proposal=first, actor=self.planner)
        later_round = self.second_round()
        elsewhere = self.under_review(title="Ronde lain", planning_round=later_round)
        services.proposal_reject(proposal=elsewhere, reason="Belum prioritas.", actor=self.planner)

        count = services.round_publish_decisions(planning_round=self.planning_round, actor=self.planner)

        self.assertEqual(count, 0)
        self.assertEqual(actions_of(first).count(AuditAction.DECISION_PUBLISHED), 1)
        self.assertIsNone(Proposal.objects.get(pk=elsewhere.pk).decision_published_at)

    def test_it_refuses_an_agency_operator_and_publishes_nothing(self) -> None:
        proposal = self.under_review()
        services.proposal_reject(proposal=proposal, reason="Belum prioritas.", actor=self.planner)
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.round_publish_decisions(planning_round=self.planning_round, actor=self.operator),
        )
        self.assertIsNone(Proposal.objects.get().decision_published_at)

    def test_it_refuses_a_planner_of_another_region(self) -> None:
        proposal = self.under_review()
        services.proposal_reject(proposal=proposal, reason="Belum prioritas.", actor=self.planner)
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.round_publish_decisions(planning_round=self.planning_round, actor=self.outsider),
        )
        self.assertIsNone(Proposal.objects.get().decision_published_at)

    def test_it_refuses_a_citizen_even_when_nothing_is_pending(self) -> None:
        self.assertRefused(
            NotAllowed,
            services.NOT_PERMITTED,
            lambda: services.round_publish_decisions(planning_round=self.planning_round, actor=self.citizen),
        )
