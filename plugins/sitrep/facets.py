"""The four kinds of entity a report names: actors, locations, regions, categories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import Report


@dataclass(frozen=True)
class Facet:
    """One kind of entity: its key, labels, settings prefixes and where reports name it."""

    key: str
    singular: str
    plural: str
    setting: str
    list_setting: str
    names: Callable[[Report], tuple[str, ...]]
    registered: bool
    field: str  # the front-matter field that names it, for problem lines


FACETS: tuple[Facet, ...] = (
    Facet("actors", "Actor", "Actors", "ACTOR", "ACTORS", lambda r: r.actors, True, "actors"),
    Facet("locations", "Location", "Locations", "LOCATION", "LOCATIONS", lambda r: r.locations, True, "locations"),
    Facet("regions", "Region", "Regions", "REGION", "REGIONS", lambda r: r.regions, False, "region"),
    Facet(
        "categories",
        "Category",
        "Categories",
        "CATEGORY",
        "CATEGORIES",
        lambda r: (r.category,) if r.category else (),
        False,
        "category",
    ),
)
BY_KEY = {facet.key: facet for facet in FACETS}
