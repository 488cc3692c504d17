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
    ASSESSOR = "assessor", _("Evaluation assessor")


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
        Role.ASSESSOR,
    }
)


class Perm(StrEnum):
    """A named permission; views and services ask for these, never for roles."""

    REGION_VIEW_INTERNAL = "region.view_internal"
    AGENCY_MANAGE = "agencies.agency.manage"
    CAPABILITY_DECLARE = "agencies.capability.declare"  # for the member's own agency
    COVERAGE_VIEW = "framework.coverage.view"
    AUDIT_VIEW = "audit.log.view"
    PLANNING_VIEW_ALL = "planning.view_all"  # every agency's proposals, not only one's own
    ROUND_MANAGE = "planning.round.manage"
    PROPOSAL_EDIT = "planning.proposal.edit"  # for the member's own agency
    PROPOSAL_DECIDE = "planning.proposal.decide"
    PROGRAMME_RUN = "planning.programme.run"  # for the lead agency
    PROGRAMME_MANAGE = "planning.programme.manage"
    MASTERPLAN_MANAGE = "planning.masterplan.manage"
    DIGITALISATION_MANAGE = "planning.digitalisation.manage"
    OPEN_DATA_PUBLISH = "monitoring.opendata.publish"  # Diskominfo: the region's CKAN portal and its uploads
    DASHBOARD_VIEW = "monitoring.dashboard.view"
    INDICATOR_MANAGE = "monitoring.indicator.manage"  # Bappeda, for any programme
    REPORT_APPROVE = "monitoring.report.approve"
    PERIOD_MANAGE = "monitoring.period.manage"
    EVALUATION_ENTER = "monitoring.evaluation.enter"
    EVALUATION_VERIFY = "monitoring.evaluation.verify"
    JIMPITAN_MANAGE = "jimpitan.fund.manage"  # the treasurer, for the fund of the RT/RW named in the membership
    JIMPITAN_COLLECT = "jimpitan.collection.record"  # ronda members and the treasurer, for that fund
    REQUEST_SUBMIT = "servicerequests.request.submit"  # a citizen
    REQUEST_COORDINATE = "servicerequests.request.coordinate"  # Diskominfo: verify, dispatch, re-route
    REQUEST_HANDLE = "servicerequests.request.handle"  # the responsible agency's staff
    CATALOGUE_MANAGE = "servicerequests.catalogue.manage"
    REPLICATION_OFFER = "replication.programme.offer"  # Bappeda: mark a published programme replicable
    REPLICATION_EXPORT = "replication.template.export"  # the region's whole set, imported programmes included
    REPLICATION_IMPORT = "replication.template.import"  # Bappeda: import another region's template as proposals
    VISIT_RECORD = "replication.visit.record"


# What an agency's own staff may do for their agency.
_AGENCY_WORK = frozenset(
    {Perm.REGION_VIEW_INTERNAL, Perm.CAPABILITY_DECLARE, Perm.PROPOSAL_EDIT, Perm.PROGRAMME_RUN, Perm.REQUEST_HANDLE}
)

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.DISKOMINFO_OFFICER: _AGENCY_WORK
    | {Perm.AGENCY_MANAGE, Perm.COVERAGE_VIEW, Perm.AUDIT_VIEW, Perm.PLANNING_VIEW_ALL, Perm.ROUND_MANAGE}
    | {Perm.DIGITALISATION_MANAGE, Perm.DASHBOARD_VIEW, Perm.EVALUATION_ENTER, Perm.OPEN_DATA_PUBLISH}
    | {Perm.REQUEST_COORDINATE, Perm.CATALOGUE_MANAGE}
    | {Perm.REPLICATION_EXPORT, Perm.VISIT_RECORD},
    Role.BAPPEDA_PLANNER: _AGENCY_WORK
    | {Perm.COVERAGE_VIEW, Perm.PLANNING_VIEW_ALL, Perm.ROUND_MANAGE, Perm.PROPOSAL_DECIDE}
    | {Perm.PROGRAMME_MANAGE, Perm.MASTERPLAN_MANAGE, Perm.DASHBOARD_VIEW, Perm.INDICATOR_MANAGE}
    | {Perm.REPORT_APPROVE, Perm.PERIOD_MANAGE, Perm.EVALUATION_ENTER}
    | {Perm.REPLICATION_OFFER, Perm.REPLICATION_EXPORT, Perm.REPLICATION_IMPORT, Perm.VISIT_RECORD},
    Role.AGENCY_OPERATOR: _AGENCY_WORK,
    Role.AGENCY_HEAD: _AGENCY_WORK,
    Role.LEADERSHIP: frozenset(
        {Perm.REGION_VIEW_INTERNAL, Perm.COVERAGE_VIEW, Perm.PLANNING_VIEW_ALL, Perm.DASHBOARD_VIEW}
    ),
    # The inspector reads everything in the region and changes nothing.
    Role.INSPECTOR: frozenset(
        {Perm.REGION_VIEW_INTERNAL, Perm.COVERAGE_VIEW, Perm.AUDIT_VIEW, Perm.PLANNING_VIEW_ALL, Perm.DASHBOARD_VIEW}
    ),
    # Assessors of the national evaluation verify the region's self-assessment.
    Role.ASSESSOR: frozenset({Perm.REGION_VIEW_INTERNAL, Perm.DASHBOARD_VIEW, Perm.EVALUATION_VERIFY}),
    Role.CITIZEN: frozenset({Perm.REQUEST_SUBMIT}),
    Role.RT_TREASURER: frozenset({Perm.JIMPITAN_MANAGE, Perm.JIMPITAN_COLLECT}),
    Role.RONDA_MEMBER: frozenset({Perm.JIMPITAN_COLLECT}),
}

# Permissions that act on one agency: granted only for the agency named in the membership.
AGENCY_SCOPED_PERMS = frozenset({Perm.CAPABILITY_DECLARE, Perm.PROPOSAL_EDIT, Perm.PROGRAMME_RUN, Perm.REQUEST_HANDLE})
# Permissions that act on one neighbourhood: granted only for the RT/RW named in the membership.
AREA_SCOPED_PERMS = frozenset({Perm.JIMPITAN_MANAGE, Perm.JIMPITAN_COLLECT})
