"""Platform-level pages: the region list and the health check."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from kotacerdas.regions.models import Region


def home(request: HttpRequest) -> HttpResponse:
    regions = Region.objects.filter(is_active=True).order_by("name")
    return render(request, "core/home.html", {"regions": regions})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database answers; 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})
