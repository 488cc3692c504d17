"""Every write of replication: offering a programme, importing a template as proposals, recording a visit.

What an import creates (and why): one DRAFT proposal per template programme in the region's current open
planning round, owned by the mapped lead agency, so the agency completes it and Bappeda decides on it as on
any proposal. The proposal takes what a proposal can hold; the rest of the template programme (parts,
indicators with suggested targets, milestones as durations, applications, services, jimpitan defaults,
contact and supporting agencies) is kept as `ImportedProgramme.carry`, read through the import's agency
mapping. Nothing is created in other rooms before Bappeda decides: no services in the live catalogue, no
indicators on a programme that does not exist yet. Re-exporting the region reads the proposal and the carry
back (see exporting.py), which is what makes the round trip lossless.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Perm
from kotacerdas.accounts.selectors import has_perm
from kotacerdas.agencies.models import Agency
from kotacerdas.audit import services as audit
from kotacerdas.audit.actions import AuditAction
from kotacerdas.core.errors import ApplicationError, Conflict, NotAllowed
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.planning.models import PlanningRound, Programme, ProgrammeStatus, Proposal
from kotacerdas.planning.services import PlanningError, ProposalData, proposal_create
from kotacerdas.regions.models import Region
from kotacerdas.replication import template as tpl
from kotacerdas.replication.models import (
    ImportAgencyMap,
    ImportedProgramme,
    ImportRecord,
    ImportStatus,
    ReplicableProgramme,
    Visit,
    VisitDelegate,
)
from kotacerdas.replication.selectors import current_open_round
from kotacerdas.servicerequests.models import Service


class ReplicationError(ApplicationError):
    """A refused replication step."""


NOT_PERMITTED = gettext_noop("Your role does not allow this action.")
NOT_PUBLISHED = gettext_noop("Only a published, top-level programme that is not cancelled can be offered.")
CODE_TAKEN = gettext_noop("Another offered programme of this region already uses this code.")
AGENCY_OUTSIDE_REGION = gettext_noop("Choose agencies of this region only.")
SERVICE_OUTSIDE_REGION = gettext_noop("Choose services of this region's catalogue only.")
JIMPITAN_INVALID = gettext_noop(
    "The jimpitan defaults do not add up: a nightly scheme needs a nightly amount, a monthly one a tariff "
    "(paid in cash), and the watch must start and end at different times."
)
NO_OPEN_ROUND = gettext_noop("This region has no open planning round; Bappeda opens one before importing.")
ELEMENT_MISSING = gettext_noop(
    "Programme “%(programme)s” uses the element “%(code)s” (%(name)s), which this region's framework does not "
    "have. Add the element to the framework first, or import a template without it."
)
ELEMENT_ELSEWHERE = gettext_noop(
    "Programme “%(programme)s”: in this region the element “%(code)s” belongs to another dimension."
)
DIMENSION_MISSING = gettext_noop("The template uses the dimension “%(code)s”, which this platform does not know.")
AGENCIES_UNMAPPED = gettext_noop("Choose an agency of this region for: %(names)s.")
MAPPED_OUTSIDE_REGION = gettext_noop("Map only to active agencies of this region.")
NOT_PREPARED = gettext_noop("This import is already done or discarded.")
VISIT_UNRELATED = gettext_noop("Choose a visit this region made or hosted.")
VISIT_HOST_INVALID = gettext_noop("Choose another active region as the host, and an agency of that region.")
VISIT_DELEGATION_INVALID = gettext_noop("The delegation consists of agencies of this region, one of them its head.")
VISIT_PROGRAMME_INVALID = gettext_noop("Programmes studied must be published programmes of the host region.")
PROPOSAL_INVALID = gettext_noop("Programme “%(programme)s” cannot become a proposal here: %(problem)s")


def _require(actor: User, perm: Perm, region: Region) -> None:
    if not has_perm(actor, perm, region):
        raise NotAllowed(_(NOT_PERMITTED))


# --- offering a programme -----------------------------------------------------------------------


@dataclass
class OfferData:
    """What Bappeda shares about a published programme it offers to other regions."""

    code: str
    what_it_delivers: str
    contact_agency: Agency
    started_on: dt.date
    app_name: str = ""
    app_needs: str = ""
    services: list[Service] = field(default_factory=list)
    jimpitan: tpl.JimpitanEntry | None = None

    SCALARS = ("code", "what_it_delivers", "contact_agency", "started_on", "app_name", "app_needs")


def _check_offer(programme: Programme, data: OfferData) -> None:
    if not programme.is_published or programme.parent_id or programme.status == ProgrammeStatus.CANCELLED:
        raise ReplicationError(_(NOT_PUBLISHED))
    if data.contact_agency.region_id != programme.region_id:
        raise ReplicationError(_(AGENCY_OUTSIDE_REGION), field="contact_agency")
    if any(s.region_id != programme.region_id for s in data.services):
        raise ReplicationError(_(SERVICE_OUTSIDE_REGION), field="services")
    taken = ReplicableProgramme.objects.for_region(programme.region).filter(code=data.code)
    if taken.exclude(programme=programme).exists():
        raise ReplicationError(_(CODE_TAKEN), field="code")
    if data.jimpitan is not None:
        check_jimpitan(data.jimpitan)


def check_jimpitan(defaults: tpl.JimpitanEntry) -> None:
    """The rules of jimpitan's Fund, checked on the defaults a programme recommends."""
    nightly_ok = defaults.scheme == "nightly" and defaults.nightly_amount > 0
    monthly_ok = defaults.scheme == "monthly" and defaults.monthly_tariff > 0 and defaults.payment == "cash"
    if not (nightly_ok or monthly_ok) or defaults.watch_start == defaults.watch_end:
        raise ReplicationError(_(JIMPITAN_INVALID), field="jimpitan")


