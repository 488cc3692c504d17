"""Platform-level pages: the region list and the health check."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language as django_set_language

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


# The language switch (Django's view: a POST, its `next` checked to stay on this site) without a CSRF token.
# Forging it can only change the language a visitor reads in, which the visitor changes back with one tap. Without
# a token in the header, a public page is the same bytes for every visitor without a session: it is served from
# the shared copy with no per-visitor work, and a phone that has it already gets 304 Not Modified (core/pagecache).
set_language = csrf_exempt(django_set_language)
