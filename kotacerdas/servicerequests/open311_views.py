"""Open311 GeoReport v2 endpoints: plain Django views speaking the exact wire format.

Served twice: at /<region>/open311/v2/ (the path picks the region) and at /open311/v2/ (the `jurisdiction_id`
parameter picks it, as the specification says of an endpoint serving several jurisdictions).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import partial, wraps
from typing import Any

from django import forms
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import FileExtensionValidator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from kotacerdas.core.errors import ApplicationError
from kotacerdas.core.pagecache import shared_copy
from kotacerdas.core.tenancy import active_region
from kotacerdas.regions.models import Area, Region
from kotacerdas.servicerequests import open311, selectors, services
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
PHOTO_STORAGE = ServiceRequest.photo.field.storage


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


View = Callable[..., HttpResponse]
BASE = "/open311/v2/"
JURISDICTION = "jurisdiction_id"
UNREADABLE = (MultiPartParserError, SuspiciousOperation, UnreadablePostError)


def jurisdiction_query(region: Region) -> dict[str, str]:
    """How a client names a region at the shared root: its domain as `jurisdiction_id`."""
    return {JURISDICTION: region.jurisdiction}


def open311_view(*methods: str, region_optional: bool = False) -> Callable[[View], View]:
    """Check the method, the text and the jurisdiction, resolve the region; every refusal is an Open311 error.

    1. A method the endpoint does not take: 405 (with Allow).
    2. A body that cannot be read, or control characters in any parameter: 400.
    3. The region: the path's slug (a jurisdiction_id naming another region: 404), else at the root the
       jurisdiction_id (missing: 400, unknown: 404); discovery needs none.
    """
    allowed = sorted({*methods, "HEAD"} if "GET" in methods else set(methods))

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, fmt: str = "xml", region_slug: str | None = None, **kwargs: Any
        ) -> HttpResponse:
            try:
                if request.method not in allowed:
                    raise Open311Error(405, f"This method is not allowed here; use {' or '.join(methods)}.")
                _check_text(request)
                region = _region(request, region_slug, optional=region_optional)
                return view(request, region, fmt, **kwargs)
            except Open311Error as problem:
                return _refusal(problem.code, problem.description, fmt, allowed)
            except ApplicationError as problem:
                return open311.error(403 if problem.status_code == 403 else 400, problem.message, fmt)

        wrapper.region_public = True  # type: ignore[attr-defined]
        wrapper.region_query = jurisdiction_query  # type: ignore[attr-defined]
        return csrf_exempt(wrapper)

    return decorator


def _refusal(code: int, description: str, fmt: str, allowed: list[str]) -> HttpResponse:
    response = open311.error(code, description, fmt)
    if code == 405:
        response["Allow"] = ", ".join(allowed)
    return response


def _check_text(request: HttpRequest) -> None:
    """Refuse NUL and other control characters: PostgreSQL cannot store NUL and XML cannot carry them."""
    try:
        for params in (request.GET, request.POST):
            for values in params.lists():
                if any(CONTROL.search(v) for v in [values[0], *values[1]]):
                    raise Open311Error(400, "Parameters may not contain control characters.")
    except UNREADABLE as problem:
        raise Open311Error(400, "The request body cannot be read.") from problem


def _region(request: HttpRequest, slug: str | None, *, optional: bool) -> Region | None:
    named = _jurisdictions(request)
    if slug is not None:
        region = active_region(slug)
        if region is None:
            raise Open311Error(404, "Unknown jurisdiction.")
        if not named <= {region.jurisdiction.lower(), region.slug}:
            raise Open311Error(404, "Unknown jurisdiction_id.")
        return region
    if not named:
        if optional:
            return None
        raise Open311Error(400, "jurisdiction_id is required: this endpoint serves several jurisdictions.")
    regions = {_jurisdiction(value) for value in sorted(named)[:3]}  # its domain and its slug name one region
    if len(named) > 3 or len(regions) > 1:
        raise Open311Error(400, "Give one jurisdiction_id.")
    return regions.pop()


def _jurisdictions(request: HttpRequest) -> set[str]:
    """Every non-empty jurisdiction_id sent, in the query or the form (an empty one counts as absent)."""
    values = [*request.GET.getlist(JURISDICTION), *request.POST.getlist(JURISDICTION)]
    return {v.strip().lower() for v in values if v.strip()}


def _jurisdiction(named: str) -> Region:
    """The active region with this domain (or slug)."""
    region = None
    if len(named) <= 120:
        regions = Region.objects.filter(is_active=True).filter(Q(jurisdiction__iexact=named) | Q(slug=named))
        region = regions.order_by("pk").first()
    if region is None:
        raise Open311Error(404, f"Unknown jurisdiction_id: {named[:120]}")
    return region


def _base(request: HttpRequest) -> str:
    """The absolute URL of the endpoint this request came to (the root or a region's)."""
    path = request.path
    return request.build_absolute_uri(path[: path.index(BASE) + len(BASE)])


@csrf_exempt
def fallback(request: HttpRequest, region_slug: str | None = None) -> HttpResponse:
    """The endpoint's own URL describes it (discovery, in XML); any other path is an Open311 404, never a page."""
    rest = request.path[request.path.index(BASE) + len(BASE) :]
    if not rest:
        return discovery(request, fmt="xml", region_slug=region_slug)
    fmt = "json" if rest.rstrip("/").endswith(".json") else "xml"
    return open311.error(404, "Unknown Open311 resource or format (use .xml or .json).", fmt)


fallback.region_public = True  # type: ignore[attr-defined]
fallback.region_query = jurisdiction_query  # type: ignore[attr-defined]


CHANGESET = "2026-11-28T00:00:00+07:00"


@open311_view("GET", region_optional=True)
def discovery(request: HttpRequest, region: Region | None, fmt: str) -> HttpResponse:
    """The endpoint, its formats and whom to ask for a key: the region's Diskominfo, or at the root each one's."""
    contact = f"Diskominfo {region.name}" if region else "Diskominfo of each jurisdiction (see jurisdiction_id)"
    payload = {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": f"{contact}: one api_key per client application",
        "endpoints": [
            {
                "specification": open311.SPECIFICATION,
                "url": _base(request),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return open311.respond(payload, "discovery", fmt)


@open311_view("GET")
def service_list(request: HttpRequest, region: Region, fmt: str) -> HttpResponse:
    services_ = Service.objects.for_region(region).active().prefetch_related("attributes")
    payload = [open311.service_wire(s, bool(s.attributes.all())) for s in services_]
    return open311.respond(payload, "services", fmt)


@open311_view("GET")
def service_definition(request: HttpRequest, region: Region, fmt: str, service_code: str) -> HttpResponse:
    service = _service(region, service_code)
    attributes = list(ServiceAttribute.objects.filter(service=service))
    return open311.respond(open311.definition_wire(service, attributes), "service_definition", fmt)


def _service(region: Region, code: str) -> Service:
    service = Service.objects.for_region(region).active().select_related("region").filter(code=code).first()
    if service is None:
        raise Open311Error(404, f"Unknown service_code: {code[:40]}")
    return service


@open311_view("GET", "POST")
def requests(request: HttpRequest, region: Region, fmt: str) -> HttpResponse:
    """POST: a new request. GET: the list; clients poll it, so it is shared until any request of the region changes."""
    if request.method == "POST":
        return _create(request, region, fmt)
    stamp = partial(selectors.public_requests_stamp, region=region)
    return shared_copy(request, stamp=stamp, render=partial(_request_list, request, region, fmt))


def _request_list(request: HttpRequest, region: Region, fmt: str) -> HttpResponse:
    wired = _wired(request, region, _listed(region, request.GET), _extensions(request))
    return open311.respond(wired, "service_requests", fmt)


def _public_requests(region: Region) -> QuerySet[ServiceRequest]:
    """The region's requests an Open311 client may see: never a secret one."""
    return ServiceRequest.objects.for_region(region).visible_to_public()


def _wired(
    request: HttpRequest, region: Region, rows: QuerySet[ServiceRequest], extensions: bool
) -> list[dict[str, Any]]:
    """The requests on the wire, from plain rows (no model instances): two queries, the requests and their history."""
    records = list(rows.values(*open311.REQUEST_FIELDS))
    history: dict[int, list[dict[str, Any]]] = {record["id"]: [] for record in records}
    public = RequestUpdate.objects.filter(request_id__in=list(history), is_public=True).order_by("created_at", "id")
    for update in public.values(*open311.UPDATE_FIELDS) if history else ():
        history[update["request_id"]].append(update)
    return [
        open311.request_wire(
            record,
            time_zone=region.time_zone,
            media_url=_media_of(request, record),
            updates=history[record["id"]],
            extensions=extensions,
        )
        for record in records
    ]


def _media_of(request: HttpRequest, record: dict[str, Any]) -> str | None:
    if record["photo"]:
        return request.build_absolute_uri(PHOTO_STORAGE.url(record["photo"]))
    return record["media_url"] or None


def _listed(region: Region, params: QueryDict) -> QuerySet[ServiceRequest]:
    """Public requests of the region, filtered as the specification says: an id list overrides everything else."""
    rows = _public_requests(region)
    ids = _csv(params, "service_request_id")
    if ids:
        if not all(DIGITS.fullmatch(i) for i in ids):
            raise Open311Error(400, "service_request_id must be a comma-separated list of ids.")
        return rows.filter(pk__in=[int(i) for i in ids])[:MAX_RESULTS]
    rows = _filtered(rows, params, region)
    page, size = _paging(params)
    return rows.order_by("-requested_at", "-id")[(page - 1) * size : page * size]


def _filtered(rows: QuerySet[ServiceRequest], params: QueryDict, region: Region) -> QuerySet[ServiceRequest]:
    codes = _csv(params, "service_code")
    if codes:
        rows = rows.filter(service__code__in=codes)
    statuses = set(_csv(params, "status"))
    if not statuses <= {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed or both (comma-separated).")
    if statuses == {"open"}:
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        rows = rows.exclude(status__in=OPEN_STATUSES)
    start, end = _span(params, region)
    return rows.filter(requested_at__gte=start, requested_at__lte=end)


def _span(params: QueryDict, region: Region) -> tuple[dt.datetime, dt.datetime]:
    """The requested window: default the last 90 days; at most 90 days wide."""
    end = _when(params.get("end_date"), "end_date", region) or timezone.now()
    start = _when(params.get("start_date"), "start_date", region) or end - MAX_SPAN
    if start > end:
        raise Open311Error(400, "start_date must be before end_date.")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "The date range may span at most 90 days.")
    return start, end


def _when(raw: str | None, name: str, region: Region) -> dt.datetime | None:
    """A W3C datetime; one sent without an offset is read in the region's time zone."""
    if not raw:
        return None
    try:
        value = parse_datetime(raw.strip().replace(" ", "+"))  # an unencoded "+" in a query arrives as a space
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(400, f"{name} must be an ISO 8601 datetime with an offset, e.g. 2026-11-01T00:00:00+07:00.")
    if not 2000 <= value.year <= 2100:
        raise Open311Error(400, f"{name} must lie between the years 2000 and 2100.")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zoneinfo.ZoneInfo(region.time_zone))
    return value


def _paging(params: QueryDict) -> tuple[int, int]:
    # Without paging parameters a client gets the whole window, up to 1000 (the specification's limit).
    default_size = DEFAULT_PAGE_SIZE if params.get("page") else MAX_RESULTS
    page, size = params.get("page") or "1", params.get("page_size") or str(default_size)
    if not (DIGITS.fullmatch(page) and DIGITS.fullmatch(size)) or int(page) < 1 or not 1 <= int(size) <= MAX_RESULTS:
        raise Open311Error(400, f"page must be 1 or more and page_size between 1 and {MAX_RESULTS}.")
    if int(page) > 100_000:
        raise Open311Error(400, "page is too large.")
    return int(page), int(size)


def _csv(params: QueryDict, name: str) -> list[str]:
    """A list parameter: comma-separated, and/or declared several times (the specification allows both)."""
    raw = ",".join(params.getlist(name))
    return [part.strip() for part in raw.split(",") if part.strip()][:MAX_RESULTS]


def _extensions(request: HttpRequest) -> bool:
    return request.GET.get("extensions", "").strip().lower() == "true"


@open311_view("GET")
def request_detail(request: HttpRequest, region: Region, fmt: str, service_request_id: str) -> HttpResponse:
    """One request, as an array holding exactly one (clients index [0]); shared until the request changes."""
    stamp = partial(_request_stamp, region, service_request_id)
    return shared_copy(request, stamp=stamp, render=partial(_one_request, request, region, fmt, service_request_id))


def _request_stamp(region: Region, service_request_id: str) -> str | None:
    if not DIGITS.fullmatch(service_request_id):
        return None
    return selectors.public_request_stamp(region=region, pk=int(service_request_id))


def _public_request(region: Region, service_request_id: str) -> ServiceRequest:
    """The public request a client names (to comment on it), or 404."""
    row = None
    if DIGITS.fullmatch(service_request_id):
        row = _public_requests(region).select_related("region", "agency").filter(pk=int(service_request_id)).first()
    if row is None:
        raise Open311Error(404, "Unknown service_request_id.")
    return row


def _one_request(request: HttpRequest, region: Region, fmt: str, service_request_id: str) -> HttpResponse:
    rows = _public_requests(region).filter(pk=int(service_request_id)) if DIGITS.fullmatch(service_request_id) else None
    wired = _wired(request, region, rows, _extensions(request)) if rows is not None else []
    if not wired:
        raise Open311Error(404, "Unknown service_request_id.")
    return open311.respond(wired, "service_requests", fmt)


@open311_view("GET")
def token_detail(request: HttpRequest, region: Region, fmt: str, open311_token: str) -> HttpResponse:
    """The request id for a token a batch service handed out (any request's token works; never a secret one's)."""
    row = ServiceRequest.objects.for_region(region).visible_to_public().filter(token=open311_token).first()
    if row is None:
        raise Open311Error(404, "Unknown token.")
    return open311.respond([{"service_request_id": str(row.pk), "token": row.token}], "service_requests", fmt)


@open311_view("GET", "POST")
def request_updates(request: HttpRequest, region: Region, fmt: str) -> HttpResponse:
    """FixMyStreet's updates: GET the public notes of public requests in a window; POST a comment on one."""
    if request.method == "POST":
        return _comment(request, region, fmt)
    start, end = _span(request.GET, region)
    updates = (
        RequestUpdate.objects.for_region(region)
        .filter(is_public=True, request__is_secret=False, created_at__gte=start, created_at__lte=end)
        .order_by("created_at", "id")[:MAX_RESULTS]
    )
    payload = [open311.update_wire(u, time_zone=region.time_zone) for u in updates]
    return open311.respond(payload, "service_request_updates", fmt)


# --- POST requests ------------------------------------------------------------------------------


def _create(request: HttpRequest, region: Region, fmt: str) -> HttpResponse:
    service = _client_service(request, region)
    created, _new = services.request_submit(
        service=service,
        data=_request_data(request, region),
        citizen=None,
        actor=None,
        client=service.client_name,  # type: ignore[attr-defined]  # annotated by selectors.service_for_client
    )
    reply = open311.created_wire(created, request.POST.get("account_id") or None)
    return open311.respond([reply], "service_requests", fmt)


def _client_service(request: HttpRequest, region: Region) -> Service:
    """The service a keyed client names, read with its key in one query; a refusal says what is wrong.

    In the order the endpoint has always answered: no key or a wrong key (403), no service_code (400), an
    unknown one (404).
    """
    key, code = _api_key(request), request.POST.get("service_code", "").strip()
    service = selectors.service_for_client(region=region, code=code, key_digest=_digest(key)) if code else None
    if service is None:
        _authenticate(request, region)
        _required(request.POST, "service_code")
        raise Open311Error(404, f"Unknown service_code: {code[:40]}")
    return service


def _request_data(request: HttpRequest, region: Region) -> services.RequestData:
    form = request.POST
    return services.RequestData(
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


# --- POST servicerequestupdates -----------------------------------------------------------------


def _comment(request: HttpRequest, region: Region, fmt: str) -> HttpResponse:
    """A comment a client forwards (FixMyStreet's update): a public note; the agency keeps the status."""
    client = _authenticate(request, region)
    form = request.POST
    target = _public_request(region, _required(form, "service_request_id"))
    claimed = _required(form, "status").upper()
    if claimed not in open311.UPDATE_STATUSES:
        raise Open311Error(400, "status must be one of " + ", ".join(sorted(open311.UPDATE_STATUSES)) + ".")
    _when(form.get("updated_datetime"), "updated_datetime", region)
    details = {
        "client": client.name,
        "status": claimed,
        "client_update_id": form.get("update_id", "")[:100],
        "media_url": _media_url(form.get("media_url", "")),
    }
    update = services.request_comment(
        request=target, note=form.get("description", ""), actor=None, via="open311", details=details
    )
    return open311.respond([{"update_id": str(update.pk)}], "service_request_updates", fmt)


def _authenticate(request: HttpRequest, region: Region) -> Open311Client:
    """The client application whose key (issued by the region's Diskominfo) came with a POST."""
    digest = _digest(_api_key(request))
    client = Open311Client.objects.for_region(region).filter(digest=digest, is_active=True).first()
    if client is None:
        raise Open311Error(403, "Invalid api_key.")
    return client


def _api_key(request: HttpRequest) -> str:
    key = request.POST.get("api_key") or request.GET.get("api_key")
    if not key:
        raise Open311Error(403, "api_key is required to write.")
    return key


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


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
    areas = Area.objects.for_region(region).select_related("parent__parent__parent")  # routing walks up to level 1
    return areas.filter(pk=int(address_id[5:])).first()


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
