"""A small HTTP/1.1 load generator: asyncio, keep-alive, one process, no Django and no dependency.

Run as `python -m kotacerdas.bench.loadgen` with a JSON plan on stdin; prints a JSON result on stdout.
It keeps `concurrency` connections busy, each sending its next request as soon as the answer arrived
(a closed loop), for a warm-up and then a measured window; every answer that is not 2xx, and every
broken connection, is a failure. Dynamic requests (a new house, a new idempotency key each time) come
from a template with `{n}` (the request's number), `{uuid}` (a fresh UUID) and `{id}` (the n-th of a
list of ids); when the list is used up the run ends early rather than send a request twice.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

HEADER_END = b"\r\n\r\n"
BROKEN = 0  # the status recorded for a connection that failed or closed mid-answer
WARMUP_LIMIT_S = 30.0  # the default of Plan.warmup_limit_s


def percentile(samples: Sequence[float], p: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least p % of the samples at or below it."""
    if not samples:
        return math.nan
    if not 0 < p <= 100:
        raise ValueError("p must be in (0, 100]")
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


@dataclass
class Plan:
    """What to send and for how long."""

    host: str
    port: int
    method: str = "GET"
    path: str = "/"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    ids: list[int] = field(default_factory=list)
    concurrency: int = 16
    warmup_s: float = 1.0
    duration_s: float = 5.0
    max_requests: int = 0  # 0: no limit; else stop after this many requests in all
    warmup_limit_s: float = WARMUP_LIMIT_S  # how much longer than warmup_s to wait for every connection's answer
    timeout_s: float = 120.0


@dataclass
class Result:
    """The answers that arrived in the measured window (throughput is answers per second of the window)."""

    requests: int
    failures: int
    rate: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    statuses: dict[str, int]
    bytes_received: int
    window_s: float
    cpu_fraction: float  # the load generator's own CPU time over the run: near 1.0 means it is the bottleneck
    ran_out: bool = False
    warmup_used_s: float = 0.0  # how long the warm-up lasted (until every connection had an answer)
    issued: int = 0  # requests sent in all, warm-up included
    cpu_s: float = 0.0  # the load generator's CPU seconds in all: cpu_s / issued is its cost per request


def summarise(
    latencies: Sequence[float], statuses: Sequence[int], window_s: float, received: int, cpu_s: float
) -> Result:
    """Latencies in seconds and statuses of the measured requests, as a Result."""
    failures = sum(1 for status in statuses if not 200 <= status < 300)
    count = len(latencies)
    return Result(
        requests=count,
        failures=failures,
        rate=count / window_s if window_s > 0 else 0.0,
        p50_ms=percentile(latencies, 50) * 1000 if count else math.nan,
        p99_ms=percentile(latencies, 99) * 1000 if count else math.nan,
        mean_ms=sum(latencies) / count * 1000 if count else math.nan,
        statuses={str(k): v for k, v in sorted(Counter(statuses).items())},
        bytes_received=received,
        window_s=window_s,
        cpu_fraction=cpu_s / window_s if window_s > 0 else 0.0,
    )


