"""No main page weighs more than 150 KB on first load, assets included: cheap phones on slow networks."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, TestCase

from kotacerdas.accounts.models import User

BUDGET = 150 * 1024
# <link rel> values a browser downloads on first load; canonical, alternate and the like are not fetched.
FETCHED_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "manifest", "preload", "modulepreload"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)['"]""")

# Public pages. /api/v1/docs is deliberately left out: it is a developer tool that ships the Swagger UI bundle,
# not a page residents or agency staff open.
ANONYMOUS_PAGES = [
    "/",
    "/yogyakarta/",
    "/yogyakarta/agencies/",
    "/yogyakarta/agencies/dpupkp/",
    "/yogyakarta/areas/",
    "/yogyakarta/framework/",
    "/accounts/login/",
]
# (page, the demo account that opens it)
STAFF_PAGES = [
    ("/yogyakarta/", "bappeda.yogyakarta"),
    ("/yogyakarta/framework/coverage/", "bappeda.yogyakarta"),
    ("/yogyakarta/agencies/dpupkp/capabilities/", "dpupkp.yogyakarta"),
    ("/yogyakarta/audit/", "inspektorat.yogyakarta"),
]


class AssetCollector(HTMLParser):
    """The URLs of the stylesheets, scripts, images and icons an HTML page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "link" and set((attributes.get("rel") or "").lower().split()) & FETCHED_RELS:
            self._keep(attributes.get("href"))
        elif tag in {"script", "img"}:
            self._keep(attributes.get("src"))

    def _keep(self, url: str | None) -> None:
        if url and not url.startswith("data:"):
            self.urls.append(url)


class PageWeightTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo", verbosity=0, stdout=StringIO())

    def test_it_keeps_every_public_page_under_the_budget(self) -> None:
        for path in ANONYMOUS_PAGES:
            with self.subTest(path=path):
                self.assert_within_budget(Client(), path)

    def test_it_keeps_every_staff_page_under_the_budget(self) -> None:
        for path, username in STAFF_PAGES:
            with self.subTest(path=path, username=username):
                client = Client()
                client.force_login(User.objects.get(username=username))  # Client.login() is refused by django-axes
                self.assert_within_budget(client, path)

    def test_it_counts_the_stylesheet_and_the_icon(self) -> None:
        weights = self.page_weight(Client(), "/accounts/login/")
        self.assertIn(f"{settings.STATIC_URL}core/site.css", weights)
        self.assertIn(f"{settings.STATIC_URL}core/favicon.svg", weights)

    def assert_within_budget(self, client: Client, path: str) -> None:
        weights = self.page_weight(client, path)
        total = sum(weights.values())
        detail = ", ".join(f"{url} {size} B" for url, size in weights.items())
        self.assertLessEqual(total, BUDGET, f"{path} weighs {total} B > {BUDGET} B: {detail}")

    def page_weight(self, client: Client, path: str) -> dict[str, int]:
        """Bytes per URL the first load of `path` fetches: the HTML itself, then each distinct asset."""
        response = client.get(path)
        self.assertEqual(response.status_code, 200, path)
        collector = AssetCollector()
        collector.feed(response.content.decode())
        weights = {path: len(response.content)}
        pending = list(collector.urls)
        while pending:
            url = urlsplit(pending.pop(0)).path
            if url in weights:
                continue
            content = self.asset(client, url)
            weights[url] = len(content)
            if url.endswith(".css"):
                pending.extend(self.css_references(url, content.decode()))
        return weights

    def asset(self, client: Client, url: str) -> bytes:
        """A static file from the finders (as whitenoise or the web server would serve it), else a view's bytes."""
        if url.startswith(settings.STATIC_URL):
            found = finders.find(url.removeprefix(settings.STATIC_URL))
            self.assertIsNotNone(found, f"{url} is referenced but no static file has that name")
            return Path(str(found)).read_bytes()
        response = client.get(url)
        self.assertEqual(response.status_code, 200, f"{url} is referenced but does not load")
        return response.content

    @staticmethod
    def css_references(stylesheet_url: str, css: str) -> list[str]:
        """Fonts, images and imported stylesheets a stylesheet pulls in, as absolute paths."""
        found = CSS_URL.findall(css) + CSS_IMPORT.findall(css)
        return [urljoin(stylesheet_url, ref) for ref in found if not ref.startswith("data:")]
