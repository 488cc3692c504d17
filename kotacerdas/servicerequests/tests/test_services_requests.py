"""Filing a request: location, kind and flags, extra questions, deadlines from the service, idempotent retries."""

from __future__ import annotations

import datetime as dt
import threading
import unittest
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import NotAllowed
from kotacerdas.core.testing import make_agency, make_region, make_user
from kotacerdas.regions import services as regions
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import RequestKind, RequestStatus, RequestUpdate, Service, ServiceRequest
from kotacerdas.servicerequests.services import (
    AREA_OUTSIDE_REGION,
    ATTRIBUTE_INVALID,
    ATTRIBUTE_REQUIRED,
    DESCRIPTION_HTML,
    DESCRIPTION_TOO_LONG,
    IDEMPOTENCY_KEY_INVALID,
    LAT_LONG_PAIR,
    LAT_LONG_RANGE,
    LOCATION_REQUIRED,
    NOT_PERMITTED,
    REQUEST_NOT_SAVED,
    SERVICE_UNKNOWN,
    RequestError,
)
from kotacerdas.servicerequests.tests.factories import (
    NOW,
    ServiceRequestTestCase,
    TemporaryMediaMixin,
    audit_actions,
    request_data,
    tiny_png,
)

ROAD_ANSWERS = {"lubang": "Selebar ban motor"}


