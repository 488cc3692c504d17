"""Roles and named permissions: the one table that says who may do what."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    DISKOMINFO_OFFICER = "diskominfo_officer", _("Diskominfo officer")
    BAPPEDA_PLANNER = "bappeda_planner", _("Bappeda planner")
    AGENCY_OPERATOR = "agency_operator", _("Agency operator")
    AGENCY_HEAD = "agency_head", _("Agency head")
    LEADERSHIP = "leadership", _("Leadership (walikota/bupati, sekda)")
    INSPECTOR = "inspector", _("Inspector")
    CITIZEN = "citizen", _("Citizen")
    RT_TREASURER = "rt_treasurer", _("RT treasurer")
    RONDA_MEMBER = "ronda_member", _("Ronda member")


# Roles that act for one agency: their membership names the agency.
AGENCY_ROLES = frozenset({Role.AGENCY_OPERATOR, Role.AGENCY_HEAD, Role.DISKOMINFO_OFFICER, Role.BAPPEDA_PLANNER})
# Roles that act for one neighbourhood: their membership names the RT (or RW).
AREA_ROLES = frozenset({Role.RT_TREASURER, Role.RONDA_MEMBER})
# Roles of the government side: they see the region's internal pages.
STAFF_ROLES = frozenset(
    {
        Role.DISKOMINFO_OFFICER,
        Role.BAPPEDA_PLANNER,
        Role.AGENCY_OPERATOR,
        Role.AGENCY_HEAD,
        Role.LEADERSHIP,
        Role.INSPECTOR,
    }
)


class Perm(StrEnum):
    """A named permission; views and services ask for these, never for roles."""

    REGION_VIEW_INTERNAL = "region.view_internal"
    AGENCY_MANAGE = "agencies.agency.manage"
    CAPABILITY_DECLARE = "agencies.capability.declare"  # for the member's own agency
    COVERAGE_VIEW = "framework.coverage.view"
    AUDIT_VIEW = "audit.log.view"


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.DISKOMINFO_OFFICER: frozenset(
        {Perm.REGION_VIEW_INTERNAL, Perm.AGENCY_MANAGE, Perm.CAPABILITY_DECLARE, Perm.COVERAGE_VIEW, Perm.AUDIT_VIEW}
    ),
    Role.BAPPEDA_PLANNER: frozenset({Perm.REGION_VIEW_INTERNAL, Perm.CAPABILITY_DECLARE, Perm.COVERAGE_VIEW}),
    Role.AGENCY_OPERATOR: frozenset({Perm.REGION_VIEW_INTERNAL, Perm.CAPABILITY_DECLARE}),
    Role.AGENCY_HEAD: frozenset({Perm.REGION_VIEW_INTERNAL, Perm.CAPABILITY_DECLARE}),
    Role.LEADERSHIP: frozenset({Perm.REGION_VIEW_INTERNAL, Perm.COVERAGE_VIEW}),
    # The inspector reads everything in the region and changes nothing.
    Role.INSPECTOR: frozenset({Perm.REGION_VIEW_INTERNAL, Perm.COVERAGE_VIEW, Perm.AUDIT_VIEW}),
    Role.CITIZEN: frozenset(),
    Role.RT_TREASURER: frozenset(),
    Role.RONDA_MEMBER: frozenset(),
}

# Permissions that act on one agency: granted only for the agency named in the membership.
AGENCY_SCOPED_PERMS = frozenset({Perm.CAPABILITY_DECLARE})
