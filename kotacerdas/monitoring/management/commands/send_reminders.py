"""Remind agencies of reports missing for closed periods and Bappeda of reports awaiting approval (run daily)."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from kotacerdas.monitoring.services import reminders_send
from kotacerdas.regions.models import Region


class Command(BaseCommand):
    help = "Send the due monitoring reminders of every active region, each at most once."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = 0
        for region in Region.objects.filter(is_active=True).order_by("pk"):
            sent += self.process_one(region)
        self.stdout.write(f"{sent} reminder(s) sent.")

    def process_one(self, region: Region) -> int:
        """The region's reminders, with "today" and dates read in the region's own time zone."""
        with timezone.override(zoneinfo.ZoneInfo(region.time_zone)):
            return reminders_send(region=region, today=timezone.localdate())
