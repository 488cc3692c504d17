"""Base models every room builds on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.db import models

if TYPE_CHECKING:
    from kotacerdas.regions.models import Region

M = TypeVar("M", bound=models.Model)


class TimeStampedModel(models.Model):
    """Adds creation and last-change times (stored in UTC)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RegionOwnedQuerySet(models.QuerySet[M]):
    """The one scoping layer for region-owned rows."""

    def for_region(self, region: Region) -> Self:
        return self.filter(region=region)


class RegionOwnedModel(TimeStampedModel):
    """A row that belongs to exactly one region (the tenant); its manager derives from RegionOwnedQuerySet."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True
