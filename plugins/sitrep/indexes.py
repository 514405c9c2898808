"""Entity indexes: every actor, location, region and category with its reports.

Built in one pass over (report, entity) pairs, so the work grows linearly
with the content; co-occurrence adds k² per report for its k entities.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from .dates import Moment
from .entities import Entity, Registry, name_key, name_order
from .facets import BY_KEY, FACETS
from .model import Redirect, Report
from .problems import Problem, error
from .settings import Config
from .slugs import slug_fault, slugify
from .urls import entity_place

CO_OCCURRING_FACETS = ("actors", "locations")
CO_OCCURRING_SHOWN = 12

Key = tuple[str, str]  # (facet, name key)


class EntityRef(NamedTuple):
    """How to name and link an entity (a named tuple: counters hash it in C, 69,000 times at 1,000 reports)."""

    facet: str
    name: str
    slug: str
    url: str


class MonthCount(NamedTuple):
    """Reports in one calendar month."""

    year: int
    month: int
    count: int


@dataclass(frozen=True)
class EntityEntry:
    """One entity, its registry details and its reports, newest first."""

    ref: EntityRef
    details: Entity | None
    spellings: tuple[str, ...]
    reports: tuple[Report, ...]
    co_occurring: Mapping[str, tuple[tuple[EntityRef, int], ...]] = field(default_factory=dict)

    @property
    def activity(self) -> tuple[MonthCount, ...]:
        """Count this entity's reports per month (when its chart is drawn: a rebuild draws few)."""
        return monthly(self.reports)

    @property
    def count(self) -> int:
        """Return the number of reports naming this entity."""
        return len(self.reports)

    @property
    def first(self) -> Moment:
        """Return the date of the earliest report."""
        return self.reports[-1].date

    @property
    def last(self) -> Moment:
        """Return the date of the latest report."""
        return self.reports[0].date

    @property
    def aliases(self) -> tuple[str, ...]:
        """Return registered aliases and other spellings seen in reports."""
        registered = self.details.aliases if self.details else ()
        return tuple(dict.fromkeys(a for a in (*registered, *self.spellings) if a != self.ref.name))


@dataclass(frozen=True)
class EntityIndex:
    """All entity entries per facet (A–Z), and each report's entity references."""

    facets: Mapping[str, tuple[EntityEntry, ...]]
    by_report: Mapping[str, Mapping[str, tuple[EntityRef, ...]]]
    redirects: tuple[Redirect, ...] = ()

    def refs(self, report: Report, facet: str) -> tuple[EntityRef, ...]:
        """Return the report's entities of one facet, as references."""
        return self.by_report.get(report.source, {}).get(facet, ())

    def entries(self) -> Iterable[EntityEntry]:
        """Return every entry of every facet."""
        for entries in self.facets.values():
            yield from entries


@dataclass
class _Group:
    """What one pass collects about an entity."""

    spellings: Counter[str] = field(default_factory=Counter)
    reports: list[Report] = field(default_factory=list)


def build_index(reports: Sequence[Report], registry: Registry, config: Config) -> tuple[EntityIndex, list[Problem]]:
    """Index reports (newest first) by every entity they name."""
    groups = _collect(reports)
    refs = {key: _ref(key, group, registry, config) for key, group in groups.items()}
    problems = _slug_problems(refs, groups) + _registered_slugs(refs, groups, registry)
    by_report = _by_report(reports, refs)
    co_counts = _co_occurrence(by_report.values())
    facets = {
        facet.key: tuple(
            sorted(
                (_entry(k, refs, groups[k], registry, co_counts) for k in refs if k[0] == facet.key),
                key=lambda e: name_order(e.ref.name),
            )
        )
        for facet in FACETS
    }
    redirects = _redirects(facets, config)
    return EntityIndex(facets, by_report, redirects), problems


def _collect(reports: Sequence[Report]) -> dict[Key, _Group]:
    """Group reports by (facet, name key), counting each spelling."""
    groups: dict[Key, _Group] = defaultdict(_Group)
    for report in reports:
        for facet in FACETS:
            for name in facet.names(report):
                group = groups[(facet.key, name_key(name))]
                group.spellings[name] += 1
                if not group.reports or group.reports[-1] is not report:
                    group.reports.append(report)
    return groups


def display_name(facet: str, group_spellings: Counter[str], registry: Registry) -> str:
    """Pick an entity's name: the registry's, else its most used spelling."""
    some = next(iter(group_spellings))
    registered = registry.entity(facet, some) if BY_KEY[facet].registered else None
    if registered:
        return registered.name
    tidy: Counter[str] = Counter()
    for spelling, count in group_spellings.items():
        tidy[" ".join(spelling.split())] += count
    return min(tidy, key=lambda s: (-tidy[s], s))


def _ref(key: Key, group: _Group, registry: Registry, config: Config) -> EntityRef:
    """Make the reference for one grouped entity."""
    name = display_name(key[0], group.spellings, registry)
    return EntityRef(key[0], name, slugify(name), entity_place(config, key[0], name)[0])


def _slug_problems(refs: Mapping[Key, EntityRef], groups: Mapping[Key, _Group]) -> list[Problem]:
    """Refuse entities whose names give no slug, one too long for a folder, or one slug for two names."""
    by_slug: dict[tuple[str, str], list[Key]] = defaultdict(list)
    for key, ref in refs.items():
        by_slug[(ref.facet, ref.slug)].append(key)
    problems = []
    for (_, slug), keys in sorted(by_slug.items()):
        said = _slug_trouble(slug, sorted(keys), refs)
        problems += [_at(groups[k], k, *said) for k in sorted(keys)] if said else []
    return problems


