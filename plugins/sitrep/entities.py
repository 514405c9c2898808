"""The entity registry: canonical actors and locations, their aliases and details."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from unidecode import unidecode

from .problems import Problem, error, warning
from .schema import Field, check_mapping, names, number_between, text
from .slugs import LOOKALIKES, slug_fault, slugify
from .yamltree import YamlDoc, parse

FACETS = ("actors", "locations")

ENTITY_FIELDS = (
    Field("name", text, required=True),
    Field("aliases", names, default=()),
    Field("kind", text),
    Field("description", text),
)
LOCATION_FIELDS = (
    *ENTITY_FIELDS,
    Field("region", text),
    Field("lat", number_between(-90, 90)),
    Field("lon", number_between(-180, 180)),
)
FIELDS_BY_FACET = {"actors": ENTITY_FIELDS, "locations": LOCATION_FIELDS}


@functools.cache  # the same few hundred names, 160,000 times at 10,000 reports
def name_key(name: str) -> str:
    """Return the matching key of a name: one Unicode form (NFKC), look-alike dashes and quotes one, case-folded."""
    return unicodedata.normalize("NFKC", " ".join(name.translate(LOOKALIKES).split())).casefold()


def name_order(name: str) -> tuple[str, str]:
    """Return a name's place in A–Z order: accents and Arabic vowel marks aside ("Ōbari" by O, "أحمد" by ا)."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold(), name


def initial(name: str) -> str:
    """Return the letter a name is filed under: A–Z for Latin letters, others as written; '#' for anything else."""
    first = next((c for c in name_order(name)[0] if c.isalnum()), "")
    if not first.isalpha():
        return "#"
    if unicodedata.name(first, "").startswith("LATIN"):  # "ß", "Ø", "Æ": their letter in A–Z
        return unidecode(first)[:1].upper()
    return first.upper()  # Arabic, Greek...: their own letter, as readers look for them (not "طرابلس" under T)


@dataclass(frozen=True)
class Entity:
    """A registered actor or location."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    description: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None


REGISTRY_SUFFIXES = (".yaml", ".yml")  # of the registry's files, and of those named like one but not read (a warning)


def registry_file(folder: str, facet: str) -> str:
    """Return a facet's registry file in the content folder: entities/actors.yaml."""
    return f"{Path(folder).as_posix()}/{facet}.yaml"


@dataclass(frozen=True)
class Registry:
    """Registered entities per facet and the lookup from any name or alias."""

    entities: Mapping[str, tuple[Entity, ...]] = field(default_factory=dict)
    lookup: Mapping[tuple[str, str], Entity] = field(default_factory=dict)
    slugs: Mapping[tuple[str, str], tuple[Entity, str]] = field(
        default_factory=dict
    )  # (facet, slug): whose, by which name
    folder: str = "entities"  # in the content (SITREP_ENTITIES_DIR): hints name its files

    def file(self, facet: str) -> str:
        """Return where a facet's entries are registered, as hints name it: entities/actors.yaml."""
        return registry_file(self.folder, facet)

    def entity(self, facet: str, name: str) -> Entity | None:
        """Return the registered entity a name or alias stands for."""
        return self.lookup.get((facet, name_key(name)))

    def canonical(self, facet: str, name: str) -> str:
        """Return the canonical name for a name or alias (unknown names pass through)."""
        found = self.entity(facet, name)
        return found.name if found else name


def load_registry(sources: Mapping[str, tuple[str, str]], folder: str = "entities") -> tuple[Registry, list[Problem]]:
    """Build a registry from {facet: (path, yaml text)} found in folder; report every problem."""
    entities: dict[str, tuple[Entity, ...]] = {}
    lookup: dict[tuple[str, str], Entity] = {}
    slugs: dict[tuple[str, str], tuple[Entity, str]] = {}
    problems: list[Problem] = []
    for facet, (path, source) in sorted(sources.items()):
        doc = parse(source)
        problems += [error(path, i.line, i.message, i.hint) for i in doc.issues]
        problems += [warning(path, note.line, note.message, note.hint) for note in doc.notes]
        found, found_problems = _read_entities(facet, path, doc)
        problems += found_problems + _index(facet, path, found, lookup)
        problems += _slug_clashes(facet, path, found, (lookup, slugs))
        entities[facet] = tuple(placed.entity for placed in found)
    return Registry(entities, lookup, slugs, folder), problems


