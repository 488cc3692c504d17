"""The JSON API (django-ninja) under /api/v1/: regions, areas, agencies, framework, capabilities."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, ValidationError

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm, is_member, is_staff_member, memberships_of
from kotacerdas.agencies.models import Agency, Capability
from kotacerdas.agencies.selectors import capabilities_of, get_agency
from kotacerdas.agencies.services import CapabilityChoice, capabilities_declare
from kotacerdas.api.auth import API_AUTH
from kotacerdas.api.schemas import (
    AgencyOut,
    AreaOut,
    CapabilityIn,
    CapabilityOut,
    DimensionOut,
    ErrorOut,
    MembershipOut,
    MeOut,
    ProgrammeOut,
    ProposalOut,
    RegionOut,
)
from kotacerdas.core.errors import ApplicationError, NotAllowed
from kotacerdas.framework.models import Element
from kotacerdas.framework.selectors import dimensions_with_elements
from kotacerdas.planning import selectors as planning
from kotacerdas.planning.models import ProgrammeStatus, Proposal
from kotacerdas.regions.models import Area, Region

api = NinjaAPI(
    title="Kota Cerdas API",
    version="1",
    description="Regions, administrative areas, agencies, the Smart City framework and capabilities.",
    auth=API_AUTH,
    urls_namespace="api-v1",
)

MAX_LIST = 1000
MAX_ID = 2**63 - 1
UNKNOWN_ELEMENT = gettext_noop("Unknown element code: %(code)s")
DUPLICATE_ELEMENT = gettext_noop("Element %(code)s is listed twice.")
MAY_NOT_DECLARE = gettext_noop("You may not declare capabilities for this agency.")


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Invalid input."), "errors": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Authentication required.")}, status=401)


def _member_region(request: HttpRequest, slug: str) -> Region:
    """The region, if the caller is a member of it; otherwise 404 (never another region's data)."""
    region = Region.objects.filter(slug=slug, is_active=True).first()
    if region is None or not is_member(request.user, region):
        raise Http404
    return region


@api.get("/me", response=MeOut, tags=["accounts"])
def me(request: HttpRequest) -> dict[str, Any]:
    memberships = [
        MembershipOut(
            role=m.role,
            region=m.region.slug if m.region else None,
            agency=m.agency.slug if m.agency else None,
            area_id=m.area_id,
        )
        for m in memberships_of(request.user)
    ]
    user: Any = request.user
    return {"username": user.username, "full_name": user.full_name, "memberships": memberships}


@api.get("/regions", response=list[RegionOut], tags=["regions"])
def region_list(request: HttpRequest) -> list[Region]:
    """The regions the caller is a member of."""
    return sorted({m.region for m in memberships_of(request.user) if m.region}, key=lambda r: r.name)


@api.get("/regions/{slug}", response={200: RegionOut, 404: ErrorOut}, tags=["regions"])
def region_detail(request: HttpRequest, slug: str) -> Region:
    return _member_region(request, slug)


@api.get("/regions/{slug}/areas", response={200: list[AreaOut], 404: ErrorOut}, tags=["regions"])
def area_list(
    request: HttpRequest,
    slug: str,
    level: int | None = Query(None, ge=1, le=4),
    parent: int | None = Query(None, ge=1, le=MAX_ID),
) -> QuerySet[Area]:
    """The region's administrative units, filtered by level and parent (at most 1000)."""
    areas = Area.objects.for_region(_member_region(request, slug)).order_by("level", "name")
    if level is not None:
        areas = areas.filter(level=level)
    if parent is not None:
        areas = areas.filter(parent_id=parent)
    return areas[:MAX_LIST]


@api.get("/regions/{slug}/agencies", response={200: list[AgencyOut], 404: ErrorOut}, tags=["agencies"])
def agency_list(request: HttpRequest, slug: str) -> QuerySet[Agency]:
    region = _member_region(request, slug)
    return Agency.objects.for_region(region).filter(is_active=True).select_related("parent").order_by("name")


@api.get(
    "/regions/{slug}/agencies/{agency_slug}/capabilities",
    response={200: list[CapabilityOut], 404: ErrorOut},
    tags=["agencies"],
)
def capability_list(request: HttpRequest, slug: str, agency_slug: str) -> list[dict[str, str]]:
    """The elements an agency supports; the notes only for the region's staff (as on the agency page)."""
    region = _member_region(request, slug)
    agency = get_agency(region=region, slug=agency_slug)
    staff = is_staff_member(request.user, region)
    return [_capability_out(cap, with_note=staff) for cap in capabilities_of(agency=agency)]


@api.put(
    "/regions/{slug}/agencies/{agency_slug}/capabilities",
    response={200: list[CapabilityOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    tags=["agencies"],
)
def capability_declare(
    request: HttpRequest, slug: str, agency_slug: str, payload: list[CapabilityIn]
) -> list[dict[str, str]]:
    """Replace the agency's declared elements with the given list."""
    region = _member_region(request, slug)
    agency = get_agency(region=region, slug=agency_slug)
    if not has_perm(request.user, Perm.CAPABILITY_DECLARE, region, agency):
        raise NotAllowed(_(MAY_NOT_DECLARE))
    choices = _capability_choices(region, payload)
    caps = capabilities_declare(agency=agency, choices=choices, actor=request.user)  # type: ignore[arg-type]
    return [_capability_out(cap, with_note=True) for cap in caps]


def _capability_choices(region: Region, payload: list[CapabilityIn]) -> list[CapabilityChoice]:
    elements = {e.code: e for e in Element.objects.for_region(region)}
    seen: set[str] = set()
    choices = []
    for item in payload:
        if item.element not in elements:
            raise ApplicationError(_(UNKNOWN_ELEMENT) % {"code": item.element})
        if item.element in seen:
            raise ApplicationError(_(DUPLICATE_ELEMENT) % {"code": item.element})
        seen.add(item.element)
        choices.append(CapabilityChoice(element=elements[item.element], note=item.note.strip()))
    return choices


def _capability_out(cap: Capability, *, with_note: bool) -> dict[str, str]:
    return {"element": cap.element.code, "note": cap.note if with_note else ""}


@api.get("/dimensions", response={200: list[DimensionOut], 404: ErrorOut}, tags=["framework"])
def dimension_list(request: HttpRequest, region: str | None = None) -> list[dict[str, Any]]:
    """The six dimensions and their elements; with `region`, including that region's own elements."""
    scope = _member_region(request, region) if region else None
    return [
        {
            "code": d.code,
            "name": d.name,
            "name_en": d.name_en,
            "elements": [
                {"code": e.code, "name": e.name, "name_en": e.name_en, "regional": e.region_id is not None}
                for e in d.region_elements  # type: ignore[attr-defined]
            ],
        }
        for d in dimensions_with_elements(region=scope)
    ]


@api.get("/regions/{slug}/programmes", response={200: list[ProgrammeOut], 404: ErrorOut}, tags=["planning"])
def programme_list(
    request: HttpRequest,
    slug: str,
    status: ProgrammeStatus | None = None,
    dimension: str = Query("", max_length=40),
    offset: int = Query(0, ge=0, le=1_000_000),
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    """The region's top-level programmes for its members, ordered by dimension and title."""
    region = _member_region(request, slug)
    published_only = not planning.sees_all(request.user, region)
    programmes = planning.programme_list(
        region=region, dimension=dimension, status=status or "", published_only=published_only
    )
    return programmes[offset : offset + limit]


@api.get("/regions/{slug}/proposals", response={200: list[ProposalOut], 404: ErrorOut}, tags=["planning"])
def proposal_list(
    request: HttpRequest,
    slug: str,
    round_id: int | None = Query(None, ge=1, le=MAX_ID),
    offset: int = Query(0, ge=0, le=1_000_000),
    limit: int = Query(50, ge=1, le=200),
) -> list[dict[str, Any]]:
    """The proposals the caller may see (own agency's; every submitted one for Bappeda and Diskominfo)."""
    region = _member_region(request, slug)
    proposals = planning.proposals_visible_to(user=request.user, region=region).select_related("agency", "dimension")
    if round_id is not None:
        proposals = proposals.filter(round_id=round_id)
    return [_proposal_out(p, request) for p in proposals.order_by("-id")[offset : offset + limit]]


def _proposal_out(proposal: Proposal, request: HttpRequest) -> dict[str, Any]:
    visible = planning.decision_visible(proposal=proposal, user=request.user)
    status = "under_review" if proposal.is_decided and not visible else proposal.status
    return {
        "id": proposal.pk,
        "round_id": proposal.round_id,
        "title": proposal.title,
        "agency": proposal.agency.slug,
        "dimension": proposal.dimension.code,
        "horizon": proposal.horizon,
        "budget": proposal.budget,
        "funding_source": proposal.funding_source,
        "status": status,
    }
