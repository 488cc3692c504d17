"""A map without JavaScript or tiles: the requests' points drawn in an SVG, each a link to its request page.

An equirectangular projection is exact enough at a city's scale; the frame fits the points shown, with
a minimum span so that a single point (or a cluster in one street) sits in the middle, not in a corner.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from kotacerdas.servicerequests.models import ServiceRequest

WIDTH = 320
HEIGHT = 240
MARGIN = 12
MIN_SPAN = 0.005  # degrees, about 550 m


@dataclass(frozen=True)
class MapPoint:
    x: int
    y: int
    request: ServiceRequest


@dataclass(frozen=True)
class RequestMap:
    width: int
    height: int
    points: list[MapPoint]


def plot(requests: Iterable[ServiceRequest]) -> RequestMap | None:
    """The requests that have a map point, placed in a WIDTH × HEIGHT frame; None when none has one."""
    located = [r for r in requests if r.lat is not None and r.long is not None]
    if not located:
        return None
    lats = [float(r.lat) for r in located]  # type: ignore[arg-type]
    longs = [float(r.long) for r in located]  # type: ignore[arg-type]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))  # a degree of longitude is shorter
    span_x = max((max(longs) - min(longs)) * squeeze, MIN_SPAN)
    span_y = max(max(lats) - min(lats), MIN_SPAN)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
    centre_x = (min(longs) + max(longs)) / 2
    centre_y = (min(lats) + max(lats)) / 2
    points = [
        MapPoint(
            x=round(WIDTH / 2 + (long - centre_x) * squeeze * scale),
            y=round(HEIGHT / 2 - (lat - centre_y) * scale),
            request=request,
        )
        for request, lat, long in zip(located, lats, longs, strict=True)
    ]
    return RequestMap(WIDTH, HEIGHT, points)
