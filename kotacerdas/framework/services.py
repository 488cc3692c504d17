"""Writes for the framework: a region's own elements, and edits by the platform admin."""

from __future__ import annotations

from django.db import transaction

from kotacerdas.accounts.models import User
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.regions.models import Region

EDITABLE_FIELDS = ("name", "name_en", "description", "description_en", "order")


@transaction.atomic
def element_create(
    *,
    dimension: Dimension,
    code: str,
    name: str,
    name_en: str,
    region: Region | None = None,
    order: int = 0,
    actor: User | None,
) -> Element:
    """Add an element: national when `region` is None, else the region's own extension."""
    element = Element(dimension=dimension, region=region, code=code, name=name, name_en=name_en, order=order)
    element.full_clean()
    element.save()
    audit.record(
        actor=actor,
        action=AuditAction.ELEMENT_CREATED,
        target=element,
        region=region,
        after={"code": code, "name": name},
    )
    return element


def _apply_changes(obj: Element | Dimension, changes: dict[str, object]) -> dict[str, object]:
    """Set the editable fields, validate, save; return their old values."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    stored = type(obj)._default_manager.get(pk=obj.pk)  # the admin may already have set the new values on obj
    before = {field: getattr(stored, field) for field in changes}
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj.save()
    return before


@transaction.atomic
def element_update(*, element: Element, actor: User | None, **changes: object) -> Element:
    """Change an element's names, descriptions or order (its code and dimension stay)."""
    before = _apply_changes(element, changes)
    audit.record(
        actor=actor,
        action=AuditAction.ELEMENT_UPDATED,
        target=element,
        region=element.region,
        before=before,
        after=changes,
    )
    return element


@transaction.atomic
def dimension_update(*, dimension: Dimension, actor: User | None, **changes: object) -> Dimension:
    """Change a dimension's names, descriptions or order."""
    before = _apply_changes(dimension, changes)
    audit.record(actor=actor, action=AuditAction.DIMENSION_UPDATED, target=dimension, before=before, after=changes)
    return dimension
