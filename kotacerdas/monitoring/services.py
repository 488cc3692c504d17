"""Every write of monitoring: indicators and targets, periods, progress reports, milestones, evaluation."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from kotacerdas.accounts.models import Membership, User
from kotacerdas.accounts.roles import ROLE_PERMS, Perm
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError, Conflict, NotAllowed
from kotacerdas.framework.models import Dimension
from kotacerdas.monitoring import ckan, evidence, opendata, selectors
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
    OpenDataPortal,
    Period,
    ProgressReport,
    Reminder,
    ReminderKind,
    ReportStatus,
    ReportValue,
    StatusPercent,
)
from kotacerdas.monitoring.workflow import REPORT
from kotacerdas.planning.models import Programme, ProgrammeStatus
from kotacerdas.regions.models import Region

# Diskominfo, the region's data steward (walidata), publishes open data.
PUBLISH_OPEN_DATA = Perm.OPEN_DATA_PUBLISH
CKAN_NAME = re.compile(r"[a-z0-9_-]{2,100}")  # CKAN's rule for package and organisation names


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
SMART_UNVERIFIED = gettext_noop(
    "Some scores per smart dimension still wait for the assessor; the public sees only verified results."
)
DUPLICATE = gettext_noop("This already exists.")
WRONG_REGION = gettext_noop("This belongs to another region.")
DATE_ORDER = gettext_noop("The period must end on or after its start.")
PORTAL_URL = gettext_noop("Give the portal's address starting with https:// (or http://).")
CKAN_NAME_RULE = gettext_noop("Use 2 to 100 lowercase letters, digits, - or _ (as the portal shows it).")
TOKEN_REQUIRED = gettext_noop("Give the API token the portal issued for Kota Cerdas.")
NO_PORTAL = gettext_noop("No open data portal is set up for this region yet.")
TOKEN_UNREADABLE = gettext_noop("The stored API token can no longer be read (the server's key changed); save it again.")


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
    if evaluation.scores.filter(verified_score__isnull=True).exists():
        raise MonitoringError(_(SMART_UNVERIFIED))
    now = timezone.now()
    if Evaluation.objects.filter(pk=evaluation.pk, is_published=False).update(is_published=True, published_at=now) != 1:
        raise Conflict(_(EVALUATION_PUBLISHED))
    evaluation.is_published, evaluation.published_at = True, now
    audit.record(actor=actor, action=AuditAction.EVALUATION_PUBLISHED, target=evaluation, region=evaluation.region)
    return evaluation


# --- reminders ----------------------------------------------------------------------------------


def reminders_send(*, region: Region, today: dt.date) -> int:
    """Send the region's due reminders, each once; the number sent.

    1. Each lead agency, once per ended period in which its running programmes have no submitted report.
    2. Bappeda, once a day while reports wait for approval (one digest).
    Messages are written in the region's working language (Indonesian) whoever triggers them.
    """
    with translation.override(settings.LANGUAGE_CODE):
        sent = sum(_remind_agency(region, overdue) for overdue in selectors.overdue_reports(region=region, today=today))
        waiting = selectors.reports_awaiting_approval(region=region)
        if waiting:
            sent += _remind_bappeda(region, waiting, today)
    return sent


def _remind_agency(region: Region, overdue: selectors.Overdue) -> int:
    titles = "\n".join(f"- {p.title}" for p in overdue.programmes)
    subject = _("Progress report missing for %(period)s") % {"period": overdue.period.label}
    body = _(
        "The reporting period %(period)s has ended, and %(agency)s has not yet submitted its progress report for:\n"
        "%(programmes)s\n\nPlease submit it to Bappeda in Kota Cerdas."
    ) % {"period": overdue.period.label, "agency": overdue.agency.name, "programmes": titles}
    recipients = _emails(region, Perm.PROGRAMME_RUN, agency_id=overdue.agency.pk)
    key = f"{overdue.period.pk}:{overdue.agency.pk}"
    return _send_once(region, ReminderKind.UNREPORTED, key, subject, body, recipients, overdue.agency, overdue.period)


def _remind_bappeda(region: Region, waiting: list[ProgressReport], today: dt.date) -> int:
    lines = "\n".join(f"- {r.programme.title} ({r.period.label}, {r.agency.name})" for r in waiting)
    count = len(waiting)
    subject = ngettext(
        "%(count)s progress report awaits approval", "%(count)s progress reports await approval", count
    ) % {"count": count}
    body = _("These progress reports wait for Bappeda's approval:\n%(reports)s") % {"reports": lines}
    recipients = _emails(region, Perm.REPORT_APPROVE)
    return _send_once(region, ReminderKind.AWAITING_APPROVAL, today.isoformat(), subject, body, recipients)


def _emails(region: Region, perm: Perm, *, agency_id: int | None = None) -> list[str]:
    """Addresses of the region's active members whose role holds `perm` (in the agency, when given)."""
    roles = [role for role, perms in ROLE_PERMS.items() if perm in perms]
    memberships = Membership.objects.active().filter(region=region, role__in=roles, user__is_active=True)
    if agency_id is not None:
        memberships = memberships.filter(agency_id=agency_id)
    return sorted(set(memberships.exclude(user__email="").values_list("user__email", flat=True)))


