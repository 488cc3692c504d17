"""The region's audit log page, for the inspector (and Diskominfo)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotacerdas.accounts.roles import Perm
from kotacerdas.audit.actions import AuditAction
from kotacerdas.audit.selectors import audit_page
from kotacerdas.core.tenancy import region_page
from kotacerdas.regions.models import Region


def _cursor(raw: str | None) -> int | None:
    # ASCII digits only: "²".isdigit() is true but int("²") fails; 18 digits fit a bigint.
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


@region_page(perm=Perm.AUDIT_VIEW)
def audit_list(request: HttpRequest, region: Region) -> HttpResponse:
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    entries, next_cursor = audit_page(region=region, before_id=_cursor(request.GET.get("before")), action=action)
    context = {"entries": entries, "next_cursor": next_cursor, "actions": AuditAction.choices, "action": action}
    return render(request, "audit/audit_list.html", context)
