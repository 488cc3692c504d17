"""The platform admin edits regions through /admin/; saves go through the audited services."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from kotacerdas.accounts.models import User
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import make_region


class RegionAdminTests(TestCase):
    def setUp(self) -> None:
        self.admin = User.objects.create_superuser(username="admin.platform", password="x-admin-password-1")
        self.client.force_login(self.admin)
        self.region = make_region("kotaraya", province="DIY")
        self.change_url = reverse("admin:regions_region_change", args=[self.region.pk])

    def post(self, **changes: object) -> None:
        data: dict[str, object] = {
            field: getattr(self.region, field)
            for field in ("name", "kind", "province", "seat", "time_zone", "jurisdiction", "district_kind")
        }
        data.update({"village_kind": self.region.village_kind, "is_active": "on", "_save": "Save"})
        data.update(changes)
        response = self.client.post(self.change_url, data)
        self.assertEqual(response.status_code, 302, response.content[:1000])

    def test_it_audits_an_edit_by_the_platform_admin(self) -> None:
        self.post(seat="Umbulharjo")
        entry = AuditEntry.objects.get(action=AuditAction.REGION_UPDATED)
        self.assertEqual((entry.actor, entry.region, entry.after), (self.admin, self.region, {"seat": "Umbulharjo"}))

    def test_it_keeps_code_and_slug_read_only(self) -> None:
        self.post(code="99.99", slug="lain")
        self.region.refresh_from_db()
        self.assertEqual((self.region.code, self.region.slug), ("34.71", "kotaraya"))

    def test_it_records_the_old_value_as_before(self) -> None:
        self.post(seat="Umbulharjo")
        entry = AuditEntry.objects.get(action=AuditAction.REGION_UPDATED)
        self.assertEqual(entry.before, {"seat": ""})

    def test_it_never_changes_a_field_without_an_audit_entry(self) -> None:
        self.post(kind="kabupaten")
        self.region.refresh_from_db()
        audited = AuditEntry.objects.filter(action=AuditAction.REGION_UPDATED, after__has_key="kind").exists()
        self.assertTrue(self.region.kind == "kota" or audited, "kind changed without an audit entry")
