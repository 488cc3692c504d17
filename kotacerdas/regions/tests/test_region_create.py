"""region_create: a new tenant is validated before it is saved, and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.test import TestCase

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.regions import services
from kotacerdas.regions.models import Region


def region_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "Kota Magelang",
        "kind": "kota",
        "code": "33.71",
        "slug": "magelang",
        "jurisdiction": "magelangkota.go.id",
        "time_zone": "Asia/Jakarta",
        "district_kind": "kecamatan",
        "village_kind": "kelurahan",
        "actor": None,
    }
    fields.update(overrides)
    return fields


class RegionCreateTests(TestCase):
    def test_it_creates_the_region_and_audits_it(self) -> None:
        region = services.region_create(**region_fields())
        self.assertEqual(Region.objects.get(slug="magelang"), region)
        entry = AuditEntry.objects.get(action=AuditAction.REGION_CREATED, target_id=str(region.pk))
        self.assertEqual(entry.region, region)
        self.assertEqual(entry.after, {"name": "Kota Magelang"})
        self.assertEqual(entry.actor_label, "system")

    def test_it_accepts_a_time_zone_of_eastern_indonesia(self) -> None:
        region = services.region_create(**region_fields(time_zone="Asia/Jayapura"))
        self.assertEqual(region.time_zone, "Asia/Jayapura")

    def test_it_refuses_a_code_not_in_kemendagri_format(self) -> None:
        for code in ("3371", "33.7", "33.71.1", "ab.cd"):
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught:
                services.region_create(**region_fields(code=code))
            self.assertIn("code", caught.exception.message_dict)
        self.assertFalse(Region.objects.filter(slug="magelang").exists())

    def test_it_refuses_an_unknown_time_zone(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.region_create(**region_fields(time_zone="Asia/Atlantis"))
        self.assertIn("time_zone", caught.exception.message_dict)
        self.assertFalse(Region.objects.filter(slug="magelang").exists())

    def test_it_refuses_a_duplicate_slug(self) -> None:
        services.region_create(**region_fields())
        with self.assertRaises(ValidationError) as caught:
            services.region_create(**region_fields(code="33.08", jurisdiction="magelangkab.go.id"))
        self.assertIn("slug", caught.exception.message_dict)
        self.assertEqual(Region.objects.filter(slug="magelang").count(), 1)

    def test_it_refuses_a_slug_the_platform_reserves(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.region_create(**region_fields(slug="admin"))
        self.assertIn("slug", caught.exception.message_dict)

    def test_it_writes_no_audit_entry_when_refused(self) -> None:
        before = AuditEntry.objects.count()
        with self.assertRaises(ValidationError):
            services.region_create(**region_fields(code="bad"))
        self.assertEqual(AuditEntry.objects.count(), before)
