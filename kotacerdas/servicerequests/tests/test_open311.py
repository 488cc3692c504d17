"""The Open311 wire format on its own: XML and JSON bodies, errors, datetimes with an offset, status mapping."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree as ET

from django.test import SimpleTestCase

from kotacerdas.servicerequests import open311
from kotacerdas.servicerequests.models import OPEN_STATUSES, RequestStatus

DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'


class RespondTests(SimpleTestCase):
    def test_it_writes_xml_with_the_declaration_and_no_namespace(self) -> None:
        response = open311.respond([{"service_code": "PJU-01", "metadata": True}], "services", "xml")
        self.assertEqual(response["Content-Type"], "text/xml; charset=utf-8")
        self.assertTrue(response.content.startswith(DECLARATION))
        root = ET.fromstring(response.content)
        self.assertEqual(root.tag, "services")
        self.assertEqual([child.tag for child in root], ["service"])
        self.assertEqual(root.findtext("service/service_code"), "PJU-01")
        self.assertEqual(root.findtext("service/metadata"), "true")
        self.assertNotIn(b"xmlns", response.content)

    def test_it_writes_json_lists_as_bare_arrays(self) -> None:
        response = open311.respond([{"a": 1}], "services", "json")
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(json.loads(response.content), [{"a": 1}])

    def test_it_names_each_list_item_as_the_specification_does(self) -> None:
        expected = {
            "services": "service",
            "service_requests": "request",
            "errors": "error",
            "attributes": "attribute",
            "values": "value",
            "endpoints": "endpoint",
            "formats": "format",
            "notes": "note",
            "service_request_updates": "request_update",
        }
        self.assertEqual(open311.ITEM_TAGS, expected)
        root = ET.fromstring(open311.respond({"formats": ["text/xml", "application/json"]}, "discovery", "xml").content)
        self.assertEqual([e.tag for e in root.find("formats")], ["format", "format"])  # type: ignore[union-attr]

    def test_it_writes_null_as_an_empty_element_and_booleans_in_lower_case(self) -> None:
        root = ET.fromstring(open311.respond({"zipcode": None, "required": False}, "request", "xml").content)
        self.assertIsNone(root.findtext("zipcode") or None)
        self.assertEqual(len(root.find("zipcode")), 0)  # type: ignore[arg-type]
        self.assertEqual(root.findtext("required"), "false")

    def test_it_escapes_markup_in_text(self) -> None:
        response = open311.respond([{"description": "a < b & <c>"}], "service_requests", "xml")
        self.assertEqual(ET.fromstring(response.content).findtext("request/description"), "a < b & <c>")

    def test_it_keeps_non_ascii_text_readable(self) -> None:
        response = open311.respond([{"description": "Jalan rusak — “parah”"}], "service_requests", "json")
        self.assertIn("“parah”".encode(), response.content)


class ErrorTests(SimpleTestCase):
    def test_it_writes_an_error_list_in_both_formats(self) -> None:
        as_json = open311.error(403, "Invalid api_key.", "json")
        self.assertEqual(as_json.status_code, 403)
        self.assertEqual(json.loads(as_json.content), [{"code": 403, "description": "Invalid api_key."}])
        as_xml = open311.error(404, "Unknown token.", "xml")
        self.assertEqual(as_xml.status_code, 404)
        root = ET.fromstring(as_xml.content)
        self.assertEqual((root.tag, [e.tag for e in root]), ("errors", ["error"]))
        self.assertEqual((root.findtext("error/code"), root.findtext("error/description")), ("404", "Unknown token."))


class ValueTests(SimpleTestCase):
    def test_it_writes_datetimes_with_the_regions_offset_to_the_second(self) -> None:
        value = dt.datetime(2026, 11, 28, 15, 5, 0, 123456, tzinfo=dt.UTC)
        self.assertEqual(open311.timestamp(value, "Asia/Jakarta"), "2026-11-28T22:05:00+07:00")
        self.assertEqual(open311.timestamp(value, "Asia/Jayapura"), "2026-11-29T00:05:00+09:00")
        self.assertIsNone(open311.timestamp(None, "Asia/Jakarta"))

    def test_it_writes_coordinates_as_numbers(self) -> None:
        self.assertEqual(open311.number(Decimal("-7.801234")), -7.801234)
        self.assertIsInstance(open311.number(Decimal("110")), float)
        self.assertIsNone(open311.number(None))

    def test_it_maps_every_internal_status_to_open_or_closed(self) -> None:
        for status in RequestStatus.values:
            with self.subTest(status=status):
                expected = "open" if status in OPEN_STATUSES else "closed"
                self.assertEqual(open311.plain_status(status), expected)

    def test_it_maps_every_internal_status_to_a_fixmystreet_status(self) -> None:
        self.assertEqual(set(open311.EXTENDED_STATUS), set(RequestStatus.values))
        self.assertEqual(open311.EXTENDED_STATUS["not_responsible"], "NOT_COUNCILS_RESPONSIBILITY")
        self.assertEqual(open311.EXTENDED_STATUS["action_scheduled"], "ACTION_SCHEDULED")
        fixmystreet = {
            "OPEN",
            "INVESTIGATING",
            "IN_PROGRESS",
            "ACTION_SCHEDULED",
            "FIXED",
            "CLOSED",
            "DUPLICATE",
            "NOT_COUNCILS_RESPONSIBILITY",
            "NO_FURTHER_ACTION",
            "INTERNAL_REFERRAL",
        }
        self.assertLessEqual(set(open311.EXTENDED_STATUS.values()), fixmystreet)

    def test_it_takes_every_status_fixmystreet_puts_on_an_update(self) -> None:
        self.assertLessEqual(set(open311.EXTENDED_STATUS.values()), open311.UPDATE_STATUSES)
        self.assertLessEqual({"INTERNAL_REFERRAL", "REOPEN"}, open311.UPDATE_STATUSES)
        self.assertNotIn("open", open311.UPDATE_STATUSES)  # the view upper-cases what a client sends


class CreatedReplyTests(SimpleTestCase):
    def reply(self, service_type: str) -> dict[str, Any]:
        request = SimpleNamespace(pk=42, token="tok-42", service=SimpleNamespace(type=service_type))
        return open311.created_wire(request, "akun-7")

    def test_it_gives_the_id_for_a_realtime_service(self) -> None:
        expected = {"service_request_id": "42", "service_notice": None, "account_id": "akun-7"}
        self.assertEqual(self.reply("realtime"), expected)

    def test_it_gives_a_token_and_no_id_for_a_batch_service(self) -> None:
        self.assertEqual(self.reply("batch"), {"token": "tok-42", "service_notice": None, "account_id": "akun-7"})

    def test_it_gives_neither_for_a_blackbox_service(self) -> None:
        self.assertEqual(self.reply("blackbox"), {"service_notice": None, "account_id": "akun-7"})


class StatusNotesTests(SimpleTestCase):
    def wire(self, *updates: tuple[str, str]) -> dict[str, Any]:
        request = {
            "id": 1,
            "status": updates[-1][0],
            "service__name": "Lampu",
            "service__code": "PJU-01",
            "agency__name": "DPUPKP",
            "description": "",
            "requested_at": None,
            "updated_at": None,
            "resolution_due_at": None,
            "address": "",
            "address_id": "",
            "lat": None,
            "long": None,
        }
        rows = [{"status": s, "note": n, "created_at": None} for s, n in updates]
        return open311.request_wire(request, time_zone="Asia/Jakarta", media_url=None, updates=rows, extensions=True)

    def test_it_gives_the_note_of_the_last_change_of_status(self) -> None:
        wire = self.wire(("submitted", ""), ("open", "Diverifikasi."), ("investigating", "Ditinjau."))
        self.assertEqual(wire["status_notes"], "Ditinjau.")

    def test_it_does_not_take_a_comment_for_a_status_note(self) -> None:
        wire = self.wire(("submitted", ""), ("open", "Diverifikasi."), ("open", "Masih mati, tolong."))
        self.assertEqual(wire["status_notes"], "Diverifikasi.")
        self.assertEqual([n["description"] for n in wire["notes"]], ["", "Diverifikasi.", "Masih mati, tolong."])
