"""A citizen's NIK put on file later, and the coordinator's answers to correction and deletion requests."""

from __future__ import annotations

from kotacerdas.accounts.models import User
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.errors import NotAllowed
from kotacerdas.servicerequests import nik as nik_codec
from kotacerdas.servicerequests import services
from kotacerdas.servicerequests.models import CitizenProfile, DataRequest, ServiceRequest
from kotacerdas.servicerequests.services import (
    ANSWER_REQUIRED,
    CONSENT_PURPOSE,
    CONSENT_REQUIRED,
    CONTACT_REQUIRED,
    DATA_REQUEST_ANSWERED,
    DATA_REQUEST_OTHER_KIND,
    EMAIL_INVALID,
    NAME_REQUIRED,
    NIK_NOT_ON_FILE,
    NIK_OF_ANOTHER,
    NIK_ON_FILE,
    NIK_TAKEN,
    NOT_PERMITTED,
    NOTHING_CORRECTED,
    PHONE_INVALID,
    USERNAME_TAKEN,
    Correction,
    RequestError,
)
from kotacerdas.servicerequests.tests.factories import NIK, NIK_WOMAN, NOW, OTHER_NIK, ServiceRequestTestCase

NOT_COORDINATORS = ("operator", "head", "planner", "leader", "inspector", "citizen", "outsider")


class CitizenNikAddTests(ServiceRequestTestCase):
    def add(self, user: User | None = None, *, nik: str = NIK, consent: bool = True) -> CitizenProfile:
        return services.citizen_nik_add(user=user or self.citizen, region=self.region, nik=nik, consent=consent)

    def test_it_puts_the_nik_on_file_encrypted_with_the_consent(self) -> None:
        profile = self.add()
        self.assertEqual(nik_codec.decrypt(profile.nik_encrypted), NIK)
        self.assertEqual((profile.nik_digest, profile.masked_nik), (nik_codec.digest(NIK), "************0001"))
        self.assertEqual((profile.consent_purpose, profile.consent_at), (CONSENT_PURPOSE, NOW))
        entry = AuditEntry.objects.get(action=AuditAction.CITIZEN_NIK_ADDED)
        self.assertEqual(
            (entry.actor, entry.region, entry.target_id), (self.citizen, self.region, str(self.citizen.pk))
        )
        self.assertNotIn(NIK, f"{entry.before}{entry.after}{entry.target_label}")

    def test_it_lets_the_citizen_submit_afterwards(self) -> None:
        self.add()
        self.assertTrue(CitizenProfile.objects.filter(user=self.citizen).exclude(nik_encrypted="").exists())
        self.submit()  # the persona citizen, now with a NIK

    def test_it_refuses_without_consent(self) -> None:
        error = self.assertRefused(RequestError, CONSENT_REQUIRED, lambda: self.add(consent=False))
        self.assertEqual(error.field, "consent")
        self.assertFalse(CitizenProfile.objects.filter(user=self.citizen).exists())

    def test_it_refuses_a_malformed_nik(self) -> None:
        for value in ("123", "3471013203900001", NIK + "\n", "３４７１０１１２０３９００００１"):
            with self.subTest(nik=value):
                error = self.assertRefused(RequestError, None, lambda v=value: self.add(nik=v))
                self.assertEqual(error.field, "nik")
        self.assertFalse(CitizenProfile.objects.filter(user=self.citizen).exists())

    def test_it_refuses_a_nik_another_account_holds(self) -> None:
        self.register()
        self.assertRefused(RequestError, NIK_TAKEN, lambda: self.add())
        self.assertFalse(CitizenProfile.objects.filter(user=self.citizen).exists())

    def test_it_refuses_to_replace_a_nik_on_file(self) -> None:
        siti = self.register()
        self.assertRefused(RequestError, NIK_ON_FILE, lambda: self.add(siti, nik=OTHER_NIK))
        self.assertEqual(CitizenProfile.objects.get(user=siti).nik_digest, nik_codec.digest(NIK))

    def test_it_refuses_staff_and_other_regions(self) -> None:
        for user in (self.officer, self.operator, self.outsider):
            with self.subTest(user=user.username):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda u=user: self.add(u))
        self.assertFalse(CitizenProfile.objects.exists())


