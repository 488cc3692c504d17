"""The public catalogue of good practices across regions, the template downloads and the format's documentation.

Public by design, and only what is published: programmes a region offers (published, top-level, not
cancelled). The cross-region list names what the lead agency does, never an agency of a region by name.
"""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm, memberships_of
from kotacerdas.core.tenancy import region_page
from kotacerdas.core.types import RegionRequest
from kotacerdas.framework.models import Dimension
from kotacerdas.regions.models import Region
from kotacerdas.replication import exporting, selectors
from kotacerdas.replication import template as tpl
from kotacerdas.replication.views import template_response

FORMAT_DOCUMENT = Path(__file__).parent / "templates" / "replication" / "template_format.md"


@require_GET
def catalogue_home(request: HttpRequest) -> HttpResponse:
    dimension = request.GET.get("dimension", "")[:40]
    context = {
        "items": selectors.catalogue(dimension=dimension),
        "dimensions": Dimension.objects.all(),
        "dimension": dimension,
    }
    return render(request, "replication/catalogue_home.html", context)


@require_GET
@region_page(public=True)
def region_catalogue(request: RegionRequest, region: Region) -> HttpResponse:
    context = {
        "items": selectors.catalogue(region=region),
        "import_region": _import_region(request, region),
        "chosen": request.GET.getlist("programme"),
    }
    return render(request, "replication/catalogue_region.html", context)


def _import_region(request: RegionRequest, source: Region) -> Region | None:
    """Another region where the visitor may import templates (their first), if any."""
    for membership in memberships_of(request.user):
        target = membership.region
        if target is not None and target.pk != source.pk and has_perm(request.user, Perm.REPLICATION_IMPORT, target):
            return target
    return None


@require_GET
@region_page(public=True)
def region_template(request: RegionRequest, region: Region) -> HttpResponse:
    codes = [c[:40] for c in request.GET.getlist("programme")][:200] or None
    template = exporting.template_of_offers(region=region, codes=codes)
    if template is None:
        return render(request, "replication/catalogue_empty.html", {"message": _("No programme chosen.")}, status=404)
    return template_response(template, region)


@require_GET
def template_format(request: HttpRequest) -> HttpResponse:
    context = {"document": FORMAT_DOCUMENT.read_text(encoding="utf-8"), "version": tpl.VERSION}
    return render(request, "replication/template_format.html", context)


@require_GET
def template_schema(request: HttpRequest) -> JsonResponse:
    return JsonResponse(tpl.json_schema(), json_dumps_params={"ensure_ascii": False, "indent": 2})