@transaction.atomic
def _send_once(
    region: Region,
    kind: str,
    key: str,
    subject: str,
    body: str,
    recipients: list[str],
    agency: Any = None,
    period: Period | None = None,
) -> int:
    """Record the reminder (the unique key makes a second run a no-op) and mail it after commit."""
    _reminder, created = Reminder.objects.get_or_create(
        region=region,
        kind=kind,
        key=key,
        defaults={
            "subject": subject,
            "body": body,
            "recipients": len(recipients),
            "agency": agency,
            "period": period,
        },
    )
    if created and recipients:
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))
    return int(created)


# --- the open data portal (CKAN) ----------------------------------------------------------------


@dataclass
class PortalData:
    url: str
    organization: str
    package_name: str
    token: str  # empty: keep the stored one
    is_active: bool = True


@transaction.atomic
def portal_save(*, region: Region, data: PortalData, actor: User) -> OpenDataPortal:
    """Set the region's CKAN portal: address, organisation, dataset name and (when given) a new API token."""
    _require(actor, PUBLISH_OPEN_DATA, region)
    portal = OpenDataPortal.objects.select_for_update().filter(region=region).first() or OpenDataPortal(region=region)
    if urlsplit(data.url).scheme not in ("http", "https"):
        raise MonitoringError(_(PORTAL_URL), field="url")
    for field, value in (("organization", data.organization), ("package_name", data.package_name)):
        if not CKAN_NAME.fullmatch(value):
            raise MonitoringError(_(CKAN_NAME_RULE), field=field)
    if not data.token and not portal.token_sealed:
        raise MonitoringError(_(TOKEN_REQUIRED), field="token")
    portal.url, portal.organization = data.url, data.organization
    portal.package_name, portal.is_active = data.package_name, data.is_active
    if data.token:
        portal.seal(data.token)
    _validated(portal).save()
    after = {"url": data.url, "organization": data.organization, "package_name": data.package_name,
             "is_active": data.is_active, "token": "changed" if data.token else "kept"}  # fmt: skip
    audit.record(actor=actor, action=AuditAction.OPEN_DATA_PORTAL_SAVED, target=portal, region=region, after=after)
    return portal


@dataclass
class Publication:
    ok: bool
    resources: int
    message: str


def opendata_publish(*, region: Region, actor: User | None) -> Publication:
    """Push every open data table (CSV and JSON) to the region's CKAN package, creating it the first time.

    No transaction is held while the portal is called; the outcome is stored on the portal afterwards.
    A resource is matched by its stable name (`programmes.csv`), so a second run updates instead of adding.
    """
    if actor is not None:
        _require(actor, PUBLISH_OPEN_DATA, region)
    portal = OpenDataPortal.objects.for_region(region).first()
    if portal is None:
        raise MonitoringError(_(NO_PORTAL))
    try:
        token = portal.token()
    except InvalidToken:
        return _publication_stored(portal, Publication(False, 0, _(TOKEN_UNREADABLE)), actor)
    with translation.override(settings.LANGUAGE_CODE):
        uploads = _uploads(region)
        client = ckan.CkanClient(portal.url, token)
        try:
            count = _push(client, portal, region, uploads)
        except ckan.CkanError as error:
            return _publication_stored(portal, Publication(False, 0, error.message), actor)
    return _publication_stored(portal, Publication(True, count, ""), actor)


def _uploads(region: Region) -> list[ckan.Upload]:
    uploads = []
    for d in opendata.DATASETS.values():
        description = f"{d.title}. {d.description}"
        uploads.append(
            ckan.Upload(f"{d.name}.csv", description, "CSV", f"{region.slug}-{d.name}.csv",
                        opendata.as_csv(d, region).encode(), "text/csv")
        )  # fmt: skip
        uploads.append(
            ckan.Upload(f"{d.name}.json", description, "JSON", f"{region.slug}-{d.name}.json",
                        opendata.as_json(d, region).encode(), "application/json")
        )  # fmt: skip
    return uploads


def _push(client: ckan.CkanClient, portal: OpenDataPortal, region: Region, uploads: list[ckan.Upload]) -> int:
    package = client.package_show(portal.package_name)
    if package is None:
        package = client.package_create(
            name=portal.package_name,
            owner_org=portal.organization,
            title=_("Smart City %(region)s: programmes and results") % {"region": region.name},
            notes=_("Published programmes, indicators, milestones and the Smart City evaluation of %(region)s, "
                    "updated by Kota Cerdas.") % {"region": region.name},
        )  # fmt: skip
    existing = {r.get("name"): r.get("id") for r in package.get("resources", []) if isinstance(r, dict)}
    for upload in uploads:
        resource_id = existing.get(upload.name)
        if resource_id:
            client.resource_update(resource_id=str(resource_id), upload=upload)
        else:
            client.resource_create(package_id=str(package["id"]), upload=upload)
    return len(uploads)


def _publication_stored(portal: OpenDataPortal, publication: Publication, actor: User | None) -> Publication:
    now = timezone.now()
    changes: dict[str, Any] = {"last_attempt_at": now, "last_error": publication.message[:2000]}
    if publication.ok:
        changes["last_published_at"] = now
    with transaction.atomic():
        OpenDataPortal.objects.filter(pk=portal.pk).update(**changes)
        after = {"ok": publication.ok, "resources": publication.resources, "message": publication.message[:500]}
        audit.record(
            actor=actor, action=AuditAction.OPEN_DATA_PUBLISHED, target=portal, region=portal.region, after=after
        )
    return publication
