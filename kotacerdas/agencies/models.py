"""Agencies (OPD) of a region and the Smart City elements each declares it can support."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import RegionOwnedModel, RegionOwnedQuerySet


class AgencyKind(models.TextChoices):
    SEKRETARIAT = "sekretariat", _("Secretariat")
    DINAS = "dinas", _("Dinas (service office)")
    BADAN = "badan", _("Badan (agency)")
    KANTOR = "kantor", _("Kantor (office)")
    INSPEKTORAT = "inspektorat", _("Inspectorate")
    SATUAN = "satuan", _("Satuan (unit, e.g. Satpol PP)")
    RSUD = "rsud", _("Regional hospital")
    UPT = "upt", _("Technical unit (UPT)")
    KEMANTREN = "kemantren", _("Kemantren")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KAPANEWON = "kapanewon", _("Kapanewon")
    KELURAHAN = "kelurahan", _("Kelurahan")
    KALURAHAN = "kalurahan", _("Kalurahan")
    OTHER = "other", _("Other")


class SpecialRole(models.TextChoices):
    NONE = "", _("None")
    PLANNING = "planning", _("Planning agency (Bappeda)")
    ICT = "ict", _("ICT agency (Diskominfo)")
    INSPECTORATE = "inspectorate", _("Inspectorate")


class AgencyQuerySet(RegionOwnedQuerySet["Agency"]):
    def with_special_role(self, role: str) -> AgencyQuerySet:
        return self.filter(special_role=role)


class Agency(RegionOwnedModel):
    """A perangkat daerah (OPD): dinas, badan, kemantren, kelurahan, ..."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=AgencyKind.choices)
    special_role = models.CharField(
        _("special role"), max_length=16, choices=SpecialRole.choices, blank=True, default=SpecialRole.NONE
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="units", verbose_name=_("part of")
    )
    area = models.ForeignKey(
        "regions.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="agency_unique_slug"),
            models.UniqueConstraint(fields=["region", "name"], name="agency_unique_name"),
            models.UniqueConstraint(
                fields=["region", "special_role"], condition=~Q(special_role=""), name="agency_one_per_special_role"
            ),
        ]
        indexes = [models.Index(fields=["region", "kind"], name="agency_region_kind_idx")]

    def __str__(self) -> str:
        return self.short_name or self.name


class CapabilityQuerySet(RegionOwnedQuerySet["Capability"]):
    pass


class Capability(RegionOwnedModel):
    """An agency's declaration that it can support one Smart City element (step one of the cycle)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="capabilities", verbose_name=_("agency"))
    element = models.ForeignKey(
        "framework.Element", on_delete=models.PROTECT, related_name="capabilities", verbose_name=_("element")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declared by"),
    )

    objects = CapabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        constraints = [models.UniqueConstraint(fields=["agency", "element"], name="capability_unique_element")]
        indexes = [models.Index(fields=["region", "element"], name="capability_region_element_idx")]

    def __str__(self) -> str:
        return f"{self.agency} → {self.element}"
