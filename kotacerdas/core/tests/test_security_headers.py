"""Every page carries the security headers: a strict CSP, no framing, no sniffing."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from kotacerdas.core.testing import make_region


class SecurityHeadersTests(TestCase):
    def test_it_sends_a_strict_content_security_policy(self) -> None:
        policy = self.client.get(reverse("core:home"))["Content-Security-Policy"]
        self.assertIn("default-src 'self'", policy)
        self.assertIn("script-src 'self'", policy)
        self.assertIn("frame-ancestors 'none'", policy)
        self.assertIn("object-src 'none'", policy)

    def test_it_forbids_framing(self) -> None:
        self.assertEqual(self.client.get(reverse("core:home"))["X-Frame-Options"], "DENY")

    def test_it_forbids_content_sniffing_and_limits_the_referrer(self) -> None:
        response = self.client.get(reverse("core:home"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")

    def test_it_sends_the_headers_on_region_pages_and_errors_too(self) -> None:
        region = make_region("kotaraya")
        for url, status in ((reverse("regions:home", kwargs={"region_slug": region.slug}), 200), ("/tidakada/", 404)):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, status)
                self.assertIn("Content-Security-Policy", response)
                self.assertEqual(response["X-Frame-Options"], "DENY")
