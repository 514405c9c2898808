"""Sitrep's settings: defaults, validation, and the frozen Config the pipeline uses."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from difflib import get_close_matches
from inspect import signature
from string import Formatter
from urllib.parse import SplitResult, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from jinja2 import Environment

from .facets import FACETS
from .problems import Problem, error, errors, warning
from .urls import saved_as

SETTINGS_LABEL = "settings"

# URL patterns, like Pelican's ARTICLE_URL / ARTICLE_SAVE_AS. Fields: {slug},
# {date} (a date, so {date:%Y} works), {number} for pagination.
DEFAULTS: dict[str, object] = {
    "SITREP_REPORTS_DIR": "reports",
    "SITREP_ENTITIES_DIR": "entities",
    "REPORT_URL": "reports/{date:%Y}/{date:%m}/{slug}/",
    "REPORT_SAVE_AS": "reports/{date:%Y}/{date:%m}/{slug}/index.html",
    "HOME_URL": "",
    "HOME_SAVE_AS": "index.html",
    "HOME_PAGE_URL": "page/{number}/",
    "HOME_PAGE_SAVE_AS": "page/{number}/index.html",
    "TIMELINE_URL": "timeline/",
    "TIMELINE_SAVE_AS": "timeline/index.html",
    "ARCHIVES_URL": "archives/",
    "ARCHIVES_SAVE_AS": "archives/index.html",
    "YEAR_ARCHIVE_URL": "archives/{date:%Y}/",
    "YEAR_ARCHIVE_SAVE_AS": "archives/{date:%Y}/index.html",
    "MONTH_ARCHIVE_URL": "archives/{date:%Y}/{date:%m}/",
    "MONTH_ARCHIVE_SAVE_AS": "archives/{date:%Y}/{date:%m}/index.html",
    "MAP_URL": "map/",
    "MAP_SAVE_AS": "map/index.html",
    "SITREP_DATA_DIR": "data",
    "SOURCE_DATE_EPOCH": "",  # set from the environment by the adapter: the exports' `generated`
    "SITREP_SEARCH": True,  # index the report pages with Pagefind (the search page needs the index)
    "SEARCH_URL": "search/",
    "SEARCH_SAVE_AS": "search/index.html",
    "NOT_FOUND_URL": "404.html",  # the web server's page for a missing address (see README: Output)
    "NOT_FOUND_SAVE_AS": "404.html",
    "FEEDS_URL": "feeds/",
    "FEEDS_SAVE_AS": "feeds/index.html",
    "SITREP_FEED_ATOM": "feeds/all.atom.xml",
    "SITREP_FEED_RSS": "feeds/all.rss.xml",
    "SITREP_FEED_OPML": "feeds/index.opml",
    "SITREP_FEED_MAX_ITEMS": 50,
    "SITREP_FEED_ID_PREFIX": "tag:sitrep.example.internal,2026:",  # RFC 4151; never change it once published
    "SITREP_LOCAL_SITEURL": "http://localhost:8000",  # feeds need absolute URLs even in local builds
    "SITEURL": "",
    "SITREP_HOME_PER_PAGE": 10,
    "SITREP_ENTITY_PER_PAGE": 20,
    "SITREP_TIMELINE_LIMIT": 1000,  # a timeline lists the newest this many; older ones are in the archives
    "TIMEZONE": "UTC",
    "DEFAULT_LANG": "en",  # Pelican's default; pages' lang and feeds' xml:lang
}
for _facet in FACETS:  # ACTOR_URL = "actors/{slug}/", ACTORS_URL = "actors/", ...
    DEFAULTS[f"{_facet.setting}_URL"] = f"{_facet.key}/{{slug}}/"
    DEFAULTS[f"{_facet.setting}_SAVE_AS"] = f"{_facet.key}/{{slug}}/index.html"
    DEFAULTS[f"{_facet.setting}_PAGE_URL"] = f"{_facet.key}/{{slug}}/page/{{number}}/"
    DEFAULTS[f"{_facet.setting}_PAGE_SAVE_AS"] = f"{_facet.key}/{{slug}}/page/{{number}}/index.html"
    DEFAULTS[f"{_facet.setting}_TIMELINE_URL"] = f"{_facet.key}/{{slug}}/timeline/"
    DEFAULTS[f"{_facet.setting}_TIMELINE_SAVE_AS"] = f"{_facet.key}/{{slug}}/timeline/index.html"
    DEFAULTS[f"{_facet.setting}_ATOM"] = f"{_facet.key}/{{slug}}/feed.atom.xml"
    DEFAULTS[f"{_facet.setting}_RSS"] = ""  # off: 40 MB more at 1,000 reports; e.g. "actors/{slug}/feed.rss.xml"
    DEFAULTS[f"{_facet.list_setting}_URL"] = f"{_facet.key}/"
    DEFAULTS[f"{_facet.list_setting}_SAVE_AS"] = f"{_facet.key}/index.html"
SAMPLE = {"slug": "sample", "date": date(2016, 1, 2), "number": 2}


@dataclass(frozen=True)
class Pattern:
    """A URL pattern and the file it is saved as."""

    url: str
    save_as: str

    def format(self, **fields: object) -> tuple[str, str]:
        """Return (url, save_as) for these fields."""
        return self.url.format(**fields), self.save_as.format(**fields)


@dataclass(frozen=True)
class FacetPatterns:
    """Where a facet's entity pages, their later pages and its list page go."""

    entity: Pattern
    entity_page: Pattern
    timeline: Pattern
    listing: Pattern
    atom: str
    rss: str


