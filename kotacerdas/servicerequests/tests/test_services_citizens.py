"""Citizens' accounts and personal data: sign-up, download, correction and deletion requests, erasure, NIK reveal."""

from __future__ import annotations

from django.db import connection, models

from kotacerdas.accounts.models import Membership, User
from kotacerdas.accounts.roles import Role
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import NotAllowed
from kotacerdas.core.workflow import REASON_REQUIRED
from kotacerdas.servicerequests import nik as nik_codec
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import CitizenProfile, DataRequest, DataRequestKind, ServiceRequest
from kotacerdas.servicerequests.services import (
    CONSENT_PURPOSE,
    CONSENT_REQUIRED,
    CONSENT_VERSION,
    CONTACT_REQUIRED,
    NIK_TAKEN,
    NOT_PERMITTED,
    PHONE_INVALID,
    USERNAME_TAKEN,
    RequestError,
)
from kotacerdas.servicerequests.tests.factories import NIK, NOW, OTHER_NIK, ServiceRequestTestCase


def raw_rows(model: type[models.Model]) -> list[tuple[object, ...]]:
    """Every column of every row, as the database holds it (no model decoding)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
        return list(cursor.fetchall())


def holds(model: type[models.Model], text: str) -> bool:
    return any(text in str(value) for row in raw_rows(model) for value in row)


class CitizenRegisterTests(ServiceRequestTestCase):
    def test_it_creates_a_citizen_of_the_region_with_the_consent_recorded(self) -> None:
        user = self.register(phone="081234567890")
        user.refresh_from_db()
        self.assertEqual(
            (user.username, user.email, user.phone), ("siti@example.id", "siti@example.id", "081234567890")
        )
        self.assertEqual(user.full_name, "Siti Rahayu")
        self.assertTrue(user.check_password("kata-sandi-panjang-1"))
        self.assertTrue(Membership.objects.filter(user=user, role=Role.CITIZEN, region=self.region).exists())
        profile = CitizenProfile.objects.get(user=user)
        self.assertEqual(profile.consent_purpose, CONSENT_PURPOSE)
        self.assertEqual(profile.consent_version, CONSENT_VERSION)
        self.assertEqual(profile.consent_at, NOW)
        entry = AuditEntry.objects.get(action=AuditAction.CITIZEN_REGISTERED)
        self.assertEqual((entry.actor, entry.region, entry.after), (user, self.region, {"consent_version": "2026-1"}))

    def test_it_returns_the_user_with_the_phone_set(self) -> None:
        self.assertEqual(self.register(phone="081234567890").phone, "081234567890")

    def test_it_uses_the_phone_as_username_without_an_email(self) -> None:
        user = self.register(email="", phone="+6281234567890")
        self.assertEqual(user.username, "+6281234567890")

    def test_it_lowercases_the_username(self) -> None:
        self.assertEqual(self.register(email="Siti@Example.ID").username, "siti@example.id")

    def test_it_stores_the_nik_encrypted_with_a_digest_and_the_last_four_digits(self) -> None:
        user = self.register()
        profile = CitizenProfile.objects.get(user=user)
        self.assertEqual(nik_codec.decrypt(profile.nik_encrypted), NIK)
        self.assertEqual(profile.nik_digest, nik_codec.digest(NIK))
        self.assertEqual(profile.masked_nik, "************0001")
        self.assertNotIn(NIK, str(profile))

    def test_it_keeps_the_nik_out_of_every_raw_column(self) -> None:
        self.register()
        for model in (CitizenProfile, User, Membership, AuditEntry):
            with self.subTest(table=model._meta.db_table):
                self.assertTrue(raw_rows(model))
                self.assertFalse(holds(model, NIK))
                self.assertFalse(holds(model, NIK[:12]))  # not even the part the mask hides

    def test_it_refuses_without_consent(self) -> None:
        error = self.assertRefused(RequestError, CONSENT_REQUIRED, lambda: self.register(consent=False))
        self.assertEqual(error.field, "consent")
        self.assertFalse(CitizenProfile.objects.exists())

    def test_it_refuses_without_email_or_phone(self) -> None:
        error = self.assertRefused(RequestError, CONTACT_REQUIRED, lambda: self.register(email="", phone=""))
        self.assertEqual(error.field, "email")

    def test_it_refuses_a_bad_phone_number(self) -> None:
        for phone in (
            "12345",
            "0212345678",
            "+628123",
            "08123456789012345",
            "0812-3456-7890",
            "081234567890\n",
            "٠٨١٢٣٤٥٦٧٨٩٠",
        ):
            with self.subTest(phone=phone):
                error = self.assertRefused(RequestError, PHONE_INVALID, lambda p=phone: self.register(phone=p))
                self.assertEqual(error.field, "phone")

    def test_it_refuses_a_malformed_or_impossible_nik(self) -> None:
        cases = {"347101120390000": "A NIK has exactly 16 digits.", "3471013203900001": "This is not a valid NIK."}
        for value, message in cases.items():
            with self.subTest(nik=value):
                error = self.assertRefused(RequestError, message, lambda v=value: self.register(nik=v))
                self.assertEqual(error.field, "nik")
        self.assertFalse(User.objects.filter(username="siti@example.id").exists())

    def test_it_refuses_a_nik_already_registered(self) -> None:
        self.register()
        error = self.assertRefused(
            RequestError, NIK_TAKEN, lambda: self.register(email="lain@example.id", full_name="Orang Lain")
        )
        self.assertEqual(error.field, "nik")
        self.assertEqual(CitizenProfile.objects.count(), 1)

    def test_it_refuses_an_email_or_phone_already_used_as_a_username(self) -> None:
        self.register()
        self.register(nik=OTHER_NIK, email="", phone="081234567890", full_name="Budi")
        self.assertRefused(RequestError, USERNAME_TAKEN, lambda: self.register(nik="3471010202800004"))
        self.assertRefused(
            RequestError,
            USERNAME_TAKEN,
            lambda: self.register(nik="3471010202800004", email="", phone="081234567890"),
        )
        self.assertEqual(CitizenProfile.objects.count(), 2)

    def test_it_refuses_a_phone_already_given_by_another_account(self) -> None:
        self.register(phone="081234567890")
        self.assertRefused(
            RequestError, USERNAME_TAKEN, lambda: self.register(nik=OTHER_NIK, email="", phone="081234567890")
        )


class CitizenExportTests(ServiceRequestTestCase):
    def test_it_gives_the_citizen_everything_held_about_them(self) -> None:
        user = self.register(phone="081234567890")
        user.refresh_from_db()
        mine = self.submit(citizen=user, is_secret=True)
        self.submit()  # someone else's
        payload = services.citizen_export(user=user, region=self.region)
        self.assertEqual(
            payload["account"],
            {
                "username": "siti@example.id",
                "full_name": "Siti Rahayu",
                "email": "siti@example.id",
                "phone": "081234567890",
            },
        )
        self.assertEqual(payload["nik"], NIK)  # their own, in full
        self.assertEqual(
            payload["consent"], {"purpose": CONSENT_PURPOSE, "version": CONSENT_VERSION, "at": NOW.isoformat()}
        )
        self.assertEqual([r["id"] for r in payload["requests"]], [mine.pk])
        self.assertEqual(payload["requests"][0]["service"], self.lamp.name)
        self.assertEqual(payload["requests"][0]["agency"], self.public_works.name)
        self.assertEqual(payload["requests"][0]["status"], "submitted")
        self.assertEqual(
            list(AuditEntry.objects.filter(action=AuditAction.CITIZEN_DATA_EXPORTED).values_list("actor", flat=True)),
            [user.pk],
        )

    def test_it_gives_none_for_a_citizen_without_a_profile(self) -> None:
        payload = services.citizen_export(user=self.citizen, region=self.region)
        self.assertEqual((payload["nik"], payload["consent"], payload["requests"]), (None, None, []))

    def test_it_lists_only_requests_of_this_region(self) -> None:
        user = self.register()
        self.submit(citizen=user)
        self.assertEqual(services.citizen_export(user=user, region=self.other_region)["requests"], [])


class CitizenDataRequestTests(ServiceRequestTestCase):
    def test_it_records_a_correction_or_deletion_request(self) -> None:
        user = self.register()
        for kind, action in (
            (DataRequestKind.CORRECTION, AuditAction.CITIZEN_CORRECTION_REQUESTED),
            (DataRequestKind.ERASURE, AuditAction.CITIZEN_ERASURE_REQUESTED),
        ):
            with self.subTest(kind=kind):
                request = services.citizen_data_request(user=user, region=self.region, kind=kind, message="  Ubah  ")
                self.assertEqual((request.kind, request.message, request.handled_at), (kind, "Ubah", None))
                self.assertTrue(AuditEntry.objects.filter(action=action, target_id=str(request.pk)).exists())

    def test_it_refuses_an_unknown_kind(self) -> None:
        user = self.register()
        self.assertRefused(
            NotAllowed,
            NOT_PERMITTED,
            lambda: services.citizen_data_request(user=user, region=self.region, kind="export", message=""),
        )

    def test_it_refuses_someone_who_is_not_a_member_of_the_region(self) -> None:
        user = self.register()
        self.assertRefused(
            NotAllowed,
            NOT_PERMITTED,
            lambda: services.citizen_data_request(user=user, region=self.other_region, kind="erasure", message=""),
        )
        self.assertFalse(DataRequest.objects.exists())


class CitizenEraseTests(ServiceRequestTestCase):
    def erased(self) -> tuple[User, ServiceRequest]:
        user = self.register(phone="081234567890")
        request = self.submit(citizen=user)
        services.citizen_data_request(user=user, region=self.region, kind="erasure", message="Hapus data saya.")
        services.citizen_erase(user=user, region=self.region, actor=self.officer)
        user.refresh_from_db()
        request.refresh_from_db()
        return user, request

    def test_it_clears_the_personal_data_and_closes_the_account(self) -> None:
        user, _request = self.erased()
        self.assertEqual((user.full_name, user.email, user.phone, user.username), ("", "", "", f"erased-{user.pk}"))
        self.assertFalse(user.is_active)
        self.assertFalse(user.has_usable_password())
        profile = CitizenProfile.objects.get(user=user)
        self.assertEqual((profile.nik_encrypted, profile.nik_digest, profile.nik_last4), ("", None, ""))
        self.assertEqual(profile.erased_at, NOW)
        self.assertEqual(profile.masked_nik, "–")

    def test_it_keeps_the_request_without_the_reporter(self) -> None:
        _user, request = self.erased()
        self.assertEqual((request.reporter_name, request.reporter_email, request.reporter_phone), ("", "", ""))
        self.assertEqual(request.description, "Lampu jalan di depan Balai RW 01 mati sejak kemarin malam.")

    def test_it_marks_the_deletion_request_handled_and_audits(self) -> None:
        user, _request = self.erased()
        self.assertEqual(DataRequest.objects.get(user=user).handled_at, NOW)
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.CITIZEN_ERASED, actor=self.officer).exists())

    def test_it_frees_the_nik_for_a_new_account(self) -> None:
        self.erased()
        self.register(email="baru@example.id")
        self.assertEqual(CitizenProfile.objects.filter(nik_digest=nik_codec.digest(NIK)).count(), 1)

    def test_it_keeps_nothing_that_still_identifies_the_citizen(self) -> None:
        self.erased()
        for model in (CitizenProfile, User, ServiceRequest):
            for text in (NIK, "Siti Rahayu", "siti@example.id", "081234567890"):
                with self.subTest(table=model._meta.db_table, text=text):
                    self.assertFalse(holds(model, text))

    def test_it_does_not_write_the_erased_name_into_the_erasure_audit_entry(self) -> None:
        self.erased()
        entry = AuditEntry.objects.get(action=AuditAction.CITIZEN_ERASED)
        self.assertNotIn("Siti Rahayu", entry.target_label)

    def test_it_refuses_anyone_but_the_coordinator(self) -> None:
        user = self.register()
        for actor in (self.operator, self.head, self.planner, self.leader, self.inspector, user, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda a=actor: services.citizen_erase(user=user, region=self.region, actor=a),
                )
        user.refresh_from_db()
        self.assertTrue(user.is_active)
        self.assertTrue(CitizenProfile.objects.get(user=user).nik_digest)

    def test_it_refuses_a_user_of_another_region(self) -> None:
        with self.assertRaises(NotAllowed):
            services.citizen_erase(user=self.outsider, region=self.region, actor=self.officer)
        self.outsider.refresh_from_db()
        self.assertTrue(self.outsider.is_active)


class CitizenNikRevealTests(ServiceRequestTestCase):
    REASON = "Verifikasi identitas untuk permohonan koreksi #12."

    def reveal(self, user: User, *, actor: User | None = None, reason: str = REASON) -> str:
        return services.citizen_nik_reveal(user=user, region=self.region, reason=reason, actor=actor or self.officer)

    def test_it_shows_the_coordinator_the_full_nik_and_audits_the_read_with_the_reason(self) -> None:
        user = self.register()
        self.assertEqual(self.reveal(user), NIK)
        entry = AuditEntry.objects.get(action=AuditAction.CITIZEN_RECORD_VIEWED)
        self.assertEqual((entry.actor, entry.target_id, entry.region), (self.officer, str(user.pk), self.region))
        self.assertEqual(entry.after, {"reason": self.REASON})
        self.assertNotIn(NIK, str(entry.after) + str(entry.before) + entry.target_label)

    def test_it_refuses_without_a_reason_and_audits_nothing(self) -> None:
        user = self.register()
        for reason in ("", "   "):
            with self.subTest(reason=reason):
                error = self.assertRefused(RequestError, REASON_REQUIRED, lambda r=reason: self.reveal(user, reason=r))
                self.assertEqual(error.field, "reason")
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.CITIZEN_RECORD_VIEWED).exists())

    def test_it_refuses_anyone_but_the_coordinator(self) -> None:
        user = self.register()
        for actor in (self.operator, self.planner, self.leader, self.inspector, user, self.outsider):
            with self.subTest(actor=actor.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda a=actor: self.reveal(user, actor=a))
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.CITIZEN_RECORD_VIEWED).exists())

    def test_it_refuses_a_citizen_without_a_nik_or_of_another_region_and_staff_accounts(self) -> None:
        erased = self.register()
        services.citizen_erase(user=erased, region=self.region, actor=self.officer)
        for user in (self.citizen, erased, self.outsider, self.operator):
            with self.subTest(user=user.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda u=user: self.reveal(u))

    def test_it_leaves_the_stored_values_untouched(self) -> None:
        user = self.register()
        before = CitizenProfile.objects.values().get(user=user)
        self.reveal(user)
        self.assertEqual(CitizenProfile.objects.values().get(user=user), before)
