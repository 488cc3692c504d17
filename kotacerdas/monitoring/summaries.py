"""Summary tables behind the dashboards, rebuilt per region after every change that moves them.

A dashboard reads a handful of summary rows instead of scanning programmes, reports and
milestones; the rebuild runs once per region at the end of the writing transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from kotacerdas.audit import services as audit
from kotacerdas.audit.models import AuditEntry
from kotacerdas.monitoring.models import (
    DEFAULT_STATUS_PERCENT,
    AgencySummary,
    DimensionSummary,
    Milestone,
    Period,
    ProgrammeProgress,
    ProgressReport,
    ReportStatus,
    StatusPercent,
)
from kotacerdas.planning.models import Programme, ProgrammeStatus
from kotacerdas.regions.models import Region

TWO_PLACES = Decimal("0.01")
REPORTABLE = {ProgrammeStatus.IN_IMPLEMENTATION, ProgrammeStatus.COMPLETED}


def register() -> None:
    """Rebuild a region's summaries after programme and monitoring changes (called from AppConfig.ready)."""
    for prefix in ("planning.programme.", "planning.proposal.accepted", "monitoring."):
        audit.listen(prefix, _schedule)


def _schedule(entry: AuditEntry) -> None:
    """Queue one rebuild per region per transaction, run after commit."""
    region_id = entry.region_id
    if region_id is None:
        return
    # Django keeps this transaction's callbacks in run_on_commit; one rebuild per region is enough.
    if any(getattr(callback[1], "region_id", None) == region_id for callback in connection.run_on_commit):
        return
    transaction.on_commit(_Rebuild(region_id))


class _Rebuild:
    """A deferred rebuild of one region's summaries (a callable that remembers its region)."""

    def __init__(self, region_id: int) -> None:
        self.region_id = region_id

    def __call__(self) -> None:
        region = Region.objects.filter(pk=self.region_id).first()
        if region is not None:
            refresh_region(region)


@dataclass
class _Row:
    pk: int
    parent_id: int | None
    status: str
    dimension_id: int
    masterplan_id: int | None
    is_published: bool
    lead_agency_id: int
    weight: int | None
    created: dt.date


def _programmes(region: Region) -> dict[int, _Row]:
    fields = ("pk", "parent_id", "status", "dimension_id", "masterplan_id", "is_published", "lead_agency_id", "weight")
    rows = Programme.objects.for_region(region).values_list(*fields, "created_at")
    return {
        pk: _Row(pk, parent, status, dimension, masterplan, published, lead, weight, timezone.localdate(created))
        for pk, parent, status, dimension, masterplan, published, lead, weight, created in rows
    }


def _status_percent(region: Region) -> dict[str, Decimal]:
    percent = {status: Decimal(value) for status, value in DEFAULT_STATUS_PERCENT.items()}
    for status, value in StatusPercent.objects.for_region(region).values_list("status", "percent"):
        percent[status] = Decimal(value)
    return percent


def _reported_percent(region: Region) -> dict[int, Decimal]:
    """The latest approved report's stated progress, per programme."""
    reports = (
        ProgressReport.objects.for_region(region)
        .filter(status=ReportStatus.APPROVED, progress_percent__isnull=False)
        .order_by("programme_id", "-period__starts_on")
        .values_list("programme_id", "progress_percent")
    )
    latest: dict[int, Decimal] = {}
    for programme_id, percent in reports:
        latest.setdefault(programme_id, Decimal(percent or 0))
    return latest


def rolled_up_progress(
    rows: dict[int, _Row], own: dict[int, Decimal], default: dict[str, Decimal]
) -> dict[int, Decimal]:
    """Each programme's progress: a leaf's own (report, else status default); a parent's from its children.

    1. Children of a parent are averaged, weighted when every child has a weight, else plainly.
    2. Cancelled children do not count; a parent whose children are all cancelled keeps its own value.
    """
    children: dict[int, list[int]] = defaultdict(list)
    for row in rows.values():
        if row.parent_id is not None and row.parent_id in rows:
            children[row.parent_id].append(row.pk)
    result: dict[int, Decimal] = {}

    def progress(pk: int) -> Decimal:
        if pk in result:
            return result[pk]
        row = rows[pk]
        kids = [k for k in children.get(pk, []) if rows[k].status != ProgrammeStatus.CANCELLED]
        if kids:
            result[pk] = _average([(progress(k), rows[k].weight) for k in kids])
        else:
            result[pk] = own.get(pk, default.get(row.status, Decimal(0)))
        return result[pk]

    for pk in rows:
        progress(pk)
    return result


