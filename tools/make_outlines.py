"""Make plugins/sitrep/data/countries.geojson from the world-atlas npm package (Natural Earth 1:110m).

Run once when the outlines should change, never at build time:
    npm install world-atlas@2.0.2 && python tools/make_outlines.py node_modules/world-atlas/countries-110m.json
Keeps countries touching the Mediterranean, Sahel and Gulf window Sitrep's sample covers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

WINDOW = (-20.0, 0.0, 65.0, 55.0)  # west, south, east, north
OUT = Path(__file__).resolve().parent.parent / "plugins/sitrep/data/countries.geojson"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Undo TopoJSON's quantisation and delta encoding."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 2), round(y * sy + ty, 2)))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Join arcs into one ring; a negative index means the arc reversed."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def touches(rings: list[list[tuple[float, float]]]) -> bool:
    """Return True when a polygon's box meets the window."""
    xs = [x for r in rings for x, _ in r]
    ys = [y for r in rings for _, y in r]
    west, south, east, north = WINDOW
    return max(xs) >= west and min(xs) <= east and max(ys) >= south and min(ys) <= north


def main(source: str) -> None:
    """Convert the TopoJSON at source and write OUT."""
    topology = json.loads(Path(source).read_text())
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs", [])
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        shapes = [[ring(r, arcs) for r in polygon] for polygon in polygons]
        shapes = [s for s in shapes if touches(s)]
        if shapes:
            name = geometry.get("properties", {}).get("name", "")
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": name},
                    "geometry": {"type": "MultiPolygon", "coordinates": shapes},
                }
            )
    features.sort(key=lambda f: f["properties"]["name"])
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m via world-atlas 2.0.2 (public domain)",
        "features": features,
    }
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n")
    print(f"{OUT}: {len(features)} countries")


if __name__ == "__main__":
    main(sys.argv[1])
