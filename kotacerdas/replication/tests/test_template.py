"""Reading and writing the template file: every bad input is a clear TemplateError, never a crash."""

from __future__ import annotations

import json
from typing import Any

from django.test import SimpleTestCase
from django.utils.translation import gettext

from kotacerdas.replication import template as tpl


def minimal(**overrides: Any) -> dict[str, Any]:
    """A small valid template as decoded JSON."""
    data: dict[str, Any] = {
        "format": "kotacerdas-template",
        "version": 1,
        "source": {"region": "Kota Contoh", "region_slug": "contoh", "region_kind": "kota", "exported_at": ""},
        "dimensions": [{"code": "living", "name": "Smart Living", "name_en": "Smart Living"}],
        "elements": [{"code": "living.harmony", "dimension": "living", "name": "Harmoni", "name_en": "Harmony"}],
        "agencies": [{"key": "agency-1", "name": "Dinas PU", "short_name": "", "kind": "dinas", "special_role": ""}],
        "services": [],
        "programmes": [programme()],
    }
    data.update(overrides)
    return data


def programme(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "tepi-sungai",
        "title": "Penataan tepi sungai",
        "description": "Rumah mundur dari bibir sungai.",
        "dimension": "living",
        "elements": ["living.harmony"],
        "horizon": "long",
        "beneficiaries": "Warga tepi sungai",
        "funding_source": "apbd",
        "what_it_delivers": "Jalan inspeksi dan IPAL komunal.",
        "lead_agency": "agency-1",
        "contact_agency": "agency-1",
        "supporting_agencies": [],
        "parts": [],
        "indicators": [],
        "milestones": [{"title": "Jalan inspeksi", "after_days": 270}],
        "applications": [],
        "services": [],
        "jimpitan": None,
    }
    data.update(overrides)
    return data


class ParseTests(SimpleTestCase):
    def assertRefused(self, raw: bytes | str, message: str) -> str:
        with self.assertRaises(tpl.TemplateError) as caught:
            tpl.parse(raw)
        self.assertTrue(caught.exception.message.startswith(gettext(message).split("%")[0]), caught.exception.message)
        return caught.exception.message

    def test_it_reads_a_valid_template_and_writes_it_back_unchanged(self) -> None:
        data = minimal()
        template = tpl.parse(json.dumps(data))
        self.assertEqual(json.loads(tpl.dumps(template)), data)
        self.assertEqual(template.programmes[0].milestones[0].after_days, 270)

    def test_it_refuses_a_file_over_two_megabytes_before_reading_it(self) -> None:
        self.assertRefused(b" " * (tpl.MAX_TEMPLATE_BYTES + 1), tpl.TOO_LARGE)

    def test_it_refuses_what_is_not_json(self) -> None:
        self.assertRefused("format: kotacerdas-template", tpl.NOT_JSON)
        self.assertRefused(b"\xff\xfe\x00", tpl.NOT_JSON)

    def test_it_refuses_a_deeply_nested_document_without_crashing(self) -> None:
        self.assertRefused("[" * 100_000 + "]" * 100_000, tpl.NOT_JSON)

    def test_it_refuses_json_that_is_not_a_template(self) -> None:
        self.assertRefused("[1, 2, 3]", tpl.NOT_A_TEMPLATE)
        self.assertRefused(json.dumps(minimal(format="other")), tpl.NOT_A_TEMPLATE)

    def test_it_refuses_an_unknown_version_naming_both_versions(self) -> None:
        message = self.assertRefused(json.dumps(minimal(version=2)), tpl.UNKNOWN_VERSION)
        self.assertIn("2", message)
        self.assertRefused(json.dumps(minimal(version="1")), tpl.UNKNOWN_VERSION)

    def test_it_names_where_the_shape_is_wrong(self) -> None:
        message = self.assertRefused(json.dumps(minimal(programmes={"code": "x"})), tpl.WRONG_SHAPE)
        self.assertIn("programmes", message)
        bad_measure = programme(
            indicators=[
                {"title": "Luas", "measure": "kg", "unit": "", "direction": "ascending", "suggested_target": None}
            ]
        )
        message = self.assertRefused(json.dumps(minimal(programmes=[bad_measure])), tpl.WRONG_SHAPE)
        self.assertIn("programmes.0.indicators.0.measure", message)

    def test_it_refuses_missing_unknown_and_mistyped_keys(self) -> None:
        missing = programme()
        del missing["beneficiaries"]
        self.assertRefused(json.dumps(minimal(programmes=[missing])), tpl.WRONG_SHAPE)
        self.assertRefused(json.dumps(minimal(programmes=[programme(budget=5)])), tpl.WRONG_SHAPE)
        self.assertRefused(json.dumps(minimal(programmes=[programme(elements="living.harmony")])), tpl.WRONG_SHAPE)
        self.assertRefused(json.dumps(minimal(programmes=[programme(title="x" * 201)])), tpl.WRONG_SHAPE)
        self.assertRefused(json.dumps(minimal(programmes=[])), tpl.WRONG_SHAPE)
        milestone = programme(milestones=[{"title": "x", "after_days": "270"}])
        self.assertRefused(json.dumps(minimal(programmes=[milestone])), tpl.WRONG_SHAPE)

    def test_it_refuses_an_amount_that_is_not_a_decimal_text(self) -> None:
        indicator = {
            "title": "Luas",
            "measure": "unit",
            "unit": "ha",
            "direction": "descending",
            "suggested_target": {"value": 1e20, "text": ""},
        }
        self.assertRefused(json.dumps(minimal(programmes=[programme(indicators=[indicator])])), tpl.WRONG_SHAPE)

    def test_it_refuses_a_key_the_template_does_not_describe(self) -> None:
        self.assertRefused(json.dumps(minimal(programmes=[programme(lead_agency="agency-9")])), tpl.DANGLING_REFERENCE)
        self.assertRefused(json.dumps(minimal(programmes=[programme(services=["LAMPU"])])), tpl.DANGLING_REFERENCE)
        self.assertRefused(json.dumps(minimal(programmes=[programme(elements=["x.y"])])), tpl.DANGLING_REFERENCE)

    def test_it_refuses_a_key_described_twice(self) -> None:
        data = minimal(programmes=[programme(), programme()])
        self.assertRefused(json.dumps(data), tpl.DUPLICATE_KEY)

    def test_it_refuses_an_element_of_another_dimension(self) -> None:
        data = minimal(
            dimensions=[*minimal()["dimensions"], {"code": "society", "name": "Smart Society", "name_en": ""}],
            elements=[
                *minimal()["elements"],
                {"code": "society.learning", "dimension": "society", "name": "Belajar", "name_en": ""},
            ],
            programmes=[programme(elements=["society.learning"])],
        )
        self.assertRefused(json.dumps(data), tpl.ELEMENT_OUTSIDE_DIMENSION)

    def test_it_publishes_a_json_schema_of_version_one(self) -> None:
        schema = tpl.json_schema()
        self.assertEqual(schema["properties"]["version"]["const"], 1)
        self.assertIn("ProgrammeEntry", schema["$defs"])
