"""Framework pages: the public dimension list and the coverage matrix for planners and overseers."""

from __future__ import annotations

from django.urls import reverse

from kotacerdas.agencies.services import CapabilityChoice, capabilities_declare
from kotacerdas.core.testing import RegionTestCase, make_agency
from kotacerdas.framework import services
from kotacerdas.framework.models import Dimension, Element


class FrameworkPageTestCase(RegionTestCase):
    def url(self, name: str) -> str:
        return reverse(f"framework:{name}", kwargs={"region_slug": self.region.slug})


class DimensionListTests(FrameworkPageTestCase):
    def test_it_shows_the_dimensions_and_the_regions_elements_to_anyone(self) -> None:
        society = Dimension.objects.get(code="society")
        services.element_create(
            dimension=society, region=self.region, code="s.a", name="Ronda Kita", name_en="A", actor=None
        )
        services.element_create(
            dimension=society, region=self.other_region, code="s.b", name="Ronda Mereka", name_en="B", actor=None
        )
        response = self.client.get(self.url("dimensions"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Smart Governance")
        self.assertContains(response, "Ronda Kita")
        self.assertNotContains(response, "Ronda Mereka")


class CoverageViewTests(FrameworkPageTestCase):
    def test_it_shows_the_matrix_to_planners_officers_leaders_and_inspectors(self) -> None:
        for user in (self.planner, self.officer, self.leader, self.inspector):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url("coverage"))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(response.context["matrix"].rows), 4)

    def test_it_marks_the_declared_cells(self) -> None:
        element = Element.objects.get(code="living.harmony", region=None)
        capabilities_declare(agency=self.public_works, choices=[CapabilityChoice(element)], actor=None)
        self.client.force_login(self.planner)
        response = self.client.get(self.url("coverage"))
        self.assertContains(response, '<td class="yes">', count=1)

    def test_it_refuses_an_agency_operator(self) -> None:
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(self.url("coverage")).status_code, 403)

    def test_it_refuses_a_citizen(self) -> None:
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(self.url("coverage")).status_code, 403)

    def test_it_hides_the_page_from_staff_of_another_region(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url("coverage")).status_code, 404)

    def test_it_sends_anonymous_visitors_to_the_login_page(self) -> None:
        response = self.client.get(self.url("coverage"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_it_pins_the_query_count_whatever_the_number_of_agencies(self) -> None:
        self.client.force_login(self.planner)
        with self.assertNumQueries(6):
            self.client.get(self.url("coverage"))
        for n in range(10):
            make_agency(self.region, f"dinas-{n}")
        with self.assertNumQueries(6):
            response = self.client.get(self.url("coverage"))
        self.assertEqual(len(response.context["matrix"].rows), 14)
