"""The room's heaviest pages stay under 150 KB with their assets, for an RT of 60 houses on a cheap phone."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from kotacerdas.core.tests import test_page_weight as core
from kotacerdas.jimpitan import services
from kotacerdas.jimpitan.tests.factories import JimpitanTestCase

HOUSES = 60


class PageWeightTests(JimpitanTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for number in range(11, 11 + HOUSES - 3):
            services.household_create(
                fund=cls.fund, number=str(number), head_name=f"Warga nomor {number}", actor=cls.treasurer
            )

    def weight(self, client: Client, path: str) -> int:
        response = client.get(path)
        self.assertEqual(response.status_code, 200, path)
        collector = core.AssetCollector()
        collector.feed(response.content.decode())
        total, seen = len(response.content), set()
        for url in collector.urls:
            url = urlsplit(url).path
            if url in seen:
                continue
            seen.add(url)
            if url.startswith(settings.STATIC_URL):
                found = finders.find(url.removeprefix(settings.STATIC_URL))
                self.assertIsNotNone(found, url)
                total += len(Path(str(found)).read_bytes())
            else:
                total += len(client.get(url).content)
        return total

    def test_the_collection_page_of_sixty_houses_is_light(self) -> None:
        self.open_shift()
        client = Client()
        client.force_login(self.ronda)
        weight = self.weight(client, reverse("jimpitan:tonight", args=[self.region.slug, self.fund.pk]))
        self.assertLessEqual(weight, core.BUDGET)

    def test_each_sheet_of_door_tags_is_light(self) -> None:
        client = Client()
        client.force_login(self.treasurer)
        url = reverse("jimpitan:tag_sheet", args=[self.region.slug, self.fund.pk])
        for page in (1, 2):
            with self.subTest(page=page):
                self.assertLessEqual(self.weight(client, f"{url}?page={page}"), core.BUDGET)
