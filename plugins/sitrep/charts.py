"""Bar charts as plain geometry, drawn as inline SVG by the theme (no JavaScript)."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .dates import month_name
from .indexes import MonthCount

WIDTH = 640
HEIGHT = 120
MAX_SLOT = 48  # a chart of few bars stays narrow instead of drawing slabs
AXIS = 18  # room for tick labels under the bars
GAP = 0.15  # share of each slot left empty between bars
# Chart and map labels are 11px; 7px a character is the digits of DejaVu Sans, the theme's wide fallback font
# (Chromium draws "May 2016" 54.2px wide, estimated 56): labels are kept apart by their estimated width.
CHAR_WIDTH = 7.0
LABEL_GAP = 4.0  # clear space between two tick labels, enough for the odd wider glyph ("May" is 22.8px)


class Point(NamedTuple):  # not a dataclass: 100,000 points and bars at 1,000 reports, made 3 times faster
    """One bar's data: what it counts, its tooltip, an optional link and tick label."""

    count: int
    label: str
    url: str | None = None
    tick: str | None = None
    major: bool = False  # a year's start: its tick is placed first, the others give way to it


class Bar(NamedTuple):
    """A bar's geometry (in viewBox units, as fixed-precision text) and its data."""

    x: str
    y: str
    width: str
    height: str
    point: Point


class Tick(NamedTuple):
    """A label under the axis."""

    x: str
    label: str


@dataclass(frozen=True)
class Chart:
    """A whole chart: size, bars, ticks, and a text summary for screen readers."""

    width: int
    height: int
    baseline: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    summary: str

    @property
    def linked(self) -> bool:
        """Return True if any bar links somewhere (the chart is then a group of links, not an image)."""
        return any(bar.point.url for bar in self.bars)


def svg_number(value: float, places: int = 2) -> str:
    """Format an SVG coordinate so output is byte-stable."""
    return repr(round(value, places))  # repr of a rounded float is the shortest exact text: fast and stable


def text_width(text: str) -> float:
    """Estimate the width of an 11px label, on the wide side."""
    return CHAR_WIDTH * len(text)


def bar_chart(points: Sequence[Point], summary: str, width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Lay out one bar per point, scaled to the largest count, and the tick labels that fit."""
    slot = min(MAX_SLOT, width / max(1, len(points)))
    spans = _tick_spans(points, slot, width)
    # A narrow chart widens to hold its last label: one bar of 48 units is narrower than "Jan 2016".
    right = max((end for _, end in spans.values()), default=0.0)
    width = max(round(slot * max(1, len(points))), math.ceil(right))
    top = max((p.count for p in points), default=0) or 1
    plot = height - AXIS
    xs, bar_width, levels = _positions(slot, len(points)), svg_number(slot * (1 - GAP)), _levels(plot, top)
    bars = tuple(_bar(x, levels(point.count), bar_width, point) for x, point in zip(xs, points, strict=True))
    ticks = tuple(Tick(svg_number(spans[index][0]), points[index].tick or "") for index in sorted(spans))
    return Chart(width, height, svg_number(plot), bars, ticks, summary)


def _tick_spans(points: Sequence[Point], slot: float, limit: float) -> dict[int, tuple[float, float]]:
    """Return the (start, end) of each tick label drawn, by bar: majors first, then left to right, none touching."""
    order = sorted((index for index, point in enumerate(points) if point.tick), key=lambda i: not points[i].major)
    spans: dict[int, tuple[float, float]] = {}
    for index in order:
        span = _tick_span(index * slot, text_width(points[index].tick or ""), limit)
        if span and not any(span[0] < end + LABEL_GAP and start < span[1] + LABEL_GAP for start, end in spans.values()):
            spans[index] = span
    return spans


def _tick_span(x: float, width: float, limit: float) -> tuple[float, float] | None:
    """Return a label's (start, end) from x, moved left to end by the limit; None if it is wider than that."""
    start = min(x, limit - width)
    return (start, start + width) if start >= 0 else None


def _bar(x: str, level: tuple[str, str], width: str, point: Point) -> Bar:
    """Return a bar at x of the given (y, height)."""
    return Bar(x, level[0], width, level[1], point)


@functools.lru_cache(maxsize=256)
def _positions(slot: float, bars: int) -> tuple[str, ...]:
    """Return the x of each bar (charts of as many bars share them: 100,000 bars at 1,000 reports)."""
    return tuple(svg_number(index * slot + slot * GAP / 2) for index in range(bars))


def _levels(plot: float, top: int) -> Callable[[int], tuple[str, str]]:
    """Return the (y, height) of a bar by its count, each worked out once (most bars share a few counts)."""

    @functools.cache
    def level(count: int) -> tuple[str, str]:
        tall = plot * count / top
        return svg_number(plot - tall), svg_number(tall)

    return level


def _month_tick(month: MonthCount, first: bool, months: int) -> str | None:
    """Label months when there are few (years on January and the first), else years only."""
    if months <= 24:
        short = month_name(month.month)[:3]
        return f"{short} {month.year}" if first or month.month == 1 else short
    return str(month.year) if first or month.month == 1 else None


@functools.lru_cache(maxsize=4096)
def month_label(month: MonthCount) -> str:
    """Return a month's bar label, 'January 2016: 3 reports' (charts of every entity share the same few thousand)."""
    return f"{month_name(month.month)} {month.year}: {month.count} report{'' if month.count == 1 else 's'}"


def monthly_chart(activity: Sequence[MonthCount], subject: str) -> Chart:
    """Chart reports per month; years label their first month shown."""
    points = [
        Point(
            month.count,
            month_label(month),
            tick=_month_tick(month, index == 0, len(activity)),
            major=month.month == 1,  # a year's start stays labelled, its neighbours give way
        )
        for index, month in enumerate(activity)
    ]
    busiest = max(activity, key=lambda m: (m.count, -m.year, -m.month), default=None)
    summary = f"Reports per month naming {subject}"
    if busiest:
        summary += f"; busiest {month_name(busiest.month)} {busiest.year} with {busiest.count}"
    return bar_chart(points, summary)
