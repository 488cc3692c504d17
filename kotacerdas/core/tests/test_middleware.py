"""LanguageMiddleware: Bahasa Indonesia unless the visitor switched; the browser's language is ignored."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import TestCase
from django.urls import reverse


class LanguageMiddlewareTests(TestCase):
    def home(self, **headers: Any) -> Any:
        return self.client.get(reverse("core:home"), headers=headers)

    def test_it_serves_indonesian_by_default(self) -> None:
        response = self.home()
        self.assertContains(response, '<html lang="id">')
        self.assertEqual(response["Content-Language"], "id")

    def test_it_switches_to_english_through_the_language_form(self) -> None:
        response = self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        page = self.home()
        self.assertContains(page, '<html lang="en">')
        self.assertEqual(page["Content-Language"], "en")

    def test_it_switches_back_to_indonesian(self) -> None:
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        self.client.post(reverse("set_language"), {"language": "id", "next": "/"})
        self.assertContains(self.home(), '<html lang="id">')

    def test_it_ignores_the_browsers_language(self) -> None:
        self.assertContains(self.home(accept_language="en-US,en;q=0.9"), '<html lang="id">')

    def test_it_ignores_an_unknown_language_cookie(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
        self.assertContains(self.home(), '<html lang="id">')

    def test_it_varies_the_cache_on_the_cookie(self) -> None:
        self.assertIn("Cookie", self.home()["Vary"])
