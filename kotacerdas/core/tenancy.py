"""The tenancy layer for pages: resolve `/<region-slug>/`, check membership and permission once."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm, is_member
from kotacerdas.regions.models import Region

RegionView = Callable[..., HttpResponseBase]


def get_region(slug: str) -> Region:
    """The active region with this slug, or 404."""
    region = active_region(slug)
    if region is None:
        raise Http404
    return region


def active_region(slug: str) -> Region | None:
    """The active region with this slug; every page looks one up, so it is kept in the cache for a while.

    Saving or deleting a region drops its entry (`forget_region`); a change made without `save()` (a queryset
    update), and with a per-process cache a change made in another process, shows within
    settings.REGION_CACHE_SECONDS (a renamed slug too; 0 turns the cache off). An unknown slug is never cached.
    """
    if len(slug) > 50:
        return None
    seconds = settings.REGION_CACHE_SECONDS
    key = _region_key(slug)
    region: Region | None = cache.get(key) if seconds else None
    if region is None:
        region = Region.objects.filter(slug=slug, is_active=True).first()
        if region is not None and seconds:
            cache.set(key, region, seconds)
    return region


def forget_region(sender: type[Region], instance: Region, **kwargs: Any) -> None:
    """Signal receiver (post_save, post_delete): drop the cached region."""
    cache.delete(_region_key(instance.slug))


def _region_key(slug: str) -> str:
    return f"kc:region:{slug}"


def require_perm(request: HttpRequest, perm: Perm, *, agency: Any = None) -> None:
    """Raise 403 unless the user holds the permission in the request's region (and agency)."""
    if not has_perm(request.user, perm, request.region, agency):  # type: ignore[attr-defined]
        raise PermissionDenied


def region_page(*, perm: Perm | None = None, public: bool = False) -> Callable[[RegionView], RegionView]:
    """Decorate a view of `/<region-slug>/...`; the view receives the Region instead of the slug.

    1. Unknown or inactive region: 404.
    2. Public pages: anyone. Other pages: login first; a non-member of the region gets 404
       (the region's internals are not revealed); a member without the permission gets 403.
    3. The region's time zone is active while the view runs.
    """
    if not public and perm is None:
        raise ValueError("a non-public region page must name its permission")

    def decorator(view: RegionView) -> RegionView:
        @wraps(view)
        def wrapper(request: HttpRequest, region_slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            region = get_region(region_slug)
            request.region = region  # type: ignore[attr-defined]
            if not public:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not is_member(request.user, region):
                    raise Http404
                if perm is not None:
                    require_perm(request, perm)
            with timezone.override(zoneinfo.ZoneInfo(region.time_zone)):
                return view(request, region, *args, **kwargs)

        wrapper.region_public = public  # type: ignore[attr-defined]
        return wrapper

    return decorator