@transaction.atomic
def offer_save(*, programme: Programme, data: OfferData, actor: User) -> ReplicableProgramme:
    """Offer a published programme in the catalogue, or change what its offer shares."""
    region = programme.region
    _require(actor, Perm.REPLICATION_OFFER, region)
    _check_offer(programme, data)
    offer = ReplicableProgramme.objects.select_for_update().filter(programme=programme).first()
    creating = offer is None
    offer = offer or ReplicableProgramme(region=region, programme=programme, offered_by=actor)
    before = None if creating else _offer_snapshot(offer)
    for name in OfferData.SCALARS:
        setattr(offer, name, getattr(data, name))
    offer.jimpitan = None if data.jimpitan is None else data.jimpitan.model_dump(mode="json")
    _validated(offer).save()
    offer.services.set(data.services)
    audit.record(
        actor=actor,
        action=AuditAction.REPLICATION_PROGRAMME_MARKED,
        target=offer,
        region=region,
        before=before,
        after=_offer_snapshot(offer),
    )
    return offer


def _offer_snapshot(offer: ReplicableProgramme) -> dict[str, Any]:
    return {
        "programme": offer.programme_id,
        "code": offer.code,
        "contact_agency": offer.contact_agency.slug,
        "started_on": offer.started_on.isoformat(),
        "app_name": offer.app_name,
        "services": sorted(offer.services.values_list("code", flat=True)) if offer.pk else [],
        "jimpitan": offer.jimpitan,
    }


@transaction.atomic
def offer_withdraw(*, offer: ReplicableProgramme, actor: User) -> ReplicableProgramme:
    """Take a programme out of the catalogue (imports made from it stay as they are)."""
    _require(actor, Perm.REPLICATION_OFFER, offer.region)
    before = _offer_snapshot(offer)
    audit.record(
        actor=actor, action=AuditAction.REPLICATION_PROGRAMME_UNMARKED, target=offer, region=offer.region, before=before
    )
    offer.delete()
    return offer


