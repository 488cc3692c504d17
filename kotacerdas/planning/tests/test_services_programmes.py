"""Programmes, their children, the masterplan and the digitalisation requests to Diskominfo."""

from __future__ import annotations

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError, Conflict, NotAllowed
from kotacerdas.core.workflow import CHANGED_MEANWHILE, NOT_PERMITTED, REASON_REQUIRED, UNKNOWN_ACTION
from kotacerdas.planning import services
from kotacerdas.planning.models import (
    DigitalisationRequest,
    DigitalisationStatus,
    Masterplan,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
    SupportingAgency,
)
from kotacerdas.planning.services import Assignment, PlanningError
from kotacerdas.planning.tests.factories import NOW, PlanningTestCase, actions_of, audit_trail

G = ProgrammeStatus


def fresh(programme: Programme) -> Programme:
    return Programme.objects.get(pk=programme.pk)


class ProgrammeTransitionTests(PlanningTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.subject = self.programme()

    def act(self, action: str, actor: object = None, note: str = "", programme: Programme | None = None) -> Programme:
        return services.programme_transition(
            programme=programme or self.subject,
            action=action,
            actor=actor or self.operator,
            note=note,
        )

    def test_it_lets_the_lead_agency_start_and_complete(self) -> None:
        self.act("start")
        self.assertEqual(fresh(self.subject).status, G.IN_IMPLEMENTATION)
        self.act("complete", actor=self.head)
        self.assertEqual(fresh(self.subject).status, G.COMPLETED)
        entries = audit_trail(self.subject)[-2:]
        self.assertEqual([e.action for e in entries], [AuditAction.PROGRAMME_STARTED, AuditAction.PROGRAMME_COMPLETED])
        self.assertEqual(
            [(e.before, e.after) for e in entries],
            [
                ({"status": "planned"}, {"status": "in_implementation"}),
                ({"status": "in_implementation"}, {"status": "completed"}),
            ],
        )
        self.assertEqual([e.actor for e in entries], [self.operator, self.head])

    def test_it_lets_bappeda_suspend_resume_and_cancel_with_reasons(self) -> None:
        self.act("start")
        self.act("suspend", actor=self.planner, note="Lahan belum bebas.")
        self.assertEqual(fresh(self.subject).status, G.SUSPENDED)
        self.act("resume", actor=self.planner)
        self.assertEqual(fresh(self.subject).status, G.IN_IMPLEMENTATION)
        self.act("cancel", actor=self.planner, note="Anggaran dialihkan.")
        self.assertEqual(fresh(self.subject).status, G.CANCELLED)
        suspended, resumed, cancelled = audit_trail(self.subject)[-3:]
        self.assertEqual(suspended.action, AuditAction.PROGRAMME_SUSPENDED)
        self.assertEqual(suspended.after, {"status": "suspended", "note": "Lahan belum bebas."})
        self.assertEqual(resumed.action, AuditAction.PROGRAMME_RESUMED)
        self.assertEqual(cancelled.action, AuditAction.PROGRAMME_CANCELLED)
        self.assertEqual(cancelled.before, {"status": "in_implementation"})

    def test_it_lets_bappeda_cancel_a_planned_programme(self) -> None:
        self.act("cancel", actor=self.planner, note="Tidak jadi.")
        self.assertEqual(fresh(self.subject).status, G.CANCELLED)

    def test_it_lets_bappeda_run_a_programme_bappeda_leads(self) -> None:
        own = self.programme(title="Program Bappeda", lead=self.bappeda)
        self.act("start", actor=self.planner, programme=own)
        self.assertEqual(fresh(own).status, G.IN_IMPLEMENTATION)

    def test_it_refuses_bappeda_starting_another_agencys_programme(self) -> None:
        self.assertRefused(NotAllowed, NOT_PERMITTED, lambda: self.act("start", actor=self.planner))
        self.assertEqual(fresh(self.subject).status, G.PLANNED)

    def test_it_refuses_the_lead_agency_suspending_or_cancelling(self) -> None:
        self.assertRefused(NotAllowed, NOT_PERMITTED, lambda: self.act("suspend", note="Kami berhenti."))
        self.assertRefused(NotAllowed, NOT_PERMITTED, lambda: self.act("cancel", note="Kami batal."))
        self.assertEqual(fresh(self.subject).status, G.PLANNED)

    def test_it_refuses_a_supporting_or_other_agency(self) -> None:
        supported = self.programme(title="Didukung Dinkes")
        services.programme_assign(
            programme=supported,
            assignment=Assignment(lead=self.public_works, supporters=[(self.health, "Data")]),
            actor=self.planner,
        )
        for actor in (self.health_operator, self.officer):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed, NOT_PERMITTED, lambda a=actor: self.act("start", actor=a, programme=supported)
                )
        self.assertEqual(fresh(supported).status, G.PLANNED)

    def test_it_refuses_readers_and_outsiders(self) -> None:
        for actor in (self.leader, self.inspector, self.citizen, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda a=actor: self.act("start", actor=a))
        self.assertEqual(actions_of(self.subject), [AuditAction.PROGRAMME_CREATED])

    def test_it_refuses_to_suspend_a_programme_that_has_not_started(self) -> None:
        self.assertRefused(Conflict, None, lambda: self.act("suspend", actor=self.planner, note="Banjir"))
        self.assertEqual(fresh(self.subject).status, G.PLANNED)

    def test_it_asks_for_a_reason_to_suspend_or_cancel(self) -> None:
        self.act("start")
        for action in ("suspend", "cancel"):
            with self.subTest(action=action):
                error = self.assertRefused(
                    ApplicationError, REASON_REQUIRED, lambda a=action: self.act(a, actor=self.planner, note=" ")
                )
                self.assertEqual(error.field, "note")
        self.assertEqual(fresh(self.subject).status, G.IN_IMPLEMENTATION)

    def test_it_refuses_an_unknown_action(self) -> None:
        self.assertRefused(ApplicationError, UNKNOWN_ACTION, lambda: self.act("publish", actor=self.planner))
        self.assertEqual(fresh(self.subject).status, G.PLANNED)

    def test_it_refuses_steps_out_of_order(self) -> None:
        self.assertRefused(Conflict, None, lambda: self.act("complete"))
        self.assertRefused(Conflict, None, lambda: self.act("resume", actor=self.planner))
        self.act("start")
        self.act("complete")
        for action, actor in (("start", self.operator), ("suspend", self.planner), ("cancel", self.planner)):
            with self.subTest(action=action):
                self.assertRefused(Conflict, None, lambda a=action, u=actor: self.act(a, actor=u, note="x"))
        self.assertEqual(fresh(self.subject).status, G.COMPLETED)

    def test_it_refuses_a_stale_programme_changed_meanwhile(self) -> None:
        stale = fresh(self.subject)
        self.act("start")
        self.assertRefused(
            Conflict, CHANGED_MEANWHILE, lambda: self.act("cancel", actor=self.planner, note="Batal.", programme=stale)
        )
        self.assertEqual(fresh(self.subject).status, G.IN_IMPLEMENTATION)
        self.assertNotIn(AuditAction.PROGRAMME_CANCELLED, actions_of(self.subject))


