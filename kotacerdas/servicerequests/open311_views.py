"""Open311 GeoReport v2 endpoints of a region: plain Django views speaking the exact wire format."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kotacerdas.core.errors import ApplicationError
from kotacerdas.regions.models import Area, Region
from kotacerdas.servicerequests import open311, services
from kotacerdas.servicerequests.models import (
    OPEN_STATUSES,
    Open311Client,
    RequestUpdate,
    Service,
    ServiceAttribute,
    ServiceRequest,
)

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DIGITS = re.compile(r"[0-9]{1,18}")
MAX_SPAN = dt.timedelta(days=90)
MAX_MEDIA = 5 * 1024 * 1024
MAX_RESULTS = 1000
DEFAULT_PAGE_SIZE = 50


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


View = Callable[..., HttpResponse]


def open311_view(view: View) -> View:
    """Resolve the region and format, check `jurisdiction_id`, and turn every refusal into an Open311 error."""

    @wraps(view)
    def wrapper(request: HttpRequest, region_slug: str, fmt: str, **kwargs: Any) -> HttpResponse:
        region = Region.objects.filter(slug=region_slug, is_active=True).first()
        try:
            if region is None:
                raise Open311Error(404, "Unknown jurisdiction.")
            _check_text(request)
            _check_jurisdiction(request, region)
            return view(request, region, fmt, **kwargs)
        except Open311Error as problem:
            return open311.error(problem.code, problem.description, fmt)
        except ApplicationError as problem:
            return open311.error(403 if problem.status_code == 403 else 400, problem.message, fmt)

    wrapper.region_public = True  # type: ignore[attr-defined]
    return csrf_exempt(wrapper)


def _check_text(request: HttpRequest) -> None:
    """Refuse NUL and other control characters: PostgreSQL cannot store NUL and XML cannot carry them."""
    for params in (request.GET, request.POST):
        for values in params.lists():
            if any(CONTROL.search(v) for v in [values[0], *values[1]]):
                raise Open311Error(400, "Parameters may not contain control characters.")


def _check_jurisdiction(request: HttpRequest, region: Region) -> None:
    jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if jurisdiction and jurisdiction not in {region.jurisdiction, region.slug}:
        raise Open311Error(404, "Unknown jurisdiction_id.")


@require_http_methods(["GET"])
@open311_view
def discovery(request: HttpRequest, region: Region, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(f"/{region.slug}/open311/v2/")
    payload = {
        "changeset": "2026-11-28T00:00:00+07:00",
        "contact": f"Diskominfo {region.name}",
        "key_service": f"Diskominfo {region.name}",
        "endpoints": [
            {
                "specification": open311.SPECIFICATION,
                "url": base,
                "changeset": "2026-11-28T00:00:00+07:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return open311.respond(payload, "discovery", fmt)


@require_http_methods(["GET"])
@open311_view
def service_list(request: HttpRequest, region: Region, fmt: str) -> HttpResponse:
    services_ = Service.objects.for_region(region).active().prefetch_related("attributes")
    payload = [open311.service_wire(s, bool(s.attributes.all())) for s in services_]
    return open311.respond(payload, "services", fmt)


@require_http_methods(["GET"])
@open311_view
def service_definition(request: HttpRequest, region: Region, fmt: str, service_code: str) -> HttpResponse:
    service = _service(region, service_code)
    attributes = list(ServiceAttribute.objects.filter(service=service))
    return open311.respond(open311.definition_wire(service, attributes), "service_definition", fmt)


def _service(region: Region, code: str) -> Service:
    service = Service.objects.for_region(region).active().select_related("region").filter(code=code).first()
    if service is None:
        raise Open311Error(404, f"Unknown service_code: {code}")
    return service


@require_http_methods(["GET", "POST"])
@open311_view
def requests(request: HttpRequest, region: Region, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, region, fmt)
    extensions = request.GET.get("extensions") == "true"
    rows = list(_listed(region, request.GET))
    return open311.respond([_wire(request, region, r, extensions) for r in rows], "service_requests", fmt)


def _listed(region: Region, params: QueryDict) -> QuerySet[ServiceRequest]:
    """Public (not secret) requests of the region, filtered as the specification says; two queries."""
    public_updates = Prefetch("updates", queryset=RequestUpdate.objects.filter(is_public=True))
    rows: QuerySet[ServiceRequest] = (
        ServiceRequest.objects.for_region(region)
        .visible_to_public()
        .select_related("service", "agency")
        .prefetch_related(public_updates)
    )
    ids = _csv(params.get("service_request_id"))
    if ids:
        if not all(DIGITS.fullmatch(i) for i in ids):
            raise Open311Error(400, "service_request_id must be a comma-separated list of ids.")
        return rows.filter(pk__in=[int(i) for i in ids])[:MAX_RESULTS]
    rows = _filtered(rows, params)
    page, size = _paging(params)
    return rows.order_by("-requested_at", "-id")[(page - 1) * size : page * size]


def _filtered(rows: QuerySet[ServiceRequest], params: QueryDict) -> QuerySet[ServiceRequest]:
    codes = _csv(params.get("service_code"))
    if codes:
        rows = rows.filter(service__code__in=codes)
    statuses = _csv(params.get("status"))
    if statuses:
        if not set(statuses) <= {"open", "closed"}:
            raise Open311Error(400, "status must be open, closed or both.")
        if statuses == ["open"]:
            rows = rows.filter(status__in=OPEN_STATUSES)
        elif statuses == ["closed"]:
            rows = rows.exclude(status__in=OPEN_STATUSES)
    start, end = _span(params)
    return rows.filter(requested_at__gte=start, requested_at__lte=end)


def _span(params: QueryDict) -> tuple[dt.datetime, dt.datetime]:
    """The requested window: default the last 90 days; at most 90 days wide."""
    end = _when(params.get("end_date"), "end_date") or timezone.now()
    start = _when(params.get("start_date"), "start_date") or end - MAX_SPAN
    if start > end:
        raise Open311Error(400, "start_date must be before end_date.")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "The date range may span at most 90 days.")
    return start, end


def _when(raw: str | None, name: str) -> dt.datetime | None:
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(400, f"{name} must be an ISO 8601 datetime with an offset.")
    if not 2000 <= value.year <= 2100:
        raise Open311Error(400, f"{name} must lie between the years 2000 and 2100.")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _paging(params: QueryDict) -> tuple[int, int]:
    # Without paging parameters a client gets the whole window, up to 1000 (the specification's limit).
    default_size = DEFAULT_PAGE_SIZE if "page" in params else MAX_RESULTS
    page, size = params.get("page", "1"), params.get("page_size", str(default_size))
    if not (DIGITS.fullmatch(page) and DIGITS.fullmatch(size)) or int(page) < 1 or not 1 <= int(size) <= MAX_RESULTS:
        raise Open311Error(400, f"page must be 1 or more and page_size between 1 and {MAX_RESULTS}.")
    if int(page) > 100_000:
        raise Open311Error(400, "page is too large.")
    return int(page), int(size)


def _csv(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()][:MAX_RESULTS]


def _wire(request: HttpRequest, region: Region, row: ServiceRequest, extensions: bool) -> dict[str, Any]:
    media = request.build_absolute_uri(row.photo.url) if row.photo else (row.media_url or None)
    updates = list(row.updates.all())
    return open311.request_wire(
        row, time_zone=region.time_zone, media_url=media, updates=updates, extensions=extensions
    )


@require_http_methods(["GET"])
@open311_view
def request_detail(request: HttpRequest, region: Region, fmt: str, service_request_id: str) -> HttpResponse:
    if not DIGITS.fullmatch(service_request_id):
        raise Open311Error(404, "Unknown service_request_id.")
    rows = list(_listed(region, QueryDict(f"service_request_id={service_request_id}")))
    if not rows:
        raise Open311Error(404, "Unknown service_request_id.")
    extensions = request.GET.get("extensions") == "true"
    return open311.respond([_wire(request, region, rows[0], extensions)], "service_requests", fmt)


@require_http_methods(["GET"])
@open311_view
def token_detail(request: HttpRequest, region: Region, fmt: str, open311_token: str) -> HttpResponse:
    row = ServiceRequest.objects.for_region(region).filter(token=open311_token).only("pk", "token").first()
    if row is None:
        raise Open311Error(404, "Unknown token.")
    return open311.respond([{"service_request_id": str(row.pk), "token": row.token}], "service_requests", fmt)


@require_http_methods(["GET"])
@open311_view
def request_updates(request: HttpRequest, region: Region, fmt: str) -> HttpResponse:
    """FixMyStreet's updates since a time (public notes of public requests)."""
    start, end = _span(request.GET)
    updates = (
        RequestUpdate.objects.for_region(region)
        .filter(is_public=True, request__is_secret=False, created_at__gte=start, created_at__lte=end)
        .order_by("created_at", "id")[:MAX_RESULTS]
    )
    payload = [open311.update_wire(u, time_zone=region.time_zone) for u in updates]
    return open311.respond(payload, "service_request_updates", fmt)


