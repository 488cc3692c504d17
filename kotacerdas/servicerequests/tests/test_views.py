"""The citizen-service pages: each calls the services; permissions, bad input, privacy and query counts."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock
from urllib.parse import quote

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from kotacerdas.accounts.models import Membership, User
from kotacerdas.accounts.roles import Role
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import make_user
from kotacerdas.core.workflow import REASON_REQUIRED
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import CitizenProfile, DataRequest, Service, ServiceRequest
from kotacerdas.servicerequests.services import (
    CONTACT_REQUIRED,
    NIK_TAKEN,
    PHONE_INVALID,
    REOPEN_TOO_LATE,
    SAME_AGENCY,
)
from kotacerdas.servicerequests.tests.factories import (
    NIK,
    WIB,
    ServiceRequestTestCase,
    TemporaryMediaMixin,
    tiny_png,
)

PASSWORD = "kata-sandi-panjang-1"
# Region, session+user+memberships, the filter's services and kelurahan, one query per queue (the
# coordinator's and Diskominfo's own) and the count of data requests waiting for the coordinator.
QUEUE_QUERIES = 7
# The persona citizen's NIK (fictional: Kota Yogyakarta, born 25 August 1975, serial 0005).
PERSONA_NIK = "3471012508750005"


@contextmanager
def every_log_record() -> Iterator[list[logging.LogRecord]]:
    """Collect every record of every logger at DEBUG, SQL (with its parameters) included."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.DEBUG)
    loggers = [logging.getLogger(), logging.getLogger("django")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    try:
        with CaptureQueriesContext(connection):  # forces the debug cursor, which logs each query with its params
            yield records
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)


def record_text(record: logging.LogRecord) -> str:
    return f"{record.getMessage()} {record.args!r} {getattr(record, 'params', '')!r} {getattr(record, 'sql', '')}"


class ViewTestCase(TemporaryMediaMixin, ServiceRequestTestCase):
    def url(self, name: str, region: Any = None, **kwargs: Any) -> str:
        return reverse(f"servicerequests:{name}", kwargs={"region_slug": (region or self.region).slug, **kwargs})

    def signup_post(self, **overrides: str) -> dict[str, str]:
        data = {
            "full_name": "Siti Rahayu",
            "email": "siti@example.id",
            "phone": "",
            "nik": NIK,
            "password": PASSWORD,
            "consent": "on",
        }
        data.update(overrides)
        return data


class CatalogueViewTests(ViewTestCase):
    def test_it_lists_the_active_services_by_group(self) -> None:
        Service.objects.filter(pk=self.road.pk).update(is_active=False)
        response = self.client.get(self.url("catalogue"))
        self.assertContains(response, "Lampu penerangan jalan mati")
        self.assertContains(response, "Infrastruktur")
        self.assertNotContains(response, "Jalan rusak")
        self.assertContains(response, self.url("signup"))

    def test_it_reads_the_catalogue_in_a_fixed_number_of_queries(self) -> None:
        self.client.get(self.url("catalogue"))  # warm up the site-wide caches
        with self.assertNumQueries(2):
            self.client.get(self.url("catalogue"))
        for n in range(6):
            agency = (self.bappeda, self.diskominfo, self.public_works)[n % 3]
            services.service_save(
                region=self.region, agency=agency, actor=self.officer, code=f"S-{n}", name=f"Layanan {n}", group=str(n)
            )
        with self.assertNumQueries(2):
            response = self.client.get(self.url("catalogue"))
        self.assertEqual(len(response.context["services"]), 8)

    def test_it_is_404_for_an_unknown_region(self) -> None:
        self.assertEqual(self.client.get("/tidak-ada/services/").status_code, 404)


