"""Reads that build a template from a region's programme set (no writes).

Two kinds of programme feed one assembler, so a round trip (export, import elsewhere, export again) meets
the same code on both sides:

1. an offered programme (`ReplicableProgramme`): its published programme, published parts, indicators with
   the latest target as the suggestion, milestones as days after the offer's start date, and what the offer
   shares (what it delivers, contact agency, application, services, jimpitan defaults);
2. an imported programme still on its way through planning (`ImportedProgramme`): the fields its proposal
   holds (title, description, dimension, elements, horizon, beneficiaries, funding, lead agency) read from
   the live proposal, everything else from what the import kept (`carry`), its agencies read through the
   import's agency mapping.

Agencies get template keys ("agency-1", ...) in the order the programmes (sorted by code) name them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from kotacerdas.agencies.models import Agency
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.monitoring.models import Indicator, IndicatorValue, Milestone
from kotacerdas.planning.models import Programme, ProposalStatus
from kotacerdas.regions.models import Region
from kotacerdas.replication import template as tpl
from kotacerdas.replication.models import ImportedProgramme, ImportStatus, ReplicableProgramme
from kotacerdas.servicerequests.models import Service, ServiceAttribute

LEFT_BEHIND = (ProposalStatus.REJECTED, ProposalStatus.MERGED)


@dataclass
class PartSource:
    title: str
    kind: str
    description: str
    weight: int | None
    lead: Agency
    indicators: list[tpl.IndicatorEntry]
    milestones: list[tpl.MilestoneEntry]
    parts: list[PartSource]


@dataclass
class ServiceSource:
    fields: dict[str, Any]  # a ServiceEntry without its agency
    agency: Agency


@dataclass
class ProgrammeSource:
    """One programme of the set, its agencies resolved to this region's Agency rows."""

    code: str
    title: str
    description: str
    dimension: Dimension
    elements: list[Element]
    horizon: str
    beneficiaries: str
    funding_source: str
    what_it_delivers: str
    lead: Agency
    contact: Agency
    supporters: list[tuple[Agency, str]] = field(default_factory=list)
    parts: list[PartSource] = field(default_factory=list)
    indicators: list[tpl.IndicatorEntry] = field(default_factory=list)
    milestones: list[tpl.MilestoneEntry] = field(default_factory=list)
    applications: list[tpl.ApplicationEntry] = field(default_factory=list)
    services: list[ServiceSource] = field(default_factory=list)
    jimpitan: tpl.JimpitanEntry | None = None


# --- the public set: offered programmes ---------------------------------------------------------

_ELEMENTS = Element.objects.select_related("dimension")
_SERVICES = Service.objects.select_related("agency").prefetch_related(
    Prefetch("attributes", queryset=ServiceAttribute.objects.order_by("order", "id"))
)


def offers_for_export(*, region: Region, codes: Iterable[str] | None = None) -> list[ReplicableProgramme]:
    offers = (
        ReplicableProgramme.objects.for_region(region)
        .offered()
        .select_related("programme__dimension", "programme__lead_agency", "contact_agency")
        .prefetch_related(Prefetch("programme__elements", queryset=_ELEMENTS), "programme__supporters__agency")
        .prefetch_related(Prefetch("services", queryset=_SERVICES))
    )
    if codes is not None:
        offers = offers.filter(code__in=list(codes))
    return list(offers)


def template_of_offers(*, region: Region, codes: Iterable[str] | None = None) -> tpl.Template | None:
    """The public template of the region's offered programmes (all, or those with the given codes)."""
    sources = [_from_offer(offer) for offer in offers_for_export(region=region, codes=codes)]
    return assemble(region=region, sources=sources) if sources else None


def _from_offer(offer: ReplicableProgramme) -> ProgrammeSource:
    programme = offer.programme
    children = _published_children(programme)
    return ProgrammeSource(
        code=offer.code,
        title=programme.title,
        description=programme.description,
        dimension=programme.dimension,
        elements=list(programme.elements.all()),
        horizon=programme.horizon,
        beneficiaries=programme.beneficiaries,
        funding_source=programme.funding_source,
        what_it_delivers=offer.what_it_delivers,
        lead=programme.lead_agency,
        contact=offer.contact_agency,
        supporters=sorted(((s.agency, s.role) for s in programme.supporters.all()), key=lambda s: s[0].name),
        parts=[_part(child, children, offer) for child in children.get(programme.pk, [])],
        indicators=_indicators(programme),
        milestones=_milestones(programme, offer),
        applications=[tpl.ApplicationEntry(name=offer.app_name, needs=offer.app_needs)] if offer.app_needs else [],
        services=[_service(s) for s in sorted(offer.services.all(), key=lambda s: s.code)],
        jimpitan=tpl.JimpitanEntry.model_validate(offer.jimpitan) if offer.jimpitan else None,
    )