# --- POST requests ------------------------------------------------------------------------------


def _create(request: HttpRequest, region: Region, fmt: str) -> HttpResponse:
    _authenticate(request, region)
    form = request.POST
    service = _service(region, _required(form, "service_code"))
    data = services.RequestData(
        description=form.get("description", ""),
        lat=_decimal(form.get("lat"), "lat"),
        long=_decimal(form.get("long"), "long"),
        address=form.get("address_string", "")[:300],
        address_id=form.get("address_id", "")[:60],
        area=_area(region, form.get("address_id", "")),
        attributes=_attributes(form),
        media_url=_media_url(form.get("media_url", "")),
        reporter_name=" ".join(filter(None, [form.get("first_name", ""), form.get("last_name", "")]))[:150],
        reporter_email=form.get("email", "")[:254],
        reporter_phone=form.get("phone", "")[:20],
        device_id=form.get("device_id", ""),
        account_id=form.get("account_id", ""),
        photo=_media(request),
    )
    created, _new = services.request_submit(service=service, data=data, citizen=None, actor=None)
    reply = {
        "service_request_id": str(created.pk),
        "service_notice": None,
        "account_id": form.get("account_id") or None,
    }
    return open311.respond([reply], "service_requests", fmt)


def _authenticate(request: HttpRequest, region: Region) -> None:
    key = request.POST.get("api_key") or request.GET.get("api_key")
    if not key:
        raise Open311Error(403, "api_key is required to create a request.")
    digest = hashlib.sha256(key.encode()).hexdigest()
    if not Open311Client.objects.for_region(region).filter(digest=digest, is_active=True).exists():
        raise Open311Error(403, "Invalid api_key.")


