"""The shared root /open311/v2/: `jurisdiction_id` picks the region (missing: 400, unknown: 404), as the
specification says of an endpoint serving several jurisdictions; and a region's own path refuses another's."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import time_machine

from kotacerdas.servicerequests.models import Open311Client, ServiceRequest
from kotacerdas.servicerequests.tests.factories import NOW, OPEN311_KEY
from kotacerdas.servicerequests.tests.test_open311_views import FORMATS, Open311TestCase

ROOT = "/open311/v2/"
REGIONAL = "/kotaraya/open311/v2/"
KOTARAYA = "kotaraya.go.id"


class RootTestCase(Open311TestCase):
    base = ROOT

    def reads(self) -> list[str]:
        """Every GET method but discovery, for one public request."""
        request = ServiceRequest.objects.filter(is_secret=False).latest("id")
        return [
            "services",
            "services/JALAN-01",
            "requests",
            f"requests/{request.pk}",
            f"tokens/{request.token}",
            "servicerequestupdates",
        ]


class RootDiscoveryTests(RootTestCase):
    def test_it_describes_the_root_endpoint_without_a_jurisdiction(self) -> None:
        body = self.as_json(self.get("discovery"))
        self.assertEqual(body["endpoints"][0]["url"], "http://testserver/open311/v2/")
        self.assertIn("jurisdiction_id", body["contact"])
        root = self.as_xml(self.get("discovery", "xml"))
        self.assertEqual(root.findtext("endpoints/endpoint/url"), "http://testserver/open311/v2/")

    def test_it_names_the_regions_diskominfo_for_a_jurisdiction(self) -> None:
        body = self.as_json(self.get("discovery", jurisdiction_id=KOTARAYA))
        self.assertEqual(body["contact"], f"Diskominfo {self.region.name}")
        self.assertEqual(body["endpoints"][0]["url"], "http://testserver/open311/v2/")

    def test_it_describes_itself_at_its_own_url_in_xml(self) -> None:
        for url, endpoint in (
            (f"{ROOT}?jurisdiction_id={KOTARAYA}", "http://testserver/open311/v2/"),
            (ROOT, "http://testserver/open311/v2/"),
            (REGIONAL, "http://testserver/kotaraya/open311/v2/"),
        ):
            with self.subTest(url=url):
                root = self.as_xml(self.client.get(url))
                self.assertEqual((root.tag, root.findtext("endpoints/endpoint/url")), ("discovery", endpoint))
        self.assertRedirects(self.client.get("/open311/v2"), ROOT, status_code=301, fetch_redirect_response=False)

    def test_it_is_404_for_an_unknown_jurisdiction_even_in_discovery(self) -> None:
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                self.assertOpen311Error(self.get("discovery", fmt, jurisdiction_id="tidak-ada.go.id"), 404, fmt)
        self.assertOpen311Error(self.client.get(ROOT, {"jurisdiction_id": "tidak-ada.go.id"}), 404, "xml")


class RootReadTests(RootTestCase):
    def test_it_answers_every_read_exactly_as_the_regions_own_path_does(self) -> None:
        self.advance(self.submit(), "verify", "investigate")
        self.submit(is_secret=True)
        self.submit()
        for fmt in FORMATS:
            for path in self.reads():
                for jurisdiction in (KOTARAYA, "KotaRaya.go.id", "kotaraya"):
                    with self.subTest(fmt=fmt, path=path, jurisdiction=jurisdiction):
                        at_root = self.get(path, fmt, jurisdiction_id=jurisdiction, extensions="true")
                        at_region = self.client.get(f"{REGIONAL}{path}.{fmt}?extensions=true")
                        self.assertEqual(at_root.status_code, 200, at_root.content[:300])
                        self.assertEqual(at_root.content, at_region.content)
                        self.assertEqual(at_root["Content-Type"], at_region["Content-Type"])

    def test_it_never_lists_a_secret_request(self) -> None:
        public = self.submit()
        secret = self.submit(is_secret=True)
        listed = self.as_json(
            self.get("requests", jurisdiction_id=KOTARAYA, service_request_id=f"{secret.pk},{public.pk}")
        )
        self.assertEqual([r["service_request_id"] for r in listed], [str(public.pk)])
        self.assertOpen311Error(self.get(f"requests/{secret.pk}", jurisdiction_id=KOTARAYA), 404)

    def test_it_keeps_each_jurisdiction_to_its_own_data(self) -> None:
        request = self.submit()
        other = {"jurisdiction_id": "kabupatenlain.go.id"}
        self.assertEqual(self.as_json(self.get("services", **other)), [])
        self.assertEqual(self.as_json(self.get("requests", **other)), [])
        for path in (f"requests/{request.pk}", f"tokens/{request.token}", "services/PJU-01"):
            with self.subTest(path=path):
                self.assertOpen311Error(self.get(path, **other), 404)

    def test_it_reads_the_list_in_a_fixed_number_of_queries(self) -> None:
        with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False):  # each change moves the stamp
            for _ in range(3):
                self.advance(self.submit(), "verify")
        with self.assertNumQueries(4):  # the region, the latest change (the stamp), the requests, their history
            self.assertEqual(len(self.as_json(self.get("requests", jurisdiction_id=KOTARAYA, extensions="true"))), 3)
        for _ in range(7):
            self.advance(self.submit(), "verify")
        with self.assertNumQueries(4):
            self.assertEqual(len(self.as_json(self.get("requests", jurisdiction_id=KOTARAYA, extensions="true"))), 10)
        with self.assertNumQueries(2):  # unchanged: the region and the stamp, then the shared copy
            self.assertEqual(len(self.as_json(self.get("requests", jurisdiction_id=KOTARAYA, extensions="true"))), 10)


class RootRefusalTests(RootTestCase):
    def test_it_is_400_without_a_jurisdiction_id(self) -> None:
        self.submit()
        for fmt in FORMATS:
            for path in self.reads():
                for params in ({}, {"jurisdiction_id": ""}, {"jurisdiction_id": "  "}):
                    with self.subTest(fmt=fmt, path=path, params=params):
                        description = self.assertOpen311Error(self.get(path, fmt, **params), 400, fmt)
                        self.assertIn("jurisdiction_id", description)

    def test_it_is_404_for_an_unknown_or_inactive_jurisdiction(self) -> None:
        type(self.other_region).objects.filter(pk=self.other_region.pk).update(is_active=False)
        for fmt in FORMATS:
            for jurisdiction in ("tidak-ada.go.id", "kabupatenlain.go.id", "kabupatenlain", "x" * 5000, "ü.go.id"):
                with self.subTest(fmt=fmt, jurisdiction=jurisdiction[:20]):
                    self.assertOpen311Error(self.get("services", fmt, jurisdiction_id=jurisdiction), 404, fmt)

    def test_it_is_400_for_two_different_jurisdictions(self) -> None:
        both = {"jurisdiction_id": [KOTARAYA, "kabupatenlain.go.id"]}
        self.assertOpen311Error(self.get("services", **both), 400)
        self.as_json(self.get("services", jurisdiction_id=[KOTARAYA, "kotaraya"]))  # the same region twice

    def test_it_refuses_a_jurisdiction_of_another_region_anywhere_at_a_regions_path(self) -> None:
        self.open311_client()
        body = {"api_key": OPEN311_KEY, "service_code": "PJU-01", "address_string": "x", "description": "x"}
        for fmt in FORMATS:
            with self.subTest(fmt=fmt, where="query and body disagree"):
                response = self.client.post(
                    f"{REGIONAL}requests.{fmt}?jurisdiction_id={KOTARAYA}",
                    {**body, "jurisdiction_id": "kabupatenlain.go.id"},
                )
                self.assertOpen311Error(response, 404, fmt)
            with self.subTest(fmt=fmt, where="query twice"):
                response = self.client.get(
                    f"{REGIONAL}services.{fmt}?" + urlencode({"jurisdiction_id": [KOTARAYA, "x.go.id"]}, doseq=True)
                )
                self.assertOpen311Error(response, 404, fmt)
        self.assertFalse(ServiceRequest.objects.exists())


class RootCreateTests(RootTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.open311_client()

    def create(self, fmt: str = "json", query: dict[str, Any] | None = None, **data: Any) -> Any:
        body = {"api_key": OPEN311_KEY, "service_code": "PJU-01", "address_string": "x", "description": "x", **data}
        url = f"{ROOT}requests.{fmt}" + (f"?{urlencode(query)}" if query else "")
        return self.client.post(url, urlencode(body), content_type="application/x-www-form-urlencoded")

    def test_it_creates_a_request_in_the_region_the_jurisdiction_id_names(self) -> None:
        for fmt in FORMATS:
            with self.subTest(fmt=fmt, where="body"):
                response = self.create(fmt, jurisdiction_id=KOTARAYA)
                request = ServiceRequest.objects.latest("id")
                self.assertEqual((request.region, request.service, request.citizen), (self.region, self.lamp, None))
                if fmt == "json":
                    self.assertEqual(self.as_json(response)[0]["service_request_id"], str(request.pk))
                else:
                    self.assertEqual(self.as_xml(response).findtext("request/service_request_id"), str(request.pk))
            with self.subTest(fmt=fmt, where="query"):
                response = self.create(fmt, query={"jurisdiction_id": KOTARAYA})
                self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(ServiceRequest.objects.filter(region=self.region).count(), 4)

    def test_it_takes_only_a_key_the_named_regions_diskominfo_issued(self) -> None:
        Open311Client.objects.all().delete()
        self.open311_client("kunci-kabupatenlain-01", region=self.other_region)
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                response = self.create(fmt, jurisdiction_id=KOTARAYA, api_key="kunci-kabupatenlain-01")
                self.assertOpen311Error(response, 403, fmt)
        self.assertFalse(ServiceRequest.objects.exists())

    def test_it_is_400_without_and_404_with_an_unknown_jurisdiction(self) -> None:
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                self.assertOpen311Error(self.create(fmt), 400, fmt)
                self.assertOpen311Error(self.create(fmt, jurisdiction_id="tidak-ada.go.id"), 404, fmt)
        self.assertFalse(ServiceRequest.objects.exists())
