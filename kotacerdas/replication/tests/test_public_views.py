"""The public catalogue of good practices, the template download and the format's documentation."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from kotacerdas.replication import services
from kotacerdas.replication import template as tpl
from kotacerdas.replication.tests.factories import ReplicationTestCase


class CatalogueHomeTests(ReplicationTestCase):
    def test_it_lists_offered_programmes_with_what_they_deliver_and_their_lead_agencys_kind(self) -> None:
        response = self.client.get(reverse("catalogue:home"))
        self.assertContains(response, "Layanan Kota Pintar")
        self.assertContains(response, "Yang dihasilkan Penataan tepi sungai.")
        self.assertContains(response, "114,72")  # the latest actual
        self.assertNotContains(response, self.public_works.name)  # what the lead does, not who

    def test_it_filters_by_dimension(self) -> None:
        response = self.client.get(reverse("catalogue:home"), {"dimension": "living"})
        self.assertContains(response, "Penataan tepi sungai")
        self.assertNotContains(response, "Layanan Kota Pintar")

    def test_it_drops_a_withdrawn_offer(self) -> None:
        services.offer_withdraw(offer=self.smart_offer, actor=self.planner)
        self.assertNotContains(self.client.get(reverse("catalogue:home")), "Layanan Kota Pintar")

    def test_it_reads_the_catalogue_in_a_fixed_number_of_queries(self) -> None:
        with self.assertNumQueries(5):
            self.client.get(reverse("catalogue:home"))


class RegionCatalogueTests(ReplicationTestCase):
    def url(self) -> str:
        return reverse("catalogue:region", kwargs={"region_slug": self.region.slug})

    def test_it_shows_the_contact_agency_the_results_and_a_download(self) -> None:
        response = self.client.get(self.url())
        self.assertContains(response, self.diskominfo.name)
        self.assertContains(response, "278,7")
        self.assertContains(response, reverse("catalogue:template", kwargs={"region_slug": self.region.slug}))
        self.assertContains(response, reverse("accounts:login"))

    def test_it_offers_a_planner_of_another_region_to_import_into_their_region(self) -> None:
        self.client.force_login(self.target_planner)
        response = self.client.get(self.url())
        self.assertContains(response, reverse("replication:import_new", kwargs={"region_slug": self.other_region.slug}))

    def test_it_offers_no_import_to_the_regions_own_planner(self) -> None:
        self.client.force_login(self.planner)
        self.assertNotContains(self.client.get(self.url()), "/replication/imports/new/")


class RegionTemplateTests(ReplicationTestCase):
    def url(self) -> str:
        return reverse("catalogue:template", kwargs={"region_slug": self.region.slug})

    def test_it_downloads_the_offered_programmes_as_a_template_file(self) -> None:
        response = Client().get(self.url())
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        template = tpl.parse(response.content)
        self.assertEqual([p.code for p in template.programmes], ["layanan-pintar", "tepi-sungai"])

    def test_it_downloads_a_chosen_part(self) -> None:
        response = Client().get(self.url(), {"programme": ["tepi-sungai"]})
        self.assertEqual([p["code"] for p in json.loads(response.content)["programmes"]], ["tepi-sungai"])

    def test_it_answers_404_when_nothing_matches(self) -> None:
        self.assertEqual(Client().get(self.url(), {"programme": "tidak-ada"}).status_code, 404)
        empty = reverse("catalogue:template", kwargs={"region_slug": self.other_region.slug})
        self.assertEqual(Client().get(empty).status_code, 404)


class FormatTests(ReplicationTestCase):
    def test_it_documents_the_format_and_serves_its_schema(self) -> None:
        self.assertContains(self.client.get(reverse("catalogue:format")), "kotacerdas-template")
        schema = self.client.get(reverse("catalogue:schema")).json()
        self.assertEqual(schema["$id"], "kotacerdas-template-v1")