class ProgrammePublishTests(PlanningTestCase):
    def test_it_publishes_a_programme(self) -> None:
        programme = self.programme()
        services.programme_publish(programme=programme, actor=self.planner)
        self.assertTrue(fresh(programme).is_published)
        self.assertIn(programme, Programme.objects.published())
        self.assertEqual(actions_of(programme)[-1], AuditAction.PROGRAMME_PUBLISHED)

    def test_it_refuses_everyone_but_bappeda(self) -> None:
        programme = self.programme()
        for actor in (self.operator, self.officer, self.leader, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    services.NOT_PERMITTED,
                    lambda a=actor: services.programme_publish(programme=programme, actor=a),
                )
        self.assertFalse(fresh(programme).is_published)

    def test_it_refuses_to_publish_twice(self) -> None:
        programme = self.programme()
        services.programme_publish(programme=programme, actor=self.planner)
        with self.assertRaises(Conflict):
            services.programme_publish(programme=programme, actor=self.planner)
        self.assertEqual(actions_of(programme).count(AuditAction.PROGRAMME_PUBLISHED), 1)


class ProgrammeAssignTests(PlanningTestCase):
    def assign(self, programme: Programme, actor: object = None, **fields: object) -> Programme:
        return services.programme_assign(
            programme=programme,
            assignment=Assignment(**fields),
            actor=actor or self.planner,
        )

    def test_it_changes_the_lead_supporters_and_masterplan(self) -> None:
        programme = self.programme()
        masterplan = self.masterplan()
        self.assign(
            programme,
            lead=self.health,
            supporters=[(self.public_works, "Konstruksi")],
            masterplan=masterplan,
            quick_win_year=2028,
        )
        saved = fresh(programme)
        self.assertEqual((saved.lead_agency, saved.masterplan, saved.quick_win_year), (self.health, masterplan, 2028))
        self.assertEqual(
            list(SupportingAgency.objects.filter(programme=programme).values_list("agency__slug", "role")),
            [("dpupkp", "Konstruksi")],
        )

    def test_it_replaces_the_previous_supporters(self) -> None:
        programme = self.programme()
        self.assign(programme, lead=self.public_works, supporters=[(self.diskominfo, "Aplikasi")])
        self.assign(programme, lead=self.public_works, supporters=[(self.health, "Data")])
        self.assertEqual(
            list(SupportingAgency.objects.filter(programme=programme).values_list("agency__slug", flat=True)),
            ["dinkes"],
        )

    def test_it_records_before_and_after(self) -> None:
        programme = self.programme()
        self.assign(programme, lead=self.public_works, supporters=[(self.diskominfo, "Aplikasi")])
        self.assign(programme, lead=self.health, supporters=[(self.public_works, "Konstruksi")], quick_win_year=2028)
        entry = audit_trail(programme)[-1]
        self.assertEqual(entry.action, AuditAction.PROGRAMME_ASSIGNED)
        self.assertEqual(
            entry.before, {"lead": "dpupkp", "supporters": ["diskominfo"], "masterplan": None, "quick_win_year": None}
        )
        self.assertEqual(
            entry.after, {"lead": "dinkes", "supporters": ["dpupkp"], "masterplan": None, "quick_win_year": 2028}
        )

    def test_it_refuses_everyone_but_bappeda(self) -> None:
        programme = self.programme()
        for actor in (self.operator, self.head, self.officer, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    services.NOT_PERMITTED,
                    lambda a=actor: self.assign(programme, actor=a, lead=self.health),
                )
        self.assertEqual(fresh(programme).lead_agency, self.public_works)

    def test_it_refuses_a_lead_that_also_supports(self) -> None:
        programme = self.programme()
        self.assertRefused(
            PlanningError,
            services.LEAD_NOT_SUPPORTING,
            lambda: self.assign(programme, lead=self.health, supporters=[(self.health, "Juga")]),
        )
        self.assertEqual(fresh(programme).lead_agency, self.public_works)
        self.assertFalse(SupportingAgency.objects.exists())

    def test_it_refuses_agencies_and_masterplans_of_another_region(self) -> None:
        programme = self.programme()
        theirs = services.masterplan_save(
            region=self.other_region, actor=self.outsider, title="Masterplan lain", period_start=2025, period_end=2029
        )
        self.assertRefused(
            PlanningError, services.AGENCY_OUTSIDE_REGION, lambda: self.assign(programme, lead=self.other_agency)
        )
        self.assertRefused(
            PlanningError,
            services.AGENCY_OUTSIDE_REGION,
            lambda: self.assign(programme, lead=self.health, supporters=[(self.other_agency, "Mitra")]),
        )
        self.assertRefused(PlanningError, None, lambda: self.assign(programme, lead=self.health, masterplan=theirs))
        saved = fresh(programme)
        self.assertEqual((saved.lead_agency, saved.masterplan), (self.public_works, None))
        self.assertNotIn(AuditAction.PROGRAMME_ASSIGNED, actions_of(programme))

    def test_it_keeps_a_status_changed_meanwhile(self) -> None:
        programme = self.programme()
        stale = fresh(programme)
        services.programme_transition(programme=programme, action="start", actor=self.operator)
        services.programme_publish(programme=programme, actor=self.planner)
        self.assign(stale, lead=self.health)
        saved = fresh(programme)
        self.assertEqual(saved.lead_agency, self.health)
        self.assertEqual((saved.status, saved.is_published), (G.IN_IMPLEMENTATION, True))


