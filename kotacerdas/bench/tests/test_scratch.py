"""The quick run's template key: the same all day for the same code, new on the next day."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import SimpleTestCase

from kotacerdas.bench import scratch

NOON = dt.datetime(2026, 11, 28, 5, 0, tzinfo=dt.UTC)  # 12:00 in Jakarta


class TemplateKeyTests(SimpleTestCase):
    def test_it_is_the_same_all_day_and_changes_the_next_day(self) -> None:
        with time_machine.travel(NOON, tick=False):
            today = scratch.template_key()
        with time_machine.travel(NOON + dt.timedelta(hours=10), tick=False):  # 22:00, still the 28th in Jakarta
            self.assertEqual(scratch.template_key(), today)
        with time_machine.travel(NOON + dt.timedelta(hours=13), tick=False):  # 01:00 on the 29th in Jakarta
            tomorrow = scratch.template_key()
        self.assertTrue(today.startswith("20261128-"))
        self.assertTrue(tomorrow.startswith("20261129-"))
        self.assertEqual(today.split("-")[1], tomorrow.split("-")[1])  # same code, same digest
