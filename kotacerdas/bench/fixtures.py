"""What a benchmark run needs in the database, set up through the rooms' services where rules apply.

The target is the largest generated region (`kotacerdas generate`, slugs gen-0001…), else the demo's
Yogyakarta. A run adds: a benchmark account (no usable password) with the Diskominfo officer role and
the treasurer role of a new RT, that RT's jimpitan fund with tonight's shift open (its watch is set around
the current time, so the real clock is inside it), enough houses for every collection the run can send,
and an Open311 client with a fresh key. Sessions and the key are revoked when the run ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zoneinfo
from dataclasses import dataclass, field

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from kotacerdas.accounts import services as accounts
from kotacerdas.accounts.backends import BACKEND_PATH
from kotacerdas.accounts.models import Membership, User
from kotacerdas.accounts.roles import Role
from kotacerdas.accounts.sessions import SessionStore
from kotacerdas.agencies.models import Agency
from kotacerdas.jimpitan import services as jimpitan
from kotacerdas.jimpitan.models import Fund, Household, Shift
from kotacerdas.jimpitan.services import FundTerms
from kotacerdas.regions import services as regions
from kotacerdas.regions.models import Area, AreaKind, AreaLevel, Region
from kotacerdas.servicerequests.models import Open311Client, Service, ServiceRequest

GENERATED_PREFIX = "gen-"
DEMO_REGION = "yogyakarta"
USERNAME = "bench.{slug}"
WATCH_BEFORE = dt.timedelta(minutes=30)
WATCH_AFTER = dt.timedelta(hours=2)
OPEN311_WINDOW = dt.timedelta(days=90)


class NoData(Exception):
    """Neither generated nor demo data is in the database."""


@dataclass
class Target:
    """The region under test and everything the scenarios send to it."""

    region: Region
    user: User
    session_key: str
    csrf_token: str
    open311_key: str
    open311_client_id: int
    service_code: str
    post_service_code: str
    open311_query: str
    request_pk: int
    shift_id: int
    household_ids: list[int] = field(default_factory=list)
    requests_in_region: int = 0


def target_region() -> Region:
    """The generated region with the most service requests, else the demo region."""
    busiest = (
        ServiceRequest.objects.filter(region__slug__startswith=GENERATED_PREFIX, region__is_active=True)
        .values("region")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is not None:
        return Region.objects.get(pk=busiest["region"])
    generated = Region.objects.filter(slug__startswith=GENERATED_PREFIX, is_active=True).order_by("slug").first()
    region = generated or Region.objects.filter(slug=DEMO_REGION).first()
    if region is None:
        raise NoData("No data to measure: run `kotacerdas generate --size 0.001` or `kotacerdas load_demo` first.")
    return region


def prepare(*, region: Region, houses: int) -> Target:
    """Set up the account, the night's shift with `houses` houses, the Open311 key and the read targets."""
    user = _bench_user(region)
    shift, household_ids = _night(region, user, houses)
    key, client = _open311_client(region)
    latest = _latest_public_request(region)
    code = _busiest_service(region)
    query = _open311_query(code, latest.requested_at)
    return Target(
        region=region,
        user=user,
        session_key=_session(user),
        csrf_token=secrets.token_hex(16),  # 32 characters: Django's CSRF secret format
        open311_key=key,
        open311_client_id=client.pk,
        service_code=code,
        post_service_code=_service_without_questions(region),
        open311_query=query,
        request_pk=latest.pk,
        shift_id=shift.pk,
        household_ids=household_ids,
        requests_in_region=ServiceRequest.objects.for_region(region).count(),
    )


def release(target: Target) -> None:
    """Revoke what the run handed out: its sessions, its Open311 key and the treasurer's role of its RT."""
    SessionStore(session_key=target.session_key).delete()
    Open311Client.objects.filter(pk=target.open311_client_id).update(is_active=False)
    _revoke_treasurer_roles(target.user)


def _revoke_treasurer_roles(user: User) -> None:
    """The account keeps one treasurer's role per run, no more: a user with hundreds would slow every page."""
    for membership in Membership.objects.active().filter(user=user, role=Role.RT_TREASURER):
        accounts.membership_revoke(membership=membership, actor=None)


# --- the account ----------------------------------------------------------------------------------


