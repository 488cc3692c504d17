"""Reads of citizen services: the catalogue, who may see a request, work queues, the monthly ranking."""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Perm, Role
from kotacerdas.accounts.selectors import agencies_user_acts_for, has_perm
from kotacerdas.agencies.models import Agency
from kotacerdas.core.stamps import read_stamp
from kotacerdas.regions.models import Area, Region
from kotacerdas.servicerequests.models import (
    OPEN_STATUSES,
    CitizenProfile,
    DataRequest,
    Open311Client,
    RequestStatus,
    RoutingRule,
    Service,
    ServiceAttribute,
    ServiceRequest,
    ServiceRequestQuerySet,
)

QUEUE_SIZE = 100


def catalogue(*, region: Region) -> QuerySet[Service]:
    return Service.objects.for_region(region).active().select_related("agency").order_by("group", "name")


def get_service(*, region: Region, code: str, active_only: bool = True) -> Service:
    services = Service.objects.for_region(region).select_related("agency")
    if active_only:
        services = services.active()
    service = services.filter(code=code).first()
    if service is None:
        raise Http404
    service.region = region
    return service


def service_for_client(*, region: Region, code: str, key_digest: str) -> Service | None:
    """The region's active service with this code, if the key is an active client's of the region; one query.

    None when either is wrong (the caller asks again to tell which). The service comes with its region, the
    client's name (`client_name`) and, when it has no questions, with an empty prefetched `attributes`, so that
    filing a request reads nothing more.
    """
    clients = Open311Client.objects.for_region(region).filter(digest=key_digest, is_active=True)
    questions = ServiceAttribute.objects.filter(service=OuterRef("pk"))
    rows = (
        Service.objects.for_region(region)
        .active()
        .filter(code=code)
        .annotate(client_name=Subquery(clients.values("name")[:1]), has_questions=Exists(questions))
        .filter(client_name__isnull=False)
        .order_by()[:1]
    )
    service = next(iter(rows), None)
    if service is None:
        return None
    service.region = region
    if not service.has_questions:  # type: ignore[attr-defined]  # annotated above
        # An empty prefetch runs no query; service.attributes.all() is then [] without one either.
        prefetch_related_objects([service], Prefetch("attributes", queryset=ServiceAttribute.objects.none()))
    return service


def is_staff_for(user: Any, request: ServiceRequest) -> bool:
    """The coordinator, or staff of the agency handling the request."""
    region = request.region
    return has_perm(user, Perm.REQUEST_COORDINATE, region) or has_perm(
        user, Perm.REQUEST_HANDLE, region, request.agency
    )


