"""Every page looks its region up; a process keeps it for a while, and a saved change is seen at once."""

from __future__ import annotations

from django.test import Client, TestCase, override_settings

from kotacerdas.core.tenancy import active_region
from kotacerdas.core.testing import make_region


@override_settings(REGION_CACHE_SECONDS=30)
class RegionCacheTests(TestCase):
    def setUp(self) -> None:
        self.region = make_region()

    def test_a_region_is_read_once_then_kept(self) -> None:
        with self.assertNumQueries(1):
            self.assertEqual(active_region(self.region.slug), self.region)
        with self.assertNumQueries(0):
            self.assertEqual(active_region(self.region.slug), self.region)

    def test_saving_a_region_drops_it_at_once(self) -> None:
        page = f"/{self.region.slug}/open/"
        self.assertEqual(Client().get(page).status_code, 200)
        self.region.is_active = False
        self.region.save()
        self.assertIsNone(active_region(self.region.slug))
        self.assertEqual(Client().get(page).status_code, 404)

    def test_a_renamed_region_shows_its_new_name(self) -> None:
        active_region(self.region.slug)
        self.region.name = "Kota Kotaraya Baru"
        self.region.save()
        self.assertEqual(active_region(self.region.slug).name, "Kota Kotaraya Baru")  # type: ignore[union-attr]

    def test_an_unknown_slug_is_never_kept(self) -> None:
        self.assertIsNone(active_region("kota-baru"))
        region = make_region("kota-baru", code="34.99")
        self.assertEqual(active_region("kota-baru"), region)

    def test_a_slug_longer_than_any_region_s_is_refused_without_a_query(self) -> None:
        with self.assertNumQueries(0):
            self.assertIsNone(active_region("x" * 51))


@override_settings(REGION_CACHE_SECONDS=0)
class RegionCacheOffTests(TestCase):
    def test_zero_seconds_reads_the_region_every_time(self) -> None:
        region = make_region()
        for _ in range(2):
            with self.assertNumQueries(1):
                active_region(region.slug)
