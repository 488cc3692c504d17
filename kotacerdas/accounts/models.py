"""Users, their memberships (user × region × agency/area × role) and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotacerdas.accounts.roles import Role
from kotacerdas.core.models import TimeStampedModel


class User(AbstractUser):
    """A person (or a machine client's owner); roles come from memberships."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Session(AbstractBaseSession):
    """Django's session row, with the id of the user its data names beside it (accounts.sessions).

    The session of a logged-in user is read on every request, and then the user and their memberships: with the
    id in a column of its own, one statement reads all three (accounts.membership_rows.session_with_user). Not a
    foreign key: the data decides who is logged in, as in Django, and a session naming a deleted user stays as
    harmless as Django leaves it; the column is only where to look first.
    """

    user_id = models.BigIntegerField(_("user id"), null=True, blank=True, editable=False)

    @classmethod
    def get_session_store_class(cls) -> type:
        from kotacerdas.accounts.sessions import SessionStore

        return SessionStore


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)


class Membership(TimeStampedModel):
    """Ties a user to a region and, where the role needs it, an agency or an RT/RW."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("agency")
    )
    area = models.ForeignKey(
        "regions.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.PLATFORM_ADMIN, region__isnull=True)
                | (~Q(role=Role.PLATFORM_ADMIN) & Q(region__isnull=False)),
                name="membership_region_unless_platform_admin",
            ),
            models.UniqueConstraint(
                fields=["user", "region", "role", "agency", "area"], name="membership_unique_grant"
            ),
        ]
        indexes = [models.Index(fields=["region", "role"], name="membership_region_role_idx")]

    def __str__(self) -> str:
        where = self.agency or self.area or self.region or _("platform")
        return f"{self.user} · {self.get_role_display()} · {where}"


class ApiToken(TimeStampedModel):
    """A bearer token for a machine client; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
