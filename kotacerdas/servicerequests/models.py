"""Citizen services like JSS: citizens, the service catalogue, routing, requests and their public history."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from kotacerdas.core.models import RegionOwnedModel, RegionOwnedQuerySet, TimeStampedModel

service_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$", _("Use letters, digits, dot, dash or underscore.")
)


class CitizenProfile(TimeStampedModel):
    """A citizen's protected personal data: the NIK encrypted, a keyed hash for uniqueness, consent per purpose."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen")
    nik_encrypted = models.TextField(blank=True)
    nik_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    nik_last4 = models.CharField(max_length=4, blank=True)
    consent_purpose = models.TextField(_("purpose consented to"))
    consent_version = models.CharField(max_length=20)
    consent_at = models.DateTimeField(_("consent given"))
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")

    def __str__(self) -> str:
        return f"{self.user_id} · NIK {self.masked_nik}"

    @property
    def masked_nik(self) -> str:
        return f"************{self.nik_last4}" if self.nik_last4 else "–"


class DataRequestKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    ERASURE = "erasure", _("Deletion")


class DataRequestOutcome(models.TextChoices):
    CORRECTED = "corrected", _("Corrected")
    ERASED = "erased", _("Deleted")
    REFUSED = "refused", _("Refused")


class DataRequestQuerySet(RegionOwnedQuerySet["DataRequest"]):
    def open(self) -> DataRequestQuerySet:
        return self.filter(handled_at__isnull=True)


class DataRequest(RegionOwnedModel):
    """A citizen's request to correct or delete what the region holds (UU 27/2022), and how the coordinator answered."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=DataRequestKind.choices)
    message = models.TextField(_("message"), blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=DataRequestOutcome.choices, blank=True)
    response = models.TextField(_("answer to the citizen"), blank=True)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(handled_at__isnull=True, outcome="") | Q(handled_at__isnull=False) & ~Q(outcome=""),
                name="data_request_outcome_when_handled",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.handled_at is None


class ServiceType(models.TextChoices):
    REALTIME = "realtime", "realtime"
    BATCH = "batch", "batch"
    BLACKBOX = "blackbox", "blackbox"


class ServiceQuerySet(RegionOwnedQuerySet["Service"]):
    def active(self) -> ServiceQuerySet:
        return self.filter(is_active=True)


class Service(RegionOwnedModel):
    """One entry of the region's service catalogue, owned by an agency, with its response and resolution times."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="services")
    code = models.CharField(_("code"), max_length=40, validators=[service_code_validator])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    type = models.CharField(max_length=10, choices=ServiceType.choices, default=ServiceType.REALTIME)
    response_minutes = models.PositiveIntegerField(
        _("response within (minutes)"), default=120, validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 60)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolved within (minutes)"),
        default=60 * 24,
        validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 365)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["group", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="service_unique_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def response_label(self) -> str:
        return duration_label(self.response_minutes)

    @property
    def resolution_label(self) -> str:
        return duration_label(self.resolution_minutes)


def duration_label(minutes: int) -> str:
    """120 → "2 jam", 1440 → "1 hari" (in the active language)."""
    if minutes % (60 * 24) == 0:
        days = minutes // (60 * 24)
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


class AttributeType(models.TextChoices):
    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One choice")
    MULTI = "multivaluelist", _("Several choices")


class ServiceAttribute(RegionOwnedModel):
    """An extra question of a service (an Open311 attribute)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    code = models.CharField(_("code"), max_length=40, validators=[service_code_validator])
    datatype = models.CharField(_("type"), max_length=16, choices=AttributeType.choices)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=300)
    datatype_description = models.CharField(_("hint"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    values = models.JSONField(_("choices"), default=list, blank=True, help_text=_('[{"key": ..., "name": ...}]'))

    objects = RegionOwnedQuerySet["ServiceAttribute"].as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="attribute_unique_code")]

    def __str__(self) -> str:
        return self.code


class RoutingRule(RegionOwnedModel):
    """Which agency handles a service in one area (a district or village); the service's own agency otherwise."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="routes")
    area = models.ForeignKey("regions.Area", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")

    objects = RegionOwnedQuerySet["RoutingRule"].as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "area"], name="route_unique_area")]

    def __str__(self) -> str:
        return f"{self.service} · {self.area} → {self.agency}"


