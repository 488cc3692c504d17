"""Reads of monitoring: the dashboard (from summary tables), a programme's results, the evaluation index."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from kotacerdas.agencies.models import Agency
from kotacerdas.core.charts import BarChart, LineChart, line_chart, stacked_bars
from kotacerdas.core.stamps import read_json, read_stamp
from kotacerdas.framework.models import Dimension
from kotacerdas.framework.selectors import CoverageGaps, coverage_gaps
from kotacerdas.jimpitan.selectors import CityRollup, city_rollup
from kotacerdas.monitoring.models import (
    DimensionSummary,
    Evaluation,
    EvaluationDimension,
    EvaluationScore,
    Indicator,
    IndicatorValue,
    Milestone,
    Period,
    ProgrammeProgress,
    ProgressReport,
    RegionSummary,
    ReportStatus,
)
from kotacerdas.monitoring.summaries import AgencyNumbers, BoardNumbers, DimensionNumbers
from kotacerdas.planning.models import Programme, ProgrammeStatus
from kotacerdas.regions.models import Region

TWO_PLACES = Decimal("0.01")
RUNNING = {ProgrammeStatus.IN_IMPLEMENTATION, ProgrammeStatus.COMPLETED}
CHART_WIDTH = 300
EVALUATION_ORDER = list(EvaluationDimension.values)


@dataclass(kw_only=True)
class DimensionRow(DimensionNumbers):
    """A smart dimension with its numbers (programmes per status, average progress, masterplan programmes running)."""

    dimension: Dimension

    @classmethod
    def of(cls, dimension: Dimension, numbers: DimensionNumbers | None) -> DimensionRow:
        n = numbers or DimensionNumbers()
        return cls(
            dimension=dimension,
            by_status=n.by_status,
            total=n.total,
            progress_sum=n.progress_sum,
            masterplan_total=n.masterplan_total,
            masterplan_running=n.masterplan_running,
        )


@dataclass(frozen=True)
class AgencyRow:
    agency: Agency
    programmes_led: int
    overdue_milestones: int
    unreported_periods: int


@dataclass
class Dashboard:
    rows: list[DimensionRow]
    agencies: list[AgencyRow]
    status_chart: BarChart
    progress_chart: BarChart
    evaluations: list[EvaluationResult]
    index_chart: LineChart | None
    statuses: list[tuple[str, Any]]
    gaps: CoverageGaps
    jimpitan: CityRollup


def dimension_rows(
    *, region: Region, published_only: bool = False, dimensions: list[Dimension] | None = None
) -> list[DimensionRow]:
    """Per smart dimension: programmes per status, average progress, masterplan programmes running (n of m)."""
    numbers: dict[int, DimensionNumbers] = defaultdict(DimensionNumbers)
    for cell in DimensionSummary.objects.for_region(region):
        numbers[cell.dimension_id].add(
            status=cell.status,
            programmes=cell.published if published_only else cell.programmes,
            progress_sum=cell.published_progress_sum if published_only else cell.progress_sum,
            in_masterplan=cell.in_masterplan,
        )
    return [DimensionRow.of(d, numbers.get(d.pk)) for d in _dimensions(dimensions)]


def _dimensions(dimensions: list[Dimension] | None) -> list[Dimension]:
    return list(Dimension.objects.all()) if dimensions is None else dimensions


def board_stamp(*, region: Region) -> str | None:
    """The stamp of the region's summaries: it changes whenever what the dashboard shows may have (one small query).

    Read at every view of the dashboard, so with one plain statement (core.stamps: no queryset to compile).
    """
    return read_stamp(RegionSummary, "SELECT stamp FROM {table} WHERE region_id = %s", [region.pk])


def board_numbers(*, region: Region) -> BoardNumbers:
    """The dashboard's numbers as the last rebuild left them in the region's summary row (none before the first).

    One plain statement, like the stamp: through the ORM, compiling the one-row query took ~0.7 ms of CPU, ten
    times the read itself.
    """
    board = read_json(RegionSummary, "board", "SELECT board FROM {table} WHERE region_id = %s", [region.pk])
    return BoardNumbers.from_json(board or {})


def dashboard(*, region: Region, month: dt.date) -> Dashboard:
    """Everything the dashboard shows alike to all its viewers: summary row, names, gaps, evaluations, the jimpitan.

    `month` (its first day) is the month whose jimpitan collections are counted.
    """
    numbers = board_numbers(region=region)
    dimensions = list(Dimension.objects.all())
    rows = [DimensionRow.of(d, numbers.dimensions.get(d.pk)) for d in dimensions]
    evaluations = evaluation_history(region=region, dimensions=dimensions)
    return Dashboard(
        rows=rows,
        agencies=_agency_rows(region, numbers.agencies),
        status_chart=_status_chart(rows),
        progress_chart=_progress_chart(rows),
        evaluations=evaluations,
        index_chart=_index_chart(evaluations),
        statuses=list(ProgrammeStatus.choices),
        gaps=coverage_gaps(region=region),
        jimpitan=city_rollup(region=region, latest=month, months=1),
    )


def _agency_rows(region: Region, numbers: dict[int, AgencyNumbers]) -> list[AgencyRow]:
    """Most overdue milestones first, then most unreported periods, then by name."""
    agencies = Agency.objects.for_region(region).filter(pk__in=list(numbers))
    rows = [AgencyRow(a, *numbers[a.pk]) for a in agencies]
    return sorted(rows, key=lambda r: (-r.overdue_milestones, -r.unreported_periods, r.agency.name))


def _status_chart(rows: list[DimensionRow]) -> BarChart:
    labels = [str(label) for _value, label in ProgrammeStatus.choices]
    # 300 units wide: on a 360 px phone the chart is drawn slightly larger than 1:1, so its 10-unit labels stay legible.
    return stacked_bars([(r.dimension.label, [float(c) for c in r.counts]) for r in rows], labels, width=CHART_WIDTH)


def _progress_chart(rows: list[DimensionRow]) -> BarChart:
    return stacked_bars([(r.dimension.label, [float(r.progress)]) for r in rows], ["%"], maximum=100, width=CHART_WIDTH)


def _index_chart(evaluations: list[EvaluationResult]) -> LineChart | None:
    if not evaluations:
        return None
    points: list[tuple[str, float | Decimal]] = [
        (str(e.evaluation.year), e.index) for e in evaluations if e.index is not None
    ]
    return line_chart(points, width=CHART_WIDTH)


# --- evaluation ---------------------------------------------------------------------------------


@dataclass
class EvaluationResult:
    """The index of one year (two decimals, 0–5): from verified scores where given, else self-assessed."""

    evaluation: Evaluation
    scores: list[EvaluationScore]
    index: Decimal | None
    self_index: Decimal | None
    by_smart_dimension: list[tuple[Dimension, Decimal | None]]


def _weighted(evaluation: Evaluation, score_of: dict[str, Decimal]) -> Decimal | None:
    weights = evaluation.weights()
    if not score_of or any(d not in score_of for d in weights if weights[d]):
        return None
    total = sum((Decimal(weights[d]) * score_of[d] for d in weights if weights[d]), Decimal(0)) / Decimal(100)
    return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def evaluation_result(
    *, evaluation: Evaluation, scores: list[EvaluationScore], dimensions: list[Dimension]
) -> EvaluationResult:
    overall = [s for s in scores if s.smart_dimension_id is None]
    best = {s.eval_dimension: s.verified_score if s.verified_score is not None else s.self_score for s in overall}
    self_only = {s.eval_dimension: s.self_score for s in overall}
    per_smart: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for s in scores:
        if s.smart_dimension_id is not None:
            per_smart[s.smart_dimension_id][s.eval_dimension] = (
                s.verified_score if s.verified_score is not None else s.self_score
            )
    by_smart = [(d, _weighted(evaluation, per_smart.get(d.pk, {}))) for d in dimensions]
    return EvaluationResult(evaluation, scores, _weighted(evaluation, best), _weighted(evaluation, self_only), by_smart)


def evaluation_history(
    *, region: Region, published_only: bool = False, dimensions: list[Dimension] | None = None
) -> list[EvaluationResult]:
    """Every year's result, oldest first, for the year-on-year comparison (`dimensions`: when already read)."""
    evaluations = Evaluation.objects.for_region(region).order_by("year")
    if published_only:
        evaluations = evaluations.filter(is_published=True)
    scores = EvaluationScore.objects.filter(evaluation__in=evaluations).select_related("smart_dimension")
    with_scores = evaluations.prefetch_related(Prefetch("scores", queryset=scores, to_attr="all_scores"))
    dimensions = _dimensions(dimensions)
    return [evaluation_result(evaluation=e, scores=e.all_scores, dimensions=dimensions) for e in with_scores]