class SignupViewTests(ViewTestCase):
    def test_it_creates_the_account_logs_in_and_goes_to_the_catalogue(self) -> None:
        response = self.client.post(self.url("signup"), self.signup_post(phone="081234567890"))
        self.assertRedirects(response, self.url("catalogue"))
        user = User.objects.get(username="siti@example.id")
        self.assertEqual((user.full_name, user.phone), ("Siti Rahayu", "081234567890"))
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        self.assertEqual(self.client.get(self.url("catalogue")).wsgi_request.user, user)  # and stays logged in
        self.assertTrue(Membership.objects.filter(user=user, role=Role.CITIZEN, region=self.region).exists())
        self.assertEqual(CitizenProfile.objects.get(user=user).masked_nik, "************0001")

    def test_it_never_stores_the_nik_in_clear(self) -> None:
        self.client.post(self.url("signup"), self.signup_post())
        profile = CitizenProfile.objects.values().get()
        for column, value in profile.items():
            with self.subTest(column=column):
                self.assertNotIn(NIK, str(value))

    def test_it_declares_the_nik_and_password_sensitive(self) -> None:
        response = self.client.post(self.url("signup"), self.signup_post(email="bukan-email"))
        request = response.wsgi_request
        self.assertEqual(set(request.sensitive_post_parameters), {"nik", "password"})  # type: ignore[attr-defined]
        cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
        self.assertEqual(cleansed["nik"], SafeExceptionReporterFilter.cleansed_substitute)
        self.assertEqual(cleansed["password"], SafeExceptionReporterFilter.cleansed_substitute)
        self.assertEqual(cleansed["full_name"], "Siti Rahayu")

    def test_it_writes_the_nik_to_no_log_record_on_success_or_refusal(self) -> None:
        self.client.post(self.url("signup"), self.signup_post())  # the NIK is now taken
        self.client.logout()
        with every_log_record() as records:
            logging.getLogger("kotacerdas.test").debug("the capture works")
            refused = self.client.post(self.url("signup"), self.signup_post(email="lain@example.id"))
            self.client.post(self.url("signup"), self.signup_post(email="ketiga@example.id", nik="3471010101850003"))
        self.assertContains(refused, gettext(NIK_TAKEN))
        self.assertTrue(any("INSERT" in record_text(r) for r in records))  # SQL was logged with its params
        for record in records:
            self.assertNotIn(NIK, record_text(record))
            self.assertNotIn("3471010101850003", record_text(record))

    def test_it_keeps_the_nik_out_of_the_error_report_of_a_crash(self) -> None:
        self.client.raise_request_exception = False
        with (
            mock.patch.object(services, "citizen_register", side_effect=RuntimeError("boom")),
            self.assertLogs("django.request", level="ERROR") as logs,
        ):
            response = self.client.post(self.url("signup"), self.signup_post())
        self.assertEqual(response.status_code, 500)
        [record] = logs.records
        report = ExceptionReporter(record.request, *record.exc_info, is_email=True).get_traceback_text()  # type: ignore[attr-defined, misc]
        self.assertIn("full_name = 'Siti Rahayu'", report)
        self.assertNotIn(NIK, report)
        self.assertNotIn(PASSWORD, report)

    def test_it_shows_the_form_again_for_bad_input_and_creates_nothing(self) -> None:
        cases = {
            "no nik": ({"nik": ""}, "nik", None),
            "nik too short": ({"nik": NIK[:15]}, "nik", None),
            "nik impossible": ({"nik": "3471013203900001"}, "nik", "This is not a valid NIK."),
            "nik in arabic-indic digits": (
                {"nik": NIK.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))},
                "nik",
                "A NIK has exactly 16 digits.",
            ),
            "no contact": ({"email": ""}, "email", CONTACT_REQUIRED),
            "bad phone": ({"email": "", "phone": "12345"}, "phone", PHONE_INVALID),
            "bad email": ({"email": "siti@"}, "email", "Enter a valid email address."),
            "no consent": ({"consent": ""}, "consent", None),
            "short password": ({"password": "pendek"}, "password", None),
            "no name": ({"full_name": ""}, "full_name", None),
        }
        for label, (overrides, field, message) in cases.items():
            with self.subTest(label):
                response = self.client.post(self.url("signup"), self.signup_post(**overrides))
                self.assertEqual(response.status_code, 200)
                errors = response.context["form"].errors
                self.assertIn(field, errors)
                self.assertEqual(len(errors[field]), 1, errors[field])  # one clear error, not two
                if message is not None:
                    self.assertIn(gettext(message), errors[field])
        self.assertFalse(CitizenProfile.objects.exists())
        self.assertFalse(User.objects.filter(username__contains="siti").exists())

    def test_it_refuses_a_nik_already_registered(self) -> None:
        self.register()
        response = self.client.post(self.url("signup"), self.signup_post(email="lain@example.id"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["nik"], [gettext(NIK_TAKEN)])
        self.assertEqual(CitizenProfile.objects.count(), 1)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_never_echoes_the_password(self) -> None:
        response = self.client.post(self.url("signup"), self.signup_post(email="bukan-email"))
        self.assertNotContains(response, PASSWORD)


class ServiceDetailViewTests(ViewTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        services.citizen_nik_add(user=cls.citizen, region=cls.region, nik=PERSONA_NIK, consent=True)

    def road_post(self, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": "complaint",
            "description": "Lubang besar di jalan kampung.",
            "address": "Jl. Bugisan",
            "attr_lubang": "Selebar ban motor",
            "attr_jumlah": "3",
            "attr_sejak": "2026-11-09T19:30",
            "attr_jenis": "kampung",
            "attr_bahaya": ["motor", "pejalan"],
        }
        data.update(overrides)
        return data

    def test_it_shows_the_service_and_its_questions_to_a_citizen(self) -> None:
        self.client.force_login(self.citizen)
        response = self.client.get(self.url("service", service_code="JALAN-01"))
        self.assertTrue(response.context["can_submit"])
        self.assertContains(response, "Seberapa besar lubangnya?")
        self.assertContains(response, 'name="attr_bahaya"')
        self.assertContains(response, 'enctype="multipart/form-data"')

    def test_it_offers_a_login_to_a_visitor_and_no_form_to_staff(self) -> None:
        response = self.client.get(self.url("service", service_code="PJU-01"))
        self.assertFalse(response.context["can_submit"])
        self.assertNotContains(response, 'name="description"')
        self.client.force_login(self.operator)
        self.assertFalse(self.client.get(self.url("service", service_code="PJU-01")).context["can_submit"])

    def test_it_sends_a_request_with_a_photo_and_goes_to_its_page(self) -> None:
        self.client.force_login(self.citizen)
        response = self.client.post(
            self.url("service", service_code="PJU-01"),
            {
                "kind": "complaint",
                "description": "Lampu mati.",
                "lat": "-7.801234",
                "long": "110.364567",
                "photo": tiny_png(),
                "is_anonymous": "on",
            },
        )
        request = ServiceRequest.objects.get()
        self.assertRedirects(response, self.url("request", service_request_pk=request.pk))
        self.assertEqual((request.citizen, request.service, request.is_anonymous), (self.citizen, self.lamp, True))
        self.assertEqual(str(request.lat), "-7.801234")
        self.assertTrue(request.photo.name.startswith(f"requests/{self.region.pk}/"))
        self.assertTrue(request.photo.storage.exists(request.photo.name))

    def test_it_keeps_the_answers_to_the_questions(self) -> None:
        self.client.force_login(self.citizen)
        self.client.post(self.url("service", service_code="JALAN-01"), self.road_post(area=self.rt.pk))
        request = ServiceRequest.objects.get()
        self.assertEqual(request.area, self.rt)
        self.assertEqual(
            request.attributes,
            {
                "lubang": "Selebar ban motor",
                "jumlah": "3",
                "sejak": "2026-11-09T19:30:00+07:00",
                "jenis": "kampung",
                "bahaya": ["motor", "pejalan"],
            },
        )

    def test_it_sends_a_retry_with_the_same_key_once(self) -> None:
        self.client.force_login(self.citizen)
        first = self.client.post(
            self.url("service", service_code="PJU-01"),
            {"kind": "complaint", "description": "x", "address": "Jl. A", "idempotency_key": "hp-siti-0001"},
        )
        again = self.client.post(
            self.url("service", service_code="PJU-01"),
            {"kind": "complaint", "description": "x", "address": "Jl. A", "idempotency_key": "hp-siti-0001"},
        )
        self.assertEqual(ServiceRequest.objects.count(), 1)
        self.assertEqual(first["Location"], again["Location"])

    def test_it_shows_form_errors_and_sends_nothing(self) -> None:
        self.client.force_login(self.citizen)
        not_an_image = SimpleUploadedFile("lampu.png", b"bukan gambar", content_type="image/png")
        cases = {
            "no location": (self.road_post(address=""), "address"),
            "missing answer": (self.road_post(attr_lubang=""), "attr_lubang"),
            "bad choice": (self.road_post(attr_jenis="tol"), "attr_jenis"),
            "half a point": (self.road_post(lat="-7.8"), "lat"),
            "latitude 91": (self.road_post(lat="91", long="110"), "lat"),
            "html": (self.road_post(description="<b>tebal</b>"), "description"),
            "not an image": (self.road_post(photo=not_an_image), "photo"),
            "area of nowhere": (self.road_post(area="999999"), "area"),
        }
        for label, (data, field) in cases.items():
            with self.subTest(label):
                response = self.client.post(self.url("service", service_code="JALAN-01"), data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(field, response.context["form"].errors)
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_sends_a_visitor_to_log_in(self) -> None:
        response = self.client.post(self.url("service", service_code="PJU-01"), {"description": "x"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_refuses_staff_and_outsiders(self) -> None:
        for user in (self.operator, self.officer, self.outsider):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(self.url("service", service_code="PJU-01"), self.road_post())
                self.assertEqual(response.status_code, 404)
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_is_404_for_an_unknown_or_inactive_service(self) -> None:
        Service.objects.filter(pk=self.road.pk).update(is_active=False)
        for code in ("TIDAK-ADA", "JALAN-01"):
            with self.subTest(code=code):
                self.assertEqual(self.client.get(self.url("service", service_code=code)).status_code, 404)


class NikGateViewTests(ViewTestCase):
    """A citizen whose account has no NIK (made by staff, or the demo's) adds it before the first request."""

    def lamp_post(self) -> dict[str, str]:
        return {"kind": "complaint", "description": "Lampu mati.", "address": "Jl. Bugisan"}

    def test_it_asks_for_the_nik_instead_of_showing_the_form(self) -> None:
        self.client.force_login(self.citizen)
        response = self.client.get(self.url("service", service_code="PJU-01"))
        self.assertTrue(response.context["needs_nik"])
        self.assertContains(response, 'id="nik-needed"')
        self.assertContains(response, f"{self.url('my_nik')}?next=/kotaraya/services/PJU-01/")
        self.assertNotContains(response, 'name="description"')

    def test_it_sends_a_request_without_a_nik_to_the_nik_page_and_stores_nothing(self) -> None:
        self.client.force_login(self.citizen)
        response = self.client.post(self.url("service", service_code="PJU-01"), self.lamp_post(), follow=True)
        self.assertRedirects(response, f"{self.url('my_nik')}?next=%2Fkotaraya%2Fservices%2FPJU-01%2F")
        self.assertContains(response, gettext(services.NIK_REQUIRED))
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_puts_the_nik_on_file_and_returns_to_the_service(self) -> None:
        self.client.force_login(self.citizen)
        response = self.client.post(
            f"{self.url('my_nik')}?next=/kotaraya/services/PJU-01/", {"nik": PERSONA_NIK, "consent": "on"}
        )
        self.assertRedirects(response, self.url("service", service_code="PJU-01"))
        self.assertEqual(CitizenProfile.objects.get(user=self.citizen).masked_nik, "************0005")
        self.client.post(self.url("service", service_code="PJU-01"), self.lamp_post())
        self.assertEqual(ServiceRequest.objects.get().citizen, self.citizen)

    def test_it_shows_bad_input_on_the_form_and_stores_nothing(self) -> None:
        self.register()  # holds NIK
        self.client.force_login(self.citizen)
        cases = {
            "empty": ({"nik": "", "consent": "on"}, "nik", None),
            "too short": ({"nik": PERSONA_NIK[:15], "consent": "on"}, "nik", None),
            "impossible date": ({"nik": "3471013203900001", "consent": "on"}, "nik", "This is not a valid NIK."),
            "taken": ({"nik": NIK, "consent": "on"}, "nik", services.NIK_TAKEN),
            "no consent": ({"nik": PERSONA_NIK}, "consent", None),
        }
        for label, (data, field, message) in cases.items():
            with self.subTest(label):
                response = self.client.post(self.url("my_nik"), data)
                self.assertEqual(response.status_code, 200)
                errors = response.context["form"].errors
                self.assertIn(field, errors)
                self.assertEqual(len(errors[field]), 1, errors[field])  # one clear error, not two
                if message is not None:
                    self.assertIn(gettext(message), errors[field])
        self.assertFalse(CitizenProfile.objects.filter(user=self.citizen).exists())

    def test_it_never_returns_to_another_site(self) -> None:
        self.client.force_login(self.citizen)
        for target in ("https://jahat.example/", "//jahat.example/", "/kabupatenlain/services/", "javascript:alert(1)"):
            with self.subTest(target=target):
                CitizenProfile.objects.filter(user=self.citizen).delete()
                response = self.client.post(
                    f"{self.url('my_nik')}?next={quote(target)}", {"nik": PERSONA_NIK, "consent": "on"}
                )
                self.assertRedirects(response, self.url("mine"))

    def test_it_declares_the_nik_sensitive_and_logs_it_nowhere(self) -> None:
        self.client.force_login(self.citizen)
        with every_log_record() as records:
            response = self.client.post(self.url("my_nik"), {"nik": PERSONA_NIK, "consent": "on"})
        self.assertEqual(set(response.wsgi_request.sensitive_post_parameters), {"nik"})  # type: ignore[attr-defined]
        self.assertTrue(any("INSERT" in record_text(r) for r in records))
        for record in records:
            self.assertNotIn(PERSONA_NIK, record_text(record))

    def test_it_sends_a_citizen_with_a_nik_back(self) -> None:
        siti = self.register()
        self.client.force_login(siti)
        response = self.client.get(self.url("my_nik"), follow=True)
        self.assertRedirects(response, self.url("mine"))
        self.assertContains(response, gettext(services.NIK_ON_FILE))

    def test_it_refuses_staff_outsiders_and_visitors(self) -> None:
        for user, status in ((self.officer, 403), (self.operator, 403), (self.outsider, 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url("my_nik"), {"nik": PERSONA_NIK}).status_code, status)
        self.client.logout()
        self.assertEqual(self.client.get(self.url("my_nik")).status_code, 302)
        self.assertFalse(CitizenProfile.objects.exists())

    def test_it_prompts_on_the_citizens_own_page(self) -> None:
        self.client.force_login(self.citizen)
        self.assertContains(self.client.get(self.url("mine")), 'id="nik-needed"')
        self.client.force_login(self.register())
        self.assertNotContains(self.client.get(self.url("mine")), 'id="nik-needed"')


class RequestDetailViewTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.siti = self.register()

    def test_it_shows_a_public_request_with_its_public_history(self) -> None:
        request = self.advance(self.submit(citizen=self.siti), "verify", "investigate")
        services.request_reroute(request=request, agency=self.bappeda, reason="Catatan internal.", actor=self.officer)
        response = self.client.get(self.url("request", service_request_pk=request.pk))
        self.assertContains(response, "Lampu jalan di depan Balai RW 01")
        self.assertContains(response, "Siti Rahayu")  # not anonymous: the reporter is shown
        self.assertNotContains(response, "Catatan internal.")
        self.assertEqual(len(response.context["updates"]), 3)

    def test_it_shows_a_secret_request_only_to_its_citizen_and_the_staff_handling_it(self) -> None:
        request = self.submit(citizen=self.siti, is_secret=True)
        url = self.url("request", service_request_pk=request.pk)
        for user in (self.siti, self.officer, self.operator, self.head):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(url).status_code, 200)
        for user in (self.citizen, self.planner, self.leader, self.inspector, self.outsider):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_hides_an_anonymous_reporter_from_the_public_but_not_from_staff(self) -> None:
        request = self.submit(citizen=self.siti, is_anonymous=True)
        url = self.url("request", service_request_pk=request.pk)
        for user in (None, self.citizen, self.planner):
            with self.subTest(user=user and user.username):
                if user is None:
                    self.client.logout()
                else:
                    self.client.force_login(user)
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "Siti Rahayu")
                self.assertNotContains(response, "siti@example.id")
        self.client.force_login(self.officer)
        self.assertContains(self.client.get(url), "Siti Rahayu")

    def test_it_offers_the_actions_of_the_user(self) -> None:
        request = self.submit(citizen=self.siti)
        url = self.url("request", service_request_pk=request.pk)
        self.client.force_login(self.officer)
        self.assertEqual(self.client.get(url).context["actions"], ["verify", "postpone", "not_authority", "archive"])
        self.advance(request, "verify", "fix")
        self.client.force_login(self.siti)
        self.assertEqual(self.client.get(url).context["actions"], ["reopen"])
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(url).context["actions"], [])

    def test_it_is_404_through_another_region_or_for_an_unknown_id(self) -> None:
        request = self.submit()
        self.assertEqual(
            self.client.get(self.url("request", self.other_region, service_request_pk=request.pk)).status_code, 404
        )
        self.assertEqual(self.client.get(self.url("request", service_request_pk=request.pk + 99)).status_code, 404)
        self.assertEqual(self.client.get(f"/kotaraya/services/requests/{'9' * 30}/").status_code, 404)


class RequestActViewTests(ViewTestCase):
    def act(self, request: ServiceRequest, action: str, note: str = "") -> Any:
        return self.client.post(self.url("request_act", service_request_pk=request.pk, action=action), {"note": note})

    def test_it_runs_the_step_and_returns_to_the_request(self) -> None:
        request = self.submit()
        self.client.force_login(self.officer)
        response = self.act(request, "verify")
        self.assertRedirects(response, self.url("request", service_request_pk=request.pk))
        self.client.force_login(self.operator)
        self.act(request, "fix", "Lampu sudah diganti.")
        request.refresh_from_db()
        self.assertEqual(request.status, "fixed")
        self.assertEqual(request.updates.last().note, "Lampu sudah diganti.")

    def test_it_shows_a_refusal_as_a_message(self) -> None:
        request = self.advance(self.submit(), "verify")
        self.client.force_login(self.operator)
        response = self.act(request, "fix", "")
        page = self.client.get(response["Location"])
        self.assertContains(page, gettext(REASON_REQUIRED))
        request.refresh_from_db()
        self.assertEqual(request.status, "open")

    def test_it_refuses_citizens_other_regions_and_unknown_actions(self) -> None:
        request = self.submit()
        self.client.force_login(self.citizen)
        self.assertEqual(self.act(request, "verify").status_code, 403)
        self.client.force_login(self.outsider)
        self.assertEqual(self.act(request, "verify").status_code, 404)
        self.client.force_login(self.officer)
        self.assertEqual(self.act(request, "approve").status_code, 404)
        self.assertEqual(
            self.client.get(self.url("request_act", service_request_pk=request.pk, action="verify")).status_code, 405
        )
        request.refresh_from_db()
        self.assertEqual(request.status, "submitted")

    def test_it_hides_a_secret_request_from_staff_of_other_agencies(self) -> None:
        request = self.submit(is_secret=True)
        self.client.force_login(self.planner)
        self.assertEqual(self.act(request, "investigate").status_code, 404)


class RequestReopenViewTests(ViewTestCase):
    def test_it_lets_the_citizen_reopen_a_fixed_request(self) -> None:
        request = self.advance(self.submit(), "verify", "fix")
        self.client.force_login(self.citizen)
        response = self.client.post(self.url("request_reopen", service_request_pk=request.pk), {"note": "Masih mati."})
        self.assertRedirects(response, self.url("request", service_request_pk=request.pk))
        request.refresh_from_db()
        self.assertEqual(request.status, "open")

    def test_it_refuses_after_14_days_with_a_message(self) -> None:
        request = self.advance(self.submit(), "verify", "fix")
        with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=WIB), tick=False):
            self.client.force_login(self.citizen)
            response = self.client.post(
                self.url("request_reopen", service_request_pk=request.pk), {"note": "x"}, follow=True
            )
        self.assertContains(response, gettext(REOPEN_TOO_LATE) % {"days": 14})
        request.refresh_from_db()
        self.assertEqual(request.status, "fixed")

    def test_it_refuses_staff(self) -> None:
        request = self.advance(self.submit(), "verify", "fix")
        self.client.force_login(self.operator)
        self.assertEqual(self.client.post(self.url("request_reopen", service_request_pk=request.pk)).status_code, 403)


