"""Template context every page needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import areas_user_serves, has_perm, is_staff_member


def site(request: HttpRequest) -> dict[str, Any]:
    region = getattr(request, "region", None)
    return {
        "brand_name": settings.SITE_NAME,  # not "site_name": Django's auth views set that to the host
        "region": region,
        "region_staff": region is not None and is_staff_member(request.user, region),
        "region_dashboard": region is not None and has_perm(request.user, Perm.DASHBOARD_VIEW, region),
        # Treasurers and ronda members: their membership names an RT/RW of this region.
        "region_jimpitan": region is not None and bool(areas_user_serves(request.user, region)),
    }
