"""Reads of the framework: the dimensions with their elements and the coverage matrix."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch

from kotacerdas.agencies.models import Agency, Capability
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.regions.models import Region


def dimensions_with_elements(*, region: Region | None) -> list[Dimension]:
    """The six dimensions, each with its national elements plus the region's own."""
    elements = Element.objects.for_region(region).order_by("order", "code")
    return list(Dimension.objects.prefetch_related(Prefetch("elements", queryset=elements, to_attr="region_elements")))


@dataclass
class CoverageRow:
    agency: Agency
    cells: list[bool]

    @property
    def count(self) -> int:
        return sum(self.cells)


@dataclass
class CoverageMatrix:
    """Agencies × elements: who declared what, and the gaps."""

    dimensions: list[Dimension]
    elements: list[Element]
    rows: list[CoverageRow]
    element_totals: list[int]

    @property
    def uncovered_elements(self) -> list[Element]:
        return [e for e, total in zip(self.elements, self.element_totals, strict=True) if total == 0]

    @property
    def silent_agencies(self) -> list[Agency]:
        return [row.agency for row in self.rows if row.count == 0]


def coverage_matrix(*, region: Region) -> CoverageMatrix:
    """Build the matrix in three queries, whatever the number of agencies."""
    dimensions = dimensions_with_elements(region=region)
    elements = [e for d in dimensions for e in d.region_elements]  # type: ignore[attr-defined]
    agencies = list(Agency.objects.for_region(region).filter(is_active=True).order_by("name"))
    declared = set(Capability.objects.for_region(region).values_list("agency_id", "element_id"))
    rows = [CoverageRow(a, [(a.pk, e.pk) in declared for e in elements]) for a in agencies]
    totals = [sum(row.cells[i] for row in rows) for i in range(len(elements))]
    return CoverageMatrix(dimensions=dimensions, elements=elements, rows=rows, element_totals=totals)


@dataclass
class CoverageGaps:
    """The matrix's gaps without the matrix: elements no active agency supports, agencies that declared nothing."""

    uncovered_elements: list[Element]
    silent_agencies: int


def coverage_gaps(*, region: Region) -> CoverageGaps:
    """The same gaps as `coverage_matrix`, in two queries that return only the gaps (for the dashboard)."""
    supported = Capability.objects.for_region(region).filter(element=OuterRef("pk"), agency__is_active=True)
    uncovered = (
        Element.objects.for_region(region)
        .exclude(Exists(supported))
        .order_by("dimension__order", "dimension__code", "order", "code")
    )
    declared = Capability.objects.for_region(region).filter(agency=OuterRef("pk"))
    silent = Agency.objects.for_region(region).filter(is_active=True).exclude(Exists(declared)).count()
    return CoverageGaps(uncovered_elements=list(uncovered), silent_agencies=silent)