class RequestRerouteViewTests(ViewTestCase):
    def test_it_sends_the_request_to_another_agency(self) -> None:
        request = self.submit()
        self.client.force_login(self.officer)
        response = self.client.post(
            self.url("request_reroute", service_request_pk=request.pk),
            {"agency": self.bappeda.pk, "reason": "Soal tata ruang."},
        )
        self.assertRedirects(response, self.url("request", service_request_pk=request.pk))
        request.refresh_from_db()
        self.assertEqual(request.agency, self.bappeda)
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.REQUEST_REROUTED).exists())

    def test_it_refuses_a_missing_reason_the_same_agency_or_another_regions_agency(self) -> None:
        request = self.submit()
        self.client.force_login(self.officer)
        url = self.url("request_reroute", service_request_pk=request.pk)
        for data in ({"agency": self.bappeda.pk, "reason": ""}, {"agency": self.other_agency.pk, "reason": "x"}):
            with self.subTest(data=data):
                response = self.client.post(url, data, follow=True)
                self.assertContains(response, gettext("Choose the agency and give a reason."))
        same = self.client.post(url, {"agency": self.public_works.pk, "reason": "x"}, follow=True)
        self.assertContains(same, gettext(SAME_AGENCY))
        request.refresh_from_db()
        self.assertEqual(request.agency, self.public_works)

    def test_it_refuses_citizens_and_other_agencies(self) -> None:
        request = self.submit()
        for user, status in ((self.citizen, 403), (self.planner, 302)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(
                    self.url("request_reroute", service_request_pk=request.pk),
                    {"agency": self.bappeda.pk, "reason": "x"},
                )
                self.assertEqual(response.status_code, status)
        request.refresh_from_db()
        self.assertEqual(request.agency, self.public_works)


class MyRequestsViewTests(ViewTestCase):
    def test_it_lists_the_citizens_own_requests(self) -> None:
        mine = self.submit()
        self.submit(citizen=self.register())
        self.client.force_login(self.citizen)
        response = self.client.get(self.url("mine"))
        self.assertEqual(list(response.context["requests"]), [mine])
        self.assertContains(response, self.url("my_data"))

    def test_it_never_shows_the_full_nik(self) -> None:
        self.client.force_login(self.register())
        self.assertNotContains(self.client.get(self.url("mine")), NIK)

    def test_it_shows_the_citizen_their_masked_nik(self) -> None:
        self.client.force_login(self.register())
        self.assertContains(self.client.get(self.url("mine")), "************0001")

    def test_it_shows_the_answers_to_the_citizens_data_requests(self) -> None:
        siti = self.register()
        item = services.citizen_data_request(user=siti, region=self.region, kind="correction", message="Nama salah.")
        services.data_request_refuse(data_request=item, response="Nama sudah sesuai KTP.", actor=self.officer)
        self.client.force_login(siti)
        response = self.client.get(self.url("mine"))
        self.assertEqual(response.context["data_requests"], [item])
        self.assertContains(response, "Nama sudah sesuai KTP.")

    def test_it_reads_the_page_in_a_fixed_number_of_queries(self) -> None:
        siti = self.register()
        self.client.force_login(siti)
        self.client.get(self.url("mine"))
        # Session+user+memberships, region, the requests, the profile, the data requests.
        for n in (1, 5):
            for _ in range(n):
                self.submit(citizen=siti)
                services.citizen_data_request(user=siti, region=self.region, kind="correction", message="")
            with self.subTest(n=n), self.assertNumQueries(5):
                self.client.get(self.url("mine"))

    def test_it_refuses_staff_and_sends_visitors_to_log_in(self) -> None:
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(self.url("mine")).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(self.url("mine")).status_code, 302)


