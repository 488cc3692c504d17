"""Every write of monitoring: indicators and targets, periods, progress reports, milestones, evaluation."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError, Conflict, NotAllowed
from kotacerdas.framework.models import Dimension
from kotacerdas.monitoring import evidence
from kotacerdas.monitoring.models import (
    DEFAULT_STATUS_PERCENT,
    DEFAULT_WEIGHTS,
    Evaluation,
    EvaluationDimension,
    EvaluationScore,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Period,
    ProgressReport,
    ReportStatus,
    ReportValue,
    StatusPercent,
)
from kotacerdas.monitoring.workflow import REPORT
from kotacerdas.planning.models import Programme, ProgrammeStatus
from kotacerdas.regions.models import Region


class MonitoringError(ApplicationError):
    """A refused monitoring step."""


NOT_PERMITTED = gettext_noop("Your role does not allow this action.")
PERIOD_LOCKED = gettext_noop("This reporting period is locked; it takes no more reports.")
PERIOD_ALREADY_LOCKED = gettext_noop("This reporting period is already locked.")
REPORT_FROZEN = gettext_noop("A submitted or approved report cannot be edited.")
NOT_REPORTABLE = gettext_noop("Reports are made for programmes in implementation or completed.")
VALUE_REQUIRED = gettext_noop("Give a number for %(indicator)s.")
TEXT_REQUIRED = gettext_noop("Describe the result for %(indicator)s.")
PERCENT_RANGE = gettext_noop("A percentage lies between 0 and 100.")
NEGATIVE = gettext_noop("A count or an amount cannot be negative.")
WHOLE_RUPIAH = gettext_noop("Rupiah amounts are whole numbers, without cents.")
INDICATOR_OF_OTHER_PROGRAMME = gettext_noop("This indicator belongs to another programme.")
WEIGHTS_SUM = gettext_noop("The five weights must add up to 100.")
EVALUATION_PUBLISHED = gettext_noop("This evaluation is published and can no longer change.")
SCORE_VERIFIED = gettext_noop("This score has been verified; the self-assessment can no longer change.")
NOT_ALL_VERIFIED = gettext_noop("Every evaluation dimension needs a verified score before publishing.")
DUPLICATE = gettext_noop("This already exists.")
WRONG_REGION = gettext_noop("This belongs to another region.")
DATE_ORDER = gettext_noop("The period must end on or after its start.")


def _require(actor: User, perm: Perm, region: Region, agency: Any = None) -> None:
    if not has_perm(actor, perm, region, agency):
        raise NotAllowed(_(NOT_PERMITTED))


def _require_programme_staff(actor: User, programme: Programme) -> None:
    """Bappeda for any programme, or the programme's lead agency."""
    region = programme.region
    if not (
        has_perm(actor, Perm.INDICATOR_MANAGE, region)
        or has_perm(actor, Perm.PROGRAMME_RUN, region, programme.lead_agency)
    ):
        raise NotAllowed(_(NOT_PERMITTED))


def _validated(obj: Any) -> Any:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise MonitoringError("; ".join(error.messages)) from error
    return obj


# --- indicators, periods, targets ---------------------------------------------------------------


@dataclass
class IndicatorData:
    title: str
    measure: str
    direction: str
    unit: str = ""
    baseline_value: Decimal | None = None
    baseline_text: str = ""
    baseline_year: int | None = None


@transaction.atomic
def indicator_create(*, programme: Programme, data: IndicatorData, actor: User) -> Indicator:
    """Add an indicator to a programme (Bappeda or the lead agency)."""
    _require_programme_staff(actor, programme)
    _check_value(data.measure, data.baseline_value, data.title, allow_empty=True, field="baseline_value")
    order = Indicator.objects.filter(programme=programme).count()
    indicator = _validated(Indicator(region=programme.region, programme=programme, order=order, **vars(data)))
    indicator.save()
    after = {"title": data.title, "measure": data.measure, "baseline": _text(data.baseline_value)}
    audit.record(
        actor=actor, action=AuditAction.INDICATOR_CREATED, target=indicator, region=programme.region, after=after
    )
    return indicator


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _check_value(measure: str, value: Decimal | None, label: str, *, allow_empty: bool, field: str = "value") -> None:
    """A value fits its indicator's measure: a percentage 0–100, no negative count or amount, whole rupiah."""
    if value is None:
        if measure != Measure.QUALITATIVE and not allow_empty:
            raise MonitoringError(_(VALUE_REQUIRED) % {"indicator": label}, field=field)
        return
    if measure == Measure.PERCENTAGE and not (0 <= value <= 100):
        raise MonitoringError(_(PERCENT_RANGE), field=field)
    if measure in (Measure.UNIT, Measure.NOMINAL) and value < 0:
        raise MonitoringError(_(NEGATIVE), field=field)
    if measure == Measure.NOMINAL and value != value.to_integral_value():
        raise MonitoringError(_(WHOLE_RUPIAH), field=field)


