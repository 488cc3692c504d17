"""The Open311 GeoReport v2 endpoints, field by field against our profile (/work/shared/OPEN311.md), XML and JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar
from unittest import mock
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import Service, ServiceRequest
from kotacerdas.servicerequests.services import (
    ATTRIBUTE_INVALID,
    ATTRIBUTE_REQUIRED,
    LAT_LONG_PAIR,
    LOCATION_REQUIRED,
    REQUEST_NOT_SAVED,
)
from kotacerdas.servicerequests.tests.factories import (
    NOW,
    OPEN311_KEY,
    ServiceRequestTestCase,
    TemporaryMediaMixin,
    tiny_png,
)

F = TypeVar("F", bound=Callable[..., Any])

DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
XML = "text/xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
FORMATS = ("json", "xml")
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
UPDATE_FIELDS = ["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"]


class Open311TestCase(TemporaryMediaMixin, ServiceRequestTestCase):
    base = "/kotaraya/open311/v2/"

    def setUp(self) -> None:
        super().setUp()
        self.client.raise_request_exception = False  # a crash must show as a 500, which every test refuses

    def get(self, path: str, fmt: str = "json", **params: Any) -> HttpResponse:
        query = f"?{urlencode(params, doseq=True)}" if params else ""
        return self.client.get(f"{self.base}{path}.{fmt}{query}")

    def as_json(self, response: HttpResponse, status: int = 200) -> Any:
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Content-Type"], JSON)
        return json.loads(response.content)

    def as_xml(self, response: HttpResponse, status: int = 200) -> ET.Element:
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Content-Type"], XML)
        self.assertEqual(response.content.splitlines()[0], DECLARATION)
        self.assertNotIn(b"xmlns", response.content)
        return ET.fromstring(response.content)

    def assertOpen311Error(self, response: HttpResponse, status: int, fmt: str = "json") -> str:
        """An error list with one error of this status, in the requested format; returns its description."""
        if fmt == "json":
            body = self.as_json(response, status)
            self.assertEqual(len(body), 1)
            self.assertEqual(set(body[0]), {"code", "description"})
            self.assertEqual(body[0]["code"], status)
            return str(body[0]["description"])
        root = self.as_xml(response, status)
        self.assertEqual((root.tag, [e.tag for e in root]), ("errors", ["error"]))
        self.assertEqual(root.findtext("error/code"), str(status))
        return root.findtext("error/description") or ""

    def post(self, data: dict[str, Any], fmt: str = "json", *, key: str | None = OPEN311_KEY) -> HttpResponse:
        """A form-encoded POST of a new request (the api_key in the body unless told)."""
        body = {**({"api_key": key} if key else {}), **data}
        return self.client.post(
            f"{self.base}requests.{fmt}", urlencode(body, doseq=True), content_type="application/x-www-form-urlencoded"
        )

    def listed(self, fmt: str = "json", **params: Any) -> list[str]:
        """The ids GET requests returns, in order."""
        if fmt == "json":
            return [r["service_request_id"] for r in self.as_json(self.get("requests", **params))]
        return [e.findtext("service_request_id") or "" for e in self.as_xml(self.get("requests", "xml", **params))]


class DiscoveryTests(Open311TestCase):
    def test_it_describes_the_endpoint_in_json(self) -> None:
        body = self.as_json(self.get("discovery"))
        self.assertEqual(set(body), {"changeset", "contact", "key_service", "endpoints"})
        self.assertRegex(body["changeset"], OFFSET)
        self.assertEqual(
            body["endpoints"],
            [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": "http://testserver/kotaraya/open311/v2/",
                    "changeset": body["changeset"],
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        )

    def test_it_describes_the_endpoint_in_xml(self) -> None:
        root = self.as_xml(self.get("discovery", "xml"))
        self.assertEqual(root.tag, "discovery")
        self.assertEqual([e.tag for e in root], ["changeset", "contact", "key_service", "endpoints"])
        endpoint = root.find("endpoints/endpoint")
        assert endpoint is not None
        self.assertEqual(endpoint.findtext("specification"), "http://wiki.open311.org/GeoReport_v2")
        self.assertEqual([e.text for e in endpoint.iterfind("formats/format")], ["text/xml", "application/json"])


class ServiceListTests(Open311TestCase):
    def test_it_lists_the_active_services_as_a_bare_array(self) -> None:
        Service.objects.filter(pk=self.road.pk).update(is_active=False)
        body = self.as_json(self.get("services"))
        self.assertEqual(
            body,
            [
                {
                    "service_code": "PJU-01",
                    "service_name": "Lampu penerangan jalan mati",
                    "description": "Laporkan lampu jalan yang mati.",
                    "metadata": False,
                    "type": "realtime",
                    "keywords": "lampu, PJU",
                    "group": "Infrastruktur",
                }
            ],
        )

    def test_it_says_which_services_have_questions(self) -> None:
        body = self.as_json(self.get("services"))
        self.assertEqual([(s["service_code"], s["metadata"]) for s in body], [("JALAN-01", True), ("PJU-01", False)])
        for service in body:
            self.assertEqual(list(service), SERVICE_FIELDS)
            self.assertIsInstance(service["service_code"], str)

    def test_it_lists_the_services_in_xml(self) -> None:
        root = self.as_xml(self.get("services", "xml"))
        self.assertEqual((root.tag, [e.tag for e in root]), ("services", ["service", "service"]))
        road = root[0]
        self.assertEqual([e.tag for e in road], SERVICE_FIELDS)
        self.assertEqual((road.findtext("service_code"), road.findtext("metadata")), ("JALAN-01", "true"))
        self.assertEqual(root[1].findtext("metadata"), "false")

    def test_it_keeps_each_region_to_its_own_catalogue(self) -> None:
        self.assertEqual(self.as_json(self.client.get("/kabupatenlain/open311/v2/services.json")), [])

    def test_it_reads_the_list_in_a_fixed_number_of_queries(self) -> None:
        with self.assertNumQueries(3):
            self.get("services")
        for n in range(8):
            services.service_save(region=self.region, agency=self.bappeda, actor=self.officer, code=f"S-{n}", name="S")
        with self.assertNumQueries(3):
            self.assertEqual(len(self.as_json(self.get("services"))), 10)


class ServiceDefinitionTests(Open311TestCase):
    def test_it_defines_the_questions_in_json(self) -> None:
        body = self.as_json(self.get("services/JALAN-01"))
        self.assertIsInstance(body, dict)
        self.assertEqual(body["service_code"], "JALAN-01")
        attributes = body["attributes"]
        self.assertEqual(
            [(a["code"], a["datatype"], a["required"], a["order"]) for a in attributes],
            [
                ("lubang", "string", True, 1),
                ("jumlah", "number", False, 2),
                ("sejak", "datetime", False, 3),
                ("catatan", "text", False, 4),
                ("jenis", "singlevaluelist", False, 5),
                ("bahaya", "multivaluelist", False, 6),
            ],
        )
        self.assertEqual(
            attributes[4],
            {
                "variable": True,
                "code": "jenis",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "",
                "order": 5,
                "description": "Jenis jalan",
                "values": [{"key": "kampung", "name": "Jalan kampung"}, {"key": "kota", "name": "Jalan kota"}],
            },
        )

    def test_it_defines_the_questions_in_xml(self) -> None:
        root = self.as_xml(self.get("services/JALAN-01", "xml"))
        self.assertEqual((root.tag, [e.tag for e in root]), ("service_definition", ["service_code", "attributes"]))
        attributes = root.findall("attributes/attribute")
        self.assertEqual(len(attributes), 6)
        self.assertEqual(
            [e.tag for e in attributes[0]],
            ["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"],
        )
        self.assertEqual((attributes[0].findtext("variable"), attributes[0].findtext("required")), ("true", "true"))
        keys = [v.findtext("key") for v in attributes[5].iterfind("values/value")]
        self.assertEqual(keys, ["motor", "pejalan"])

    def test_it_defines_a_service_without_questions(self) -> None:
        self.assertEqual(self.as_json(self.get("services/PJU-01")), {"service_code": "PJU-01", "attributes": []})

    def test_it_is_404_for_an_unknown_inactive_or_foreign_service(self) -> None:
        Service.objects.filter(pk=self.road.pk).update(is_active=False)
        for fmt in FORMATS:
            for path in ("services/TIDAK-ADA", "services/JALAN-01"):
                with self.subTest(fmt=fmt, path=path):
                    self.assertOpen311Error(self.get(path, fmt), 404, fmt)
            with self.subTest(fmt=fmt, region="kabupatenlain"):
                response = self.client.get(f"/kabupatenlain/open311/v2/services/PJU-01.{fmt}")
                self.assertOpen311Error(response, 404, fmt)


class RequestListTests(Open311TestCase):
    def test_it_lists_public_requests_with_every_field_typed(self) -> None:
        request = self.submit(lat=Decimal("-7.801234"), long=Decimal("110.364567"), address="Jl. Bugisan No. 5")
        [item] = self.as_json(self.get("requests"))
        self.assertEqual(list(item), REQUEST_FIELDS)
        self.assertEqual(
            item,
            {
                "service_request_id": str(request.pk),
                "status": "open",
                "status_notes": None,
                "service_name": "Lampu penerangan jalan mati",
                "service_code": "PJU-01",
                "description": "Lampu jalan di depan Balai RW 01 mati sejak kemarin malam.",
                "agency_responsible": self.public_works.name,
                "service_notice": None,
                "requested_datetime": "2026-11-10T09:00:00+07:00",
                "updated_datetime": "2026-11-10T09:00:00+07:00",
                "expected_datetime": "2026-11-11T09:00:00+07:00",
                "address": "Jl. Bugisan No. 5",
                "address_id": None,
                "zipcode": None,
                "lat": -7.801234,
                "long": 110.364567,
                "media_url": None,
            },
        )

    def test_it_lists_the_requests_in_xml(self) -> None:
        request = self.submit(lat=Decimal("-7.801234"), long=Decimal("110.364567"))
        root = self.as_xml(self.get("requests", "xml"))
        self.assertEqual((root.tag, [e.tag for e in root]), ("service_requests", ["request"]))
        item = root[0]
        self.assertEqual([e.tag for e in item], REQUEST_FIELDS)
        self.assertEqual(item.findtext("service_request_id"), str(request.pk))
        self.assertEqual((item.findtext("lat"), item.findtext("long")), ("-7.801234", "110.364567"))
        self.assertEqual(item.findtext("requested_datetime"), "2026-11-10T09:00:00+07:00")
        self.assertEqual(item.find("zipcode").text, None)  # type: ignore[union-attr]

    def test_it_tells_open_from_closed_and_follows_the_handling(self) -> None:
        request = self.submit()
        with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
            self.advance(request, "verify", "investigate")
            services.request_reroute(request=request, agency=self.bappeda, reason="Internal.", actor=self.officer)
        with time_machine.travel(NOW + dt.timedelta(hours=5), tick=False):
            services.request_transition(request=request, action="fix", actor=self.planner, note="Sudah menyala.")
        [item] = self.as_json(self.get("requests"))
        self.assertEqual(item["status"], "closed")
        self.assertEqual(item["status_notes"], "Sudah menyala.")
        self.assertEqual(item["agency_responsible"], self.bappeda.name)
        self.assertEqual(item["updated_datetime"], "2026-11-10T14:00:00+07:00")

    def test_it_gives_the_last_public_note_as_status_notes(self) -> None:
        request = self.advance(self.submit(), "verify")
        services.request_transition(request=request, action="investigate", actor=self.operator, note="Ditinjau.")
        services.request_transition(request=request, action="start", actor=self.operator, note="")
        services.request_reroute(request=request, agency=self.bappeda, reason="Catatan dalam.", actor=self.officer)
        [item] = self.as_json(self.get("requests"))
        self.assertEqual(item["status_notes"], "Ditinjau.")

    def test_it_gives_an_absolute_media_url_for_a_photo(self) -> None:
        request = self.submit(photo=tiny_png())
        linked = self.submit(media_url="https://example.id/foto.jpg")
        by_id = {r["service_request_id"]: r["media_url"] for r in self.as_json(self.get("requests"))}
        self.assertEqual(by_id[str(request.pk)], f"http://testserver/media/{request.photo.name}")
        self.assertEqual(by_id[str(linked.pk)], "https://example.id/foto.jpg")

    def test_it_never_lists_a_secret_request(self) -> None:
        public = self.submit()
        secret = self.submit(is_secret=True)
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                self.assertEqual(self.listed(fmt), [str(public.pk)])
                self.assertEqual(self.listed(fmt, service_request_id=f"{secret.pk},{public.pk}"), [str(public.pk)])

    def test_it_hides_the_reporter(self) -> None:
        self.submit(reporter_name="Siti Rahayu", reporter_email="siti@example.id")
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                content = self.get("requests", fmt).content
                self.assertNotIn(b"siti@example.id", content)
                self.assertNotIn(self.citizen.email.encode(), content)

    def test_it_lists_newest_first_in_pages(self) -> None:
        ids = []
        for minutes in range(5):
            with time_machine.travel(NOW - dt.timedelta(minutes=minutes), tick=False):
                ids.append(str(self.submit().pk))
        self.assertEqual(self.listed(), ids)
        self.assertEqual(self.listed(page_size=2), ids[:2])
        self.assertEqual(self.listed(page=2, page_size=2), ids[2:4])
        self.assertEqual(self.listed(page=3, page_size=2), ids[4:])
        self.assertEqual(self.listed(page=4, page_size=2), [])
        self.assertEqual(self.listed(page_size=1000), ids)

    def test_it_reads_the_list_in_a_fixed_number_of_queries(self) -> None:
        with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False):  # each change moves the stamp
            for _ in range(3):
                self.advance(self.submit(), "verify", "investigate")
        # The region, the region's latest change (the shared copy's stamp), the requests, their public history.
        with self.assertNumQueries(4):
            self.assertEqual(len(self.as_json(self.get("requests", extensions="true"))), 3)
        for _ in range(27):
            self.advance(self.submit(), "verify", "investigate")
        for fmt in FORMATS:
            with self.subTest(fmt=fmt), self.assertNumQueries(4):
                self.get("requests", fmt, extensions="true")
        with self.assertNumQueries(4):
            self.assertEqual(len(self.as_json(self.get("requests"))), 30)
        with self.assertNumQueries(2):  # nothing changed since: the region and the stamp, then the shared copy
            self.assertEqual(len(self.as_json(self.get("requests"))), 30)

    def test_it_gives_a_client_without_paging_the_whole_window(self) -> None:
        for _ in range(51):
            self.submit()
        self.assertEqual(len(self.listed()), 51)


class RequestFilterTests(Open311TestCase):
    def test_it_takes_a_comma_list_of_ids_overriding_every_other_filter(self) -> None:
        with time_machine.travel(NOW - dt.timedelta(days=200), tick=False):
            old = self.submit()
        road = self.submit(service=self.road, attributes={"lubang": "besar"})
        self.submit()
        ids = f"{old.pk}, {road.pk},999999"
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                listed = self.listed(fmt, service_request_id=ids, service_code="PJU-01", status="closed")
                self.assertEqual(listed, [str(road.pk), str(old.pk)])

    def test_it_refuses_an_id_list_with_anything_but_numbers(self) -> None:
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                self.assertOpen311Error(self.get("requests", fmt, service_request_id="1,dua"), 400, fmt)

    def test_it_filters_by_a_comma_list_of_service_codes(self) -> None:
        lamp = self.submit()
        road = self.submit(service=self.road, attributes={"lubang": "besar"})
        self.assertEqual(self.listed(service_code="PJU-01"), [str(lamp.pk)])
        self.assertEqual(set(self.listed(service_code="PJU-01,JALAN-01")), {str(lamp.pk), str(road.pk)})
        self.assertEqual(self.listed(service_code="TIDAK-ADA"), [])

    def test_it_filters_by_status_open_closed_or_both(self) -> None:
        new = self.submit()
        working = self.advance(self.submit(), "verify", "investigate")
        fixed = self.advance(self.submit(), "verify", "fix")
        archived = self.advance(self.submit(), "archive", note="Ganda.")
        self.assertEqual(set(self.listed(status="open")), {str(new.pk), str(working.pk)})
        self.assertEqual(set(self.listed(status="closed")), {str(fixed.pk), str(archived.pk)})
        self.assertEqual(len(self.listed(status="open,closed")), 4)
        self.assertEqual(len(self.listed()), 4)

    def test_it_refuses_an_unknown_status(self) -> None:
        for fmt in FORMATS:
            for status in ("OPEN", "fixed", "open,pending"):
                with self.subTest(fmt=fmt, status=status):
                    self.assertOpen311Error(self.get("requests", fmt, status=status), 400, fmt)

    def test_it_defaults_to_the_last_90_days(self) -> None:
        with time_machine.travel(NOW - dt.timedelta(days=89), tick=False):
            recent = self.submit()
        with time_machine.travel(NOW - dt.timedelta(days=91), tick=False):
            self.submit()
        self.assertEqual(self.listed(), [str(recent.pk)])

    def test_it_filters_on_the_requested_time_between_start_and_end(self) -> None:
        with time_machine.travel(dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC), tick=False):
            october = self.submit()
        with time_machine.travel(NOW - dt.timedelta(days=150), tick=False):
            june = self.submit()
        self.submit()
        window = {"start_date": "2026-09-15T00:00:00+07:00", "end_date": "2026-10-15T00:00:00+07:00"}
        self.assertEqual(self.listed(**window), [str(october.pk)])
        self.assertEqual(
            self.listed(start_date="2026-06-01T00:00:00Z", end_date="2026-08-01T00:00:00Z"), [str(june.pk)]
        )
        self.assertEqual(self.listed(end_date="2026-10-15T00:00:00+07:00"), [str(october.pk)])  # 90 days before it
        self.assertEqual(len(self.listed(start_date="2026-09-15T00:00:00+07:00")), 2)  # up to now

    def test_it_reads_a_plus_sign_sent_unencoded(self) -> None:
        self.submit()
        response = self.client.get(f"{self.base}requests.json?start_date=2026-11-01T00:00:00+07:00")
        self.assertEqual(len(self.as_json(response)), 1)

    def test_it_refuses_a_window_wider_than_90_days_or_backwards(self) -> None:
        cases = [
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            {"start_date": "2026-01-01T00:00:00Z"},
            {"start_date": "2026-10-15T00:00:00Z", "end_date": "2026-10-01T00:00:00Z"},
        ]
        for fmt in FORMATS:
            for params in cases:
                with self.subTest(fmt=fmt, params=params):
                    self.assertOpen311Error(self.get("requests", fmt, **params), 400, fmt)

    def test_it_refuses_a_bad_date(self) -> None:
        for fmt in FORMATS:
            for value in ("kemarin", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "1700000000"):
                with self.subTest(fmt=fmt, value=value):
                    self.assertOpen311Error(self.get("requests", fmt, start_date=value), 400, fmt)

    def test_it_takes_list_parameters_declared_several_times(self) -> None:
        lamp = self.submit()
        road = self.submit(service=self.road, attributes={"lubang": "besar"})
        fixed = self.advance(self.submit(), "verify", "fix")
        both = {str(lamp.pk), str(road.pk)}
        self.assertEqual(set(self.listed(service_code=["PJU-01", "JALAN-01"], status="open")), both)
        self.assertEqual(len(self.listed(status=["open", "closed"])), 3)
        self.assertEqual(self.listed(status=["closed"]), [str(fixed.pk)])
        self.assertEqual(
            set(self.listed(service_request_id=[str(lamp.pk), f"{road.pk},{fixed.pk}"])), {*both, str(fixed.pk)}
        )
        self.assertOpen311Error(self.get("requests", status=["open", "semua"]), 400)

    def test_it_treats_an_empty_parameter_as_absent(self) -> None:
        request = self.submit()
        empty = {name: "" for name in ("service_request_id", "service_code", "status", "start_date", "end_date")}
        self.assertEqual(self.listed(**empty, page="", page_size=""), [str(request.pk)])

    def test_it_reads_a_datetime_without_an_offset_in_the_regions_time_zone(self) -> None:
        request = self.submit()  # 09:00 in Jakarta, 02:00 UTC
        self.assertEqual(self.listed(start_date="2026-11-10T08:30:00"), [str(request.pk)])
        self.assertEqual(self.listed(start_date="2026-11-10T09:30:00", end_date="2026-11-10T12:00:00"), [])
        self.assertEqual(self.listed(end_date="2026-11-10T08:30:00"), [])

    def test_it_takes_extensions_true_in_any_case(self) -> None:
        self.submit()
        for value in ("true", "TRUE", "True"):
            with self.subTest(value=value):
                [item] = self.as_json(self.get("requests", extensions=value))
                self.assertEqual((item["detailed_status"], len(item["notes"])), ("OPEN", 1))
        [plain] = self.as_json(self.get("requests", extensions="1"))
        self.assertNotIn("notes", plain)

    def test_it_refuses_bad_paging(self) -> None:
        for params in ({"page": "0"}, {"page_size": "0"}, {"page_size": "1001"}, {"page": "x"}, {"page": "-1"}):
            with self.subTest(params=params):
                self.assertOpen311Error(self.get("requests", **params), 400)


class RequestDetailTests(Open311TestCase):
    def test_it_gives_an_array_of_exactly_one_request(self) -> None:
        request = self.submit()
        self.submit()
        body = self.as_json(self.get(f"requests/{request.pk}"))
        self.assertIsInstance(body, list)
        self.assertEqual(len(body), 1)
        self.assertEqual(list(body[0]), REQUEST_FIELDS)
        self.assertEqual(body[0]["service_request_id"], str(request.pk))

    def test_it_gives_one_request_in_xml(self) -> None:
        request = self.submit()
        root = self.as_xml(self.get(f"requests/{request.pk}", "xml"))
        self.assertEqual((root.tag, [e.tag for e in root]), ("service_requests", ["request"]))
        self.assertEqual(root.findtext("request/service_request_id"), str(request.pk))

    def test_it_gives_an_old_request_outside_the_default_window(self) -> None:
        with time_machine.travel(NOW - dt.timedelta(days=400), tick=False):
            old = self.submit()
        self.assertEqual(len(self.as_json(self.get(f"requests/{old.pk}"))), 1)

    def test_it_is_404_for_an_unknown_secret_or_foreign_request(self) -> None:
        secret = self.submit(is_secret=True)
        public = self.submit()
        for fmt in FORMATS:
            for path in (f"requests/{secret.pk}", "requests/999999", f"requests/{'9' * 18}"):
                with self.subTest(fmt=fmt, path=path):
                    self.assertOpen311Error(self.get(path, fmt), 404, fmt)
            with self.subTest(fmt=fmt, region="kabupatenlain"):
                response = self.client.get(f"/kabupatenlain/open311/v2/requests/{public.pk}.{fmt}")
                self.assertOpen311Error(response, 404, fmt)

    def test_it_adds_the_public_history_with_extensions(self) -> None:
        request = self.submit()
        with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
            self.advance(request, "verify", note="")
            services.request_reroute(request=request, agency=self.bappeda, reason="Catatan dalam.", actor=self.officer)
        with time_machine.travel(NOW + dt.timedelta(minutes=40), tick=False):
            services.request_transition(request=request, action="start", actor=self.planner, note="Dikerjakan.")
        [item] = self.as_json(self.get(f"requests/{request.pk}", extensions="true"))
        self.assertEqual(item["detailed_status"], "IN_PROGRESS")
        self.assertEqual(
            item["notes"],
            [
                {"datetime": "2026-11-10T09:00:00+07:00", "description": "", "type": "OPEN"},
                {"datetime": "2026-11-10T09:10:00+07:00", "description": "", "type": "OPEN"},
                {"datetime": "2026-11-10T09:40:00+07:00", "description": "Dikerjakan.", "type": "IN_PROGRESS"},
            ],
        )
        root = self.as_xml(self.get(f"requests/{request.pk}", "xml", extensions="true"))
        notes = root.findall("request/notes/note")
        self.assertEqual([n.findtext("type") for n in notes], ["OPEN", "OPEN", "IN_PROGRESS"])
        self.assertNotIn(b"Catatan dalam.", self.get(f"requests/{request.pk}", "xml", extensions="true").content)

    def test_it_adds_no_extension_fields_unless_asked(self) -> None:
        request = self.submit()
        [item] = self.as_json(self.get(f"requests/{request.pk}", extensions="false"))
        self.assertEqual(list(item), REQUEST_FIELDS)

    def test_it_gives_the_same_status_notes_with_or_without_extensions(self) -> None:
        new = self.submit()
        working = self.advance(self.submit(), "verify")
        services.request_transition(request=working, action="investigate", actor=self.operator, note="Ditinjau.")
        services.request_transition(request=working, action="start", actor=self.operator, note="")
        for request in (new, working):
            plain = self.as_json(self.get(f"requests/{request.pk}"))[0]["status_notes"]
            extended = self.as_json(self.get(f"requests/{request.pk}", extensions="true"))[0]["status_notes"]
            self.assertEqual(extended, plain)


class TokenTests(Open311TestCase):
    def test_it_gives_the_request_id_for_a_token(self) -> None:
        request = self.submit()
        self.assertEqual(
            self.as_json(self.get(f"tokens/{request.token}")),
            [{"service_request_id": str(request.pk), "token": request.token}],
        )
        root = self.as_xml(self.get(f"tokens/{request.token}", "xml"))
        self.assertEqual((root.tag, [e.tag for e in root]), ("service_requests", ["request"]))
        self.assertEqual([e.tag for e in root[0]], ["service_request_id", "token"])
        self.assertEqual(root.findtext("request/service_request_id"), str(request.pk))

    def test_it_is_404_for_an_unknown_or_foreign_token(self) -> None:
        request = self.submit()
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                self.assertOpen311Error(self.get("tokens/tidak-ada", fmt), 404, fmt)
                response = self.client.get(f"/kabupatenlain/open311/v2/tokens/{request.token}.{fmt}")
                self.assertOpen311Error(response, 404, fmt)

    def test_it_hands_out_a_token_for_a_batch_service_and_resolves_it(self) -> None:
        self.open311_client()
        Service.objects.filter(pk=self.lamp.pk).update(type="batch")
        data = {"service_code": "PJU-01", "address_string": "x", "description": "x", "account_id": "akun-7"}
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                response = self.post(data, fmt)
                request = ServiceRequest.objects.latest("id")
                if fmt == "json":
                    reply = [{"token": request.token, "service_notice": None, "account_id": "akun-7"}]
                    self.assertEqual(self.as_json(response), reply)
                else:
                    item = self.as_xml(response)[0]
                    self.assertEqual([e.tag for e in item], ["token", "service_notice", "account_id"])
                    self.assertEqual(item.findtext("token"), request.token)
                resolved = self.as_json(self.get(f"tokens/{request.token}"))
                self.assertEqual(resolved, [{"service_request_id": str(request.pk), "token": request.token}])
        self.assertEqual(self.as_json(self.get("services"))[1]["type"], "batch")

    def test_it_gives_the_id_for_a_realtime_service_and_neither_for_a_blackbox_one(self) -> None:
        self.open311_client()
        data = {"service_code": "PJU-01", "address_string": "x", "description": "x"}
        [realtime] = self.as_json(self.post(data))
        self.assertEqual(list(realtime), ["service_request_id", "service_notice", "account_id"])
        Service.objects.filter(pk=self.lamp.pk).update(type="blackbox")
        self.assertEqual(self.as_json(self.post(data)), [{"service_notice": None, "account_id": None}])
        self.assertEqual(ServiceRequest.objects.count(), 2)

    def test_it_is_404_for_the_token_of_a_secret_request(self) -> None:
        secret = self.submit(is_secret=True)
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                self.assertOpen311Error(self.get(f"tokens/{secret.token}", fmt), 404, fmt)


class RequestUpdatesTests(Open311TestCase):
    def test_it_lists_the_public_updates_of_public_requests(self) -> None:
        request = self.submit()
        with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
            self.advance(request, "verify", note="")
            services.request_reroute(request=request, agency=self.bappeda, reason="Catatan dalam.", actor=self.officer)
            services.request_transition(request=request, action="fix", actor=self.planner, note="Sudah menyala.")
            self.advance(self.submit(is_secret=True), "verify")
        with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
            body = self.as_json(self.get("servicerequestupdates"))
        self.assertEqual([list(u) for u in body], [UPDATE_FIELDS] * 3)
        self.assertEqual(
            [(u["service_request_id"], u["status"], u["description"], u["updated_datetime"]) for u in body],
            [
                (str(request.pk), "OPEN", "", "2026-11-10T09:00:00+07:00"),
                (str(request.pk), "OPEN", "", "2026-11-10T09:10:00+07:00"),
                (str(request.pk), "FIXED", "Sudah menyala.", "2026-11-10T09:10:00+07:00"),
            ],
        )
        self.assertTrue(all(isinstance(u["update_id"], str) and u["media_url"] is None for u in body))

    def test_it_lists_the_updates_in_xml(self) -> None:
        self.advance(self.submit(), "verify")
        root = self.as_xml(self.get("servicerequestupdates", "xml"))
        self.assertEqual((root.tag, [e.tag for e in root]), ("service_request_updates", ["request_update"] * 2))
        self.assertEqual([e.tag for e in root[0]], UPDATE_FIELDS)

    def test_it_lists_updates_between_start_and_end(self) -> None:
        request = self.submit()
        with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
            self.advance(request, "verify")
            body = self.as_json(self.get("servicerequestupdates", start_date="2026-11-10T12:00:00+07:00"))
        self.assertEqual([u["status"] for u in body], ["OPEN"])
        self.assertEqual(len(body), 1)

    def test_it_refuses_a_bad_window(self) -> None:
        for fmt in FORMATS:
            for params in ({"start_date": "kemarin"}, {"start_date": "2026-01-01T00:00:00Z"}):
                with self.subTest(fmt=fmt, params=params):
                    self.assertOpen311Error(self.get("servicerequestupdates", fmt, **params), 400, fmt)


class JurisdictionTests(Open311TestCase):
    def test_it_accepts_the_regions_domain_or_slug_or_nothing(self) -> None:
        for jurisdiction in ("kotaraya.go.id", "kotaraya", None):
            with self.subTest(jurisdiction=jurisdiction):
                params = {"jurisdiction_id": jurisdiction} if jurisdiction else {}
                self.as_json(self.get("services", **params))
                self.as_json(self.get("requests", **params))

    def test_it_is_404_for_another_jurisdiction_on_every_method(self) -> None:
        self.open311_client()
        request = self.submit()
        paths = (
            "discovery",
            "services",
            "services/PJU-01",
            "requests",
            f"requests/{request.pk}",
            f"tokens/{request.token}",
            "servicerequestupdates",
        )
        for fmt in FORMATS:
            for path in paths:
                with self.subTest(fmt=fmt, path=path):
                    self.assertOpen311Error(self.get(path, fmt, jurisdiction_id="kabupatenlain.go.id"), 404, fmt)
            with self.subTest(fmt=fmt, path="POST requests"):
                response = self.post(
                    {
                        "service_code": "PJU-01",
                        "address_string": "x",
                        "description": "x",
                        "jurisdiction_id": "tidak-ada.go.id",
                    },
                    fmt,
                )
                self.assertOpen311Error(response, 404, fmt)
        self.assertEqual(ServiceRequest.objects.count(), 1)

    def test_it_is_404_for_an_unknown_or_inactive_region(self) -> None:
        type(self.other_region).objects.filter(pk=self.other_region.pk).update(is_active=False)
        for slug in ("tidak-ada", "kabupatenlain"):
            for fmt in FORMATS:
                with self.subTest(slug=slug, fmt=fmt):
                    self.assertOpen311Error(self.client.get(f"/{slug}/open311/v2/services.{fmt}"), 404, fmt)


class RequestCreateTests(Open311TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.open311_client()

    def test_the_audit_entry_names_the_client_that_sent_the_request(self) -> None:
        response = self.post({"service_code": "PJU-01", "description": "Lampu mati.", "lat": "-7.8", "long": "110.36"})
        self.assertEqual(response.status_code, 200)
        request = ServiceRequest.objects.get()
        entry = AuditEntry.objects.get(action=AuditAction.REQUEST_SUBMITTED, target_id=str(request.pk))
        self.assertEqual((entry.actor, entry.actor_label), (None, "Open311: Aplikasi warga"))

    def test_it_creates_a_request_from_a_form_encoded_post(self) -> None:
        data = {
            "service_code": "PJU-01",
            "lat": "-7.8012346",
            "long": "110.3645671",
            "address_string": "Jl. Bugisan No. 5",
            "description": "Lampu mati.",
            "email": "budi@example.id",
            "first_name": "Budi",
            "last_name": "Santoso",
            "phone": "081234567890",
            "device_id": "hp-budi",
            "account_id": "akun-77",
        }
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                response = self.post(data, fmt)
                request = ServiceRequest.objects.latest("id")
                if fmt == "json":
                    self.assertEqual(
                        self.as_json(response),
                        [{"service_request_id": str(request.pk), "service_notice": None, "account_id": "akun-77"}],
                    )
                else:
                    root = self.as_xml(response)
                    self.assertEqual((root.tag, [e.tag for e in root]), ("service_requests", ["request"]))
                    self.assertEqual(root.findtext("request/service_request_id"), str(request.pk))
                self.assertIsNone(request.citizen)
                self.assertEqual(
                    (request.service, request.agency, request.status), (self.lamp, self.public_works, "submitted")
                )
                self.assertEqual((request.lat, request.long), (Decimal("-7.801235"), Decimal("110.364567")))
                self.assertEqual((request.reporter_name, request.reporter_email), ("Budi Santoso", "budi@example.id"))
                self.assertEqual((request.device_id, request.account_id), ("hp-budi", "akun-77"))
                self.assertEqual(request.address, "Jl. Bugisan No. 5")

    def test_it_takes_the_api_key_from_the_query_string(self) -> None:
        response = self.client.post(
            f"{self.base}requests.json?api_key={OPEN311_KEY}",
            {"service_code": "PJU-01", "address_string": "x", "description": "Lampu mati."},
        )
        self.assertEqual(len(self.as_json(response)), 1)

    def test_it_takes_a_photo_as_multipart_media(self) -> None:
        response = self.client.post(
            f"{self.base}requests.json",
            {
                "api_key": OPEN311_KEY,
                "service_code": "PJU-01",
                "address_string": "x",
                "description": "Lampu mati.",
                "media": tiny_png("pju.png"),
            },
        )
        [reply] = self.as_json(response)
        request = ServiceRequest.objects.get(pk=reply["service_request_id"])
        self.assertTrue(request.photo.name.startswith(f"requests/{self.region.pk}/pju"))
        [listed] = self.as_json(self.get(f"requests/{request.pk}"))
        self.assertEqual(listed["media_url"], f"http://testserver/media/{request.photo.name}")

    def test_it_takes_a_kelurahan_or_rt_as_address_id_and_routes_by_it(self) -> None:
        services.route_set(service=self.lamp, area=self.kelurahan, agency=self.bappeda, actor=self.officer)
        self.as_json(self.post({"service_code": "PJU-01", "address_id": f"area:{self.rt.pk}", "description": "x"}))
        request = ServiceRequest.objects.get()
        self.assertEqual(
            (request.area, request.agency, request.address_id), (self.rt, self.bappeda, f"area:{self.rt.pk}")
        )

    def test_it_takes_answers_as_attribute_code_and_attribute_code_list(self) -> None:
        data = {
            "service_code": "JALAN-01",
            "address_string": "Jl. Bugisan",
            "description": "Lubang.",
            "attribute[lubang]": "Selebar ban",
            "attribute[jumlah]": "2",
            "attribute[jenis]": "kota",
            "attribute[bahaya][]": ["motor", "pejalan"],
            "attribute[tidak-ditanya]": "x",
        }
        self.as_json(self.post(data))
        self.assertEqual(
            ServiceRequest.objects.get().attributes,
            {"lubang": "Selebar ban", "jumlah": "2", "jenis": "kota", "bahaya": ["motor", "pejalan"]},
        )

    def test_it_takes_a_single_answer_for_a_multiple_choice_question(self) -> None:
        data = {
            "service_code": "JALAN-01",
            "address_string": "x",
            "description": "x",
            "attribute[lubang]": "besar",
            "attribute[bahaya]": "motor",
        }
        self.as_json(self.post(data))
        self.assertEqual(ServiceRequest.objects.get().attributes["bahaya"], ["motor"])

    def test_it_refuses_a_missing_or_wrong_api_key(self) -> None:
        self.open311_client("kunci-kabupatenlain-01", region=self.other_region)
        self.open311_client("kunci-dicabut-000001", active=False)
        data = {"service_code": "PJU-01", "address_string": "x", "description": "x"}
        for fmt in FORMATS:
            for key in (None, "", "salah", "kunci-kabupatenlain-01", "kunci-dicabut-000001"):
                with self.subTest(fmt=fmt, key=key):
                    self.assertOpen311Error(self.post(data, fmt, key=key), 403, fmt)
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_needs_no_api_key_to_read(self) -> None:
        for path in ("discovery", "services", "services/PJU-01", "requests", "servicerequestupdates"):
            with self.subTest(path=path):
                self.as_json(self.get(path))

    def test_it_refuses_a_missing_or_unknown_service_code(self) -> None:
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                self.assertOpen311Error(self.post({"address_string": "x", "description": "x"}, fmt), 400, fmt)
                self.assertOpen311Error(self.post({"service_code": " ", "address_string": "x"}, fmt), 400, fmt)
                self.assertOpen311Error(self.post({"service_code": "X-9", "address_string": "x"}, fmt), 404, fmt)
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_refuses_a_bad_location(self) -> None:
        cases = {
            "lat not a number": ({"lat": "selatan", "long": "110"}, None),
            "lat NaN": ({"lat": "NaN", "long": "110"}, None),
            "lat 91": ({"lat": "91", "long": "110"}, None),
            "long -181": ({"lat": "-7", "long": "-181"}, None),
            "lat infinite": ({"lat": "-Infinity", "long": "110"}, None),
            "lat only": ({"lat": "-7.8"}, gettext(LAT_LONG_PAIR)),
            "no location": ({}, gettext(LOCATION_REQUIRED)),
        }
        for fmt in FORMATS:
            for label, (location, message) in cases.items():
                with self.subTest(fmt=fmt, case=label):
                    description = self.assertOpen311Error(
                        self.post({"service_code": "PJU-01", "description": "x", **location}, fmt), 400, fmt
                    )
                    if message:
                        self.assertEqual(description, message)
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_refuses_a_missing_or_invalid_answer(self) -> None:
        base = {"service_code": "JALAN-01", "address_string": "x", "description": "x"}
        required = self.road.attributes.get(code="lubang").description
        self.assertEqual(
            self.assertOpen311Error(self.post(base), 400), gettext(ATTRIBUTE_REQUIRED) % {"question": required}
        )
        question = self.road.attributes.get(code="bahaya").description
        response = self.post({**base, "attribute[lubang]": "besar", "attribute[bahaya][]": ["motor", "pesawat"]})
        self.assertEqual(self.assertOpen311Error(response, 400), gettext(ATTRIBUTE_INVALID) % {"question": question})
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_refuses_html_a_long_description_or_a_bad_media_url(self) -> None:
        base = {"service_code": "PJU-01", "address_string": "x"}
        for data in (
            {"description": "<b>x</b>"},
            {"description": "a" * 4001},
            {"description": "x", "media_url": "javascript:alert(1)"},
            {"description": "x", "media_url": "ftp://example.id/a.jpg"},
            {"description": "x", "email": "bukan-email"},
        ):
            with self.subTest(data=str(data)[:40]):
                self.assertOpen311Error(self.post({**base, **data}), 400)
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_refuses_other_methods_with_an_open311_error(self) -> None:
        for fmt in FORMATS:
            for method in ("put", "delete", "patch"):
                with self.subTest(fmt=fmt, method=method):
                    response = getattr(self.client, method)(f"{self.base}requests.{fmt}")
                    self.assertOpen311Error(response, 405, fmt)
                    self.assertEqual(response["Allow"], "GET, HEAD, POST")
            for path in ("discovery", "services", "services/PJU-01", "requests/1", "tokens/abc"):
                with self.subTest(fmt=fmt, path=path):
                    response = self.client.post(f"{self.base}{path}.{fmt}", {"api_key": OPEN311_KEY})
                    self.assertOpen311Error(response, 405, fmt)
                    self.assertEqual(response["Allow"], "GET, HEAD")
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_accepts_a_request_without_a_description(self) -> None:
        self.as_json(self.post({"service_code": "PJU-01", "lat": "-7.8", "long": "110.36"}))

    def test_it_refuses_media_that_is_not_an_image(self) -> None:
        page = SimpleUploadedFile("foto.html", b"<script>alert(1)</script>", content_type="text/html")
        response = self.client.post(
            f"{self.base}requests.json",
            {
                "api_key": OPEN311_KEY,
                "service_code": "PJU-01",
                "address_string": "x",
                "description": "x",
                "media": page,
            },
        )
        self.assertOpen311Error(response, 400)
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_files_a_request_in_a_fixed_number_of_queries(self) -> None:
        base = {"description": "x", "address_string": "x"}
        answers = {"attribute[lubang]": "besar"}
        cases = {
            # the region (cached in production), the service with the key checked and whether it has questions;
            # savepoint (BEGIN in production), the request, its first history entry, its audit entry, release
            "no questions, no area": ({"service_code": "PJU-01", **base}, 7),
            # + the service's questions
            "questions": ({"service_code": "JALAN-01", **base, **answers}, 8),
            # + the RT with the units above it, the routing rules up that chain
            "an RT as address_id": ({"service_code": "PJU-01", "address_id": f"area:{self.rt.pk}"}, 9),
        }
        for label, (data, count) in cases.items():
            with self.subTest(case=label), self.assertNumQueries(count):
                self.as_json(self.post(data))
        self.assertEqual(ServiceRequest.objects.count(), 3)

    def test_it_holds_only_the_writes_in_the_transaction(self) -> None:
        services.route_set(service=self.lamp, area=self.kelurahan, agency=self.bappeda, actor=self.officer)
        data = {"service_code": "PJU-01", "address_id": f"area:{self.rt.pk}", "description": "x"}
        with CaptureQueriesContext(connection) as queries:
            self.as_json(self.post(data))
        statements = [q["sql"].split()[0] for q in queries.captured_queries]
        in_transaction = statements.index("SAVEPOINT")
        self.assertEqual(statements[:in_transaction], ["SELECT"] * 4)  # region, service and key, area, routing rules
        self.assertEqual(statements[in_transaction:], ["SAVEPOINT", "INSERT", "INSERT", "INSERT", "RELEASE"])
        self.assertEqual(ServiceRequest.objects.get().agency, self.bappeda)

    def test_it_refuses_a_wrong_key_before_looking_at_the_service_code(self) -> None:
        for fmt in FORMATS:
            for code in ("PJU-01", "X-9", " ", None):
                data = {"address_string": "x", "description": "x", **({"service_code": code} if code else {})}
                with self.subTest(fmt=fmt, code=code):
                    description = self.assertOpen311Error(self.post(data, fmt, key="salah"), 403, fmt)
                    self.assertEqual(description, "Invalid api_key.")
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_answers_an_insert_the_database_refuses_with_a_400(self) -> None:
        self.as_json(self.post({"service_code": "PJU-01", "address_string": "x"}))
        taken = ServiceRequest.objects.get().token
        with mock.patch.object(services.secrets, "token_urlsafe", return_value=taken):
            for fmt in FORMATS:
                with self.subTest(fmt=fmt):
                    response = self.post({"service_code": "PJU-01", "address_string": "x"}, fmt)
                    self.assertEqual(self.assertOpen311Error(response, 400, fmt), gettext(REQUEST_NOT_SAVED))
        self.assertEqual(ServiceRequest.objects.count(), 1)


class NeverFailsTests(Open311TestCase):
    """Odd input is a 4xx in Open311 terms, never a 500."""

    def setUp(self) -> None:
        super().setUp()
        self.open311_client()
        self.request = self.submit()

    def test_it_answers_odd_queries_with_a_client_error(self) -> None:
        queries = [
            ("requests", {"status": "open,"}),
            ("requests", {"service_request_id": ",,,"}),
            ("requests", {"service_request_id": "1" * 40}),
            ("requests", {"start_date": "2026-01-01T00:00:00+99:00"}),
            ("requests", {"start_date": "9999-12-31T23:59:59Z"}),
            ("requests", {"page": "9" * 30}),
            ("requests", {"page_size": "-5"}),
            ("requests", {"service_code": "x" * 5000}),
            ("requests", {"extensions": "ya"}),
            ("services", {"jurisdiction_id": "x" * 5000}),
            ("servicerequestupdates", {"end_date": "2026-11-10"}),
        ]
        for fmt in FORMATS:
            for path, params in queries:
                with self.subTest(fmt=fmt, path=path, params=str(params)[:60]):
                    response = self.get(path, fmt, **params)
                    self.assertLess(response.status_code, 500)
                    self.assertEqual(response["Content-Type"], XML if fmt == "xml" else JSON)

    def test_it_answers_odd_posts_with_a_client_error(self) -> None:
        posts: list[dict[str, Any]] = [
            {"service_code": "PJU-01", "lat": "", "long": "", "address_string": "x", "description": "x"},
            {"service_code": "PJU-01", "address_id": "area:99999999999999999999", "description": "x"},
            {"service_code": "PJU-01", "address_id": f"area:{self.rt.pk}x", "description": "x"},
            {"service_code": "PJU-01", "address_string": "x" * 5000, "description": "x"},
            {"service_code": "PJU-01", "address_string": "x", "description": "x", "device_id": "d" * 5000},
            {"service_code": "PJU-01", "address_string": "x", "description": "x", "media_url": "http://" + "a" * 300},
            {"service_code": "JALAN-01", "address_string": "x", "description": "x", "attribute[lubang][]": ["a", "b"]},
            {"service_code": "JALAN-01", "address_string": "x", "description": "x", "attribute[]": "x"},
            {"service_code": "PJU-01", "address_string": "x", "description": "x", "jurisdiction_id": ""},
        ]
        for fmt in FORMATS:
            for data in posts:
                with self.subTest(fmt=fmt, data=str(data)[:80]):
                    response = self.post(data, fmt)
                    self.assertLess(response.status_code, 500)
                    self.assertEqual(response["Content-Type"], XML if fmt == "xml" else JSON)

    def test_it_answers_an_unknown_path_or_format_with_an_open311_404(self) -> None:
        paths = {
            "requests.csv": "xml",
            "requests": "xml",
            "requests/abc.json": "json",
            "requests/1234567890123456789.json": "json",
            "tokens/%00.json": "json",
            "services/-x.json": "json",
            "requests.json/": "json",
            "v3/requests.xml": "xml",
            "permintaan/ü.json": "json",
        }
        for path, fmt in paths.items():
            for base in (self.base, "/open311/v2/"):
                with self.subTest(base=base, path=path):
                    response = self.client.get(f"{base}{path}", {"jurisdiction_id": "kotaraya.go.id"})
                    self.assertOpen311Error(response, 404, fmt)

    def test_it_answers_superscript_digits_with_a_client_error(self) -> None:
        statuses = [
            self.get("requests", page="²").status_code,
            self.get("requests", page_size="²").status_code,
            self.get("requests", service_request_id="²").status_code,
            self.post({"service_code": "PJU-01", "address_id": "area:²", "description": "x"}).status_code,
        ]
        self.assertEqual([s for s in statuses if s >= 500], [])

    def test_it_answers_dates_at_the_edge_of_the_calendar_with_a_client_error(self) -> None:
        statuses = [
            self.get("requests", end_date="0001-01-01T00:00:00+07:00").status_code,
            self.get("servicerequestupdates", end_date="0001-01-01T00:00:00Z").status_code,
            self.get(
                "requests", start_date="0001-01-01T00:00:00+07:00", end_date="0001-01-02T00:00:00+07:00"
            ).status_code,
            self.get("requests", end_date="9999-12-31T23:59:59-12:00").status_code,
        ]
        self.assertEqual([s for s in statuses if s >= 500], [])

    def test_it_answers_a_huge_exponent_with_a_client_error(self) -> None:
        response = self.post({"service_code": "PJU-01", "lat": "1e999999999", "long": "1", "description": "x"})
        self.assertOpen311Error(response, 400)

    def test_it_answers_a_nul_character_with_a_client_error(self) -> None:
        statuses = [
            self.post({"service_code": "PJU-01", "address_string": "x", "description": "a\x00b"}).status_code,
            self.post(
                {"service_code": "PJU-01", "address_string": "x", "description": "x", "first_name": "\x00"}
            ).status_code,
            self.post({"service_code": "PJU-01\x00", "address_string": "x", "description": "x"}).status_code,
            self.get("requests", service_code="PJU\x0001").status_code,
        ]
        self.assertEqual([s for s in statuses if s >= 500], [])

    def test_it_answers_a_body_it_cannot_read_with_a_client_error(self) -> None:
        url = f"{self.base}requests.xml"
        bodies = [
            ("multipart/form-data", b"--x\r\nrusak"),
            ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\n"),
            ("application/x-www-form-urlencoded", "&".join(f"f{n}=x" for n in range(1500)).encode()),
        ]
        for content_type, body in bodies:
            with self.subTest(content_type=content_type):
                response = self.client.generic("POST", url, body, content_type=content_type)
                self.assertLess(response.status_code, 500)
                self.assertEqual(response["Content-Type"], XML)
        self.assertEqual(ServiceRequest.objects.count(), 1)

    def test_it_answers_repeated_and_odd_parameters_with_a_client_error(self) -> None:
        queries: list[dict[str, Any]] = [
            {"page": ["1", "x"]},
            {"page_size": ["5", "9" * 40]},
            {"start_date": ["2026-11-01T00:00:00Z", "besok"]},
            {"service_code": "ÜNÏCÖDË-01"},
            {"service_request_id": "١٢٣"},  # Arabic-Indic digits are not ids
            {"status": "ｏｐｅｎ"},
            {"jurisdiction_id": ["kotaraya.go.id", "kabupatenlain.go.id"]},
        ]
        for fmt in FORMATS:
            for params in queries:
                with self.subTest(fmt=fmt, params=str(params)[:60]):
                    response = self.get("requests", fmt, **params)
                    self.assertIn(response.status_code, {200, 400, 404})
                    self.assertEqual(response["Content-Type"], XML if fmt == "xml" else JSON)

    def test_it_writes_well_formed_xml_for_any_stored_text(self) -> None:
        self.submit(description="Lampu mati\x0bsejak\x0ckemarin.")
        ET.fromstring(self.get("requests", "xml").content)