class MyDataViewTests(ViewTestCase):
    def test_it_downloads_what_the_region_holds_as_json(self) -> None:
        siti = self.register(phone="081234567890")
        request = self.submit(citizen=siti)
        self.client.force_login(siti)
        response = self.client.get(self.url("my_data"))
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="kotacerdas-kotaraya-data-saya.json"')
        payload = json.loads(response.content)
        self.assertEqual(set(payload), {"account", "nik", "consent", "requests"})
        self.assertEqual(payload["nik"], NIK)
        self.assertEqual(payload["account"]["phone"], "081234567890")
        self.assertEqual([r["id"] for r in payload["requests"]], [request.pk])
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.CITIZEN_DATA_EXPORTED, actor=siti).exists())

    def test_it_refuses_staff_outsiders_and_visitors(self) -> None:
        for user, status in ((self.officer, 403), (self.outsider, 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url("my_data")).status_code, status)
        self.client.logout()
        self.assertEqual(self.client.get(self.url("my_data")).status_code, 302)

    def test_it_records_a_correction_or_deletion_request(self) -> None:
        siti = self.register()
        self.client.force_login(siti)
        for kind in ("correction", "erasure"):
            with self.subTest(kind=kind):
                response = self.client.post(self.url("my_data_request", kind=kind), {"message": "Nama salah."})
                self.assertRedirects(response, self.url("mine"))
        self.assertEqual(
            sorted(DataRequest.objects.values_list("kind", "message")),
            [("correction", "Nama salah."), ("erasure", "Nama salah.")],
        )

    def test_it_refuses_an_unknown_kind_or_a_get(self) -> None:
        self.client.force_login(self.register())
        self.assertEqual(self.client.post(self.url("my_data_request", kind="export")).status_code, 404)
        self.assertEqual(self.client.get(self.url("my_data_request", kind="erasure")).status_code, 405)
        self.assertFalse(DataRequest.objects.exists())


