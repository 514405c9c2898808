"""Warn about entity names that probably mean one thing but are not tied together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .entities import Registry, name_key
from .facets import FACETS, Facet
from .model import Report
from .problems import Problem, warning

SIMILAR = 0.8  # difflib ratio: 'Presidential Council' ~ 'Presidency Council' is 0.84
MIN_LENGTH = 5  # shorter names (IS, PC, UN) differ by design


@dataclass(frozen=True)
class _Use:
    """The first report to write a name in one spelling."""

    spelling: str
    report: Report
    field: str


def spelling_warnings(reports: Sequence[Report], registry: Registry) -> list[Problem]:
    """Warn about case variants and near misses the registry does not tie together."""
    problems = []
    for facet in FACETS:
        uses = _first_uses(reports, facet)
        problems += _case_variants(facet, uses, registry) + _near_misses(facet, uses, registry)
    return problems


def _first_uses(reports: Sequence[Report], facet: Facet) -> dict[str, _Use]:
    """Map each spelling to the oldest report that uses it."""
    field = facet.field
    uses: dict[str, _Use] = {}
    for report in reversed(reports):  # oldest first
        for name in facet.names(report):
            uses.setdefault(" ".join(name.split()), _Use(name, report, field))
    return uses


def _registered(facet: Facet, registry: Registry, name: str) -> bool:
    """Return True when the registry knows this name or alias."""
    return facet.registered and registry.entity(facet.key, name) is not None


def _case_variants(facet: Facet, uses: dict[str, _Use], registry: Registry) -> list[Problem]:
    """Warn where one unregistered name is written in two cases."""
    first_by_key: dict[str, str] = {}
    problems = []
    for spelling in sorted(uses, key=lambda s: uses[s].report.sort_key()):
        key = name_key(spelling)
        other = first_by_key.setdefault(key, spelling)
        if other != spelling and not _registered(facet, registry, spelling):
            problems.append(_warn(facet, uses[spelling], f"is also spelled '{other}'", "use one spelling"))
    return problems


def _near_misses(facet: Facet, uses: dict[str, _Use], registry: Registry) -> list[Problem]:
    """Warn once per pair where an unregistered name looks like another name."""
    known = {name_key(n): n for e in registry.entities.get(facet.key, ()) for n in (e.name, *e.aliases)}
    first_use: dict[str, _Use] = {}
    for use in sorted(uses.values(), key=lambda u: u.report.sort_key()):
        first_use.setdefault(name_key(use.spelling), use)
    candidates = {**{k: u.spelling for k, u in first_use.items()}, **known}
    problems, seen = [], set()
    for key, use in sorted(first_use.items()):
        match = None if key in known or len(key) < MIN_LENGTH else _closest(key, candidates)
        if match is None or frozenset((key, match)) in seen:
            continue
        seen.add(frozenset((key, match)))
        other = first_use.get(match)
        if match not in known and other and other.report.sort_key() > use.report.sort_key():
            key, match, use = match, key, other  # warn where the newer spelling appeared
        hint = _hint(facet, registry, candidates[match], known, match)
        problems.append(_warn(facet, use, f"looks like '{candidates[match]}'", hint))
    return problems


def _closest(key: str, candidates: dict[str, str]) -> str | None:
    """Return the most similar other key at or above SIMILAR, if any."""
    best, best_ratio = None, SIMILAR
    for other in sorted(candidates):
        if other == key or len(other) < MIN_LENGTH or other[0] != key[0]:
            continue  # a different first letter is a different name: Eastern / Western
        matcher = SequenceMatcher(None, key, other)
        if matcher.real_quick_ratio() >= best_ratio and matcher.quick_ratio() >= best_ratio:
            ratio = matcher.ratio()
            if ratio > best_ratio or (ratio == best_ratio and best is None):
                best, best_ratio = other, ratio
    return best


def _hint(facet: Facet, registry: Registry, other: str, known: dict[str, str], other_key: str) -> str:
    """Suggest the registry entry that would tie the two names."""
    where = f"entities/{facet.key}.yaml"
    if not facet.registered:
        return "use one spelling"
    if other_key in known:
        entity = registry.entity(facet.key, other)
        return f"if they are the same, add it to the aliases of '{entity.name if entity else other}' in {where}"
    return f"if they are the same, list one as an alias of the other in {where}"


def _warn(facet: Facet, use: _Use, what: str, hint: str) -> Problem:
    """Make a warning at the report and field that uses the spelling."""
    label = facet.singular.lower()
    return warning(use.report.source, use.report.line(use.field), f"{label} '{use.spelling}' {what}", hint)