@dataclass(frozen=True)
class Config:
    """Everything the pure pipeline needs to know from the settings."""

    reports_dir: str
    entities_dir: str
    report: Pattern
    home: Pattern
    home_page: Pattern
    timeline: Pattern
    archives: Pattern
    year_archive: Pattern
    month_archive: Pattern
    feeds: Pattern
    search: Pattern
    indexed: bool  # SITREP_SEARCH: the report pages are indexed for the search page
    map: Pattern
    not_found: Pattern
    data_dir: str
    source_date_epoch: str
    atom: str
    rss: str
    opml: str
    feed_max_items: int
    feed_id_prefix: str
    site_url: str
    public_url: str  # SITEURL as set ('' in local builds): the 404 page's links must not depend on the address
    home_per_page: int
    entity_per_page: int
    timeline_limit: int
    timezone: ZoneInfo
    facets: Mapping[str, FacetPatterns]


def with_defaults(settings: Mapping[str, object]) -> dict[str, object]:
    """Return settings with every Sitrep default filled in."""
    return {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}


def load(settings: Mapping[str, object]) -> tuple[Config | None, list[Problem]]:
    """Validate settings and build a Config, or return the problems."""
    values = with_defaults(settings)
    problems = [p for name, check in CHECKS.items() for p in check(name, values[name])]
    if not errors(problems):  # each pattern formats: now whether they fit together
        problems += _check_layout(values, str(settings.get("THEME_STATIC_DIR") or "theme"))
        problems += _check_published_ids(values)
    zone = _zone(values["TIMEZONE"], problems)
    if errors(problems) or zone is None:
        return None, problems
    return _config(values, zone), problems


def default_urls(settings: Mapping[str, object]) -> bool:
    """Say whether every URL pattern is its default: each kind of page then has a folder of its own, no two clash.

    Under other patterns an entity's page can land on another page (ACTOR_URL '{slug}.html' and an
    actor named Index): `check` plans the pages to tell it, as a build does.
    """
    return all(settings.get(name, DEFAULTS[name]) == DEFAULTS[name] for name in _PATTERN_NAMES)


