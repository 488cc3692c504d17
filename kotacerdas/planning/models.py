"""The programme cycle: rounds, proposals, Bappeda's decisions, programmes, the masterplan, digitalisation."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import RegionOwnedModel, RegionOwnedQuerySet

MAX_BUDGET = 10**15  # whole rupiah; a quadrillion is far above any regional budget


class Horizon(models.TextChoices):
    QUICK_WIN = "quick_win", _("Quick win")
    SHORT = "short", _("Short term")
    MEDIUM = "medium", _("Medium term")
    LONG = "long", _("Long term")


class FundingSource(models.TextChoices):
    APBD = "apbd", _("APBD (regional budget)")
    APBN = "apbn", _("APBN (national budget)")
    CSR = "csr", _("CSR / partner")
    OTHER = "other", _("Other")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class PlanningRoundQuerySet(RegionOwnedQuerySet["PlanningRound"]):
    pass


class PlanningRound(RegionOwnedModel):
    """A yearly call: each agency of the region is invited to propose programmes by the deadline."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what Bappeda asks for"), blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_by = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    elements = models.ManyToManyField(
        "framework.Element", blank=True, related_name="+", verbose_name=_("elements asked for")
    )

    objects = PlanningRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("planning round")
        verbose_name_plural = _("planning rounds")
        constraints = [models.UniqueConstraint(fields=["region", "year", "title"], name="round_unique_title")]

    def __str__(self) -> str:
        return self.title


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Not answered yet")
    ANSWERED = "answered", _("Proposed")
    NOTHING = "nothing", _("Nothing to propose")


class Invitation(RegionOwnedModel):
    """One agency invited to one round, and whether it has answered."""

    round = models.ForeignKey(PlanningRound, on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=InvitationStatus.choices, default=InvitationStatus.INVITED)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = RegionOwnedQuerySet["Invitation"].as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="invitation_unique_agency")]

    def __str__(self) -> str:
        return f"{self.round} · {self.agency}"


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged into another proposal")


DECIDED = frozenset({ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.MERGED})
EDITABLE = frozenset({ProposalStatus.DRAFT, ProposalStatus.RETURNED})


class ProposalQuerySet(RegionOwnedQuerySet["Proposal"]):
    def decided(self) -> ProposalQuerySet:
        return self.filter(status__in=DECIDED)


