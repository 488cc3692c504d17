"""The data migration: the national framework of six dimensions and eighteen elements."""

from __future__ import annotations

import importlib

from django.test import TestCase

from kotacerdas.framework.models import Dimension, Element

MIGRATION = importlib.import_module("kotacerdas.framework.migrations.0002_national_framework")


class NationalFrameworkTests(TestCase):
    def test_it_loads_the_six_dimensions_in_order(self) -> None:
        codes = list(Dimension.objects.order_by("order").values_list("code", flat=True))
        self.assertEqual(codes, ["governance", "branding", "economy", "living", "society", "environment"])

    def test_it_loads_the_eighteen_national_elements_of_the_migration(self) -> None:
        expected = {code for _dim, _name, _name_en, elements in MIGRATION.FRAMEWORK for code, *_names in elements}
        codes = set(Element.objects.filter(region__isnull=True).values_list("code", flat=True))
        self.assertEqual(len(expected), 18)
        self.assertEqual(codes, expected)

    def test_it_files_each_element_under_its_dimension(self) -> None:
        for element in Element.objects.select_related("dimension"):
            with self.subTest(element=element.code):
                self.assertTrue(element.code.startswith(f"{element.dimension.code}."))

    def test_it_gives_three_elements_to_each_dimension(self) -> None:
        for dimension in Dimension.objects.all():
            with self.subTest(dimension=dimension.code):
                self.assertEqual(dimension.elements.count(), 3)

    def test_it_names_everything_in_both_languages(self) -> None:
        self.assertFalse(Element.objects.filter(name="").exists())
        self.assertFalse(Element.objects.filter(name_en="").exists())
        self.assertFalse(Dimension.objects.filter(name_en="").exists())
