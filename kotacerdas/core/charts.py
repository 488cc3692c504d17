"""Geometry for the small SVG charts the templates draw on the server (no JavaScript, numbers in a table beside)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

PALETTE = ["#0b5d4b", "#c7862a", "#3f7cac", "#8a5a9b", "#a4262c", "#6b8f71"]


def _n(value: float) -> str:
    """An SVG coordinate: a dot as decimal separator whatever the page's language."""
    return f"{value:.1f}"


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    colour: str
    label: str
    value: float

    @property
    def svg_x(self) -> str:
        return _n(self.x)

    @property
    def svg_width(self) -> str:
        return _n(self.width)


@dataclass(frozen=True)
class BarRow:
    label: str
    y: float
    segments: list[Segment]
    total: float

    @property
    def svg_y(self) -> str:
        return _n(self.y)

    @property
    def svg_value_x(self) -> str:
        end = self.segments[-1].x + self.segments[-1].width if self.segments else 0.0
        return _n(end + 4)


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, stacked when a row has several values; width and height in SVG units."""

    rows: list[BarRow]
    width: int
    height: int
    label_width: int
    legend: list[tuple[str, str]]

    @property
    def label_x(self) -> int:
        return self.label_width - 6


def stacked_bars(
    rows: list[tuple[str, list[float]]],
    series: list[str],
    *,
    maximum: float | None = None,
    width: int = 340,
    label_width: int = 120,
    row_height: int = 22,
) -> BarChart:
    """Lay out one horizontal bar per row, its values stacked left to right in series order."""
    top = maximum or max((sum(values) for _label, values in rows), default=0) or 1
    span = width - label_width - 30
    out = []
    for index, (label, values) in enumerate(rows):
        x = float(label_width)
        segments = []
        for s, value in enumerate(values):
            w = span * float(value) / float(top)
            segments.append(Segment(x, w, PALETTE[s % len(PALETTE)], series[s], float(value)))
            x += w
        out.append(BarRow(label, index * row_height + 4, segments, float(sum(values))))
    legend = [(name, PALETTE[i % len(PALETTE)]) for i, name in enumerate(series)]
    return BarChart(out, width, len(rows) * row_height + 8, label_width, legend)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: float

    @property
    def svg_x(self) -> str:
        return _n(self.x)

    @property
    def svg_y(self) -> str:
        return _n(self.y)


@dataclass(frozen=True)
class LineChart:
    points: list[Point]
    path: str
    width: int
    height: int
    maximum: float

    @property
    def axis_y(self) -> int:
        return self.height - 28

    @property
    def axis_end(self) -> int:
        return self.width - 28

    @property
    def label_y(self) -> int:
        return self.height - 10


def line_chart(
    values: list[tuple[str, float | Decimal]], *, maximum: float = 5.0, width: int = 340, height: int = 160
) -> LineChart:
    """Points left to right on a 0..maximum scale, with the polyline through them."""
    pad = 28
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = [
        Point(pad + i * step, height - pad - (height - 2 * pad) * float(v) / maximum, label, float(v))
        for i, (label, v) in enumerate(values)
    ]
    path = " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points)
    return LineChart(points, path, width, height, maximum)
