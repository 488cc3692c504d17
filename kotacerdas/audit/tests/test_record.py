"""record(): the one audit call; it runs only inside the writing service's transaction."""

from __future__ import annotations

from django.db import transaction
from django.test import SimpleTestCase, TestCase

from kotacerdas.accounts.models import User
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.services import record
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


class RecordOutsideTransactionTests(SimpleTestCase):
    """No database here, so no test transaction wraps the call either."""

    def test_it_refuses_to_run_outside_a_transaction(self) -> None:
        with self.assertRaises(RuntimeError):
            record(actor=None, action=AuditAction.REGION_CREATED, target=Region(name="Kota Lepas"))
