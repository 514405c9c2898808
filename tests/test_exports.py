"""Data exports and the map, checked against a small fixture site."""

import csv
import io
import json
import re

import pytest

from conftest import CONFIG, report, report_text, run_build
from sitrep.entities import load_registry
from sitrep.exports import REPORT_COLUMNS, entities_json, generated_at, reports_csv, reports_json
from sitrep.indexes import EntityEntry, EntityRef, build_index
from sitrep.maps import Place, map_view

ACTORS = "- name: Islamic State\n  aliases: [ISIS, Daesh]\n  kind: armed group\n"
LOCATIONS = """\
- name: Sirte
  aliases: [Surt]
  kind: city
  region: Central
  lat: 31.21
  lon: 16.59
- name: Tripoli
  region: Western
  lat: 32.89
  lon: 13.19
- name: Kufra
  region: Southern
  lat: 24.18
  lon: 23.31
"""


def files():
    return {
        "entities/actors.yaml": ACTORS,
        "entities/locations.yaml": LOCATIONS,
        "reports/2016/01/a.md": report_text(
            "Alpha",
            "2016-01-05",
            actors="[ISIS, LNA]",
            locations="[Surt, Tripoli]",
            category="Security",
            summary="First; with a semicolon.",
        ),
        "reports/2016/02/b.md": report_text(
            "Bravo",
            "2016-02-01",
            actors="[Daesh]",
            locations="[Sirte, Nowhere]",
            region="[Western, Central]",
            updated="2016-02-03",
        ),
        "reports/2016/02/c.md": report_text("Hidden", "2016-02-02", status="draft"),
    }