@transaction.atomic
def period_create(*, region: Region, label: str, starts_on: dt.date, ends_on: dt.date, actor: User) -> Period:
    _require(actor, Perm.PERIOD_MANAGE, region)
    if ends_on < starts_on:
        raise MonitoringError(_(DATE_ORDER), field="ends_on")
    if Period.objects.for_region(region).filter(label=label).exists():
        raise MonitoringError(_(DUPLICATE), field="label")
    period = _validated(Period(region=region, label=label, starts_on=starts_on, ends_on=ends_on))
    period.save()
    after = {"label": label, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}
    audit.record(actor=actor, action=AuditAction.PERIOD_CREATED, target=period, region=region, after=after)
    return period


@transaction.atomic
def period_lock(*, period: Period, actor: User) -> Period:
    """Close a period for reporting; nothing is reported into it any more."""
    _require(actor, Perm.PERIOD_MANAGE, period.region)
    now = timezone.now()
    if Period.objects.filter(pk=period.pk, is_locked=False).update(is_locked=True, locked_at=now) != 1:
        raise Conflict(_(PERIOD_ALREADY_LOCKED))
    period.is_locked, period.locked_at = True, now
    audit.record(
        actor=actor,
        action=AuditAction.PERIOD_LOCKED,
        target=period,
        region=period.region,
        before={"is_locked": False},
        after={"is_locked": True},
    )
    return period


@transaction.atomic
def target_set(
    *, indicator: Indicator, period: Period, target: Decimal | None, target_text: str = "", actor: User
) -> IndicatorValue:
    """Set an indicator's target for a period (the actual stays: only approved reports set it)."""
    _require_programme_staff(actor, indicator.programme)
    if period.region_id != indicator.region_id:
        raise MonitoringError(_(WRONG_REGION), field="period")
    _check_value(indicator.measure, target, indicator.title, allow_empty=indicator.is_qualitative, field="target")
    value, _created = IndicatorValue.objects.select_for_update().get_or_create(
        indicator=indicator, period=period, defaults={"region": indicator.region}
    )
    before = {"target": _text(value.target), "target_text": value.target_text}
    value.target, value.target_text = target, target_text.strip()
    _validated(value).save()
    audit.record(
        actor=actor,
        action=AuditAction.TARGET_SET,
        target=value,
        region=indicator.region,
        before=before,
        after={"target": _text(target), "target_text": value.target_text},
    )
    return value


# --- progress reports ---------------------------------------------------------------------------


@dataclass
class ReportData:
    narrative: str
    progress_percent: int | None
    values: dict[int, tuple[Decimal | None, str]]  # indicator id -> (number, text)
    attachment: UploadedFile | None = None


def _check_reportable(programme: Programme, period: Period) -> None:
    if period.region_id != programme.region_id:
        raise MonitoringError(_(WRONG_REGION), field="period")
    if period.is_locked:
        raise MonitoringError(_(PERIOD_LOCKED), field="period")
    if programme.status not in (ProgrammeStatus.IN_IMPLEMENTATION, ProgrammeStatus.COMPLETED):
        raise MonitoringError(_(NOT_REPORTABLE))


def _check_report_values(programme: Programme, values: dict[int, tuple[Decimal | None, str]]) -> list[Indicator]:
    indicators = {i.pk: i for i in Indicator.objects.filter(programme=programme)}
    if any(pk not in indicators for pk in values):
        raise MonitoringError(_(INDICATOR_OF_OTHER_PROGRAMME))
    for pk, (number, text) in values.items():
        indicator = indicators[pk]
        if indicator.is_qualitative and number is None and not text.strip():
            raise MonitoringError(_(TEXT_REQUIRED) % {"indicator": indicator.title}, field=f"ind_{pk}")
        _check_value(
            indicator.measure, number, indicator.title, allow_empty=indicator.is_qualitative, field=f"ind_{pk}"
        )
    return list(indicators.values())


@transaction.atomic
def report_save(*, programme: Programme, period: Period, data: ReportData, actor: User) -> ProgressReport:
    """Create or edit the lead agency's report for a programme and period (while draft or returned)."""
    _require(actor, Perm.PROGRAMME_RUN, programme.region, programme.lead_agency)
    _check_reportable(programme, period)
    _check_report_values(programme, data.values)
    report = ProgressReport.objects.select_for_update().filter(programme=programme, period=period).first()
    if report is not None and report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise MonitoringError(_(REPORT_FROZEN))
    if report is None:
        report = ProgressReport(
            region=programme.region, programme=programme, period=period, agency=programme.lead_agency, created_by=actor
        )
    report.narrative, report.progress_percent = data.narrative.strip(), data.progress_percent
    replaced = _attach(report, data.attachment)
    _validated(report).save()
    _save_values(report, data.values)
    if replaced:
        storage = report.attachment.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    after = {"period": period.label, "progress_percent": data.progress_percent, "values": _printable(data.values)}
    audit.record(actor=actor, action=AuditAction.REPORT_SAVED, target=report, region=programme.region, after=after)
    return report