class InboxViewTests(ViewTestCase):
    def test_it_shows_the_coordinator_and_agency_queues(self) -> None:
        new = self.submit()
        dispatched = self.advance(self.submit(), "verify")
        self.client.force_login(self.officer)
        queues = self.client.get(self.url("inbox")).context["queues"]
        self.assertEqual([(q.title, q.requests) for q in queues], [("coordinator", [new]), ("Diskominfo", [])])
        self.client.force_login(self.operator)
        queues = self.client.get(self.url("inbox")).context["queues"]
        self.assertEqual([(q.title, q.requests) for q in queues], [("DPUPKP", [dispatched])])

    def test_it_refuses_readers_citizens_and_outsiders(self) -> None:
        for user, status in ((self.leader, 403), (self.inspector, 403), (self.citizen, 403), (self.outsider, 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url("inbox")).status_code, status)

    def test_it_reads_the_queues_in_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.officer)
        for n in (1, 5):
            for _ in range(n):
                self.submit()
                self.advance(self.submit(service=self.road, attributes={"lubang": "besar"}), "verify")
            with self.subTest(n=n), self.assertNumQueries(QUEUE_QUERIES):
                self.client.get(self.url("inbox"))
            with self.subTest(n=n, filtered=True), self.assertNumQueries(QUEUE_QUERIES + 2):  # the chosen objects
                self.client.get(
                    self.url("inbox"), {"service": self.road.pk, "area": self.kelurahan.pk, "overdue": "on"}
                )

    def test_it_reads_the_agency_queue_in_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.operator)
        for n in (1, 5):
            for _ in range(n):
                self.advance(self.submit(), "verify")
            # Session+user+memberships, region, the filter's services and kelurahan, the DPUPKP queue.
            with self.subTest(n=n), self.assertNumQueries(5):
                self.client.get(self.url("inbox"))

    def test_it_filters_the_agency_queue(self) -> None:
        lamp = self.advance(self.submit(area=self.rt), "verify")
        road = self.advance(self.submit(service=self.road, attributes={"lubang": "besar"}), "verify", "investigate")
        self.client.force_login(self.operator)
        cases = {
            "nothing": ({}, [lamp, road]),
            "status": ({"status": "investigating"}, [road]),
            "service": ({"service": self.lamp.pk}, [lamp]),
            "kelurahan": ({"area": self.kelurahan.pk}, [lamp]),
        }
        for label, (query, expected) in cases.items():
            with self.subTest(label):
                [queue] = self.client.get(self.url("inbox"), query).context["queues"]
                self.assertEqual(queue.requests, expected)

    def test_it_reports_a_filter_value_that_does_not_fit_and_ignores_it(self) -> None:
        lamp = self.advance(self.submit(), "verify")
        self.client.force_login(self.operator)
        other_service = services.service_save(
            region=self.other_region,
            agency=self.other_agency,
            actor=make_user("kominfo-lain", Role.DISKOMINFO_OFFICER, self.other_region, agency=self.other_agency),
            code="LAIN-01",
            name="Layanan daerah lain",
        )
        for query in ({"status": "fixed"}, {"service": "abc"}, {"service": other_service.pk}, {"area": "99999999"}):
            with self.subTest(query=query):
                response = self.client.get(self.url("inbox"), query)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors)
                self.assertEqual(response.context["queues"][0].requests, [lamp])