class Proposal(RegionOwnedModel):
    """An agency's programme proposal in a round, until Bappeda decides on it."""

    round = models.ForeignKey(PlanningRound, on_delete=models.PROTECT, related_name="proposals")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("proposing agency")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    dimension = models.ForeignKey("framework.Dimension", on_delete=models.PROTECT, related_name="+")
    elements = models.ManyToManyField("framework.Element", related_name="+", verbose_name=_("elements"))
    horizon = models.CharField(_("horizon"), max_length=12, choices=Horizon.choices)
    areas = models.ManyToManyField(
        "regions.Area",
        blank=True,
        related_name="+",
        verbose_name=_("location"),
        help_text=_("Leave empty when the programme covers the whole region."),
    )
    beneficiaries = models.CharField(_("expected beneficiaries"), max_length=300)
    beneficiary_count = models.PositiveIntegerField(_("number of beneficiaries"), null=True, blank=True)
    budget = models.PositiveBigIntegerField(
        _("budget (Rp)"), default=0, validators=[MaxValueValidator(MAX_BUDGET)], help_text=_("Whole rupiah.")
    )
    funding_source = models.CharField(_("funding source"), max_length=8, choices=FundingSource.choices)
    partners = models.CharField(_("partner organisations"), max_length=300, blank=True)
    needs_digitalisation = models.BooleanField(_("needs an application (digitalisation)"), default=False)
    digitalisation_needs = models.TextField(_("what the application must do"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    review_note = models.TextField(_("reasons for revision"), blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_published_at = models.DateTimeField(_("decision published"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["region", "round", "status"], name="proposal_region_round_idx"),
            models.Index(fields=["region", "agency"], name="proposal_region_agency_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="proposal_budget_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="proposal_merged_names_target"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    SUSPENDED = "suspended", _("Suspended")


class ProgrammeKind(models.TextChoices):
    PROGRAMME = "programme", _("Programme")
    SUB_PROGRAMME = "sub_programme", _("Sub-programme")
    ACTIVITY = "activity", _("Activity")


class Masterplan(RegionOwnedModel):
    """A region's Smart City masterplan (rencana induk) for a period, with its legal basis."""

    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=20, default="1")
    period_start = models.PositiveSmallIntegerField(_("from year"), validators=[MinValueValidator(2000)])
    period_end = models.PositiveSmallIntegerField(_("to year"), validators=[MaxValueValidator(2100)])
    vision = models.TextField(_("vision"), blank=True)
    mission = models.TextField(_("mission"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    is_current = models.BooleanField(_("current"), default=False)

    objects = RegionOwnedQuerySet["Masterplan"].as_manager()

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("masterplan")
        verbose_name_plural = _("masterplans")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="masterplan_period_order"
            ),
            models.UniqueConstraint(fields=["region"], condition=Q(is_current=True), name="masterplan_one_current"),
            models.UniqueConstraint(fields=["region", "title", "version"], name="masterplan_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_start}–{self.period_end})"


class ProgrammeQuerySet(RegionOwnedQuerySet["Programme"]):
    def published(self) -> ProgrammeQuerySet:
        return self.filter(is_published=True)

    def top_level(self) -> ProgrammeQuerySet:
        return self.filter(parent__isnull=True)


class Programme(RegionOwnedModel):
    """A decided programme (or sub-programme / activity), led by one agency and supported by others."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ProgrammeKind.choices, default=ProgrammeKind.PROGRAMME)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )
    dimension = models.ForeignKey("framework.Dimension", on_delete=models.PROTECT, related_name="+")
    elements = models.ManyToManyField("framework.Element", related_name="programmes", verbose_name=_("elements"))
    horizon = models.CharField(_("horizon"), max_length=12, choices=Horizon.choices)
    quick_win_year = models.PositiveSmallIntegerField(_("quick win in year"), null=True, blank=True)
    areas = models.ManyToManyField("regions.Area", blank=True, related_name="+", verbose_name=_("location"))
    lead_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="led_programmes", verbose_name=_("lead agency")
    )
    masterplan = models.ForeignKey(
        Masterplan, on_delete=models.PROTECT, null=True, blank=True, related_name="programmes"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.PLANNED
    )
    budget = models.PositiveBigIntegerField(_("budget (Rp)"), default=0, validators=[MaxValueValidator(MAX_BUDGET)])
    funding_source = models.CharField(_("funding source"), max_length=8, choices=FundingSource.choices)
    partners = models.CharField(_("partner organisations"), max_length=300, blank=True)
    beneficiaries = models.CharField(_("beneficiaries"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight in its parent"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    origin = models.OneToOneField(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme",
        verbose_name=_("from proposal"),
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        indexes = [
            models.Index(fields=["region", "status"], name="programme_region_status_idx"),
            models.Index(fields=["region", "dimension"], name="programme_region_dim_idx"),
            models.Index(fields=["region", "lead_agency"], name="programme_region_lead_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(budget__gte=0), name="programme_budget_not_negative")]

    def __str__(self) -> str:
        return self.title


class SupportingAgency(RegionOwnedModel):
    """An agency that supports a programme, with what it contributes."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="supporters")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="supported_programmes")
    role = models.CharField(_("role"), max_length=200, blank=True)

    objects = RegionOwnedQuerySet["SupportingAgency"].as_manager()

    class Meta:
        verbose_name = _("supporting agency")
        verbose_name_plural = _("supporting agencies")
        constraints = [models.UniqueConstraint(fields=["programme", "agency"], name="supporter_unique_agency")]

    def __str__(self) -> str:
        return f"{self.agency} → {self.programme}"


class DigitalisationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ANALYSED = "analysed", _("Analysed")
    IN_DEVELOPMENT = "in_development", _("In development")
    LIVE = "live", _("Live")
    RETIRED = "retired", _("Retired")


class DigitalisationRequest(RegionOwnedModel):
    """A programme's request to Diskominfo for an application, until it is live (and later retired)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="digitalisation_requests")
    needs = models.TextField(_("what the application must do"))
    status = models.CharField(
        _("status"), max_length=16, choices=DigitalisationStatus.choices, default=DigitalisationStatus.REQUESTED
    )
    analysis = models.TextField(_("analysis"), blank=True)
    app_name = models.CharField(_("application name"), max_length=200, blank=True)
    app_url = models.URLField(_("application address"), blank=True)
    live_at = models.DateTimeField(_("live since"), null=True, blank=True)

    objects = RegionOwnedQuerySet["DigitalisationRequest"].as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("digitalisation request")
        verbose_name_plural = _("digitalisation requests")
        indexes = [models.Index(fields=["region", "status", "created_at"], name="digital_region_status_idx")]

    def __str__(self) -> str:
        return f"{self.programme}: {self.get_status_display()}"
