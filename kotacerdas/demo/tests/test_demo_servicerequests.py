"""The citizen-services demo: Yogyakarta's catalogue across its agencies, ~300 requests with consistent histories."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections import defaultdict
from decimal import Decimal
from typing import ClassVar

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from kotacerdas.accounts.models import User
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.demo import loader, servicerequests
from kotacerdas.regions.models import AreaLevel, Region
from kotacerdas.servicerequests import selectors
from kotacerdas.servicerequests.models import (
    CitizenProfile,
    Open311Client,
    RequestKind,
    RequestStatus,
    RequestUpdate,
    Service,
    ServiceAttribute,
    ServiceRequest,
)
from kotacerdas.servicerequests.workflow import RESOLUTION_STATUSES

ANSWERED = frozenset(
    RESOLUTION_STATUSES | {RequestStatus.INVESTIGATING, RequestStatus.IN_PROGRESS} | {"action_scheduled"}
)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def shape(region: Region) -> list[tuple[str, str, str, str, bool, bool]]:
    """What the seed decides about each request, oldest first (the moments move with the clock)."""
    rows = ServiceRequest.objects.for_region(region).order_by("requested_at", "id")
    return list(rows.values_list("service__code", "description", "area__name", "status", "is_secret", "is_anonymous"))


class DemoServiceRequestsTests(TestCase):
    """Loads the regions, the demo accounts and the citizen-services demo once for every test here.

    Photos go to a scratch media folder.
    """

    region: ClassVar[Region]
    requests: ClassVar[list[ServiceRequest]]

    @classmethod
    def setUpClass(cls) -> None:
        media = cls.enterClassContext(tempfile.TemporaryDirectory())
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        cls.region = loader.load_yogyakarta(lambda message: None)
        loader.load_musi_rawas(lambda message: None)
        loader.load_accounts(lambda message: None)
        servicerequests.load(cls.region)
        cls.requests = list(ServiceRequest.objects.for_region(cls.region).select_related("service", "agency", "area"))

    def histories(self) -> dict[int, list[RequestUpdate]]:
        histories: dict[int, list[RequestUpdate]] = defaultdict(list)
        for update in RequestUpdate.objects.for_region(self.region).order_by("id"):
            histories[update.request_id].append(update)
        return histories

    # --- the catalogue ---
    def test_the_catalogue_spans_at_least_12_services_of_8_agencies_with_health_and_fire(self) -> None:
        catalogue = Service.objects.for_region(self.region).select_related("agency")
        agencies = {s.agency.slug for s in catalogue}
        self.assertGreaterEqual(catalogue.count(), 12)
        self.assertGreaterEqual(len(agencies), 8)
        self.assertLessEqual({"upt-pju", "dpupkp", "dlh", "disdukcapil", "dinkes", "dinas-kebakaran"}, agencies)

    def test_street_lights_are_upt_pju_s_fixed_within_a_day_and_first_answers_come_within_2_hours(self) -> None:
        catalogue = {s.code: s for s in Service.objects.for_region(self.region).select_related("agency")}
        lights = catalogue["PJU-01"]
        self.assertEqual(
            (lights.agency.slug, lights.response_minutes, lights.resolution_minutes), ("upt-pju", 120, 1440)
        )
        slower = {code for code, s in catalogue.items() if s.response_minutes > 120}
        self.assertEqual(slower, set())

    def test_the_fire_service_answers_fast_and_sends_emergencies_to_112_and_113(self) -> None:
        fire = Service.objects.for_region(self.region).filter(agency__slug="dinas-kebakaran")
        self.assertTrue(fire.exists())
        for service in fire:
            with self.subTest(service.code):
                self.assertLessEqual(service.response_minutes, 60)
                self.assertIn("112", service.description)
        self.assertIn("113", fire.get(code="DAMKAR-01").description)
        self.assertEqual(fire.get(code="DAMKAR-01").response_minutes, 15)

    def test_some_services_ask_extra_questions_of_every_type(self) -> None:
        questions = ServiceAttribute.objects.for_region(self.region)
        self.assertEqual(
            set(questions.values_list("datatype", flat=True)),
            {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"},
        )
        self.assertTrue(questions.filter(required=True).exists())

    def test_it_keeps_the_demo_open311_client_key(self) -> None:
        digest = hashlib.sha256(b"kotacerdas-demo-key").hexdigest()
        self.assertTrue(Open311Client.objects.filter(region=self.region, digest=digest, is_active=True).exists())

    # --- the requests ---
    def test_it_files_about_300_requests_in_every_status_some_reopened(self) -> None:
        self.assertGreaterEqual(len(self.requests), 250)
        self.assertEqual({r.status for r in self.requests}, set(RequestStatus.values))
        reopened = AuditEntry.objects.filter(region=self.region, action=AuditAction.REQUEST_REOPENED)
        self.assertGreaterEqual(reopened.count(), 5)

    def test_requests_are_spread_over_at_least_30_kelurahan_with_map_points_inside_the_city(self) -> None:
        self.assertEqual({r.area.level for r in self.requests}, {AreaLevel.VILLAGE})
        self.assertGreaterEqual(len({r.area_id for r in self.requests}), 30)
        located = [r for r in self.requests if r.lat is not None]
        self.assertGreater(len(located), len(self.requests) // 2)
        for request in located:
            self.assertTrue(Decimal("-7.84") < request.lat < Decimal("-7.76"), request.lat)
            self.assertTrue(Decimal("110.34") < request.long < Decimal("110.41"), request.long)
        self.assertTrue(all(r.lat is not None or r.address for r in self.requests))

    def test_requests_are_of_every_kind_some_secret_some_anonymous_never_both(self) -> None:
        self.assertEqual({r.kind for r in self.requests}, set(RequestKind.values))
        self.assertGreater(sum(r.is_secret for r in self.requests), 5)
        self.assertGreater(sum(r.is_anonymous for r in self.requests), 5)
        self.assertFalse(any(r.is_secret and r.is_anonymous for r in self.requests))

    def test_some_complaints_carry_a_photo_that_was_stored(self) -> None:
        photographed = [r for r in self.requests if r.photo]
        self.assertTrue(photographed)
        self.assertTrue(all(default_storage.exists(r.photo.name) for r in photographed))

    def test_warga_yogyakarta_and_illustrative_residents_without_a_nik_sent_them(self) -> None:
        citizens = {r.citizen_id for r in self.requests}
        self.assertIn(User.objects.get(username="warga.yogyakarta").pk, citizens)
        self.assertGreaterEqual(len(citizens), 10)
        self.assertFalse(CitizenProfile.objects.filter(user__in=citizens).exclude(nik_encrypted="").exists())
        self.assertFalse(
            User.objects.filter(pk__in=citizens, username__startswith="pelapor-").first().has_usable_password()
        )

    def test_fallen_trees_went_to_bpbd_with_the_coordinator_s_internal_reason(self) -> None:
        rerouted = [r for r in self.requests if r.agency.slug == "bpbd"]
        self.assertTrue(rerouted)
        for request in rerouted:
            internal = RequestUpdate.objects.get(request=request, is_public=False)
            self.assertEqual(internal.note, servicerequests.REROUTE_REASON)

    def test_requests_came_in_over_the_last_90_days(self) -> None:
        now = timezone.now()
        ages = [now - r.requested_at for r in self.requests]
        self.assertLess(max(ages), dt.timedelta(days=90))
        self.assertGreater(max(ages), dt.timedelta(days=60))
        self.assertGreater(min(ages), dt.timedelta(0))

    # --- histories and timings ---
    def test_no_history_event_comes_before_its_submission_and_each_history_runs_in_order(self) -> None:
        histories = self.histories()
        now = timezone.now()
        for request in self.requests:
            history = histories[request.pk]
            times = [u.created_at for u in history]
            with self.subTest(request.pk):
                self.assertEqual((history[0].status, times[0]), (RequestStatus.SUBMITTED, request.requested_at))
                self.assertEqual(times, sorted(times))
                self.assertLessEqual(times[-1], now)
                self.assertEqual(history[-1].status, request.status)
                self.assertEqual(request.updated_at, max(u.created_at for u in history))

    def test_audit_entries_of_a_request_follow_its_submission_in_order(self) -> None:
        entries = AuditEntry.objects.filter(target_type="servicerequests.servicerequest").order_by("id")
        submitted = {r.pk: r.requested_at for r in self.requests}
        last: dict[str, dt.datetime] = {}
        for entry in entries:
            with self.subTest(entry.pk):
                self.assertGreaterEqual(entry.created_at, submitted[int(entry.target_id)])
                self.assertGreaterEqual(entry.created_at, last.get(entry.target_id, entry.created_at))
            last[entry.target_id] = entry.created_at

    def test_deadlines_response_and_resolution_times_agree_with_the_history(self) -> None:
        histories = self.histories()
        for request in self.requests:
            history = histories[request.pk]
            answered = [u.created_at for u in history if u.status in ANSWERED]
            resolving = [u.created_at for u in history if u.status in RESOLUTION_STATUSES]
            with self.subTest(request.pk):
                service = request.service
                self.assertEqual(
                    request.response_due_at - request.requested_at, dt.timedelta(minutes=service.response_minutes)
                )
                self.assertEqual(
                    request.resolution_due_at - request.requested_at, dt.timedelta(minutes=service.resolution_minutes)
                )
                self.assertEqual(request.responded_at, answered[0] if answered else None)
                resolved = resolving[-1] if request.status in RESOLUTION_STATUSES else None
                self.assertEqual(request.resolved_at, resolved)

    def test_most_first_answers_are_on_time_some_late_and_the_late_open_ones_flagged(self) -> None:
        answered = [r for r in self.requests if r.responded_at is not None]
        on_time = sum(r.responded_at <= r.response_due_at for r in answered) / len(answered)
        self.assertTrue(0.6 < on_time < 0.95, on_time)
        flagged = [r for r in self.requests if r.overdue_notified_at is not None]
        self.assertTrue(flagged)
        overdue = AuditEntry.objects.filter(action=AuditAction.REQUEST_OVERDUE, region=self.region)
        self.assertEqual(sorted(int(e.target_id) for e in overdue), sorted(r.pk for r in flagged))
        for request in flagged:
            self.assertGreater(request.overdue_notified_at, min(request.response_due_at, request.resolution_due_at))
        still_late = ServiceRequest.objects.for_region(self.region).overdue(timezone.now())
        self.assertTrue(still_late.filter(overdue_notified_at__isnull=False, status=RequestStatus.IN_PROGRESS).exists())

    def test_resolution_times_differ_per_service(self) -> None:
        hours: dict[str, list[float]] = defaultdict(list)
        for request in self.requests:
            if request.resolved_at is not None:
                hours[request.service.code].append((request.resolved_at - request.requested_at).total_seconds() / 3600)
        typical = {code: sorted(values)[len(values) // 2] for code, values in hours.items() if len(values) >= 3}
        self.assertLess(typical["PJU-01"], 24)
        self.assertGreater(typical["JALAN-01"], 24)

    # --- what the pages and the API make of it ---
    def test_the_monthly_ranking_scores_several_agencies(self) -> None:
        last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        ranking = selectors.ranking(region=self.region, month=last_month, size=3)
        self.assertGreaterEqual(len(ranking.rows), 6)
        self.assertNotEqual(ranking.most[0].agency, ranking.least[0].agency)
        self.assertTrue(all(row.median_minutes is not None for row in ranking.rows))

    def test_the_queue_of_dpupkp_yogyakarta_is_not_empty(self) -> None:
        officer = User.objects.get(username="dpupkp.yogyakarta")
        queues = selectors.work_queues(region=self.region, user=officer)
        self.assertEqual(len(queues), 1)
        self.assertTrue(queues[0].requests)
        self.assertEqual({r.agency.slug for r in queues[0].requests}, {"dpupkp"})

    def test_the_coordinator_has_requests_to_verify(self) -> None:
        coordinator = User.objects.get(username="diskominfo.yogyakarta")
        queues = selectors.work_queues(region=self.region, user=coordinator)
        self.assertTrue(queues[0].requests)

    def test_open311_lists_the_public_requests_and_never_a_secret_one(self) -> None:
        response = self.client.get(f"/{self.region.slug}/open311/v2/requests.json")
        self.assertEqual(response.status_code, 200)
        listed = {int(item["service_request_id"]) for item in response.json()}
        self.assertEqual(listed, {r.pk for r in self.requests if not r.is_secret})
        xml = self.client.get("/open311/v2/requests.xml?jurisdiction_id=jogjakota.go.id&extensions=true")
        self.assertEqual(xml.status_code, 200)

    # --- loading again ---
    def test_loading_again_changes_nothing(self) -> None:
        before = row_counts()
        servicerequests.load(self.region)
        self.assertEqual(row_counts(), before)

    def test_the_seed_decides_the_same_requests_every_time(self) -> None:
        first = shape(self.region)
        with transaction.atomic():
            ServiceRequest.objects.for_region(self.region).delete()
            servicerequests.load(self.region)
            self.assertEqual(shape(self.region), first)
            transaction.set_rollback(True)
