"""Writes for agencies and their declared capabilities."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kotacerdas.accounts.models import User
from kotacerdas.agencies.models import Agency, Capability
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError
from kotacerdas.framework.models import Element
from kotacerdas.regions.models import Area, Region


class AgencyError(ApplicationError):
    """A refused agency or capability change."""


ELEMENT_NOT_IN_REGION = gettext_noop("This element is not part of the region's framework.")


@transaction.atomic
def agency_create(
    *,
    region: Region,
    name: str,
    slug: str,
    kind: str,
    short_name: str = "",
    special_role: str = "",
    parent: Agency | None = None,
    area: Area | None = None,
    description: str = "",
    website: str = "",
    actor: User | None,
) -> Agency:
    """Register an agency (OPD) of a region."""
    agency = Agency(
        region=region,
        name=name,
        slug=slug,
        kind=kind,
        short_name=short_name,
        special_role=special_role,
        parent=parent,
        area=area,
        description=description,
        website=website,
    )
    agency.full_clean()
    agency.save()
    audit.record(
        actor=actor,
        action=AuditAction.AGENCY_CREATED,
        target=agency,
        region=region,
        after={"name": name, "kind": kind, "special_role": special_role},
    )
    return agency


@dataclass(frozen=True)
class CapabilityChoice:
    """One element an agency says it can support, with its note."""

    element: Element
    note: str = ""


@transaction.atomic
def capabilities_declare(*, agency: Agency, choices: list[CapabilityChoice], actor: User | None) -> list[Capability]:
    """Replace the agency's declared elements with `choices`; each addition, change and withdrawal is audited."""
    allowed = set(Element.objects.for_region(agency.region).values_list("pk", flat=True))
    wanted = {choice.element.pk: choice for choice in choices}
    if not set(wanted) <= allowed:
        raise AgencyError(_(ELEMENT_NOT_IN_REGION))
    current = {cap.element_id: cap for cap in Capability.objects.select_for_update().filter(agency=agency)}
    for element_id in current.keys() - wanted.keys():
        _capability_withdraw(current[element_id], actor)
    for element_id, choice in wanted.items():
        if element_id in current:
            _capability_renote(current[element_id], choice.note, actor)
        else:
            _capability_add(agency, choice, actor)
    return list(Capability.objects.filter(agency=agency).select_related("element"))


def _capability_add(agency: Agency, choice: CapabilityChoice, actor: User | None) -> None:
    cap = Capability(region=agency.region, agency=agency, element=choice.element, note=choice.note, declared_by=actor)
    cap.full_clean()
    cap.save()
    after = {"element": choice.element.code, "note": choice.note}
    audit.record(actor=actor, action=AuditAction.CAPABILITY_DECLARED, target=cap, region=agency.region, after=after)


def _capability_renote(cap: Capability, note: str, actor: User | None) -> None:
    if cap.note == note:
        return
    before = {"note": cap.note}
    cap.note = note
    cap.declared_by = actor
    cap.full_clean()
    cap.save(update_fields=["note", "declared_by", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.CAPABILITY_CHANGED,
        target=cap,
        region=cap.region,
        before=before,
        after={"note": note},
    )


def _capability_withdraw(cap: Capability, actor: User | None) -> None:
    before = {"element": cap.element.code, "note": cap.note}
    audit.record(actor=actor, action=AuditAction.CAPABILITY_WITHDRAWN, target=cap, region=cap.region, before=before)
    cap.delete()
