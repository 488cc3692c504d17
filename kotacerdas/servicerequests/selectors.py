"""Reads of citizen services: the catalogue, who may see a request, work queues, the monthly ranking."""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import agencies_user_acts_for, has_perm
from kotacerdas.agencies.models import Agency
from kotacerdas.regions.models import Region
from kotacerdas.servicerequests.models import OPEN_STATUSES, RequestStatus, Service, ServiceRequest

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


def _is_owner(user: Any, request: ServiceRequest) -> bool:
    return bool(getattr(user, "is_authenticated", False) and request.citizen_id == user.pk)


def public_updates(*, request: ServiceRequest, staff: bool) -> list[Any]:
    updates = request.updates.select_related("actor").order_by("created_at", "id")
    return list(updates if staff else updates.filter(is_public=True))


def my_requests(*, region: Region, user: Any) -> QuerySet[ServiceRequest]:
    return (
        ServiceRequest.objects.for_region(region).filter(citizen=user).select_related("service", "agency")[:QUEUE_SIZE]
    )


@dataclass
class Queue:
    title: str
    requests: list[ServiceRequest]


def work_queues(*, region: Region, user: Any) -> list[Queue]:
    """The coordinator's verification queue and each agency's open requests, overdue first."""
    now = timezone.now()
    queues = []
    base = ServiceRequest.objects.for_region(region).select_related("service", "agency")
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
