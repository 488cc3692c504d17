"""core.rows: a plain statement's rows become the instances the ORM would build, receivers of init signals included."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models.signals import post_init, pre_init

from kotacerdas.core.rows import model_columns, statement_cursor
from kotacerdas.core.testing import RegionTestCase
from kotacerdas.regions.models import Region


class ColumnsInstanceTests(RegionTestCase):
    def read(self) -> Region:
        (columns,) = model_columns(connection, Region)
        table = connection.ops.quote_name(Region._meta.db_table)
        with statement_cursor(connection) as cursor:
            cursor.execute(f"SELECT {columns.select} FROM {table} t0 WHERE t0.id = %s", [self.region.pk])
            region: Region = columns.instance(cursor.fetchone(), connection)
        return region

    def test_the_instance_is_the_orms(self) -> None:
        region, expected = self.read(), Region.objects.get(pk=self.region.pk)
        self.assertEqual(
            {f.attname: getattr(region, f.attname) for f in Region._meta.concrete_fields},
            {f.attname: getattr(expected, f.attname) for f in Region._meta.concrete_fields},
        )
        self.assertFalse(region._state.adding)
        self.assertEqual(region._state.db, "default")

    def test_receivers_of_the_init_signals_are_called_as_for_the_orms(self) -> None:
        for signal in (pre_init, post_init):
            called: list[Any] = []

            def receiver(sender: type[Region], called: list[Any] = called, **kwargs: Any) -> None:
                called.append(sender)

            with self.subTest(signal=signal):
                signal.connect(receiver, sender=Region)
                try:
                    region = self.read()
                finally:
                    signal.disconnect(receiver, sender=Region)
                self.assertEqual(called, [Region])
                self.assertEqual(region.pk, self.region.pk)
                self.assertEqual(self.read().pk, self.region.pk)  # disconnected: the quick way again
                self.assertEqual(called, [Region])

    def test_a_receiver_for_another_model_leaves_the_quick_way(self) -> None:
        called: list[Any] = []

        def receiver(sender: Any, **kwargs: Any) -> None:
            called.append(sender)

        post_init.connect(receiver, sender=RegionTestCase)  # any other sender
        try:
            self.assertEqual(self.read().slug, self.region.slug)
        finally:
            post_init.disconnect(receiver, sender=RegionTestCase)
        self.assertEqual(called, [])
