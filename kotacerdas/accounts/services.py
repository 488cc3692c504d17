"""Writes for users, memberships and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kotacerdas.accounts.models import ApiToken, Membership, User
from kotacerdas.accounts.roles import AGENCY_ROLES, AREA_ROLES, Role
from kotacerdas.agencies.models import Agency
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError
from kotacerdas.regions.models import Area, Region


class AccountError(ApplicationError):
    """A refused account change."""


AGENCY_REQUIRED = gettext_noop("This role acts for an agency: name the agency.")
AREA_REQUIRED = gettext_noop("This role acts for a neighbourhood: name the RT or RW.")
WRONG_REGION = gettext_noop("The agency or area belongs to another region.")
REGION_REQUIRED = gettext_noop("Every role except platform administrator belongs to a region.")
PLATFORM_ADMIN_UNSCOPED = gettext_noop("A platform administrator belongs to no region, agency or area.")
TOKEN_PREFIX_LENGTH = 8


@transaction.atomic
def user_create(
    *, username: str, password: str | None, full_name: str = "", email: str = "", actor: User | None
) -> User:
    """Create a person's account (password None: they must reset it before logging in)."""
    user = User(username=username, full_name=full_name, email=email)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    audit.record(actor=actor, action=AuditAction.USER_CREATED, target=user, after={"username": username})
    return user


def _check_membership_scope(role: str, region: Region | None, agency: Agency | None, area: Area | None) -> None:
    if role != Role.PLATFORM_ADMIN and region is None:
        raise AccountError(_(REGION_REQUIRED))
    if role == Role.PLATFORM_ADMIN and (region is not None or agency is not None or area is not None):
        raise AccountError(_(PLATFORM_ADMIN_UNSCOPED))
    if role in AGENCY_ROLES and agency is None:
        raise AccountError(_(AGENCY_REQUIRED), field="agency")
    if role in AREA_ROLES and area is None:
        raise AccountError(_(AREA_REQUIRED), field="area")
    for scoped in (agency, area):
        if scoped is not None and (region is None or scoped.region_id != region.pk):
            raise AccountError(_(WRONG_REGION))


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: str,
    region: Region | None,
    agency: Agency | None = None,
    area: Area | None = None,
    actor: User | None,
) -> Membership:
    """Give a user a role in a region (and agency or area); granting twice returns the same membership."""
    _check_membership_scope(role, region, agency, area)
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, region=region, agency=agency, area=area, defaults={"is_active": True}
    )
    if created or not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
        after = {"role": role, "agency": str(agency or ""), "area": str(area or "")}
        audit.record(actor=actor, action=AuditAction.MEMBERSHIP_GRANTED, target=membership, region=region, after=after)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: User | None) -> Membership:
    """Take a role away (the row stays, inactive, for the record); revoking twice changes nothing."""
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active", "updated_at"])
        before = {"role": membership.role, "agency": str(membership.agency or ""), "area": str(membership.area or "")}
        audit.record(
            actor=actor,
            action=AuditAction.MEMBERSHIP_REVOKED,
            target=membership,
            region=membership.region,
            before=before,
        )
    return membership


def _digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, actor: User) -> tuple[ApiToken, str]:
    """Issue a token; the plaintext is returned once and never stored."""
    plaintext = "kc_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name.strip(), prefix=plaintext[3 : 3 + TOKEN_PREFIX_LENGTH], digest=_digest(plaintext)
    )
    token.full_clean()
    token.save()
    audit.record(actor=actor, action=AuditAction.TOKEN_CREATED, target=token, after={"name": token.name})
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token; revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action=AuditAction.TOKEN_REVOKED, target=token, before={"name": token.name})
    return token


def api_token_authenticate(plaintext: str) -> User | None:
    """The active user behind a token, or None; notes when it was last used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(plaintext), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
