"""The NIK codec: format check (incl. women's day + 40), masking, encryption at rest, keyed digest."""

from __future__ import annotations

import hashlib

from cryptography.fernet import InvalidToken
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, override_settings
from django.utils.translation import gettext

from kotacerdas.servicerequests import nik
from kotacerdas.servicerequests.tests.factories import NIK, NIK_WOMAN, OTHER_NIK

# The digest of NIK under NIK_SECRET="test-nik-secret", pinned: if the derivation changes, every stored
# digest stops matching and duplicate NIKs slip through, so a change here must come with a migration.
PINNED_DIGEST = "0bab4fc43040f1f2e66921b7188c2483c3586d28cf238ec8a1f6b087ac6c27e4"


class ValidateNikTests(SimpleTestCase):
    def test_it_accepts_a_well_formed_nik(self) -> None:
        for value in (NIK, OTHER_NIK, "1101013112999999", "3471010112000001"):
            with self.subTest(value=value):
                nik.validate_nik(value)

    def test_it_accepts_a_womans_birth_day_plus_40(self) -> None:
        for value in (NIK_WOMAN, "3471014101900001", "3471017112990001"):  # 12th, 1st and 31st, plus 40
            with self.subTest(value=value):
                nik.validate_nik(value)

    def assertInvalid(self, value: str, code: str, message: str) -> None:
        with self.assertRaises(ValidationError) as caught:
            nik.validate_nik(value)
        self.assertEqual(caught.exception.code, code, value)
        self.assertEqual(caught.exception.messages, [gettext(message)])

    def test_it_refuses_anything_but_sixteen_digits(self) -> None:
        for value in ("", "347101120390000", "34710112039000011", "3471-0112039000", "347101120390000a", " " + NIK[1:]):
            with self.subTest(value=value):
                self.assertInvalid(value, "nik_format", "A NIK has exactly 16 digits.")

    def test_it_refuses_an_impossible_birth_date(self) -> None:
        cases = {
            "day 00": "3471010003900001",
            "day 32": "3471013203900001",
            "day 40": "3471014003900001",
            "day 72 (31 + 41)": "3471017203900001",
            "month 00": "3471011200900001",
            "month 13": "3471011213900001",
        }
        for label, value in cases.items():
            with self.subTest(label):
                self.assertInvalid(value, "nik_invalid", "This is not a valid NIK.")

    def test_it_refuses_serial_0000_and_province_00(self) -> None:
        for value in ("3471011203900000", "0071011203900001"):
            with self.subTest(value=value):
                self.assertInvalid(value, "nik_invalid", "This is not a valid NIK.")

    def test_it_refuses_non_ascii_digits_and_a_trailing_newline(self) -> None:
        # Such values would pass the form's 16-character check and get a digest different from the ASCII NIK.
        arabic_indic = NIK.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        full_width = NIK.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        for value in (arabic_indic, full_width, NIK + "\n", "\n" + NIK):
            with self.subTest(value=value):
                self.assertInvalid(value, "nik_format", "A NIK has exactly 16 digits.")


class MaskTests(SimpleTestCase):
    def test_it_shows_only_the_last_four_digits(self) -> None:
        self.assertEqual(nik.mask(NIK), "************0001")
        self.assertEqual(len(nik.mask(NIK)), 16)
        self.assertNotIn(NIK[:12], nik.mask(NIK))


@override_settings(NIK_SECRET="test-nik-secret")
class EncryptionTests(SimpleTestCase):
    def test_it_decrypts_what_it_encrypted(self) -> None:
        for value in (NIK, NIK_WOMAN):
            with self.subTest(value=value):
                self.assertEqual(nik.decrypt(nik.encrypt(value)), value)

    def test_it_never_stores_the_nik_in_clear(self) -> None:
        token = nik.encrypt(NIK)
        self.assertNotIn(NIK, token)
        self.assertNotIn(NIK[-8:], token)

    def test_it_gives_a_new_ciphertext_each_time(self) -> None:
        self.assertNotEqual(nik.encrypt(NIK), nik.encrypt(NIK))

    def test_it_cannot_be_read_with_another_key(self) -> None:
        token = nik.encrypt(NIK)
        with override_settings(NIK_SECRET="another-secret"), self.assertRaises(InvalidToken):
            nik.decrypt(token)

    @override_settings(NIK_SECRET="", SECRET_KEY="fallback-secret-key-for-the-test")
    def test_it_falls_back_to_the_secret_key(self) -> None:
        token = nik.encrypt(NIK)
        self.assertEqual(nik.decrypt(token), NIK)
        with override_settings(NIK_SECRET="fallback-secret-key-for-the-test"):
            self.assertEqual(nik.decrypt(token), NIK)


@override_settings(NIK_SECRET="test-nik-secret")
class DigestTests(SimpleTestCase):
    def test_it_is_stable(self) -> None:
        self.assertEqual(nik.digest(NIK), PINNED_DIGEST)
        self.assertEqual(nik.digest(NIK), nik.digest(NIK))

    def test_it_differs_per_nik(self) -> None:
        self.assertNotEqual(nik.digest(NIK), nik.digest(OTHER_NIK))

    def test_it_is_keyed_not_a_plain_hash(self) -> None:
        self.assertNotEqual(nik.digest(NIK), hashlib.sha256(NIK.encode()).hexdigest())
        with override_settings(NIK_SECRET="another-secret"):
            self.assertNotEqual(nik.digest(NIK), PINNED_DIGEST)
