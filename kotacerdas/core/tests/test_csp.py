"""The CSP header: the site policy's built once per process, anything a response asks for still by django-csp."""

from __future__ import annotations

from collections.abc import Callable

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import RequestFactory, SimpleTestCase, override_settings

from kotacerdas.core import csp

View = Callable[[HttpRequest], HttpResponseBase]


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def with_nonce(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(request.csp_nonce))  # type: ignore[attr-defined]


def nonce_policy() -> dict[str, object]:
    policy = settings.CONTENT_SECURITY_POLICY
    return {**policy, "DIRECTIVES": {**policy["DIRECTIVES"], "script-src": [SELF, NONCE]}}


class CSPMiddlewareTests(SimpleTestCase):
    def served(self, view: View, middleware: type = csp.CSPMiddleware) -> tuple[HttpRequest, HttpResponseBase]:
        request = RequestFactory().get("/halaman/")
        response = middleware(view)(request)
        return request, response

    def djangos_own(self, view: View) -> HttpResponseBase:
        return self.served(view, csp_middleware.CSPMiddleware)[1]

    def test_a_plain_page_gets_the_header_django_csp_builds_for_it(self) -> None:
        _, response = self.served(plain)
        self.assertEqual(response[HEADER], self.djangos_own(plain)[HEADER])
        self.assertIn("default-src 'self'", response[HEADER])
        self.assertIn("frame-ancestors 'none'", response[HEADER])
        self.assertNotIn(HEADER_REPORT_ONLY, response)

    def test_the_header_is_built_once_per_process(self) -> None:
        csp.site_header.cache_clear()
        for _ in range(3):
            self.served(plain)
        self.assertEqual(csp.site_header.cache_info().misses, 1)

    def test_it_follows_a_change_of_the_settings(self) -> None:
        self.served(plain)
        policy = {"DIRECTIVES": {"default-src": [SELF], "img-src": [SELF, "https://peta.example"]}}
        with override_settings(CONTENT_SECURITY_POLICY=policy):
            changed = self.served(plain)[1][HEADER]
        self.assertIn("img-src 'self' https://peta.example", changed)
        self.assertNotIn("peta.example", self.served(plain)[1][HEADER])

    def test_a_page_that_used_its_nonce_gets_it_in_the_header(self) -> None:
        with override_settings(CONTENT_SECURITY_POLICY=nonce_policy()):
            _, response = self.served(with_nonce)
        nonce = response.content.decode()
        self.assertTrue(nonce)
        self.assertIn(f"'nonce-{nonce}'", response[HEADER])

    def test_a_nonce_asked_for_after_the_header_was_written_is_an_error(self) -> None:
        request, _ = self.served(plain)
        with self.assertRaises(CSPNonceError):
            str(request.csp_nonce)  # type: ignore[attr-defined]

    def test_a_views_own_decorators_still_count(self) -> None:
        updated = self.served(csp_update({"img-src": "https://peta.example"})(plain))[1]
        self.assertIn("img-src 'self' data: https://peta.example", updated[HEADER])
        replaced = self.served(csp_replace({"img-src": "https://peta.example"})(plain))[1]
        self.assertIn("img-src https://peta.example", replaced[HEADER])
        exempt = self.served(csp_exempt()(plain))[1]
        self.assertNotIn(HEADER, exempt)

    def test_a_report_only_policy_is_sent_beside_the_policy(self) -> None:
        report_only = {"DIRECTIVES": {"default-src": [SELF], "report-uri": "/csp-report/"}}
        with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only):
            _, response = self.served(plain)
        self.assertIn("report-uri /csp-report/", response[HEADER_REPORT_ONLY])
        self.assertEqual(response[HEADER], self.djangos_own(plain)[HEADER])