class DataRequestTestCase(ServiceRequestTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.siti = self.register(phone="081234567890")
        self.siti.refresh_from_db()
        self.request = self.submit(citizen=self.siti)

    def ask(self, kind: str, message: str = "Nama saya salah ketik.") -> DataRequest:
        return services.citizen_data_request(user=self.siti, region=self.region, kind=kind, message=message)

    def correct(self, item: DataRequest, *, actor: User | None = None, **fields: str) -> DataRequest:
        values = {"full_name": "Siti Rahayu Lestari", "email": "siti@example.id", "phone": "081234567890"}
        values.update(fields)
        return services.data_request_correct(
            data_request=item,
            correction=Correction(**values),
            response="Sudah dibetulkan.",
            actor=actor or self.officer,
        )


class DataRequestCorrectTests(DataRequestTestCase):
    def test_it_corrects_the_account_and_the_requests_and_answers_the_citizen(self) -> None:
        item = self.correct(self.ask("correction"))
        self.siti.refresh_from_db()
        self.request.refresh_from_db()
        self.assertEqual(self.siti.full_name, "Siti Rahayu Lestari")
        self.assertEqual(self.request.reporter_name, "Siti Rahayu Lestari")
        item.refresh_from_db()
        self.assertEqual((item.outcome, item.handled_at, item.handled_by), ("corrected", NOW, self.officer))
        self.assertEqual(item.response, "Sudah dibetulkan.")
        entry = AuditEntry.objects.get(action=AuditAction.CITIZEN_DATA_CORRECTED)
        self.assertEqual((entry.actor, entry.target_id), (self.officer, str(self.siti.pk)))
        self.assertEqual(entry.after, {"fields": ["full_name"], "data_request": item.pk})

    def test_it_moves_the_login_to_a_corrected_email(self) -> None:
        self.correct(self.ask("correction"), email="siti.rahayu@example.id")
        self.siti.refresh_from_db()
        self.assertEqual((self.siti.username, self.siti.email), ("siti.rahayu@example.id", "siti.rahayu@example.id"))
        self.request.refresh_from_db()
        self.assertEqual(self.request.reporter_email, "siti.rahayu@example.id")

    def test_it_corrects_the_nik_and_names_no_nik_in_the_audit(self) -> None:
        self.correct(self.ask("correction"), full_name="Siti Rahayu", nik=NIK_WOMAN)
        profile = CitizenProfile.objects.get(user=self.siti)
        self.assertEqual((nik_codec.decrypt(profile.nik_encrypted), profile.nik_last4), (NIK_WOMAN, "0002"))
        self.assertEqual(profile.nik_digest, nik_codec.digest(NIK_WOMAN))
        entry = AuditEntry.objects.get(action=AuditAction.CITIZEN_DATA_CORRECTED)
        self.assertEqual(entry.after["fields"], ["nik"])  # type: ignore[index]
        for text in (NIK, NIK_WOMAN):
            self.assertNotIn(text, f"{entry.before}{entry.after}{entry.target_label}")

    def test_it_refuses_when_nothing_changes(self) -> None:
        item = self.ask("correction")
        self.assertRefused(RequestError, NOTHING_CORRECTED, lambda: self.correct(item, full_name="Siti Rahayu"))
        self.assertRefused(
            RequestError, NOTHING_CORRECTED, lambda: self.correct(item, full_name="Siti Rahayu", nik=NIK)
        )
        item.refresh_from_db()
        self.assertTrue(item.is_open)

    def test_it_refuses_bad_details_and_changes_nothing(self) -> None:
        other = self.register(nik=OTHER_NIK, email="budi@example.id", phone="081200000000", full_name="Budi")
        item = self.ask("correction")
        cases = {
            "no name": ({"full_name": "  "}, NAME_REQUIRED, "full_name"),
            "no contact": ({"email": "", "phone": ""}, CONTACT_REQUIRED, "email"),
            "bad e-mail": ({"email": "siti@"}, EMAIL_INVALID, "email"),
            "bad phone": ({"phone": "12345"}, PHONE_INVALID, "phone"),
            "phone of another": ({"phone": "081200000000"}, USERNAME_TAKEN, "phone"),
            "login of another": ({"email": "budi@example.id"}, USERNAME_TAKEN, "email"),
            "nik of another": ({"nik": OTHER_NIK}, NIK_OF_ANOTHER, "nik"),
            "impossible nik": ({"nik": "3471013203900001"}, None, "nik"),
        }
        for label, (fields, message, field) in cases.items():
            with self.subTest(label):
                error = self.assertRefused(RequestError, message, lambda f=fields: self.correct(item, **f))
                self.assertEqual(error.field, field)
        self.siti.refresh_from_db()
        self.assertEqual((self.siti.full_name, self.siti.username), ("Siti Rahayu", "siti@example.id"))
        self.assertEqual(CitizenProfile.objects.get(user=self.siti).nik_digest, nik_codec.digest(NIK))
        self.assertEqual(other.full_name, "Budi")
        item.refresh_from_db()
        self.assertTrue(item.is_open)
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.CITIZEN_DATA_CORRECTED).exists())

    def test_it_corrects_an_account_made_without_contact_details(self) -> None:
        User.objects.filter(pk=self.citizen.pk).update(email="")
        item = services.citizen_data_request(user=self.citizen, region=self.region, kind="correction", message="")
        services.data_request_correct(
            data_request=item, correction=Correction(full_name="Warga Kotaraya"), response="", actor=self.officer
        )
        self.citizen.refresh_from_db()
        self.assertEqual(
            (self.citizen.full_name, self.citizen.email, self.citizen.username), ("Warga Kotaraya", "", "citizen")
        )

    def test_it_refuses_a_new_nik_for_a_citizen_without_one(self) -> None:
        item = services.citizen_data_request(user=self.citizen, region=self.region, kind="correction", message="")
        self.assertRefused(
            RequestError,
            NIK_NOT_ON_FILE,
            lambda: services.data_request_correct(
                data_request=item,
                correction=Correction(full_name="Warga", email=self.citizen.email, nik=NIK),
                response="",
                actor=self.officer,
            ),
        )

    def test_it_refuses_an_answered_request_or_a_deletion_request(self) -> None:
        answered = self.correct(self.ask("correction"))
        self.assertRefused(RequestError, DATA_REQUEST_ANSWERED, lambda: self.correct(answered, full_name="Lain"))
        self.assertRefused(RequestError, DATA_REQUEST_OTHER_KIND, lambda: self.correct(self.ask("erasure")))

    def test_it_refuses_anyone_but_the_coordinator(self) -> None:
        item = self.ask("correction")
        for name in NOT_COORDINATORS:
            with self.subTest(actor=name):
                self.assertRefused(NotAllowed, NOT_PERMITTED, lambda n=name: self.correct(item, actor=getattr(self, n)))
        self.siti.refresh_from_db()
        self.assertEqual(self.siti.full_name, "Siti Rahayu")


