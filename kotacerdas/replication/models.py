"""Replication across regions: programmes offered to others, template imports and benchmarking visits.

Planning's tables stay as they are: what a region shares about a programme (what it delivers, whom to
contact, which services and application it needs) lives in `ReplicableProgramme`; what an imported
template carries beyond a proposal (indicators, milestones, parts, services, ...) lives in
`ImportedProgramme.carry` until the region builds those for real.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import RegionOwnedModel, RegionOwnedQuerySet


class ReplicableProgrammeQuerySet(RegionOwnedQuerySet["ReplicableProgramme"]):
    def offered(self) -> ReplicableProgrammeQuerySet:
        """In the public catalogue: the programme is published, top-level and not cancelled."""
        return self.filter(
            programme__is_published=True, programme__parent__isnull=True, region__is_active=True
        ).exclude(programme__status="cancelled")


class ReplicableProgramme(RegionOwnedModel):
    """Bappeda's offer of a published programme to other regions, with what it shares about it."""

    programme = models.OneToOneField(
        "planning.Programme", on_delete=models.CASCADE, related_name="replicable", verbose_name=_("programme")
    )
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Short, stable name in templates, e.g. “jss” or “m3k”.")
    )
    what_it_delivers = models.TextField(_("what it delivers"), max_length=1000)
    contact_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("contact agency")
    )
    started_on = models.DateField(
        _("programme started on"), help_text=_("Milestones are shared as days after this date.")
    )
    app_name = models.CharField(_("application name"), max_length=200, blank=True)
    app_needs = models.TextField(
        _("what the application does"), max_length=4000, blank=True, help_text=_("Shared in templates; optional.")
    )
    services = models.ManyToManyField(
        "servicerequests.Service", blank=True, related_name="+", verbose_name=_("services it uses")
    )
    jimpitan = models.JSONField(_("jimpitan scheme defaults"), null=True, blank=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ReplicableProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("replicable programme")
        verbose_name_plural = _("replicable programmes")
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="replicable_unique_code")]

    def __str__(self) -> str:
        return self.code


class ImportStatus(models.TextChoices):
    PREPARED = "prepared", _("Waiting for the agency mapping")
    IMPORTED = "imported", _("Imported")
    DISCARDED = "discarded", _("Discarded")


class ImportRecord(RegionOwnedModel):
    """One template brought into this region: the file as received, where from, and what it became."""

    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREPARED)
    source_region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source region"),
    )
    source_name = models.CharField(_("source region (as in the template)"), max_length=120)
    template = models.JSONField(_("template"))
    planning_round = models.ForeignKey(
        "planning.PlanningRound", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visit = models.ForeignKey(
        "Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="imports", verbose_name=_("visit")
    )
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    objects = RegionOwnedQuerySet["ImportRecord"].as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("template import")
        verbose_name_plural = _("template imports")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="imported") | Q(planning_round__isnull=False, imported_at__isnull=False),
                name="import_imported_names_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_name} · {self.created_at:%Y-%m-%d}"

    @property
    def programme_codes(self) -> list[str]:
        return [p["code"] for p in self.template.get("programmes", []) if isinstance(p, dict)]


class ImportAgencyMap(RegionOwnedModel):
    """Which agency of this region stands for an agency of the template (by the template's key)."""

    record = models.ForeignKey(ImportRecord, on_delete=models.CASCADE, related_name="agency_maps")
    key = models.CharField(max_length=40)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")

    objects = RegionOwnedQuerySet["ImportAgencyMap"].as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "key"], name="import_map_unique_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.agency}"


class ImportedProgramme(RegionOwnedModel):
    """A template programme that became a proposal here; `carry` keeps what the proposal has no place for."""

    record = models.ForeignKey(ImportRecord, on_delete=models.CASCADE, related_name="programmes")
    code = models.SlugField(max_length=40)
    proposal = models.OneToOneField(
        "planning.Proposal", on_delete=models.PROTECT, related_name="replication_origin", verbose_name=_("proposal")
    )
    carry = models.JSONField()

    objects = RegionOwnedQuerySet["ImportedProgramme"].as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["record", "code"], name="imported_unique_code")]

    def __str__(self) -> str:
        return self.code


class VisitQuerySet(RegionOwnedQuerySet["Visit"]):
    def involving(self, region: models.Model) -> VisitQuerySet:
        """Visits the region made or hosted: both sides see them, nobody else."""
        return self.filter(Q(region=region) | Q(host_region=region))


class Visit(RegionOwnedModel):
    """A benchmarking visit (kunjungan kerja): `region` visited `host_region` to learn."""

    host_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("host region")
    )
    host_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    visited_on = models.DateField(_("date"))
    topics = models.TextField(_("topics"), max_length=4000)
    programmes_studied = models.ManyToManyField(
        "planning.Programme", blank=True, related_name="+", verbose_name=_("programmes studied")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("benchmarking visit")
        verbose_name_plural = _("benchmarking visits")
        constraints = [models.CheckConstraint(condition=~Q(host_region=F("region")), name="visit_to_another_region")]
        indexes = [models.Index(fields=["host_region", "visited_on"], name="visit_host_idx")]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d}"


class VisitDelegate(RegionOwnedModel):
    """An agency of the visiting region in the delegation; one of them heads it."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="delegation")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    is_head = models.BooleanField(_("head of the delegation"), default=False)

    objects = RegionOwnedQuerySet["VisitDelegate"].as_manager()

    class Meta:
        ordering = ["-is_head", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "agency"], name="visit_delegate_unique_agency"),
            models.UniqueConstraint(fields=["visit"], condition=Q(is_head=True), name="visit_one_head"),
        ]

    def __str__(self) -> str:
        return str(self.agency)
