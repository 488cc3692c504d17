"""Writes for regions and their administrative tree."""

from __future__ import annotations

from django.db import transaction

from kotacerdas.accounts.models import User
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.regions.models import LEVEL_OF_KIND, Area, Region


@transaction.atomic
def region_create(
    *,
    name: str,
    kind: str,
    code: str,
    slug: str,
    jurisdiction: str,
    time_zone: str = "Asia/Jakarta",
    district_kind: str,
    village_kind: str,
    province: str = "",
    seat: str = "",
    actor: User | None,
) -> Region:
    """Create a region (a new tenant)."""
    region = Region(
        name=name,
        kind=kind,
        code=code,
        slug=slug,
        jurisdiction=jurisdiction,
        time_zone=time_zone,
        district_kind=district_kind,
        village_kind=village_kind,
        province=province,
        seat=seat,
    )
    region.full_clean()
    region.save()
    audit.record(actor=actor, action=AuditAction.REGION_CREATED, target=region, region=region, after={"name": name})
    return region


@transaction.atomic
def area_create(
    *, region: Region, parent: Area | None, kind: str, name: str, code: str = "", actor: User | None
) -> Area:
    """Add one unit (district, village, RW or RT) under its parent."""
    area = Area(region=region, parent=parent, kind=kind, level=LEVEL_OF_KIND.get(kind, 0), name=name, code=code)
    area.full_clean()
    area.save()
    audit.record(
        actor=actor,
        action=AuditAction.AREA_CREATED,
        target=area,
        region=region,
        after={"kind": kind, "name": name, "parent": parent.name if parent else None},
    )
    return area


REGION_EDITABLE = (
    "name",
    "kind",
    "province",
    "seat",
    "time_zone",
    "jurisdiction",
    "district_kind",
    "village_kind",
    "is_active",
)


@transaction.atomic
def region_update(*, region: Region, actor: User | None, **changes: object) -> Region:
    """Change a region's descriptive fields (its code and slug stay: URLs and data depend on them)."""
    unknown = set(changes) - set(REGION_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    stored = Region.objects.get(pk=region.pk)  # the admin may already have set the new values on region
    before = {field: getattr(stored, field) for field in changes}
    for field, value in changes.items():
        setattr(region, field, value)
    region.full_clean()
    region.save()
    audit.record(
        actor=actor, action=AuditAction.REGION_UPDATED, target=region, region=region, before=before, after=changes
    )
    return region
