"""Located places and the map drawn at build time as inline SVG: no tiles, no network."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .charts import svg_number, text_width
from .entities import Registry, name_order
from .indexes import EntityEntry, EntityIndex
from .slugs import slugify

WIDTH = 640
LOCATOR_WIDTH = 240
PADDING_DEGREES = 1.5
LABELLED = 10  # the busiest places get a name on the map


@dataclass(frozen=True)
class Place:
    """A registered location with coordinates, and its reports if any."""

    name: str
    slug: str
    region: str | None
    lat: float
    lon: float
    entry: EntityEntry | None

    @property
    def count(self) -> int:
        """Return the number of reports naming the place."""
        return self.entry.count if self.entry else 0

    @property
    def url(self) -> str | None:
        """Return the place's page, if it has one."""
        return self.entry.ref.url if self.entry else None


def places(registry: Registry, index: EntityIndex) -> list[Place]:
    """Return every registered location with lat and lon, A–Z."""
    entries = {e.ref.name: e for e in index.facets["locations"]}
    found = [
        Place(e.name, slugify(e.name), e.region, e.lat, e.lon, entries.get(e.name))
        for e in registry.entities.get("locations", ())
        if e.lat is not None and e.lon is not None
    ]
    return sorted(found, key=lambda p: name_order(p.name))


def geojson(found: Sequence[Place], generated: str) -> str:
    """Write data/locations.geojson: a FeatureCollection, coordinates [lon, lat]."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
            "properties": {
                "name": p.name,
                "slug": p.slug,
                "region": p.region,
                "reports": p.count,
                "first": p.entry.first.iso() if p.entry else None,
                "last": p.entry.last.iso() if p.entry else None,
                "url": p.url,
            },
        }
        for p in found
    ]
    data = {"type": "FeatureCollection", "generated": generated, "features": features}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class Circle:
    """A place drawn on the map."""

    x: str
    y: str
    r: str
    place: Place
    label: bool
    highlight: bool
    label_x: str
    label_y: str
    anchor: str  # of the name's text: "end" when the name is left of the circle


@dataclass(frozen=True)
class Line:
    """A graticule line with its label."""

    x1: str
    y1: str
    x2: str
    y2: str
    label: str


@dataclass(frozen=True)
class MapView:
    """A drawn map: its size, country outlines, graticule and circles."""

    width: int
    height: int
    lines: tuple[Line, ...]
    circles: tuple[Circle, ...]
    outlines: tuple[str, ...] = ()


OUTLINES = Path(__file__).parent / "data" / "countries.geojson"  # made by tools/make_outlines.py


@lru_cache(maxsize=1)
def outlines() -> tuple[tuple[tuple[tuple[float, float], ...], ...], ...]:
    """Load country outlines (Natural Earth 1:110m) as polygons of rings of (lon, lat)."""
    features = json.loads(OUTLINES.read_text(encoding="utf-8"))["features"]
    return tuple(
        tuple(tuple((x, y) for x, y in ring) for ring in polygon)
        for feature in features
        for polygon in feature["geometry"]["coordinates"]
    )


@lru_cache(maxsize=8)  # every locator map shares one frame: project the outlines once
def _paths(frame: _Frame) -> tuple[str, ...]:
    """Project the outlines that meet the frame into SVG path data."""
    paths = []
    for polygon in outlines():
        xs = [x for ring in polygon for x, _ in ring]
        ys = [y for ring in polygon for _, y in ring]
        if max(xs) < frame.west or min(xs) > frame.east or max(ys) < frame.south or min(ys) > frame.north:
            continue
        rings = (" ".join(_xy(frame, lon, lat) for lon, lat in ring) for ring in polygon)
        paths.append(" ".join(f"M{r}Z" for r in rings))
    return tuple(paths)


def _xy(frame: _Frame, lon: float, lat: float) -> str:
    """Return one projected point as 'x,y'."""
    x, y = frame.point(lat, lon)
    return f"{svg_number(x, 1)},{svg_number(y, 1)}"


@dataclass(frozen=True)
class _Frame:
    """An equirectangular projection fitted to a bounding box."""

    west: float
    east: float
    south: float
    north: float
    width: int

    @property
    def x_scale(self) -> float:
        return self.width / (self.east - self.west)

    @property
    def y_scale(self) -> float:
        # Shrink longitude by the cosine of the middle latitude, so shapes are not stretched.
        return self.x_scale / math.cos(math.radians((self.north + self.south) / 2))

    @property
    def height(self) -> int:
        return max(1, round((self.north - self.south) * self.y_scale))

    def point(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.west) * self.x_scale, (self.north - lat) * self.y_scale


def _frame(found: Sequence[Place], width: int) -> _Frame:
    """Fit a frame around the places, with a margin and at least 4° each way."""
    lats, lons = [p.lat for p in found] or [0.0], [p.lon for p in found] or [0.0]
    south, north = _span(min(lats), max(lats))
    west, east = _span(min(lons), max(lons))
    return _Frame(west, east, south, north, width)


def _span(low: float, high: float) -> tuple[float, float]:
    """Pad a coordinate range and widen it to at least 4 degrees."""
    middle, half = (low + high) / 2, max((high - low) / 2 + PADDING_DEGREES, 2.0)
    return middle - half, middle + half


GRID_STEPS = (1, 2, 5, 10, 20, 30, 45, 60, 90)  # degrees; 45 and up for places half a world apart


def _graticule(frame: _Frame) -> tuple[Line, ...]:
    """Draw meridians and parallels at most 8 apart across: every 1, 2, 5 ... 90 degrees."""
    step = next((s for s in GRID_STEPS if (frame.east - frame.west) / s <= 8), GRID_STEPS[-1])
    lines = []
    for lon in range(math.ceil(frame.west / step) * step, math.floor(frame.east) + 1, step):
        x = (lon - frame.west) * frame.x_scale
        lines.append(
            Line(svg_number(x, 1), "0", svg_number(x, 1), str(frame.height), f"{abs(lon)}°{'E' if lon >= 0 else 'W'}")
        )
    for lat in range(math.ceil(frame.south / step) * step, math.floor(frame.north) + 1, step):
        y = (frame.north - lat) * frame.y_scale
        lines.append(
            Line("0", svg_number(y, 1), str(frame.width), svg_number(y, 1), f"{abs(lat)}°{'N' if lat >= 0 else 'S'}")
        )
    return tuple(lines)


def map_view(found: Sequence[Place], width: int = WIDTH, highlight: str | None = None) -> MapView:
    """Draw places as circles sized by report count (area ~ count), busiest on top."""
    frame, size = _frame(found, width), _sizer(found, width)
    labelled = {p.name for p in sorted(found, key=lambda p: (-p.count, p.name))[:LABELLED] if p.count}
    circles, boxes = [], []
    for place in sorted(found, key=lambda p: (-p.count, p.name)):
        x, y = frame.point(place.lat, place.lon)
        radius = size(place)
        box = _label_box(x, y, radius, place.name, frame.width)
        if box and (place.name not in labelled or highlight or any(_overlap(box, b) for b in boxes)):
            box = None
        if box:
            boxes.append(box)
        circles.append(_circle(x, y, radius, place, place.name == highlight, box))
    return MapView(width, frame.height, _graticule(frame), tuple(reversed(circles)), _paths(frame))


def _sizer(found: Sequence[Place], width: int) -> Callable[[Place], float]:
    """Return a place's circle radius on a map of these places: area grows with its report count."""
    busiest, scale = max((p.count for p in found), default=0) or 1, width / WIDTH
    return lambda place: (3 + 14 * math.sqrt(place.count / busiest)) * scale if place.count else 2.5 * scale


