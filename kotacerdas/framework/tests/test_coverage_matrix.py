"""coverage_matrix: agencies × elements of the region, with the gaps on both sides."""

from __future__ import annotations

from kotacerdas.agencies.models import Agency
from kotacerdas.agencies.services import CapabilityChoice, capabilities_declare
from kotacerdas.core.testing import RegionTestCase, make_agency
from kotacerdas.framework import services
from kotacerdas.framework.models import Dimension, Element
from kotacerdas.framework.selectors import CoverageMatrix, coverage_gaps, coverage_matrix


def element(code: str) -> Element:
    return Element.objects.get(code=code, region=None)


def declare(agency: Agency, *codes: str) -> None:
    choices = [CapabilityChoice(element=element(code)) for code in codes]
    capabilities_declare(agency=agency, choices=choices, actor=None)


class CoverageMatrixTests(RegionTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        declare(cls.public_works, "living.harmony", "environment.waste")
        declare(cls.bappeda, "governance.public-policy", "living.harmony")

    def total_of(self, matrix: CoverageMatrix, code: str) -> int:
        return matrix.element_totals[[e.code for e in matrix.elements].index(code)]

    def test_it_has_a_row_per_active_agency_and_a_column_per_element(self) -> None:
        matrix = coverage_matrix(region=self.region)
        self.assertEqual(
            [row.agency for row in matrix.rows], [self.bappeda, self.diskominfo, self.public_works, self.inspektorat]
        )
        self.assertEqual(len(matrix.elements), 18)
        self.assertTrue(all(len(row.cells) == 18 for row in matrix.rows))
        self.assertEqual(len(matrix.dimensions), 6)

    def test_it_counts_each_agencys_elements(self) -> None:
        counts = {row.agency.slug: row.count for row in coverage_matrix(region=self.region).rows}
        self.assertEqual(counts, {"bappeda": 2, "diskominfo": 0, "dpupkp": 2, "inspektorat": 0})

    def test_it_totals_the_agencies_per_element(self) -> None:
        matrix = coverage_matrix(region=self.region)
        self.assertEqual(self.total_of(matrix, "living.harmony"), 2)
        self.assertEqual(self.total_of(matrix, "environment.waste"), 1)
        self.assertEqual(self.total_of(matrix, "living.health"), 0)
        self.assertEqual(sum(matrix.element_totals), 4)

    def test_it_lists_the_elements_nobody_supports(self) -> None:
        uncovered = {e.code for e in coverage_matrix(region=self.region).uncovered_elements}
        self.assertEqual(len(uncovered), 15)
        self.assertNotIn("living.harmony", uncovered)
        self.assertIn("living.health", uncovered)

    def test_it_lists_the_agencies_that_declared_nothing(self) -> None:
        self.assertEqual(coverage_matrix(region=self.region).silent_agencies, [self.diskominfo, self.inspektorat])

    def test_it_includes_the_regions_own_elements_only(self) -> None:
        society = Dimension.objects.get(code="society")
        own = services.element_create(
            dimension=society, region=self.region, code="s.own", name="A", name_en="A", actor=None
        )
        foreign = services.element_create(
            dimension=society, region=self.other_region, code="s.foreign", name="B", name_en="B", actor=None
        )
        elements = coverage_matrix(region=self.region).elements
        self.assertIn(own, elements)
        self.assertNotIn(foreign, elements)

    def test_it_leaves_out_inactive_agencies(self) -> None:
        Agency.objects.filter(pk=self.inspektorat.pk).update(is_active=False)
        self.assertNotIn(self.inspektorat, [row.agency for row in coverage_matrix(region=self.region).rows])

    def test_it_ignores_the_declarations_of_another_region(self) -> None:
        declare(self.other_agency, "living.health")
        matrix = coverage_matrix(region=self.region)
        self.assertEqual(self.total_of(matrix, "living.health"), 0)
        self.assertNotIn(self.other_agency, [row.agency for row in matrix.rows])

    def test_it_reads_the_same_number_of_queries_whatever_the_number_of_agencies(self) -> None:
        with self.assertNumQueries(4):
            coverage_matrix(region=self.region)
        for n in range(10):
            declare(make_agency(self.region, f"dinas-{n}"), "living.health")
        with self.assertNumQueries(4):
            matrix = coverage_matrix(region=self.region)
        self.assertEqual(len(matrix.rows), 14)


class CoverageGapsTests(RegionTestCase):
    """The dashboard's short way to the matrix's gaps: the same elements and the same number of silent agencies."""

    def assertSameGaps(self) -> None:
        matrix, gaps = coverage_matrix(region=self.region), coverage_gaps(region=self.region)
        self.assertEqual(gaps.uncovered_elements, matrix.uncovered_elements)
        self.assertEqual(gaps.silent_agencies, len(matrix.silent_agencies))

    def test_it_finds_the_same_gaps_as_the_matrix(self) -> None:
        self.assertSameGaps()
        declare(self.public_works, "living.harmony", "environment.waste")
        services.element_create(
            dimension=Dimension.objects.get(code="living"),
            code="living.sungai",
            name="Sungai",
            name_en="River",
            region=self.region,
            actor=None,
        )
        self.assertSameGaps()
        self.assertEqual(coverage_gaps(region=self.region).silent_agencies, 3)

    def test_it_leaves_out_what_an_inactive_agency_declared(self) -> None:
        declare(self.public_works, "living.harmony")
        Agency.objects.filter(pk=self.public_works.pk).update(is_active=False)
        self.assertIn(element("living.harmony"), coverage_gaps(region=self.region).uncovered_elements)
        self.assertSameGaps()