def get_request(*, region: Region, pk: int, user: Any) -> ServiceRequest:
    """A request page: public unless secret; a secret one only for its citizen and the staff handling it."""
    request = (
        ServiceRequest.objects.for_region(region)
        .select_related("service", "agency", "area", "citizen")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    request.region = region
    if request.is_secret and not (_is_owner(user, request) or is_staff_for(user, request)):
        raise Http404
    return request


def public_request_stamp(*, region: Region, pk: int) -> str | None:
    """When a public request last changed (what its shared page copy is checked by); None if not public."""
    sql = "SELECT updated_at FROM {table} WHERE id = %s AND region_id = %s AND NOT is_secret"
    return read_stamp(ServiceRequest, sql, [pk, region.pk])


def public_requests_stamp(*, region: Region) -> str | None:
    """When any request of the region last changed (the Open311 list's shared copies are checked by it).

    Read from the index (region, updated_at): the newest entry of the region's range.
    """
    return read_stamp(ServiceRequest, "SELECT MAX(updated_at) FROM {table} WHERE region_id = %s", [region.pk])


def _is_owner(user: Any, request: ServiceRequest) -> bool:
    return bool(getattr(user, "is_authenticated", False) and request.citizen_id == user.pk)


def public_updates(*, request: ServiceRequest, staff: bool) -> list[Any]:
    updates = request.updates.select_related("actor").order_by("created_at", "id")
    return list(updates if staff else updates.filter(is_public=True))


def my_requests(*, region: Region, user: Any) -> QuerySet[ServiceRequest]:
    return (
        ServiceRequest.objects.for_region(region).filter(citizen=user).select_related("service", "agency")[:QUEUE_SIZE]
    )


def citizen_has_nik(user: Any) -> bool:
    """The citizen's NIK is on file (an account made by staff or the demo may have none yet)."""
    return CitizenProfile.objects.filter(user=user).exclude(nik_encrypted="").exists()


def my_data_requests(*, region: Region, user: Any) -> list[DataRequest]:
    return list(DataRequest.objects.for_region(region).filter(user=user)[:QUEUE_SIZE])


# --- what the public sees -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicFilter:
    """The public list's filters, already checked: open or closed, a service, a kelurahan (with its RWs and RTs)."""

    state: str = ""
    service: Service | None = None
    area: Area | None = None


def public_requests(*, region: Region, wanted: PublicFilter) -> QuerySet[ServiceRequest]:
    """The region's requests anyone may see (never a secret one), newest first; no reporter is read."""
    requests = (
        ServiceRequest.objects.for_region(region)
        .visible_to_public()
        .select_related("service", "agency", "area")
        .defer("reporter_name", "reporter_email", "reporter_phone", "citizen", "device_id", "account_id")
    )
    if wanted.state == "open":
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif wanted.state == "closed":
        requests = requests.exclude(status__in=OPEN_STATUSES)
    if wanted.service is not None:
        requests = requests.filter(service=wanted.service)
    if wanted.area is not None:
        requests = requests.filter(_within(wanted.area))
    return requests.order_by("-requested_at", "-id")


def _within(area: Area) -> Q:
    """The area itself and up to two levels below it (a kelurahan's RWs and RTs)."""
    return Q(area=area) | Q(area__parent=area) | Q(area__parent__parent=area)


# --- the coordinator's screens --------------------------------------------------------------------


def data_requests(*, region: Region) -> tuple[list[DataRequest], list[DataRequest]]:
    """The region's correction and deletion requests: the open ones (oldest first) and the latest answered."""
    base = DataRequest.objects.for_region(region).select_related("user__citizen", "handled_by")
    waiting = list(base.open().order_by("created_at", "id")[:QUEUE_SIZE])
    answered = list(base.filter(handled_at__isnull=False).order_by("-handled_at", "-id")[:QUEUE_SIZE])
    return waiting, answered


def get_data_request(*, region: Region, pk: int) -> DataRequest:
    item = DataRequest.objects.for_region(region).select_related("user__citizen", "handled_by").filter(pk=pk).first()
    if item is None:
        raise Http404
    item.region = region
    return item


def get_citizen(*, region: Region, pk: int) -> User:
    """A citizen of the region (staff accounts and citizens of other regions are not found here)."""
    citizen = (
        User.objects.filter(pk=pk, memberships__region=region, memberships__role=Role.CITIZEN)
        .select_related("citizen")
        .distinct()
        .first()
    )
    if citizen is None:
        raise Http404
    return citizen


@dataclass
class CitizenRecord:
    """What the region holds about one citizen, as the coordinator sees it (the NIK masked)."""

    user: User
    profile: CitizenProfile | None
    requests: list[ServiceRequest]
    data_requests: list[DataRequest]


def citizen_record(*, region: Region, citizen: User) -> CitizenRecord:
    profile = getattr(citizen, "citizen", None)
    requests = ServiceRequest.objects.for_region(region).filter(citizen=citizen).select_related("service", "agency")
    return CitizenRecord(
        user=citizen,
        profile=profile,
        requests=list(requests[:QUEUE_SIZE]),
        data_requests=list(DataRequest.objects.for_region(region).filter(user=citizen)[:QUEUE_SIZE]),
    )


def service_questions(*, service: Service) -> list[ServiceAttribute]:
    return list(ServiceAttribute.objects.filter(service=service))


def service_routes(*, service: Service) -> list[RoutingRule]:
    return list(RoutingRule.objects.filter(service=service).select_related("area", "agency").order_by("area__name"))


def get_question(*, service: Service, pk: int) -> ServiceAttribute:
    attribute = ServiceAttribute.objects.filter(service=service, pk=pk).first()
    if attribute is None:
        raise Http404
    attribute.service = service
    return attribute


def get_route(*, service: Service, pk: int) -> RoutingRule:
    rule = RoutingRule.objects.filter(service=service, pk=pk).select_related("area", "agency").first()
    if rule is None:
        raise Http404
    rule.service = service
    return rule


@dataclass
class Queue:
    title: str
    requests: list[ServiceRequest]


@dataclass(frozen=True)
class QueueFilter:
    """The work queues' filters, already checked: a status, a service, a kelurahan, overdue only."""

    status: str = ""
    service: Service | None = None
    area: Area | None = None
    overdue: bool = False


def work_queues(*, region: Region, user: Any, wanted: QueueFilter | None = None) -> list[Queue]:
    """The coordinator's verification queue and each agency's open requests, overdue first."""
    now = timezone.now()
    queues = []
    base = _filtered(ServiceRequest.objects.for_region(region).select_related("service", "agency"), wanted, now)
    if has_perm(user, Perm.REQUEST_COORDINATE, region):
        new = base.filter(status__in=[RequestStatus.SUBMITTED, RequestStatus.POSTPONED]).order_by("requested_at")
        queues.append(Queue("coordinator", _marked(list(new[:QUEUE_SIZE]), now)))
    for agency in agencies_user_acts_for(user, region):
        if has_perm(user, Perm.REQUEST_HANDLE, region, agency):
            handling = base.filter(agency=agency, status__in=OPEN_STATUSES).exclude(
                status__in=[RequestStatus.SUBMITTED, RequestStatus.POSTPONED]
            )
            queues.append(Queue(str(agency), _marked(list(handling.order_by("resolution_due_at")[:QUEUE_SIZE]), now)))
    return queues


def _filtered(requests: ServiceRequestQuerySet, wanted: QueueFilter | None, now: dt.datetime) -> ServiceRequestQuerySet:
    if wanted is None:
        return requests
    if wanted.status:
        requests = requests.filter(status=wanted.status)
    if wanted.service is not None:
        requests = requests.filter(service=wanted.service)
    if wanted.area is not None:
        requests = requests.filter(_within(wanted.area))
    if wanted.overdue:
        requests = requests.overdue(now)
    return requests


def _marked(requests: list[ServiceRequest], now: dt.datetime) -> list[ServiceRequest]:
    for request in requests:
        request.is_late = (request.responded_at is None and request.response_due_at < now) or (  # type: ignore[attr-defined]
            request.resolved_at is None and request.resolution_due_at < now
        )
    return requests


# --- the monthly responsiveness ranking ---------------------------------------------------------


@dataclass
class AgencyScore:
    agency: Agency
    received: int
    responded: int
    on_time: int
    median_minutes: float | None

    @property
    def on_time_share(self) -> float:
        return 100.0 * self.on_time / self.received if self.received else 0.0


@dataclass
class Ranking:
    month: dt.date
    rows: list[AgencyScore]
    most: list[AgencyScore]
    least: list[AgencyScore]


def month_bounds(month: dt.date, time_zone: str) -> tuple[dt.datetime, dt.datetime]:
    tz = zoneinfo.ZoneInfo(time_zone)
    start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    end = dt.datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=tz)
    return start, end