class RankingViewTests(ViewTestCase):
    """The worked example: three agencies in November 2026 (times in WIB)."""

    def answered(self, service: Service, minutes: int | None, day: int = 2) -> None:
        start = dt.datetime(2026, 11, day, 8, 0, tzinfo=WIB)
        with time_machine.travel(start, tick=False):
            request = self.advance(self.submit(service=service), "verify")
        if minutes is not None:
            with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
                self.advance(request, "investigate")

    def example(self) -> None:
        spatial = services.service_save(
            region=self.region,
            agency=self.bappeda,
            actor=self.officer,
            code="TATA-01",
            name="Tata ruang",
            response_minutes=60,
        )
        info = services.service_save(
            region=self.region, agency=self.diskominfo, actor=self.officer, code="INFO-01", name="Informasi"
        )
        for minutes in (30, 60, 90, 240):  # due within 120: median 75, 3 of 4 on time
            self.answered(self.lamp, minutes)
        for minutes in (10, 20):  # due within 60: median 15, both on time
            self.answered(spatial, minutes)
        self.answered(info, None)  # never answered

    def rows(self, html: str) -> list[list[str]]:
        body = html.split('id="ranking-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]

    def test_it_shows_received_median_and_on_time_share_per_agency(self) -> None:
        self.example()
        response = self.client.get(self.url("ranking"), {"month": "2026-11"})
        self.assertEqual(
            self.rows(response.content.decode()),
            [["Bappeda", "2", "15", "100%"], ["DPUPKP", "4", "75", "75%"], ["Diskominfo", "1", "–", "0%"]],
        )
        ranking = response.context["ranking"]
        self.assertEqual((ranking.most[0].agency, ranking.least[0].agency), (self.bappeda, self.diskominfo))

    def test_it_defaults_to_the_current_month(self) -> None:
        self.example()
        response = self.client.get(self.url("ranking"))
        self.assertEqual(response.context["ranking"].month, dt.date(2026, 11, 1))
        self.assertEqual(len(response.context["ranking"].rows), 3)

    def test_it_falls_back_to_the_current_month_for_a_bad_month(self) -> None:
        for month in ("2026-13", "2026", "nov", "-1", "2026-11-05", "0-1", ""):
            with self.subTest(month=month):
                response = self.client.get(self.url("ranking"), {"month": month})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["ranking"].month, dt.date(2026, 11, 1))

    def test_it_never_fails_on_an_extreme_month(self) -> None:
        self.client.raise_request_exception = False
        statuses = {m: self.client.get(self.url("ranking"), {"month": m}).status_code for m in ("9999-12", "0001-01")}
        self.assertEqual(statuses, {"9999-12": 200, "0001-01": 200})

    def test_it_reads_the_ranking_in_a_fixed_number_of_queries(self) -> None:
        self.example()
        with self.assertNumQueries(3):
            self.client.get(self.url("ranking"), {"month": "2026-11"})