def _average(values: list[tuple[Decimal, int | None]]) -> Decimal:
    total = sum((Decimal(weight or 0) for _v, weight in values), Decimal(0))
    if all(weight is not None for _v, weight in values) and total > 0:
        # A weight of 0 makes a child count for nothing.
        mean = sum((v * Decimal(weight or 0) for v, weight in values), Decimal(0)) / total
    else:
        mean = sum((v for v, _w in values), Decimal(0)) / len(values)
    return mean.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def refresh_region(region: Region) -> None:
    """Rebuild the region's programme progress, dimension summary and agency summary.

    The region's row is locked first, so two rebuilds of one region (two commits at once) run one after
    the other instead of both deleting and inserting the same summary rows.
    """
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=region.pk).first()
        rows = _programmes(region)
        progress = rolled_up_progress(rows, _reported_percent(region), _status_percent(region))
        _write_progress(region, progress)
        _write_dimension_summary(region, rows, progress)
        _write_agency_summary(region, rows)


def _write_progress(region: Region, progress: dict[int, Decimal]) -> None:
    ProgrammeProgress.objects.for_region(region).delete()
    ProgrammeProgress.objects.bulk_create(
        [ProgrammeProgress(region=region, programme_id=pk, percent=value) for pk, value in progress.items()]
    )


def _write_dimension_summary(region: Region, rows: dict[int, _Row], progress: dict[int, Decimal]) -> None:
    cells: dict[tuple[int, str], DimensionSummary] = {}
    for row in rows.values():
        if row.parent_id is not None:
            continue
        key = (row.dimension_id, row.status)
        cell = cells.setdefault(key, DimensionSummary(region=region, dimension_id=row.dimension_id, status=row.status))
        cell.programmes += 1
        cell.in_masterplan += row.masterplan_id is not None
        cell.published += row.is_published
        cell.progress_sum += progress[row.pk]
        if row.is_published:
            cell.published_progress_sum += progress[row.pk]
    DimensionSummary.objects.for_region(region).delete()
    DimensionSummary.objects.bulk_create(cells.values())


def _write_agency_summary(region: Region, rows: dict[int, _Row]) -> None:
    today = timezone.localdate()
    led: dict[int, int] = defaultdict(int)
    for row in rows.values():
        led[row.lead_agency_id] += 1
    overdue = _overdue_milestones(region, rows, today)
    unreported = _unreported_periods(region, rows, today)
    agencies = set(led) | set(overdue) | set(unreported)
    AgencySummary.objects.for_region(region).delete()
    AgencySummary.objects.bulk_create(
        AgencySummary(
            region=region,
            agency_id=a,
            programmes_led=led.get(a, 0),
            overdue_milestones=overdue.get(a, 0),
            unreported_periods=unreported.get(a, 0),
        )
        for a in agencies
    )


def _overdue_milestones(region: Region, rows: dict[int, _Row], today: dt.date) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    due = Milestone.objects.for_region(region).filter(actual_date__isnull=True, planned_date__lt=today)
    for programme_id in due.values_list("programme_id", flat=True):
        if programme_id in rows and rows[programme_id].status not in (ProgrammeStatus.CANCELLED,):
            counts[rows[programme_id].lead_agency_id] += 1
    return counts


def _unreported_periods(region: Region, rows: dict[int, _Row], today: dt.date) -> dict[int, int]:
    """Ended periods in which a running or completed programme has no submitted or approved report."""
    periods = list(Period.objects.for_region(region).filter(ends_on__lt=today).values_list("pk", "ends_on"))
    reported = set(
        ProgressReport.objects.for_region(region)
        .filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED])
        .values_list("programme_id", "period_id")
    )
    counts: dict[int, int] = defaultdict(int)
    for row in _reportable(rows.values()):
        for period_id, ends_on in periods:
            if ends_on >= row.created and (row.pk, period_id) not in reported:
                counts[row.lead_agency_id] += 1
    return counts


def _reportable(rows: Iterable[_Row]) -> Iterable[_Row]:
    return (row for row in rows if row.status in REPORTABLE)