def _validated(obj: Any) -> Any:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ReplicationError("; ".join(error.messages)) from error
    return obj


# --- importing a template -----------------------------------------------------------------------


@transaction.atomic
def import_prepare(
    *, region: Region, template: tpl.Template, source_region: Region | None = None, actor: User
) -> ImportRecord:
    """Keep a read template for the mapping step; refuse it first if this region cannot take it."""
    _require(actor, Perm.REPLICATION_IMPORT, region)
    _check_fits(region, template)
    if source_region is None:
        source_region = Region.objects.filter(slug=template.source.region_slug, is_active=True).first()
    record = ImportRecord.objects.create(
        region=region,
        source_region=source_region if source_region != region else None,
        source_name=template.source.region,
        template=template.model_dump(mode="json"),
        prepared_by=actor,
    )
    after = {"source": template.source.region, "programmes": [p.code for p in template.programmes]}
    audit.record(actor=actor, action=AuditAction.REPLICATION_IMPORT_PREPARED, target=record, region=region, after=after)
    return record


def _check_fits(region: Region, template: tpl.Template) -> PlanningRound:
    """The region has an open round, and every dimension and element the template uses."""
    planning_round = current_open_round(region=region)
    if planning_round is None:
        raise ReplicationError(_(NO_OPEN_ROUND))
    known = set(Dimension.objects.values_list("code", flat=True))
    for dimension in template.dimensions:
        if dimension.code not in known:
            raise ReplicationError(_(DIMENSION_MISSING) % {"code": dimension.code})
    elements = {e.code: e.dimension.code for e in Element.objects.for_region(region).select_related("dimension")}
    names = {e.code: e.name for e in template.elements}
    for programme in template.programmes:
        for code in programme.elements:
            fill = {"programme": programme.title, "code": code, "name": names.get(code, "")}
            if code not in elements:
                raise ReplicationError(_(ELEMENT_MISSING) % fill, field="template")
            if elements[code] != programme.dimension:
                raise ReplicationError(_(ELEMENT_ELSEWHERE) % fill, field="template")
    return planning_round


@dataclass
class PlannedProposal:
    """What the import will create for one template programme."""

    code: str
    title: str
    lead: Agency
    dimension: str
    elements: list[str]
    parts: int
    indicators: int
    milestones: int
    applications: int
    services: int
    has_jimpitan: bool
    imported_before: list[ImportedProgramme]


@dataclass
class ImportPlan:
    """The dry run: the round the proposals go to and one line per proposal; nothing is written."""

    planning_round: PlanningRound
    proposals: list[PlannedProposal]


def import_plan(*, record: ImportRecord, mapping: dict[str, Agency]) -> ImportPlan:
    """Check everything the import checks and say what it would create (the dry run)."""
    template = tpl.from_data(record.template)
    planning_round = _check_fits(record.region, template)
    _check_mapping(record.region, template, mapping)
    earlier = _earlier_imports(record)
    proposals = [_planned(p, mapping, earlier.get(p.code, [])) for p in template.programmes]
    return ImportPlan(planning_round, proposals)


def used_agency_keys(template: tpl.Template) -> list[str]:
    """Every agency key the programmes and their services name, each once, in template order."""
    used = {key for p in template.programmes for key in tpl.agency_keys(p)}
    used |= {s.agency for p in template.programmes for s in template.services_of(p)}
    return [a.key for a in template.agencies if a.key in used]


def _check_mapping(region: Region, template: tpl.Template, mapping: dict[str, Agency]) -> None:
    missing = [template.agency(key).name for key in used_agency_keys(template) if key not in mapping]
    if missing:
        raise ReplicationError(_(AGENCIES_UNMAPPED) % {"names": ", ".join(missing)}, field="mapping")
    if any(a.region_id != region.pk or not a.is_active for a in mapping.values()):
        raise ReplicationError(_(MAPPED_OUTSIDE_REGION), field="mapping")


