"""A region's citizen services: the catalogue, requests over two years with their public history, an Open311 key.

Each request's history is a path the workflow allows (submitted → open → … → its status); the first
answer of the agency sets `responded_at`, a resolving step sets `resolved_at`, deadlines come from the
service's response and resolution times, and a request still open past a deadline is flagged once, as
the overdue job would have done.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from kotacerdas.demo.synthetic import names
from kotacerdas.demo.synthetic.bulk import Row, Table
from kotacerdas.demo.synthetic.context import RegionBuild, Run
from kotacerdas.servicerequests.models import (
    OPEN_STATUSES,
    Open311Client,
    RequestUpdate,
    Service,
    ServiceAttribute,
    ServiceRequest,
)
from kotacerdas.servicerequests.workflow import RESOLUTION_STATUSES

BENCH_OPEN311_KEY = "kotacerdas-bench-key"  # the Open311 client key of the first generated region

SERVICES = Table(
    Service,
    "id created_at updated_at region agency code name description group keywords type response_minutes "
    "resolution_minutes is_active",
)
ATTRIBUTES = Table(
    ServiceAttribute,
    "id created_at updated_at region service code datatype required description datatype_description order values",
)
CLIENTS = Table(Open311Client, "id created_at updated_at region name prefix digest is_active")
REQUESTS = Table(
    ServiceRequest,
    "id created_at updated_at region service agency citizen reporter_name reporter_email reporter_phone "
    "kind description photo media_url lat long address address_id area attributes is_secret is_anonymous "
    "status requested_at response_due_at resolution_due_at responded_at resolved_at overdue_notified_at "
    "idempotency_key token device_id account_id",
)
UPDATES = Table(RequestUpdate, "id created_at updated_at region request status note is_public actor")

# The workflow path to each status (see servicerequests/workflow.py).
PATHS: dict[str, list[str]] = {
    "submitted": ["submitted"],
    "postponed": ["submitted", "postponed"],
    "not_authority": ["submitted", "not_authority"],
    "archived": ["submitted", "archived"],
    "open": ["submitted", "open"],
    "investigating": ["submitted", "open", "investigating"],
    "in_progress": ["submitted", "open", "in_progress"],
    "action_scheduled": ["submitted", "open", "in_progress", "action_scheduled"],
    "fixed": ["submitted", "open", "fixed"],
    "closed": ["submitted", "open", "fixed", "closed"],
    "duplicate": ["submitted", "open", "duplicate"],
    "not_responsible": ["submitted", "open", "not_responsible"],
    "no_further_action": ["submitted", "open", "no_further_action"],
}
COORDINATOR_STEPS = {"open", "postponed", "not_authority", "archived"}
ANSWERS = {"investigating", "in_progress", "action_scheduled", "fixed", "closed", "duplicate", "not_responsible"} | {
    "no_further_action"
}
# Older requests are mostly settled; the last month's are still moving.
OLD = {"closed": 45, "fixed": 25, "duplicate": 4, "not_responsible": 4, "no_further_action": 4}
OLD |= {"not_authority": 5, "archived": 5, "in_progress": 4, "open": 2, "action_scheduled": 2}
RECENT = {"submitted": 18, "open": 18, "investigating": 10, "in_progress": 15, "action_scheduled": 5}
RECENT |= {"fixed": 15, "closed": 10, "postponed": 5, "not_authority": 2, "archived": 2}
HISTORY_DAYS = 730
FLAG_DELAY = dt.timedelta(minutes=15)  # the overdue job runs every quarter of an hour


@dataclass
class _Service:
    id: int
    code: str
    agency: int
    response: dt.timedelta
    resolution: dt.timedelta
    texts: list[str]


def build_services(run: Run, region: RegionBuild) -> list[_Service]:
    """The catalogue (owned by the agencies that handle each kind of request) and, in the first region, a client key."""
    loader, rng = run.loader, run.rng
    chosen = sorted(rng.sample(range(len(names.SERVICES)), k=min(len(names.SERVICES), 10)))
    first = loader.ids(Service, len(chosen))
    stamp = loader.ts(run.ago(HISTORY_DAYS + 30))
    rows: list[Row] = []
    built: list[_Service] = []
    for n, index in enumerate(chosen):
        code, name, group, agency_slug, response, resolution = names.SERVICES[index]
        agency = region.agencies[agency_slug]
        rows.append((first + n, stamp, stamp, region.id, agency, code, name, f"{name} di {region.name}.", group, ""))
        rows[-1] += ("realtime", response, resolution, True)
        response_time, resolution_time = dt.timedelta(minutes=response), dt.timedelta(minutes=resolution)
        built.append(_Service(first + n, code, agency, response_time, resolution_time, names.REQUEST_TEXTS[code]))
    loader.insert(SERVICES, rows)
    _attributes(run, region, built, stamp)
    if region.number == 1:
        digest = hashlib.sha256(BENCH_OPEN311_KEY.encode()).hexdigest()
        row: Row = (
            loader.ids(Open311Client, 1),
            stamp,
            stamp,
            region.id,
            "Klien uji beban",
            BENCH_OPEN311_KEY[:8],
            digest,
        )
        loader.insert(CLIENTS, [(*row, True)])
    return built


def _attributes(run: Run, region: RegionBuild, services: list[_Service], stamp: str) -> None:
    street_lights = [s for s in services if s.code == "PJU-01"]
    first = run.loader.ids(ServiceAttribute, len(street_lights))
    question = "Nomor tiang lampu (jika terlihat)"
    rows = [
        (first + n, stamp, stamp, region.id, s.id, "tiang", "string", False, question, "", 0, "[]")
        for n, s in enumerate(street_lights)
    ]
    run.loader.insert(ATTRIBUTES, rows)


def build_requests(run: Run, region: RegionBuild, services: list[_Service]) -> None:
    """The region's requests and their histories, oldest first."""
    rng, loader = run.rng, run.loader
    count = run.plan.requests_by_region[region.number - 1]
    first = loader.ids(ServiceRequest, count)
    ages = sorted((HISTORY_DAYS * rng.random() ** 1.5 for _ in range(count)), reverse=True)
    centre = (rng.uniform(-8.5, 3.5), rng.uniform(96.0, 140.0))  # somewhere in the archipelago's span
    requests: list[Row] = []
    updates: list[Row] = []
    for n, age in enumerate(ages):
        request, history = _request(run, region, services, first + n, run.ago(age), centre)
        requests.append(request)
        updates += history
    first_update = loader.ids(RequestUpdate, len(updates))
    loader.insert(REQUESTS, requests)
    loader.insert(UPDATES, [(first_update + i, *u) for i, u in enumerate(updates)])