class ProgrammeAddChildTests(PlanningTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.parent = self.programme(
            areas=[self.kelurahan], elements=[self.harmony, self.mobility], needs_digitalisation=False
        )

    def add(self, parent: Programme | None = None, actor: object = None, **fields: object) -> Programme:
        values: dict[str, object] = {
            "title": "Pembangunan talud",
            "kind": ProgrammeKind.SUB_PROGRAMME,
            "lead_agency": self.public_works,
            "actor": actor or self.planner,
        }
        values.update(fields)
        return services.programme_add_child(parent=parent or self.parent, **values)

    def test_it_adds_a_sub_programme_that_inherits_from_its_parent(self) -> None:
        masterplan = self.masterplan()
        services.programme_assign(
            programme=self.parent,
            assignment=Assignment(lead=self.public_works, masterplan=masterplan),
            actor=self.planner,
        )
        child = fresh(self.add(weight=40, budget=500_000_000, description="Talud 300 m.", lead_agency=self.health))
        self.assertEqual(
            (child.parent, child.kind, child.region), (self.parent, ProgrammeKind.SUB_PROGRAMME, self.region)
        )
        self.assertEqual((child.title, child.description), ("Pembangunan talud", "Talud 300 m."))
        self.assertEqual((child.weight, child.budget, child.lead_agency), (40, 500_000_000, self.health))
        self.assertEqual((child.dimension, child.horizon), (self.parent.dimension, self.parent.horizon))
        self.assertEqual((child.masterplan, child.funding_source), (masterplan, self.parent.funding_source))
        self.assertEqual(set(child.elements.all()), {self.harmony, self.mobility})
        self.assertEqual(child.status, G.PLANNED)
        self.assertIsNone(child.origin)
        self.assertEqual(list(self.parent.children.all()), [child])

    def test_it_publishes_the_child_with_a_published_parent(self) -> None:
        unpublished = self.add(title="Sebelum terbit")
        services.programme_publish(programme=self.parent, actor=self.planner)
        published = self.add(title="Sesudah terbit")
        self.assertFalse(fresh(unpublished).is_published)
        self.assertTrue(fresh(published).is_published)

    def test_it_lets_the_lead_agency_add_activities(self) -> None:
        activity = self.add(actor=self.operator, kind=ProgrammeKind.ACTIVITY, title="Sosialisasi warga")
        self.assertEqual(activity.kind, ProgrammeKind.ACTIVITY)
        sub = self.add(actor=self.head, title="Sub-program")
        under_sub = self.add(parent=sub, actor=self.operator, kind=ProgrammeKind.ACTIVITY, title="Survei")
        self.assertEqual(under_sub.parent, sub)

    def test_it_records_the_new_child(self) -> None:
        child = self.add(kind=ProgrammeKind.ACTIVITY)
        [entry] = audit_trail(child)
        self.assertEqual(entry.action, AuditAction.PROGRAMME_CREATED)
        self.assertEqual(entry.actor, self.planner)
        self.assertEqual(entry.after, {"parent": self.parent.pk, "kind": "activity", "lead": "dpupkp"})

    def test_it_refuses_another_agency_readers_and_outsiders(self) -> None:
        for actor in (self.health_operator, self.officer, self.leader, self.citizen, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, services.NOT_PERMITTED, lambda a=actor: self.add(actor=a))
        self.assertFalse(self.parent.children.exists())

    def test_it_refuses_a_child_under_an_activity(self) -> None:
        activity = self.add(kind=ProgrammeKind.ACTIVITY)
        error = self.assertRefused(
            PlanningError,
            services.CHILD_OF_CHILD,
            lambda: self.add(parent=activity, kind=ProgrammeKind.ACTIVITY, title="Terlalu dalam"),
        )
        self.assertEqual(error.field, "kind")
        self.assertFalse(activity.children.exists())

    def test_it_refuses_a_sub_programme_under_a_sub_programme(self) -> None:
        sub = self.add()
        self.assertRefused(PlanningError, services.CHILD_OF_CHILD, lambda: self.add(parent=sub, title="Sub dari sub"))
        self.assertFalse(sub.children.exists())

    def test_it_refuses_a_lead_agency_of_another_region(self) -> None:
        error = self.assertRefused(
            PlanningError, services.AGENCY_OUTSIDE_REGION, lambda: self.add(lead_agency=self.other_agency)
        )
        self.assertEqual(error.field, "lead_agency")
        self.assertFalse(self.parent.children.exists())

    def test_it_refuses_an_unknown_kind(self) -> None:
        self.assertRefused(PlanningError, None, lambda: self.add(kind="project"))
        self.assertFalse(self.parent.children.exists())

    def test_it_refuses_a_programme_as_a_child(self) -> None:
        self.assertRefused(PlanningError, None, lambda: self.add(kind=ProgrammeKind.PROGRAMME))
        self.assertFalse(self.parent.children.exists())


class MasterplanSaveTests(PlanningTestCase):
    def save(self, masterplan: Masterplan | None = None, actor: object = None, **fields: object) -> Masterplan:
        return services.masterplan_save(
            region=self.region,
            masterplan=masterplan,
            actor=actor or self.planner,
            **fields,
        )

    def test_it_creates_a_masterplan(self) -> None:
        masterplan = self.masterplan(mission="1. Layanan publik digital.", legal_basis="Perwal 12/2024")
        masterplan.refresh_from_db()
        self.assertEqual(masterplan.region, self.region)
        self.assertEqual((masterplan.version, masterplan.period_start, masterplan.period_end), ("1", 2025, 2029))
        self.assertEqual((masterplan.vision, masterplan.legal_basis), ("Kota yang nyaman dihuni.", "Perwal 12/2024"))
        self.assertTrue(masterplan.is_current)
        [entry] = audit_trail(masterplan)
        self.assertEqual(entry.action, AuditAction.MASTERPLAN_CREATED)
        self.assertIsNone(entry.before)
        self.assertEqual(entry.after["title"], "Masterplan Smart City")

    def test_it_keeps_one_current_masterplan_per_region(self) -> None:
        theirs = services.masterplan_save(
            region=self.other_region,
            actor=self.outsider,
            title="Lain",
            period_start=2025,
            period_end=2029,
            is_current=True,
        )
        first = self.masterplan()
        second = self.masterplan(version="2", period_start=2027, period_end=2031)
        self.assertEqual(list(Masterplan.objects.for_region(self.region).filter(is_current=True)), [second])
        self.assertFalse(Masterplan.objects.get(pk=first.pk).is_current)
        self.assertTrue(Masterplan.objects.get(pk=theirs.pk).is_current)

    def test_it_edits_a_masterplan_and_records_before_and_after(self) -> None:
        masterplan = self.masterplan()
        self.save(masterplan, vision="Kota yang berbudaya.", is_current=True)
        masterplan.refresh_from_db()
        self.assertEqual(masterplan.vision, "Kota yang berbudaya.")
        self.assertTrue(masterplan.is_current)
        entry = audit_trail(masterplan)[-1]
        self.assertEqual(entry.action, AuditAction.MASTERPLAN_UPDATED)
        self.assertEqual(entry.before, {"vision": "Kota yang nyaman dihuni.", "is_current": True})
        self.assertEqual(entry.after, {"vision": "Kota yang berbudaya.", "is_current": True})

    def test_it_may_leave_the_region_without_a_current_masterplan(self) -> None:
        masterplan = self.masterplan()
        self.save(masterplan, is_current=False)
        self.assertFalse(Masterplan.objects.filter(is_current=True).exists())

    def test_it_refuses_everyone_but_bappeda(self) -> None:
        for actor in (self.officer, self.operator, self.leader, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    services.NOT_PERMITTED,
                    lambda a=actor: self.save(actor=a, title="Liar", period_start=2025, period_end=2029),
                )
        self.assertFalse(Masterplan.objects.exists())

    def test_it_refuses_an_unknown_field(self) -> None:
        with self.assertRaises(ValueError):
            self.save(title="Masterplan", period_start=2025, period_end=2029, is_active=True)
        self.assertFalse(Masterplan.objects.exists())

    def test_it_refuses_a_period_ending_before_it_starts_and_keeps_the_current_one(self) -> None:
        current = self.masterplan()
        self.assertRefused(
            PlanningError,
            None,
            lambda: self.save(title="Terbalik", period_start=2030, period_end=2026, is_current=True),
        )
        self.assertTrue(Masterplan.objects.get(pk=current.pk).is_current)
        self.assertEqual(Masterplan.objects.count(), 1)

    def test_it_refuses_the_same_title_and_version_twice(self) -> None:
        self.masterplan()
        self.assertRefused(PlanningError, None, lambda: self.masterplan(is_current=False))
        self.assertEqual(Masterplan.objects.count(), 1)

    def test_it_refuses_a_masterplan_of_another_region(self) -> None:
        theirs = services.masterplan_save(
            region=self.other_region, actor=self.outsider, title="Lain", period_start=2025, period_end=2029
        )
        with self.assertRaises(ApplicationError):
            self.save(theirs, vision="Ditulis dari kotaraya.")
        self.assertEqual(Masterplan.objects.get(pk=theirs.pk).vision, "")


class DigitalisationRequestTests(PlanningTestCase):
    def test_it_asks_diskominfo_for_an_application(self) -> None:
        programme = self.programme()
        request = services.digitalisation_request(programme=programme, needs="Dasbor progres.", actor=self.planner)
        request.refresh_from_db()
        self.assertEqual((request.programme, request.region), (programme, self.region))
        self.assertEqual((request.needs, request.status), ("Dasbor progres.", DigitalisationStatus.REQUESTED))
        [entry] = audit_trail(request)
        self.assertEqual(entry.action, AuditAction.DIGITALISATION_REQUESTED)
        self.assertEqual(entry.after, {"programme": programme.pk})

    def test_it_asks_what_the_application_must_do(self) -> None:
        programme = self.programme()
        error = self.assertRefused(
            PlanningError,
            services.DIGITALISATION_NEEDS_MISSING,
            lambda: services.digitalisation_request(programme=programme, needs="  ", actor=self.planner),
        )
        self.assertEqual(error.field, "needs")
        self.assertFalse(DigitalisationRequest.objects.exists())

    def test_it_refuses_a_citizen_and_an_outsider(self) -> None:
        programme = self.programme()
        for actor in (self.citizen, self.outsider):
            with self.subTest(actor=actor.username), self.assertRaises(NotAllowed):
                services.digitalisation_request(programme=programme, needs="Aplikasi.", actor=actor)
        self.assertFalse(DigitalisationRequest.objects.exists())


class DigitalisationTransitionTests(PlanningTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.request = self.digitalisation()

    def act(self, action: str, actor: object = None, request: DigitalisationRequest | None = None, **kw: str) -> None:
        services.digitalisation_transition(
            request=request or self.request,
            action=action,
            actor=actor or self.officer,
            **kw,
        )

    def status(self) -> str:
        return DigitalisationRequest.objects.get(pk=self.request.pk).status

    def to_development(self) -> None:
        self.act("analyse", note="Pakai aplikasi pengaduan yang ada.")
        self.act("develop")

    def test_it_runs_from_request_to_live_to_retired(self) -> None:
        self.act("analyse", note="Butuh modul peta.")
        self.act("develop")
        self.act("go_live", app_name=" Lapor Kali ", app_url=" https://lapor.kotaraya.go.id ")
        saved = DigitalisationRequest.objects.get(pk=self.request.pk)
        self.assertEqual(saved.status, DigitalisationStatus.LIVE)
        self.assertEqual(saved.analysis, "Butuh modul peta.")
        self.assertEqual((saved.app_name, saved.app_url), ("Lapor Kali", "https://lapor.kotaraya.go.id"))
        self.assertEqual(saved.live_at, NOW)
        self.act("retire", note="Digantikan aplikasi provinsi.")
        self.assertEqual(self.status(), DigitalisationStatus.RETIRED)
        self.assertEqual(
            actions_of(self.request),
            [
                AuditAction.DIGITALISATION_REQUESTED,
                AuditAction.DIGITALISATION_ANALYSED,
                AuditAction.DIGITALISATION_DEVELOPING,
                AuditAction.DIGITALISATION_LIVE,
                AuditAction.DIGITALISATION_RETIRED,
            ],
        )

    def test_it_records_the_app_in_the_live_entry(self) -> None:
        self.to_development()
        self.act("go_live", app_name="Lapor Kali", app_url="https://lapor.kotaraya.go.id")
        entry = audit_trail(self.request)[-1]
        self.assertEqual(entry.before, {"status": "in_development"})
        self.assertEqual(
            entry.after,
            {
                "status": "live",
                "app_name": "Lapor Kali",
                "app_url": "https://lapor.kotaraya.go.id",
                "live_at": NOW.isoformat(),
            },
        )

    def test_it_refuses_everyone_but_diskominfo(self) -> None:
        for actor in (self.planner, self.operator, self.leader, self.citizen, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda a=actor: self.act("analyse", actor=a, note="x"))
        self.assertEqual(self.status(), DigitalisationStatus.REQUESTED)

    def test_it_asks_for_the_analysis_and_the_reason_to_retire(self) -> None:
        self.assertRefused(ApplicationError, REASON_REQUIRED, lambda: self.act("analyse", note=""))
        self.assertEqual(self.status(), DigitalisationStatus.REQUESTED)
        self.to_development()
        self.act("go_live", app_name="Lapor Kali", app_url="https://lapor.kotaraya.go.id")
        self.assertRefused(ApplicationError, REASON_REQUIRED, lambda: self.act("retire", note=" "))
        self.assertEqual(self.status(), DigitalisationStatus.LIVE)

    def test_it_asks_for_the_apps_name_and_address(self) -> None:
        self.to_development()
        for name, url in (("", "https://lapor.kotaraya.go.id"), ("Lapor Kali", ""), ("  ", "  ")):
            with self.subTest(name=name, url=url):
                self.assertRefused(
                    PlanningError,
                    services.APP_DETAILS_MISSING,
                    lambda n=name, u=url: self.act("go_live", app_name=n, app_url=u),
                )
        self.assertEqual(self.status(), DigitalisationStatus.IN_DEVELOPMENT)

    def test_it_refuses_an_address_that_is_not_a_web_address(self) -> None:
        self.to_development()
        for url in ("lapor kali", "ftp://lapor.kotaraya.go.id", "javascript:alert(1)", "https://"):
            with self.subTest(url=url):
                error = self.assertRefused(
                    PlanningError,
                    services.APP_URL_INVALID,
                    lambda u=url: self.act("go_live", app_name="Lapor Kali", app_url=u),
                )
                self.assertEqual(error.field, "app_url")
        saved = DigitalisationRequest.objects.get(pk=self.request.pk)
        self.assertEqual((saved.status, saved.app_url), (DigitalisationStatus.IN_DEVELOPMENT, ""))

    def test_it_refuses_steps_out_of_order(self) -> None:
        self.assertRefused(
            Conflict, None, lambda: self.act("go_live", app_name="Lapor Kali", app_url="https://lapor.kotaraya.go.id")
        )
        self.assertRefused(Conflict, None, lambda: self.act("develop"))
        self.assertRefused(Conflict, None, lambda: self.act("retire", note="Belum ada."))
        self.assertEqual(self.status(), DigitalisationStatus.REQUESTED)

    def test_it_refuses_a_stale_request_changed_meanwhile(self) -> None:
        stale = DigitalisationRequest.objects.get(pk=self.request.pk)
        self.act("analyse", note="Analisis pertama.")
        self.assertRefused(
            Conflict, CHANGED_MEANWHILE, lambda: self.act("analyse", request=stale, note="Analisis kedua.")
        )
        saved = DigitalisationRequest.objects.get(pk=self.request.pk)
        self.assertEqual(saved.analysis, "Analisis pertama.")
        self.assertEqual(actions_of(self.request).count(AuditAction.DIGITALISATION_ANALYSED), 1)

    def test_it_refuses_a_name_or_address_longer_than_the_columns(self) -> None:
        self.to_development()
        long_url = "https://lapor.kotaraya.go.id/" + "a" * 200
        self.assertRefused(PlanningError, None, lambda: self.act("go_live", app_name="Lapor Kali", app_url=long_url))
        self.assertEqual(self.status(), DigitalisationStatus.IN_DEVELOPMENT)
