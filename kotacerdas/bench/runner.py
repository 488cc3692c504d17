"""One benchmark run: set up the target, start the production server, drive each scenario, build the report.

1. Pick the target region and set up what the scenarios send (fixtures.prepare).
2. Collect the static files for the production storage and start gunicorn on a free port.
3. For each scenario, run the load generator in its own process and read its JSON result; around the
   CSV export, reset and read the workers' peak resident memory.
4. Time the dashboard's numbers from the summary tables against GROUP BY over raw rows.
5. Revoke the run's session and key, and return the table with the targets judged.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from kotacerdas.bench import dashboard, fixtures, report, scenarios, server
from kotacerdas.bench.report import Report, Row
from kotacerdas.bench.scenarios import Scenario, Timing
from kotacerdas.regions.models import Region
from kotacerdas.servicerequests.models import ServiceRequest

# Houses per second of run time the collection scenario can use up (well above what 2 cores record).
HOUSES_PER_SECOND = 3000
# Above this share of the work for one worker, the scenario's row says so (see busiest_share and uneven_share).
UNEVEN_SHARE = 0.5
LOADGEN = [sys.executable, "-m", "kotacerdas.bench.loadgen"]

Say = Callable[[str], None]


class LoadgenFailed(Exception):
    """The load generator crashed or printed no result."""


@dataclass(frozen=True)
class Options:
    timing: Timing
    title: str
    var_dir: Path  # the server's var dir (static files, media); never the database's
    say: Say = print
    fill: Callable[[], None] | None = None  # fills a scratch database (while the static files are collected)


def database_url() -> str:
    """The URL of the database this process uses, for the server subprocess."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{connection.settings_dict['NAME']}"
    return str(settings.DATABASE_URL)


def run(options: Options) -> Report:
    port = server.free_port()
    env = server.production_env(
        database_url=database_url(), var_dir=options.var_dir, secret_key=settings.SECRET_KEY, port=port
    )
    options.say("Collecting static files for the production storage (in the background)…")
    static = server.collect_static(env)
    if options.fill is not None:
        options.fill()
    region = fixtures.target_region()
    timing = options.timing
    houses = int((timing.warmup_s + timing.duration_s) * HOUSES_PER_SECOND)
    options.say(f"Target region {region.slug}; setting up the run ({houses:,} houses for the collection scenario)…")
    target = fixtures.prepare(region=region, houses=houses)
    try:
        if static.wait() != 0:
            raise server.ServerFailed("collectstatic failed")
        rows, export = _serve_and_drive(target, env, port, options)
        options.say("Timing the dashboard's numbers: summary tables against GROUP BY over raw rows…")
        comparison = dashboard.compare(region, budget_s=max(timing.duration_s / 5, 0.2))
    finally:
        fixtures.release(target)
    report_ = _report(region, rows, export, comparison, options)
    options.say("Done.")
    connection.close()
    return report_


def _serve_and_drive(
    target: fixtures.Target, env: dict[str, str], port: int, options: Options
) -> tuple[list[Row], dict[str, float]]:
    connection.close()  # the server's workers write; this process holds no lock or open transaction meanwhile
    with tempfile.TemporaryDirectory(prefix="kotacerdas-bench-log-") as logs:
        log = Path(logs) / "gunicorn.log"
        options.say(f"Starting gunicorn on 127.0.0.1:{port}…")
        with server.running(env, port, log) as live:
            rows: list[Row] = []
            export: dict[str, float] = {}
            for scenario in scenarios.build(target, origin=f"https://{server.HOST}:{port}"):
                options.say(f"  {scenario.name}…")
                row, measured, result = _drive(scenario, live, options.timing)
                options.say(
                    f"    {row.rate:,.0f}/s, warm-up {result['warmup_used_s']:.1f} s, "
                    f"load generator CPU {result['cpu_fraction']:.0%}"
                )
                rows.append(row)
                export |= measured
    return rows, export