class _Run:
    """The shared state of one run: the request counter, the clock and what was measured.

    The warm-up lasts `warmup_s` and at least until every connection has had one answer (a worker's
    first request pays for compiling templates and opening its database connection), at most
    `warmup_limit_s` more; then the measured window of `duration_s` begins.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.issued = 0
        self.started = time.perf_counter()
        self.measure_from = self.started if plan.warmup_s <= 0 else math.inf
        self.stop_at = self.measure_from + plan.duration_s
        self.warm: set[int] = set()
        self.latencies: list[float] = []
        self.statuses: list[int] = []
        self.received = 0
        self.ran_out = False
        self.ended_early = False
        self.last_done = self.started
        self._static = self._render(0) if not _dynamic(plan) else None

    def _start_window(self, now: float) -> None:
        if self.measure_from != math.inf or now < self.started + self.plan.warmup_s:
            return
        if (
            len(self.warm) >= self.plan.concurrency
            or now >= self.started + self.plan.warmup_s + self.plan.warmup_limit_s
        ):
            self.measure_from, self.stop_at = now, now + self.plan.duration_s

    def next_request(self) -> bytes | None:
        """The next request's bytes, or None when time or ids are up."""
        plan = self.plan
        now = time.perf_counter()
        self._start_window(now)
        if now >= self.stop_at:
            return None
        if plan.max_requests and self.issued >= plan.max_requests:
            self.ended_early = True
            return None
        if "{id}" in plan.body + plan.path and self.issued >= len(plan.ids):
            self.ended_early = self.ran_out = True
            return None
        self.issued += 1
        return self._static if self._static is not None else self._render(self.issued - 1)

    def _render(self, n: int) -> bytes:
        plan = self.plan
        path, body = fill(plan.path, plan.ids, n), fill(plan.body, plan.ids, n).encode()
        lines = [f"{plan.method} {path} HTTP/1.1", f"Host: {plan.host}:{plan.port}"]
        lines += [f"{name}: {value}" for name, value in plan.headers.items()]
        if body or plan.method not in ("GET", "HEAD"):
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    def record(self, client: int, began: float, ended: float, status: int, size: int) -> None:
        self.warm.add(client)
        if self.measure_from <= ended <= self.stop_at:
            self.latencies.append(ended - began)
            self.statuses.append(status)
            self.received += size
            self.last_done = max(self.last_done, ended)


def _dynamic(plan: Plan) -> bool:
    return any(mark in plan.path + plan.body for mark in ("{n}", "{uuid}", "{id}"))


def fill(template: str, ids: Sequence[int], n: int) -> str:
    """The n-th request's text: {n} the number, {uuid} a fresh UUID, {id} the n-th id."""
    if "{" not in template:
        return template
    text = template.replace("{n}", str(n)).replace("{uuid}", str(uuid.uuid4()))
    return text.replace("{id}", str(ids[n])) if "{id}" in text else text


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """Read one response: (status, body size, whether the server closes the connection)."""
    head = await reader.readuntil(HEADER_END)
    status = int(head[9:12])
    length, chunked, close = -1, False, False
    for line in head.split(b"\r\n")[1:]:
        name, _sep, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = b"close" in value.lower()
    if chunked:
        return status, await _read_chunked(reader), close
    if length >= 0:
        await reader.readexactly(length)
        return status, length, close
    return status, len(await reader.read()), True  # no length: the body runs to the end of the connection


async def _read_chunked(reader: asyncio.StreamReader) -> int:
    size_total = 0
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass  # trailers
            return size_total
        await reader.readexactly(size + 2)
        size_total += size


async def _connection(run: _Run, client: int) -> None:
    """One client: send, wait for the whole answer, send the next; reconnect when the server closes."""
    plan = run.plan
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    while (raw := run.next_request()) is not None:
        began = time.perf_counter()
        try:
            if writer is None or reader is None:
                reader, writer = await asyncio.open_connection(plan.host, plan.port)
            writer.write(raw)
            status, size, close = await asyncio.wait_for(_read_answer(reader), plan.timeout_s)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError):
            status, size, close = BROKEN, 0, True
        run.record(client, began, time.perf_counter(), status, size)
        if close and writer is not None:
            writer.close()
            writer, reader = None, None
    if writer is not None:
        writer.close()


async def drive(plan: Plan) -> Result:
    """Run the plan and summarise the measured window."""
    run = _Run(plan)
    cpu_before = _cpu_seconds()
    await asyncio.gather(*(_connection(run, client) for client in range(plan.concurrency)))
    cpu = _cpu_seconds() - cpu_before
    elapsed = time.perf_counter() - run.started
    # The window: the fixed duration, or up to the last answer when the requests or ids ran out first.
    window = plan.duration_s
    if run.ended_early:
        window = min(plan.duration_s, run.last_done - run.measure_from) if run.latencies else 0.0
    result = summarise(run.latencies, run.statuses, max(window, 1e-9), run.received, cpu * window / elapsed)
    result.ran_out = run.ran_out
    result.issued, result.cpu_s = run.issued, cpu
    result.warmup_used_s = (run.measure_from if run.measure_from != math.inf else time.perf_counter()) - run.started
    return result


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    plan = Plan(**json.load(sys.stdin))
    result = asyncio.run(drive(plan))
    json.dump(asdict(result), sys.stdout)


if __name__ == "__main__":
    main()