def _slug_trouble(slug: str, keys: list[Key], refs: Mapping[Key, EntityRef]) -> tuple[str, str] | None:
    """Say what is wrong with a slug the names at keys give (message, hint), if anything."""
    first = refs[keys[0]]
    kind = BY_KEY[first.facet].singular.lower()
    fault = slug_fault(first.name, slug)
    if fault:
        register = ", or register a short name with this as an alias" if slug else ""
        return f"{kind} {fault[0]}", fault[1] + register
    if len(keys) > 1:
        names = " and ".join(f"'{refs[k].name}'" for k in keys)
        message = f"{BY_KEY[first.facet].key} {names} would share the URL {first.url}"
        return message, "use one spelling, or tie them with an alias in the registry"
    return None


def _registered_slugs(refs: Mapping[Key, EntityRef], groups: Mapping[Key, _Group], registry: Registry) -> list[Problem]:
    """Refuse a name reports give that would take the URL of another registered entity's name or alias."""
    problems = []
    for key, ref in sorted(refs.items()):
        owner, said = registry.slugs.get((ref.facet, ref.slug), (None, ""))
        if owner is not None and owner.name != ref.name:
            what = "alias" if said != owner.name else "name"
            message = f"'{ref.name}' would have the URL {ref.url} of the registered {what} '{said}'"
            hint = f"write '{said}' if it is {owner.name}, or register '{ref.name}'"
            problems.append(_at(groups[key], key, message, hint))
    return problems


def _at(group: _Group, key: Key, message: str, hint: str) -> Problem:
    """Make a problem at the oldest report naming the entity, at the line of the name."""
    report = group.reports[-1]
    return error(report.source, report.line(BY_KEY[key[0]].field, key[1]), message, hint)


def _by_report(reports: Sequence[Report], refs: Mapping[Key, EntityRef]) -> dict[str, dict[str, tuple[EntityRef, ...]]]:
    """Map each report to its entity references per facet, without repeats."""
    result = {}
    for report in reports:
        result[report.source] = {
            facet.key: tuple(dict.fromkeys(refs[(facet.key, name_key(n))] for n in facet.names(report)))
            for facet in FACETS
        }
    return result


def _co_occurrence(report_refs: Iterable[Mapping[str, tuple[EntityRef, ...]]]) -> dict[EntityRef, Counter[EntityRef]]:
    """Count, for every entity, the actors and locations named in the same reports."""
    counts: dict[EntityRef, Counter[EntityRef]] = defaultdict(Counter)
    for facets in report_refs:
        partners = [ref for f in CO_OCCURRING_FACETS for ref in facets[f]]
        for ref in (ref for refs in facets.values() for ref in refs):
            counts[ref].update(partners)  # a list counts in C; an entity's count of itself is dropped below
    for ref, partners in counts.items():
        partners.pop(ref, None)
    return counts


def _entry(
    key: Key,
    refs: Mapping[Key, EntityRef],
    group: _Group,
    registry: Registry,
    co_counts: Mapping[EntityRef, Counter[EntityRef]],
) -> EntityEntry:
    """Assemble one entity's entry."""
    ref = refs[key]
    details = registry.entity(ref.facet, ref.name) if BY_KEY[ref.facet].registered else None
    partners = co_counts.get(ref, Counter())
    co_occurring = {f: _top(partners, f) for f in CO_OCCURRING_FACETS}
    spellings = tuple(sorted(s for s in group.spellings if s != ref.name))
    return EntityEntry(ref, details, spellings, tuple(group.reports), co_occurring)


def _top(partners: Counter[EntityRef], facet: str) -> tuple[tuple[EntityRef, int], ...]:
    """Return the most frequent partners of one facet, ties by name."""
    ranked = sorted(((ref, n) for ref, n in partners.items() if ref.facet == facet), key=lambda p: (-p[1], p[0].name))
    return tuple(ranked[:CO_OCCURRING_SHOWN])


def monthly(reports: Sequence[Report]) -> tuple[MonthCount, ...]:
    """Count reports per month from the first month to the last, empty months included."""
    counts = Counter((r.date.day.year, r.date.day.month) for r in reports)
    if not counts:
        return ()
    (year, month), last = min(counts), max(counts)
    result = []
    while (year, month) <= last:
        result.append(MonthCount(year, month, counts[(year, month)]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(result)


def _redirects(facets: Mapping[str, tuple[EntityEntry, ...]], config: Config) -> tuple[Redirect, ...]:
    """Point each registered alias's own URL at its entity, where nothing else claims it."""
    result = []
    for facet, entries in facets.items():
        taken = {e.ref.slug for e in entries}
        wanted = [(slugify(a), a, e.ref) for e in entries if e.details for a in e.details.aliases]
        owners: dict[str, set[EntityRef]] = defaultdict(set)
        for slug, _, ref in wanted:
            owners[slug].add(ref)
        for slug, alias, target in wanted:
            if slug and slug not in taken and len(owners[slug]) == 1:
                taken.add(slug)
                url, save_as = config.facets[facet].entity.format(slug=slug)
                said = f"“{alias}” is another name for"
                title = f"{alias}: see {target.name}"
                result.append(Redirect(url, save_as, title, said, target.url, target.name, facet, slug))
    return tuple(result)
