"""The SVG map of requests: points placed inside the frame, north up, east right, a lone point in the middle."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from kotacerdas.servicerequests import maps
from kotacerdas.servicerequests.models import ServiceRequest


def at(lat: str | None, long: str | None) -> ServiceRequest:
    return ServiceRequest(lat=None if lat is None else Decimal(lat), long=None if long is None else Decimal(long))


class PlotTests(SimpleTestCase):
    def test_it_places_points_inside_the_frame_north_up_and_east_right(self) -> None:
        north_west, south_east = at("-7.780000", "110.350000"), at("-7.820000", "110.390000")
        plotted = maps.plot([north_west, south_east])
        assert plotted is not None
        first, second = plotted.points
        self.assertEqual((first.request, second.request), (north_west, south_east))
        self.assertLess(first.x, second.x)
        self.assertLess(first.y, second.y)
        for point in plotted.points:
            self.assertTrue(maps.MARGIN <= point.x <= maps.WIDTH - maps.MARGIN, point)
            self.assertTrue(maps.MARGIN <= point.y <= maps.HEIGHT - maps.MARGIN, point)

    def test_it_puts_a_lone_point_in_the_middle(self) -> None:
        plotted = maps.plot([at("-7.801234", "110.364567")])
        assert plotted is not None
        self.assertEqual([(p.x, p.y) for p in plotted.points], [(maps.WIDTH // 2, maps.HEIGHT // 2)])

    def test_it_skips_requests_without_a_point_and_draws_nothing_without_any(self) -> None:
        self.assertIsNone(maps.plot([at(None, None)]))
        self.assertIsNone(maps.plot([]))
        plotted = maps.plot([at(None, None), at("-7.8", "110.36")])
        assert plotted is not None
        self.assertEqual(len(plotted.points), 1)

    def test_it_keeps_the_proportions_of_the_ground(self) -> None:
        """One kilometre east and one kilometre north are drawn the same length (at Yogyakarta's latitude)."""
        centre, east, north = at("-7.8", "110.36"), at("-7.8", "110.369066"), at("-7.791007", "110.36")
        plotted = maps.plot([centre, east, north])
        assert plotted is not None
        c, e, n = plotted.points
        self.assertAlmostEqual(e.x - c.x, c.y - n.y, delta=1)