class RequestKind(models.TextChoices):
    ASPIRATION = "aspiration", _("Aspiration")
    COMPLAINT = "complaint", _("Complaint")
    INFORMATION = "information", _("Information request")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting verification")
    POSTPONED = "postponed", _("Postponed")
    NOT_AUTHORITY = "not_authority", _("Not our authority")
    ARCHIVED = "archived", _("Archived")
    OPEN = "open", pgettext_lazy("request status", "Open")  # not the "Open" of buttons and menus
    INVESTIGATING = "investigating", _("Investigating")
    IN_PROGRESS = "in_progress", _("In progress")
    ACTION_SCHEDULED = "action_scheduled", _("Action scheduled")
    FIXED = "fixed", _("Fixed")
    CLOSED = "closed", _("Closed")
    DUPLICATE = "duplicate", _("Duplicate")
    NOT_RESPONSIBLE = "not_responsible", _("Not our responsibility")
    NO_FURTHER_ACTION = "no_further_action", _("No further action")


OPEN_STATUSES = frozenset(
    {
        RequestStatus.SUBMITTED,
        RequestStatus.POSTPONED,
        RequestStatus.OPEN,
        RequestStatus.INVESTIGATING,
        RequestStatus.IN_PROGRESS,
        RequestStatus.ACTION_SCHEDULED,
    }
)
HANDLING_STATUSES = frozenset(
    {RequestStatus.OPEN, RequestStatus.INVESTIGATING, RequestStatus.IN_PROGRESS, RequestStatus.ACTION_SCHEDULED}
)


def request_photo_path(request: ServiceRequest, filename: str) -> str:
    return f"requests/{request.region_id}/{filename}"


class ServiceRequestQuerySet(RegionOwnedQuerySet["ServiceRequest"]):
    def visible_to_public(self) -> ServiceRequestQuerySet:
        return self.filter(is_secret=False)

    def overdue(self, now: dt.datetime) -> ServiceRequestQuerySet:
        """Past the first-answer deadline unanswered, or past the resolution deadline unresolved."""
        return self.filter(
            Q(responded_at__isnull=True, response_due_at__lt=now)
            | Q(resolved_at__isnull=True, resolution_due_at__lt=now)
        )


class ServiceRequest(RegionOwnedModel):
    """A citizen's request or complaint, routed to an agency and followed to resolution against its deadlines."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="service_requests")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="service_requests"
    )
    reporter_name = models.CharField(max_length=150, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_phone = models.CharField(max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=RequestKind.choices, default=RequestKind.COMPLAINT)
    description = models.TextField(_("description"), max_length=4000, blank=True)  # optional in Open311
    photo = models.ImageField(_("photo"), upload_to=request_photo_path, blank=True)
    media_url = models.URLField(blank=True)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_id = models.CharField(max_length=60, blank=True)
    area = models.ForeignKey("regions.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    attributes = models.JSONField(default=dict, blank=True)
    is_secret = models.BooleanField(_("secret (not public)"), default=False)
    is_anonymous = models.BooleanField(_("anonymous (public, reporter hidden)"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    requested_at = models.DateTimeField(_("requested"))
    response_due_at = models.DateTimeField(_("response due"))
    resolution_due_at = models.DateTimeField(_("resolution due"))
    responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    token = models.CharField(max_length=40, unique=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(fields=["region", "requested_at"], name="request_region_time_idx"),
            models.Index(fields=["region", "status", "requested_at"], name="request_region_status_idx"),
            models.Index(fields=["region", "agency", "status"], name="request_region_agency_idx"),
            models.Index(fields=["region", "service", "requested_at"], name="request_region_service_idx"),
            models.Index(fields=["region", "updated_at"], name="request_region_changed_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="request_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90), name="request_lat_range"
            ),
            models.CheckConstraint(
                condition=Q(long__isnull=True) | Q(long__gte=-180, long__lte=180), name="request_long_range"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.service}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RequestUpdate(RegionOwnedModel):
    """One step of a request's public history: its status then and the note the citizen sees."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=RequestStatus.choices)
    note = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = RegionOwnedQuerySet["RequestUpdate"].as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["region", "updated_at"], name="update_region_time_idx")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.status}"


class Open311Client(RegionOwnedModel):
    """An application allowed to POST requests through Open311; only the key's digest is stored."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)

    objects = RegionOwnedQuerySet["Open311Client"].as_manager()

    def __str__(self) -> str:
        return self.name