class DataRequestEraseTests(DataRequestTestCase):
    def test_it_erases_the_citizen_and_answers_every_open_data_request(self) -> None:
        correction = self.ask("correction")
        erasure = self.ask("erasure", "Hapus akun saya.")
        item = services.data_request_erase(
            data_request=erasure, response="Data Anda sudah dihapus.", actor=self.officer
        )
        self.assertEqual(
            (item.outcome, item.handled_by, item.response), ("erased", self.officer, "Data Anda sudah dihapus.")
        )
        correction.refresh_from_db()
        self.assertEqual((correction.outcome, correction.handled_at), ("erased", NOW))
        self.siti.refresh_from_db()
        self.assertFalse(self.siti.is_active)
        self.assertEqual(CitizenProfile.objects.get(user=self.siti).nik_digest, None)
        self.request.refresh_from_db()
        self.assertEqual(self.request.reporter_name, "")
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.CITIZEN_ERASED, actor=self.officer).exists())

    def test_it_refuses_a_correction_request_or_an_answered_one(self) -> None:
        self.assertRefused(
            RequestError,
            DATA_REQUEST_OTHER_KIND,
            lambda: services.data_request_erase(data_request=self.ask("correction"), response="", actor=self.officer),
        )
        erasure = self.ask("erasure")
        services.data_request_refuse(data_request=erasure, response="Masih ada pengaduan berjalan.", actor=self.officer)
        self.assertRefused(
            RequestError,
            DATA_REQUEST_ANSWERED,
            lambda: services.data_request_erase(data_request=erasure, response="", actor=self.officer),
        )
        self.siti.refresh_from_db()
        self.assertTrue(self.siti.is_active)

    def test_it_refuses_anyone_but_the_coordinator(self) -> None:
        erasure = self.ask("erasure")
        for name in NOT_COORDINATORS:
            with self.subTest(actor=name):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda n=name: services.data_request_erase(
                        data_request=erasure, response="", actor=getattr(self, n)
                    ),
                )
        self.siti.refresh_from_db()
        self.assertTrue(self.siti.is_active)

    def test_it_never_erases_a_staff_account(self) -> None:
        item = services.citizen_data_request(user=self.operator, region=self.region, kind="erasure", message="")
        self.assertRefused(
            NotAllowed,
            NOT_PERMITTED,
            lambda: services.data_request_erase(data_request=item, response="", actor=self.officer),
        )
        self.assertRefused(
            NotAllowed,
            NOT_PERMITTED,
            lambda: services.citizen_erase(user=self.operator, region=self.region, actor=self.officer),
        )
        self.operator.refresh_from_db()
        self.assertTrue(self.operator.is_active)