def _attach(report: ProgressReport, upload: UploadedFile | None) -> str:
    """Put a checked photo or PDF on the report under an unguessable name; the name of the file it replaces."""
    if upload is None:
        return ""
    try:
        kind = evidence.inspect(upload, name=upload.name or "", size=upload.size or 0)
    except evidence.NotEvidence as refusal:
        raise MonitoringError(_(refusal.message), field="attachment") from refusal
    replaced = report.attachment.name or ""
    upload.name = f"{uuid.uuid4().hex}.{kind.extension}"
    report.attachment = upload
    return replaced


def _save_values(report: ProgressReport, values: dict[int, tuple[Decimal | None, str]]) -> None:
    ReportValue.objects.filter(report=report).delete()
    ReportValue.objects.bulk_create(
        ReportValue(region=report.region, report=report, indicator_id=pk, value=number, text=text.strip())
        for pk, (number, text) in values.items()
    )


def _printable(values: dict[int, tuple[Decimal | None, str]]) -> dict[str, Any]:
    return {str(pk): (_text(number) if number is not None else text) for pk, (number, text) in values.items()}


@transaction.atomic
def report_submit(*, report: ProgressReport, actor: User) -> ProgressReport:
    REPORT.check_permission(obj=report, action="submit", actor=actor)
    if Period.objects.filter(pk=report.period_id, is_locked=True).exists():
        raise MonitoringError(_(PERIOD_LOCKED))
    return REPORT.apply(obj=report, action="submit", actor=actor, changes={"submitted_at": timezone.now()})


@transaction.atomic
def report_return(*, report: ProgressReport, reason: str, actor: User) -> ProgressReport:
    return REPORT.apply(obj=report, action="return", actor=actor, note=reason, changes={"review_note": reason})


@transaction.atomic
def report_approve(*, report: ProgressReport, actor: User) -> ProgressReport:
    """Approve the report: its values become the period's actuals (only approval changes an actual)."""
    REPORT.check_permission(obj=report, action="approve", actor=actor)
    period = Period.objects.select_for_update().get(pk=report.period_id)
    if period.is_locked:
        raise MonitoringError(_(PERIOD_LOCKED))
    REPORT.apply(
        obj=report, action="approve", actor=actor, changes={"approved_at": timezone.now(), "approved_by": actor}
    )
    for value in report.values.select_related("indicator"):
        actual, _created = IndicatorValue.objects.get_or_create(
            indicator=value.indicator, period=period, defaults={"region": report.region}
        )
        actual.actual, actual.actual_text, actual.actual_report = value.value, value.text, report
        actual.save(update_fields=["actual", "actual_text", "actual_report", "updated_at"])
    return report


# --- milestones and the status catalogue --------------------------------------------------------


@transaction.atomic
def milestone_create(*, programme: Programme, title: str, planned_date: dt.date, actor: User) -> Milestone:
    _require_programme_staff(actor, programme)
    milestone = _validated(
        Milestone(region=programme.region, programme=programme, title=title, planned_date=planned_date)
    )
    milestone.save()
    audit.record(
        actor=actor,
        action=AuditAction.MILESTONE_CREATED,
        target=milestone,
        region=programme.region,
        after={"title": title, "planned_date": planned_date.isoformat()},
    )
    return milestone


@transaction.atomic
def milestone_reach(*, milestone: Milestone, actual_date: dt.date, actor: User) -> Milestone:
    _require_programme_staff(actor, milestone.programme)
    before = {"actual_date": milestone.actual_date.isoformat() if milestone.actual_date else None}
    Milestone.objects.filter(pk=milestone.pk).update(actual_date=actual_date, updated_at=timezone.now())
    milestone.actual_date = actual_date
    audit.record(
        actor=actor,
        action=AuditAction.MILESTONE_REACHED,
        target=milestone,
        region=milestone.region,
        before=before,
        after={"actual_date": actual_date.isoformat()},
    )
    return milestone