def _earlier_imports(record: ImportRecord) -> dict[str, list[ImportedProgramme]]:
    """Programmes of this template imported into the region before (a warning, not a refusal)."""
    earlier: dict[str, list[ImportedProgramme]] = {}
    rows = ImportedProgramme.objects.for_region(record.region).filter(
        code__in=record.programme_codes, record__source_name=record.source_name, record__status=ImportStatus.IMPORTED
    )
    for row in rows.select_related("record", "proposal"):
        earlier.setdefault(row.code, []).append(row)
    return earlier


def _planned(programme: tpl.ProgrammeEntry, mapping: dict[str, Agency], before: list[Any]) -> PlannedProposal:
    return PlannedProposal(
        code=programme.code,
        title=programme.title,
        lead=mapping[programme.lead_agency],
        dimension=programme.dimension,
        elements=list(programme.elements),
        parts=len(programme.parts),
        indicators=len(programme.indicators),
        milestones=len(programme.milestones),
        applications=len(programme.applications),
        services=len(programme.services),
        has_jimpitan=programme.jimpitan is not None,
        imported_before=before,
    )


@transaction.atomic
def import_complete(
    *, record: ImportRecord, mapping: dict[str, Agency], visit: Visit | None = None, actor: User
) -> ImportRecord:
    """Create the draft proposals and keep what they cannot hold: all of it, or nothing (one transaction)."""
    region = record.region
    _require(actor, Perm.REPLICATION_IMPORT, region)
    locked = ImportRecord.objects.select_for_update().filter(pk=record.pk, status=ImportStatus.PREPARED).first()
    if locked is None:
        raise Conflict(_(NOT_PREPARED))
    if visit is not None and region.pk not in (visit.region_id, visit.host_region_id):
        raise ReplicationError(_(VISIT_UNRELATED), field="visit")
    plan = import_plan(record=locked, mapping=mapping)
    template = tpl.from_data(locked.template)
    for programme in template.programmes:
        _import_programme(locked, template, programme, mapping, plan.planning_round, actor)
    _keep_mapping(locked, template, mapping)
    now = timezone.now()
    ImportRecord.objects.filter(pk=locked.pk).update(
        status=ImportStatus.IMPORTED,
        planning_round=plan.planning_round,
        visit=visit,
        imported_by=actor,
        imported_at=now,
        updated_at=now,
    )
    locked.refresh_from_db()
    after = {"round": plan.planning_round.pk, "programmes": [p.code for p in template.programmes]}
    audit.record(
        actor=actor,
        action=AuditAction.REPLICATION_IMPORT_COMPLETED,
        target=locked,
        region=region,
        before={"status": ImportStatus.PREPARED},
        after={**after, "status": ImportStatus.IMPORTED, "visit": visit.pk if visit else None},
    )
    return locked


def _keep_mapping(record: ImportRecord, template: tpl.Template, mapping: dict[str, Agency]) -> None:
    ImportAgencyMap.objects.bulk_create(
        [
            ImportAgencyMap(region=record.region, record=record, key=key, agency=mapping[key])
            for key in used_agency_keys(template)
        ]
    )


def _import_programme(
    record: ImportRecord,
    template: tpl.Template,
    programme: tpl.ProgrammeEntry,
    mapping: dict[str, Agency],
    planning_round: PlanningRound,
    actor: User,
) -> ImportedProgramme:
    data = _proposal_data(record.region, programme)
    proposal = _draft_for_agency(planning_round, mapping[programme.lead_agency], data, actor)
    carry = {
        "programme": programme.model_dump(mode="json"),
        "services": [s.model_dump(mode="json") for s in template.services_of(programme)],
    }
    return ImportedProgramme.objects.create(
        region=record.region, record=record, code=programme.code, proposal=proposal, carry=carry
    )


