"""element_update and dimension_update: only descriptive fields change, each change audited before/after."""

from __future__ import annotations

from django.test import TestCase

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.framework import services
from kotacerdas.framework.models import Dimension, Element


class ElementUpdateTests(TestCase):
    def setUp(self) -> None:
        self.element = Element.objects.get(code="living.health", region=None)

    def test_it_changes_the_names_and_audits_before_and_after(self) -> None:
        services.element_update(element=self.element, actor=None, name_en="Health care", order=9)
        self.element.refresh_from_db()
        self.assertEqual((self.element.name_en, self.element.order), ("Health care", 9))
        entry = AuditEntry.objects.get(action=AuditAction.ELEMENT_UPDATED)
        self.assertEqual(entry.before, {"name_en": "Health", "order": 2})
        self.assertEqual(entry.after, {"name_en": "Health care", "order": 9})
        self.assertIsNone(entry.region)

    def test_it_refuses_to_change_the_code(self) -> None:
        with self.assertRaises(ValueError):
            services.element_update(element=self.element, actor=None, code="living.wellbeing", name_en="X")
        self.element.refresh_from_db()
        self.assertEqual((self.element.code, self.element.name_en), ("living.health", "Health"))
        self.assertFalse(AuditEntry.objects.exists())

    def test_it_refuses_to_move_the_element_to_another_dimension(self) -> None:
        with self.assertRaises(ValueError):
            services.element_update(element=self.element, actor=None, dimension=Dimension.objects.get(code="society"))
        self.assertFalse(AuditEntry.objects.exists())


class DimensionUpdateTests(TestCase):
    def setUp(self) -> None:
        self.dimension = Dimension.objects.get(code="branding")

    def test_it_changes_the_description_and_audits_before_and_after(self) -> None:
        services.dimension_update(dimension=self.dimension, actor=None, description_en="How the city presents itself")
        self.dimension.refresh_from_db()
        self.assertEqual(self.dimension.description_en, "How the city presents itself")
        entry = AuditEntry.objects.get(action=AuditAction.DIMENSION_UPDATED)
        self.assertEqual(entry.before, {"description_en": ""})
        self.assertEqual(entry.after, {"description_en": "How the city presents itself"})
        self.assertEqual(entry.target_id, str(self.dimension.pk))

    def test_it_refuses_to_change_the_code(self) -> None:
        with self.assertRaises(ValueError):
            services.dimension_update(dimension=self.dimension, actor=None, code="marketing")
        self.dimension.refresh_from_db()
        self.assertEqual(self.dimension.code, "branding")
        self.assertFalse(AuditEntry.objects.exists())