def get_evaluation(*, region: Region, pk: int) -> Evaluation:
    evaluation = Evaluation.objects.for_region(region).filter(pk=pk).first()
    if evaluation is None:
        raise Http404
    evaluation.region = region
    return evaluation


def evaluation_detail(*, evaluation: Evaluation) -> EvaluationResult:
    scores = sorted(
        evaluation.scores.select_related("smart_dimension", "verified_by"),
        key=lambda s: (EVALUATION_ORDER.index(s.eval_dimension), s.smart_dimension.order if s.smart_dimension else -1),
    )
    return evaluation_result(evaluation=evaluation, scores=scores, dimensions=list(Dimension.objects.all()))


def running_programmes(*, region: Region, dimension: Dimension) -> tuple[int, int]:
    """n of m: masterplan programmes of this dimension in implementation or completed, of all not cancelled."""
    row = next(r for r in dimension_rows(region=region) if r.dimension.pk == dimension.pk)
    return row.masterplan_running, row.masterplan_total


# --- a programme's results ----------------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    cells: list[IndicatorValue | None]  # one per period of Results.periods, None where nothing was set
    filled: list[tuple[Period, IndicatorValue]] = field(default_factory=list)  # the periods with a target or actual


@dataclass
class Results:
    programme: Programme
    periods: list[Period]
    indicators: list[IndicatorRow]
    milestones: list[Milestone]
    reports: list[ProgressReport]
    progress: Decimal | None


