"""Reads of agencies and their capabilities, scoped by region in one place."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from kotacerdas.agencies.models import Agency, Capability
from kotacerdas.regions.models import Region


def agency_list(*, region: Region, kind: str = "", query: str = "") -> QuerySet[Agency]:
    """The region's active agencies with how many elements each supports."""
    agencies = Agency.objects.for_region(region).filter(is_active=True)
    if kind:
        agencies = agencies.filter(kind=kind)
    if query:
        agencies = agencies.filter(name__icontains=query) | agencies.filter(short_name__icontains=query)
    return agencies.annotate(capability_count=Count("capabilities")).order_by("name")


def get_agency(*, region: Region, slug: str) -> Agency:
    """The region's agency with this slug, or 404 (another region's agency is never found)."""
    agency = Agency.objects.for_region(region).select_related("parent", "area").filter(slug=slug).first()
    if agency is None:
        raise Http404
    return agency


def capabilities_of(*, agency: Agency) -> QuerySet[Capability]:
    return (
        Capability.objects.filter(agency=agency)
        .select_related("element__dimension", "declared_by")
        .order_by("element__dimension__order", "element__order")
    )
