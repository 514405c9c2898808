"""Plan every output page as data: where it goes, which template, what it shows."""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from .cache import Fingerprints
from .charts import monthly_chart
from .entities import initial, name_order
from .exports import entities_json, generated_at, report_record, reports_csv, reports_json
from .facets import FACETS, Facet
from .feeds import Entries, Entry, Feed, entity_feed, site_feed
from .indexes import EntityEntry, EntityIndex
from .maps import MapView, Place, geojson, locator, map_view, places
from .model import Redirect, Report, Site
from .problems import ANY_FILE, Problem, clashes, error
from .settings import Config, Pattern
from .slugs import NAME_MAX, fits_a_folder
from .timeline import Year, group, group_newest, oldest_first, overview
from .urls import saved_as


@dataclass(frozen=True)
class Lazy:
    """A page variable made only when a page showing it is rendered; its recipe is what caching keys on."""

    make: Callable[..., object]
    args: tuple[object, ...]

    @cached_property
    def value(self) -> object:
        """Make the value (once, however many pages show it), lazy arguments first."""
        return self.make(*(a.value if isinstance(a, Lazy) else a for a in self.args))


@dataclass(frozen=True)
class Page:
    """One file to render: its output path, URL, template and template variables."""

    save_as: str
    url: str
    template: str
    variables: Mapping[str, object] = field(default_factory=dict)

    def context(self) -> dict[str, object]:
        """Return the template variables, lazy ones made."""
        return {k: v.value if isinstance(v, Lazy) else v for k, v in self.variables.items()}


@dataclass(frozen=True)
class Pager:
    """Where a paginated page sits among its siblings."""

    number: int
    count: int
    previous_url: str | None
    next_url: str | None


def paginate(
    items: Sequence[object], per_page: int, first: Pattern, rest: Pattern, **fields: object
) -> list[tuple[Sequence[object], Pager, str, str]]:
    """Split items into pages; page 1 uses `first`, later pages `rest` with {number} (both with fields)."""
    count = max(1, math.ceil(len(items) / per_page))
    places = [(first if n == 1 else rest).format(number=n, **fields) for n in range(1, count + 1)]
    result = []
    for index, (url, save_as) in enumerate(places):
        previous_url = places[index - 1][0] if index else None
        next_url = places[index + 1][0] if index + 1 < count else None
        chunk = items[index * per_page : (index + 1) * per_page]
        result.append((chunk, Pager(index + 1, count, previous_url, next_url), url, save_as))
    return result


@dataclass(frozen=True)
class DataFile:
    """A file written as it is, not from a template: the data exports."""

    save_as: str
    make: Callable[[], str]  # called when written, after search has started: off a warm build's critical path
    shows: tuple[object, ...] = ()  # what the text is made from: the file's digest, so an unchanged one is kept

    @property
    def text(self) -> str:
        """Make the file's text (nothing keeps it, nor what it was made from, once written)."""
        return self.make()


def data_files(site: Site, index: EntityIndex, config: Config) -> list[DataFile]:
    """Plan the analyst exports under the data folder."""
    generated = generated_at(site.reports, config.source_date_epoch)
    records = functools.partial(_records, site.reports, index)
    folder, located = config.data_dir, index.facets["locations"]
    return [
        DataFile(f"{folder}/reports.json", lambda: reports_json(records(), generated), (site.reports, generated)),
        DataFile(f"{folder}/reports.csv", lambda: reports_csv(records()), (site.reports,)),
        DataFile(
            f"{folder}/entities.json",
            lambda: entities_json(index, site.registry, generated),
            (index.facets["actors"], located, site.registry, generated),
        ),
        DataFile(
            f"{folder}/locations.geojson",
            lambda: geojson(places(site.registry, index), generated),
            (site.registry, located, generated),
        ),
    ]


def _records(reports: Sequence[Report], index: EntityIndex) -> list[dict[str, object]]:
    """Return the export record of every report, oldest first."""
    return [report_record(r, index) for r in oldest_first(reports)]