def ranking(*, region: Region, month: dt.date, size: int = 10) -> Ranking:
    """Per agency for the month: requests received, median response time, share answered on time."""
    start, end = month_bounds(month, region.time_zone)
    rows = (
        ServiceRequest.objects.for_region(region)
        .filter(requested_at__gte=start, requested_at__lt=end)
        .exclude(status__in=[RequestStatus.SUBMITTED, RequestStatus.ARCHIVED, RequestStatus.NOT_AUTHORITY])
        .values_list("agency_id", "requested_at", "responded_at", "response_due_at")
    )
    minutes: dict[int, list[float]] = defaultdict(list)
    received: dict[int, int] = defaultdict(int)
    on_time: dict[int, int] = defaultdict(int)
    for agency_id, requested, responded, due in rows:
        received[agency_id] += 1
        if responded is not None:
            minutes[agency_id].append((responded - requested).total_seconds() / 60)
            on_time[agency_id] += responded <= due
    agencies = Agency.objects.in_bulk(list(received))
    scores = [
        AgencyScore(agencies[a], n, len(minutes[a]), on_time[a], statistics.median(minutes[a]) if minutes[a] else None)
        for a, n in received.items()
    ]
    scores.sort(key=lambda s: (-s.on_time_share, s.median_minutes if s.median_minutes is not None else 1e12))
    return Ranking(month, scores, scores[:size], list(reversed(scores))[:size])
