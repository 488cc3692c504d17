"""Public request pages and Open311 reads are shared by visitors without a session, and never go stale or leak."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import time_machine
from django.conf import settings
from django.test import Client, override_settings

from kotacerdas.core import pagecache
from kotacerdas.core.pagecache import CSRF_PLACEHOLDER
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import ServiceRequest
from kotacerdas.servicerequests.tests.factories import NOW
from kotacerdas.servicerequests.tests.test_views import ViewTestCase

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]*)"')
LATER = NOW + dt.timedelta(minutes=5)


class SharedRequestPageTests(ViewTestCase):
    def page(self, item: ServiceRequest) -> str:
        return self.url("request", service_request_pk=item.pk)

    def test_visitors_share_one_copy_byte_for_byte_and_a_phone_that_has_it_gets_304(self) -> None:
        item = self.submit()
        first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        rendered = first.get(self.page(item))
        self.assertIsNotNone(rendered.context)  # rendered for the first visitor
        with self.assertNumQueries(2):  # the region and the request's stamp; nothing rendered
            shared = second.get(self.page(item))
        self.assertIsNone(shared.context)
        self.assertEqual(shared.content, rendered.content)  # no token in it, nothing of the visitor's
        self.assertNotContains(shared, CSRF_PLACEHOLDER)
        self.assertEqual(TOKEN.findall(shared.content), [])
        self.assertNotIn(settings.CSRF_COOKIE_NAME, shared.cookies)  # no cookie set either
        again = second.get(self.page(item), HTTP_IF_NONE_MATCH=shared["ETag"])
        self.assertEqual(again.status_code, 304)
        # The language switch on the shared copy works without a token (core.views.set_language).
        switched = second.post("/i18n/setlang/", {"language": "en", "next": self.page(item)})
        self.assertEqual(switched.status_code, 302)
        self.assertContains(second.get(self.page(item)), 'lang="en"')

    def test_a_change_shows_on_the_next_visit(self) -> None:
        item = self.submit()
        self.assertContains(Client().get(self.page(item)), "Menunggu verifikasi")
        with time_machine.travel(LATER, tick=False):
            self.advance(item, "verify", note="Diteruskan ke DPUPKP.")
            response = Client().get(self.page(item))
        self.assertContains(response, "Diteruskan ke DPUPKP.")

    def test_a_comment_shows_on_the_next_visit(self) -> None:
        item = self.submit()
        Client().get(self.page(item))
        with time_machine.travel(LATER, tick=False):
            services.request_comment(
                request=item, note="Lampunya masih mati sampai sekarang.", actor=self.citizen, via="web"
            )
            response = Client().get(self.page(item))
        self.assertContains(response, "Lampunya masih mati sampai sekarang.")

    def test_a_logged_in_visitor_gets_their_own_page_and_it_is_never_shared(self) -> None:
        item = self.submit(is_anonymous=True)
        self.assertTrue(item.reporter_name)
        self.client.force_login(self.officer)
        staff = self.client.get(self.page(item))
        self.assertContains(staff, item.reporter_name)  # staff see who reported, even an anonymous request
        anonymous = Client().get(self.page(item))
        self.assertIsNotNone(anonymous.context)  # rendered: the staff page was not kept
        self.assertNotContains(anonymous, item.reporter_name)
        self.assertIsNotNone(self.client.get(self.page(item)).context)  # and staff never get the shared copy

    def test_a_visitor_with_any_other_cookie_gets_a_page_rendered_for_them(self) -> None:
        item = self.submit()
        Client().get(self.page(item))
        visitor = Client()
        visitor.cookies["messages"] = "something"
        self.assertIsNotNone(visitor.get(self.page(item)).context)

    def test_a_secret_request_is_not_found_and_nothing_is_kept(self) -> None:
        item = self.submit(is_secret=True)
        for _ in range(2):
            self.assertEqual(Client().get(self.page(item)).status_code, 404)

    def test_each_language_has_its_own_copy(self) -> None:
        item = self.submit()
        self.assertContains(Client().get(self.page(item)), 'lang="id"')
        english = Client()
        english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.assertContains(english.get(self.page(item)), 'lang="en"')
        self.assertContains(Client().get(self.page(item)), 'lang="id"')


class SharedOpen311Tests(ViewTestCase):
    def list_url(self) -> str:
        return f"/{self.region.slug}/open311/v2/requests.json"

    def test_a_client_polling_the_list_gets_304_until_a_request_changes(self) -> None:
        with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False):
            item = self.submit()
        first = Client().get(self.list_url())
        self.assertEqual(first.status_code, 200)
        etag = first["ETag"]
        with self.assertNumQueries(2):  # the region and the stamp
            self.assertEqual(Client().get(self.list_url(), HTTP_IF_NONE_MATCH=etag).status_code, 304)
        self.advance(item, "verify")
        changed = Client().get(self.list_url(), HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], etag)
        self.assertEqual(changed.json()[0]["status"], "open")

    def test_one_request_is_shared_until_it_changes(self) -> None:
        with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False):
            item = self.submit()
        url = f"/{self.region.slug}/open311/v2/requests/{item.pk}.json?extensions=true"
        self.assertIsNone(Client().get(url).json()[0]["status_notes"])
        self.advance(item, "verify", note="Diteruskan.")
        self.assertEqual(Client().get(url).json()[0]["status_notes"], "Diteruskan.")

    def test_an_error_is_never_kept(self) -> None:
        self.submit()
        for _ in range(2):
            self.assertEqual(Client().get(self.list_url(), {"status": "rahasia"}).status_code, 400)


@override_settings(SHARED_COPY_STAMP_SECONDS=1)
class KeptStampTests(ViewTestCase):
    """With SHARED_COPY_STAMP_SECONDS (production: 1) a process reads a public page's stamp at most once a second."""

    def setUp(self) -> None:
        super().setUp()
        pagecache._stamps.clear()  # ids repeat from test to test
        self.now = 1000.0
        clock = mock.patch.object(pagecache, "_clock", side_effect=lambda: self.now)
        clock.start()
        self.addCleanup(clock.stop)
        self.addCleanup(pagecache._stamps.clear)

    def test_within_a_second_a_visitor_without_a_session_gets_the_copy_without_a_query_for_the_stamp(self) -> None:
        with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False):
            item = self.submit()
        url = f"/{self.region.slug}/services/requests/{item.pk}/"
        self.assertContains(Client().get(url), "Menunggu verifikasi")
        with self.assertNumQueries(1):  # the region alone
            self.assertContains(Client().get(url), "Menunggu verifikasi")
        self.advance(item, "verify", note="Diteruskan ke DPUPKP.")
        self.now += 0.5
        self.assertNotContains(Client().get(url), "Diteruskan ke DPUPKP.")  # the copy of half a second ago
        self.client.force_login(self.citizen)
        self.assertContains(self.client.get(url), "Diteruskan ke DPUPKP.")  # logged in: at once
        self.now += 0.5
        self.assertContains(Client().get(url), "Diteruskan ke DPUPKP.")  # a second after it was read

    def test_each_page_keeps_its_own_stamp(self) -> None:
        with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False):
            first, second = self.submit(), self.submit()
        for item in (first, second):
            self.assertEqual(Client().get(f"/{self.region.slug}/open311/v2/requests/{item.pk}.json").status_code, 200)
        self.assertEqual(len(pagecache._stamps), 2)
        self.advance(second, "verify", note="Diteruskan.")
        self.now += 1
        answer = Client().get(f"/{self.region.slug}/open311/v2/requests/{second.pk}.json?extensions=true")
        self.assertEqual(answer.json()[0]["status_notes"], "Diteruskan.")