def _drive(scenario: Scenario, live: server.Server, timing: Timing) -> tuple[Row, dict[str, float], dict[str, Any]]:
    measured: dict[str, float] = {}
    if scenario.export:
        live.reset_peak_memory()
        measured["before_mb"] = live.memory_mb()
    cpu_before, by_worker = live.cpu_seconds(), live.cpu_by_worker()
    result = drive_loadgen(scenario.plan(port=live.port, timing=timing))
    cpu_ms = (live.cpu_seconds() - cpu_before) / max(result["issued"], 1) * 1000
    note = "" if not result["failures"] else _statuses(result["statuses"])
    workers_after = live.cpu_by_worker()
    if not scenario.export and set(by_worker) - set(workers_after):
        note = _joined(note, "a worker was recycled (max_requests)")
    elif not scenario.export and (share := busiest_share(by_worker, workers_after)) > uneven_share(len(workers_after)):
        note = _joined(note, f"one worker did {share:.0%} of the work")
    if scenario.export:
        measured |= {"peak_mb": live.peak_memory_mb(), "seconds": result["p50_ms"] / 1000}
        measured["megabytes"] = result["bytes_received"] / max(result["requests"], 1) / 1e6
        growth = measured["peak_mb"] - measured["before_mb"]
        memory = f"worker peak {measured['peak_mb']:.0f} MB ({growth:+.0f} MB)"
        note = f"{measured['megabytes']:.1f} MB per export, {memory} {note}".strip()
    if scenario.name in scenarios.HELLO_RUNS and result["cpu_s"] > 0:
        capacity = result["issued"] / result["cpu_s"]
        note = _joined(f"load generator: {capacity:,.0f} requests per CPU second", note)
    if result.get("ran_out"):
        note = (note + " (ran out of houses: window shortened)").strip()
    row = Row(
        name=scenario.name,
        rate=result["rate"],
        p50_ms=result["p50_ms"],
        p99_ms=result["p99_ms"],
        requests=result["requests"],
        failures=result["failures"],
        note=note,
        cpu_ms=cpu_ms,
    )
    return row, measured, result


def _joined(*notes: str) -> str:
    """A row's notes, the empty ones left out."""
    return "; ".join(note for note in notes if note)


def busiest_share(before: dict[int, float], after: dict[int, float]) -> float:
    """The busiest worker's share of the CPU the workers used between two readings (a worker that exited meanwhile
    is not in the second: the caller says so instead of a share that leaves its work out).

    gunicorn's threaded workers keep a keep-alive connection for its whole life, and whichever worker wakes first
    may accept most of a burst of new ones: the run's 16 clients can land on one or two of the workers, which then
    have one core (the GIL) for all of them. A rate measured so is that of an uneven spread, not of the page.
    """
    used = [after[pid] - before.get(pid, 0.0) for pid in after]  # a worker started meanwhile: all its time
    total = sum(used)
    return max(used) / total if total > 0 else 0.0


def uneven_share(workers: int) -> float:
    """The busiest worker's share of a scenario's work that the row notes: above half, and above 1.5 × an even
    share (two workers sharing evenly do 50 % each; one worker always does all)."""
    return max(UNEVEN_SHARE, 1.5 / max(workers, 1))


def drive_loadgen(plan: dict[str, Any]) -> dict[str, Any]:
    """Run the load generator in a second process with the plan; its JSON result."""
    done = subprocess.run(LOADGEN, input=json.dumps(plan), capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise LoadgenFailed(f"load generator exited with {done.returncode}: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _statuses(statuses: dict[str, int]) -> str:
    return "answers: " + ", ".join(f"{status or 'broken'}×{count}" for status, count in statuses.items())


def _report(
    region: Region,
    rows: list[Row],
    export: dict[str, float],
    comparison: dashboard.Comparison,
    options: Options,
) -> Report:
    rows = report.with_ratios(rows, scenarios.HELLO_RUNS)
    by_name = {row.name: row for row in rows}
    times = f"summary tables {comparison.summary_ms:.2f} ms vs GROUP BY {comparison.raw_ms:.2f} ms"
    speedup = f"{times}: {comparison.speedup:.0f}×"
    by_name[scenarios.DASHBOARD].note = _joined(speedup, by_name[scenarios.DASHBOARD].note)
    requests = ServiceRequest.objects.for_region(region).count()
    verdicts = report.judge(
        by_name,
        reads=scenarios.READS,
        dashboard=scenarios.DASHBOARD,
        write=scenarios.COLLECTION,
        baseline_write=scenarios.INSERT_RUNS,
    )
    verdicts.append(report.judge_dashboard_speedup(comparison.speedup, comparison.same_numbers))
    verdicts.append(report.judge_export(export.get("seconds", math.nan), export.get("peak_mb", math.nan), requests))
    context = {
        "machine": report.machine(),
        "commit": report.commit(),
        "database": report.database(),
        "data": _data_size(region, requests),
        "server": _server_line(),
        "load": f"{options.timing.concurrency} clients, {options.timing.warmup_s:g} s warm-up, "
        f"{options.timing.duration_s:g} s measured per scenario; exports one at a time",
    }
    return Report(title=options.title, rows=rows, context=context, verdicts=verdicts)


def _data_size(region: Region, requests: int) -> str:
    regions = Region.objects.count()
    total = ServiceRequest.objects.count()
    return f"{regions:,} regions, {total:,} service requests; target region {region.slug} with {requests:,} requests"


def _server_line() -> str:
    from kotacerdas import gunicorn_conf

    return (
        f"gunicorn {gunicorn_conf.worker_class}, {gunicorn_conf.workers} workers × {gunicorn_conf.threads} threads, "
        f"at most {gunicorn_conf.worker_connections} connections per worker "
        "(kotacerdas/gunicorn_conf.py), PRODUCTION=true behind a TLS proxy"
    )