def plan(site: Site, index: EntityIndex, related: Mapping[str, Sequence[Report]], config: Config) -> list[Page]:
    """List every page of the site, in a stable order."""
    located = places(site.registry, index)
    made = Entries(index, config)
    feed = site_feed(site.reports, made, config)
    facet_feeds = {f.key: [entity_feed(f, e, made, config) for e in index.facets[f.key]] for f in FACETS}
    targets = {
        e.ref.url: (e, f) for k, feeds in facet_feeds.items() for e, f in zip(index.facets[k], feeds, strict=True)
    }
    return [
        *home_pages(site, config, feed),
        *report_pages(site.reports, related),
        *(page for facet in FACETS for page in facet_pages(facet, index, facet_feeds[facet.key], located, config)),
        *redirect_pages(index, site.reports),
        *(page for redirect in index.redirects if redirect.facet for page in alias_pages(redirect, targets, config)),
        *timeline_pages(site.reports, config),
        *feed_pages([feed, *(f for feeds in facet_feeds.values() for f in feeds)], facet_feeds, config),
        Page(*_at(config.search), "search", {"indexed": config.indexed, "searchable": bool(site.reports)}),
        map_page(located, config),
        not_found_page(config),
    ]


def not_found_page(config: Config) -> Page:
    """Plan the page a web server answers a missing address with: served at any depth, it links absolutely if it can."""
    root = {"SITEURL": config.public_url} if config.public_url else {}  # else relative: right for misses at the root
    return Page(
        *_at(config.not_found), "404", {"search_url": config.search.format()[0], "indexed": config.indexed, **root}
    )


def map_page(located: Sequence[Place], config: Config) -> Page:
    """Plan the map of every located place."""
    variables = {"view": Lazy(map_view, (located,)), "places": located, "data_dir": config.data_dir}
    return Page(*_at(config.map), "map", variables)


def page_digests(
    pages: Sequence[Page], index: EntityIndex, base: str, prints: Fingerprints | None = None
) -> dict[str, str]:
    """Digest what each page is made from (base: theme, code and settings), by output path.

    prints: the fingerprints of earlier pages of the same build (page_fingerprints), whose memo is reused.
    """
    prints = prints or page_fingerprints(index)
    return {p.save_as: prints.of((base, p.save_as, p.url, p.template, p.variables, _whole(p))) for p in pages}


def data_digests(files: Sequence[DataFile], base: str, prints: Fingerprints) -> dict[str, str]:
    """Digest what each data export is made from (base: theme, code and settings), by output path."""
    return {f.save_as: prints.of((base, f.save_as, f.shows)) for f in files}


def page_fingerprints(index: EntityIndex) -> Fingerprints:
    """Return fingerprints that stand for reports and entities by what pages show of them."""

    def stand_in(value: object) -> object:
        """Stand for things by what pages show of them, and for what is derived from reports by those reports."""
        if isinstance(value, Report):  # as listed; with its refs, as folded names depend on other reports
            refs = (ref for facet in FACETS for ref in index.refs(value, facet.key))
            return "\n".join([value.card, *(f"{ref.facet} {ref.name}\t{ref.url}" for ref in refs)])  # one text
        if isinstance(value, EntityEntry):  # activity and co-occurrence come from its reports and the index
            return (value.ref, value.details, value.spellings, value.reports)
        if isinstance(value, Entry):  # a feed entry: its report whole
            return (value.report.digest, value.report)
        if isinstance(value, Feed):  # as linked; a feed file itself adds its entries (see _whole)
            return (value.key, value.title, value.id, value.html_url, value.atom, value.rss, value.facet, value.updated)
        if isinstance(value, Place):  # the map's table shows its first and last report's dates too
            span = (value.entry.first.iso(), value.entry.last.iso()) if value.entry else None
            return (value.name, value.slug, value.region, value.lat, value.lon, value.count, value.url, span)
        return None

    return Fingerprints(stand_in)


FEED_TEMPLATES = ("atom", "rss")


def _whole(page: Page) -> object:
    """Return what a page shows in full beyond cards and links: its own report's body, or its feed's entries."""
    report, feed = page.variables.get("report"), page.variables.get("feed")
    if isinstance(report, Report):
        return report.digest
    return feed.entries if isinstance(feed, Feed) and page.template in FEED_TEMPLATES else ()


