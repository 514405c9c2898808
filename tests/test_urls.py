"""URL helpers: entity pages and their later pages, the way back to the root, the file a URL is saved as."""

from __future__ import annotations

import pytest

from conftest import CONFIG
from sitrep.urls import entity_place, relative_root, saved_as


@pytest.mark.parametrize(
    ("facet", "name", "number", "place"),
    [
        ("actors", "Libya Dawn", 1, ("actors/libya-dawn/", "actors/libya-dawn/index.html")),
        ("actors", "Libya Dawn", 3, ("actors/libya-dawn/page/3/", "actors/libya-dawn/page/3/index.html")),
        ("locations", "Ra's Lanuf", 2, ("locations/ras-lanuf/page/2/", "locations/ras-lanuf/page/2/index.html")),
    ],
)
def test_entity_place_puts_later_pages_under_the_first(facet, name, number, place):
    assert entity_place(CONFIG, facet, name, number) == place


def test_entity_place_is_the_first_page_by_default():
    assert entity_place(CONFIG, "regions", "Western") == ("regions/western/", "regions/western/index.html")


@pytest.mark.parametrize(
    ("url", "root", "file"),
    [
        ("", "", "index.html"),
        ("index.html", "", "index.html"),
        ("actors/", "../", "actors/index.html"),
        ("reports/2016/01/zliten/", "../../../../", "reports/2016/01/zliten/index.html"),
        ("feeds/all.atom.xml", "../", "feeds/all.atom.xml"),
    ],
)
def test_relative_root_and_saved_as(url, root, file):
    assert (relative_root(url), saved_as(url)) == (root, file)
