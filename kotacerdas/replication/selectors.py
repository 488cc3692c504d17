"""Reads of replication: the public catalogue, a region's offers and imports, visits, mapping suggestions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from kotacerdas.agencies.models import Agency
from kotacerdas.framework.models import Element
from kotacerdas.monitoring.models import Indicator, IndicatorValue
from kotacerdas.planning.models import PlanningRound, Programme, RoundStatus
from kotacerdas.regions.models import Region
from kotacerdas.replication import matching
from kotacerdas.replication import template as tpl
from kotacerdas.replication.models import (
    ImportedProgramme,
    ImportRecord,
    ImportStatus,
    ReplicableProgramme,
    Visit,
    VisitDelegate,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def current_open_round(*, region: Region) -> PlanningRound | None:
    """The round imports go to: the region's latest open planning round."""
    return PlanningRound.objects.for_region(region).filter(status=RoundStatus.OPEN).order_by("-year", "-id").first()


def facts_of(agency: Agency) -> matching.AgencyFacts:
    return matching.AgencyFacts(agency.name, agency.short_name, agency.kind, agency.special_role)


# --- the public catalogue -----------------------------------------------------------------------


@dataclass
class Result:
    """One indicator of an offered programme: its baseline and the latest actual reported."""

    indicator: Indicator
    latest: IndicatorValue | None

    @property
    def baseline(self) -> Decimal | str | None:
        return (
            self.indicator.baseline_value if self.indicator.baseline_value is not None else self.indicator.baseline_text
        )


@dataclass
class CatalogueItem:
    offer: ReplicableProgramme
    lead_kind: StrOrPromise
    results: list[Result]

    @property
    def programme(self) -> Programme:
        return self.offer.programme


def catalogue(*, region: Region | None = None, dimension: str = "") -> list[CatalogueItem]:
    """Offered programmes (published, replicable) across regions, or of one region; four queries."""
    offers = (
        ReplicableProgramme.objects.offered()
        .select_related("region", "contact_agency", "programme__dimension", "programme__lead_agency")
        .prefetch_related(Prefetch("programme__elements", queryset=Element.objects.order_by("code")))
        .order_by("region__name", "programme__dimension__order", "code")
    )
    if region is not None:
        offers = offers.filter(region=region)
    if dimension:
        offers = offers.filter(programme__dimension__code=dimension)
    items = list(offers)
    results = _results([o.programme_id for o in items])
    return [
        CatalogueItem(o, matching.describe(facts_of(o.programme.lead_agency)), results[o.programme_id]) for o in items
    ]


def _results(programme_ids: list[int]) -> dict[int, list[Result]]:
    indicators = list(Indicator.objects.filter(programme_id__in=programme_ids))
    actuals = (
        IndicatorValue.objects.filter(indicator__in=indicators)
        .filter(Q(actual__isnull=False) | ~Q(actual_text=""))
        .select_related("period")
        .order_by("period__starts_on")
    )
    latest = {value.indicator_id: value for value in actuals}
    results: dict[int, list[Result]] = defaultdict(list)
    for indicator in indicators:
        results[indicator.programme_id].append(Result(indicator, latest.get(indicator.pk)))
    return results


# --- a region's own replication pages -----------------------------------------------------------


def offerable_programmes(*, region: Region) -> QuerySet[Programme]:
    """Published top-level programmes that are not cancelled, with their offer if any."""
    return (
        Programme.objects.for_region(region)
        .published()
        .top_level()
        .exclude(status="cancelled")
        .select_related("dimension", "replicable")
        .order_by("dimension__order", "title")
    )


def get_programme(*, region: Region, pk: int) -> Programme:
    programme = Programme.objects.for_region(region).select_related("replicable", "dimension").filter(pk=pk).first()
    if programme is None:
        raise Http404
    programme.region = region  # already loaded by the tenancy layer; saves a query per permission check
    return programme


def imports_of(*, region: Region) -> QuerySet[ImportRecord]:
    return ImportRecord.objects.for_region(region).select_related("source_region", "planning_round", "visit")


def get_import(*, region: Region, pk: int) -> ImportRecord:
    record = imports_of(region=region).filter(pk=pk).first()
    if record is None:
        raise Http404
    record.region = region
    return record


def imported_programmes(*, record: ImportRecord) -> list[ImportedProgramme]:
    return list(record.programmes.select_related("proposal__agency", "proposal__round"))


@dataclass
class MappingRow:
    """One agency of the template, what it does, and the agency of this region suggested for it."""

    entry: tpl.AgencyEntry
    described: StrOrPromise
    suggestion: Agency | None


def mapping_rows(*, region: Region, template: tpl.Template, keys: list[str]) -> list[MappingRow]:
    """The agencies to map, each with a suggestion by special role, name, function and kind."""
    candidates = [(a, facts_of(a)) for a in Agency.objects.for_region(region).filter(is_active=True)]
    rows = []
    for key in keys:
        entry = template.agency(key)
        facts = matching.AgencyFacts(entry.name, entry.short_name, entry.kind, entry.special_role)
        rows.append(MappingRow(entry, matching.describe(facts), matching.suggest(facts, candidates)))
    return rows


# --- visits -------------------------------------------------------------------------------------


def visits_of(*, region: Region) -> QuerySet[Visit]:
    """Visits the region made or hosted."""
    return Visit.objects.involving(region).select_related("region", "host_region", "host_agency")


def get_visit(*, region: Region, pk: int) -> Visit:
    visit = (
        visits_of(region=region)
        .prefetch_related(Prefetch("delegation", queryset=VisitDelegate.objects.select_related("agency")))
        .prefetch_related(Prefetch("programmes_studied", queryset=Programme.objects.order_by("title")))
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


@dataclass
class FollowUp:
    """An import that followed a visit: what was taken home (both regions may read this)."""

    record: ImportRecord
    titles: list[str]


def follow_ups(*, visit: Visit) -> list[FollowUp]:
    records = ImportRecord.objects.filter(visit=visit, status=ImportStatus.IMPORTED).select_related("region")
    records = records.order_by("imported_at")
    return [FollowUp(r, [_title(p) for p in r.template.get("programmes", [])]) for r in records]


def _title(programme: Any) -> str:
    return str(programme.get("title", "")) if isinstance(programme, dict) else ""


def visits_for_import(*, region: Region) -> QuerySet[Visit]:
    """The visits an import of this region may follow up."""
    return visits_of(region=region).order_by("-visited_on")
