"""Framework pages: the dimensions and elements, and the coverage matrix."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotacerdas.accounts.roles import Perm
from kotacerdas.core.tenancy import region_page
from kotacerdas.framework.selectors import coverage_matrix, dimensions_with_elements
from kotacerdas.regions.models import Region


@region_page(public=True)
def dimension_list(request: HttpRequest, region: Region) -> HttpResponse:
    return render(request, "framework/dimension_list.html", {"dimensions": dimensions_with_elements(region=region)})


@region_page(perm=Perm.COVERAGE_VIEW)
def coverage(request: HttpRequest, region: Region) -> HttpResponse:
    return render(request, "framework/coverage_matrix.html", {"matrix": coverage_matrix(region=region)})
