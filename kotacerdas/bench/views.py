"""Baseline views of the benchmark, mounted only when KOTACERDAS_BENCH is set (never in a normal deployment)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.bench.models import BenchRow

NOTE_LENGTH = 40


@require_GET
def hello(request: HttpRequest) -> HttpResponse:
    """The ceiling: the full middleware stack and no database."""
    return HttpResponse("Hello, world", content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def insert(request: HttpRequest) -> JsonResponse:
    """The write baseline: one row in its own transaction, no session, no checks."""
    with transaction.atomic():
        row = BenchRow.objects.create(note=request.POST.get("note", "")[:NOTE_LENGTH])
    return JsonResponse({"id": row.pk}, status=201)
