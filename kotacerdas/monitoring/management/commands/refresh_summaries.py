"""Rebuild every region's dashboard summaries (run daily: milestones and periods fall due without any write)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from kotacerdas.monitoring.summaries import refresh_region
from kotacerdas.regions.models import Region


class Command(BaseCommand):
    help = "Rebuild the summary tables behind the dashboards for every active region."

    def handle(self, *args: Any, **options: Any) -> None:
        regions = Region.objects.filter(is_active=True).order_by("pk")
        count = 0
        for region in tqdm(regions, desc="regions", unit="region", disable=options["verbosity"] == 0):
            refresh_region(region)
            count += 1
        self.stdout.write(f"{count} region(s) refreshed.")
