"""Request types for views: after login and the region layer, these attributes are set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from kotacerdas.accounts.models import User
    from kotacerdas.regions.models import Region


class AuthedRequest(HttpRequest):
    """A request whose user has logged in."""

    user: User


class RegionRequest(AuthedRequest):
    """A request that passed `region_page`; `user` may still be anonymous on public pages."""

    region: Region
