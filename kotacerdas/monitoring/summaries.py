"""Summary tables behind the dashboards, rebuilt per region after every change that moves them.

A dashboard reads a handful of summary rows instead of scanning programmes, reports and
milestones; the rebuild runs once per region at the end of the writing transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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
    RegionSummary,
    ReportStatus,
    StatusPercent,
)
from kotacerdas.planning.models import Programme, ProgrammeStatus
from kotacerdas.regions.models import Region

TWO_PLACES = Decimal("0.01")
REPORTABLE = {ProgrammeStatus.IN_IMPLEMENTATION, ProgrammeStatus.COMPLETED}
STATUS_ORDER = [s.value for s in ProgrammeStatus]
# Changes that move what the dashboard shows besides these summaries: agency names and the coverage gaps, the
# framework's labels, and the jimpitan roll-up (FundMonth, recounted when a shift closes; active funds).
RESTAMPED_BY = ("agencies.", "framework.", "jimpitan.shift.closed", "jimpitan.fund.")


def register() -> None:
    """Rebuild a region's summaries after programme and monitoring changes (called from AppConfig.ready)."""
    for prefix in ("planning.programme.", "planning.proposal.accepted", "monitoring."):
        audit.listen(prefix, _schedule)
    for prefix in RESTAMPED_BY:
        audit.listen(prefix, _schedule_restamp)


# --- the dashboard's numbers, one row per region -------------------------------------------------


@dataclass
class DimensionNumbers:
    """One smart dimension's top-level programmes: per status, and the sums behind its averages."""

    by_status: dict[str, int] = field(default_factory=dict)
    total: int = 0  # not cancelled: a cancelled programme is shown in its column but does not pull the average down
    progress_sum: Decimal = Decimal(0)
    masterplan_total: int = 0
    masterplan_running: int = 0

    def add(self, *, status: str, programmes: int, progress_sum: Decimal, in_masterplan: int) -> None:
        """Count a group of programmes of one status."""
        self.by_status[status] = self.by_status.get(status, 0) + programmes
        if status == ProgrammeStatus.CANCELLED:
            return
        self.total += programmes
        self.progress_sum += progress_sum
        self.masterplan_total += in_masterplan
        self.masterplan_running += in_masterplan if status in REPORTABLE else 0

    @property
    def progress(self) -> Decimal:
        return (self.progress_sum / self.total).quantize(TWO_PLACES) if self.total else Decimal(0)

    @property
    def running_percent(self) -> Decimal:
        if not self.masterplan_total:
            return Decimal(0)
        return (Decimal(100) * self.masterplan_running / self.masterplan_total).quantize(TWO_PLACES)

    @property
    def counts(self) -> list[int]:
        return [self.by_status.get(s, 0) for s in STATUS_ORDER]


AgencyNumbers = tuple[int, int, int]  # programmes led, overdue milestones, unreported periods


