"""Region pages: public, scoped to the region in the URL, with pinned query counts."""

from __future__ import annotations

from django.urls import reverse

from kotacerdas.core.testing import RegionTestCase
from kotacerdas.regions import services
from kotacerdas.regions.models import Region


class RegionPageTestCase(RegionTestCase):
    def url(self, name: str, region: Region | None = None, **kwargs: object) -> str:
        return reverse(f"regions:{name}", kwargs={"region_slug": (region or self.region).slug, **kwargs})


class RegionHomeTests(RegionPageTestCase):
    def test_it_shows_the_region_to_anonymous_visitors(self) -> None:
        response = self.client.get(self.url("home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Kota Kotaraya")
        self.assertEqual(response.context["counts"], {1: 1, 2: 1, 3: 1, 4: 1})
        self.assertEqual(response.context["agency_count"], 4)
        self.assertFalse(response.context["is_staff"])

    def test_it_links_the_work_pages_for_staff(self) -> None:
        self.client.force_login(self.planner)
        response = self.client.get(self.url("home"))
        self.assertTrue(response.context["is_staff"])
        self.assertContains(response, reverse("audit:list", kwargs={"region_slug": self.region.slug}))

    def test_it_hides_the_work_pages_from_citizens(self) -> None:
        self.client.force_login(self.citizen)
        response = self.client.get(self.url("home"))
        self.assertFalse(response.context["is_staff"])
        self.assertNotContains(response, reverse("audit:list", kwargs={"region_slug": self.region.slug}))

    def test_it_hides_the_work_pages_from_staff_of_another_region(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(self.url("home"))
        self.assertFalse(response.context["is_staff"])

    def test_it_answers_404_for_an_unknown_region(self) -> None:
        self.assertEqual(self.client.get("/tidakada/").status_code, 404)

    def test_it_answers_404_for_an_inactive_region(self) -> None:
        Region.objects.filter(pk=self.other_region.pk).update(is_active=False)
        self.assertEqual(self.client.get(self.url("home", self.other_region)).status_code, 404)


class AreaListTests(RegionPageTestCase):
    def test_it_shows_the_tree_to_anonymous_visitors(self) -> None:
        response = self.client.get(self.url("area_list"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Wirobrajan")
        self.assertContains(response, self.url("area_detail", area_id=self.kelurahan.pk))

    def test_it_leaves_out_the_areas_of_other_regions(self) -> None:
        services.area_create(region=self.other_region, parent=None, kind="kecamatan", name="Selangit", actor=None)
        self.assertNotContains(self.client.get(self.url("area_list")), "Selangit")

    def test_it_pins_the_query_count_whatever_the_number_of_areas(self) -> None:
        with self.assertNumQueries(2):
            self.client.get(self.url("area_list"))
        for n in range(12):
            district = services.area_create(
                region=self.region, parent=None, kind="kemantren", name=f"Kemantren {n}", actor=None
            )
            services.area_create(region=self.region, parent=district, kind="kelurahan", name=f"Kel {n}", actor=None)
        with self.assertNumQueries(2):
            response = self.client.get(self.url("area_list"))
        self.assertEqual(len(response.context["tree"]), 13)


class AreaDetailTests(RegionPageTestCase):
    def test_it_shows_the_unit_its_parent_and_its_children(self) -> None:
        response = self.client.get(self.url("area_detail", area_id=self.kelurahan.pk))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Patangpuluhan")
        self.assertContains(response, self.url("area_detail", area_id=self.kemantren.pk))
        self.assertEqual(list(response.context["children"]), [self.rw])

    def test_it_answers_404_for_an_area_of_another_region(self) -> None:
        foreign = services.area_create(
            region=self.other_region, parent=None, kind="kecamatan", name="Selangit", actor=None
        )
        self.assertEqual(self.client.get(self.url("area_detail", area_id=foreign.pk)).status_code, 404)
        self.assertEqual(
            self.client.get(self.url("area_detail", self.other_region, area_id=foreign.pk)).status_code, 200
        )

    def test_it_answers_404_for_an_unknown_area(self) -> None:
        self.assertEqual(self.client.get(self.url("area_detail", area_id=999999)).status_code, 404)

    def test_it_answers_404_for_an_absurdly_large_id(self) -> None:
        self.assertEqual(self.client.get(f"/{self.region.slug}/areas/{'9' * 30}/").status_code, 404)