def feed_pages(feeds: Sequence[Feed], by_facet: Mapping[str, Sequence[Feed]], config: Config) -> list[Page]:
    """Plan every Atom and RSS file, the feeds page and the OPML list."""
    pages = [Page(f.atom, f.atom, "atom", {"feed": f}) for f in feeds]
    pages += [Page(f.rss, f.rss, "rss", {"feed": f}) for f in feeds if f.rss]
    listing = {"site_feed": feeds[0], "facet_feeds": [(f, by_facet[f.key]) for f in FACETS], "opml_url": config.opml}
    pages.append(Page(*_at(config.feeds), "feeds", listing))
    pages.append(Page(config.opml, config.opml, "opml", listing))
    return pages


@dataclass(frozen=True)
class Neighbour:
    """A link to the previous or next archive period."""

    label: str
    url: str


def archive_urls(years: Sequence[Year], config: Config) -> dict[str, str]:
    """Map each year's and month's anchor to its archive URL."""
    urls = {y.anchor: archive_url(config.year_archive, date(y.year, 1, 1)) for y in years}
    for month in (m for y in years for m in y.months):
        urls[month.anchor] = archive_url(config.month_archive, date(month.year, month.month, 1))
    return urls


@dataclass(frozen=True)
class Period:
    """A year or a month of the archives."""

    kind: str
    label: str
    years: tuple[Year, ...]
    url: str
    save_as: str


def periods(years: Sequence[Year], config: Config) -> list[Period]:
    """List every year, then every month, that has reports."""
    found = [Period("year", str(y.year), (y,), *config.year_archive.format(date=date(y.year, 1, 1))) for y in years]
    for month in (m for y in years for m in y.months):
        place = config.month_archive.format(date=date(month.year, month.month, 1))
        found.append(Period("month", month.name, (Year(month.year, (month,)),), *place))
    return found


def timeline_pages(newest_first: Sequence[Report], config: Config) -> list[Page]:
    """Plan the timeline, the archives list and one archive page per year and month."""
    reports = oldest_first(newest_first)
    years = group(reports)
    common = {"years": years, "archive_urls": archive_urls(years, config)}
    chart = Lazy(month_overview, (newest_first, config))
    shown = Lazy(group_newest, (newest_first, config.timeline_limit))
    variables = {**common, "years": shown, "total": len(reports), "chart": chart, "heading": "Timeline"}
    variables["archives_url"] = _at(config.archives)[1]
    pages = [
        Page(*_at(config.timeline), "timeline", variables),
        Page(*_at(config.archives), "archives", {**common, "heading": "Archives"}),
    ]
    return pages + _period_pages(periods(years, config), common["archive_urls"])


def month_overview(newest_first: Sequence[Report], config: Config) -> object:
    """Chart reports over time, each bar linking to its month's archive."""
    return overview(oldest_first(newest_first), functools.partial(month_url, config.month_archive))


def month_url(pattern: Pattern, day: date) -> str:
    """Return the URL of the archive of a day's month."""
    return archive_url(pattern, day.replace(day=1))


@functools.cache
def archive_url(pattern: Pattern, first: date) -> str:
    """Return the URL of the archive of the year or month starting on first (timelines link the same few hundred)."""
    return pattern.format(date=first)[0]


def _at(pattern: Pattern) -> tuple[str, str]:
    """Return (save_as, url) of a single page's pattern."""
    url, save_as = pattern.format()
    return save_as, url


def _period_pages(found: Sequence[Period], urls: Mapping[str, str]) -> list[Page]:
    """Plan archive pages, each linked to the previous and next period of its kind."""
    pages = []
    for kind in ("year", "month"):
        same = [p for p in found if p.kind == kind]
        for i, period in enumerate(same):
            before = Neighbour(same[i - 1].label, same[i - 1].url) if i else None
            after = Neighbour(same[i + 1].label, same[i + 1].url) if i + 1 < len(same) else None
            variables = {"heading": period.label, "years": period.years, "archive_urls": urls}
            pages.append(Page(period.save_as, period.url, "archive", {**variables, "previous": before, "next": after}))
    return pages


def entity_timeline_page(facet: Facet, entry: EntityEntry, config: Config) -> Page:
    """Plan the timeline of one entity's reports."""
    url, save_as = config.facets[facet.key].timeline.format(slug=entry.ref.slug)
    years = Lazy(group_newest, (entry.reports, config.timeline_limit))
    variables = {"years": years, "archive_urls": Lazy(archive_urls, (years, config)), "entry": entry}
    variables["total"] = entry.count
    variables["chart"] = Lazy(month_overview, (entry.reports, config))
    return Page(save_as, url, "timeline", {**variables, "heading": f"Timeline: {entry.ref.name}", "facet": facet})


