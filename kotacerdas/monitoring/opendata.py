"""The region's public tables as open data: CSV and JSON with stable column names, published rows only.

Column names are a contract with whoever downloads the files (and with the CKAN portal the tables are
pushed to): English snake_case, never translated, never renamed; new columns go at the end. Codes
(`status`, `measure`, `dimension_code`) are the stored values, not the translated labels. Nothing
unpublished and no personal data: no names of officers, no report narratives, no evidence.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.monitoring import selectors
from kotacerdas.monitoring.models import Indicator, IndicatorValue, Milestone
from kotacerdas.planning.models import Programme
from kotacerdas.regions.models import Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Dataset:
    name: str
    title: StrOrPromise
    description: StrOrPromise
    columns: tuple[str, ...]
    rows: Callable[[Region], Iterable[Row]]


def _programme_rows(region: Region) -> Iterable[Row]:
    programmes = (
        Programme.objects.for_region(region)
        .published()
        .select_related("dimension", "lead_agency", "progress")
        .order_by("dimension__order", F("parent_id").asc(nulls_first=True), "title", "pk")  # NULLs first on every DB
    )
    for p in programmes:
        progress = p.progress.percent if hasattr(p, "progress") else None
        yield (
            p.pk,
            p.parent_id,
            p.title,
            p.kind,
            p.dimension.code,
            p.dimension.name,
            p.lead_agency.name,
            p.status,
            progress,
        )


def _dimension_rows(region: Region) -> Iterable[Row]:
    for row in selectors.dimension_rows(region=region, published_only=True):
        yield (row.dimension.code, row.dimension.name, row.total, row.progress)


def _indicator_rows(region: Region) -> Iterable[Row]:
    """One row per indicator and period with a target or an actual; an indicator without any gets one empty row."""
    indicators = list(
        Indicator.objects.for_region(region).filter(programme__is_published=True).order_by("programme_id", "order")
    )
    values = (
        IndicatorValue.objects.for_region(region)
        .filter(indicator__programme__is_published=True)
        .select_related("period")
        .order_by("period__starts_on")
    )
    by_indicator: dict[int, list[IndicatorValue]] = {}
    for value in values:
        by_indicator.setdefault(value.indicator_id, []).append(value)
    for i in indicators:
        head = (i.programme_id, i.pk, i.title, i.measure, i.unit, i.direction, *_baseline(i))
        if i.pk not in by_indicator:
            yield (*head, None, None, None, None, "", None, "")
        for v in by_indicator.get(i.pk, []):
            period = v.period
            yield (
                *head,
                period.label,
                period.starts_on,
                period.ends_on,
                v.target,
                v.target_text,
                v.actual,
                v.actual_text,
            )


def _baseline(indicator: Indicator) -> Row:
    return (indicator.baseline_value, indicator.baseline_text, indicator.baseline_year)


def _milestone_rows(region: Region) -> Iterable[Row]:
    milestones = (
        Milestone.objects.for_region(region)
        .filter(programme__is_published=True)
        .order_by("programme_id", "planned_date", "pk")
    )
    for m in milestones:
        yield (m.programme_id, m.pk, m.title, m.planned_date, m.actual_date)


def _evaluation_rows(region: Region) -> Iterable[Row]:
    """Published years only: the overall index, then the index of each smart dimension."""
    for result in selectors.evaluation_history(region=region, published_only=True):
        year = result.evaluation.year
        yield (year, "overall", result.index)
        for dimension, index in result.by_smart_dimension:
            yield (year, dimension.code, index)


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "programmes",
            _("Programmes"),
            _(
                "Every published programme, sub-programme and activity with its dimension, lead agency, status "
                "and progress."
            ),
            (
                "programme_id",
                "parent_id",
                "title",
                "kind",
                "dimension_code",
                "dimension",
                "lead_agency",
                "status",
                "progress_percent",
            ),
            _programme_rows,
        ),
        Dataset(
            "dimensions",
            _("Progress per dimension"),
            _(
                "Per smart dimension: published top-level programmes (cancelled ones left out) and their average "
                "progress."
            ),
            ("dimension_code", "dimension", "programmes", "average_progress_percent"),
            _dimension_rows,
        ),
        Dataset(
            "indicators",
            _("Indicators, targets and actuals"),
            _(
                "The indicators of published programmes with their baseline and, per reporting period, the target "
                "and the approved actual."
            ),
            (
                "programme_id",
                "indicator_id",
                "indicator",
                "measure",
                "unit",
                "direction",
                "baseline_value",
                "baseline_text",
                "baseline_year",
                "period",
                "period_start",
                "period_end",
                "target",
                "target_text",
                "actual",
                "actual_text",
            ),
            _indicator_rows,
        ),
        Dataset(
            "milestones",
            _("Milestones"),
            _("The milestones of published programmes with their planned date and the date they were reached."),
            ("programme_id", "milestone_id", "milestone", "planned_date", "actual_date"),
            _milestone_rows,
        ),
        Dataset(
            "evaluations",
            _("Smart City evaluation"),
            _("The published yearly evaluation index (0–5, two decimals), overall and per smart dimension."),
            ("year", "scope", "index"),
            _evaluation_rows,
        ),
    )
}


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _json_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def as_csv(dataset: Dataset, region: Region) -> str:
    """The table as CSV (UTF-8, comma, a header row of the stable column names)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(dataset.columns)
    writer.writerows(tuple(_csv_cell(v) for v in row) for row in dataset.rows(region))
    return out.getvalue()


def as_json(dataset: Dataset, region: Region) -> str:
    """The table as JSON: what it is, its columns, and one object per row keyed by column name."""
    document = {
        "dataset": dataset.name,
        "region": region.slug,
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        "columns": list(dataset.columns),
        "records": [dict(zip(dataset.columns, map(_json_cell, row), strict=True)) for row in dataset.rows(region)],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)