@pytest.fixture
def out(site_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    target = tmp_path / "out"
    code, messages = run_build(site_dir(files()), target)
    assert code == 0, messages
    return target


def test_reports_json(out):
    data = json.loads((out / "data/reports.json").read_text())
    assert (data["generated"], data["count"]) == ("2016-02-03T00:00:00+00:00", 2)
    assert data["reports"][0] == {
        "title": "Alpha",
        "date": "2016-01-05",
        "url": "reports/2016/01/alpha/",
        "regions": ["Western"],
        "category": "Security",
        "actors": ["Islamic State", "LNA"],
        "locations": ["Sirte", "Tripoli"],
        "summary": "First; with a semicolon.",
        "updated": None,
    }
    assert data["reports"][1]["actors"] == ["Islamic State"] and data["reports"][1]["updated"] == "2016-02-03"


def test_reports_csv_matches_json(out):
    rows = list(csv.DictReader(io.StringIO((out / "data/reports.csv").read_text())))
    assert [r["title"] for r in rows] == ["Alpha", "Bravo"]
    assert rows[1]["regions"] == "Western; Central" and rows[1]["locations"] == "Sirte; Nowhere"
    assert rows[0]["summary"] == "First; with a semicolon." and rows[0]["updated"] == ""
    lines = (out / "data/reports.csv").read_bytes().split(b"\n")
    assert lines[-1] == b"" and all(line.endswith(b"\r") for line in lines[:-1])  # RFC 4180: CRLF


def test_entities_json(out):
    data = json.loads((out / "data/entities.json").read_text())
    isis = next(a for a in data["actors"] if a["name"] == "Islamic State")
    assert isis == {
        "name": "Islamic State",
        "slug": "islamic-state",
        "url": "actors/islamic-state/",
        "kind": "armed group",
        "aliases": ["ISIS", "Daesh"],
        "reports": 2,
        "first": "2016-01-05",
        "last": "2016-02-01",
    }
    sirte = next(p for p in data["locations"] if p["name"] == "Sirte")
    assert (sirte["reports"], sirte["lat"], sirte["lon"], sirte["region"]) == (2, 31.21, 16.59, "Central")
    assert next(p for p in data["locations"] if p["name"] == "Nowhere")["lat"] is None
    assert data["locations"][-1] == {  # registered, on the map, named by no report yet: last, without a page
        "name": "Kufra",
        "slug": "kufra",
        "url": None,
        "kind": None,
        "aliases": [],
        "reports": 0,
        "first": None,
        "last": None,
        "region": "Southern",
        "lat": 24.18,
        "lon": 23.31,
    }
    geojson = json.loads((out / "data/locations.geojson").read_text())
    assert {f["properties"]["name"] for f in geojson["features"]} <= {p["name"] for p in data["locations"]}


def test_geojson_has_located_places_lon_first(out):
    data = json.loads((out / "data/locations.geojson").read_text())
    assert data["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    assert sorted(by_name) == ["Kufra", "Sirte", "Tripoli"]  # Nowhere has no coordinates
    assert by_name["Sirte"]["geometry"] == {"type": "Point", "coordinates": [16.59, 31.21]}
    assert by_name["Sirte"]["properties"] == {
        "name": "Sirte",
        "slug": "sirte",
        "region": "Central",
        "reports": 2,
        "first": "2016-01-05",
        "last": "2016-02-01",
        "url": "locations/sirte/",
    }
    assert by_name["Kufra"]["properties"]["reports"] == 0 and by_name["Kufra"]["properties"]["url"] is None


def test_source_date_epoch_sets_generated(site_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1454284800")
    run_build(site_dir(files()), tmp_path / "out")
    assert json.loads((tmp_path / "out/data/reports.json").read_text())["generated"] == "2016-02-01T00:00:00+00:00"


def test_map_page_and_locator(out):
    page = (out / "map/index.html").read_text()
    assert page.count('class="map-place"') == 2 and page.count('class="map-idle"') == 1
    assert '<title id="map-title">Map of 3 located places</title>' in page  # Kufra is named in no report
    assert re.search(r'<a href="../locations/sirte/">\s*<circle class="map-place"', page)
    assert "<title>Sirte: 2 reports</title>" in page and "<title>Kufra: 0 reports</title>" in page
    assert 'class="map-land"' in page  # country outlines shipped with the plugin
    assert re.search(r'<text class="map-label" x="\d+\.\d" y="\d+\.\d" text-anchor="(start|end)">Sirte</text>', page)
    assert re.search(
        r'<th scope="row"><a href="../locations/tripoli/">Tripoli</a></th>\s*<td>Western</td>\s*<td>1</td>', page
    )
    sirte = (out / "locations/sirte/index.html").read_text()
    assert 'class="map-here"' in sirte
    assert 'class="map-svg"' not in (out / "locations/nowhere/index.html").read_text()


def test_circle_area_grows_with_reports():
    places = [Place("A", "a", None, 30.0, 15.0, None), Place("B", "b", None, 31.0, 16.0, None)]
    view = map_view(places)
    assert view.width == 640 and view.height > 0
    xs = {c.place.name: float(c.x) for c in view.circles}
    assert xs["A"] < xs["B"]  # west is left
    ys = {c.place.name: float(c.y) for c in view.circles}
    assert ys["A"] > ys["B"]  # south is down


def reported(name: str, lat: float, lon: float) -> Place:
    """Return a place named in one report (places named in none get no label)."""
    ref = EntityRef("locations", name, name.lower(), f"locations/{name.lower()}/")
    return Place(name, name.lower(), None, lat, lon, EntityEntry(ref, None, (), (report("a.md", "2016-01-12"),)))


def test_a_name_that_would_pass_the_right_edge_goes_left_of_its_circle():
    view = map_view([reported("Sirte", 30.0, 15.0), reported("Sirorm Darbazaw Hunlutorm", 30.0, 25.0)])
    circles = {c.place.name: c for c in view.circles}
    west, east = circles["Sirte"], circles["Sirorm Darbazaw Hunlutorm"]
    assert (west.label, west.anchor, float(west.label_y)) == (True, "start", float(west.y) + 4)
    assert float(west.label_x) == pytest.approx(float(west.x) + float(west.r) + 3, abs=0.1)
    assert (east.label, east.anchor) == (True, "end")
    assert float(east.label_x) == pytest.approx(float(east.x) - float(east.r) - 3, abs=0.1)
    assert float(east.x) + float(east.r) + 3 + 7 * len(east.place.name) > view.width  # it would have been cut off
    assert float(east.label_x) - 7 * len(east.place.name) >= 0


def test_a_name_too_long_for_either_side_is_left_out():
    view = map_view([reported("A" * 60, 30.0, 15.0)])
    assert [c.label for c in view.circles] == [False]


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_quoted():
    record = {column: "" for column in REPORT_COLUMNS}
    record |= {"title": '=HYPERLINK("http://evil.example/")', "summary": "-2+3 casualties", "actors": ["@cmd", "LNA"]}
    row = next(csv.DictReader(io.StringIO(reports_csv([record]))))
    assert (row["title"], row["summary"], row["actors"]) == (
        """'=HYPERLINK("http://evil.example/")""",
        "'-2+3 casualties",
        "'@cmd; LNA",
    )
    assert row["date"] == ""


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_quoted_and_only_at_the_start(start):
    record = {column: "" for column in REPORT_COLUMNS} | {"title": f"{start}1", "summary": f"a{start}1"}
    row = reports_csv([record]).split("\r\n", 1)[1]
    assert next(csv.reader(io.StringIO(row))) == [f"'{start}1", "", "", "", "", "", "", f"a{start}1", ""]


def test_entities_json_lists_registered_places_no_report_names_a_to_z_after_the_named():
    registry = load_registry({"locations": ("l.yaml", "- name: Zawiya\n- name: Brak\n- name: Sirte\n")})[0]
    index = build_index([report("a", "2016-01-05", locations=["Sirte"])], registry, CONFIG)[0]
    data = json.loads(entities_json(index, registry, "2016-01-05T00:00:00+00:00"))
    assert data["generated"] == "2016-01-05T00:00:00+00:00"
    assert [(p["name"], p["reports"]) for p in data["locations"]] == [("Sirte", 1), ("Brak", 0), ("Zawiya", 0)]
    assert data["actors"] == []


@pytest.mark.parametrize(
    "corners", [((34.05, -118.24), (35.68, 139.69)), ((90.0, -180.0), (-90.0, 180.0))]
)  # half a world apart, and the whole world: a graticule step ran out
def test_places_far_apart_get_a_map_with_meridians_at_most_90_degrees_apart(corners):
    places = [Place(name, name.lower(), None, lat, lon, None) for name, (lat, lon) in zip("AB", corners, strict=True)]
    view = map_view(places)
    meridians = [line.label for line in view.lines if line.label.endswith(("E", "W"))]
    assert 2 <= len(meridians) <= 9 and len(view.circles) == 2


def test_reports_json_keeps_letters_as_written_two_spaces_deep():
    assert reports_json([{"title": "Ajdābiyā"}], "2016-01-05T00:00:00+00:00") == (
        '{\n  "generated": "2016-01-05T00:00:00+00:00",\n  "count": 1,\n  "reports": [\n'
        '    {\n      "title": "Ajdābiyā"\n    }\n  ]\n}\n'
    )


def test_a_site_without_reports_is_generated_at_the_epoch_or_source_date_epoch():
    assert (generated_at([], None), generated_at([], "86400")) == (
        "1970-01-01T00:00:00+00:00",
        "1970-01-02T00:00:00+00:00",
    )
