"""Related reports: shared entities, weighted by rarity, and nearness in time.

Candidates come only from a window of neighbours in each shared entity's
date-ordered list, so the work is linear in (report, entity) pairs even for
a region named by every report.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

from .indexes import EntityIndex, EntityRef
from .model import Report

WINDOW = 10  # neighbours considered on each side in each entity's list
SHOWN = 5
DECAY_DAYS = 90.0  # a report this many days away counts half as much


def related_reports(reports: Sequence[Report], index: EntityIndex) -> dict[str, tuple[Report, ...]]:
    """Return up to SHOWN related reports for every report, keyed by source path."""
    total = len(reports)
    postings = {entry.ref: entry.reports for entry in index.entries()}
    weights = {ref: math.log(total / len(found)) for ref, found in postings.items()}
    positions = {(ref, r.source): i for ref, found in postings.items() for i, r in enumerate(found)}
    result = {}
    for report in reports:
        refs = [ref for refs in index.by_report[report.source].values() for ref in refs]
        scores = _shared_weight(report, refs, postings, weights, positions)
        result[report.source] = _best(report, scores)
    return result


def _shared_weight(
    report: Report,
    refs: Sequence[EntityRef],
    postings: Mapping[EntityRef, Sequence[Report]],
    weights: Mapping[EntityRef, float],
    positions: Mapping[tuple[EntityRef, str], int],
) -> dict[str, tuple[float, Report]]:
    """Sum the rarity weight of each entity shared with nearby reports."""
    scores: dict[str, tuple[float, Report]] = defaultdict(lambda: (0.0, report))
    for ref in refs:
        if weights[ref] <= 0:
            continue  # named by every report: says nothing
        at = positions[(ref, report.source)]
        found = postings[ref]
        for other in found[max(0, at - WINDOW) : at + WINDOW + 1]:
            if other is not report:
                scores[other.source] = (scores[other.source][0] + weights[ref], other)
    return scores


def _best(report: Report, scores: Mapping[str, tuple[float, Report]]) -> tuple[Report, ...]:
    """Rank candidates by shared weight damped by distance in days; ties newest first."""

    def rank(item: tuple[float, Report]) -> tuple[object, ...]:
        weight, other = item
        days = abs((other.date.day - report.date.day).days)
        day, moment = other.date.sort_key()
        return (-weight / (1 + days / DECAY_DAYS), -day.toordinal(), -moment, other.title, other.source)

    return tuple(other for _, other in heapq.nsmallest(SHOWN, scores.values(), key=rank))
