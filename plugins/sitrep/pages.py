"""Plan every output page as data: where it goes, which template, what it shows."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .model import Report, Site
from .problems import Problem, error
from .settings import Config, Pattern


@dataclass(frozen=True)
class Page:
    """One file to render: its output path, URL, template and template variables."""

    save_as: str
    url: str
    template: str
    variables: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Pager:
    """Where a paginated page sits among its siblings."""

    number: int
    count: int
    previous_url: str | None
    next_url: str | None


def paginate(
    items: Sequence[object], per_page: int, first: Pattern, rest: Pattern
) -> list[tuple[Sequence[object], Pager, str, str]]:
    """Split items into pages; page 1 uses `first`, later pages `rest` with {number}."""
    count = max(1, math.ceil(len(items) / per_page))
    places = [first.format(number=1) if n == 1 else rest.format(number=n) for n in range(1, count + 1)]
    result = []
    for index, (url, save_as) in enumerate(places):
        previous_url = places[index - 1][0] if index else None
        next_url = places[index + 1][0] if index + 1 < count else None
        chunk = items[index * per_page : (index + 1) * per_page]
        result.append((chunk, Pager(index + 1, count, previous_url, next_url), url, save_as))
    return result


def plan(site: Site, config: Config) -> list[Page]:
    """List every page of the site, in a stable order."""
    return [*home_pages(site, config), *report_pages(site.reports)]


def home_pages(site: Site, config: Config) -> list[Page]:
    """Plan the paginated home: the latest reports first."""
    pages = paginate(site.reports, config.home_per_page, config.home, config.home_page)
    return [Page(save_as, url, "index", {"reports": chunk, "pager": pager}) for chunk, pager, url, save_as in pages]


def report_pages(reports: Sequence[Report]) -> list[Page]:
    """Plan one page per report, with its older and newer neighbours."""
    pages = []
    for index, report in enumerate(reports):  # newest first
        newer = reports[index - 1] if index else None
        older = reports[index + 1] if index + 1 < len(reports) else None
        pages.append(Page(report.save_as, report.url, "report", {"report": report, "newer": newer, "older": older}))
    return pages


def collisions(pages: Iterable[Page]) -> list[Problem]:
    """Report two pages planned for one output file (before anything is written)."""
    by_path: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        by_path[page.save_as].append(page)
    clashes = (group for group in by_path.values() if len(group) > 1)
    return [
        error(
            "output",
            0,
            f"{group[0].save_as} would be written {len(group)} times ({', '.join(p.template for p in group)})",
        )
        for group in clashes
    ]