def _status(run: Run, requested: dt.datetime) -> str:
    table = RECENT_CHOICES if run.now - requested < dt.timedelta(days=30) else OLD_CHOICES
    return run.rng.choices(*table)[0]


@dataclass(frozen=True)
class _Path:
    """A status's workflow path, what kind of wait precedes each step, and which steps answer and resolve."""

    steps: list[str]
    waits: list[str]  # "triage", "response" or "resolution" for each step after the first
    answered: int | None  # index of the agency's first answer
    resolved: int | None  # index of the last resolving step

    @classmethod
    def of(cls, steps: list[str]) -> _Path:
        waits = [
            "triage" if s in COORDINATOR_STEPS else "resolution" if s in RESOLUTION_STATUSES else "response"
            for s in steps[1:]
        ]
        answered = next((i for i, s in enumerate(steps) if s in ANSWERS), None)
        resolved = next((i for i in range(len(steps) - 1, -1, -1) if steps[i] in RESOLUTION_STATUSES), None)
        return cls(steps, waits, answered, resolved)


PLANNED_PATHS = {status: _Path.of(steps) for status, steps in PATHS.items()}
OLD_CHOICES = (list(OLD), list(OLD.values()))
RECENT_CHOICES = (list(RECENT), list(RECENT.values()))


def _steps(run: Run, service: _Service, requested: dt.datetime, path: _Path) -> list[dt.datetime]:
    """When each step happened: triage within hours, the agency within its response time (mostly), then resolution."""
    random = run.rng.random
    scale = {
        "triage": 14_400.0,
        "response": service.response.total_seconds(),
        "resolution": service.resolution.total_seconds(),
    }
    gaps = [scale[wait] * (0.1 + 1.3 * random()) for wait in path.waits]
    room = (run.now - requested).total_seconds() * 0.95
    total = sum(gaps)
    shrink = min(1.0, room / total) if total else 1.0
    moments, elapsed = [requested], 0.0
    for gap in gaps:
        elapsed += gap * shrink
        moments.append(requested + dt.timedelta(seconds=int(elapsed)))
    return moments


