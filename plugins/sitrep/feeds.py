"""Feeds as data: which reports each feed carries, its stable id and its dates."""

from __future__ import annotations

import heapq
import html
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from .facets import FACETS, Facet
from .indexes import EntityEntry, EntityIndex
from .model import Report
from .settings import Config

IRI_SAFE = frozenset(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/")  # unreserved, sub-delims, ':@/'
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # an empty feed's `updated`: fixed, so builds repeat
HTML_LIKE = re.compile(r"</\w+>|&#?\w+;")  # a close tag or an entity: readers take such an RSS title for HTML


def rss_html(text: str) -> str:
    """Return plain text as HTML, for an RSS element that holds HTML (<description>): any markup shows as text.

    The template escapes it once more for XML; a reader decodes that, then renders the HTML.
    """
    return html.escape(text, quote=False)


def rss_title(text: str) -> str:
    """Return plain text for an RSS <title>: as it is, or as HTML when a reader would take it for HTML.

    RSS does not say which a title is. Readers show it as text unless it has a close tag or an
    entity reference (feedparser's guess), then render it as HTML: `<b>x</b>` would be bold.
    Given as HTML, such a title shows as its text there too.
    """
    return rss_html(text) if HTML_LIKE.search(text) else text


@dataclass(frozen=True)
class Category:
    """An entry's category: an entity, with its facet's list page as the scheme."""

    term: str
    scheme: str
    label: str


@dataclass(frozen=True)
class Entry:
    """A report as a feed entry: stable id, dates and categories."""

    report: Report
    id: str
    updated: datetime
    categories: tuple[Category, ...]

    @property
    def rss_title(self) -> str:
        """Return the report's title for RSS (see rss_title)."""
        return rss_title(self.report.title)

    @property
    def rss_summary(self) -> str:
        """Return the report's summary, plain text, as the HTML an RSS <description> holds."""
        return rss_html(self.report.summary)


@dataclass(frozen=True)
class Feed:
    """One Atom feed and its RSS twin."""

    key: str
    title: str
    id: str
    html_url: str
    atom: str
    rss: str  # "" when this feed has no RSS twin
    entries: tuple[Entry, ...]
    facet: Facet | None = None

    @property
    def updated(self) -> datetime:
        """Return the newest entry's update time: never the build time, so builds repeat."""
        return max((e.updated for e in self.entries), default=EPOCH)

    def rss_title(self, site_name: str) -> str:
        """Return the feed's title after the site's name, for RSS (see rss_title)."""
        return rss_title(f"{site_name}: {self.title}")


def updated(report: Report) -> datetime:
    """Return when a report last changed: its `updated` field, else its date; never before its date.

    A bare day, or a commit, on the report's own day may fall before the report's time of day.
    """
    if report.updated is None:
        return report.published
    return max(report.published, report.updated.instant(report.published.tzinfo))  # type: ignore[arg-type]


def entry_id(config: Config, report: Report) -> str:
    """Return a tag: URI from the report's file path: stable when its title, slug or URL change."""
    return f"{config.feed_id_prefix}{iri_path(report.path)}"


def iri_path(path: str) -> str:
    """Percent-encode what an IRI may not hold (a space, '#', '%', '<'): ids must be IRIs. Other letters stay."""
    return "".join(char if char in IRI_SAFE or _a_letter(char) else _escaped(char) for char in path)


# RFC 3987's ucschar: what an IRI holds past ASCII. Outside it: C1 controls, surrogates (a byte of a name that
# is not UTF-8), private use, U+FDD0-U+FDEF and each plane's last two code points (U+FFFE, U+FFFF: XML forbids
# those, so a file name holding one made every feed carrying it unreadable).
UCSCHAR = (
    (0xA0, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFEF),
    *((plane, plane + 0xFFFD) for plane in range(0x10000, 0xE0000, 0x10000)),
    (0xE1000, 0xEFFFD),
)
BIDI_FORMATS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e")  # RFC 3987 4.1: IRIs must not hold them


def _a_letter(char: str) -> bool:
    """Say whether a character past ASCII is one an IRI holds (RFC 3987's ucschar, bidi formatting aside)."""
    code = ord(char)
    return any(low <= code <= high for low, high in UCSCHAR) and char not in BIDI_FORMATS


def _escaped(char: str) -> str:
    """Percent-encode a character, or the byte a name that is not UTF-8 held (read as a lone surrogate).

    Such a byte, written as it was read, failed the whole build with a UnicodeEncodeError.
    """
    return quote(char.encode("utf-8", "surrogateescape"), safe="")


class Entries:
    """Make feed entries, each report's once, however many feeds carry it."""

    def __init__(self, index: EntityIndex, config: Config) -> None:
        self.index, self.config = index, config
        self.schemes = {f.key: config.site_url + config.facets[f.key].listing.format()[0] for f in FACETS}
        self.made: dict[str, Entry] = {}

    def newest(self, reports: Sequence[Report]) -> tuple[Entry, ...]:
        """Turn the newest reports into entries, up to the configured number, newest instant first.

        Pages list reports by their day as written; across offsets that is not the order of instants
        (23:30-05:00 on the 7th comes after 01:00+03:00 on the 8th), and the cap must keep the newest.
        """
        newest = heapq.nlargest(self.config.feed_max_items, reports, key=lambda report: report.published)
        return tuple(self.entry(report) for report in newest)

    def entry(self, report: Report) -> Entry:
        """Make (or reuse) one entry, its categories from all of the report's entities."""
        if report.source not in self.made:
            categories = tuple(
                Category(ref.slug, self.schemes[facet.key], ref.name)
                for facet in FACETS
                for ref in self.index.refs(report, facet.key)
            )
            self.made[report.source] = Entry(report, entry_id(self.config, report), updated(report), categories)
        return self.made[report.source]


def site_feed(reports: Sequence[Report], made: Entries, config: Config) -> Feed:
    """Return the feed of every report (newest first, capped)."""
    home = config.home.format(number=1)[0]
    found = made.newest(reports)
    return Feed("all", "All reports", f"{config.feed_id_prefix}feeds/all", home, config.atom, config.rss, found)


def entity_feed(facet: Facet, entry: EntityEntry, made: Entries, config: Config) -> Feed:
    """Return the feed of one entity's reports."""
    patterns = config.facets[facet.key]
    slug = entry.ref.slug
    atom, rss = patterns.atom.format(slug=slug), patterns.rss.format(slug=slug) if patterns.rss else ""
    feed_id = f"{config.feed_id_prefix}{facet.key}/{slug}"
    title = f"{entry.ref.name} ({facet.singular.lower()})"
    found = made.newest(entry.reports)
    return Feed(f"{facet.key}/{slug}", title, feed_id, entry.ref.url, atom, rss, found, facet)