class RequestSubmitTests(TemporaryMediaMixin, ServiceRequestTestCase):
    def send(self, *, service: Service | None = None, citizen: Any = "persona", **overrides: Any) -> ServiceRequest:
        who = self.citizen if citizen == "persona" else citizen
        request, created = services.request_submit(
            service=service or self.lamp, data=request_data(**overrides), citizen=who, actor=who
        )
        self.assertTrue(created)
        return request

    def test_it_files_a_complaint_routed_to_the_services_agency_awaiting_verification(self) -> None:
        request = self.send(lat=Decimal("-7.801234"), long=Decimal("110.364567"))
        request.refresh_from_db()
        self.assertEqual((request.region, request.service, request.agency), (self.region, self.lamp, self.public_works))
        self.assertEqual((request.status, request.kind, request.citizen), ("submitted", "complaint", self.citizen))
        self.assertEqual((request.lat, request.long), (Decimal("-7.801234"), Decimal("110.364567")))
        self.assertEqual(request.reporter_name, self.citizen.full_name)
        self.assertEqual(request.reporter_email, "citizen@kotaraya.go.id")
        self.assertFalse(request.is_secret or request.is_anonymous)
        self.assertTrue(request.token)
        self.assertEqual(audit_actions(request), [AuditAction.REQUEST_SUBMITTED])
        self.assertEqual(list(request.updates.values_list("status", "note", "is_public")), [("submitted", "", True)])

    def test_it_sets_the_deadlines_from_the_service(self) -> None:
        request = self.send()
        self.assertEqual(request.requested_at, NOW)
        self.assertEqual(request.response_due_at, NOW + dt.timedelta(hours=2))
        self.assertEqual(request.resolution_due_at, NOW + dt.timedelta(days=1))
        road = self.send(service=self.road, attributes=ROAD_ANSWERS)
        self.assertEqual(road.response_due_at, NOW + dt.timedelta(hours=4))
        self.assertEqual(road.resolution_due_at, NOW + dt.timedelta(days=7))

    def test_it_accepts_each_kind_of_location(self) -> None:
        locations: list[dict[str, Any]] = [
            {"address": "", "lat": Decimal("-7.8"), "long": Decimal("110.36")},
            {"address": "Depan Pasar Serangan"},
            {"address": "", "area": self.rt},
            {"address": "", "address_id": "PERSIL-0042"},
        ]
        for location in locations:
            with self.subTest(location=location):
                self.assertEqual(self.send(**location).status, RequestStatus.SUBMITTED)

    def test_it_records_the_kind_and_the_secret_and_anonymous_flags(self) -> None:
        request = self.send(kind=RequestKind.ASPIRATION, is_secret=True, is_anonymous=True)
        self.assertEqual((request.kind, request.is_secret, request.is_anonymous), ("aspiration", True, True))
        self.assertEqual(self.send(kind=RequestKind.INFORMATION).get_kind_display(), str(RequestKind.INFORMATION.label))

    def test_it_stores_a_photo_under_the_region(self) -> None:
        request = self.send(photo=tiny_png())
        self.assertTrue(request.photo.name.startswith(f"requests/{self.region.pk}/lampu"))
        with request.photo.open("rb") as stored:
            self.assertEqual(stored.read(8), b"\x89PNG\r\n\x1a\n")

    def test_it_routes_by_the_area_given(self) -> None:
        services.route_set(service=self.lamp, area=self.kelurahan, agency=self.bappeda, actor=self.officer)
        self.assertEqual(self.send(area=self.rt).agency, self.bappeda)
        self.assertEqual(self.send().agency, self.public_works)

    def test_it_keeps_the_answers_to_the_services_questions(self) -> None:
        answers = {
            "lubang": "Selebar ban motor",
            "jumlah": "3",
            "sejak": "2026-11-09T19:30:00+07:00",
            "catatan": "Sudah dua kali ada yang jatuh.",
            "jenis": "kampung",
            "bahaya": ["motor", "pejalan"],
            "tidak-ditanya": "diabaikan",
        }
        request = self.send(service=self.road, attributes=answers)
        request.refresh_from_db()
        self.assertEqual(
            request.attributes,
            {
                "lubang": "Selebar ban motor",
                "jumlah": "3",
                "sejak": "2026-11-09T19:30:00+07:00",
                "catatan": "Sudah dua kali ada yang jatuh.",
                "jenis": "kampung",
                "bahaya": ["motor", "pejalan"],
            },
        )

    def test_it_takes_a_single_choice_given_for_a_multiple_choice_question(self) -> None:
        request = self.send(service=self.road, attributes={**ROAD_ANSWERS, "bahaya": "motor"})
        self.assertEqual(request.attributes["bahaya"], ["motor"])

    def test_it_takes_a_request_without_a_citizen_from_an_open311_client(self) -> None:
        request = self.send(citizen=None, reporter_name="Budi", reporter_email="budi@example.id")
        self.assertIsNone(request.citizen)
        self.assertEqual((request.reporter_name, request.reporter_email), ("Budi", "budi@example.id"))

    # --- idempotency ---------------------------------------------------------------------------------

    def test_it_returns_the_first_request_for_a_retry_with_the_same_key(self) -> None:
        first = self.send(idempotency_key="hp-siti-0001")
        again, created = services.request_submit(
            service=self.lamp,
            data=request_data(idempotency_key="hp-siti-0001", description="Kiriman ulang."),
            citizen=self.citizen,
            actor=self.citizen,
        )
        self.assertFalse(created)
        self.assertEqual(again, first)
        self.assertEqual(ServiceRequest.objects.count(), 1)
        self.assertEqual(RequestUpdate.objects.count(), 1)
        self.assertEqual(audit_actions(first), [AuditAction.REQUEST_SUBMITTED])

    def test_it_creates_separate_requests_without_a_key_or_with_different_keys(self) -> None:
        self.send()
        self.send()
        self.send(idempotency_key="hp-siti-0001")
        self.send(idempotency_key="hp-siti-0002")
        self.assertEqual(ServiceRequest.objects.count(), 4)

    def test_it_answers_a_key_sent_twice_at_once_with_the_winners_request(self) -> None:
        # The other phone's request is committed after our look-up and validation, just before our INSERT.
        original = services._new_request
        winners: list[ServiceRequest] = []

        def racing(*args: Any) -> ServiceRequest:
            ours = original(*args)
            winner = original(*args)
            winner.save()
            winners.append(winner)
            return ours

        with mock.patch.object(services, "_new_request", side_effect=racing):
            request, created = services.request_submit(
                service=self.lamp,
                data=request_data(idempotency_key="hp-siti-0001"),
                citizen=self.citizen,
                actor=self.citizen,
            )
        self.assertFalse(created)
        self.assertEqual(request, winners[0])
        self.assertEqual(ServiceRequest.objects.count(), 1)
        self.assertFalse(RequestUpdate.objects.exists())  # ours stopped before its history and audit
        self.assertEqual(audit_actions(request), [])

    def test_it_does_not_hand_another_citizens_request_back_for_a_reused_key(self) -> None:
        first = self.send(idempotency_key="kunci-bersama-01")
        other = make_user("warga2", "citizen", self.region)
        try:
            request, _created = services.request_submit(
                service=self.lamp, data=request_data(idempotency_key="kunci-bersama-01"), citizen=other, actor=other
            )
        except RequestError:
            return
        self.assertNotEqual(request, first)
        self.assertEqual(request.citizen, other)

    def test_it_refuses_a_malformed_key(self) -> None:
        for key in ("pendek", "x" * 65, "kunci dengan spasi", "kunci/garis", "hp-siti-0001\n", "٠١٢٣٤٥٦٧٨٩"):
            with self.subTest(key=key):
                error = self.assertRefused(
                    RequestError, IDEMPOTENCY_KEY_INVALID, lambda k=key: self.send(idempotency_key=k)
                )
                self.assertEqual(error.field, "idempotency_key")

    # --- refusals ------------------------------------------------------------------------------------

    def test_it_refuses_someone_who_may_not_submit(self) -> None:
        for name in ("officer", "operator", "planner", "leader", "inspector", "treasurer", "outsider"):
            with self.subTest(user=name):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda n=name: self.send(citizen=getattr(self, n)))
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_refuses_an_inactive_service(self) -> None:
        Service.objects.filter(pk=self.lamp.pk).update(is_active=False)
        self.lamp.refresh_from_db()
        error = self.assertRefused(RequestError, SERVICE_UNKNOWN, lambda: self.send())
        self.assertEqual(error.field, "service_code")

    def test_it_refuses_a_request_without_a_location(self) -> None:
        error = self.assertRefused(RequestError, LOCATION_REQUIRED, lambda: self.send(address="   "))
        self.assertEqual(error.field, "address")

    def test_it_refuses_half_a_map_point(self) -> None:
        for point in ({"lat": Decimal("-7.8")}, {"long": Decimal("110.3")}):
            with self.subTest(point=point):
                error = self.assertRefused(RequestError, LAT_LONG_PAIR, lambda p=point: self.send(**p))
                self.assertEqual(error.field, "lat")

    def test_it_refuses_a_point_off_the_globe(self) -> None:
        for lat, long in (("91", "110"), ("-7.8", "181"), ("-90.000001", "0"), ("0", "-180.5")):
            with self.subTest(lat=lat, long=long):
                error = self.assertRefused(
                    RequestError, LAT_LONG_RANGE, lambda a=lat, b=long: self.send(lat=Decimal(a), long=Decimal(b))
                )
                self.assertEqual(error.field, "lat")
        self.assertEqual(self.send(lat=Decimal("-90"), long=Decimal("180")).lat, Decimal("-90"))

    def test_it_refuses_an_area_of_another_region(self) -> None:
        other = regions.area_create(region=self.other_region, parent=None, kind="kecamatan", name="Lain", actor=None)
        error = self.assertRefused(RequestError, AREA_OUTSIDE_REGION, lambda: self.send(area=other))
        self.assertEqual(error.field, "area")

    def test_it_refuses_a_description_too_long_or_with_html(self) -> None:
        self.assertRefused(RequestError, DESCRIPTION_TOO_LONG, lambda: self.send(description="a" * 4001))
        for text in ("Lihat <b>ini</b>", "<script>alert(1)</script>", "Tautan <a href='x'>", "<!-- x -->"):
            with self.subTest(text=text):
                self.assertRefused(RequestError, DESCRIPTION_HTML, lambda t=text: self.send(description=t))
        self.assertEqual(self.send(description="a" * 4000).description, "a" * 4000)
        self.assertEqual(self.send(description="Suhu < 20 dan > 10").description, "Suhu < 20 dan > 10")

    def test_it_accepts_an_empty_description_as_open311_allows(self) -> None:
        request = self.send(description="  \n ")
        self.assertEqual(request.description, "")

    def test_it_refuses_a_missing_required_answer(self) -> None:
        question = self.road.attributes.get(code="lubang").description
        for answers in ({}, {"lubang": ""}, {"lubang": None}):
            with self.subTest(answers=answers):
                error = self.assertRefused(
                    RequestError, None, lambda a=answers: self.send(service=self.road, attributes=a)
                )
                self.assertEqual(error.message, gettext(ATTRIBUTE_REQUIRED) % {"question": question})
                self.assertEqual(error.field, "lubang")

    def test_it_refuses_an_invalid_answer(self) -> None:
        cases = {
            "jumlah": "tiga",
            "sejak": "kemarin",
            "jenis": "tol",
            "bahaya": ["motor", "pesawat"],
        }
        for code, value in cases.items():
            with self.subTest(code=code):
                question = self.road.attributes.get(code=code).description
                error = self.assertRefused(
                    RequestError,
                    None,
                    lambda c=code, v=value: self.send(service=self.road, attributes={**ROAD_ANSWERS, c: v}),
                )
                self.assertEqual(
                    (error.message, error.field), (gettext(ATTRIBUTE_INVALID) % {"question": question}, code)
                )

    def test_it_refuses_nan_and_infinity_as_a_number(self) -> None:
        accepted = []
        for value in ("NaN", "Infinity", "-inf"):
            try:
                self.send(service=self.road, attributes={**ROAD_ANSWERS, "jumlah": value})
            except RequestError:
                continue
            accepted.append(value)
        self.assertEqual(accepted, [])

    def test_it_reads_and_checks_everything_before_a_transaction_that_only_writes(self) -> None:
        services.route_set(service=self.road, area=self.kelurahan, agency=self.bappeda, actor=self.officer)
        with CaptureQueriesContext(connection) as queries:
            request = self.send(
                service=self.road, attributes=ROAD_ANSWERS, area=self.rt, idempotency_key="hp-siti-0001"
            )
        statements = [q["sql"].split()[0] for q in queries.captured_queries]
        in_transaction = statements[statements.index("SAVEPOINT") :]
        self.assertEqual(in_transaction, ["SAVEPOINT", "INSERT", "INSERT", "INSERT", "RELEASE"])
        self.assertEqual(request.agency, self.bappeda)


