"""Agency pages: the public directory and detail, and the capability form of the agency's own staff."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import SUCCESS
from django.urls import reverse
from django.utils.translation import gettext, override

from kotacerdas.agencies.models import Agency, Capability
from kotacerdas.agencies.services import CapabilityChoice, capabilities_declare
from kotacerdas.core.testing import RegionTestCase, make_agency, make_region
from kotacerdas.framework.models import Element
from kotacerdas.regions.models import Region

SECRET_NOTE = "Catatan internal: anggaran belum pasti"


def element(code: str) -> Element:
    return Element.objects.get(code=code, region=None)


class AgencyPageTestCase(RegionTestCase):
    def url(self, name: str, region: Region | None = None, **kwargs: object) -> str:
        return reverse(f"agencies:{name}", kwargs={"region_slug": (region or self.region).slug, **kwargs})

    def shown(self, response: Any) -> list[str]:
        return [agency.slug for agency in response.context["agencies"]]


class AgencyListTests(AgencyPageTestCase):
    def test_it_lists_the_regions_active_agencies_by_name(self) -> None:
        Agency.objects.filter(pk=self.inspektorat.pk).update(is_active=False)
        response = self.client.get(self.url("list"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.shown(response), ["bappeda", "diskominfo", "dpupkp"])

    def test_it_counts_the_elements_each_agency_supports(self) -> None:
        choices = [CapabilityChoice(element("living.harmony")), CapabilityChoice(element("environment.waste"))]
        capabilities_declare(agency=self.public_works, choices=choices, actor=None)
        counts = {a.slug: a.capability_count for a in self.client.get(self.url("list")).context["agencies"]}
        self.assertEqual(counts["dpupkp"], 2)
        self.assertEqual(counts["bappeda"], 0)

    def test_it_filters_by_kind(self) -> None:
        self.assertEqual(self.shown(self.client.get(self.url("list"), {"kind": "badan"})), ["bappeda"])

    def test_it_searches_names_and_short_names(self) -> None:
        self.assertEqual(self.shown(self.client.get(self.url("list"), {"q": "dpupkp"})), ["dpupkp"])
        self.assertEqual(self.shown(self.client.get(self.url("list"), {"q": "Inspektorat"})), ["inspektorat"])

    def test_it_ignores_an_unknown_kind(self) -> None:
        response = self.client.get(self.url("list"), {"kind": "ministry"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["kind"], "")
        self.assertEqual(len(self.shown(response)), 4)

    def test_it_never_lists_another_regions_agencies(self) -> None:
        make_agency(self.other_region, "dishub-lain", name="Dinas Perhubungan Lain")
        self.assertNotContains(self.client.get(self.url("list")), "Dinas Perhubungan Lain")

    def test_it_pins_the_query_count_whatever_the_number_of_agencies(self) -> None:
        region = make_region("kotabaru", code="33.72")
        for n in range(3):
            make_agency(region, f"dinas-{n}")
        with self.assertNumQueries(2):
            response = self.client.get(self.url("list", region))
        self.assertEqual(len(response.context["agencies"]), 3)
        for n in range(3, 20):
            make_agency(region, f"dinas-{n}")
        with self.assertNumQueries(2):
            response = self.client.get(self.url("list", region))
        self.assertEqual(len(response.context["agencies"]), 20)


class AgencyDetailTests(AgencyPageTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        choice = CapabilityChoice(element("living.harmony"), note=SECRET_NOTE)
        capabilities_declare(agency=cls.public_works, choices=[choice], actor=cls.operator)

    def detail(self) -> Any:
        return self.client.get(self.url("detail", agency_slug=self.public_works.slug))

    def test_it_shows_the_declared_elements_to_anyone(self) -> None:
        response = self.detail()
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, element("living.harmony").name)

    def test_it_shows_the_notes_to_staff_members_of_the_region(self) -> None:
        for user in (self.operator, self.planner, self.leader, self.inspector):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertContains(self.detail(), SECRET_NOTE)

    def test_it_hides_the_notes_from_anonymous_visitors(self) -> None:
        self.assertNotContains(self.detail(), SECRET_NOTE)

    def test_it_hides_the_notes_from_citizens(self) -> None:
        self.client.force_login(self.citizen)
        self.assertNotContains(self.detail(), SECRET_NOTE)

    def test_it_hides_the_notes_from_staff_of_another_region(self) -> None:
        self.client.force_login(self.outsider)
        self.assertNotContains(self.detail(), SECRET_NOTE)

    def test_it_offers_the_capability_form_only_to_the_agencys_staff(self) -> None:
        form_url = self.url("capabilities", agency_slug=self.public_works.slug)
        self.client.force_login(self.operator)
        self.assertContains(self.detail(), form_url)
        self.client.force_login(self.planner)
        self.assertNotContains(self.detail(), form_url)

    def test_it_answers_404_for_an_agency_of_another_region(self) -> None:
        make_agency(self.other_region, "dishub-lain")
        self.assertEqual(self.client.get(self.url("detail", agency_slug="dishub-lain")).status_code, 404)


class CapabilityDeclareViewTests(AgencyPageTestCase):
    def form_url(self, agency: Agency | None = None) -> str:
        return self.url("capabilities", agency_slug=(agency or self.public_works).slug)

    def post(self, data: dict[str, str], **extra: Any) -> Any:
        return self.client.post(self.form_url(), data, **extra)

    def fields(self, code: str) -> tuple[str, str]:
        pk = element(code).pk
        return f"el_{pk}", f"note_{pk}"

    def test_it_shows_the_form_to_the_agencys_operator(self) -> None:
        self.client.force_login(self.operator)
        response = self.client.get(self.form_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["form"].elements), 18)

    def test_it_saves_the_ticked_elements_with_their_notes(self) -> None:
        self.client.force_login(self.operator)
        tick, note = self.fields("living.harmony")
        response = self.post({tick: "on", note: "  Penataan M3K  "})
        self.assertRedirects(response, self.url("detail", agency_slug=self.public_works.slug))
        cap = Capability.objects.get(agency=self.public_works)
        self.assertEqual(
            (cap.element.code, cap.note, cap.declared_by), ("living.harmony", "Penataan M3K", self.operator)
        )

    def test_it_confirms_the_save_with_a_message(self) -> None:
        self.client.force_login(self.operator)
        tick, _note = self.fields("living.harmony")
        response = self.post({tick: "on"}, follow=True)
        messages = list(response.context["messages"])
        self.assertEqual([m.level for m in messages], [SUCCESS])
        with override("id"):
            self.assertEqual(str(messages[0]), gettext("The agency's capabilities were saved."))

    def test_it_shows_the_current_declaration_as_initial_values(self) -> None:
        capabilities_declare(
            agency=self.public_works, choices=[CapabilityChoice(element("living.harmony"), "M3K")], actor=None
        )
        self.client.force_login(self.operator)
        form = self.client.get(self.form_url()).context["form"]
        tick, note = self.fields("living.harmony")
        self.assertTrue(form[tick].initial)
        self.assertEqual(form[note].initial, "M3K")

    def test_it_refuses_an_operator_of_another_agency(self) -> None:
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(self.form_url(self.bappeda)).status_code, 403)
        tick, _note = self.fields("governance.public-policy")
        self.assertEqual(self.client.post(self.form_url(self.bappeda), {tick: "on"}).status_code, 403)
        self.assertFalse(Capability.objects.exists())

    def test_it_refuses_a_citizen(self) -> None:
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(self.form_url()).status_code, 403)

    def test_it_hides_the_page_from_staff_of_another_region(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.form_url()).status_code, 404)

    def test_it_sends_anonymous_visitors_to_the_login_page(self) -> None:
        response = self.client.get(self.form_url())
        self.assertRedirects(
            response, f"{reverse('accounts:login')}?next={self.form_url()}", fetch_redirect_response=False
        )

    def test_it_refuses_a_note_without_the_tick(self) -> None:
        self.client.force_login(self.operator)
        _tick, note = self.fields("living.harmony")
        response = self.post({note: "Tanpa centang"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(note, response.context["form"].errors)
        self.assertFalse(Capability.objects.exists())

    def test_it_refuses_a_note_over_500_characters(self) -> None:
        self.client.force_login(self.operator)
        tick, note = self.fields("living.harmony")
        response = self.post({tick: "on", note: "x" * 501})
        self.assertEqual(response.status_code, 200)
        self.assertIn(note, response.context["form"].errors)
        self.assertFalse(Capability.objects.exists())