def _config(values: dict[str, object], zone: ZoneInfo) -> Config:
    """Build the Config from validated values."""
    pattern = lambda name: Pattern(str(values[f"{name}_URL"]), str(values[f"{name}_SAVE_AS"]))  # noqa: E731
    return Config(
        reports_dir=str(values["SITREP_REPORTS_DIR"]),
        entities_dir=str(values["SITREP_ENTITIES_DIR"]),
        report=pattern("REPORT"),
        home=pattern("HOME"),
        home_page=pattern("HOME_PAGE"),
        timeline=pattern("TIMELINE"),
        archives=pattern("ARCHIVES"),
        year_archive=pattern("YEAR_ARCHIVE"),
        month_archive=pattern("MONTH_ARCHIVE"),
        feeds=pattern("FEEDS"),
        search=pattern("SEARCH"),
        indexed=bool(values["SITREP_SEARCH"]),
        map=pattern("MAP"),
        not_found=pattern("NOT_FOUND"),
        data_dir=str(values["SITREP_DATA_DIR"]).strip("/"),
        source_date_epoch=str(values["SOURCE_DATE_EPOCH"] or ""),
        atom=str(values["SITREP_FEED_ATOM"]),
        rss=str(values["SITREP_FEED_RSS"]),
        opml=str(values["SITREP_FEED_OPML"]),
        feed_max_items=int(values["SITREP_FEED_MAX_ITEMS"]),  # type: ignore[call-overload]
        feed_id_prefix=str(values["SITREP_FEED_ID_PREFIX"]),
        site_url=_site_url(values),
        public_url=str(values["SITEURL"] or "").rstrip("/"),
        home_per_page=int(values["SITREP_HOME_PER_PAGE"]),  # type: ignore[call-overload]
        entity_per_page=int(values["SITREP_ENTITY_PER_PAGE"]),  # type: ignore[call-overload]
        timeline_limit=int(values["SITREP_TIMELINE_LIMIT"]),  # type: ignore[call-overload]
        timezone=zone,
        facets={
            f.key: FacetPatterns(
                pattern(f.setting),
                pattern(f"{f.setting}_PAGE"),
                pattern(f"{f.setting}_TIMELINE"),
                pattern(f.list_setting),
                str(values[f"{f.setting}_ATOM"]),
                str(values[f"{f.setting}_RSS"]),
            )
            for f in FACETS
        },
    )


_PATTERN_NAMES = [
    n for n in DEFAULTS if n.endswith(("_URL", "_SAVE_AS", "_ATOM", "_RSS", "_OPML")) and "SITEURL" not in n
]
_ENDINGS = {"_SAVE_AS": ".html", "_ATOM": ".xml", "_RSS": ".xml", "_OPML": ".opml"}


def _fields_of(pattern: str) -> tuple[str, ...]:
    """Return the fields a pattern names ('{date:%Y}' names date), in SAMPLE's order."""
    named = {field.split(".")[0].split("[")[0] for _, field, _, _ in Formatter().parse(pattern) if field}
    return tuple(name for name in SAMPLE if name in named)


# The fields each pattern is formatted with, as its default shows: one checked with every field
# passed the check and then failed the build (NOT_FOUND_SAVE_AS = "{slug}.html", a page with no slug).
_FIELDS = {name: _fields_of(str(DEFAULTS[name])) for name in _PATTERN_NAMES}
_FIELDS.update(HOME_URL=("number",), HOME_SAVE_AS=("number",))  # the first page of the home's pages
_FIELDS.update({f"{f.setting}_RSS": ("slug",) for f in FACETS})  # off by default, so its default is ""


def _formatted(name: str, value: str, other: Mapping[str, object]) -> str:
    """Return a pattern formatted with the sample fields it takes, some of them replaced."""
    return value.format(**{field: other.get(field, SAMPLE[field]) for field in _FIELDS[name]})


_FIRST_PAGE = ("HOME_URL", "HOME_SAVE_AS")  # {number} is 1 there
_WHAT = {"REPORT": "report", **{f.setting: f.singular.lower() for f in FACETS}}
# What must change a pattern's path, and a sample that changes it: a REPORT_URL without {slug} put
# every report at one address, an ACTOR_URL without it every actor (the build then failed on
# "written 69 times", naming no setting). A report's {date} and the home's first page are optional.
_VARIES: dict[str, list[tuple[str, str, dict[str, object]]]] = {
    name: [
        *([("{slug}", _WHAT[name.split("_")[0]], {"slug": "other"})] if "slug" in fields else []),
        *([("{number}", "page", {"number": 3})] if "number" in fields and name not in _FIRST_PAGE else []),
        *([("{date:%Y}", "year", {"date": date(2017, 1, 2)})] if name.startswith(("YEAR_", "MONTH_")) else []),
        *([("{date:%m}", "month", {"date": date(2016, 2, 2)})] if name.startswith("MONTH_") else []),
    ]
    for name, fields in _FIELDS.items()
}


def _site_url(values: Mapping[str, object]) -> str:
    """Return the absolute site URL feeds use, ending in '/'."""
    url = str(values["SITEURL"] or values["SITREP_LOCAL_SITEURL"])
    return url.rstrip("/") + "/"