@dataclass
class BoardNumbers:
    """What the dashboard counts: per smart dimension (id) and per agency (id); kept in RegionSummary.board."""

    dimensions: dict[int, DimensionNumbers] = field(default_factory=dict)
    agencies: dict[int, AgencyNumbers] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        dimensions = {str(pk): _dimension_json(n) for pk, n in self.dimensions.items()}
        return {"dimensions": dimensions, "agencies": {str(pk): list(n) for pk, n in self.agencies.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BoardNumbers:
        dimensions = {int(pk): _dimension_from_json(d) for pk, d in data.get("dimensions", {}).items()}
        agencies = {int(pk): (n[0], n[1], n[2]) for pk, n in data.get("agencies", {}).items()}
        return cls(dimensions, agencies)


def _dimension_json(numbers: DimensionNumbers) -> dict[str, Any]:
    n = numbers
    # The sum as text: JSON has no decimals, and a float would not give back the same number.
    return {"by_status": n.by_status, "total": n.total, "progress_sum": str(n.progress_sum)} | {
        "masterplan_total": n.masterplan_total,
        "masterplan_running": n.masterplan_running,
    }


def _dimension_from_json(data: dict[str, Any]) -> DimensionNumbers:
    return DimensionNumbers(
        by_status=dict(data["by_status"]),
        total=data["total"],
        progress_sum=Decimal(data["progress_sum"]),
        masterplan_total=data["masterplan_total"],
        masterplan_running=data["masterplan_running"],
    )


def board_numbers(cells: Iterable[DimensionSummary], agencies: dict[int, AgencyNumbers]) -> BoardNumbers:
    """The dashboard's numbers from the region's dimension cells and agency counts."""
    dimensions: dict[int, DimensionNumbers] = defaultdict(DimensionNumbers)
    for cell in cells:
        dimensions[cell.dimension_id].add(
            status=cell.status,
            programmes=cell.programmes,
            progress_sum=cell.progress_sum,
            in_masterplan=cell.in_masterplan,
        )
    return BoardNumbers(dict(dimensions), agencies)


# --- scheduling --------------------------------------------------------------------------------------


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


def _schedule_restamp(entry: AuditEntry) -> None:
    """Queue one new stamp per region (all regions for national reference data) per transaction, after commit."""
    queued = (getattr(callback[1], "restamps_region_id", False) for callback in connection.run_on_commit)
    if entry.region_id not in queued:
        transaction.on_commit(_Restamp(entry.region_id))


class _Restamp:
    """A deferred new stamp for one region's summary row, or for every region's when `region_id` is None."""

    def __init__(self, region_id: int | None) -> None:
        # Not `region_id`: _schedule takes a callback with that attribute for a queued rebuild.
        self.restamps_region_id = region_id

    def __call__(self) -> None:
        restamp(region_id=self.restamps_region_id)


def restamp(*, region_id: int | None) -> None:
    """Give the region's summary row (every region's when None) a new stamp: the dashboards' cached parts expire."""
    rows = RegionSummary.objects.all()
    if region_id is not None:
        rows = rows.filter(region_id=region_id)
    rows.update(stamp=uuid.uuid4(), updated_at=timezone.now())


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
        cells = _write_dimension_summary(region, rows, progress)
        agencies = _write_agency_summary(region, rows)
        _write_region_summary(region, board_numbers(cells, agencies))


def _write_progress(region: Region, progress: dict[int, Decimal]) -> None:
    ProgrammeProgress.objects.for_region(region).delete()
    ProgrammeProgress.objects.bulk_create(
        [ProgrammeProgress(region=region, programme_id=pk, percent=value) for pk, value in progress.items()]
    )


def _write_dimension_summary(
    region: Region, rows: dict[int, _Row], progress: dict[int, Decimal]
) -> list[DimensionSummary]:
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
    return DimensionSummary.objects.bulk_create(cells.values())


def _write_agency_summary(region: Region, rows: dict[int, _Row]) -> dict[int, AgencyNumbers]:
    today = timezone.localdate()
    led: dict[int, int] = defaultdict(int)
    for row in rows.values():
        led[row.lead_agency_id] += 1
    overdue = _overdue_milestones(region, rows, today)
    unreported = _unreported_periods(region, rows, today)
    agencies = {
        a: (led.get(a, 0), overdue.get(a, 0), unreported.get(a, 0)) for a in set(led) | set(overdue) | set(unreported)
    }
    AgencySummary.objects.for_region(region).delete()
    AgencySummary.objects.bulk_create(
        AgencySummary(region=region, agency_id=a, programmes_led=n[0], overdue_milestones=n[1], unreported_periods=n[2])
        for a, n in agencies.items()
    )
    return agencies


def _write_region_summary(region: Region, numbers: BoardNumbers) -> None:
    """The dashboard's numbers in one row, with a new stamp (in the rebuild's transaction)."""
    RegionSummary.objects.update_or_create(region=region, defaults={"board": numbers.as_json(), "stamp": uuid.uuid4()})


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
