"""The dashboard's numbers two ways, timed in the same run: read from the summary tables, or GROUP BY over raw rows.

Both give what the dashboard shows (summaries.BoardNumbers): per smart dimension the top-level
programmes per status, and of those not cancelled their number, summed progress, and how many are in a
masterplan and how many of those run; per agency the programmes led, overdue milestones and unreported
periods. The summary side is the read the dashboard itself makes (`selectors.board_numbers`: the
region's one summary row). Progress comes from the per-programme progress rows on the raw side (a
parent's progress is the roll-up of its children, which no single GROUP BY computes). The raw side
truncates each programme's creation time to a local date in SQL, as a live query would have to.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from kotacerdas.monitoring import selectors
from kotacerdas.monitoring.models import Milestone, Period, ProgressReport, ReportStatus
from kotacerdas.monitoring.summaries import AgencyNumbers, BoardNumbers, DimensionNumbers
from kotacerdas.planning.models import Programme, ProgrammeStatus
from kotacerdas.regions.models import Region

REPORTABLE = [ProgrammeStatus.IN_IMPLEMENTATION, ProgrammeStatus.COMPLETED]


@dataclass(frozen=True)
class Comparison:
    summary_ms: float
    raw_ms: float
    same_numbers: bool

    @property
    def speedup(self) -> float:
        return self.raw_ms / self.summary_ms if self.summary_ms else float("inf")


def from_summaries(region: Region) -> BoardNumbers:
    """The numbers as the dashboard reads them: the region's summary row."""
    return selectors.board_numbers(region=region)


def from_raw_rows(region: Region) -> BoardNumbers:
    """The same numbers by GROUP BY over the programmes, milestones, periods and reports."""
    grouped = (
        Programme.objects.for_region(region)
        .filter(parent__isnull=True)
        .order_by()
        .values("dimension_id", "status")
        .annotate(
            programmes=Count("id"),
            in_masterplan=Count("masterplan_id"),
            progress_sum=Coalesce(Sum("progress__percent"), Decimal(0)),
        )
    )
    dimensions: dict[int, DimensionNumbers] = defaultdict(DimensionNumbers)
    for g in grouped:
        dimensions[g["dimension_id"]].add(
            status=g["status"],
            programmes=g["programmes"],
            progress_sum=g["progress_sum"],
            in_masterplan=g["in_masterplan"],
        )
    return BoardNumbers(dict(dimensions), _raw_agencies(region))


def _raw_agencies(region: Region) -> dict[int, AgencyNumbers]:
    today = timezone.localdate()
    led = Programme.objects.for_region(region).order_by().values("lead_agency_id").annotate(n=Count("id"))
    overdue = (
        Milestone.objects.for_region(region)
        .filter(actual_date__isnull=True, planned_date__lt=today)
        .exclude(programme__status=ProgrammeStatus.CANCELLED)
        .order_by()
        .values("programme__lead_agency_id")
        .annotate(n=Count("id"))
    )
    counts: dict[int, list[int]] = {}
    for row in led:
        counts.setdefault(row["lead_agency_id"], [0, 0, 0])[0] = row["n"]
    for row in overdue:
        counts.setdefault(row["programme__lead_agency_id"], [0, 0, 0])[1] = row["n"]
    for agency_id, n in _raw_unreported(region, today):
        counts.setdefault(agency_id, [0, 0, 0])[2] = n
    return {agency: (c[0], c[1], c[2]) for agency, c in counts.items()}


def _raw_unreported(region: Region, today: Any) -> list[tuple[int, int]]:
    """Per lead agency: ended periods since each running programme began without a submitted or approved report."""
    reported = ProgressReport.objects.filter(
        programme=OuterRef(OuterRef("pk")),
        period=OuterRef("pk"),
        status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
    )
    missing = (
        Period.objects.filter(region=OuterRef("region"), ends_on__lt=today, ends_on__gte=OuterRef("created_on"))
        .exclude(Exists(reported))
        .order_by()
        .values("region")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Programme.objects.for_region(region)
        .filter(status__in=REPORTABLE)
        .annotate(created_on=TruncDate("created_at"))
        .annotate(missing=Coalesce(Subquery(missing, output_field=IntegerField()), 0))
        .order_by()
        .values("lead_agency_id")
        .annotate(n=Sum("missing"))
    )
    return [(row["lead_agency_id"], row["n"]) for row in rows]


def _time(call: Callable[[], object], budget_s: float) -> float:
    """The median wall time of one call in milliseconds, repeating for about `budget_s` seconds."""
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(samples) < 3 or time.perf_counter() < deadline:
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


def compare(region: Region, budget_s: float = 1.0) -> Comparison:
    """Time both ways for the region and check they give the same numbers."""
    same = from_summaries(region) == from_raw_rows(region)
    summary_ms = _time(lambda: from_summaries(region), budget_s)
    raw_ms = _time(lambda: from_raw_rows(region), budget_s)
    return Comparison(summary_ms=summary_ms, raw_ms=raw_ms, same_numbers=same)