def _check_pattern(name: str, value: object) -> list[Problem]:
    """Check that a URL pattern formats and stays inside the output folder."""
    if not isinstance(value, str):
        return [error(SETTINGS_LABEL, 0, f"{name} must be text")]
    if value == "" and name.endswith("_RSS") and name != "SITREP_FEED_RSS":
        return []  # an entity RSS feed that is switched off
    fields = _FIELDS[name]
    try:
        sample = value.format(**{field: SAMPLE[field] for field in fields})
    except (KeyError, IndexError, ValueError) as exc:
        taken = " and ".join(f"{{{field}}}" for field in fields)
        hint = f"it takes {taken}" if fields else "it is one page: it takes no {slug}"
        return [error(SETTINGS_LABEL, 0, f"{name} '{value}' cannot be formatted: {exc}", hint)]
    found = _check_path(name, value, sample)
    if found:
        return found
    named = next(filter(None, (LOCALE_NAMED.search(spec or "") for _, _, spec, _ in Formatter().parse(value))), None)
    if named is not None:  # Pelican sets the locale from LANG: the URL would change with the machine that builds
        said = f"{name} '{value}' uses {named[0]}, which follows the machine's locale: its URLs would change with it"
        return [error(SETTINGS_LABEL, 0, said, "use numbers: %Y, %m, %d")]
    varied = _VARIES.get(name, ())
    unchanged = next(((field, what) for field, what, other in varied if _formatted(name, value, other) == sample), None)
    if unchanged is not None:
        field, what = unchanged
        said = f"{name} '{value}' gives every {what} one path: it does not use {field}"
        return [error(SETTINGS_LABEL, 0, said, f"put {field} in it")]
    ending = next((e for suffix, e in _ENDINGS.items() if name.endswith(suffix)), None)
    if ending and not sample.endswith(ending):
        return [error(SETTINGS_LABEL, 0, f"{name} '{value}' must end in {ending}")]
    return []


def _check_path(name: str, value: str, sample: str) -> list[Problem]:
    """Check that a formatted pattern is a relative path inside the output that a link can hold as it is."""
    *folders, last = sample.split("/")
    # '.', '' and '..' folders: 'reports//x/' and './index.html' name the file of another page unseen.
    if any(part in ("", ".", "..") for part in folders) or last in (".", "..") or "\\" in sample:
        return [error(SETTINGS_LABEL, 0, f"{name} '{value}' must be a relative path inside the output")]
    held = next((char for char in sample if char in NOT_IN_A_PATH or not char.isprintable()), None)
    if held is not None:
        hint = "a link's path cannot hold it as it is: use letters, digits, '-', '_', '.' and '/'"
        return [error(SETTINGS_LABEL, 0, f"{name} '{value}' gives {sample!r}, which holds {held!r}", hint)]
    return []


def _check_data_folder(name: str, value: object) -> list[Problem]:
    """Check the exports' folder: a folder inside the output that the map's links to its files can hold as it is."""
    return _check_folder(name, value) or _check_path(name, str(value), str(value).strip("/") + "/")


def _check_layout(values: Mapping[str, object], theme_folder: str) -> list[Problem]:
    """Check the patterns together: each URL finds its file, none in a folder of the site's own, no file twice."""
    files = {name: _sample(name, values[name]) for name in _PATTERN_NAMES if not name.endswith("_URL")}
    files = {name: path for name, path in files.items() if path}  # an entity RSS feed switched off
    problems = [p for name in files if name.endswith("_SAVE_AS") for p in _check_agreement(name, values)]
    data = str(values["SITREP_DATA_DIR"]).strip("/") + "/"  # the exports: no pattern ends like them
    holders = {SEARCH_FOLDER: "the search index", theme_folder: "the theme's files (THEME_STATIC_DIR)"}
    for name, path in [*files.items(), ("SITREP_DATA_DIR", data)]:
        folder = path.split("/")[0] if "/" in path else ""
        if folder in holders:  # Pelican and Pagefind write these folders whole
            said = f"{name} '{values[name]}' is in {folder}/, which holds {holders[folder]}"
            problems.append(error(SETTINGS_LABEL, 0, said, "choose another folder"))
    by_path: dict[str, list[str]] = {}
    for name, path in files.items():
        by_path.setdefault(path, []).append(name)
    shared = [(path, names) for path, names in by_path.items() if len(names) > 1]
    return problems + [
        error(SETTINGS_LABEL, 0, f"{' and '.join(names)} give one file, {path}", "give each its own path")
        for path, names in shared
    ]


