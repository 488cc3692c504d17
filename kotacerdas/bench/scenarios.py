"""The scenarios: what the load generator sends for each line of the table, built from the run's Target."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from kotacerdas.bench.fixtures import Target

HELLO = "hello world"
HELLO_AGAIN = "hello world, again"
INSERT = "bare INSERT"
INSERT_AGAIN = "bare INSERT, again"
OPEN311_LIST = "Open311 requests.json (50, filtered)"
REQUEST_PAGE = "service request page"
DASHBOARD = "region dashboard"
PROGRAMMES = "public programme list"
COLLECTION = "jimpitan collection"
SUBMIT = "Open311 POST request"
EXPORT = "CSV export (all requests)"
READS = [OPEN311_LIST, REQUEST_PAGE, PROGRAMMES]
# Each baseline runs on both sides of the scenarios judged against it and counts with the mean of its runs: the
# speed of a shared machine drifts within a run (seen: a third within a minute), and a baseline measured minutes
# away from what it is compared with measures the drift as well.
HELLO_RUNS = (HELLO, HELLO_AGAIN)
INSERT_RUNS = (INSERT, INSERT_AGAIN)


@dataclass(frozen=True)
class Timing:
    """How long each scenario runs and how many clients it has."""

    warmup_s: float
    duration_s: float
    concurrency: int = 16
    exports: int = 2
    warmup_limit_s: float = 30.0  # at most this much longer, waiting for every client's first answer


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    ids: list[int] = field(default_factory=list)
    export: bool = False

    def plan(self, *, port: int, timing: Timing) -> dict[str, Any]:
        """The load generator's plan: an export runs alone and a fixed number of times, the rest by time."""
        base = {"host": "127.0.0.1", "port": port, "method": self.method, "path": self.path}
        base |= {"headers": self.headers, "body": self.body, "ids": self.ids}
        if self.export:
            return base | {"concurrency": 1, "warmup_s": 0, "duration_s": 3600, "max_requests": timing.exports}
        timed = {"warmup_s": timing.warmup_s, "warmup_limit_s": timing.warmup_limit_s, "duration_s": timing.duration_s}
        return base | timed | {"concurrency": timing.concurrency}


def build(target: Target, *, origin: str) -> list[Scenario]:
    """All scenarios for the target region, each baseline before and after those it is the baseline of (hello-world
    around the reads and the dashboard, the bare INSERT around the collection); `origin` is the site's https origin."""
    slug = target.region.slug
    proxy = {"X-Forwarded-Proto": "https"}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    session = proxy | {"Cookie": f"sessionid={target.session_key}; csrftoken={target.csrf_token}"}
    phone = session | form | {"Accept": "application/json", "Origin": origin}
    collect_body = f"csrfmiddlewaretoken={target.csrf_token}&household={{id}}&idempotency_key={{uuid}}"
    submit_body = (
        f"api_key={target.open311_key}&service_code={target.post_service_code}"
        "&description=Laporan+uji+beban+{n}&address_string=Jalan+Uji+{n}&device_id=bench"
    )
    hello = Scenario(HELLO, "GET", "/_bench/hello/", proxy)
    insert = Scenario(INSERT, "POST", "/_bench/insert/", proxy | form, "note=bench-{n}")
    return [
        hello,
        Scenario(OPEN311_LIST, "GET", f"/{slug}/open311/v2/requests.json?{target.open311_query}", proxy),
        Scenario(REQUEST_PAGE, "GET", f"/{slug}/services/requests/{target.request_pk}/", proxy),
        Scenario(DASHBOARD, "GET", f"/{slug}/monitoring/", session),
        Scenario(PROGRAMMES, "GET", f"/{slug}/open/", proxy),
        replace(hello, name=HELLO_AGAIN),
        insert,
        Scenario(
            COLLECTION,
            "POST",
            f"/{slug}/jimpitan/shifts/{target.shift_id}/collect/",
            phone,
            collect_body,
            ids=target.household_ids,
        ),
        replace(insert, name=INSERT_AGAIN),
        Scenario(SUBMIT, "POST", f"/{slug}/open311/v2/requests.json", proxy | form, submit_body),
        Scenario(EXPORT, "GET", f"/{slug}/services/export.csv", session, export=True),
    ]