def _proposal_data(region: Region, programme: tpl.ProgrammeEntry) -> ProposalData:
    needs = "\n\n".join(f"{app.name}: {app.needs}" if app.name else app.needs for app in programme.applications)
    return ProposalData(
        title=programme.title,
        description=programme.description,
        dimension=Dimension.objects.get(code=programme.dimension),
        horizon=programme.horizon,
        beneficiaries=programme.beneficiaries,
        funding_source=programme.funding_source,
        elements=list(Element.objects.for_region(region).filter(code__in=programme.elements)),
        needs_digitalisation=bool(needs),
        digitalisation_needs=needs,
    )


def _draft_for_agency(planning_round: PlanningRound, agency: Agency, data: ProposalData, actor: User) -> Proposal:
    """A draft proposal of the mapped lead agency, drafted by Bappeda through the planning room's own service."""
    try:
        return proposal_create(planning_round=planning_round, agency=agency, data=data, actor=actor)
    except PlanningError as error:
        raise ReplicationError(_(PROPOSAL_INVALID) % {"programme": data.title, "problem": error.message}) from error


@transaction.atomic
def import_discard(*, record: ImportRecord, actor: User) -> ImportRecord:
    """Drop a prepared import that will not go ahead (its template is kept for the record)."""
    _require(actor, Perm.REPLICATION_IMPORT, record.region)
    still = ImportRecord.objects.filter(pk=record.pk, status=ImportStatus.PREPARED)
    if still.update(status=ImportStatus.DISCARDED, updated_at=timezone.now()) != 1:
        raise Conflict(_(NOT_PREPARED))
    record.status = ImportStatus.DISCARDED
    audit.record(
        actor=actor,
        action=AuditAction.REPLICATION_IMPORT_DISCARDED,
        target=record,
        region=record.region,
        before={"status": ImportStatus.PREPARED},
        after={"status": ImportStatus.DISCARDED},
    )
    return record


# --- visits -------------------------------------------------------------------------------------


@dataclass
class VisitData:
    host_region: Region
    host_agency: Agency
    visited_on: dt.date
    topics: str
    delegation: list[Agency]
    head: Agency
    programmes: list[Programme] = field(default_factory=list)


def _check_visit(region: Region, data: VisitData) -> None:
    host = data.host_region
    if host.pk == region.pk or not host.is_active or data.host_agency.region_id != host.pk:
        raise ReplicationError(_(VISIT_HOST_INVALID), field="host_agency")
    members = [*data.delegation, data.head]
    if any(a.region_id != region.pk for a in members):
        raise ReplicationError(_(VISIT_DELEGATION_INVALID), field="delegation")
    if any(p.region_id != host.pk or not p.is_published for p in data.programmes):
        raise ReplicationError(_(VISIT_PROGRAMME_INVALID), field="programmes")


@transaction.atomic
def visit_record(*, region: Region, data: VisitData, actor: User) -> Visit:
    """Record a benchmarking visit this region made; the host region sees it too."""
    _require(actor, Perm.VISIT_RECORD, region)
    _check_visit(region, data)
    visit = Visit(
        region=region,
        host_region=data.host_region,
        host_agency=data.host_agency,
        visited_on=data.visited_on,
        topics=data.topics,
        recorded_by=actor,
    )
    _validated(visit).save()
    visit.programmes_studied.set(data.programmes)
    others = [a for a in dict.fromkeys(data.delegation) if a.pk != data.head.pk]
    VisitDelegate.objects.bulk_create(
        [VisitDelegate(region=region, visit=visit, agency=data.head, is_head=True)]
        + [VisitDelegate(region=region, visit=visit, agency=a) for a in others]
    )
    after = {
        "host": data.host_region.slug,
        "visited_on": data.visited_on.isoformat(),
        "delegation": sorted(a.slug for a in [data.head, *others]),
        "head": data.head.slug,
    }
    audit.record(actor=actor, action=AuditAction.REPLICATION_VISIT_RECORDED, target=visit, region=region, after=after)
    return visit
