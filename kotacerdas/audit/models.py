"""The audit log: who did what, when, to which object, with before and after."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotacerdas.audit.actions import AuditAction

if TYPE_CHECKING:
    from kotacerdas.regions.models import Region


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_region(self, region: Region) -> AuditEntryQuerySet:
        return self.filter(region=region)


class AuditEntry(models.Model):
    """One recorded change. Rows are only ever inserted."""

    region = models.ForeignKey(  # no index of its own: it leads audit_region_recent_idx
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        db_index=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    # No `choices` here: each room adds codes to AuditAction, and that must not need a migration.
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("object type"), max_length=64)
    target_id = models.CharField(_("object id"), max_length=64)
    target_label = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["region", "-id"], name="audit_region_recent_idx"),
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action