def _label_box(x: float, y: float, radius: float, name: str, width: int) -> tuple[float, float, float, float] | None:
    """Return the box of a place's name: right of its circle, else left of it, else None (the map is too narrow)."""
    wide = text_width(name)
    start = x + radius + 3
    if start + wide > width:  # past the right edge, where the map would cut it off
        start = x - radius - 3 - wide
    return (start, y - 8, start + wide, y + 4) if start >= 0 else None


def _circle(
    x: float, y: float, radius: float, place: Place, highlight: bool, box: tuple[float, ...] | None = None
) -> Circle:
    """Return a place's circle at (x, y), named in the box if there is one."""
    label_x, anchor = 0.0, "start"
    if box is not None:  # a name left of its circle is anchored at its end, by the circle
        label_x, anchor = (box[2], "end") if box[2] < x else (box[0], "start")
    return Circle(
        svg_number(x, 1),
        svg_number(y, 1),
        svg_number(radius, 1),
        place,
        box is not None,
        highlight,
        svg_number(label_x, 1),
        svg_number(y + 4, 1),
        anchor,
    )


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Return True when two label boxes (x1, y1, x2, y2) overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def locator(found: Sequence[Place], name: str) -> MapView:
    """Draw the small map on a location's page: the region of all places, with just this one marked.

    Only that place's circle is worked out (drawing every place to keep one was 150 circles a page).
    """
    frame, size = _frame(found, LOCATOR_WIDTH), _sizer(found, LOCATOR_WIDTH)
    here = [p for p in found if p.name == name]
    circles = tuple(_circle(*frame.point(p.lat, p.lon), size(p), p, True) for p in here)
    return MapView(LOCATOR_WIDTH, frame.height, (), circles, _paths(frame))
