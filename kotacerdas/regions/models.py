"""Regions (kota/kabupaten, the tenants) and their administrative tree down to RT."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import RegionOwnedModel, RegionOwnedQuerySet, TimeStampedModel


class RegionKind(models.TextChoices):
    KOTA = "kota", _("City (kota)")
    KABUPATEN = "kabupaten", _("Regency (kabupaten)")


class AreaLevel(models.IntegerChoices):
    DISTRICT = 1, _("District")
    VILLAGE = 2, _("Village")
    RW = 3, _("RW")
    RT = 4, _("RT")


class AreaKind(models.TextChoices):
    """The local name of a unit; regions differ (store it, never assume one scheme)."""

    KEMANTREN = "kemantren", _("Kemantren")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KAPANEWON = "kapanewon", _("Kapanewon")
    DISTRIK = "distrik", _("Distrik")
    KELURAHAN = "kelurahan", _("Kelurahan")
    KALURAHAN = "kalurahan", _("Kalurahan")
    DESA = "desa", _("Desa")
    KAMPUNG = "kampung", _("Kampung")
    RW = "rw", _("RW")
    RT = "rt", _("RT")


LEVEL_OF_KIND: dict[str, int] = {
    AreaKind.KEMANTREN: AreaLevel.DISTRICT,
    AreaKind.KECAMATAN: AreaLevel.DISTRICT,
    AreaKind.KAPANEWON: AreaLevel.DISTRICT,
    AreaKind.DISTRIK: AreaLevel.DISTRICT,
    AreaKind.KELURAHAN: AreaLevel.VILLAGE,
    AreaKind.KALURAHAN: AreaLevel.VILLAGE,
    AreaKind.DESA: AreaLevel.VILLAGE,
    AreaKind.KAMPUNG: AreaLevel.VILLAGE,
    AreaKind.RW: AreaLevel.RW,
    AreaKind.RT: AreaLevel.RT,
}

kemendagri_code_validator = RegexValidator(
    r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$",
    _("Use the Kemendagri code format, e.g. 34.71 or 34.71.01.1001."),
)
slug_validator = RegexValidator(r"^[a-z][a-z0-9-]{1,48}$", _("Use lower-case letters, digits and dashes."))
# First path segments the platform itself uses; a region may not take them as its slug.
RESERVED_SLUGS = frozenset(
    {"accounts", "admin", "api", "i18n", "static", "media", "healthz", "open311", "platform", "best-practices"}
)


def validate_region_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("%(value)s is reserved by the platform."), params={"value": value})


def validate_time_zone(value: str) -> None:
    """Accept only IANA zone names (Asia/Jakarta, Asia/Makassar, Asia/Jayapura, ...)."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Region(TimeStampedModel):
    """A kota or kabupaten: the tenant every region-owned row belongs to."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=RegionKind.choices)
    code = models.CharField(_("Kemendagri code"), max_length=16, unique=True, validators=[kemendagri_code_validator])
    slug = models.SlugField(_("slug"), max_length=50, unique=True, validators=[slug_validator, validate_region_slug])
    province = models.CharField(_("province"), max_length=120, blank=True)
    seat = models.CharField(_("seat of government"), max_length=120, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta", validators=[validate_time_zone])
    jurisdiction = models.CharField(_("Open311 jurisdiction domain"), max_length=120, unique=True)
    district_kind = models.CharField(
        _("name of its districts"), max_length=12, choices=AreaKind.choices, default=AreaKind.KECAMATAN
    )
    village_kind = models.CharField(
        _("usual name of its villages"), max_length=12, choices=AreaKind.choices, default=AreaKind.KELURAHAN
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class AreaQuerySet(RegionOwnedQuerySet["Area"]):
    def at_level(self, level: int) -> AreaQuerySet:
        return self.filter(level=level)

    def children_of(self, parent: Area | None) -> AreaQuerySet:
        return self.filter(parent=parent)


class Area(RegionOwnedModel):
    """One unit of a region's administrative tree: district, village, RW or RT."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=AreaLevel.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=AreaKind.choices)
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("Kemendagri code"), max_length=20, blank=True, validators=[kemendagri_code_validator])

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["region", "parent", "name"], name="area_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["region", "name"], condition=Q(parent__isnull=True), name="area_unique_top_level_name"
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="area_level_in_range"),
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="area_parent_matches_level",
            ),
        ]
        indexes = [models.Index(fields=["region", "level", "name"], name="area_region_level_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    def lineage(self) -> list[Area]:
        """This unit and the units above it, nearest first (a query per unit not loaded with select_related)."""
        units: list[Area] = []
        area: Area | None = self
        while area is not None:
            units.append(area)
            area = area.parent
        return units

    def clean(self) -> None:
        if LEVEL_OF_KIND.get(self.kind) != self.level:
            raise ValidationError({"kind": _("This kind of unit does not belong at this level.")})
        if self.parent is not None:
            if self.parent.region_id != self.region_id:
                raise ValidationError({"parent": _("The parent unit belongs to another region.")})
            if self.parent.level != self.level - 1:
                raise ValidationError({"parent": _("The parent unit must be one level up.")})
