"""Push every region's open data tables to its CKAN portal (run nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kotacerdas.monitoring.models import OpenDataPortal
from kotacerdas.monitoring.services import opendata_publish


class Command(BaseCommand):
    help = "Publish the open data tables of every region whose CKAN portal is set to publish every night."

    def handle(self, *args: Any, **options: Any) -> None:
        portals = OpenDataPortal.objects.filter(is_active=True, region__is_active=True).select_related("region")
        published = failed = 0
        for portal in portals.order_by("pk"):
            publication = opendata_publish(region=portal.region, actor=None)
            if publication.ok:
                published += 1
            else:
                failed += 1
                self.stderr.write(f"{portal.region.slug}: {publication.message}")
        self.stdout.write(f"{published} region(s) published, {failed} failed.")
