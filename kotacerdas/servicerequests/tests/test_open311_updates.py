"""FixMyStreet's POST servicerequestupdates: a keyed client forwards a comment on a public request.

The comment joins the request's public history; the status stays with the handling agency (the client's
claimed status is checked and kept in the audit log).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import time_machine
from django.http import HttpResponse

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import RequestUpdate, ServiceRequest
from kotacerdas.servicerequests.tests.factories import NOW, OPEN311_KEY
from kotacerdas.servicerequests.tests.test_open311_views import FORMATS, Open311TestCase

COMMENT = "Lampunya masih mati sampai malam ini."


class PostUpdateTestCase(Open311TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client_app = self.open311_client()
        self.request = self.advance(self.submit(), "verify")

    def update(self, fmt: str = "json", *, key: str | None = OPEN311_KEY, **overrides: Any) -> HttpResponse:
        """A POST as FixMyStreet's sender makes it (the api_key in the body unless told)."""
        data = {
            "jurisdiction_id": "kotaraya.go.id",
            "service_request_id": str(self.request.pk),
            "status": "OPEN",
            "description": COMMENT,
            "updated_datetime": "2026-11-10T09:30:00+07:00",
            "update_id": "fms-881",
            "first_name": "Budi",
            "last_name": "Santoso",
            "email": "budi@example.id",
            **({"api_key": key} if key else {}),
            **overrides,
        }
        data = {k: v for k, v in data.items() if v is not None}
        return self.client.post(
            f"{self.base}servicerequestupdates.{fmt}", urlencode(data), content_type="application/x-www-form-urlencoded"
        )

    def written(self) -> int:
        return RequestUpdate.objects.filter(request=self.request).count()


class PostUpdateTests(PostUpdateTestCase):
    def test_it_adds_a_public_comment_and_answers_with_its_update_id(self) -> None:
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                response = self.update(fmt)
                update = RequestUpdate.objects.latest("id")
                if fmt == "json":
                    self.assertEqual(self.as_json(response), [{"update_id": str(update.pk)}])
                else:
                    root = self.as_xml(response)
                    self.assertEqual((root.tag, [e.tag for e in root]), ("service_request_updates", ["request_update"]))
                    self.assertEqual([e.tag for e in root[0]], ["update_id"])
                    self.assertEqual(root.findtext("request_update/update_id"), str(update.pk))
                self.assertEqual(
                    (update.request, update.note, update.is_public, update.status, update.actor),
                    (self.request, COMMENT, True, "open", None),
                )
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, "open")

    def test_it_shows_the_comment_in_the_public_history_but_not_as_status_notes(self) -> None:
        services.request_transition(request=self.request, action="investigate", actor=self.operator, note="Ditinjau.")
        with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
            self.as_json(self.update())
            updates = self.as_json(self.get("servicerequestupdates"))
            [item] = self.as_json(self.get(f"requests/{self.request.pk}", extensions="true"))
        self.assertEqual((updates[-1]["description"], updates[-1]["status"]), (COMMENT, "INVESTIGATING"))
        self.assertEqual(updates[-1]["updated_datetime"], "2026-11-10T09:30:00+07:00")
        self.assertEqual(item["notes"][-1]["description"], COMMENT)
        self.assertEqual(item["status_notes"], "Ditinjau.")
        # A comment is not a change of status, but it is an update: a client polling updated_datetime sees it.
        self.assertEqual(item["updated_datetime"], "2026-11-10T09:30:00+07:00")

    def test_it_keeps_the_commenters_personal_data_out_of_every_answer(self) -> None:
        self.as_json(self.update())
        for fmt in FORMATS:
            for path in ("servicerequestupdates", "requests", f"requests/{self.request.pk}"):
                with self.subTest(fmt=fmt, path=path):
                    content = self.get(path, fmt, extensions="true").content
                    self.assertNotIn(b"budi@example.id", content)
                    self.assertNotIn(b"Santoso", content)

    def test_it_records_the_client_and_its_claimed_status_in_the_audit_log(self) -> None:
        self.as_json(self.update(status="fixed", media_url="https://example.id/foto.jpg"))
        entry = AuditEntry.objects.filter(action=AuditAction.REQUEST_COMMENTED).get()
        update = RequestUpdate.objects.latest("id")
        self.assertEqual((entry.region, entry.actor, entry.target_id), (self.region, None, str(self.request.pk)))
        self.assertEqual(
            entry.after,
            {
                "update": update.pk,
                "via": "open311",
                "client": self.client_app.name,
                "status": "FIXED",
                "client_update_id": "fms-881",
                "media_url": "https://example.id/foto.jpg",
            },
        )
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, "open")  # the agency, not the client, closes a request

    def test_it_takes_the_api_key_from_the_query_string_and_works_at_the_root(self) -> None:
        response = self.client.post(
            f"/open311/v2/servicerequestupdates.xml?api_key={OPEN311_KEY}&jurisdiction_id=kotaraya.go.id",
            {"service_request_id": self.request.pk, "status": "OPEN", "description": COMMENT},
        )
        self.assertEqual(
            self.as_xml(response).findtext("request_update/update_id"), str(RequestUpdate.objects.latest("id").pk)
        )

    def test_it_accepts_every_status_fixmystreet_sends(self) -> None:
        statuses = ("OPEN", "CLOSED", "FIXED", "IN_PROGRESS", "ACTION_SCHEDULED", "INVESTIGATING", "DUPLICATE")
        statuses += ("NOT_COUNCILS_RESPONSIBILITY", "NO_FURTHER_ACTION", "INTERNAL_REFERRAL", "REOPEN")
        for status in statuses:
            with self.subTest(status=status):
                self.as_json(self.update(status=status))
        self.assertEqual(self.written(), 2 + len(statuses))


