"""Warn about entity names that probably mean one thing but are not tied together."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .entities import Registry, name_key
from .facets import FACETS, Facet
from .model import Report
from .problems import Problem, warning

SIMILAR = 0.8  # difflib ratio: 'Presidential Council' ~ 'Presidency Council' is 0.84
MIN_LENGTH = 5  # shorter names (IS, PC, UN) differ by design
NUMBERS = re.compile(r"\d+")
# Scripts with letters drawn like Latin ones: 'Ѕirte' (a Cyrillic Ѕ) shows as 'Sirte' but is another name,
# with another URL, and its initial keeps it from the near-miss check. One word has no reason to mix them.
LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})
SCRIPT_HINT = "write it in one script"
_Char = tuple[str, int]  # a character and which occurrence of it: ('a', 2) is a name's second 'a'


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
        problems += _mixed_scripts(facet, uses)
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


def _mixed_scripts(facet: Facet, uses: dict[str, _Use]) -> list[Problem]:
    """Warn where a name has a word mixing letters of scripts drawn alike (Latin with Cyrillic or Greek)."""
    problems = []
    for spelling, use in sorted(uses.items(), key=lambda item: item[1].report.sort_key()):
        if spelling.isascii():  # most names: one script
            continue
        for word in spelling.split():
            scripts = {char: script for char in word if (script := _script(char)) in LOOKALIKE_SCRIPTS}
            names = sorted(set(scripts.values()))
            if len(names) > 1:
                odd = min(names, key=list(scripts.values()).count)  # the fewer letters: the lookalikes
                letters = "".join(dict.fromkeys(char for char, script in scripts.items() if script == odd))
                what = f"mixes {' and '.join(n.title() for n in names)} letters in '{word}' ({odd.title()}: {letters})"
                problems.append(_warn(facet, use, f"{what}, so it can look like another name", SCRIPT_HINT))
                break
    return problems


def _script(char: str) -> str:
    """Return the script a letter's Unicode name gives (LATIN, CYRILLIC, ...), '' for anything else."""
    return unicodedata.name(char, "").split(" ", 1)[0] if char.isalpha() else ""


def _near_misses(facet: Facet, uses: dict[str, _Use], registry: Registry) -> list[Problem]:
    """Warn once per pair where an unregistered name looks like another name."""
    known = {name_key(n): n for e in registry.entities.get(facet.key, ()) for n in (e.name, *e.aliases)}
    first_use: dict[str, _Use] = {}
    for use in sorted(uses.values(), key=lambda u: u.report.sort_key()):
        first_use.setdefault(name_key(use.spelling), use)
    candidates = {**{k: u.spelling for k, u in first_use.items()}, **known}
    problems, seen, lookalikes = [], set(), _Lookalikes(candidates)
    for key, use in sorted(first_use.items()):
        match = None if key in known or len(key) < MIN_LENGTH else lookalikes.closest(key)
        if match is None or frozenset((key, match)) in seen:
            continue
        seen.add(frozenset((key, match)))
        other = first_use.get(match)
        if match not in known and other and other.report.sort_key() > use.report.sort_key():
            key, match, use = match, key, other  # warn where the newer spelling appeared
        hint = _hint(facet, registry, candidates[match], known, match)
        problems.append(_warn(facet, use, f"looks like '{candidates[match]}'", hint))
    return problems


class _Lookalikes:
    """Find each key's most similar other key, as trying every other key with difflib would, trying few.

    Keys with another first letter, or differing only in their numbers, are never alike. Others reach
    SIMILAR only with enough characters in common (difflib's quick_ratio, a bound on its ratio); two
    such keys share one of the rarest third of each one's characters (prefix filtering), so only those
    pairs are counted, and only those whose bound can still beat the best so far are compared.
    """

    def __init__(self, keys: Collection[str]) -> None:
        keys = sorted(key for key in keys if len(key) >= MIN_LENGTH)
        chars = {key: _characters(key) for key in keys}
        frequency = Counter(char for key in keys for char in chars[key])
        bits = {char: 1 << bit for bit, char in enumerate(frequency)}
        self._masks = {key: sum(bits[char] for char in chars[key]) for key in keys}  # the characters as a bit set
        self._prefixes: dict[str, list[_Char]] = {}
        self._index: dict[tuple[str, _Char], dict[str, list[str]]] = {}
        for key in keys:
            # Any fixed order is correct; rarest first pairs fewest keys, numbers last keeps Actor 1..N apart.
            ranked = sorted(chars[key], key=lambda char: (char[0].isdigit(), frequency[char], char))
            self._prefixes[key] = ranked[: _prefix_length(len(key))]
            for char in self._prefixes[key]:
                self._index.setdefault((key[0], char), {}).setdefault(_skeleton(key), []).append(key)

    def closest(self, key: str) -> str | None:
        """Return the most similar other key at or above SIMILAR, if any; ties go to the first alphabetically."""
        best, best_ratio = None, SIMILAR
        for bound, other in self._candidates(key):  # most shared characters first: a bound under the best ends it
            if bound < best_ratio:
                break
            ratio = SequenceMatcher(None, key, other).ratio()
            if ratio > best_ratio or (ratio == best_ratio and (best is None or other < best)):
                best, best_ratio = other, ratio
        return best

    def _candidates(self, key: str) -> list[tuple[float, str]]:
        """Return the other keys that can reach SIMILAR with key, with that bound on their ratio, highest first."""
        found: set[str] = set()
        skeleton = _skeleton(key)
        for char in self._prefixes.get(key, ()):
            for other_skeleton, others in self._index[(key[0], char)].items():
                if other_skeleton != skeleton:
                    found.update(others)
        mask, masks, size = self._masks.get(key, 0), self._masks, len(key)
        ranked: list[tuple[float, str]] = []
        for other in found:  # inline, not a call per pair: this loop is most of the time on similar names
            bound = 2.0 * (mask & masks[other]).bit_count() / (size + len(other))  # difflib's quick_ratio
            if bound >= SIMILAR:
                ranked.append((-bound, other))
        return [(-negative, other) for negative, other in sorted(ranked)]


def _characters(key: str) -> list[_Char]:
    """Return key's characters, each numbered by occurrence, so shared characters are a set intersection."""
    seen: Counter[str] = Counter()
    chars = []
    for char in key:
        seen[char] += 1
        chars.append((char, seen[char]))
    return chars


def _prefix_length(size: int) -> int:
    """Return how many of a key's rarest characters must include one shared with any key SIMILAR to it.

    A pair at SIMILAR shares at least SIMILAR / (2 - SIMILAR) of each key's characters (2/3 at 0.8), so
    the rarest shared character is among the first size - that + 1 (int() rounds down: never too few).
    """
    return size - int(SIMILAR * size / (2 - SIMILAR)) + 1


def _skeleton(key: str) -> str:
    """Return key with each number replaced by '#': 'brigade 166' and 'brigade 116' are different units."""
    return NUMBERS.sub("#", key)


def _hint(facet: Facet, registry: Registry, other: str, known: dict[str, str], other_key: str) -> str:
    """Suggest the registry entry that would tie the two names."""
    where = registry.file(facet.key)
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
