"""element_create: a national element, or a region's own extension that only that region sees."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import RegionTestCase
from kotacerdas.framework import services
from kotacerdas.framework.models import Dimension, Element


class ElementCreateTests(RegionTestCase):
    def create(self, **overrides: Any) -> Element:
        fields: dict[str, Any] = {
            "dimension": Dimension.objects.get(code="society"),
            "region": self.region,
            "code": "society.jimpitan",
            "name": "Jimpitan Digital",
            "name_en": "Digital jimpitan",
            "actor": self.officer,
        }
        fields.update(overrides)
        return services.element_create(**fields)

    def test_it_adds_an_element_only_its_region_sees(self) -> None:
        element = self.create()
        self.assertIn(element, Element.objects.for_region(self.region))
        self.assertNotIn(element, Element.objects.for_region(self.other_region))
        self.assertNotIn(element, Element.objects.for_region(None))

    def test_it_keeps_the_national_elements_visible_to_the_region(self) -> None:
        self.create()
        self.assertEqual(Element.objects.for_region(self.region).count(), 19)
        self.assertEqual(Element.objects.for_region(self.other_region).count(), 18)

    def test_it_audits_the_addition_in_the_region(self) -> None:
        element = self.create()
        entry = AuditEntry.objects.get(action=AuditAction.ELEMENT_CREATED, target_id=str(element.pk))
        self.assertEqual((entry.region, entry.actor), (self.region, self.officer))
        self.assertEqual(entry.after, {"code": "society.jimpitan", "name": "Jimpitan Digital"})

    def test_it_adds_a_national_element_without_a_region(self) -> None:
        element = self.create(region=None, code="society.volunteering")
        self.assertIn(element, Element.objects.for_region(self.other_region))

    def test_it_allows_the_same_code_in_two_regions(self) -> None:
        self.create()
        self.assertEqual(self.create(region=self.other_region).region, self.other_region)

    def test_it_refuses_the_same_code_twice_in_a_region(self) -> None:
        self.create()
        with self.assertRaises(ValidationError):
            self.create(name="Lagi")

    def test_it_refuses_a_second_national_element_with_a_national_code(self) -> None:
        with self.assertRaises(ValidationError):
            self.create(region=None, code="living.health")

    def test_it_refuses_an_element_without_a_name(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.create(name="")
        self.assertIn("name", caught.exception.message_dict)
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.ELEMENT_CREATED).exists())