def _sample(name: str, value: object) -> str:
    """Return a checked pattern formatted with the sample fields it takes (the home's first page is page 1)."""
    return _formatted(name, str(value), {"number": 1} if name in _FIRST_PAGE else {})


def _check_agreement(save_name: str, values: Mapping[str, object]) -> list[Problem]:
    """Check that a page's URL is served from the file it is saved as (a link to 'a/b/' opens 'a/b/index.html')."""
    url_name = save_name.removesuffix("_SAVE_AS") + "_URL"
    url, save_as = values[url_name], values[save_name]
    if saved_as(_sample(url_name, url)) == _sample(save_name, save_as):
        return []
    said = f"{url_name} '{url}' and {save_name} '{save_as}' disagree: links to the page would not find its file"
    return [error(SETTINGS_LABEL, 0, said, f"set {save_name} to '{saved_as(str(url))}'")]


def _check_positive(name: str, value: object) -> list[Problem]:
    """Check that a setting is a whole number above zero."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return []
    return [error(SETTINGS_LABEL, 0, f"{name} must be a whole number above 0")]


def _check_folder(name: str, value: object) -> list[Problem]:
    """Check that a folder setting is a relative path that stays inside its folder (content or output)."""
    if not isinstance(value, str) or not value.strip("/"):
        return [error(SETTINGS_LABEL, 0, f"{name} must be a folder name")]
    if value.startswith("/") or ".." in value.split("/") or "\\" in value:
        return [error(SETTINGS_LABEL, 0, f"{name} '{value}' must be a relative path inside its folder")]
    return []


def _check_switch(name: str, value: object) -> list[Problem]:
    """Check that a setting is True or False (a string like "no" would count as true)."""
    return [] if isinstance(value, bool) else [error(SETTINGS_LABEL, 0, f"{name} must be True or False")]


def _check_epoch(name: str, value: object) -> list[Problem]:
    """Check SOURCE_DATE_EPOCH (from the environment): unset, or whole seconds since 1970 before the year 10000."""
    text = str(value)
    # Digits 0-9 only: isdigit() takes '²' too (int() then failed with a traceback) and '١٢٣', read as 123.
    if value in ("", None) or (text.isascii() and text.isdigit() and int(text) <= LAST_EPOCH):
        return []
    hint = "unset it, or set it to whole seconds since 1970, e.g. $(git log -1 --format=%ct)"
    return [error(SETTINGS_LABEL, 0, f"{name} '{value}' is not a time in seconds since 1970", hint)]


def _split(value: object) -> SplitResult | None:
    """Return a URL's parts, or None for what is no URL (not text, or an unclosed '[' of an IPv6 host)."""
    try:
        return urlsplit(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _check_site_url(name: str, value: object) -> list[Problem]:
    """Check a site URL: empty (SITEURL: local), or http(s) with a host, no query, fragment or space."""
    if value == "" and name == "SITEURL":
        return []
    parts = _split(value)
    if (
        parts
        and parts.scheme in ("http", "https")
        and parts.netloc
        and not (parts.query or parts.fragment or " " in value)
    ):
        fault = _url_fault(parts, value)  # type: ignore[arg-type]
        return [error(SETTINGS_LABEL, 0, f"{name} {value!r} {fault}")] if fault else []
    hint = "e.g. https://intranet.example/briefs/: every feed link starts with it"
    return [error(SETTINGS_LABEL, 0, f"{name} {value!r} is not a site's address", hint)]


def _url_fault(parts: SplitResult, value: str) -> str:
    """Say what is wrong in an http(s) address with a host, or return ''."""
    if parts.username is not None:
        return "holds a user name or password: every feed and the OPML file would publish it"
    try:
        port = parts.port  # 'h:abc' and 'h:99999' raise
    except ValueError:
        port = 0
    if port is not None and not 0 < port < 65536:
        return "has a port that is no number from 1 to 65535"
    if NOT_IN_URL.search(value):
        return 'holds a character a web address cannot (a space, a control, or one of " < > \\ ^ ` { | })'
    return ""


def _check_public_url(name: str, value: object) -> list[Problem]:
    """Check SITEURL as a site URL, and warn of a placeholder's host (publishconf.py's, when unset)."""
    found = _check_site_url(name, value)
    parts = None if found else _split(value)
    host = (parts.hostname or "") if parts else ""
    if not _placeholder(host):  # publishconf.py's stand-in
        return found
    said = f"{name} {value!r} is a placeholder: feeds, the OPML file and the 404 page link to a host that is not there"
    return [warning(SETTINGS_LABEL, 0, said, "set SITREP_SITEURL in the environment, or SITEURL in publishconf.py")]


def _check_language(name: str, value: object) -> list[Problem]:
    """Check a BCP 47 language tag, as HTML's lang and XML's xml:lang take it: en, ar, en-GB."""
    if isinstance(value, str) and LANGUAGE_TAG.fullmatch(value):
        return []
    close = value.replace("_", "-") if isinstance(value, str) else ""
    hint = f"write {close}" if LANGUAGE_TAG.fullmatch(close) else "e.g. en, ar or en-GB"
    return [error(SETTINGS_LABEL, 0, f"{name} {value!r} is not a language tag", hint)]


def _check_id_prefix(name: str, value: object) -> list[Problem]:
    """Check the feed id prefix: a URI's start that a report's path can follow (it ends in ':', '/' or '#')."""
    if isinstance(value, str) and URI_SCHEME.match(value) and value.endswith((":", "/", "#")):
        return []
    hint = "e.g. tag:intranet.example,2026: (RFC 4151); an id is it followed by the report's path"
    return [error(SETTINGS_LABEL, 0, f"{name} {value!r} is not the start of an id", hint)]


def _check_published_ids(values: Mapping[str, object]) -> list[Problem]:
    """Warn of the stand-in feed id prefix on a site with a real address: once read, an id must never change."""
    public = str(values["SITEURL"] or "")
    prefix = str(values["SITREP_FEED_ID_PREFIX"])
    if not public or _placeholder(_split(public).hostname or "") or not _placeholder(prefix):
        return []
    said = f"SITREP_FEED_ID_PREFIX {prefix!r} is a placeholder on a site published at {public}"
    hint = "set your own (tag:your-domain,2026:) before the first publish: a reader takes a changed id for a new report"
    return [warning(SETTINGS_LABEL, 0, said, hint)]


def _placeholder(text: str) -> bool:
    """Say whether a host or a tag's authority has an `example` label (RFC 2606 names, as Sitrep's stand-ins)."""
    return "example" in re.split(r"[.:/,@]", text)


LOCALE_NAMED = re.compile(r"%[-_0^#]?[EO]?[aAbBhcpPrxX]")  # strftime's names and forms that follow LC_TIME
NOT_IN_A_PATH = frozenset(' "#%<>?[\\]^`{|}:')  # ':' too: 'a:b/' is read as a URL of scheme 'a'
SEARCH_FOLDER = "pagefind"  # search.BUNDLE: Pagefind writes the folder whole
DATA_FILES = ("reports.json", "reports.csv", "entities.json", "locations.geojson")  # pages.data_files
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")  # an ISO 639 language, then subtags
NOT_IN_URL = re.compile(r'[\x00-\x20\x7f"<>\\^`{|}]')  # RFC 3986 leaves them out: a feed reader would refuse the link
URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
LAST_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z, the last moment Python's datetime holds
POSITIVE = ("SITREP_HOME_PER_PAGE", "SITREP_ENTITY_PER_PAGE", "SITREP_FEED_MAX_ITEMS", "SITREP_TIMELINE_LIMIT")
FOLDERS = ("SITREP_REPORTS_DIR", "SITREP_ENTITIES_DIR")
CHECKS = {
    **{name: _check_pattern for name in _PATTERN_NAMES},
    **{name: _check_positive for name in POSITIVE},
    **{name: _check_folder for name in FOLDERS},
    "SITREP_DATA_DIR": _check_data_folder,
    "SITREP_SEARCH": _check_switch,
    "SITREP_FEED_ID_PREFIX": _check_id_prefix,
    "DEFAULT_LANG": _check_language,
    "SITREP_LOCAL_SITEURL": _check_site_url,
    "SITEURL": _check_public_url,
    "SOURCE_DATE_EPOCH": _check_epoch,
}


def _zone(name: object, problems: list[Problem]) -> ZoneInfo | None:
    """Return the site time zone, recording a problem if unknown."""
    if name == "localtime":  # the zone of the machine that builds: another machine dates reports otherwise
        problems.append(
            error(SETTINGS_LABEL, 0, "TIMEZONE 'localtime' is this machine's zone", "name it, e.g. Africa/Tripoli")
        )
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(error(SETTINGS_LABEL, 0, f"TIMEZONE '{name}' is not a known time zone", _zone_hint(str(name))))
        return None


def _zone_hint(name: str) -> str:
    """Suggest the known time zone closest to a mistyped one ('utc', 'Africa/Tripolli')."""
    zones = {zone.lower(): zone for zone in available_timezones()}
    close = get_close_matches(name.strip().lower(), zones, n=1)
    return f"did you mean '{zones[close[0]]}'?" if close else ""


def pelican_problems(settings: Mapping[str, object]) -> list[Problem]:
    """Check the Pelican settings whose type Pelican takes on trust (a wrong one raised deep inside it)."""
    return [p for name, check in PELICAN_CHECKS.items() if name in settings for p in check(name, settings[name])]


def _check_text(name: str, value: object) -> list[Problem]:
    """Check that a setting is text."""
    return [] if isinstance(value, str) else [error(SETTINGS_LABEL, 0, f"{name} must be text, not {value!r}")]


def _check_name(name: str, value: object) -> list[Problem]:
    """Check that a name shown on every page is text with a letter or digit (None showed as 'None')."""
    if isinstance(value, str) and any(c.isalnum() for c in value):
        return []
    return [error(SETTINGS_LABEL, 0, f"{name} must be a name, not {value!r}", "it heads every page and feed")]


def _check_texts(name: str, value: object) -> list[Problem]:
    """Check that a setting is a list of texts (a lone text would be read letter by letter)."""
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return []
    return [error(SETTINGS_LABEL, 0, f"{name} must be a list of texts, not {value!r}", f'e.g. {name} = ["..."]')]


def _check_mapping(name: str, value: object, wanted: Callable[[str, object], bool], what: str) -> list[Problem]:
    """Check that a setting is a mapping whose every key and value is wanted."""
    if isinstance(value, Mapping) and all(isinstance(k, str) and wanted(k, v) for k, v in value.items()):
        return []
    return [error(SETTINGS_LABEL, 0, f"{name} must map {what}, not {value!r}")]


def _check_plugins(name: str, value: object) -> list[Problem]:
    """Check PLUGINS: a list of plugin names or modules (Pelican warns of a text itself, and puts None)."""
    return [] if value is None or isinstance(value, list | tuple) else _check_texts(name, value)


def _check_filters(name: str, value: object) -> list[Problem]:
    """Check JINJA_FILTERS: names mapped to functions."""
    return _check_mapping(name, value, lambda _, function: callable(function), "names to functions")


def _check_environment(name: str, value: object) -> list[Problem]:
    """Check JINJA_ENVIRONMENT: Jinja's own options, as Environment() takes them."""
    if not isinstance(value, Mapping):
        return _check_mapping(name, value, lambda *_: True, "Jinja's options to values")
    return [
        error(SETTINGS_LABEL, 0, f"{name} has no option {key!r}", _option_hint(key))
        for key in value
        if key not in JINJA_OPTIONS
    ]


def _option_hint(key: object) -> str:
    """Suggest the Jinja option closest to a mistyped one."""
    close = get_close_matches(str(key), JINJA_OPTIONS, n=1)
    return f"did you mean '{close[0]}'?" if close else "e.g. trim_blocks, lstrip_blocks or extensions"


def _check_readers(name: str, value: object) -> list[Problem]:
    """Check READERS: file extensions mapped to reader classes, or None to read no such file."""
    return _check_mapping(
        name,
        value,
        lambda _, reader: reader is None or isinstance(reader, type),
        "extensions to reader classes or None",
    )


JINJA_OPTIONS = frozenset(signature(Environment).parameters)  # autoescape, trim_blocks, extensions...
PELICAN_CHECKS: dict[str, Callable[[str, object], list[Problem]]] = {
    "SITEURL": _check_text,
    "DEFAULT_LANG": _check_text,
    "SITENAME": _check_name,
    "THEME_TEMPLATES_OVERRIDES": _check_texts,
    "THEME_STATIC_PATHS": _check_texts,
    "TEMPLATE_EXTENSIONS": _check_texts,
    "PLUGINS": _check_plugins,
    "JINJA_FILTERS": _check_filters,
    "JINJA_ENVIRONMENT": _check_environment,
    "READERS": _check_readers,
}
