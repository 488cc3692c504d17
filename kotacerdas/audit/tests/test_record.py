"""record(): the one audit call; it runs only inside the writing service's transaction."""

from __future__ import annotations

from django.db import transaction
from django.test import SimpleTestCase, TestCase

from kotacerdas.accounts.models import User
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.models import AuditEntry
from kotacerdas.audit.services import _listeners, listen, prepare, record
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


class RecordOutsideTransactionTests(SimpleTestCase):
    """No database here, so no test transaction wraps the call either."""

    def test_it_refuses_to_run_outside_a_transaction(self) -> None:
        with self.assertRaises(RuntimeError):
            record(actor=None, action=AuditAction.REGION_CREATED, target=Region(name="Kota Lepas"))

    def test_a_prepared_entry_refuses_to_append_outside_a_transaction(self) -> None:
        prepared = prepare(actor=None, action=AuditAction.REGION_CREATED, target=Region(name="Kota Lepas"))
        with self.assertRaises(RuntimeError):
            prepared.execute()
