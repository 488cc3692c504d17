"""The public map and list of requests: never a secret request, never a reporter; filters, pages, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import time_machine
from django.utils import translation

from kotacerdas.servicerequests import views
from kotacerdas.servicerequests.models import ServiceRequest
from kotacerdas.servicerequests.tests.factories import NOW
from kotacerdas.servicerequests.tests.test_views import ViewTestCase
from kotacerdas.servicerequests.views import PUBLIC_PAGE_SIZE

SECRET_TEXT = "Pungli di loket kelurahan"


class RequestListViewTests(ViewTestCase):
    def test_it_shows_the_public_requests_on_a_map_and_in_a_list(self) -> None:
        siti = self.register()
        pinned = self.submit(citizen=siti, lat=Decimal("-7.801234"), long=Decimal("110.364567"), address="")
        listed = self.submit(citizen=siti, address="Jl. Bugisan")
        secret = self.submit(citizen=siti, is_secret=True, description=SECRET_TEXT)
        response = self.client.get(self.url("requests"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["rows"]), {pinned, listed})
        self.assertContains(response, '<svg viewBox="0 0 320 240"')
        self.assertContains(response, f'<a href="{self.url("request", service_request_pk=pinned.pk)}"><circle')
        self.assertContains(response, self.url("request", service_request_pk=listed.pk))
        self.assertNotContains(response, self.url("request", service_request_pk=secret.pk))
        self.assertNotContains(response, SECRET_TEXT)

    def test_it_never_shows_a_reporter(self) -> None:
        siti = self.register()
        self.submit(citizen=siti)
        self.submit(citizen=siti, is_anonymous=True)
        response = self.client.get(self.url("requests"))
        for text in ("Siti Rahayu", "siti@example.id"):
            self.assertNotContains(response, text)

    def test_it_draws_no_map_without_map_points(self) -> None:
        self.submit()
        response = self.client.get(self.url("requests"))
        self.assertIsNone(response.context["map"])
        self.assertNotContains(response, "<svg")

    def test_it_filters_by_state_service_and_kelurahan(self) -> None:
        fixed = self.advance(self.submit(area=self.rt), "verify", "fix")
        road = self.submit(service=self.road, attributes={"lubang": "besar"})
        cases = {
            "open": ({"state": "open"}, [road]),
            "closed": ({"state": "closed"}, [fixed]),
            "service": ({"service": self.road.pk}, [road]),
            "kelurahan": ({"area": self.kelurahan.pk}, [fixed]),
        }
        for label, (query, expected) in cases.items():
            with self.subTest(label):
                self.assertEqual(self.client.get(self.url("requests"), query).context["rows"], expected)

    def test_it_reports_a_filter_that_does_not_fit_and_lists_everything(self) -> None:
        request = self.submit()
        for query in ({"state": "rahasia"}, {"service": "x"}, {"area": "0"}, {"page": "abc"}, {"page": "99"}):
            with self.subTest(query=query):
                response = self.client.get(self.url("requests"), query)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["rows"], [request])
        self.assertTrue(self.client.get(self.url("requests"), {"state": "rahasia"}).context["form"].errors)

    def test_it_pages_the_list_and_keeps_the_filter_in_the_links(self) -> None:
        for n in range(PUBLIC_PAGE_SIZE + 1):
            with time_machine.travel(NOW + dt.timedelta(minutes=n), tick=False):
                self.submit()
        oldest = ServiceRequest.objects.order_by("requested_at").first()
        first = self.client.get(self.url("requests"), {"state": "open"})
        self.assertEqual(len(first.context["rows"]), PUBLIC_PAGE_SIZE)
        self.assertContains(first, "?state=open&amp;page=2")
        second = self.client.get(self.url("requests"), {"state": "open", "page": "2"})
        self.assertEqual(second.context["rows"], [oldest])

    def test_it_pages_back_only_so_far_and_says_how_to_look_further(self) -> None:
        for n in range(PUBLIC_PAGE_SIZE + 1):
            with time_machine.travel(NOW + dt.timedelta(minutes=n), tick=False):
                self.submit()
        newest = list(ServiceRequest.objects.order_by("-requested_at")[:PUBLIC_PAGE_SIZE])
        with mock.patch.object(views, "PUBLIC_PAGES", 1):  # the latest 50 only
            first = self.client.get(self.url("requests"))
            beyond = self.client.get(self.url("requests"), {"page": "2"})
        self.assertEqual(first.context["rows"], newest)
        self.assertTrue(first.context["page"].paginator.more)
        self.assertEqual(beyond.context["rows"], newest)  # no page 2: the last page there is
        self.assertContains(
            first, "Halaman 1 dari 1: 50 permohonan terbaru. Gunakan saringan untuk mencari yang lebih lama."
        )
        self.assertNotContains(first, "page=2")
        all_pages = self.client.get(self.url("requests"))  # 100 pages: all 51 on two of them
        self.assertFalse(all_pages.context["page"].paginator.more)
        self.assertContains(all_pages, "Halaman 1 dari 2 <a")

    def test_it_reads_the_page_in_a_fixed_number_of_queries(self) -> None:
        # Region, the filter's services and kelurahan, the count and the page of requests (with service, agency, area).
        for n in (1, 5):
            for _ in range(n):
                self.submit(lat=Decimal("-7.8"), long=Decimal("110.36"), area=self.rt)
            with self.subTest(n=n), self.assertNumQueries(5):
                self.client.get(self.url("requests"))

    def test_it_lists_nothing_of_another_region(self) -> None:
        self.submit()
        self.assertEqual(self.client.get(self.url("requests", region=self.other_region)).context["rows"], [])

    def test_it_is_linked_from_the_catalogue(self) -> None:
        self.assertContains(self.client.get(self.url("catalogue")), f'href="{self.url("requests")}"')


class IndonesianTests(ViewTestCase):
    """Bahasa Indonesia first: the room's pages speak it unless the visitor chose English."""

    def test_it_renders_the_rooms_pages_in_indonesian_by_default(self) -> None:
        catalogue = self.client.get(self.url("catalogue"))
        self.assertContains(catalogue, "<h1>Layanan publik</h1>", html=True)
        self.assertContains(catalogue, "Buat akun")
        listing = self.client.get(self.url("requests"))
        self.assertContains(listing, "<h1>Laporan di wilayah ini</h1>", html=True)
        self.assertNotContains(listing, "Reports in the region")

    def test_it_speaks_english_on_request(self) -> None:
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        self.assertContains(self.client.get(self.url("catalogue")), "<h1>Public services</h1>", html=True)

    def test_it_translates_the_statuses_and_messages(self) -> None:
        with translation.override("id"):
            self.assertEqual(str(ServiceRequest(status="submitted").get_status_display()), "Menunggu verifikasi")
            self.assertEqual(
                translation.gettext("Add your NIK before you send a request."),
                "Isi NIK Anda sebelum mengirim permohonan.",
            )
