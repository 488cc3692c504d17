"""A region's replication pages: each channel calls the services; permissions and bad input never a 500."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kotacerdas.accounts.roles import Role
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import make_agency, make_region, make_user
from kotacerdas.planning.models import Proposal
from kotacerdas.replication import template as tpl
from kotacerdas.replication.models import ImportRecord, ImportStatus, ReplicableProgramme, Visit
from kotacerdas.replication.tests.factories import ReplicationTestCase
from kotacerdas.replication.tests.test_services_visits import record_visit


class ViewTestCase(ReplicationTestCase):
    def url(self, name: str, region: Any = None, **kwargs: Any) -> str:
        slug = (region or self.other_region).slug
        return reverse(f"replication:{name}", kwargs={"region_slug": slug, **kwargs})

    def writes(self) -> tuple[int, int, int]:
        return ImportRecord.objects.count(), Proposal.objects.count(), AuditEntry.objects.count()


class HomeViewTests(ViewTestCase):
    def test_it_shows_staff_their_offers_imports_and_visits(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get(self.url("home", self.region))
        self.assertContains(response, "Layanan Kota Pintar")
        self.assertNotContains(response, "/offer/")  # the inspector reads, changes nothing

    def test_it_refuses_citizens_and_hides_the_region_from_outsiders(self) -> None:
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(self.url("home", self.region)).status_code, 403)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url("home", self.region)).status_code, 404)


class OfferViewTests(ViewTestCase):
    def post(self, **overrides: Any) -> Any:
        data = {
            "code": "tepi-sungai",
            "what_it_delivers": "Jalan inspeksi.",
            "contact_agency": self.public_works.pk,
            "started_on": "2026-01-01",
            "app_name": "",
            "app_needs": "",
            "scheme": "nightly",
            "nightly_amount": "500",
            "monthly_tariff": "0",
            "payment": "cash",
            "watch_start": "22:00",
            "watch_end": "04:00",
            "rw_share_percent": "30",
            "rotation": "weekly",
        }
        data.update(overrides)
        self.client.force_login(self.planner)
        return self.client.post(self.url("offer", self.region, programme_id=self.riverside.pk), data)

    def test_it_saves_the_offer_through_the_service(self) -> None:
        response = self.post(with_jimpitan="on")
        self.assertEqual(response.status_code, 302)
        offer = ReplicableProgramme.objects.get(programme=self.riverside)
        self.assertEqual(offer.contact_agency, self.public_works)
        self.assertEqual(offer.jimpitan["watch_end"], "04:00")

    def test_it_shows_form_errors_and_writes_nothing(self) -> None:
        before = AuditEntry.objects.count()
        for bad in (
            {"code": "Bukan Kode!"},
            {"started_on": "kemarin"},
            {"code": "layanan-pintar"},
            {"with_jimpitan": "on", "nightly_amount": "0"},
            {"contact_agency": "999999"},
        ):
            with self.subTest(bad=bad):
                response = self.post(**bad)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "errorlist")
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_it_refuses_roles_other_than_bappeda(self) -> None:
        self.client.force_login(self.officer)
        self.assertEqual(
            self.client.get(self.url("offer", self.region, programme_id=self.riverside.pk)).status_code, 403
        )

    def test_it_withdraws_an_offer(self) -> None:
        self.client.force_login(self.planner)
        response = self.client.post(self.url("withdraw", self.region, programme_id=self.riverside.pk))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ReplicableProgramme.objects.filter(programme=self.riverside).exists())


class ExportViewTests(ViewTestCase):
    def test_it_downloads_the_whole_set_or_a_part(self) -> None:
        self.client.force_login(self.officer)
        self.assertContains(self.client.get(self.url("export", self.region)), "tepi-sungai")
        response = self.client.get(self.url("export_download", self.region), {"programme": "layanan-pintar"})
        self.assertEqual([p.code for p in tpl.parse(response.content).programmes], ["layanan-pintar"])

    def test_it_says_so_when_nothing_is_chosen(self) -> None:
        self.client.force_login(self.target_planner)
        response = self.client.get(self.url("export_download"))
        self.assertRedirects(response, self.url("export"))


class ImportNewViewTests(ViewTestCase):
    def upload(self, content: bytes) -> Any:
        self.client.force_login(self.target_planner)
        upload = SimpleUploadedFile("template.json", content, content_type="application/json")
        return self.client.post(self.url("import_new"), {"upload": "1", "file": upload})

    def test_it_reads_an_uploaded_template_and_goes_to_the_mapping(self) -> None:
        response = self.upload(tpl.dumps(self.source_template()).encode())
        record = ImportRecord.objects.get(region=self.other_region)
        self.assertRedirects(response, self.url("import", import_id=record.pk))

    def test_it_refuses_bad_files_with_a_clear_error_and_writes_nothing(self) -> None:
        valid = json.loads(tpl.dumps(self.source_template()))
        before = self.writes()
        for content in (
            b"not json",
            json.dumps({**valid, "version": 2}).encode(),
            json.dumps({**valid, "programmes": {}}).encode(),
            b" " * (tpl.MAX_TEMPLATE_BYTES + 10),
        ):
            with self.subTest(content=content[:30]):
                response = self.upload(content)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "errorlist")
        self.assertEqual(self.writes(), before)

    def test_it_prepares_programmes_chosen_in_another_regions_catalogue(self) -> None:
        self.client.force_login(self.target_planner)
        page = self.client.get(self.url("import_new"), {"source": self.region.slug, "programme": "tepi-sungai"})
        self.assertContains(page, "Penataan tepi sungai")
        response = self.client.post(self.url("import_new"), {"source": self.region.slug, "programme": ["tepi-sungai"]})
        record = ImportRecord.objects.get(region=self.other_region)
        self.assertRedirects(response, self.url("import", import_id=record.pk))
        self.assertEqual(record.programme_codes, ["tepi-sungai"])

    def test_it_refuses_a_choice_outside_the_catalogue_and_an_unknown_source(self) -> None:
        self.client.force_login(self.target_planner)
        response = self.client.post(self.url("import_new"), {"source": self.region.slug, "programme": ["rahasia"]})
        self.assertContains(response, "errorlist")
        self.assertEqual(self.client.get(self.url("import_new"), {"source": "tidak-ada"}).status_code, 404)
        self.assertFalse(ImportRecord.objects.exists())

    def test_it_refuses_roles_without_the_permission(self) -> None:
        self.client.force_login(self.target_officer)
        self.assertEqual(self.client.get(self.url("import_new")).status_code, 403)


class ImportDetailViewTests(ViewTestCase):
    def mapping_post(self, action: str, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "action": action,
            "agency_agency-1": self.target_ict.pk,
            "agency_agency-2": self.target_works.pk,
        }
        data.update(overrides)
        return data

    def test_it_suggests_the_mapping_by_special_role_and_function(self) -> None:
        record = self.prepared()
        self.client.force_login(self.target_planner)
        response = self.client.get(self.url("import", import_id=record.pk))
        self.assertEqual(response.context["form"]["agency_agency-1"].initial, self.target_ict)
        self.assertEqual(response.context["form"]["agency_agency-2"].initial, self.target_works)

    def test_it_runs_a_dry_run_that_writes_nothing(self) -> None:
        record = self.prepared()
        self.client.force_login(self.target_planner)
        before = self.writes()
        response = self.client.post(self.url("import", import_id=record.pk), self.mapping_post("dry_run"))
        self.assertContains(response, 'id="dry-run"')
        self.assertContains(response, self.target_works.name)
        self.assertEqual(self.writes(), before)

    def test_it_imports_and_shows_the_new_proposals(self) -> None:
        record = self.prepared()
        self.client.force_login(self.target_planner)
        url = self.url("import", import_id=record.pk)
        self.assertRedirects(self.client.post(url, self.mapping_post("import")), url)
        response = self.client.get(url)
        self.assertContains(response, 'id="new-proposals"')
        self.assertContains(response, "Penataan tepi sungai")
        self.assertEqual(Proposal.objects.filter(region=self.other_region).count(), 2)

    def test_it_names_an_agency_left_unmapped_and_writes_nothing(self) -> None:
        record = self.prepared()
        self.client.force_login(self.target_planner)
        before = self.writes()
        response = self.client.post(
            self.url("import", import_id=record.pk), self.mapping_post("import", **{"agency_agency-2": ""})
        )
        self.assertContains(response, self.public_works.name)
        self.assertContains(response, "errorlist")
        self.assertEqual(self.writes(), before)

    def test_it_refuses_a_mapping_to_an_agency_of_another_region(self) -> None:
        record = self.prepared()
        self.client.force_login(self.target_planner)
        response = self.client.post(
            self.url("import", import_id=record.pk),
            self.mapping_post("import", **{"agency_agency-2": self.public_works.pk}),
        )
        self.assertContains(response, "errorlist")
        self.assertFalse(Proposal.objects.filter(region=self.other_region).exists())

    def test_it_discards_and_then_refuses_further_posts(self) -> None:
        record = self.prepared()
        self.client.force_login(self.target_planner)
        url = self.url("import", import_id=record.pk)
        self.client.post(url, {"action": "discard"})
        record.refresh_from_db()
        self.assertEqual(record.status, ImportStatus.DISCARDED)
        self.assertEqual(self.client.post(url, self.mapping_post("import")).status_code, 200)
        self.assertFalse(Proposal.objects.filter(region=self.other_region).exists())

    def test_it_lets_staff_read_but_only_bappeda_import(self) -> None:
        record = self.prepared()
        self.client.force_login(self.target_officer)
        url = self.url("import", import_id=record.pk)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url, self.mapping_post("import")).status_code, 403)


class VisitViewTests(ViewTestCase):
    def test_it_records_a_visit_in_two_steps(self) -> None:
        self.client.force_login(self.target_planner)
        chooser = self.client.get(self.url("visit_new"))
        self.assertContains(chooser, self.region.name)
        url = self.url("visit_new") + f"?host={self.region.slug}"
        form = self.client.get(url)
        self.assertContains(form, self.diskominfo.name)
        data = {
            "host_agency": self.diskominfo.pk,
            "visited_on": "2023-11-09",
            "topics": "JSS dan M3K.",
            "head": self.other_agency.pk,
            "delegation": [self.target_ict.pk],
            "programmes": [self.smart_service.pk],
        }
        response = self.client.post(url, data)
        visit = Visit.objects.get()
        self.assertRedirects(response, self.url("visit", visit_id=visit.pk))

    def test_it_shows_form_errors_for_bad_input(self) -> None:
        self.client.force_login(self.target_planner)
        url = self.url("visit_new") + f"?host={self.region.slug}"
        for data in (
            {},
            {
                "host_agency": self.target_ict.pk,
                "visited_on": "1900-01-01",
                "topics": "x",
                "head": self.other_agency.pk,
            },
        ):
            with self.subTest(data=data):
                self.assertContains(self.client.post(url, data), "errorlist")
        self.assertEqual(self.client.get(self.url("visit_new") + "?host=tidak-ada").status_code, 200)
        self.assertFalse(Visit.objects.exists())

    def test_both_regions_staff_see_the_visit_and_its_follow_up_nobody_else(self) -> None:
        from kotacerdas.replication import services

        visit = record_visit(self)
        services.import_complete(
            record=self.prepared(), mapping=self.full_mapping(), visit=visit, actor=self.target_planner
        )
        host_url = self.url("visit", self.region, visit_id=visit.pk)
        for user in (self.operator, self.inspector):
            self.client.force_login(user)
            response = self.client.get(host_url)
            self.assertContains(response, 'id="follow-up"')
            self.assertContains(response, "Penataan tepi sungai")
        self.client.force_login(self.target_officer)
        self.assertEqual(self.client.get(self.url("visit", visit_id=visit.pk)).status_code, 200)
        third = make_region("kotaketiga", code="35.78")
        stranger = make_user(
            "stranger", Role.BAPPEDA_PLANNER, third, agency=make_agency(third, "bappeda", special_role="planning")
        )
        self.client.force_login(stranger)
        self.assertEqual(self.client.get(self.url("visit", third, visit_id=visit.pk)).status_code, 404)
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(host_url).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(host_url).status_code, 302)
