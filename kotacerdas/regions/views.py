"""Region pages: the overview and the administrative tree."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kotacerdas.accounts.selectors import is_staff_member
from kotacerdas.agencies.models import Agency
from kotacerdas.core.tenancy import region_page
from kotacerdas.regions.models import Area, AreaLevel, Region
from kotacerdas.regions.selectors import area_counts, area_tree


@region_page(public=True)
def region_home(request: HttpRequest, region: Region) -> HttpResponse:
    context = {
        "counts": area_counts(region=region),
        "agency_count": Agency.objects.for_region(region).filter(is_active=True).count(),
        "levels": AreaLevel,
        "is_staff": is_staff_member(request.user, region),
    }
    return render(request, "regions/region_home.html", context)


@region_page(public=True)
def area_list(request: HttpRequest, region: Region) -> HttpResponse:
    return render(request, "regions/area_list.html", {"tree": area_tree(region=region)})


@region_page(public=True)
def area_detail(request: HttpRequest, region: Region, area_id: int) -> HttpResponse:
    area = Area.objects.for_region(region).select_related("parent").filter(pk=area_id).first()
    if area is None:
        raise Http404
    children = Area.objects.for_region(region).children_of(area).order_by("name")
    return render(request, "regions/area_detail.html", {"area": area, "children": children})
