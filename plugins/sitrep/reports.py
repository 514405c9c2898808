"""Read one report file into a validated, rendered Report."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from urllib.parse import unquote, urljoin

from .autolink import Target
from .dates import Moment
from .entities import Registry, name_key
from .frontmatter import Source, decode, split
from .history import FileHistory
from .markdown import ID_HINT, inspect, is_remote, render
from .model import Report
from .problems import Problem, error, warning
from .schema import Field, check_mapping, choice, moment, names, site_urls, slug, some_names, text
from .settings import Config
from .slugs import NAME_MAX, fits_a_folder, slugify
from .urls import entity_place, relative_root

REPORT_FIELDS = (
    Field("title", text, required=True),
    Field("date", moment, required=True),
    Field("region", some_names, required=True),
    Field("actors", names, required=True),
    Field("locations", names, default=()),
    Field("category", text),
    Field("summary", text),
    Field("sources", names, default=()),
    Field("author", text),
    Field("status", choice("published", "draft"), default="published"),
    Field("slug", slug),
    Field("updated", moment),
    Field("redirect_from", site_urls, default=()),
)
INSTEAD = {  # fields other tools know, and what a report writes instead
    "draft": "write 'status: draft' (a report with 'draft: true' is published)",
    "published": "write 'status: published', or leave it out",
    "tags": "name entities in 'actors', 'locations', 'region' and 'category'",
    "authors": "write 'author'",
    "modified": "write 'updated'",
}

_FOLDER_DATE = re.compile(r"(?:^|/)(\d{4})/(\d{2})/")


@dataclass(frozen=True)
class Read:
    """The outcome of reading one file: a report (unless it has errors) and problems."""

    report: Report | None
    problems: list[Problem]


def read_report(
    path: str,
    raw: bytes,
    config: Config,
    registry: Registry,
    content_path: str = "",
    history: FileHistory | None = None,
    render_body: bool = True,
) -> Read:
    """Decode, split, check and render one report file (content_path: its path in the content folder)."""
    text_, problems = decode(path, raw)
    if text_ is None:
        return Read(None, problems)
    source, split_problems = split(path, text_)
    problems += split_problems
    if source is None or (source.front.data is None and split_problems):
        return Read(None, problems)  # a YAML syntax error: field checks would only repeat it
    checked = check_mapping(source.front.data, REPORT_FIELDS, source.front, path, missing_line=1, instead=INSTEAD)
    problems += checked.problems
    values = checked.values
    if not any(p.is_error for p in problems):
        problems += _cross_checks(path, values, source)
    if any(p.is_error for p in problems):
        return Read(None, problems)
    report, more = _build(source, values, config, registry, render_body)
    if any(p.is_error for p in more):  # a body the pages could not show as written
        return Read(None, problems + more)
    report = replace(report, path=content_path or path)
    if history is not None:
        report = with_history(report, history, config.timezone)
    return Read(report, problems + more)


def _cross_checks(path: str, values: Mapping[str, object], source: Source) -> list[Problem]:
    """Check what no single field can: updated after date, a usable slug, the folder."""
    date: Moment = values["date"]  # type: ignore[assignment]
    updated: Moment | None = values["updated"]  # type: ignore[assignment]
    problems = []
    line = source.front.line
    if updated is not None and updated.before(date):
        problems.append(error(path, line(("updated",)), f"updated {updated.iso()} is before date {date.iso()}"))
    if values["slug"] is None and not slugify(str(values["title"])):
        problems.append(error(path, line(("title",)), "title gives an empty slug", "add a 'slug' field"))
    problems += _long_slug(path, values, line) + _folder_check(path, date, line(("date",)))
    return problems + _names_in_one(path, source)


def _names_in_one(path: str, source: Source) -> list[Problem]:
    """Warn of a list field written as one unquoted text with commas: `actors: ISIS, LNA` is one name."""
    data = _fields(source)
    return [
        warning(path, source.front.line((name,)), f"{name} '{data[name]}' is read as one name", SEVERAL_HINT)
        for name, _ in ITEM_FIELDS
        if (name,) in source.front.plain and isinstance(data.get(name), str) and SEPARATED.search(data[name])
    ]


def _long_slug(path: str, values: Mapping[str, object], line: Callable[..., int]) -> list[Problem]:
    """Refuse a slug longer than a folder name can be (the build could not write the report's page)."""
    given = values["slug"] is not None
    slug = str(values["slug"]) if given else slugify(str(values["title"]))
    if fits_a_folder(slug):
        return []
    what, hint = ("slug", "shorten it") if given else ("title gives a slug that", "add a shorter 'slug' field")
    message = f"{what} is {len(slug.encode())} characters long, more than a folder name can be ({NAME_MAX})"
    return [error(path, line(("slug",) if given else ("title",)), message, hint)]


def _folder_check(path: str, date: Moment, line: int) -> list[Problem]:
    """Warn when a report sits in a YYYY/MM folder that is not its date's."""
    found = _FOLDER_DATE.search(path)
    expected = f"{date.day:%Y/%m}"
    if found is None or f"{found[1]}/{found[2]}" == expected:
        return []
    hint = f"move it to {expected}/ before it is published (its feed id is its path), or correct the date"
    return [warning(path, line, f"file is in {found[1]}/{found[2]}/ but dated {date.iso()}", hint)]


def _build(
    source: Source, values: dict[str, object], config: Config, registry: Registry, render_body: bool = True
) -> tuple[Report, list[Problem]]:
    """Resolve names, render the body and place the report."""
    date: Moment = values["date"]  # type: ignore[assignment]
    slug_ = str(values["slug"] or slugify(str(values["title"])))
    url, save_as = config.report.format(slug=slug_, date=date.day)
    if render_body:
        rendered = render(source.body, _link_targets(values, url, config, registry), urljoin(config.site_url, url))
    else:  # checking only: what the body's warnings need, without its HTML
        rendered = inspect(source.body)
    summary = str(values["summary"] or rendered.first_paragraph)
    problems = (
        [] if summary else [warning(source.path, 1, "no summary and no first paragraph", "add a 'summary' field")]
    )
    problems += [_image_warning(source, line, src) for line, src in rendered.images]
    problems += [found for line, href in rendered.links if (found := _link_warning(source, line, href, rendered.ids))]
    problems += [_unread_warning(source, line, text) for line, text in rendered.unread]
    problems += [_bidi_error(source, line, codes) for line, codes in rendered.bidi]
    if rendered.cut is not None:
        problems.append(_cut_error(source, rendered.cut))
    report = Report(
        source=source.path,
        title=str(values["title"]),
        date=date,
        regions=values["region"],  # type: ignore[arg-type]
        actors=_canonical(registry, "actors", values["actors"]),  # type: ignore[arg-type]
        locations=_canonical(registry, "locations", values["locations"]),  # type: ignore[arg-type]
        category=values["category"],  # type: ignore[arg-type]
        summary=summary,
        sources=values["sources"],  # type: ignore[arg-type]
        author=values["author"],  # type: ignore[arg-type]
        status=str(values["status"]),
        slug=slug_,
        updated=values["updated"],  # type: ignore[arg-type]
        body_html=rendered.html,
        feed_html=rendered.feed_html,
        url=url,
        save_as=save_as,
        published=date.instant(config.timezone),
        url_line=source.front.line(("slug",) if values["slug"] else ("title",), 1),
        lines=_lines(source, registry),
        redirect_from=values["redirect_from"],  # type: ignore[arg-type]
        report_links=tuple((source.body_line + line, href) for line, href in rendered.reports),
        ids=rendered.ids,
    )
    return report, problems


def _link_warning(source: Source, line: int, href: str, ids: frozenset[str]) -> Problem | None:
    """Warn of a link that cannot work: from the site's root (pages are served under a sub-path), or to no id here."""
    at = source.body_line + line
    if href.startswith("/") and not href.startswith("//"):
        hint = "write it relative to the report (e.g. ../../02/) or as a full address"
        return warning(source.path, at, f"link '{href}' starts at the site's root: under a sub-path it breaks", hint)
    if href.startswith("#") and unquote(href[1:]) not in ids:
        return warning(source.path, at, f"link '{href}' points to no heading or footnote of this report", ID_HINT)
    return None


def _unread_warning(source: Source, line: int, text: str) -> Problem:
    """Warn of a link or footnote mark that Markdown left as text."""
    if text.startswith("[^"):
        hint = f"add its note at the end: {text}: The note's text."
        return warning(source.path, source.body_line + line, f"footnote {text} has no note", hint)
    hint = "an address may not hold spaces: write %20, or put it in <angle brackets>"
    return warning(source.path, source.body_line + line, f"{text} is not read as a link", hint)


def _bidi_error(source: Source, line: int, codes: str) -> Problem:
    """Refuse a bidi control a character reference makes, as a YAML escape making one is refused (schema.py)."""
    what = f"body holds bidi control character {codes}, which can show text in another order than it is written"
    hint = "remove the character reference or %-escape that makes it, e.g. &#x202E; or %E2%80%AE"
    return error(source.path, source.body_line + line, what, hint)


def _cut_error(source: Source, line: int) -> Problem:
    """Refuse a body nested so deep that Markdown leaves out text from this line (to the end, in a list)."""
    what = "lists or quotes nested too deep: text from here would be left out"
    return error(source.path, source.body_line + line, what, "nest lists at most 9 levels, quotes 19")


def _image_warning(source: Source, line: int, src: str) -> Problem:
    """Warn that an image is not shown as one: a link to it if it is on another host, else its description."""
    if is_remote(src):
        hint = "readers on a network without internet cannot load it"
        return warning(source.path, source.body_line + line, f"image from another host shown as a link: {src}", hint)
    hint = "the site publishes no files from the content: describe it, or link to where it is kept"
    return warning(source.path, source.body_line + line, f"image '{src}' shown as its description", hint)


ITEM_FIELDS = (("region", ""), ("actors", "actors"), ("locations", "locations"))  # (field, registry facet)
SEPARATED = re.compile(r"[,;]\s")  # what separates names in a list written as one text
SEVERAL_HINT = "for several names write [First, Second]; quote the text if it is one name"


def _lines(source: Source, registry: Registry) -> dict[str, int]:
    """Return the line of each field, and of each name in a list field as 'field:name key' (for entity problems)."""
    lines = {key[0]: line for key, line in source.front.lines.items() if len(key) == 1}
    data = _fields(source)
    for field_name, facet in ITEM_FIELDS:
        items = data.get(field_name)
        for index, given in enumerate(items if isinstance(items, list) else []):
            name = registry.canonical(facet, str(given)) if facet else str(given)
            lines.setdefault(f"{field_name}:{name_key(name)}", source.front.line((field_name, index)))
    return lines


def _fields(source: Source) -> Mapping[str, object]:
    """Return the front matter's fields as written ({} when it is no mapping)."""
    return source.front.data if isinstance(source.front.data, dict) else {}


def with_history(report: Report, history: FileHistory, zone: tzinfo) -> Report:
    """Fill what front matter left out from git: author, created, updated (when edited since).

    Git's times are read in the site's zone, as a bare date is: a commit's own offset is the
    committer's, and the same instant committed from another zone gave other pages.
    """
    created = _moment(history.created.astimezone(zone))
    changed = _moment(history.updated.astimezone(zone))
    # Not before the date, as front matter's `updated` is checked: by instant when the date has a time. Days
    # compared across zones hid an edit after 01:00+14:00 and showed one made before 23:00-05:00.
    edited = history.commits > 1 and not changed.before(report.date)
    updated = report.updated or (changed if edited else None)
    return replace(report, author=report.author or history.author, created=created, updated=updated)


def _moment(when: datetime) -> Moment:
    """Return an instant as a Moment on its day."""
    return Moment(when.date(), when)


LINKED_FACETS = (("actors", "Actor"), ("locations", "Location"))  # regions and categories are common words


def _link_targets(values: dict[str, object], url: str, config: Config, registry: Registry) -> list[Target]:
    """List the report's actors and locations with every name that mentions them."""
    root = relative_root(url)
    targets = []
    for facet, label in LINKED_FACETS:
        words: dict[str, list[str]] = {}  # by entity: `[daesh, ISIS]` is one actor, linked once
        for given in values[facet]:  # type: ignore[attr-defined]
            entity = registry.entity(facet, given)
            name = entity.name if entity else given
            words.setdefault(name_key(name), [name, *(entity.aliases if entity else ())]).append(given)
        for said in words.values():
            place = root + entity_place(config, facet, said[0])[0]
            targets.append(Target(tuple(dict.fromkeys(said)), place, f"{label}: {said[0]}"))
    return targets


def _canonical(registry: Registry, facet: str, given: tuple[str, ...]) -> tuple[str, ...]:
    """Replace aliases by canonical names, keeping first-mention order without repeats."""
    return tuple(dict.fromkeys(registry.canonical(facet, name) for name in given))