class PostUpdateRefusalTests(PostUpdateTestCase):
    def assertNothingWritten(self) -> None:
        self.assertEqual(self.written(), 2)  # submitted, verified
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.REQUEST_COMMENTED).exists())

    def test_it_refuses_a_missing_or_wrong_api_key(self) -> None:
        self.open311_client("kunci-kabupatenlain-01", region=self.other_region)
        self.open311_client("kunci-dicabut-000001", active=False)
        for fmt in FORMATS:
            for key in (None, "", "salah", "kunci-kabupatenlain-01", "kunci-dicabut-000001"):
                with self.subTest(fmt=fmt, key=key):
                    self.assertOpen311Error(self.update(fmt, key=key), 403, fmt)
        self.assertNothingWritten()

    def test_it_is_404_for_an_unknown_secret_or_foreign_request(self) -> None:
        secret = self.submit(is_secret=True)
        foreign = ServiceRequest.objects.create(
            region=self.other_region,
            service=self.lamp,
            agency=self.public_works,
            requested_at=NOW,
            response_due_at=NOW,
            resolution_due_at=NOW,
            token="token-kabupatenlain",
        )
        for fmt in FORMATS:
            for target in ("999999", str(secret.pk), str(foreign.pk), "abc", "1" * 30, "١٢"):
                with self.subTest(fmt=fmt, target=target):
                    self.assertOpen311Error(self.update(fmt, service_request_id=target), 404, fmt)
        self.assertNothingWritten()
        self.assertEqual(RequestUpdate.objects.filter(request__in=[secret, foreign]).count(), 1)

    def test_it_refuses_a_missing_or_invalid_field(self) -> None:
        cases: dict[str, dict[str, Any]] = {
            "no request": {"service_request_id": None},
            "no status": {"status": None},
            "unknown status": {"status": "SELESAI"},
            "no description": {"description": None},
            "blank description": {"description": "   "},
            "html": {"description": "<b>masih</b> mati"},
            "too long": {"description": "a" * 4001},
            "bad datetime": {"updated_datetime": "kemarin"},
            "datetime out of range": {"updated_datetime": "0001-01-01T00:00:00Z"},
            "bad media_url": {"media_url": "javascript:alert(1)"},
        }
        for fmt in FORMATS:
            for label, overrides in cases.items():
                with self.subTest(fmt=fmt, case=label):
                    self.assertOpen311Error(self.update(fmt, **overrides), 400, fmt)
        self.assertNothingWritten()

    def test_it_refuses_another_jurisdiction(self) -> None:
        for fmt in FORMATS:
            with self.subTest(fmt=fmt):
                self.assertOpen311Error(self.update(fmt, jurisdiction_id="kabupatenlain.go.id"), 404, fmt)
        self.assertNothingWritten()
