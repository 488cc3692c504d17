"""area_tree: the region's units as a tree, in one query."""

from __future__ import annotations

from kotacerdas.core.testing import RegionTestCase
from kotacerdas.regions import services
from kotacerdas.regions.models import AreaLevel
from kotacerdas.regions.selectors import AreaNode, area_counts, area_tree


def names(nodes: list[AreaNode]) -> list[str]:
    return [node.area.name for node in nodes]


class AreaTreeTests(RegionTestCase):
    def test_it_nests_villages_under_their_districts(self) -> None:
        tree = area_tree(region=self.region)
        self.assertEqual(names(tree), ["Wirobrajan"])
        self.assertEqual(names(tree[0].children), ["Patangpuluhan"])
        self.assertEqual(tree[0].children[0].children, [])

    def test_it_goes_down_to_rt_when_asked(self) -> None:
        tree = area_tree(region=self.region, max_level=AreaLevel.RT)
        rw = tree[0].children[0].children[0]
        self.assertEqual(rw.area, self.rw)
        self.assertEqual(names(rw.children), ["RT 01"])

    def test_it_orders_siblings_by_name(self) -> None:
        services.area_create(region=self.region, parent=None, kind="kemantren", name="Danurejan", actor=None)
        services.area_create(region=self.region, parent=self.kemantren, kind="kelurahan", name="Pakuncen", actor=None)
        tree = area_tree(region=self.region)
        self.assertEqual(names(tree), ["Danurejan", "Wirobrajan"])
        self.assertEqual(names(tree[1].children), ["Pakuncen", "Patangpuluhan"])

    def test_it_leaves_out_other_regions(self) -> None:
        services.area_create(region=self.other_region, parent=None, kind="kecamatan", name="Selangit", actor=None)
        self.assertEqual(names(area_tree(region=self.region)), ["Wirobrajan"])
        self.assertEqual(names(area_tree(region=self.other_region)), ["Selangit"])

    def test_it_reads_the_tree_in_one_query(self) -> None:
        with self.assertNumQueries(1):
            area_tree(region=self.region, max_level=AreaLevel.RT)


class AreaCountsTests(RegionTestCase):
    def test_it_counts_the_units_per_level(self) -> None:
        services.area_create(region=self.region, parent=self.kemantren, kind="kelurahan", name="Pakuncen", actor=None)
        self.assertEqual(area_counts(region=self.region), {1: 1, 2: 2, 3: 1, 4: 1})

    def test_it_counts_nothing_for_an_empty_region(self) -> None:
        self.assertEqual(area_counts(region=self.other_region), {})