def _published_children(programme: Programme) -> dict[int, list[Programme]]:
    """Published parts of the programme (two levels), by parent id, in title order."""
    rows = (
        Programme.objects.filter(Q(parent=programme) | Q(parent__parent=programme), is_published=True)
        .select_related("lead_agency")
        .order_by("title", "id")
    )
    by_parent: dict[int, list[Programme]] = defaultdict(list)
    for row in rows:
        by_parent[row.parent_id or 0].append(row)
    return by_parent


def _part(child: Programme, children: dict[int, list[Programme]], offer: ReplicableProgramme) -> PartSource:
    return PartSource(
        title=child.title,
        kind=child.kind,
        description=child.description,
        weight=child.weight,
        lead=child.lead_agency,
        indicators=_indicators(child),
        milestones=_milestones(child, offer),
        parts=[_part(grandchild, children, offer) for grandchild in children.get(child.pk, [])],
    )


def _indicators(programme: Programme) -> list[tpl.IndicatorEntry]:
    """The programme's indicators; the suggested target is the target of the latest period that has one."""
    indicators = list(Indicator.objects.filter(programme=programme))
    targets = (
        IndicatorValue.objects.filter(indicator__in=indicators)
        .filter(Q(target__isnull=False) | ~Q(target_text=""))
        .order_by("period__starts_on")
    )
    latest = {value.indicator_id: value for value in targets}
    return [
        tpl.IndicatorEntry(
            title=i.title,
            measure=i.measure,  # type: ignore[arg-type]
            unit=i.unit,
            direction=i.direction,  # type: ignore[arg-type]
            suggested_target=_target(latest.get(i.pk)),
        )
        for i in indicators
    ]


def _target(value: IndicatorValue | None) -> tpl.TargetEntry | None:
    if value is None:
        return None
    number = None if value.target is None else f"{value.target:.2f}"
    return tpl.TargetEntry(value=number, text=value.target_text)


def _milestones(programme: Programme, offer: ReplicableProgramme) -> list[tpl.MilestoneEntry]:
    return [
        tpl.MilestoneEntry(title=m.title, after_days=(m.planned_date - offer.started_on).days)
        for m in Milestone.objects.filter(programme=programme)
    ]


def _service(service: Service) -> ServiceSource:
    attributes = [
        tpl.ServiceAttributeEntry(
            code=a.code,
            datatype=a.datatype,  # type: ignore[arg-type]
            required=a.required,
            description=a.description,
            datatype_description=a.datatype_description,
            values=[tpl.ChoiceEntry(key=str(v.get("key", "")), name=str(v.get("name", ""))) for v in a.values],
        )
        for a in service.attributes.all()
    ]
    fields = {
        "code": service.code,
        "name": service.name,
        "description": service.description,
        "group": service.group,
        "keywords": service.keywords,
        "type": service.type,
        "response_minutes": service.response_minutes,
        "resolution_minutes": service.resolution_minutes,
        "attributes": attributes,
    }
    return ServiceSource(fields=fields, agency=service.agency)


# --- the region's own set: offered plus imported programmes -------------------------------------


def imported_for_export(*, region: Region) -> list[ImportedProgramme]:
    """Imported programmes still on their way: not rejected or merged, not yet offered as a programme."""
    rows = (
        ImportedProgramme.objects.for_region(region)
        .filter(record__status=ImportStatus.IMPORTED)
        .exclude(proposal__status__in=LEFT_BEHIND)
        .exclude(proposal__programme__replicable__isnull=False)
        .select_related("proposal__dimension", "proposal__agency", "record")
        .prefetch_related(Prefetch("proposal__elements", queryset=_ELEMENTS), "record__agency_maps__agency")
        .order_by("code", "-record__imported_at", "-id")
    )
    latest: dict[str, ImportedProgramme] = {}
    for row in rows:
        latest.setdefault(row.code, row)  # imported twice: the latest import stands
    return list(latest.values())


def template_of_region(*, region: Region, codes: Iterable[str] | None = None) -> tpl.Template | None:
    """The region's whole set for its own staff: offered programmes, then imported ones not offered yet."""
    offers = offers_for_export(region=region, codes=codes)
    taken = {offer.code for offer in offers}
    wanted = None if codes is None else set(codes)
    imported = [
        row
        for row in imported_for_export(region=region)
        if row.code not in taken and (wanted is None or row.code in wanted)
    ]
    sources = [_from_offer(o) for o in offers] + [_from_import(i) for i in imported]
    return assemble(region=region, sources=sources) if sources else None


def _from_import(row: ImportedProgramme) -> ProgrammeSource:
    proposal = row.proposal
    entry = tpl.ProgrammeEntry.model_validate(row.carry["programme"])
    agencies = {m.key: m.agency for m in row.record.agency_maps.all()}
    services = [tpl.ServiceEntry.model_validate(s) for s in row.carry["services"]]
    return ProgrammeSource(
        code=row.code,
        title=proposal.title,
        description=proposal.description,
        dimension=proposal.dimension,
        elements=list(proposal.elements.all()),
        horizon=proposal.horizon,
        beneficiaries=proposal.beneficiaries,
        funding_source=proposal.funding_source,
        what_it_delivers=entry.what_it_delivers,
        lead=proposal.agency,
        contact=agencies[entry.contact_agency],
        supporters=[(agencies[s.agency], s.role) for s in entry.supporting_agencies],
        parts=[_carried_part(p, agencies) for p in entry.parts],
        indicators=list(entry.indicators),
        milestones=list(entry.milestones),
        applications=list(entry.applications),
        services=[ServiceSource(fields=_without_agency(s), agency=agencies[s.agency]) for s in services],
        jimpitan=entry.jimpitan,
    )


