"""The room's Indonesian catalogue: every message translated, placeholders kept, nothing left fuzzy."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.test import SimpleTestCase
from django.utils.translation import gettext, override

from kotacerdas.monitoring import evidence, services

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "id" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


class CatalogueTests(SimpleTestCase):
    def test_it_translates_every_message_and_keeps_its_placeholders(self) -> None:
        with CATALOGUE.open("rb") as po:
            catalogue = read_po(po)
        messages = [m for m in catalogue if m.id]
        self.assertGreater(len(messages), 300)
        for message in messages:
            with self.subTest(message.id):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                self.assertTrue(all(strings), "untranslated")
                self.assertFalse(message.fuzzy)
                for string in strings:
                    self.assertEqual(sorted(PLACEHOLDER.findall(string)), sorted(PLACEHOLDER.findall(ids[-1])))

    def test_it_is_compiled_and_used(self) -> None:
        with override("id"):
            self.assertEqual(gettext(services.NEGATIVE), "Jumlah atau nilai uang tidak boleh negatif.")
            self.assertEqual(gettext(evidence.NOT_A_PDF), "Berkas ini bukan dokumen PDF yang sah.")
            self.assertEqual(gettext("Progress report approved"), "Laporan kemajuan disetujui")  # an audit label