def programme_results(*, programme: Programme, published_only: bool = False) -> Results:
    """Indicators × periods (target and actual), milestones, reports and rolled-up progress."""
    region = programme.region
    periods = list(Period.objects.for_region(region))
    indicators = list(Indicator.objects.filter(programme=programme))
    by_pk = {i.pk: i for i in indicators}
    values = {(v.indicator_id, v.period_id): v for v in IndicatorValue.objects.filter(indicator__in=indicators)}
    for value in values.values():
        value.indicator = by_pk[value.indicator_id]  # for target_met, without a query per cell
    rows = [IndicatorRow(i, [values.get((i.pk, p.pk)) for p in periods]) for i in indicators]
    for row in rows:
        row.filled = [(p, cell) for p, cell in zip(periods, row.cells, strict=True) if cell is not None]
    reports: list[ProgressReport] = []
    if not published_only:
        reports = list(ProgressReport.objects.filter(programme=programme).select_related("period"))
    progress = ProgrammeProgress.objects.filter(programme=programme).values_list("percent", flat=True).first()
    milestones = list(Milestone.objects.filter(programme=programme))
    return Results(programme, periods, rows, milestones, reports, progress)


def get_report(*, region: Region, pk: int) -> ProgressReport:
    report = (
        ProgressReport.objects.for_region(region)
        .select_related("programme__lead_agency", "period", "agency", "approved_by", "created_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    report.region = report.programme.region = region
    return report


def published_programmes(*, region: Region, dimension: str = "") -> QuerySet[Programme]:
    """The public list: published top-level programmes with their lead agency and progress."""
    programmes = (
        Programme.objects.for_region(region)
        .published()
        .top_level()
        .exclude(status=ProgrammeStatus.CANCELLED)
        .select_related("lead_agency", "dimension", "progress")
    )
    if dimension:
        programmes = programmes.filter(dimension__code=dimension)
    return programmes.order_by("dimension__order", "title")


def agencies_lookup(*, region: Region) -> dict[int, Agency]:
    return {a.pk: a for a in Agency.objects.for_region(region)}


# --- reminders ----------------------------------------------------------------------------------


@dataclass
class Overdue:
    """An ended, unlocked period and one agency's running programmes without a submitted or approved report."""

    period: Period
    agency: Agency
    programmes: list[Programme]


def overdue_reports(*, region: Region, today: dt.date) -> list[Overdue]:
    """Per ended period and lead agency: the programmes that existed before it ended and have not reported.

    The same rule as the dashboard's "unreported periods" (summaries._unreported_periods), but as rows to remind
    someone of; locked periods are left out (nobody can report into them any more).
    """
    periods = list(Period.objects.for_region(region).filter(ends_on__lt=today, is_locked=False))
    if not periods:
        return []
    reported = set(
        ProgressReport.objects.for_region(region)
        .filter(period__in=periods, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED])
        .values_list("programme_id", "period_id")
    )
    programmes = list(
        Programme.objects.for_region(region).filter(status__in=RUNNING).select_related("lead_agency").order_by("title")
    )
    due: dict[tuple[int, int], Overdue] = {}
    for period in periods:
        for p in programmes:
            if timezone.localdate(p.created_at) <= period.ends_on and (p.pk, period.pk) not in reported:
                key = (period.pk, p.lead_agency_id)
                due.setdefault(key, Overdue(period, p.lead_agency, [])).programmes.append(p)
    return list(due.values())


def reports_awaiting_approval(*, region: Region) -> list[ProgressReport]:
    """Submitted reports, longest waiting first."""
    return list(
        ProgressReport.objects.for_region(region)
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("programme", "period", "agency")
        .order_by("submitted_at", "pk")
    )