def _read_entities(facet: str, path: str, doc: YamlDoc) -> tuple[list[Placed], list[Problem]]:
    """Check each list item against the facet's field table."""
    if doc.data is None:  # empty file, or a syntax error already reported
        return [], []
    if not isinstance(doc.data, list):
        return [], [error(path, doc.line(()), "expected a list of entities", "start each with '- name: ...'")]
    found, problems = [], []
    for index, item in enumerate(doc.data):
        checked = _check_item(facet, path, doc, index, item)
        problems += checked[1]
        if checked[0] is not None:
            found.append(_placed(checked[0], doc, index, item))  # type: ignore[arg-type]
    return found, problems


@dataclass(frozen=True)
class Placed:
    """A registry entry's entity, with the line of the entry and of each name it gives."""

    entity: Entity
    line: int
    lines: Mapping[str, int]  # the name and each alias as written -> its line

    def line_of(self, name: str) -> int:
        """Return the line of one of the entity's names (the entry's, for one not found as written)."""
        return self.lines.get(name, self.line)


def _placed(entity: Entity, doc: YamlDoc, index: int, item: dict[str, object]) -> Placed:
    """Place an entity read from entry index: its line, its name's and each alias's."""
    given = item.get("aliases")
    if isinstance(given, list):
        lines = {str(alias): doc.line((index, "aliases", i)) for i, alias in enumerate(given)}
    else:
        lines = {str(given): doc.line((index, "aliases"))}
    lines[entity.name] = doc.line((index, "name"))
    return Placed(entity, doc.line((index,)), lines)


LAT_LON = ("lat", "lon")  # given as written: a value YAML could not make is given (and said as such)


def _check_item(facet: str, path: str, doc: YamlDoc, index: int, item: object) -> tuple[Entity | None, list[Problem]]:
    """Check one registry entry and build its Entity."""
    checked = check_mapping(item, FIELDS_BY_FACET[facet], doc, path, at=(index,))
    problems = checked.problems
    values = checked.values
    given = [isinstance(item, dict) and (item.get(key) is not None or doc.is_unread((index, key))) for key in LAT_LON]
    if given[0] != given[1]:  # as written: a lat out of range is its own problem, not a missing one
        problems.append(error(path, doc.line((index,)), "give both lat and lon, or neither"))
    if any(p.is_error for p in problems) or not values.get("name") or doc.is_unread((index,)):
        return None, problems  # a value YAML could not make is said as such, once (aliases: !x a raised)
    aliases = tuple(a for a in values["aliases"] if name_key(a) != name_key(values["name"]))  # type: ignore[union-attr]
    return Entity(**{**values, "aliases": aliases}), problems  # type: ignore[arg-type]


def _index(facet: str, path: str, found: list[Placed], lookup: dict[tuple[str, str], Entity]) -> list[Problem]:
    """Add every name and alias to the lookup, refusing a name used twice."""
    problems = []
    for placed in found:
        entity = placed.entity
        for name in (entity.name, *entity.aliases):
            key = (facet, name_key(name))
            other = lookup.get(key)
            if other is not None and other is not entity:
                said = f"'{name}' is already a name or alias of '{other.name}'"
                problems.append(error(path, placed.line_of(name), said))
            else:
                lookup[key] = entity
    return problems


def _slug_clashes(
    facet: str,
    path: str,
    found: list[Placed],
    tables: tuple[Mapping[tuple[str, str], Entity], dict[tuple[str, str], tuple[Entity, str]]],
) -> list[Problem]:
    """Record each name's and alias's URL slug; refuse one another entity has, an empty name, one too long."""
    lookup, slugs = tables
    problems = []
    for placed in found:
        entity = placed.entity
        for name in (entity.name, *entity.aliases):
            if lookup.get((facet, name_key(name))) is entity:  # else already refused as another's name
                troubles = _slug_trouble(facet, name, entity, slugs)
                problems += [error(path, placed.line_of(name), *why) for why in troubles]
    return problems


def _slug_trouble(
    facet: str, name: str, entity: Entity, slugs: dict[tuple[str, str], tuple[Entity, str]]
) -> list[tuple[str, str]]:
    """Return what is wrong with the URL slug of an entity's name or alias, as (message, hint)."""
    slug = slugify(name)
    fault = slug_fault(name, slug)
    if fault:
        return [fault] if slug or name == entity.name else []  # an alias that gives none simply has no URL
    owner, said = slugs.setdefault((facet, slug), (entity, name))
    if owner is entity:
        return []
    return [(f"'{name}' and '{said}' (of '{owner.name}') would share the URL slug '{slug}'", "spell them apart")]
