"""Reads of the audit log, newest first, in keyset pages."""

from __future__ import annotations

from kotacerdas.audit.models import AuditEntry
from kotacerdas.regions.models import Region

PAGE_SIZE = 50


def audit_page(*, region: Region, before_id: int | None, action: str = "") -> tuple[list[AuditEntry], int | None]:
    """One page of the region's entries older than `before_id`; returns the entries and the next cursor."""
    entries = AuditEntry.objects.for_region(region).select_related("actor").order_by("-id")
    if action:
        entries = entries.filter(action=action)
    if before_id is not None:
        entries = entries.filter(id__lt=before_id)
    page = list(entries[: PAGE_SIZE + 1])
    next_cursor = page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None
    return page[:PAGE_SIZE], next_cursor
