"""The six Smart City dimensions and their elements: national reference data that regions may extend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import TimeStampedModel

if TYPE_CHECKING:
    from kotacerdas.regions.models import Region


class BilingualName(models.Model):
    """Indonesian name first, English second; `label` follows the active language."""

    name = models.CharField(_("name (Indonesian)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    description = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name


class ElementQuerySet(models.QuerySet["Element"]):
    def for_region(self, region: Region | None) -> ElementQuerySet:
        """National rows plus the region's own additions."""
        if region is None:
            return self.filter(region__isnull=True)
        return self.filter(Q(region__isnull=True) | Q(region=region))


class Dimension(BilingualName, TimeStampedModel):
    """One of the six dimensions (Smart Governance, Branding, Economy, Living, Society, Environment)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self) -> str:
        return self.label


class Element(BilingualName, TimeStampedModel):
    """An element of a dimension; national when `region` is empty, else a region's own addition."""

    dimension = models.ForeignKey(
        Dimension, on_delete=models.PROTECT, related_name="elements", verbose_name=_("dimension")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    code = models.CharField(_("code"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ElementQuerySet.as_manager()

    class Meta:
        ordering = ["dimension__order", "order", "code"]
        verbose_name = _("element")
        verbose_name_plural = _("elements")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(region__isnull=True), name="element_unique_national"),
            models.UniqueConstraint(fields=["region", "code"], name="element_unique_regional"),
        ]

    def __str__(self) -> str:
        return self.label