class CatalogueManageViewTests(ViewTestCase):
    def test_it_lets_the_coordinator_add_and_change_a_service(self) -> None:
        self.client.force_login(self.officer)
        data = {
            "agency": self.public_works.pk,
            "code": "SAMPAH-01",
            "name": "Sampah",
            "response_minutes": "60",
            "resolution_minutes": "2880",
            "is_active": "on",
            "group": "Lingkungan",
        }
        response = self.client.post(self.url("catalogue_manage"), data)
        self.assertRedirects(response, self.url("catalogue_edit", service_code="SAMPAH-01"))
        self.client.post(self.url("catalogue_edit", service_code="SAMPAH-01"), {**data, "name": "Sampah liar"})
        service = Service.objects.get(code="SAMPAH-01")
        self.assertEqual((service.name, service.response_minutes, service.group), ("Sampah liar", 60, "Lingkungan"))

    def test_it_shows_a_taken_code_as_a_form_error(self) -> None:
        self.client.force_login(self.officer)
        data = {
            "agency": self.public_works.pk,
            "code": "PJU-01",
            "name": "Lagi",
            "response_minutes": "60",
            "resolution_minutes": "60",
        }
        response = self.client.post(self.url("catalogue_manage"), data)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertEqual(Service.objects.filter(code="PJU-01").count(), 1)

    def test_it_refuses_everyone_but_the_coordinator(self) -> None:
        for user, status in ((self.operator, 403), (self.planner, 403), (self.citizen, 403), (self.outsider, 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url("catalogue_manage")).status_code, status)