class DataRequestRefuseTests(DataRequestTestCase):
    def test_it_refuses_with_the_reason_the_citizen_reads(self) -> None:
        item = services.data_request_refuse(
            data_request=self.ask("erasure"), response="Pengaduan Anda masih ditangani.", actor=self.officer
        )
        item.refresh_from_db()
        self.assertEqual(
            (item.outcome, item.handled_at, item.response), ("refused", NOW, "Pengaduan Anda masih ditangani.")
        )
        entry = AuditEntry.objects.get(action=AuditAction.CITIZEN_DATA_REQUEST_REFUSED)
        self.assertEqual((entry.actor, entry.target_id), (self.officer, str(item.pk)))
        self.siti.refresh_from_db()
        self.assertTrue(self.siti.is_active)

    def test_it_needs_a_reason(self) -> None:
        item = self.ask("correction")
        error = self.assertRefused(
            RequestError,
            ANSWER_REQUIRED,
            lambda: services.data_request_refuse(data_request=item, response="  ", actor=self.officer),
        )
        self.assertEqual(error.field, "response")
        item.refresh_from_db()
        self.assertTrue(item.is_open)

    def test_it_refuses_anyone_but_the_coordinator_and_an_answered_request(self) -> None:
        item = self.ask("correction")
        for name in NOT_COORDINATORS:
            with self.subTest(actor=name):
                self.assertRefused(
                    NotAllowed,
                    NOT_PERMITTED,
                    lambda n=name: services.data_request_refuse(
                        data_request=item, response="Tidak.", actor=getattr(self, n)
                    ),
                )
        services.data_request_refuse(data_request=item, response="Tidak.", actor=self.officer)
        self.assertRefused(
            RequestError,
            DATA_REQUEST_ANSWERED,
            lambda: services.data_request_refuse(data_request=item, response="Lagi.", actor=self.officer),
        )
        self.assertEqual(ServiceRequest.objects.filter(citizen=self.siti).count(), 1)
