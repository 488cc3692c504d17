"""Every audited action, as one enum of dotted codes (notifications and webhooks read these)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    REGION_CREATED = "regions.region.created", _("Region created")
    REGION_UPDATED = "regions.region.updated", _("Region updated")
    AREA_CREATED = "regions.area.created", _("Administrative unit created")
    AGENCY_CREATED = "agencies.agency.created", _("Agency created")
    AGENCY_UPDATED = "agencies.agency.updated", _("Agency updated")
    CAPABILITY_DECLARED = "agencies.capability.declared", _("Capability declared")
    CAPABILITY_CHANGED = "agencies.capability.changed", _("Capability note changed")
    CAPABILITY_WITHDRAWN = "agencies.capability.withdrawn", _("Capability withdrawn")
    ELEMENT_CREATED = "framework.element.created", _("Element created")
    ELEMENT_UPDATED = "framework.element.updated", _("Element updated")
    DIMENSION_UPDATED = "framework.dimension.updated", _("Dimension updated")
    USER_CREATED = "accounts.user.created", _("User created")
    MEMBERSHIP_GRANTED = "accounts.membership.granted", _("Role granted")
    MEMBERSHIP_REVOKED = "accounts.membership.revoked", _("Role revoked")
    PASSWORD_CHANGED = "accounts.password.changed", _("Password changed")
    TOKEN_CREATED = "accounts.token.created", _("API token created")
    TOKEN_REVOKED = "accounts.token.revoked", _("API token revoked")