def _required(form: QueryDict, name: str) -> str:
    value = form.get(name, "").strip()
    if not value:
        raise Open311Error(400, f"{name} is required.")
    return value


def _decimal(raw: str | None, name: str) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation as problem:
        raise Open311Error(400, f"{name} must be a number.") from problem
    limit = 90 if name == "lat" else 180
    if not value.is_finite() or value.adjusted() > 3 or abs(value) > limit:
        raise Open311Error(400, f"{name} is out of range.")
    return value.quantize(Decimal("0.000001"))


def _area(region: Region, address_id: str) -> Area | None:
    """An address_id of the form `area:<id>` names a kelurahan or RT of the region."""
    if not address_id.startswith("area:") or not DIGITS.fullmatch(address_id[5:]):
        return None
    return Area.objects.for_region(region).filter(pk=int(address_id[5:])).first()


def _attributes(form: QueryDict) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for key in form:
        if key.startswith("attribute[") and key.endswith("[]"):
            answers[key[10:-3]] = form.getlist(key)
        elif key.startswith("attribute[") and key.endswith("]"):
            answers[key[10:-1]] = form.get(key)
    return answers


def _media(request: HttpRequest) -> Any:
    """An uploaded photo: an image Pillow can read, JPEG/PNG/WebP, at most 5 MB."""
    upload = request.FILES.get("media")
    if upload is None:
        return None
    if upload.size is None or upload.size > MAX_MEDIA:
        raise Open311Error(400, "media must be an image of at most 5 MB.")
    try:
        image = forms.ImageField(validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])]).clean(upload)
    except ValidationError as problem:
        raise Open311Error(400, "media must be a JPEG, PNG or WebP image.") from problem
    return image


def _media_url(raw: str) -> str:
    if raw and not raw.startswith(("http://", "https://")):
        raise Open311Error(400, "media_url must be an http(s) URL.")
    return raw[:200]
