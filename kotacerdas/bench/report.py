"""The benchmark's one table, the targets of issue #8 judged against it, and its section in BENCHMARKS.md."""

from __future__ import annotations

import math
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.utils import timezone

HEADER = ("scenario", "req/s", "p50 ms", "p99 ms", "errors", "× hello", "CPU ms/req", "note")
READ_SHARE, READ_P99_MS = 0.40, 50.0
DASHBOARD_SHARE, DASHBOARD_SPEEDUP = 0.25, 20.0
WRITE_SHARE = 0.60
EXPORT_SECONDS, EXPORT_MB = 60.0, 200.0


@dataclass
class Row:
    name: str
    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int
    note: str = ""
    ratio: float = math.nan
    cpu_ms: float = math.nan  # the server's CPU time per request (all workers): unlike req/s, not skewed by neighbours

    @property
    def failed(self) -> bool:
        return self.failures > 0 or self.requests == 0


@dataclass
class Report:
    title: str
    rows: list[Row]
    context: dict[str, str] = field(default_factory=dict)
    verdicts: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(row.failed for row in self.rows)


def baseline_rate(rows: Sequence[Row], runs: tuple[str, ...]) -> float:
    """The mean rate of a baseline's runs (the rows named in `runs` that are there); NaN when none is."""
    rates = [row.rate for row in rows if row.name in runs]
    return sum(rates) / len(rates) if rates else math.nan


def with_ratios(rows: list[Row], baseline: tuple[str, ...]) -> list[Row]:
    """Each row's rate as a share of the hello-world view's (same server, same run: the mean of its runs)."""
    base = baseline_rate(rows, baseline)
    for row in rows:
        row.ratio = row.rate / base if base else math.nan
    return rows


def _number(value: float, digits: int = 0) -> str:
    return "–" if math.isnan(value) else f"{value:,.{digits}f}"


def _cells(row: Row) -> tuple[str, ...]:
    rate = _number(row.rate, 1 if row.rate < 100 else 0)
    ratio = "–" if math.isnan(row.ratio) else f"{row.ratio:.2f}"
    errors = f"{row.failures}/{row.requests}"
    return (
        row.name,
        rate,
        _number(row.p50_ms, 1),
        _number(row.p99_ms, 1),
        errors,
        ratio,
        _number(row.cpu_ms, 1),
        row.note,
    )


def table(rows: list[Row]) -> str:
    """A Markdown table (readable as plain text too)."""
    lines = [HEADER, *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    text = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)) + " |" for line in lines]
    text.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(text)


def render(report: Report) -> str:
    parts = [f"## {report.title}", ""]
    parts += [f"- {name}: {value}" for name, value in report.context.items()]
    parts += ["", table(report.rows), ""]
    if report.verdicts:
        parts += ["Targets (issue #8, point 3):", "", *[f"- {line}" for line in report.verdicts], ""]
    return "\n".join(parts)


def record(report: Report, path: Path) -> None:
    """Append the report as a dated section to BENCHMARKS.md (created with a heading when missing)."""
    existing = path.read_text() if path.exists() else "# Benchmarks\n"
    path.write_text(existing.rstrip("\n") + "\n\n" + render(report))


# --- targets --------------------------------------------------------------------------------------


def judge(
    rows: dict[str, Row], *, reads: list[str], dashboard: str, write: str, baseline_write: tuple[str, ...]
) -> list[str]:
    """Each target of issue #8 point 3 that this table can judge: met or not, with the numbers."""
    lines = []
    for name in reads:
        row = rows[name]
        met = row.ratio >= READ_SHARE and row.p99_ms <= READ_P99_MS
        of_hello = f"{row.ratio:.0%} of hello-world (≥ 40 %)"
        lines.append(f"{_met(met)} {name}: {of_hello}, p99 {row.p99_ms:.1f} ms (≤ {READ_P99_MS:.0f})")
    board = rows[dashboard]
    lines.append(f"{_met(board.ratio >= DASHBOARD_SHARE)} {dashboard}: {board.ratio:.0%} of hello-world (≥ 25 %)")
    base = baseline_rate(list(rows.values()), baseline_write)
    share = rows[write].rate / base if base else math.nan
    lines.append(f"{_met(share >= WRITE_SHARE)} {write}: {share:.1%} of the bare INSERT's rate (≥ 60 %)")
    return lines


def judge_dashboard_speedup(speedup: float, same_numbers: bool) -> str:
    same = "" if same_numbers else " — the two ways gave DIFFERENT numbers (stale summaries?)"
    ways = f"summary tables {speedup:.0f}× faster than GROUP BY over raw rows (≥ 20×)"
    return f"{_met(speedup >= DASHBOARD_SPEEDUP)} dashboard numbers: {ways}{same}"


def judge_export(seconds: float, peak_mb: float, rows: int) -> str:
    """Judged at a million rows (the target's size), extrapolated from the region's export at its rate."""
    million_s = seconds / rows * 1_000_000 if rows else math.nan
    met = million_s <= EXPORT_SECONDS and peak_mb <= EXPORT_MB
    numbers = f"{rows:,} rows in {seconds:.1f} s, so 1,000,000 rows in {million_s:.0f} s (≤ 60 s)"
    return f"{_met(met)} CSV export: {numbers}; server worker peak {peak_mb:.0f} MB (≤ 200 MB)"


def _met(met: bool) -> str:
    return "met:" if met else "NOT met:"


# --- the machine --------------------------------------------------------------------------------------


def machine() -> str:
    cpu = _cpu_model() or platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} cores, {_memory_gb():.0f} GB RAM, Python {platform.python_version()}"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return math.nan


def commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    # BENCHMARKS.md itself does not count: the run before this one may have appended its table.
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)BENCHMARKS.md")
    return head + (" (with uncommitted changes)" if changed else "")


def database() -> str:
    vendor = connection.vendor
    if vendor == "sqlite":
        import sqlite3

        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
        return f"SQLite {sqlite3.sqlite_version} (journal {mode}, IMMEDIATE transactions)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} ({_connections()})"


def _connections() -> str:
    settings_dict = connection.settings_dict
    if settings_dict["OPTIONS"].get("pool"):
        return f"Django's connection pool {settings_dict['OPTIONS']['pool']}"
    if settings_dict["CONN_MAX_AGE"]:
        return f"persistent connections, CONN_MAX_AGE={settings_dict['CONN_MAX_AGE']}"
    return "a new connection per request"


def now() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