def _carried_part(part: tpl.PartEntry, agencies: dict[str, Agency]) -> PartSource:
    return PartSource(
        title=part.title,
        kind=part.kind,
        description=part.description,
        weight=part.weight,
        lead=agencies[part.lead_agency],
        indicators=list(part.indicators),
        milestones=list(part.milestones),
        parts=[_carried_part(p, agencies) for p in part.parts],
    )


def _without_agency(service: tpl.ServiceEntry) -> dict[str, Any]:
    fields = {name: getattr(service, name) for name in tpl.ServiceEntry.model_fields if name != "agency"}
    fields["attributes"] = list(service.attributes)
    return fields


# --- assembling ---------------------------------------------------------------------------------


class _Keys:
    """Template keys for agencies, handed out in the order the programmes name them."""

    def __init__(self) -> None:
        self.entries: dict[int, tpl.AgencyEntry] = {}

    def __call__(self, agency: Agency) -> str:
        if agency.pk not in self.entries:
            self.entries[agency.pk] = tpl.AgencyEntry(
                key=f"agency-{len(self.entries) + 1}",
                name=agency.name,
                short_name=agency.short_name,
                kind=agency.kind,  # type: ignore[arg-type]
                special_role=agency.special_role,  # type: ignore[arg-type]
            )
        return self.entries[agency.pk].key


def assemble(*, region: Region, sources: list[ProgrammeSource]) -> tpl.Template:
    """Turn resolved programmes into the template; agencies, services, elements and dimensions are collected."""
    keys = _Keys()
    services: dict[str, tpl.ServiceEntry] = {}
    programmes = [_programme_entry(source, keys, services) for source in sorted(sources, key=lambda s: s.code)]
    elements = {e.code: e for source in sources for e in source.elements}
    dimensions = {source.dimension.code: source.dimension for source in sources}
    return tpl.Template(
        format=tpl.FORMAT,
        version=tpl.VERSION,
        source=tpl.Source(
            region=region.name,
            region_slug=region.slug,
            region_kind=region.kind,
            exported_at=timezone.now().isoformat(timespec="seconds"),
        ),
        dimensions=[_dimension_entry(d) for d in sorted(dimensions.values(), key=lambda d: (d.order, d.code))],
        elements=[_element_entry(e) for _code, e in sorted(elements.items())],
        agencies=list(keys.entries.values()),
        services=[services[code] for code in sorted(services)],
        programmes=programmes,
    )


def _programme_entry(source: ProgrammeSource, keys: _Keys, services: dict[str, tpl.ServiceEntry]) -> tpl.ProgrammeEntry:
    lead, contact = keys(source.lead), keys(source.contact)
    supporters = [tpl.SupporterEntry(agency=keys(agency), role=role) for agency, role in source.supporters]
    parts = [_part_entry(part, keys) for part in source.parts]
    for service in source.services:
        code = service.fields["code"]
        services.setdefault(code, tpl.ServiceEntry(**service.fields, agency=keys(service.agency)))
    return tpl.ProgrammeEntry(
        code=source.code,
        title=source.title,
        description=source.description,
        dimension=source.dimension.code,
        elements=sorted(e.code for e in source.elements),
        horizon=source.horizon,  # type: ignore[arg-type]
        beneficiaries=source.beneficiaries,
        funding_source=source.funding_source,  # type: ignore[arg-type]
        what_it_delivers=source.what_it_delivers,
        lead_agency=lead,
        contact_agency=contact,
        supporting_agencies=supporters,
        parts=parts,
        indicators=source.indicators,
        milestones=source.milestones,
        applications=source.applications,
        services=sorted(s.fields["code"] for s in source.services),
        jimpitan=source.jimpitan,
    )


def _part_entry(part: PartSource, keys: _Keys) -> tpl.PartEntry:
    lead = keys(part.lead)
    return tpl.PartEntry(
        title=part.title,
        kind=part.kind,  # type: ignore[arg-type]
        description=part.description,
        weight=part.weight,
        lead_agency=lead,
        indicators=part.indicators,
        milestones=part.milestones,
        parts=[_part_entry(p, keys) for p in part.parts],
    )


def _dimension_entry(dimension: Dimension) -> tpl.DimensionEntry:
    return tpl.DimensionEntry(code=dimension.code, name=dimension.name, name_en=dimension.name_en)


def _element_entry(element: Element) -> tpl.ElementEntry:
    return tpl.ElementEntry(
        code=element.code, dimension=element.dimension.code, name=element.name, name_en=element.name_en
    )
