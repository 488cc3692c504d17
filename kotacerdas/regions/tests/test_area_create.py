"""area_create: a unit's kind fixes its level; its parent is one level up in the same region; the DB agrees."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.core.testing import RegionTestCase
from kotacerdas.regions import services
from kotacerdas.regions.models import Area, AreaLevel


class AreaCreateTests(RegionTestCase):
    def test_it_adds_a_unit_under_its_parent_and_audits_it(self) -> None:
        area = services.area_create(
            region=self.region, parent=self.kemantren, kind="kelurahan", name="Pakuncen", actor=self.officer
        )
        self.assertEqual(area.level, AreaLevel.VILLAGE)
        self.assertEqual(area.parent, self.kemantren)
        entry = AuditEntry.objects.get(action=AuditAction.AREA_CREATED, target_id=str(area.pk))
        self.assertEqual(entry.actor, self.officer)
        self.assertEqual(entry.after, {"kind": "kelurahan", "name": "Pakuncen", "parent": "Wirobrajan"})

    def test_it_derives_the_level_from_the_kind(self) -> None:
        self.assertEqual(
            [self.kemantren.level, self.kelurahan.level, self.rw.level, self.rt.level],
            [AreaLevel.DISTRICT, AreaLevel.VILLAGE, AreaLevel.RW, AreaLevel.RT],
        )

    def test_it_allows_the_same_top_level_name_in_another_region(self) -> None:
        area = services.area_create(
            region=self.other_region, parent=None, kind="kecamatan", name="Wirobrajan", actor=None
        )
        self.assertEqual(area.region, self.other_region)

    def test_it_refuses_an_unknown_kind(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.area_create(region=self.region, parent=self.kemantren, kind="dusun", name="X", actor=None)
        self.assertIn("kind", caught.exception.message_dict)

    def test_it_refuses_a_kind_that_does_not_match_the_level(self) -> None:
        area = Area(region=self.region, parent=self.kemantren, level=AreaLevel.VILLAGE, kind="rt", name="RT 09")
        with self.assertRaises(ValidationError) as caught:
            area.full_clean()
        self.assertIn("kind", caught.exception.message_dict)

    def test_it_refuses_a_parent_two_levels_up(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.area_create(region=self.region, parent=self.kelurahan, kind="rt", name="RT 09", actor=None)
        self.assertIn("parent", caught.exception.message_dict)

    def test_it_refuses_a_parent_for_a_district(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.area_create(region=self.region, parent=self.kemantren, kind="kemantren", name="X", actor=None)
        self.assertIn("parent", caught.exception.message_dict)

    def test_it_refuses_a_village_without_a_parent(self) -> None:
        with self.assertRaises(ValidationError):
            services.area_create(region=self.region, parent=None, kind="kelurahan", name="Lepas", actor=None)
        self.assertFalse(Area.objects.filter(name="Lepas").exists())

    def test_it_refuses_a_parent_of_another_region(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.area_create(
                region=self.other_region, parent=self.kemantren, kind="desa", name="Desa Lain", actor=None
            )
        self.assertIn("parent", caught.exception.message_dict)

    def test_it_refuses_a_second_top_level_unit_of_the_same_name(self) -> None:
        with self.assertRaises(ValidationError):
            services.area_create(region=self.region, parent=None, kind="kemantren", name="Wirobrajan", actor=None)
        self.assertEqual(Area.objects.filter(region=self.region, parent=None, name="Wirobrajan").count(), 1)

    def test_it_refuses_a_second_child_of_the_same_name(self) -> None:
        with self.assertRaises(ValidationError):
            services.area_create(region=self.region, parent=self.rw, kind="rt", name="RT 01", actor=None)

    def test_it_writes_no_audit_entry_when_refused(self) -> None:
        before = AuditEntry.objects.count()
        with self.assertRaises(ValidationError):
            services.area_create(region=self.region, parent=self.kelurahan, kind="rt", name="RT 09", actor=None)
        self.assertEqual(AuditEntry.objects.count(), before)


class AreaConstraintTests(RegionTestCase):
    """The database refuses what the service would, even when the service is bypassed."""

    def assert_refused(self, **fields: object) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            Area.objects.create(region=self.region, **fields)

    def test_it_refuses_a_level_below_one(self) -> None:
        self.assert_refused(parent=None, level=0, kind="kemantren", name="Nol")

    def test_it_refuses_a_level_above_four(self) -> None:
        self.assert_refused(parent=self.rt, level=5, kind="rt", name="Lima")

    def test_it_refuses_a_top_level_unit_with_a_parent(self) -> None:
        self.assert_refused(parent=self.kemantren, level=1, kind="kemantren", name="Anak")

    def test_it_refuses_a_lower_unit_without_a_parent(self) -> None:
        self.assert_refused(parent=None, level=3, kind="rw", name="RW Lepas")

    def test_it_refuses_two_top_level_units_of_the_same_name(self) -> None:
        self.assert_refused(parent=None, level=1, kind="kemantren", name="Wirobrajan")

    def test_it_refuses_two_children_of_the_same_name(self) -> None:
        self.assert_refused(parent=self.rw, level=4, kind="rt", name="RT 01")