def navigation(config: Config) -> tuple[tuple[str, str], ...]:
    """Return the site navigation as (label, url) pairs; Search only when the site has its index."""
    first = (("Latest", config.home.format(number=1)[0]), ("Timeline", config.timeline.format()[0]))
    facets = tuple((f.plural, config.facets[f.key].listing.format()[0]) for f in FACETS)
    search = (("Search", config.search),) if config.indexed else ()  # its page stays: old links to it still land
    last = (("Archives", config.archives), ("Map", config.map), *search, ("Feeds", config.feeds))
    return first + facets + tuple((label, pattern.format()[0]) for label, pattern in last)


def facet_pages(
    facet: Facet, index: EntityIndex, feeds: Sequence[Feed], located: Sequence[Place], config: Config
) -> list[Page]:
    """Plan a facet's list page and every entity's paginated page."""
    entries = index.facets[facet.key]
    url, save_as = config.facets[facet.key].listing.format()
    pages = [Page(save_as, url, "entities", {"facet": facet, "entries": entries, **_groupings(entries)})]
    for entry, feed in zip(entries, feeds, strict=True):
        view = Lazy(locator, (located, entry.ref.name)) if any(p.entry is entry for p in located) else None
        pages += [*entity_pages(facet, entry, feed, view, config), entity_timeline_page(facet, entry, config)]
    return pages


def entity_pages(facet: Facet, entry: EntityEntry, feed: Feed, view: MapView | None, config: Config) -> list[Page]:
    """Plan one entity's pages: its reports newest first, paginated."""
    patterns = config.facets[facet.key]
    chart = Lazy(activity_chart, (entry,))
    variables = {
        "facet": facet,
        "entry": entry,
        "chart": chart,
        "listing_url": patterns.listing.format()[0],
        "feed": feed,
        "locator": view,
    }
    variables["timeline_url"] = patterns.timeline.format(slug=entry.ref.slug)[0]
    variables["timeline_count"] = min(entry.count, config.timeline_limit)
    chunks = paginate(entry.reports, config.entity_per_page, patterns.entity, patterns.entity_page, slug=entry.ref.slug)
    return [
        Page(save_as, url, "entity", {**variables, "reports": chunk, "pager": pager})
        for chunk, pager, url, save_as in chunks
    ]


def activity_chart(entry: EntityEntry) -> object:
    """Chart an entity's reports by month."""
    return monthly_chart(entry.activity, entry.ref.name)


def _groupings(entries: Sequence[EntityEntry]) -> dict[str, object]:
    """Group entries A–Z by initial, and rank them by number of reports."""
    letters: dict[str, list[EntityEntry]] = {}
    for entry in entries:
        letters.setdefault(initial(entry.ref.name), []).append(entry)
    by_count = sorted(entries, key=lambda e: (-e.count, *name_order(e.ref.name)))
    return {
        "letters": [(letter, initial_id(letter), group) for letter, group in sorted(letters.items())],
        "by_count": by_count,
    }


def initial_id(letter: str) -> str:
    """Return the id of an initial's heading: `#` cannot be in one, since the link `#letter-#` is not a valid URL."""
    return f"letter-{letter if letter.isalpha() else 'other'}"


def redirect_pages(index: EntityIndex, reports: Sequence[Report]) -> list[Page]:
    """Plan the pages that send an alias URL to its entity, and a report's old URLs to the report."""
    moved = [
        Redirect(url, saved_as(url), f"Moved: {report.title}", "This report has moved to", report.url, report.title)
        for report in reports
        for url in report.redirect_from
    ]
    return [Page(r.save_as, r.url, "redirect", {"redirect": r}) for r in (*index.redirects, *moved)]


