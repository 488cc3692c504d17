"""A region's Smart City programmes and their results: masterplan, programmes with sub-programmes, indicators,
yearly periods with targets and actuals, progress reports, milestones and a published evaluation.

The states follow the services' rules: only running or completed programmes report; an actual comes from an
approved report (and names it); a locked period is an old one; a cancelled parent has cancelled children.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kotacerdas.demo.synthetic import names
from kotacerdas.demo.synthetic import plan as sizes
from kotacerdas.demo.synthetic.bulk import Row, Table
from kotacerdas.demo.synthetic.context import RegionBuild, Run
from kotacerdas.monitoring.models import (
    DEFAULT_WEIGHTS,
    Evaluation,
    EvaluationScore,
    Indicator,
    IndicatorValue,
    Milestone,
    Period,
    ProgressReport,
    ReportValue,
)
from kotacerdas.planning.models import Masterplan, Programme, SupportingAgency

MASTERPLANS = Table(
    Masterplan,
    "id created_at updated_at region title version period_start period_end vision mission legal_basis is_current",
)
PERIODS = Table(Period, "id created_at updated_at region label starts_on ends_on is_locked locked_at")
PROGRAMMES = Table(
    Programme,
    "id created_at updated_at region title description kind parent dimension horizon quick_win_year "
    "lead_agency masterplan status budget funding_source partners beneficiaries weight is_published "
    "origin",
)
PROGRAMME_ELEMENTS = Table(Programme.elements.through, "id programme element")
SUPPORTERS = Table(SupportingAgency, "id created_at updated_at region programme agency role")
INDICATORS = Table(
    Indicator,
    "id created_at updated_at region programme title measure unit direction baseline_value baseline_text "
    "baseline_year order",
)
VALUES = Table(
    IndicatorValue,
    "id created_at updated_at region indicator period target target_text actual actual_text actual_report",
)
REPORTS = Table(
    ProgressReport,
    "id created_at updated_at region programme period agency narrative progress_percent attachment status "
    "review_note submitted_at approved_at approved_by created_by",
)
REPORT_VALUES = Table(ReportValue, "id created_at updated_at region report indicator value text")
MILESTONES = Table(Milestone, "id created_at updated_at region programme title planned_date actual_date")
EVALUATIONS = Table(
    Evaluation,
    "id created_at updated_at region year weight_baseline weight_output weight_outcome weight_impact "
    "weight_quick_win is_published published_at",
)
SCORES = Table(
    EvaluationScore,
    "id created_at updated_at region evaluation eval_dimension smart_dimension self_score evidence "
    "verified_score verified_by verified_at",
)

TOP_STATUSES = [("planned", 20), ("in_implementation", 45), ("completed", 20), ("suspended", 5), ("cancelled", 10)]
CHILD_STATUS = {
    "planned": ["planned"],
    "in_implementation": ["in_implementation", "in_implementation", "completed", "planned"],
    "completed": ["completed"],
    "suspended": ["suspended", "in_implementation"],
    "cancelled": ["cancelled"],
}
REPORTING = {"in_implementation", "completed"}
HORIZONS = ["quick_win", "short", "medium", "long"]
FUNDING = ["apbd", "apbd", "apbd", "apbn", "csr", "other"]


@dataclass
class _Programme:
    id: int
    parent: int | None
    status: str
    lead: int
    created: dt.datetime
    published: bool


@dataclass
class _Period:
    id: int
    year: int
    ends_on: dt.date


def build_programmes(run: Run, region: RegionBuild) -> None:
    """Masterplan, periods, programmes (with elements and supporters), indicators, values, reports, milestones."""
    year = run.now.year
    masterplan = _masterplan(run, region, year)
    periods = _periods(run, region, year)
    programmes = _programmes(run, region, masterplan)
    indicators = _indicators(run, region, programmes)
    reports = _reports(run, region, programmes, periods, indicators)
    _values(run, region, indicators, periods, reports)
    _milestones(run, region, programmes)
    _evaluation(run, region, year - 1)


def _masterplan(run: Run, region: RegionBuild, year: int) -> int:
    pk = run.loader.ids(Masterplan, 1)
    stamp = run.loader.ts(run.ago(760))
    title = f"Rencana Induk Smart City {region.name}"
    row: Row = (pk, stamp, stamp, region.id, title, "1", year - 2, year + 2, "Kota cerdas yang melayani warganya.")
    row += ("Layanan publik yang cepat, terbuka dan terjangkau.", "Peraturan kepala daerah (data sintetis)", True)
    run.loader.insert(MASTERPLANS, [row])
    return pk


def _periods(run: Run, region: RegionBuild, year: int) -> list[_Period]:
    first = run.loader.ids(Period, sizes.PERIOD_YEARS)
    stamp = run.loader.ts(run.ago(760))
    periods: list[_Period] = []
    rows: list[Row] = []
    for i in range(sizes.PERIOD_YEARS):
        y = year - sizes.PERIOD_YEARS + 1 + i
        periods.append(_Period(first + i, y, dt.date(y, 12, 31)))
        locked_at = run.loader.ts(dt.datetime(y + 1, 3, 31)) if i == 0 else None  # the oldest year is closed
        rows.append((first + i, stamp, stamp, region.id, str(y), f"{y}-01-01", f"{y}-12-31", i == 0, locked_at))
    run.loader.insert(PERIODS, rows)
    return periods


def _programmes(run: Run, region: RegionBuild, masterplan: int) -> list[_Programme]:
    rng, loader = run.rng, run.loader
    count = run.plan.programmes
    first = loader.ids(Programme, count)
    rows: list[Row] = []
    built: list[_Programme] = []
    links: list[tuple[int, int]] = []
    supporters: list[tuple[int, int]] = []
    statuses, weights = [s for s, _w in TOP_STATUSES], [w for _s, w in TOP_STATUSES]
    next_id = first
    for _n in range(run.plan.top_programmes):
        dimension, code = rng.choice(run.dimensions)
        status = rng.choices(statuses, weights)[0]
        lead = region.agencies[rng.choice(names.PROGRAMME_LEADS[code])]
        created = run.ago(rng.uniform(400, 700))
        published = status != "planned" and rng.random() < 0.85
        subject = rng.choice(names.PROGRAMME_SUBJECTS[code])
        title = f"{rng.choice(names.PROGRAMME_ACTIONS)} {subject}"
        top = _Programme(next_id, None, status, lead, created, published)
        weighted = rng.random() < 0.5
        rows.append(_programme_row(run, region, top, title, dimension, masterplan, kind="programme", weight=None))
        built.append(top)
        links += [(top.id, e) for e in rng.sample(run.elements[dimension], rng.randint(1, 2))]
        supporters.append((top.id, rng.choice([a for a in region.opd if a != lead])))
        next_id += 1
        for c in range(sizes.CHILDREN_PER_PROGRAMME):
            child_status = rng.choice(CHILD_STATUS[status])
            child = _Programme(next_id, top.id, child_status, lead, created, published)
            child_title = f"{rng.choice(names.ACTIVITY_ACTIONS)} {subject}"
            weight = (60 if c == 0 else 40) if weighted else None
            rows.append(_programme_row(run, region, child, child_title, dimension, masterplan, "sub_programme", weight))
            built.append(child)
            links.append((child.id, run.elements[dimension][0]))
            next_id += 1
    loader.insert(PROGRAMMES, rows)
    _links(run, region, links, supporters)
    return built


def _programme_row(
    run: Run,
    region: RegionBuild,
    p: _Programme,
    title: str,
    dimension: int,
    masterplan: int,
    kind: str,
    weight: int | None,
) -> tuple:
    rng = run.rng
    stamp = run.loader.ts(p.created)
    horizon = rng.choice(HORIZONS)
    quick_win_year = p.created.year if horizon == "quick_win" else None
    budget = rng.randint(5, 2000) * 10_000_000 // (1 if p.parent is None else 3)
    in_plan = masterplan if rng.random() < 0.7 else None
    row: Row = (p.id, stamp, stamp, region.id, title, f"{title} di {region.name} (data sintetis).", kind, p.parent)
    row += (dimension, horizon, quick_win_year, p.lead, in_plan, p.status, budget, rng.choice(FUNDING), "")
    return (*row, "Warga", weight, p.published, None)


def _links(run: Run, region: RegionBuild, links: list[tuple[int, int]], supporters: list[tuple[int, int]]) -> None:
    loader = run.loader
    first = loader.ids(PROGRAMME_ELEMENTS.model, len(links))
    loader.insert(PROGRAMME_ELEMENTS, [(first + i, p, e) for i, (p, e) in enumerate(links)])
    stamp = loader.ts(run.ago(400))
    first = loader.ids(SupportingAgency, len(supporters))
    rows = [(first + i, stamp, stamp, region.id, p, a, "Pendukung") for i, (p, a) in enumerate(supporters)]
    loader.insert(SUPPORTERS, rows)


@dataclass
class _Indicator:
    id: int
    programme: _Programme
    measure: str
    baseline: int


def _indicators(run: Run, region: RegionBuild, programmes: list[_Programme]) -> list[_Indicator]:
    """One indicator per programme, with a baseline the year before the first period."""
    rng, loader = run.rng, run.loader
    first = loader.ids(Indicator, len(programmes))
    rows: list[Row] = []
    built: list[_Indicator] = []
    baseline_year = run.now.year - sizes.PERIOD_YEARS
    for i, programme in enumerate(programmes):
        measure = rng.choice(["unit", "unit", "percentage", "nominal"])
        unit = rng.choice(names.INDICATOR_UNITS[measure])
        baseline = rng.randint(0, 40) if measure != "nominal" else rng.randint(1, 50) * 1_000_000
        title = {"unit": f"Jumlah {unit} terlayani", "percentage": "Persentase capaian layanan"}.get(
            measure, "Nilai transaksi"
        )
        stamp = loader.ts(programme.created)
        rows.append((first + i, stamp, stamp, region.id, programme.id, title, measure, unit, "ascending"))
        rows[-1] += (f"{baseline}.00", "", baseline_year, 0)
        built.append(_Indicator(first + i, programme, measure, baseline))
    loader.insert(INDICATORS, rows)
    return built


def _reports(
    run: Run, region: RegionBuild, programmes: list[_Programme], periods: list[_Period], indicators: list[_Indicator]
) -> dict[tuple[int, int], tuple[int, int]]:
    """Approved (mostly) or submitted reports of running and completed programmes for the ended periods.

    Returns {(programme id, period id): (report id, progress)} for the approved ones.
    """
    rng, loader = run.rng, run.loader
    today = run.now.date()
    due = [
        (p, period)
        for p in programmes
        if p.status in REPORTING
        for period in periods
        if period.ends_on < today and period.ends_on >= p.created.date()
    ]
    chosen = [(p, period, rng.random()) for p, period in due]
    chosen = [(p, period, draw) for p, period, draw in chosen if draw < 0.94]  # 6 % never reported
    first = loader.ids(ProgressReport, len(chosen))
    rows: list[Row] = []
    approved: dict[tuple[int, int], tuple[int, int]] = {}
    for i, (p, period, draw) in enumerate(chosen):
        status = "approved" if draw < 0.88 else "submitted"
        progress = 100 if p.status == "completed" and period.year == periods[-2].year else rng.randint(20, 90)
        submitted = dt.datetime(period.year + 1, 1, rng.randint(5, 25), 3)
        approved_at = submitted + dt.timedelta(days=rng.randint(1, 14)) if status == "approved" else None
        operator = region.operators_by_agency[p.lead]
        stamp = loader.ts(submitted)
        rows.append((first + i, stamp, stamp, region.id, p.id, period.id, p.lead, "Kegiatan berjalan sesuai rencana."))
        rows[-1] += (progress, "", status, "", stamp, loader.ts(approved_at) if approved_at else None)
        rows[-1] += (region.staff["planner"] if approved_at else None, operator)
        if status == "approved":
            approved[(p.id, period.id)] = (first + i, progress)
    loader.insert(REPORTS, rows)
    _report_values(run, region, chosen, first, indicators)
    return approved


def _report_values(
    run: Run, region: RegionBuild, chosen: list, first_report: int, indicators: list[_Indicator]
) -> None:
    by_programme = {i.programme.id: i for i in indicators}
    first = run.loader.ids(ReportValue, len(chosen))
    stamp = run.loader.ts(run.now)
    rows: list[Row] = []
    for n, (p, period, _draw) in enumerate(chosen):
        indicator = by_programme[p.id]
        rows.append(
            (first + n, stamp, stamp, region.id, first_report + n, indicator.id, _actual(indicator, period), "")
        )
    run.loader.insert(REPORT_VALUES, rows)


def _target(indicator: _Indicator, period: _Period) -> str:
    step = max(1, period.year - (indicator.programme.created.year - 1))
    if indicator.measure == "percentage":
        return f"{min(100, indicator.baseline + 15 * step)}.00"
    return f"{indicator.baseline + max(1, indicator.baseline // 5 + 5) * step}.00"


def _actual(indicator: _Indicator, period: _Period) -> str:
    """Deterministic from the target, so the report value and the actual agree."""
    target = int(_target(indicator, period).split(".")[0])
    return f"{target - target // 10 * (indicator.id % 2)}.00"


def _values(
    run: Run,
    region: RegionBuild,
    indicators: list[_Indicator],
    periods: list[_Period],
    reports: dict[tuple[int, int], tuple[int, int]],
) -> None:
    """A target per indicator and period; the actual only where an approved report gives it."""
    loader = run.loader
    first = loader.ids(IndicatorValue, len(indicators) * len(periods))
    rows: list[Row] = []
    n = first
    for indicator in indicators:
        stamp = loader.ts(indicator.programme.created)
        for period in periods:
            report = reports.get((indicator.programme.id, period.id))
            actual = _actual(indicator, period) if report else None
            row: Row = (n, stamp, stamp, region.id, indicator.id, period.id, _target(indicator, period), "", actual, "")
            rows.append((*row, report[0] if report else None))
            n += 1
    loader.insert(VALUES, rows)


def _milestones(run: Run, region: RegionBuild, programmes: list[_Programme]) -> None:
    """One milestone per top-level programme: reached when completed, sometimes overdue when running."""
    rng, loader = run.rng, run.loader
    tops = [p for p in programmes if p.parent is None]
    first = loader.ids(Milestone, len(tops))
    today, rows = run.now.date(), []
    for i, p in enumerate(tops):
        planned = (p.created + dt.timedelta(days=rng.randint(120, 720))).date()
        reached = p.status == "completed" or (p.status == "in_implementation" and rng.random() < 0.5)
        actual = min(planned + dt.timedelta(days=rng.randint(-20, 40)), today) if reached and planned <= today else None
        stamp = loader.ts(p.created)
        title = "Layanan mulai beroperasi"
        rows.append(
            (first + i, stamp, stamp, region.id, p.id, title, planned.isoformat(), actual and actual.isoformat())
        )
    loader.insert(MILESTONES, rows)


def _evaluation(run: Run, region: RegionBuild, year: int) -> None:
    """Last year's published self-assessment: one overall score per evaluation dimension."""
    rng, loader = run.rng, run.loader
    pk = loader.ids(Evaluation, 1)
    published = dt.datetime(year + 1, 3, 1, 2)
    stamp = loader.ts(published)
    weights = tuple(DEFAULT_WEIGHTS[d] for d in ("baseline", "output", "outcome", "impact", "quick_win"))
    loader.insert(EVALUATIONS, [(pk, stamp, stamp, region.id, year, *weights, True, stamp)])
    first = loader.ids(EvaluationScore, len(DEFAULT_WEIGHTS))
    scores = [f"{rng.randint(150, 480) / 100:.2f}" for _dimension in DEFAULT_WEIGHTS]
    rows = [
        (first + i, stamp, stamp, region.id, pk, dimension, None, score, "", None, None, None)
        for i, (dimension, score) in enumerate(zip(DEFAULT_WEIGHTS, scores, strict=True))
    ]
    loader.insert(SCORES, rows)