def _request(
    run: Run,
    region: RegionBuild,
    services: list[_Service],
    pk: int,
    requested: dt.datetime,
    centre: tuple[float, float],
) -> tuple[Row, list[Row]]:
    rng, ts = run.rng, run.loader.ts
    service = rng.choice(services)
    status = _status(run, requested)
    path = PLANNED_PATHS[status]
    moments = _steps(run, service, requested, path)
    stamps = [ts(m) for m in moments]
    responded = None if path.answered is None else moments[path.answered]
    resolved = None if path.resolved is None else moments[path.resolved]
    response_due, resolution_due = requested + service.response, requested + service.resolution
    flagged = _flagged(run, status, responded, resolved, response_due, resolution_due)
    citizen, reporter = _reporter(run, region)
    secret = rng.random() < 0.03
    lat, long = _position(run, centre)
    row: Row = (pk, stamps[0], stamps[-1], region.id, service.id, service.agency, citizen, reporter)
    row += (f"{reporter.split()[0].lower()}@example.org", "", _kind(run, service), rng.choice(service.texts))
    row += ("", "", lat, long, run.pool.address(rng), "", rng.choice(region.villages), _attributes_of(run, service))
    row += (secret, not secret and rng.random() < 0.1, status, stamps[0], ts(response_due), ts(resolution_due))
    row += (
        None if path.answered is None else stamps[path.answered],
        None if path.resolved is None else stamps[path.resolved],
        flagged and ts(flagged),
        None,
        _token(run),
        "",
        "",
    )
    history = [
        (stamp, stamp, region.id, pk, step, _note(run, step), True, _actor(region, step, citizen, service))
        for step, stamp in zip(path.steps, stamps, strict=True)
    ]
    return row, history


def _flagged(
    run: Run,
    status: str,
    responded: dt.datetime | None,
    resolved: dt.datetime | None,
    response_due: dt.datetime,
    resolution_due: dt.datetime,
) -> dt.datetime | None:
    """An open request past a deadline has been flagged once, shortly after the first deadline it missed."""
    if status not in OPEN_STATUSES:
        return None
    missed = [due for due, done in ((response_due, responded), (resolution_due, resolved)) if done is None]
    first = min(missed, default=None)
    if first is None or first + FLAG_DELAY > run.now:
        return None
    return first + FLAG_DELAY


def _reporter(run: Run, region: RegionBuild) -> tuple[int | None, str]:
    """Four in ten come from registered citizens; the rest through Open311 apps and the counter."""
    if run.rng.random() < 0.4:
        index = run.rng.randrange(len(region.citizens))
        return region.citizens[index], region.citizen_names[index]
    return None, run.pool.person(run.rng)


def _kind(run: Run, service: _Service) -> str:
    if service.code.startswith(("ADMINDUK", "PERIZINAN")):
        return "information"
    return "aspiration" if run.rng.random() < 0.15 else "complaint"


def _position(run: Run, centre: tuple[float, float]) -> tuple[str | None, str | None]:
    if run.rng.random() < 0.3:
        return None, None
    return f"{centre[0] + run.rng.uniform(-0.2, 0.2):.6f}", f"{centre[1] + run.rng.uniform(-0.2, 0.2):.6f}"


def _attributes_of(run: Run, service: _Service) -> str:
    if service.code == "PJU-01" and run.rng.random() < 0.5:
        return json.dumps({"tiang": f"PJU-{run.rng.randint(1, 9999):04d}"})
    return "{}"


def _token(run: Run) -> str:
    return base64.urlsafe_b64encode(run.rng.randbytes(16)).rstrip(b"=").decode()


def _note(run: Run, status: str) -> str:
    if status == "open":
        return run.rng.choice(names.VERIFY_NOTES)
    return names.HANDLING_NOTES.get(status, "")


def _actor(region: RegionBuild, status: str, citizen: int | None, service: _Service) -> int | None:
    if status == "submitted":
        return citizen
    if status in COORDINATOR_STEPS:
        return region.staff["officer"]
    return region.operators_by_agency[service.agency]
