"""The tenancy layer for jimpitan pages, whose permissions are scoped to an RT/RW.

`core.tenancy.region_page(perm=...)` checks a permission for the region (or an agency); the jimpitan
permissions are granted only for the RT/RW named in a membership, so that check would refuse everyone.
`jimpitan_page` does the same steps and asks instead whether the user holds the permission for SOME
RT/RW of the region; each view then looks its object up among the user's own RTs/RWs only (selectors),
so another RT's fund is a 404.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import is_member, memberships_of
from kotacerdas.core.tenancy import RegionView, get_region
from kotacerdas.jimpitan.selectors import serves
from kotacerdas.regions.models import Region


def _region(request: HttpRequest, slug: str) -> Region:
    """The region from the user's memberships (read anyway for the checks below, one query less), else by slug."""
    for membership in memberships_of(request.user):
        region = membership.region
        if region is not None and region.slug == slug and region.is_active:
            return region
    return get_region(slug)


def jimpitan_page(*, perm: Perm) -> Callable[[RegionView], RegionView]:
    """Decorate a view of `/<region-slug>/jimpitan/...`; the view receives the Region instead of the slug.

    1. Unknown or inactive region: 404 (a member's region comes with their memberships, without a query).
    2. Login first; a non-member of the region gets 404; a member who holds `perm` for no RT/RW gets 403.
    3. The region's time zone is active while the view runs.
    """

    def decorator(view: RegionView) -> RegionView:
        @wraps(view)
        def wrapper(request: HttpRequest, region_slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            region = _region(request, region_slug)
            request.region = region  # type: ignore[attr-defined]
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_member(request.user, region):
                raise Http404
            if not serves(request.user, region, perm):
                raise PermissionDenied
            with timezone.override(zoneinfo.ZoneInfo(region.time_zone)):
                return view(request, region, *args, **kwargs)

        wrapper.region_public = False  # type: ignore[attr-defined]
        return wrapper

    return decorator
