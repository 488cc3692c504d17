"""The geometry of the server-side SVG charts (stacked bars, a line over the years) and their markup."""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string
from django.test import SimpleTestCase
from django.utils.translation import override

from kotacerdas.core.charts import PALETTE, line_chart, stacked_bars


def geometry(chart_rows: list) -> list[list[tuple[float, float, str]]]:  # type: ignore[type-arg]
    return [[(s.x, s.width, s.colour) for s in row.segments] for row in chart_rows]


class StackedBarsTests(SimpleTestCase):
    def test_it_scales_every_row_to_the_largest_total_and_stacks_left_to_right(self) -> None:
        chart = stacked_bars([("Living", [2, 2]), ("Economy", [1, 0])], ["Planned", "Running"])
        # 340 wide, 120 for the labels, 30 for the value: 190 units stand for the largest total, 4.
        self.assertEqual(
            geometry(chart.rows),
            [
                [(120.0, 95.0, PALETTE[0]), (215.0, 95.0, PALETTE[1])],
                [(120.0, 47.5, PALETTE[0]), (167.5, 0.0, PALETTE[1])],
            ],
        )
        self.assertEqual([(r.label, r.y, r.total) for r in chart.rows], [("Living", 4, 4.0), ("Economy", 26, 1.0)])
        self.assertEqual((chart.width, chart.height, chart.label_width, chart.label_x), (340, 52, 120, 114))

    def test_it_keeps_each_segments_value_and_series_name(self) -> None:
        chart = stacked_bars([("Living", [3, 1])], ["Planned", "Running"])
        self.assertEqual([(s.label, s.value) for s in chart.rows[0].segments], [("Planned", 3.0), ("Running", 1.0)])
        self.assertEqual(chart.legend, [("Planned", PALETTE[0]), ("Running", PALETTE[1])])

    def test_it_uses_a_fixed_maximum_when_given(self) -> None:
        chart = stacked_bars([("Living", [50.0]), ("Economy", [100.0])], ["%"], maximum=100)
        self.assertEqual([row.segments[0].width for row in chart.rows], [95.0, 190.0])

    def test_it_respects_custom_sizes(self) -> None:
        chart = stacked_bars([("A", [1]), ("B", [2]), ("C", [4])], ["n"], width=500, label_width=100, row_height=30)
        self.assertEqual([row.segments[0].width for row in chart.rows], [92.5, 185.0, 370.0])
        self.assertEqual([row.y for row in chart.rows], [4, 34, 64])
        self.assertEqual(chart.height, 98)

    def test_it_cycles_the_palette_beyond_six_series(self) -> None:
        chart = stacked_bars([("A", [1] * 8)], [f"s{i}" for i in range(8)])
        self.assertEqual([s.colour for s in chart.rows[0].segments], [*PALETTE, PALETTE[0], PALETTE[1]])

    def test_it_draws_empty_bars_without_dividing_by_zero(self) -> None:
        chart = stacked_bars([("A", [0, 0]), ("B", [0, 0])], ["x", "y"])
        self.assertEqual([s.width for row in chart.rows for s in row.segments], [0.0] * 4)
        empty = stacked_bars([], ["x"])
        self.assertEqual((empty.rows, empty.height), ([], 8))

    def test_it_writes_svg_coordinates_with_a_dot_and_one_decimal(self) -> None:
        chart = stacked_bars([("A", [1, 2]), ("B", [0, 0])], ["x", "y"])
        first, second = chart.rows[0].segments
        self.assertEqual(
            (first.svg_x, first.svg_width, second.svg_x, second.svg_width), ("120.0", "63.3", "183.3", "126.7")
        )
        self.assertEqual((chart.rows[0].svg_y, chart.rows[0].svg_value_x), ("4.0", "314.0"))
        self.assertEqual(chart.rows[1].svg_value_x, "124.0")

    def test_it_renders_dots_in_the_svg_even_on_an_indonesian_page(self) -> None:
        chart = stacked_bars([("Smart Living", [1, 2])], ["Planned", "Running"])
        with override("id"):
            svg = render_to_string("core/_bar_chart.html", {"chart": chart, "title": "Program", "suffix": ""})
        self.assertIn('<rect x="183.3" y="4.0" width="126.7" height="16" fill="#c7862a">', svg)
        self.assertIn('role="img" aria-label="Program"', svg)
        self.assertIn("<title>Smart Living · Running: 2</title>", svg)
        self.assertNotIn('="183,3"', svg)


class LineChartTests(SimpleTestCase):
    def test_it_spreads_the_years_evenly_on_a_0_to_5_scale(self) -> None:
        chart = line_chart([("2024", 2.5), ("2025", 5), ("2026", 0)])
        # 28 padding on each side: x from 28 to 312, y from 132 (0) up to 28 (5).
        self.assertEqual(
            [(p.label, p.x, p.y, p.value) for p in chart.points],
            [
                ("2024", 28.0, 80.0, 2.5),
                ("2025", 170.0, 28.0, 5.0),
                ("2026", 312.0, 132.0, 0.0),
            ],
        )
        self.assertEqual(chart.path, "28.0,80.0 170.0,28.0 312.0,132.0")
        self.assertEqual((chart.axis_y, chart.axis_end, chart.label_y, chart.maximum), (132, 312, 150, 5.0))

    def test_it_takes_decimal_indexes(self) -> None:
        chart = line_chart([("2025", Decimal("3.20"))])
        [point] = chart.points
        self.assertEqual((point.x, point.value), (28.0, 3.2))
        self.assertAlmostEqual(point.y, 132 - 104 * 3.2 / 5)
        self.assertEqual((point.svg_x, point.svg_y, chart.path), ("28.0", "65.4", "28.0,65.4"))

    def test_it_uses_a_custom_scale_and_size(self) -> None:
        chart = line_chart([("a", 50), ("b", 100)], maximum=100, width=200, height=100)
        self.assertEqual([(p.x, p.y) for p in chart.points], [(28.0, 50.0), (172.0, 28.0)])

    def test_it_draws_nothing_without_values(self) -> None:
        chart = line_chart([])
        self.assertEqual((chart.points, chart.path), ([], ""))

    def test_it_renders_dots_in_the_svg_even_on_an_indonesian_page(self) -> None:
        chart = line_chart([("2025", Decimal("3.25")), ("2026", Decimal("3.5"))])
        with override("id"):
            svg = render_to_string("core/_line_chart.html", {"chart": chart, "title": "Indeks"})
        self.assertIn('<polyline points="28.0,64.4 312.0,59.2" class="line"/>', svg)
        self.assertIn('<circle cx="312.0" cy="59.2" r="4" class="dot"><title>2026: 3,50</title></circle>', svg)
