"""Agency directory and the capability declaration (the first step of the city's cycle)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm, is_staff_member
from kotacerdas.agencies import selectors
from kotacerdas.agencies.forms import CapabilityForm
from kotacerdas.agencies.models import AgencyKind
from kotacerdas.agencies.services import AgencyError, capabilities_declare
from kotacerdas.core.tenancy import region_page, require_perm
from kotacerdas.framework.models import Element
from kotacerdas.regions.models import Region


@region_page(public=True)
def agency_list(request: HttpRequest, region: Region) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in AgencyKind.values:
        kind = ""
    query = request.GET.get("q", "").strip()[:100]
    agencies = selectors.agency_list(region=region, kind=kind, query=query)
    context = {"agencies": agencies, "kinds": AgencyKind.choices, "kind": kind, "query": query}
    return render(request, "agencies/agency_list.html", context)


@region_page(public=True)
def agency_detail(request: HttpRequest, region: Region, agency_slug: str) -> HttpResponse:
    agency = selectors.get_agency(region=region, slug=agency_slug)
    context = {
        "agency": agency,
        "capabilities": selectors.capabilities_of(agency=agency),
        "show_notes": is_staff_member(request.user, region),
        "can_declare": has_perm(request.user, Perm.CAPABILITY_DECLARE, region, agency),
    }
    return render(request, "agencies/agency_detail.html", context)


@region_page(perm=Perm.REGION_VIEW_INTERNAL)
def capability_declare(request: HttpRequest, region: Region, agency_slug: str) -> HttpResponse:
    agency = selectors.get_agency(region=region, slug=agency_slug)
    require_perm(request, Perm.CAPABILITY_DECLARE, agency=agency)
    elements = list(Element.objects.for_region(region).select_related("dimension"))
    current = {cap.element_id: cap for cap in selectors.capabilities_of(agency=agency)}
    form = CapabilityForm(request.POST or None, elements=elements, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            capabilities_declare(agency=agency, choices=form.choices(), actor=request.user)  # type: ignore[arg-type]
        except AgencyError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The agency's capabilities were saved."))
            return redirect("agencies:detail", region_slug=region.slug, agency_slug=agency.slug)
    return render(request, "agencies/capability_form.html", {"agency": agency, "form": form})
