"""Scaffold a new report: its path, complete front matter, and name suggestions."""

from __future__ import annotations

import csv
import difflib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from .entities import Registry, name_key
from .slugs import NAME_MAX, fits_a_folder, slugify

DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)  # the form --date takes

BODY = """{lede}

## Key developments

- Development.

## Assessment

## Outlook
"""


@dataclass(frozen=True)
class Scaffold:
    """A report file to write, and notes for the author."""

    path: str
    text: str
    notes: tuple[str, ...]


def title_problem(title: str) -> str:
    """Return why a title cannot name a new report's file and URL ('' if it can)."""
    slug = slugify(title)
    if not slug:
        return f"title {title!r} gives an empty slug: use letters or digits"
    if not fits_a_folder(f"YYYY-MM-DD-{slug}.md"):  # the file's name; its URL's folder is the slug alone
        return f"title gives a slug of {len(slug)} characters, too long for a file name ({NAME_MAX}): shorten it"
    return ""


def not_text(*values: str) -> bool:
    """Say whether a value holds bytes that are no UTF-8 (a shell gives them as lone surrogates)."""
    return any(not value.isascii() and any("\udc80" <= char <= "\udcff" for char in value) for value in values)


def split_names(text: str) -> list[str]:
    """Split 'A, B' into names, dropping blanks; a name with a comma is quoted: '"Smith, John", B'."""
    # A line break (a pasted list, `$'A\nB'`) stopped the csv module with a traceback: in a name it is a space.
    found = next(csv.reader([" ".join(text.splitlines())], skipinitialspace=True), [])
    return [name.strip() for name in found if name.strip()]


def _quoted(value: str) -> str:
    """Quote text for YAML (a JSON string is a valid YAML double-quoted scalar)."""
    return json.dumps(value, ensure_ascii=False)


def _flow(names: list[str]) -> str:
    """Write a YAML flow list of quoted names."""
    return "[" + ", ".join(_quoted(n) for n in names) + "]"


def scaffold(
    title: str,
    day: date,
    region: str,
    actors: list[str],
    locations: list[str],
    registry: Registry,
    category: str | None = None,
    author: str | None = None,
) -> Scaffold:
    """Build the file for a new report; the caller writes it."""
    slug = slugify(title)
    lines = [
        "---",
        f"title: {_quoted(title)}",
        f"date: {day.isoformat()}",
        f"region: {_flow(split_names(region)) if ',' in region else _quoted(region.strip())}",
        f"actors: {_flow(actors)}",
        f"locations: {_flow(locations)}",
        *([f"category: {_quoted(category)}"] if category else []),
        "# summary: One or two sentences. Without it, the first paragraph is the summary.",
        "sources: []",
        *([f"author: {_quoted(author)}"] if author else []),
        "---",
    ]
    text = "\n".join(lines) + "\n" + BODY.format(lede="Write the lede: what happened, where, and why it matters.")
    notes = (
        *suggestions("actors", "actor", actors, registry),
        *suggestions("locations", "location", locations, registry),
    )
    return Scaffold(f"{day:%Y/%m}/{day.isoformat()}-{slug}.md", text, notes)


def suggestions(facet: str, label: str, names: list[str], registry: Registry) -> list[str]:
    """Suggest canonical names for aliases and near misses of registered names."""
    known = {name_key(n): n for e in registry.entities.get(facet, ()) for n in (e.name, *e.aliases)}
    notes = []
    for name in names:
        entity = registry.entity(facet, name)
        if entity and name_key(name) != name_key(entity.name):
            notes.append(f"{label} '{name}' is an alias of '{entity.name}' (either works; pages use '{entity.name}')")
        elif entity is None:
            close = difflib.get_close_matches(name_key(name), list(known), n=1, cutoff=0.8)
            hint = (
                f"did you mean '{registry.entity(facet, known[close[0]]).name}'?" if close else "it gets its own page"
            )  # type: ignore[union-attr]
            notes.append(f"{label} '{name}' is not in {registry.file(facet)}: {hint}")
    return notes


def day_at(instant: datetime, zone: tzinfo | None) -> date:
    """Return the day an instant falls on in the site's time zone (the machine's without settings)."""
    return instant.astimezone(zone).date()


def new_day(given: str | None, today: date) -> date | str:
    """Return the day `invoke new --date` names (today without one), or what is wrong with it."""
    if not given:
        return today
    try:
        return date.fromisoformat(given)
    except ValueError:
        return f"--date {given!r} is {'not a real day' if DAY.fullmatch(given) else 'not YYYY-MM-DD'}"
