"""The public transparency pages of a region: published programmes, their results, the latest evaluation.

No login; only what is published; no personal data (no names of officers, no report narratives' authors).
"""

from __future__ import annotations

from functools import partial

from django.http import Http404, HttpResponse
from django.shortcuts import render

from kotacerdas.core.pagecache import shared_copy
from kotacerdas.core.tenancy import region_page
from kotacerdas.core.types import RegionRequest
from kotacerdas.framework.models import Dimension
from kotacerdas.monitoring import opendata, selectors
from kotacerdas.planning.models import Programme
from kotacerdas.regions.models import Region


@region_page(public=True)
def open_home(request: RegionRequest, region: Region) -> HttpResponse:
    """The region's published programmes and results; visitors without a session share one copy per filter
    until the region's summaries are rebuilt (which every programme and monitoring change does)."""
    stamp = partial(selectors.board_stamp, region=region)  # moves at every rebuild, as the dashboard's does
    return shared_copy(request, stamp=stamp, render=partial(_open_home, request, region))


def _open_home(request: RegionRequest, region: Region) -> HttpResponse:
    dimension = request.GET.get("dimension", "")[:40]
    history = selectors.evaluation_history(region=region, published_only=True)
    context = {
        "programmes": selectors.published_programmes(region=region, dimension=dimension),
        "rows": selectors.dimension_rows(region=region, published_only=True),
        "dimensions": Dimension.objects.all(),
        "dimension": dimension,
        "latest": history[-1] if history else None,
    }
    return render(request, "monitoring/open_home.html", context)


@region_page(public=True)
def open_programme(request: RegionRequest, region: Region, programme_id: int) -> HttpResponse:
    programme = (
        Programme.objects.for_region(region)
        .published()
        .select_related("lead_agency", "dimension", "parent")
        .filter(pk=programme_id)
        .first()
    )
    if programme is None:
        raise Http404
    programme.region = region
    results = selectors.programme_results(programme=programme, published_only=True)
    children = programme.children.filter(is_published=True).select_related("lead_agency", "progress")
    return render(request, "monitoring/open_programme.html", {"results": results, "children": children})


@region_page(public=True)
def open_evaluation(request: RegionRequest, region: Region) -> HttpResponse:
    history = selectors.evaluation_history(region=region, published_only=True)
    return render(
        request, "monitoring/open_evaluation.html", {"history": history, "latest": history[-1] if history else None}
    )


@region_page(public=True)
def open_data(request: RegionRequest, region: Region) -> HttpResponse:
    """The list of the region's open data tables, each as CSV and JSON."""
    return render(request, "monitoring/open_data.html", {"datasets": opendata.DATASETS.values()})


@region_page(public=True)
def open_dataset(request: RegionRequest, region: Region, dataset: str, fmt: str) -> HttpResponse:
    """One table as CSV (a download) or JSON; anyone may fetch it, from any site."""
    table = opendata.DATASETS.get(dataset)
    if table is None:
        raise Http404
    if fmt == "csv":
        response = HttpResponse(opendata.as_csv(table, region), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{region.slug}-{table.name}.csv"'
    else:
        response = HttpResponse(opendata.as_json(table, region), content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
