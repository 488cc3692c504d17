"""agency_create: an agency is validated, unique per region, and audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kotacerdas.agencies.models import Agency
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import RegionTestCase, make_agency


class AgencyCreateTests(RegionTestCase):
    def test_it_registers_the_agency_and_audits_it(self) -> None:
        agency = make_agency(self.region, "dinkes", name="Dinas Kesehatan", short_name="Dinkes")
        self.assertEqual(Agency.objects.for_region(self.region).get(slug="dinkes"), agency)
        entry = AuditEntry.objects.get(action=AuditAction.AGENCY_CREATED, target_id=str(agency.pk))
        self.assertEqual(entry.region, self.region)
        self.assertEqual(entry.after, {"name": "Dinas Kesehatan", "kind": "dinas", "special_role": ""})

    def test_it_allows_the_same_slug_in_two_regions(self) -> None:
        agency = make_agency(self.other_region, "dpupkp")
        self.assertEqual(agency.slug, self.public_works.slug)
        self.assertEqual(Agency.objects.filter(slug="dpupkp").count(), 2)

    def test_it_allows_each_special_role_once_in_every_region(self) -> None:
        agency = make_agency(self.other_region, "diskominfo", special_role="ict")
        self.assertEqual(agency.special_role, "ict")

    def test_it_allows_many_agencies_without_a_special_role(self) -> None:
        make_agency(self.region, "dinkes")
        make_agency(self.region, "dishub")
        self.assertEqual(Agency.objects.for_region(self.region).filter(special_role="").count(), 3)

    def test_it_refuses_a_second_agency_with_the_same_special_role(self) -> None:
        with self.assertRaises(ValidationError):
            make_agency(self.region, "bappeda-dua", kind="badan", special_role="planning")
        self.assertEqual(Agency.objects.for_region(self.region).filter(special_role="planning").count(), 1)

    def test_it_refuses_a_second_special_role_agency_even_past_the_service(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            Agency.objects.create(region=self.region, name="ICT 2", slug="ict-2", kind="dinas", special_role="ict")

    def test_it_refuses_the_same_slug_twice_in_one_region(self) -> None:
        with self.assertRaises(ValidationError):
            make_agency(self.region, "dpupkp", name="Another DPUPKP")

    def test_it_refuses_the_same_name_twice_in_one_region(self) -> None:
        with self.assertRaises(ValidationError):
            make_agency(self.region, "dpupkp-2", name=self.public_works.name)

    def test_it_refuses_an_unknown_kind(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            make_agency(self.region, "aneh", kind="ministry")
        self.assertIn("kind", caught.exception.message_dict)