@transaction.atomic
def status_percent_set(*, region: Region, status: str, percent: int, actor: User) -> StatusPercent:
    _require(actor, Perm.INDICATOR_MANAGE, region)
    if status not in ProgrammeStatus.values or not 0 <= percent <= 100:
        raise MonitoringError(_(PERCENT_RANGE), field="percent")
    row = StatusPercent.objects.select_for_update().filter(region=region, status=status).first()
    before = {"percent": row.percent if row else DEFAULT_STATUS_PERCENT.get(status)}
    if row is None:
        row = StatusPercent.objects.create(region=region, status=status, percent=percent)
    else:
        row.percent = percent
        row.save(update_fields=["percent", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.STATUS_PERCENT_SET,
        target=row,
        region=region,
        before=before,
        after={"percent": percent},
    )
    return row


# --- evaluation ---------------------------------------------------------------------------------


@transaction.atomic
def evaluation_open(*, region: Region, year: int, actor: User, weights: dict[str, int] | None = None) -> Evaluation:
    """Open the year's evaluation with its weights (default 10/20/30/30/10)."""
    _require(actor, Perm.EVALUATION_ENTER, region)
    weights = weights or dict(DEFAULT_WEIGHTS)
    if set(weights) != set(EvaluationDimension.values) or sum(weights.values()) != 100 or min(weights.values()) < 0:
        raise MonitoringError(_(WEIGHTS_SUM), field="weights")
    if Evaluation.objects.for_region(region).filter(year=year).exists():
        raise MonitoringError(_(DUPLICATE), field="year")
    evaluation = _validated(Evaluation(region=region, year=year, **{f"weight_{k}": v for k, v in weights.items()}))
    evaluation.save()
    audit.record(
        actor=actor,
        action=AuditAction.EVALUATION_OPENED,
        target=evaluation,
        region=region,
        after={"year": year, **weights},
    )
    return evaluation


def _check_open(evaluation: Evaluation) -> None:
    if Evaluation.objects.filter(pk=evaluation.pk, is_published=True).exists():
        raise Conflict(_(EVALUATION_PUBLISHED))


@transaction.atomic
def score_enter(
    *,
    evaluation: Evaluation,
    eval_dimension: str,
    smart_dimension: Dimension | None,
    score: Decimal,
    evidence: str,
    actor: User,
) -> EvaluationScore:
    """Enter or change a self-assessment score (0–5) with its evidence."""
    _require(actor, Perm.EVALUATION_ENTER, evaluation.region)
    _check_open(evaluation)
    row = (
        EvaluationScore.objects.select_for_update()
        .filter(evaluation=evaluation, eval_dimension=eval_dimension, smart_dimension=smart_dimension)
        .first()
    )
    if row is not None and row.verified_score is not None:
        raise Conflict(_(SCORE_VERIFIED))
    before = {"self_score": _text(row.self_score)} if row else None
    row = row or EvaluationScore(
        region=evaluation.region, evaluation=evaluation, eval_dimension=eval_dimension, smart_dimension=smart_dimension
    )
    row.self_score, row.evidence = score, evidence.strip()
    _validated(row).save()
    after = {
        "eval_dimension": eval_dimension,
        "smart_dimension": getattr(smart_dimension, "code", None),
        "self_score": str(score),
    }
    audit.record(
        actor=actor, action=AuditAction.SCORE_ENTERED, target=row, region=evaluation.region, before=before, after=after
    )
    return row


@transaction.atomic
def score_verify(*, score: EvaluationScore, verified_score: Decimal, actor: User) -> EvaluationScore:
    """An assessor's verified score for a self-assessed line."""
    _require(actor, Perm.EVALUATION_VERIFY, score.region)
    _check_open(score.evaluation)
    before = {"verified_score": _text(score.verified_score)}
    score.verified_score, score.verified_by, score.verified_at = verified_score, actor, timezone.now()
    _validated(score).save()
    audit.record(
        actor=actor,
        action=AuditAction.SCORE_VERIFIED,
        target=score,
        region=score.region,
        before=before,
        after={"verified_score": str(verified_score)},
    )
    return score


@transaction.atomic
def evaluation_publish(*, evaluation: Evaluation, actor: User) -> Evaluation:
    """Publish the year's result once every evaluation dimension has a verified overall score."""
    _require(actor, Perm.EVALUATION_ENTER, evaluation.region)
    verified = set(
        evaluation.scores.filter(smart_dimension__isnull=True, verified_score__isnull=False).values_list(
            "eval_dimension", flat=True
        )
    )
    if verified != set(EvaluationDimension.values):
        raise MonitoringError(_(NOT_ALL_VERIFIED))
    now = timezone.now()
    if Evaluation.objects.filter(pk=evaluation.pk, is_published=False).update(is_published=True, published_at=now) != 1:
        raise Conflict(_(EVALUATION_PUBLISHED))
    evaluation.is_published, evaluation.published_at = True, now
    audit.record(actor=actor, action=AuditAction.EVALUATION_PUBLISHED, target=evaluation, region=evaluation.region)
    return evaluation
