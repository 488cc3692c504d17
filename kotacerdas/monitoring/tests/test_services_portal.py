"""The region's CKAN portal: Diskominfo sets it up; publishing pushes every open data table, against a local fake."""

from __future__ import annotations

import csv
import io
import json

from django.core.management import call_command
from django.test import override_settings
from django.utils.translation import gettext

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import NotAllowed
from kotacerdas.monitoring import opendata, services
from kotacerdas.monitoring.models import OpenDataPortal
from kotacerdas.monitoring.services import (
    CKAN_NAME_RULE,
    NO_PORTAL,
    NOT_PERMITTED,
    PORTAL_URL,
    TOKEN_REQUIRED,
    TOKEN_UNREADABLE,
    MonitoringError,
    PortalData,
)
from kotacerdas.monitoring.tests.factories import MonitoringTestCase, committed
from kotacerdas.monitoring.tests.fake_ckan import ORGANIZATION, TOKEN, FakeCkan

PACKAGE = "kota-cerdas-kotaraya"
FILES = [f"{name}.{kind}" for name in opendata.DATASETS for kind in ("csv", "json")]


class PortalTestCase(MonitoringTestCase):
    def portal(self, url: str, *, token: str = TOKEN, organization: str = ORGANIZATION) -> OpenDataPortal:
        data = PortalData(url=url, organization=organization, package_name=PACKAGE, token=token)
        return services.portal_save(region=self.region, data=data, actor=self.officer)


class PortalSaveTests(PortalTestCase):
    def test_it_lets_diskominfo_set_the_portal_and_keeps_the_token_encrypted(self) -> None:
        portal = self.portal("https://data.kotaraya.go.id")
        stored = OpenDataPortal.objects.get(region=self.region)
        self.assertEqual((stored.url, stored.organization, stored.package_name), (portal.url, ORGANIZATION, PACKAGE))
        self.assertNotIn(TOKEN, stored.token_sealed)
        self.assertEqual(stored.token(), TOKEN)

    def test_it_keeps_the_token_when_none_is_given_and_replaces_it_when_one_is(self) -> None:
        self.portal("https://data.kotaraya.go.id")
        self.portal("https://satudata.kotaraya.go.id", token="")
        stored = OpenDataPortal.objects.get(region=self.region)
        self.assertEqual((stored.url, stored.token()), ("https://satudata.kotaraya.go.id", TOKEN))
        self.portal("https://satudata.kotaraya.go.id", token="token-baru")
        self.assertEqual(OpenDataPortal.objects.get(region=self.region).token(), "token-baru")
        self.assertEqual(OpenDataPortal.objects.count(), 1)

    def test_it_audits_the_setting_without_the_token(self) -> None:
        portal = self.portal("https://data.kotaraya.go.id")
        entry = AuditEntry.objects.get(action=AuditAction.OPEN_DATA_PORTAL_SAVED)
        self.assertEqual((entry.actor, entry.region, entry.target_id), (self.officer, self.region, str(portal.pk)))
        self.assertEqual(entry.after["token"], "changed")
        self.assertNotIn(TOKEN, json.dumps(entry.after))

    def test_it_refuses_everyone_but_diskominfo(self) -> None:
        for actor in (self.planner, self.operator, self.leader, self.inspector, self.outsider):
            with self.subTest(actor=actor.username):
                data = PortalData(url="https://x.go.id", organization=ORGANIZATION, package_name=PACKAGE, token=TOKEN)
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda actor=actor, data=data: services.portal_save(region=self.region, data=data, actor=actor),
                )
        self.assertFalse(OpenDataPortal.objects.exists())

    def test_it_refuses_a_bad_address_name_or_a_missing_token(self) -> None:
        cases = {
            "file:///etc/passwd": ("url", PORTAL_URL, {}),
            "ftp://data.kotaraya.go.id": ("url", PORTAL_URL, {}),
            "https://data.kotaraya.go.id": ("organization", CKAN_NAME_RULE, {"organization": "Diskominfo Kota"}),
            "https://data.kotaraya.go.id/": ("token", TOKEN_REQUIRED, {"token": ""}),
        }
        for url, (field, message, overrides) in cases.items():
            with self.subTest(url=url, field=field):
                error = self.assertRefused(
                    MonitoringError, message, lambda url=url, overrides=overrides: self.portal(url, **overrides)
                )
                self.assertEqual(error.field, field)
        self.assertFalse(OpenDataPortal.objects.exists())


