"""The site's data model: frozen records built once and only read after."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from markupsafe import Markup

from .dates import Moment
from .entities import Registry

if TYPE_CHECKING:
    from .history import FileHistory


@dataclass(frozen=True)
class Report:
    """One published or draft report, validated and rendered."""

    source: str
    title: str
    date: Moment
    regions: tuple[str, ...]
    actors: tuple[str, ...]
    locations: tuple[str, ...]
    category: str | None
    summary: str
    sources: tuple[str, ...]
    author: str | None
    status: str
    slug: str
    updated: Moment | None
    body_html: Markup
    feed_html: str
    url: str
    save_as: str
    published: datetime = field(compare=False)
    path: str = ""  # relative to the content folder: the stable part of feed entry ids
    created: Moment | None = None  # first git commit of the file, when in git
    url_line: int = field(default=1, compare=False)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)
    digest: str = field(default="", compare=False)  # of everything it was read from: what page caching keys on
    redirect_from: tuple[str, ...] = ()  # its old URLs, each given a page that points to it
    report_links: tuple[tuple[int, str], ...] = ()  # (line, href as written) of each link to another report's file
    ids: frozenset[str] = frozenset()  # its body's heading and footnote ids, which links from other reports may name

    def line(self, field_name: str, key: str = "") -> int:
        """Return the line of a front-matter field, or of the name with this key in it; else 1 (the opening '---')."""
        return self.lines.get(f"{field_name}:{key}") or self.lines.get(field_name, 1)

    @property
    def is_draft(self) -> bool:
        """Return True for drafts, which never reach the output."""
        return self.status == "draft"

    def sort_key(self) -> tuple[object, ...]:
        """Order reports totally: date, time, title, then path in the content folder (as sort_text does)."""
        # Not source alone: it names the content folder as given, so an order by it could vary with where
        # the build runs from, or with a report linked in from elsewhere. Source still parts reports read apart.
        return (*self.date.sort_key(), self.title, self.path, self.source)

    def sort_text(self) -> str:
        """Return text that sorts as sort_key does, for search, which orders pages by text and ties by URL.

        Title and path are written as the hex of their UTF-8 (which sorts as their characters do), ' ' before
        any digit: a shorter one first, as in sort_key, and no comma or quote for Pagefind's attribute to split on.
        """
        # The path in the content folder, not source: that names the folder as given, and pages would differ by it.
        return " ".join((self.date.sort_text(), _hex(self.title), _hex(self.path)))

    @cached_property
    def card(self) -> str:
        """Digest what lists, cards and links show of the report (CARD), once: about 27 pages list each report."""
        shown = repr(tuple(getattr(self, name) for name in CARD))  # plain values: their repr is stable
        return hashlib.blake2b(shown.encode(), digest_size=16).hexdigest()


def _hex(text: str) -> str:
    """Return the hex of text's UTF-8 bytes (a lone surrogate from a file name kept in its place)."""
    return text.encode("utf-8", "surrogatepass").hex()


# What lists, cards and links show of a report: everything but the body and its old URLs. A body
# edit re-renders the report's page and the feeds carrying it, not every page that lists it.
NOT_SHOWN = ("body_html", "feed_html", "lines", "url_line", "digest", "redirect_from", "report_links", "ids")
CARD = tuple(f.name for f in fields(Report) if f.name not in NOT_SHOWN)


@dataclass(frozen=True)
class Redirect:
    """A URL that only points to another page: a registered alias's, or a report's old address."""

    url: str
    save_as: str
    title: str  # the pointer page's
    said: str  # what it says before its link
    target_url: str
    target_name: str
    facet: str = ""  # an alias's: its feeds and timeline address are kept too ("" for a report's old address)
    slug: str = ""  # an alias's


@dataclass(frozen=True)
class Site:
    """Everything read from the content folder, newest report first."""

    reports: tuple[Report, ...]
    drafts: tuple[Report, ...]
    registry: Registry
    files: int = 0
    history: Mapping[str, FileHistory] = field(default_factory=dict, compare=False, repr=False)  # by content path