def alias_pages(redirect: Redirect, targets: Mapping[str, tuple[EntityEntry, Feed]], config: Config) -> list[Page]:
    """Keep an alias's feeds and timeline working, should it once have been an entity of its own (then folded in).

    targets: each entity's entry and feed, by its URL. The alias's feeds are its entity's, as they are:
    a feed reader cannot follow a pointer page, so it reads on.
    """
    patterns, (entry, feed) = config.facets[redirect.facet], targets[redirect.target_url]
    atom, rss = (pattern.format(slug=redirect.slug) if pattern else "" for pattern in (patterns.atom, patterns.rss))
    url, save_as = patterns.timeline.format(slug=redirect.slug)
    target = patterns.timeline.format(slug=entry.ref.slug)[0]
    timeline = Redirect(url, save_as, f"{redirect.title} (timeline)", redirect.said, target, entry.ref.name)
    pages = [Page(atom, atom, "atom", {"feed": feed}), Page(save_as, url, "redirect", {"redirect": timeline})]
    return pages + ([Page(rss, rss, "rss", {"feed": feed})] if rss else [])


def home_pages(site: Site, config: Config, feed: Feed) -> list[Page]:
    """Plan the paginated home: the latest reports first."""
    pages = paginate(site.reports, config.home_per_page, config.home, config.home_page)
    return [
        Page(save_as, url, "index", {"reports": chunk, "pager": pager, "feed": feed})
        for chunk, pager, url, save_as in pages
    ]


def report_pages(reports: Sequence[Report], related: Mapping[str, Sequence[Report]]) -> list[Page]:
    """Plan one page per report, with its older and newer neighbours and related reports."""
    pages = []
    for index, report in enumerate(reports):  # newest first
        newer = reports[index - 1] if index else None
        older = reports[index + 1] if index + 1 < len(reports) else None
        variables = {"report": report, "newer": newer, "older": older, "related": related.get(report.source, ())}
        pages.append(Page(report.save_as, report.url, "report", variables))
    return pages


def long_names(pages: Iterable[Page]) -> list[Problem]:
    """Report a planned file whose path has a name too long to write (an entity's name, a URL pattern)."""
    found = {page.save_as for page in pages if not all(map(fits_a_folder, page.save_as.split("/")))}
    return [
        error(
            "output",
            0,
            f"{save_as[:120]}...: a name in this path is longer than a file system allows ({NAME_MAX})",
            "shorten the entity's name (its slug comes from it) or the URL pattern in the settings",
        )
        for save_as in sorted(found)
    ]


MOVED_HINT = "remove it from redirect_from"


def moved_clashes(reports: Sequence[Report], planned: Sequence[Page], reserved: tuple[str, ...]) -> list[Problem]:
    """Report an old URL (redirect_from) where the site has a page, or in a folder of its own files."""
    made = Counter(page.save_as for page in planned)
    return [
        error(report.source, report.line("redirect_from"), f"redirect_from {url} {why}", MOVED_HINT, ANY_FILE)
        for report in reports
        for url in report.redirect_from
        if (why := _moved_clash(url, made, reserved))
    ]


def _moved_clash(url: str, made: Counter[str], reserved: tuple[str, ...]) -> str:
    """Say why an old URL cannot be a pointer page ('' when it can)."""
    folders = saved_as(url).split("/")[:-1]
    if folders and folders[0] in reserved:
        return f"is in {folders[0]}/, which holds the site's own files"
    if made[saved_as(url)] > 1:
        return "is also a page of the site"
    inside = ["/".join(folders[: n + 1]) for n in range(len(folders))]
    return next((f"would need a folder where the site has the file {f}" for f in inside if f in made), "")


def in_reserved(pages: Iterable[Page], reserved: tuple[str, ...]) -> list[Problem]:
    """Report a page in a folder of the site's own files, as a pattern at the root puts an entity named 'Pagefind'."""
    found = sorted({page.save_as for page in pages if "/" in page.save_as and page.save_as.split("/")[0] in reserved})
    hint = "give its URL pattern a first folder of its own, e.g. regions/{slug}/"
    return [
        error("output", 0, f"{save_as} is in {save_as.split('/')[0]}/, which holds the site's own files", hint)
        for save_as in found
    ]


def collisions(pages: Iterable[Page]) -> list[Problem]:
    """Report two pages planned for one output file (before anything is written)."""
    return [
        error(
            "output",
            0,
            f"{group[0].save_as} would be written {len(group)} times ({', '.join(p.template for p in group)})",
        )
        for group in clashes(pages, lambda page: page.save_as)
    ]
