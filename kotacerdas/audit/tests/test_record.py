"""record(): the one audit call; it runs only inside the writing service's transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.test import SimpleTestCase, TestCase

from kotacerdas.accounts.models import User
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.audit.services import _listeners, listen, prepare, record
from kotacerdas.core.rows import Guard, prepare_insert
from kotacerdas.core.testing import make_region
from kotacerdas.regions.models import Region


class RecordTests(TestCase):
    def test_it_appends_an_entry_describing_the_target(self) -> None:
        region = make_region("kotaraya")
        with transaction.atomic():
            entry = record(
                actor=None, action=AuditAction.REGION_UPDATED, target=region, region=region, before={"seat": ""}
            )
        entry.refresh_from_db()
        self.assertEqual((entry.target_type, entry.target_id), ("regions.region", str(region.pk)))
        self.assertEqual((entry.target_label, entry.actor_label), ("Kota Kotaraya", "system"))
        self.assertEqual((entry.before, entry.after), ({"seat": ""}, None))

    def test_it_names_the_acting_user(self) -> None:
        region = make_region("kotaraya")
        user = User.objects.create_user(username="petugas", password="x-password-123")
        with transaction.atomic():
            entry = record(actor=user, action=AuditAction.REGION_UPDATED, target=region, region=region)
        self.assertEqual((entry.actor, entry.actor_label), (user, "petugas"))
        self.assertEqual(entry.action_label, str(AuditAction.REGION_UPDATED.label))


class PrepareTests(TestCase):
    """prepare(): record() in two steps, the values made before the transaction and the INSERT inside it."""

    def test_it_appends_the_same_entry_record_would_naming_the_target_by_the_id_it_got_since(self) -> None:
        region = make_region("kotaraya")
        user = User.objects.create_user(username="petugas", password="x-password-123")
        heard: list[AuditEntry] = []
        listen("regions.", heard.append)
        self.addCleanup(_listeners.remove, ("regions.", heard.append))
        target = Region(
            name="Kota Baru", slug="kotabaru", code="99.99", kind=region.kind, jurisdiction="kotabaru.go.id"
        )
        entries = AuditEntry.objects.count()
        prepared = prepare(actor=user, action=AuditAction.REGION_CREATED, target=target, after={"name": "Kota Baru"})
        self.assertEqual(AuditEntry.objects.count(), entries)  # nothing written yet
        with transaction.atomic():
            target.save()
            entry = prepared.execute()
            compared = record(actor=user, action=AuditAction.REGION_CREATED, target=target, after={"name": "Kota Baru"})
        stored, expected = AuditEntry.objects.get(pk=entry.pk), AuditEntry.objects.get(pk=compared.pk)
        fields = ("region", "actor", "actor_label", "action", "target_type", "target_id", "target_label", "after")
        self.assertEqual([getattr(stored, f) for f in fields], [getattr(expected, f) for f in fields])
        self.assertEqual(stored.target_id, str(target.pk))
        self.assertEqual(heard, [entry, compared])


class ExecuteWithTests(TestCase):
    """execute_with(): the target's new row and its entry, both or neither, only while a guard row stands."""

    def setUp(self) -> None:
        self.region = make_region("kotaraya")
        self.heard: list[AuditEntry] = []
        listen("regions.", self.heard.append)
        self.addCleanup(_listeners.remove, ("regions.", self.heard.append))

    def new_region(self, slug: str = "kotabaru") -> Region:
        return Region(name="Kota Baru", slug=slug, code="99.99", kind=self.region.kind, jurisdiction=f"{slug}.go.id")

    def write(self, target: Region, **guard: object) -> bool:
        prepared = prepare(actor=None, action=AuditAction.REGION_CREATED, target=target, after={"name": target.name})
        return prepared.execute_with(prepare_insert(target), guard=Guard(Region, {"id": self.region.pk, **guard}))

    def test_it_writes_both_rows_the_entry_naming_the_new_id(self) -> None:
        target = self.new_region()
        self.assertTrue(self.write(target, is_active=True))
        self.assertFalse(target._state.adding)
        stored = Region.objects.get(pk=target.pk)
        self.assertEqual((stored.slug, stored.name), ("kotabaru", "Kota Baru"))
        entry = AuditEntry.objects.get(action=AuditAction.REGION_CREATED, target_id=str(target.pk))
        self.assertEqual(
            (entry.target_type, entry.actor_label, entry.after), ("regions.region", "system", {"name": "Kota Baru"})
        )
        self.assertEqual(self.heard, [entry])
        self.assertEqual(self.heard[0].target_id, str(target.pk))

    def test_it_writes_nothing_when_the_guard_row_is_not_as_described(self) -> None:
        regions, entries = Region.objects.count(), AuditEntry.objects.count()
        self.assertFalse(self.write(self.new_region(), is_active=False))
        self.assertEqual((Region.objects.count(), AuditEntry.objects.count()), (regions, entries))
        self.assertEqual(self.heard, [])

    def test_a_refused_row_leaves_no_entry_and_the_callers_transaction_usable(self) -> None:
        entries = AuditEntry.objects.count()
        with self.assertRaises(IntegrityError):
            self.write(self.new_region(slug="kotaraya"), is_active=True)  # the slug is taken
        self.assertEqual(AuditEntry.objects.count(), entries)  # a query after the error: the transaction lives on
        self.assertEqual(self.heard, [])

    def test_the_row_must_be_the_entrys_target(self) -> None:
        prepared = prepare(actor=None, action=AuditAction.REGION_CREATED, target=self.new_region())
        with self.assertRaises(ValueError):
            prepared.execute_with(prepare_insert(self.new_region("lain")), guard=Guard(Region, {"id": self.region.pk}))


class RecordOutsideTransactionTests(SimpleTestCase):
    """No database here, so no test transaction wraps the call either."""

    def test_it_refuses_to_run_outside_a_transaction(self) -> None:
        with self.assertRaises(RuntimeError):
            record(actor=None, action=AuditAction.REGION_CREATED, target=Region(name="Kota Lepas"))

    def test_a_prepared_entry_refuses_to_append_outside_a_transaction(self) -> None:
        prepared = prepare(actor=None, action=AuditAction.REGION_CREATED, target=Region(name="Kota Lepas"))
        with self.assertRaises(RuntimeError):
            prepared.execute()
