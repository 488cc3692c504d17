"""Builders for the citizen-service tests: a frozen clock, a small catalogue, NIKs, requests in any state."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import tempfile
from collections.abc import Callable
from typing import Any, ClassVar

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import override_settings
from django.utils.translation import gettext
from PIL import Image

from kotacerdas.accounts.models import User
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import ApplicationError
from kotacerdas.core.testing import RegionTestCase
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import Open311Client, Service, ServiceRequest
from kotacerdas.servicerequests.services import CitizenData, RequestData

# 09:00 in Asia/Jakarta (UTC+7) on Tuesday 10 November 2026.
NOW = dt.datetime(2026, 11, 10, 2, 0, tzinfo=dt.UTC)
WIB = dt.timezone(dt.timedelta(hours=7))

# Kota Yogyakarta (34.71), district 01, born 12 March 1990, serial 0001; a woman born that day has 52 (12 + 40).
NIK = "3471011203900001"
NIK_WOMAN = "3471015203900002"
OTHER_NIK = "3471010101850003"
OPEN311_KEY = "kc-open311-test-key-kotaraya"

COORDINATOR_ACTIONS = frozenset({"verify", "postpone", "not_authority", "archive"})


def tiny_png(name: str = "lampu.png") -> SimpleUploadedFile:
    """A real 2×2 PNG image, small enough for any upload limit."""
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def citizen_data(**overrides: Any) -> CitizenData:
    fields: dict[str, Any] = {
        "full_name": "Siti Rahayu",
        "password": "kata-sandi-panjang-1",
        "nik": NIK,
        "email": "siti@example.id",
        "phone": "",
        "consent": True,
    }
    fields.update(overrides)
    return CitizenData(**fields)


def request_data(**overrides: Any) -> RequestData:
    """A valid complaint with a map point; override any field."""
    fields: dict[str, Any] = {
        "description": "Lampu jalan di depan Balai RW 01 mati sejak kemarin malam.",
        "lat": None,
        "long": None,
        "address": "Jl. Bugisan No. 5",
    }
    fields.update(overrides)
    return RequestData(**fields)


def audit_actions(target: models.Model) -> list[str]:
    entries = AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    return list(entries.order_by("id").values_list("action", flat=True))


class TemporaryMediaMixin:
    """Uploaded photos go to a throw-away MEDIA_ROOT, never to var/media."""

    media_root: ClassVar[str]
    _media_override: ClassVar[Any]

    @classmethod
    def setUpClass(cls) -> None:
        cls.media_root = tempfile.mkdtemp(prefix="kc-servicerequests-")
        cls._media_override = override_settings(MEDIA_ROOT=cls.media_root)
        cls._media_override.enable()
        super().setUpClass()  # type: ignore[misc]

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()  # type: ignore[misc]
        cls._media_override.disable()
        shutil.rmtree(cls.media_root, ignore_errors=True)


@time_machine.travel(NOW, tick=False)
class ServiceRequestTestCase(RegionTestCase):
    """The shared region plus a catalogue: street lights (no questions) and roads (with every kind of question)."""

    lamp: ClassVar[Service]
    road: ClassVar[Service]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for user in (cls.officer, cls.operator, cls.head, cls.planner, cls.citizen):
            user.email = f"{user.username}@kotaraya.go.id"
            User.objects.filter(pk=user.pk).update(email=user.email)
        cls.lamp = services.service_save(
            region=cls.region,
            agency=cls.public_works,
            actor=cls.officer,
            code="PJU-01",
            name="Lampu penerangan jalan mati",
            description="Laporkan lampu jalan yang mati.",
            group="Infrastruktur",
            keywords="lampu, PJU",
            response_minutes=120,
            resolution_minutes=24 * 60,
        )
        cls.road = services.service_save(
            region=cls.region,
            agency=cls.public_works,
            actor=cls.officer,
            code="JALAN-01",
            name="Jalan rusak",
            group="Infrastruktur",
            response_minutes=240,
            resolution_minutes=7 * 24 * 60,
        )
        cls._add_questions()

    @classmethod
    def _add_questions(cls) -> None:
        add = services.attribute_add
        add(
            service=cls.road,
            code="lubang",
            datatype="string",
            description="Seberapa besar lubangnya?",
            required=True,
            actor=cls.officer,
        )
        add(service=cls.road, code="jumlah", datatype="number", description="Berapa lubang?", actor=cls.officer)
        add(service=cls.road, code="sejak", datatype="datetime", description="Sejak kapan?", actor=cls.officer)
        add(service=cls.road, code="catatan", datatype="text", description="Catatan lain", actor=cls.officer)
        add(
            service=cls.road,
            code="jenis",
            datatype="singlevaluelist",
            description="Jenis jalan",
            values=[{"key": "kampung", "name": "Jalan kampung"}, {"key": "kota", "name": "Jalan kota"}],
            actor=cls.officer,
        )
        add(
            service=cls.road,
            code="bahaya",
            datatype="multivaluelist",
            description="Bahaya untuk",
            values=[{"key": "motor", "name": "Motor"}, {"key": "pejalan", "name": "Pejalan kaki"}],
            actor=cls.officer,
        )

    # --- assertions -----------------------------------------------------------------------------

    def assertRefused(
        self, error: type[ApplicationError], message: str | None, call: Callable[[], object]
    ) -> ApplicationError:
        """The call raises exactly `error` (not a sibling) with the room's message, when one is given."""
        with self.assertRaises(ApplicationError) as caught:
            call()
        self.assertIs(type(caught.exception), error, caught.exception)
        if message is not None:
            self.assertEqual(caught.exception.message, gettext(message))
        return caught.exception

    # --- builders -------------------------------------------------------------------------------

    def register(self, **overrides: Any) -> User:
        return services.citizen_register(region=self.region, data=citizen_data(**overrides))

    def submit(
        self, *, service: Service | None = None, citizen: User | None = None, **overrides: Any
    ) -> ServiceRequest:
        """A request sent through the service; the persona citizen unless told (citizen=None: an Open311 client)."""
        who = self.citizen if citizen is None else citizen
        request, created = services.request_submit(
            service=service or self.lamp, data=request_data(**overrides), citizen=who, actor=who
        )
        self.assertTrue(created)
        return request

    def advance(self, request: ServiceRequest, *actions: str, note: str = "Ditangani.") -> ServiceRequest:
        """Take the steps in order, each by the persona who may (coordinator, handling agency or citizen)."""
        for action in actions:
            services.request_transition(
                request=request, action=action, actor=self.actor_for(request, action), note=note
            )
        return request

    def actor_for(self, request: ServiceRequest, action: str) -> User:
        if action in COORDINATOR_ACTIONS:
            return self.officer
        if action == "reopen":
            return request.citizen or self.citizen
        handlers = {
            self.public_works.pk: self.operator,
            self.diskominfo.pk: self.officer,
            self.bappeda.pk: self.planner,
        }
        return handlers[request.agency_id]

    def open311_client(self, key: str = OPEN311_KEY, *, region: Any = None, active: bool = True) -> Open311Client:
        return Open311Client.objects.create(
            region=region or self.region,
            name="Aplikasi warga",
            prefix=key[:8],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            is_active=active,
        )
