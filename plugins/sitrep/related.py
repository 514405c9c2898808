"""Related reports: shared entities, weighted by rarity, and nearness in time.

Candidates come only from a window of neighbours in each shared entity's
date-ordered list, so the work is linear in (report, entity) pairs even for
a region named by every report.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .cache import digest_bytes
from .cores import on_every_core
from .indexes import EntityIndex
from .model import Report

WINDOW = 10  # neighbours considered on each side in each entity's list
SHOWN = 5
DECAY_DAYS = 90.0  # a report this many days away counts half as much
PARALLEL_FROM = 2000  # reports; below this, forking a worker costs more than it saves


Remember = Callable[[str, Callable[[], dict[str, tuple[int, ...]]]], dict[str, tuple[int, ...]]]


def related_reports(
    reports: Sequence[Report], index: EntityIndex, remember: Remember | None = None
) -> dict[str, tuple[Report, ...]]:
    """Return up to SHOWN related reports for every report, keyed by source path.

    remember(key, make): a cache across builds. The result depends only on each report's place,
    date, title and entities (related_key), so a body edit finds it there.
    """
    make = functools.partial(_related_numbers, reports, index)
    found = remember(related_key(reports, index), make) if remember else make()
    return {source: tuple(reports[j] for j in numbers) for source, numbers in found.items()}


def related_key(reports: Sequence[Report], index: EntityIndex) -> str:
    """Digest what related reports are computed from: each report's path, date, title and entities, in order."""
    return digest_bytes(*(repr((r.source, r.date.sort_key(), r.title, _slugs(r, index))) for r in reports))


def _slugs(report: Report, index: EntityIndex) -> list[tuple[str, str]]:
    """Return the (facet, slug) of every entity a report names, sorted."""
    return sorted((facet, ref.slug) for facet, refs in index.by_report[report.source].items() for ref in refs)


def _related_numbers(reports: Sequence[Report], index: EntityIndex) -> dict[str, tuple[int, ...]]:
    """Return the numbers (places in reports) of up to SHOWN related reports for every report.

    Many reports are shared between the cores (1.5 s on one at 10,000 reports, while the other idled).
    """
    found: dict[str, tuple[int, ...]] = {}
    for share in on_every_core(_Scorer(reports, index).share, len(reports), PARALLEL_FROM):
        found.update(share)
    return {report.source: found[report.source] for report in reports}  # in report order, as one process gives


class _Scorer:
    """Score candidates for every report from each entity's date-ordered reports."""

    def __init__(self, reports: Sequence[Report], index: EntityIndex) -> None:
        number = {report.source: i for i, report in enumerate(reports)}
        self.reports, self.index = reports, index
        self.postings = {e.ref: _posting(e.reports, number, len(reports)) for e in index.entries()}
        self.days = [report.date.day.toordinal() for report in reports]
        self.ties = [_newest_first(report) for report in reports]

    def share(self, share: int, shares: int) -> dict[str, tuple[int, ...]]:
        """Return the related numbers of every shares-th report, starting at share."""
        return {self.reports[i].source: self.best(i) for i in range(share, len(self.reports), shares)}

    def best(self, i: int) -> tuple[int, ...]:
        """Return the numbers of report i's up to SHOWN related reports, best first."""
        refs = [ref for refs in self.index.by_report[self.reports[i].source].values() for ref in refs]
        scores = _shared_weight(i, [self.postings[ref] for ref in refs])
        day, days, ties = self.days[i], self.days, self.ties
        best = heapq.nsmallest(SHOWN, scores.items(), key=lambda item: _rank(item, day, days, ties))
        return tuple(j for j, _ in best)


@dataclass(frozen=True)
class _Posting:
    """One entity's reports as numbers in date order, its rarity weight, and where each report sits."""

    numbers: list[int]
    weight: float
    at: dict[int, int]


def _posting(found: Sequence[Report], number: Mapping[str, int], total: int) -> _Posting:
    """Give an entity's reports as numbers, with the entity's rarity weight."""
    numbers = [number[report.source] for report in found]
    return _Posting(numbers, math.log(total / len(found)), {n: i for i, n in enumerate(numbers)})


def _shared_weight(report: int, postings: Sequence[_Posting]) -> dict[int, float]:
    """Sum the rarity weight of each entity shared with nearby reports (reports as numbers)."""
    scores: dict[int, float] = defaultdict(float)
    for posting in postings:
        if posting.weight <= 0:
            continue  # named by every report: says nothing
        at = posting.at[report]
        for other in posting.numbers[max(0, at - WINDOW) : at + WINDOW + 1]:
            if other != report:
                scores[other] += posting.weight
    return scores


def _newest_first(report: Report) -> tuple[object, ...]:
    """Return a report's tie-break: newest first, then title and path."""
    day, moment = report.date.sort_key()
    return (-day.toordinal(), -moment, report.title, report.path, report.source)  # path: as Report.sort_key


def _rank(
    item: tuple[int, float], day: int, days: Sequence[int], ties: Sequence[tuple[object, ...]]
) -> tuple[object, ...]:
    """Rank a candidate by shared weight damped by distance in days; ties newest first."""
    other, weight = item
    return (-weight / (1 + abs(days[other] - day) / DECAY_DAYS), *ties[other])
