"""The platform admin edits the framework through /admin/; every save goes through the audited services."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from kotacerdas.accounts.models import User
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.framework.models import Dimension, Element


def element_post(element: Element, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": element.name,
        "name_en": element.name_en,
        "description": element.description,
        "description_en": element.description_en,
        "order": element.order,
        "_save": "Save",
    }
    data.update(changes)
    return data


class ElementAdminTests(TestCase):
    def setUp(self) -> None:
        self.admin = User.objects.create_superuser(username="admin.platform", password="x-admin-password-1")
        self.client.force_login(self.admin)
        self.element = Element.objects.get(code="living.health", region=None)
        self.change_url = reverse("admin:framework_element_change", args=[self.element.pk])

    def test_it_audits_an_edit_by_the_platform_admin(self) -> None:
        response = self.client.post(self.change_url, element_post(self.element, name_en="Health care"))
        self.assertRedirects(response, reverse("admin:framework_element_changelist"))
        self.element.refresh_from_db()
        self.assertEqual(self.element.name_en, "Health care")
        entry = AuditEntry.objects.get(action=AuditAction.ELEMENT_UPDATED)
        self.assertEqual((entry.actor, entry.target_id), (self.admin, str(self.element.pk)))
        self.assertEqual(entry.after, {"name_en": "Health care"})

    def test_it_records_the_old_value_as_before(self) -> None:
        self.client.post(self.change_url, element_post(self.element, name_en="Health care"))
        entry = AuditEntry.objects.get(action=AuditAction.ELEMENT_UPDATED)
        self.assertEqual(entry.before, {"name_en": "Health"})

    def test_it_keeps_the_code_read_only(self) -> None:
        self.client.post(self.change_url, element_post(self.element, code="living.wellbeing"))
        self.element.refresh_from_db()
        self.assertEqual(self.element.code, "living.health")

    def test_it_audits_an_element_added_by_the_platform_admin(self) -> None:
        society = Dimension.objects.get(code="society")
        data = {
            "dimension": society.pk,
            "region": "",
            "code": "society.volunteering",
            "name": "Relawan",
            "name_en": "Volunteering",
            "description": "",
            "description_en": "",
            "order": 4,
            "_save": "Save",
        }
        response = self.client.post(reverse("admin:framework_element_add"), data)
        self.assertEqual(response.status_code, 302)
        element = Element.objects.get(code="society.volunteering")
        entry = AuditEntry.objects.get(action=AuditAction.ELEMENT_CREATED)
        self.assertEqual((entry.actor, entry.target_id), (self.admin, str(element.pk)))


class DimensionAdminTests(TestCase):
    def setUp(self) -> None:
        self.admin = User.objects.create_superuser(username="admin.platform", password="x-admin-password-1")
        self.client.force_login(self.admin)
        self.dimension = Dimension.objects.get(code="branding")

    def test_it_audits_an_edit_by_the_platform_admin(self) -> None:
        data = {
            "name": "Smart Branding",
            "name_en": "Smart Branding",
            "description": "Citra kota",
            "description_en": "",
            "order": self.dimension.order,
            "_save": "Save",
        }
        response = self.client.post(reverse("admin:framework_dimension_change", args=[self.dimension.pk]), data)
        self.assertEqual(response.status_code, 302)
        entry = AuditEntry.objects.get(action=AuditAction.DIMENSION_UPDATED)
        self.assertEqual((entry.actor, entry.after), (self.admin, {"description": "Citra kota"}))

    def test_it_records_the_old_value_as_before(self) -> None:
        data = {
            "name": "Smart Branding",
            "name_en": "Smart Branding",
            "description": "Citra kota",
            "description_en": "",
            "order": self.dimension.order,
            "_save": "Save",
        }
        self.client.post(reverse("admin:framework_dimension_change", args=[self.dimension.pk]), data)
        entry = AuditEntry.objects.get(action=AuditAction.DIMENSION_UPDATED)
        self.assertEqual(entry.before, {"description": ""})