class RequestSubmitRefusedWriteTests(TemporaryMediaMixin, TransactionTestCase):
    """The database refuses the write of a request checked before its transaction: a RequestError, not a crash."""

    serialized_rollback = True  # the flush afterwards must not take the migrations' data from later tests

    def test_it_refuses_a_request_for_a_service_deleted_after_it_was_read(self) -> None:
        region = make_region("kotaraya")
        agency = make_agency(region, "dpupkp")
        service = Service.objects.create(region=region, agency=agency, code="HAPUS-01", name="Dihapus")
        read_before = Service.objects.select_related("region").get(pk=service.pk)
        Service.objects.filter(pk=service.pk).delete()
        with self.assertRaises(RequestError) as refused:
            services.request_submit(service=read_before, data=request_data(photo=tiny_png()), citizen=None, actor=None)
        self.assertEqual(refused.exception.message, gettext(REQUEST_NOT_SAVED))
        self.assertFalse(ServiceRequest.objects.exists() or RequestUpdate.objects.exists())
        self.assertEqual(list(Path(self.media_root).rglob("*.png")), [])  # its photo was not left behind


@unittest.skipUnless(connection.vendor == "postgresql", "needs concurrent writers (SQLite serialises transactions)")
class RequestSubmitConcurrencyTests(TransactionTestCase):
    """Two phones send the same idempotency key at the same moment, on real concurrent connections."""

    serialized_rollback = True  # the flush afterwards must not take the migrations' data from later tests

    def setUp(self) -> None:
        self.region = make_region("kotaraya")
        agency = make_agency(self.region, "dpupkp")
        kominfo = make_agency(self.region, "diskominfo", special_role="ict")
        officer = make_user("officer", "diskominfo_officer", self.region, agency=kominfo)
        self.citizen = make_user("citizen", "citizen", self.region)
        self.service = services.service_save(region=self.region, agency=agency, actor=officer, code="PJU-01", name="L")

    def test_it_creates_one_request_and_gives_both_phones_its_id(self) -> None:
        barrier = threading.Barrier(2, timeout=10)
        original_save = ServiceRequest.save
        results: list[tuple[int, bool]] = []
        errors: list[BaseException] = []

        def save_together(instance: ServiceRequest, *args: Any, **kwargs: Any) -> None:
            if instance.pk is None:
                barrier.wait()  # both have looked up the key and validated: now both INSERT
            original_save(instance, *args, **kwargs)

        def phone() -> None:
            try:
                request, created = services.request_submit(
                    service=Service.objects.get(pk=self.service.pk),
                    data=request_data(idempotency_key="hp-siti-0001"),
                    citizen=self.citizen,
                    actor=self.citizen,
                )
                results.append((request.pk, created))
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                connection.close()

        with mock.patch.object(ServiceRequest, "save", save_together):
            threads = [threading.Thread(target=phone) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
        self.assertEqual(errors, [])
        self.assertEqual(ServiceRequest.objects.count(), 1)
        self.assertEqual(sorted(created for _pk, created in results), [False, True])
        self.assertEqual({pk for pk, _created in results}, {ServiceRequest.objects.get().pk})
