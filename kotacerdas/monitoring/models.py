"""Following programmes to results: indicators, periods, progress reports, milestones, evaluation, summaries."""

from __future__ import annotations

import base64
import hashlib
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kotacerdas.core.models import RegionOwnedModel, RegionOwnedQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def value_field(label: StrOrPromise, *, null: bool = True) -> models.DecimalField:
    """An indicator value: up to 16 digits before the decimal point (rupiah included), two after."""
    return models.DecimalField(label, max_digits=18, decimal_places=2, null=null, blank=null)


def score_field(label: StrOrPromise, *, null: bool = False) -> models.DecimalField:
    """A 0–5 evaluation score with two decimals."""
    limits = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(5))]
    return models.DecimalField(label, max_digits=3, decimal_places=2, null=null, blank=null, validators=limits)


class Measure(models.TextChoices):
    """IATI's indicator measures."""

    UNIT = "unit", _("Unit (count)")
    PERCENTAGE = "percentage", _("Percentage")
    NOMINAL = "nominal", _("Nominal (rupiah)")
    QUALITATIVE = "qualitative", _("Qualitative")


class Direction(models.TextChoices):
    ASCENDING = "ascending", _("Higher is better")
    DESCENDING = "descending", _("Lower is better")


class Indicator(RegionOwnedModel):
    """What a programme measures, from a baseline (IATI results model)."""

    programme = models.ForeignKey("planning.Programme", on_delete=models.CASCADE, related_name="indicators")
    title = models.CharField(_("title"), max_length=200)
    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("E.g. houses, metres, hectares."))
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices, default=Direction.ASCENDING)
    baseline_value = value_field(_("baseline"))
    baseline_text = models.CharField(_("baseline (qualitative)"), max_length=300, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RegionOwnedQuerySet["Indicator"].as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=~Q(measure="percentage")
                | Q(baseline_value__isnull=True)
                | Q(baseline_value__gte=0, baseline_value__lte=100),
                name="indicator_percentage_baseline_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_qualitative(self) -> bool:
        return self.measure == Measure.QUALITATIVE


class Period(RegionOwnedModel):
    """A reporting period of the region (a year, a semester, ...); a locked period takes no more reports."""

    label = models.CharField(_("label"), max_length=40, help_text=_("E.g. 2025 or 2025 S1."))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    is_locked = models.BooleanField(_("locked"), default=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    objects = RegionOwnedQuerySet["Period"].as_manager()

    class Meta:
        ordering = ["starts_on", "label"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["region", "label"], name="period_unique_label"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="period_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.label


class IndicatorValue(RegionOwnedModel):
    """An indicator's target and actual in one period; only an approved report sets the actual."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    target = value_field(_("target"))
    target_text = models.CharField(_("target (qualitative)"), max_length=300, blank=True)
    actual = value_field(_("actual"))
    actual_text = models.CharField(_("actual (qualitative)"), max_length=300, blank=True)
    actual_report = models.ForeignKey(
        "ProgressReport", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RegionOwnedQuerySet["IndicatorValue"].as_manager()

    class Meta:
        ordering = ["period__starts_on"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="indicator_value_unique_period")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.period}"

    @property
    def target_met(self) -> bool | None:
        """Whether the actual reaches the target in the indicator's direction; None without both numbers."""
        if self.target is None or self.actual is None:
            return None
        if self.indicator.direction == Direction.DESCENDING:
            return self.actual <= self.target
        return self.actual >= self.target


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")


def report_upload_path(report: ProgressReport, filename: str) -> str:
    """Where evidence is kept; the name is random (services.report_save) and files are served only by a view
    that checks who asks (views.report_attachment), never straight from MEDIA_URL."""
    return f"reports/{report.region_id}/{report.programme_id}/{filename}"


class ProgressReport(RegionOwnedModel):
    """The lead agency's report for a programme and period: a value per indicator, a narrative, evidence."""

    programme = models.ForeignKey("planning.Programme", on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="reports")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField(_("narrative"))
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    attachment = models.FileField(_("photo or document"), upload_to=report_upload_path, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    review_note = models.TextField(_("reasons for revision"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = RegionOwnedQuerySet["ProgressReport"].as_manager()

    class Meta:
        ordering = ["-period__starts_on", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(fields=["programme", "period"], name="report_one_per_programme_period"),
            models.CheckConstraint(condition=Q(progress_percent__lte=100), name="report_progress_max_100"),
        ]
        indexes = [models.Index(fields=["region", "status"], name="report_region_status_idx")]

    def __str__(self) -> str:
        return f"{self.programme} · {self.period}"


class ReportValue(RegionOwnedModel):
    """The value a report gives for one indicator."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    value = value_field(_("value"))
    text = models.CharField(_("value (qualitative)"), max_length=300, blank=True)

    objects = RegionOwnedQuerySet["ReportValue"].as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="report_value_unique_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value if self.value is not None else self.text}"


class Milestone(RegionOwnedModel):
    """A dated step of a programme: planned date, and the actual date once reached."""

    programme = models.ForeignKey("planning.Programme", on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)

    objects = RegionOwnedQuerySet["Milestone"].as_manager()

    class Meta:
        ordering = ["planned_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [models.Index(fields=["region", "actual_date", "planned_date"], name="milestone_region_due_idx")]

    def __str__(self) -> str:
        return self.title


# The default progress a programme status stands for, until a report says otherwise.
DEFAULT_STATUS_PERCENT = {
    "planned": 0,
    "in_implementation": 50,
    "completed": 100,
    "suspended": 50,
    "cancelled": 0,
}


class StatusPercent(RegionOwnedModel):
    """The region's status catalogue: what percentage a programme status stands for."""

    status = models.CharField(_("status"), max_length=20)
    percent = models.PositiveSmallIntegerField(_("percent"), validators=[MaxValueValidator(100)])

    objects = RegionOwnedQuerySet["StatusPercent"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "status"], name="status_percent_unique"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="status_percent_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.status}: {self.percent}%"


class EvaluationDimension(models.TextChoices):
    """The national evaluation's five dimensions (their own context: "Outcome" here is not any outcome)."""

    BASELINE = "baseline", pgettext_lazy("evaluation dimension", "Baseline")
    OUTPUT = "output", pgettext_lazy("evaluation dimension", "Output")
    OUTCOME = "outcome", pgettext_lazy("evaluation dimension", "Outcome")
    IMPACT = "impact", pgettext_lazy("evaluation dimension", "Impact")
    QUICK_WIN = "quick_win", pgettext_lazy("evaluation dimension", "Quick win")


DEFAULT_WEIGHTS = {"baseline": 10, "output": 20, "outcome": 30, "impact": 30, "quick_win": 10}


class Evaluation(RegionOwnedModel):
    """The yearly Smart City evaluation with that year's weights (percent, summing to 100)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2017), MaxValueValidator(2100)])
    weight_baseline = models.PositiveSmallIntegerField(_("weight: baseline"), default=10)
    weight_output = models.PositiveSmallIntegerField(_("weight: output"), default=20)
    weight_outcome = models.PositiveSmallIntegerField(_("weight: outcome"), default=30)
    weight_impact = models.PositiveSmallIntegerField(_("weight: impact"), default=30)
    weight_quick_win = models.PositiveSmallIntegerField(_("weight: quick win"), default=10)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = RegionOwnedQuerySet["Evaluation"].as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="evaluation_one_per_year"),
            models.CheckConstraint(
                condition=Exact(
                    F("weight_baseline")
                    + F("weight_output")
                    + F("weight_outcome")
                    + F("weight_impact")
                    + F("weight_quick_win"),
                    100,
                ),
                name="evaluation_weights_sum_100",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def weights(self) -> dict[str, int]:
        return {d: getattr(self, f"weight_{d}") for d in EvaluationDimension.values}


class EvaluationScore(RegionOwnedModel):
    """A 0–5 score for one evaluation dimension (overall, or for one smart dimension): self-assessed, then verified."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    eval_dimension = models.CharField(_("evaluation dimension"), max_length=12, choices=EvaluationDimension.choices)
    smart_dimension = models.ForeignKey(
        "framework.Dimension", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    self_score = score_field(_("self-assessment"))
    evidence = models.TextField(_("evidence"), blank=True)
    verified_score = score_field(_("verified score"), null=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    objects = RegionOwnedQuerySet["EvaluationScore"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "eval_dimension", "smart_dimension"], name="score_unique_per_smart_dimension"
            ),
            models.UniqueConstraint(
                fields=["evaluation", "eval_dimension"],
                condition=Q(smart_dimension__isnull=True),
                name="score_unique_overall",
            ),
            models.CheckConstraint(condition=Q(self_score__gte=0, self_score__lte=5), name="score_self_range"),
            models.CheckConstraint(
                condition=Q(verified_score__isnull=True) | Q(verified_score__gte=0, verified_score__lte=5),
                name="score_verified_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.eval_dimension}"


# --- reminders and the open data portal ---------------------------------------------------------


class ReminderKind(models.TextChoices):
    UNREPORTED = "unreported", _("Period closed without a report")
    AWAITING_APPROVAL = "awaiting_approval", _("Reports awaiting approval")


class Reminder(RegionOwnedModel):
    """A reminder sent once: to an agency whose period closed without its report, or to Bappeda for waiting reports.

    `key` is what makes it unique within its kind: the period and agency, or the day of a digest.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    key = models.CharField(max_length=80)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    objects = RegionOwnedQuerySet["Reminder"].as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["region", "kind", "key"], name="reminder_once")]

    def __str__(self) -> str:
        return self.subject


class OpenDataPortal(RegionOwnedModel):
    """The region's CKAN portal (e.g. its Satu Data site): address, organisation, package and API token.

    The token is stored encrypted (Fernet, keyed from SECRET_KEY) and never shown again once saved.
    """

    url = models.URLField(_("portal address"), max_length=200)
    organization = models.CharField(_("organisation on the portal"), max_length=100)
    package_name = models.CharField(_("dataset name on the portal"), max_length=100)
    token_sealed = models.TextField(blank=True)
    is_active = models.BooleanField(_("publish every night"), default=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_published_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = RegionOwnedQuerySet["OpenDataPortal"].as_manager()

    class Meta:
        verbose_name = _("open data portal")
        verbose_name_plural = _("open data portals")
        constraints = [models.UniqueConstraint(fields=["region"], name="open_data_portal_one_per_region")]

    def __str__(self) -> str:
        return self.url

    def seal(self, token: str) -> None:
        self.token_sealed = _fernet().encrypt(token.encode()).decode()

    def token(self) -> str:
        return _fernet().decrypt(self.token_sealed.encode()).decode() if self.token_sealed else ""


def _fernet() -> Fernet:
    key = hashlib.sha256(settings.SECRET_KEY.encode() + b"|kotacerdas-open-data-portal-token").digest()
    return Fernet(base64.urlsafe_b64encode(key))


# --- summary tables: kept up to date on write, read by the dashboards ---------------------------


class ProgrammeProgress(RegionOwnedModel):
    """The rolled-up progress of one programme (percent, 0–100)."""

    programme = models.OneToOneField("planning.Programme", on_delete=models.CASCADE, related_name="progress")
    percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))

    objects = RegionOwnedQuerySet["ProgrammeProgress"].as_manager()

    def __str__(self) -> str:
        return f"{self.programme}: {self.percent}%"


class DimensionSummary(RegionOwnedModel):
    """Per region, smart dimension and programme status: how many top-level programmes and their progress."""

    dimension = models.ForeignKey("framework.Dimension", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    programmes = models.PositiveIntegerField(default=0)
    in_masterplan = models.PositiveIntegerField(default=0)
    published = models.PositiveIntegerField(default=0)
    progress_sum = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    published_progress_sum = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))

    objects = RegionOwnedQuerySet["DimensionSummary"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "dimension", "status"], name="dimension_summary_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dimension} · {self.status}: {self.programmes}"


class AgencySummary(RegionOwnedModel):
    """Per agency: programmes led, overdue milestones and unreported periods."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    programmes_led = models.PositiveIntegerField(default=0)
    overdue_milestones = models.PositiveIntegerField(default=0)
    unreported_periods = models.PositiveIntegerField(default=0)

    objects = RegionOwnedQuerySet["AgencySummary"].as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "agency"], name="agency_summary_unique")]

    def __str__(self) -> str:
        return str(self.agency)


class RegionSummary(RegionOwnedModel):
    """One row per region: the numbers the dashboard shows, and a stamp that changes whenever they may have.

    `board` holds, per smart dimension, the programmes per status and the totals behind the progress and the
    "n of m running" columns, and per agency its three counts (see summaries.BoardNumbers): the dashboard reads
    this one row instead of adding up the dimension and agency rows at every view. `stamp` is a new random value
    at every rebuild (in the rebuild's transaction) and after every change to what else the board shows (agencies,
    capabilities, elements, the jimpitan roll-up: summaries.RESTAMPED_BY); the board cached under it
    (views._board) is found again only while nothing changed.
    """

    board = models.JSONField(default=dict)
    stamp = models.UUIDField(default=uuid.uuid4)

    objects = RegionOwnedQuerySet["RegionSummary"].as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region"], name="region_summary_one_per_region")]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.stamp}"
