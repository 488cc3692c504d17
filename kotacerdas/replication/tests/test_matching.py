"""Describing an agency to another region and suggesting which of its agencies stands for it."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from kotacerdas.replication.matching import AgencyFacts, describe, function_of, suggest

DISKOMINFOSAN = AgencyFacts("Dinas Komunikasi Informatika dan Persandian", "Diskominfosan", "dinas", "ict")
DPUPKP = AgencyFacts("Dinas Pekerjaan Umum Perumahan dan Kawasan Permukiman", "DPUPKP", "dinas", "")
KELURAHAN = AgencyFacts("Kelurahan Patangpuluhan", "", "kelurahan", "")
MUSI_RAWAS = [
    ("diskominfostat", AgencyFacts("Dinas Komunikasi Informatika dan Statistik", "Diskominfo", "dinas", "ict")),
    ("bappeda", AgencyFacts("Badan Perencanaan Pembangunan Daerah", "Bappeda", "badan", "planning")),
    ("pupr", AgencyFacts("Dinas Pekerjaan Umum dan Penataan Ruang", "PUPR", "dinas", "")),
    ("muara-beliti", AgencyFacts("Kecamatan Muara Beliti", "", "kecamatan", "")),
]


class DescribeTests(SimpleTestCase):
    def test_it_says_what_an_agency_does_from_its_special_role_then_its_name_then_its_kind(self) -> None:
        with translation.override("en"):
            self.assertEqual(str(describe(DISKOMINFOSAN)), "the ICT agency")
            self.assertEqual(str(describe(DPUPKP)), "the public works agency")
            self.assertEqual(str(describe(KELURAHAN)), "a village office (kelurahan)")
            self.assertEqual(str(describe(AgencyFacts("Kantor X", "", "kantor", ""))), "an agency (kantor)")

    def test_it_reads_the_ict_function_from_the_name_without_a_special_role(self) -> None:
        self.assertEqual(function_of(AgencyFacts("Dinas Komunikasi dan Informatika", "", "dinas", "")), "ict")


class SuggestTests(SimpleTestCase):
    def test_it_matches_the_ict_agency_by_special_role(self) -> None:
        self.assertEqual(suggest(DISKOMINFOSAN, MUSI_RAWAS), "diskominfostat")

    def test_it_matches_public_works_by_function_despite_different_names(self) -> None:
        self.assertEqual(suggest(DPUPKP, MUSI_RAWAS), "pupr")

    def test_it_matches_the_same_name_first(self) -> None:
        same = [("x", AgencyFacts("Dinas Pekerjaan Umum Perumahan dan Kawasan Permukiman", "", "dinas", ""))]
        self.assertEqual(suggest(DPUPKP, [*MUSI_RAWAS, *same]), "x")

    def test_it_suggests_nothing_when_nothing_is_alike(self) -> None:
        self.assertIsNone(suggest(KELURAHAN, MUSI_RAWAS))
        self.assertIsNone(suggest(DPUPKP, MUSI_RAWAS[:2]))

    def test_it_matches_a_district_office_to_a_district_office_of_another_name_scheme(self) -> None:
        kemantren = AgencyFacts("Kemantren Muara Beliti", "", "kemantren", "")
        self.assertEqual(suggest(kemantren, MUSI_RAWAS), "muara-beliti")
