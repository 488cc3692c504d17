"""The NIK (Nomor Induk Kependudukan): format check, encryption at rest, keyed digest, masking.

The NIK is personal data (UU 27/2022): it is stored encrypted (Fernet), found again only through a
keyed HMAC digest, shown masked, and never written to logs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIK_PATTERN = re.compile(r"[0-9]{16}")  # ASCII digits only; fullmatch, so no trailing newline


def validate_nik(value: str) -> None:
    """16 digits: province, regency, district (6), birth date (6; day +40 for women), a non-zero serial (4)."""
    if not NIK_PATTERN.fullmatch(value or ""):
        raise ValidationError(_("A NIK has exactly 16 digits."), code="nik_format")
    day, month = int(value[6:8]), int(value[8:10])
    if day > 40:
        day -= 40
    if not (1 <= day <= 31 and 1 <= month <= 12) or value[12:] == "0000" or value[:2] == "00":
        raise ValidationError(_("This is not a valid NIK."), code="nik_invalid")


def _key(purpose: bytes) -> bytes:
    secret = (getattr(settings, "NIK_SECRET", "") or settings.SECRET_KEY).encode()
    return hashlib.sha256(secret + b"|" + purpose).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key(b"kotacerdas-nik-encryption")))


def encrypt(nik: str) -> str:
    return _fernet().encrypt(nik.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def digest(nik: str) -> str:
    """A keyed hash: equal NIKs give equal digests, and the NIK cannot be read back from it."""
    return hmac.new(_key(b"kotacerdas-nik-digest"), nik.encode(), hashlib.sha256).hexdigest()


def mask(nik: str) -> str:
    return "*" * 12 + nik[-4:]
