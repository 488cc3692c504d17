"""Reads of a region's administrative tree."""

from __future__ import annotations

from dataclasses import dataclass, field

from kotacerdas.regions.models import Area, AreaLevel, Region


@dataclass
class AreaNode:
    area: Area
    children: list[AreaNode] = field(default_factory=list)


def area_tree(*, region: Region, max_level: int = AreaLevel.VILLAGE) -> list[AreaNode]:
    """The region's units down to `max_level` as a tree, read in one query."""
    areas = Area.objects.for_region(region).filter(level__lte=max_level).order_by("level", "name")
    nodes: dict[int, AreaNode] = {}
    roots: list[AreaNode] = []
    for area in areas:
        node = nodes[area.pk] = AreaNode(area)
        parent = nodes.get(area.parent_id) if area.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def area_counts(*, region: Region) -> dict[int, int]:
    """How many units the region has at each level."""
    from django.db.models import Count

    rows = Area.objects.for_region(region).values("level").annotate(n=Count("id")).order_by()
    return {row["level"]: row["n"] for row in rows}
