"""Who may do what: reads of a user's memberships and the permission check every room calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kotacerdas.accounts.membership_rows import active_memberships
from kotacerdas.accounts.models import Membership
from kotacerdas.accounts.roles import AGENCY_SCOPED_PERMS, AREA_SCOPED_PERMS, ROLE_PERMS, STAFF_ROLES, Perm

if TYPE_CHECKING:
    from kotacerdas.agencies.models import Agency
    from kotacerdas.regions.models import Area, Region

_CACHE_ATTR = "_kotacerdas_memberships"


def memberships_of(user: Any) -> list[Membership]:
    """The user's active memberships with their region, agency and area, read once per request and kept on the user.

    Read with one plain SQL statement (membership_rows: the ORM's compiling cost more than all the rest of a
    member's permission checks); never kept beyond the user object, so a revoked membership counts on the next request.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = active_memberships(user.pk)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def remember_memberships(user: Any, memberships: list[Membership]) -> None:
    """Keep memberships read with the user (accounts.backends) for this request's checks: memberships_of reads none."""
    setattr(user, _CACHE_ATTR, memberships)


def forget_memberships(user: Any) -> None:
    """Drop the per-request cache after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def memberships_in(user: Any, region: Region) -> list[Membership]:
    return [m for m in memberships_of(user) if m.region_id == region.pk]


def is_member(user: Any, region: Region) -> bool:
    """True when the user holds any role in the region (citizens included)."""
    return bool(memberships_in(user, region))


def is_staff_member(user: Any, region: Region) -> bool:
    """True when the user holds a government-side role in the region."""
    return any(m.role in STAFF_ROLES for m in memberships_in(user, region))


def has_perm(user: Any, perm: Perm, region: Region, agency: Agency | None = None, area: Area | None = None) -> bool:
    """The permission check: a role in this region grants it (agency- and area-scoped perms: in that agency/area)."""
    for membership in memberships_in(user, region):
        if perm not in ROLE_PERMS.get(membership.role, frozenset()):
            continue
        if perm in AGENCY_SCOPED_PERMS and (agency is None or membership.agency_id != agency.pk):
            continue
        if perm in AREA_SCOPED_PERMS and (area is None or membership.area_id != area.pk):
            continue
        return True
    return False


def areas_user_serves(user: Any, region: Region) -> list[Area]:
    """The RTs/RWs named in the user's memberships of this region (treasurers, ronda members)."""
    return [m.area for m in memberships_in(user, region) if m.area is not None]


def agencies_user_acts_for(user: Any, region: Region) -> list[Agency]:
    """The agencies named in the user's memberships of this region."""
    return [m.agency for m in memberships_in(user, region) if m.agency is not None]


def home_region_slug(user: Any) -> str | None:
    """The region a user lands in after login (their first region membership)."""
    for membership in memberships_of(user):
        if membership.region is not None:
            return membership.region.slug
    return None