class OpenDataPublishTests(PortalTestCase):
    def test_it_creates_the_package_with_a_csv_and_a_json_file_per_table(self) -> None:
        with committed():
            self.report(status="approved")
            self.published_evaluation(2026)
        with FakeCkan() as ckan:
            self.portal(ckan.url)
            publication = services.opendata_publish(region=self.region, actor=self.officer)
        self.assertEqual((publication.ok, publication.resources, publication.message), (True, 10, ""))
        entry = AuditEntry.objects.get(action=AuditAction.OPEN_DATA_PUBLISHED)
        self.assertEqual((entry.actor, entry.after["ok"], entry.after["resources"]), (self.officer, True, 10))
        package = ckan.packages[PACKAGE]
        self.assertEqual(package.owner_org, ORGANIZATION)
        self.assertIn(self.region.name, package.title)
        self.assertEqual([r.name for r in package.resources], FILES)
        self.assertEqual(set(ckan.authorizations), {TOKEN})
        programmes = ckan.resource(PACKAGE, "programmes.csv")
        self.assertEqual((programmes.format, programmes.filename), ("CSV", "kotaraya-programmes.csv"))
        rows = list(csv.DictReader(io.StringIO(programmes.content.decode())))
        self.assertEqual([(r["title"], r["progress_percent"]) for r in rows], [("Penataan tepi sungai", "40.00")])
        evaluations = json.loads(ckan.resource(PACKAGE, "evaluations.json").content)
        self.assertEqual(evaluations["records"][0], {"year": 2026, "scope": "overall", "index": 3.2})
        stored = OpenDataPortal.objects.get(region=self.region)
        self.assertIsNotNone(stored.last_published_at)
        self.assertEqual(stored.last_error, "")

    def test_it_updates_the_same_files_the_next_time(self) -> None:
        with FakeCkan() as ckan:
            self.portal(ckan.url)
            services.opendata_publish(region=self.region, actor=self.officer)
            first_ids = [r.id for r in ckan.packages[PACKAGE].resources]
            with committed():
                self.report(status="approved")
            services.opendata_publish(region=self.region, actor=None)
        self.assertEqual([r.id for r in ckan.packages[PACKAGE].resources], first_ids)
        self.assertEqual(ckan.calls.count("package_create"), 1)
        self.assertEqual(ckan.calls.count("resource_update"), 10)
        rows = list(csv.DictReader(io.StringIO(ckan.resource(PACKAGE, "indicators.csv").content.decode())))
        self.assertEqual(rows[0]["actual"], "30.00")

    def test_it_stores_the_portals_refusal_and_says_why(self) -> None:
        with FakeCkan() as ckan:
            self.portal(ckan.url, token="token-salah")
            publication = services.opendata_publish(region=self.region, actor=self.officer)
        self.assertFalse(publication.ok)
        self.assertEqual(publication.message, "package_show: Authorization Error (HTTP 403): Access denied")
        stored = OpenDataPortal.objects.get(region=self.region)
        self.assertEqual((stored.last_published_at, stored.last_error), (None, publication.message))
        self.assertIsNotNone(stored.last_attempt_at)

    def test_it_reports_a_validation_error_of_the_portal(self) -> None:
        with FakeCkan() as ckan:
            self.portal(ckan.url, organization="dinas-lain")
            publication = services.opendata_publish(region=self.region, actor=self.officer)
        self.assertEqual(
            publication.message,
            "package_create: Validation Error (HTTP 409): owner_org: Organization does not exist",
        )
        self.assertEqual(ckan.packages, {})

    def test_it_says_so_when_the_answer_is_not_ckan_or_nobody_answers(self) -> None:
        with FakeCkan(broken=True) as ckan:
            self.portal(ckan.url)
            publication = services.opendata_publish(region=self.region, actor=self.officer)
        self.assertEqual(publication.message, "package_show: the portal did not answer like CKAN (HTTP 502)")
        address = ckan.url  # the fake has stopped: nothing listens there any more
        self.portal(address)
        publication = services.opendata_publish(region=self.region, actor=self.officer)
        self.assertFalse(publication.ok)
        self.assertTrue(publication.message.startswith("package_show: the portal cannot be reached"))
        self.assertNotIn(TOKEN, publication.message)

    def test_it_asks_for_the_token_again_when_the_servers_key_changed(self) -> None:
        with FakeCkan() as ckan:
            self.portal(ckan.url)
            with override_settings(SECRET_KEY="another-secret-key-after-rotation"):
                publication = services.opendata_publish(region=self.region, actor=self.officer)
        self.assertEqual((publication.ok, publication.message), (False, gettext(TOKEN_UNREADABLE)))
        self.assertEqual(ckan.calls, [])

    def test_it_refuses_without_a_portal_or_the_permission(self) -> None:
        self.assertRefused(
            MonitoringError, NO_PORTAL, lambda: services.opendata_publish(region=self.region, actor=self.officer)
        )
        with FakeCkan() as ckan:
            self.portal(ckan.url)
            self.assertRefused(
                NotAllowed,
                NOT_PERMITTED,
                lambda: services.opendata_publish(region=self.region, actor=self.planner),
            )
        self.assertEqual(ckan.calls, [])


class PublishOpenDataCommandTests(PortalTestCase):
    def test_it_publishes_every_region_set_to_publish_every_night(self) -> None:
        out, err = io.StringIO(), io.StringIO()
        with FakeCkan() as ckan:
            self.portal(ckan.url)
            call_command("publish_open_data", stdout=out, stderr=err)
        self.assertEqual(out.getvalue().strip(), "1 region(s) published, 0 failed.")
        self.assertEqual([r.name for r in ckan.packages[PACKAGE].resources], FILES)

    def test_it_names_the_region_whose_portal_failed(self) -> None:
        out, err = io.StringIO(), io.StringIO()
        with FakeCkan() as ckan:
            self.portal(ckan.url, token="token-salah")
            call_command("publish_open_data", stdout=out, stderr=err)
        self.assertEqual(out.getvalue().strip(), "0 region(s) published, 1 failed.")
        self.assertIn("kotaraya: package_show: Authorization Error", err.getvalue())