def _bench_user(region: Region) -> User:
    username = USERNAME.format(slug=region.slug)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts.user_create(username=username, password=None, full_name="Benchmark", actor=None)
    agency = Agency.objects.for_region(region).order_by("pk").first()
    if agency is None:
        raise NoData(f"Region {region.slug} has no agency.")
    accounts.membership_grant(user=user, role=Role.DISKOMINFO_OFFICER, region=region, agency=agency, actor=None)
    return user


def _session(user: User) -> str:
    """A logged-in session in the database, as a login would leave it; its key is the session cookie."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND_PATH
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


# --- tonight's jimpitan shift ------------------------------------------------------------------------


def _night(region: Region, user: User, houses: int) -> tuple[Shift, list[int]]:
    """A new RT with its fund (watch around now), `houses` houses and tonight's shift opened by its treasurer."""
    rt = _new_rt(region)
    _revoke_treasurer_roles(user)  # left by a run that did not finish
    accounts.membership_grant(user=user, role=Role.RT_TREASURER, region=region, area=rt, actor=None)
    start, end = _watch_around(timezone.now(), zoneinfo.ZoneInfo(region.time_zone))
    terms = FundTerms(name=f"Benchmark {rt.name}", nightly_amount=500, watch_start=start, watch_end=end)
    fund = jimpitan.fund_create(area=rt, terms=terms, actor=user)
    shift = jimpitan.shift_open(fund=fund, actor=user)
    return shift, _households(fund, shift.night, houses)


def _new_rt(region: Region) -> Area:
    rw = Area.objects.for_region(region).filter(level=AreaLevel.RW).order_by("pk").first()
    if rw is None:
        raise NoData(f"Region {region.slug} has no RW to put the benchmark's RT under.")
    name = f"RT bench {timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(2)}"
    return regions.area_create(region=region, parent=rw, kind=AreaKind.RT, name=name, actor=None)


def _watch_around(now: dt.datetime, zone: zoneinfo.ZoneInfo) -> tuple[dt.time, dt.time]:
    """Watch hours that include `now` with room on both sides (they may cross midnight, as real ones do)."""
    start = (now - WATCH_BEFORE).astimezone(zone).time().replace(second=0, microsecond=0)
    end = (now + WATCH_AFTER).astimezone(zone).time().replace(second=0, microsecond=0)
    return start, end


@transaction.atomic
def _households(fund: Fund, night: dt.date, count: int) -> list[int]:
    """Houses registered before tonight, inserted in bulk (a registration's audit entry is not what is measured)."""
    rows = [
        Household(region=fund.region, fund=fund, number=str(n), head_name=f"Rumah {n}", registered_on=night)
        for n in range(1, count + 1)
    ]
    Household.objects.bulk_create(rows, batch_size=2000)
    return list(Household.objects.filter(fund=fund).order_by("pk").values_list("pk", flat=True))


# --- service requests ---------------------------------------------------------------------------------


def _open311_client(region: Region) -> tuple[str, Open311Client]:
    key = "bench-" + secrets.token_urlsafe(24)
    client = Open311Client.objects.create(
        region=region, name="Benchmark", prefix=key[:8], digest=hashlib.sha256(key.encode()).hexdigest()
    )
    return key, client


def _latest_public_request(region: Region) -> ServiceRequest:
    latest = (
        ServiceRequest.objects.for_region(region)
        .visible_to_public()
        .select_related("service")
        .order_by("-requested_at", "-id")
        .first()
    )
    if latest is None:
        raise NoData(f"Region {region.slug} has no public service request.")
    return latest


def _busiest_service(region: Region) -> str:
    busiest = (
        ServiceRequest.objects.for_region(region)
        .visible_to_public()
        .values("service__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None  # the region has a public request (checked before)
    return str(busiest["service__code"])


def _service_without_questions(region: Region) -> str:
    """A service a plain Open311 POST can file (no required question)."""
    service = Service.objects.for_region(region).active().exclude(attributes__required=True).order_by("code").first()
    if service is None:
        raise NoData(f"Region {region.slug} has no active service without required questions.")
    return service.code


def _open311_query(service_code: str, end: dt.datetime) -> str:
    """A filtered page of 50: the region's busiest service in the 90 days up to the newest request."""
    end = end + dt.timedelta(seconds=1)  # the newest request included, the window at most 90 days
    start = end - OPEN311_WINDOW
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    window = f"start_date={start.astimezone(dt.UTC):{stamp}}&end_date={end.astimezone(dt.UTC):{stamp}}"
    return f"service_code={service_code}&{window}&page=1&page_size=50"
