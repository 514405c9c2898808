"""Field tables and the checker that turns YAML mappings into typed values."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from types import MappingProxyType

from .dates import FORMAT_HINT, parse_moment
from .frontmatter import BIDI, REMOVED
from .problems import Problem, error, warning
from .slugs import is_slug, slugify
from .yamltree import Path, YamlDoc


@dataclass(frozen=True)
class Invalid:
    """Why a value was refused; `at` points into a list or mapping value."""

    message: str
    hint: str = ""
    at: Path = ()


Coercer = Callable[[str, object], object]  # (field name, raw value) -> value or Invalid


@dataclass(frozen=True)
class Field:
    """One field of a YAML mapping: its coercer, whether it is required, its default."""

    name: str
    coerce: Coercer
    required: bool = False
    default: object = None


def describe(value: object) -> str:
    """Name the YAML type of a value for messages."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    names = {dict: "a mapping", list: "a list", int: "a number", float: "a number", str: "text"}
    names |= {date: "a !!timestamp (remove the tag)", datetime: "a !!timestamp (remove the tag)"}
    return names.get(type(value), type(value).__name__)


def text(name: str, value: object) -> object:
    """Accept non-empty text (plain numbers are read as text)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        hint = "quote it" if isinstance(value, bool) else ""
        return Invalid(f"{name} must be text, not {describe(value)}", hint)
    if not value.strip():
        return Invalid(f"{name} is empty")
    return _without_escaped_controls(name, " ".join(value.split()))


def _without_escaped_controls(name: str, value: str) -> str | Invalid:
    """Refuse a control character that a YAML escape made (the file's own were removed before parsing)."""
    for found_by, what, example in _ESCAPED:
        found = found_by.search(value)
        if found is not None:
            return Invalid(
                f"{name} holds {what.format(f'U+{ord(found[0]):04X}')}",
                f"remove the escape that makes it, e.g. {example}",
            )
    return value


# Characters a file's own text has removed before parsing, so only a YAML escape can bring them:
# (pattern, what, an escape that makes one).
_ESCAPED = (
    (REMOVED, "control character {}, which feeds cannot carry", "\\a or \\x07"),
    (BIDI, "bidi control character {}, which can show text in another order than it is written", "\\u202E"),
)


LISTED = {"name": "write [First, Second]", "path": "write [reports/2016/01/old-title/, old.html]"}  # noun: hint


def names(name: str, value: object, noun: str = "name") -> object:
    """Accept a name or a list of names (or of another noun of LISTED); return a tuple without repeats."""
    items = value if isinstance(value, list) else [value]
    if isinstance(value, (dict, type(None))) or isinstance(value, bool):
        hint = "quote it" if isinstance(value, bool) else LISTED[noun]
        return Invalid(f"{name} must be a {noun} or a list of {noun}s, not {describe(value)}", hint)
    result: dict[str, None] = {}  # in order, without repeats: a list's `in` made 20,000 aliases take 3 s
    for index, item in enumerate(items):
        checked = text(f"{name} item {index + 1}", item)
        if isinstance(checked, Invalid):
            return Invalid(checked.message, checked.hint, (index,) if isinstance(value, list) else ())
        result[str(checked)] = None
    return tuple(result)


def some_names(name: str, value: object) -> object:
    """Accept one or more names."""
    result = names(name, value)
    if result == ():
        return Invalid(f"{name} needs at least one name")
    return result


def moment(name: str, value: object) -> object:
    """Accept a date or a date-time with offset, as text."""
    if not isinstance(value, str):
        return Invalid(f"{name} must be a date, not {describe(value)}", FORMAT_HINT)
    parsed = parse_moment(value)
    if isinstance(parsed, str):
        curly = value.strip()[:1] in CURLY_QUOTES  # an editor's “smart” quotes are text to YAML, not quotes
        return Invalid(f"{name} {parsed}", 'write straight quotes (") or none' if curly else FORMAT_HINT)
    return parsed


def choice(*options: str) -> Coercer:
    """Accept one of the given words."""

    def coerce(name: str, value: object) -> object:
        if value in options:
            return value
        allowed = " or ".join(f"'{o}'" for o in options)
        given = f"'{value}'" if isinstance(value, str) else describe(value)  # `status: yes` is YAML's true
        return Invalid(f"{name} must be {allowed}, not {given}")

    return coerce


def slug(name: str, value: object) -> object:
    """Accept a slug that cannot leave its folder."""
    checked = text(name, value)
    if isinstance(checked, Invalid) or is_slug(str(checked)):
        return checked
    suggestion = slugify(str(checked))
    hint = f"use lowercase letters, digits and hyphens, e.g. '{suggestion}'" if suggestion else ""
    return Invalid(f"{name} '{checked}' is not allowed", hint or "use lowercase letters, digits and hyphens")


SITE_PATH_PART = re.compile(r"[A-Za-z0-9._~-]+")
CURLY_QUOTES = "“”‘’«»„"
PLAIN_HINT = "use letters, digits, '.', '_', '~', '-' and slashes, e.g. reports/2016/01/old-title/"
SITE_PATH_HINT = "give the report's old address, e.g. reports/2016/01/old-title/"


def site_urls(name: str, value: object) -> object:
    """Accept one or more paths inside the site (old URLs), as URLs: 'reports/2016/01/a/', 'old.html'."""
    checked = names(name, value, "path")
    if isinstance(checked, Invalid):
        return checked
    urls = [site_url(name, given) for given in checked]  # type: ignore[attr-defined]
    for index, url in enumerate(urls):
        if isinstance(url, Invalid):
            return replace(url, at=(index,) if isinstance(value, list) else ())
    return tuple(dict.fromkeys(urls))


def site_url(name: str, given: str) -> str | Invalid:
    """Return a path inside the site as a URL ('a/b/' or 'a/b.html'), or why it cannot be one."""
    path = given.removeprefix("/")
    if path == "index.html" or path.endswith("/index.html"):
        path = path.removesuffix("index.html")
    parts = path.removesuffix("/").split("/")
    if not path:
        return Invalid(f"{name} '{given}' is the site's home page", SITE_PATH_HINT)
    if not all(SITE_PATH_PART.fullmatch(part) for part in parts):
        return Invalid(f"{name} '{given}' is not a plain path inside the site", PLAIN_HINT)
    if any(part.startswith(".") for part in parts):  # '..' leaves the site; web servers refuse hidden names
        return Invalid(f"{name} '{given}' may not use '.', '..' or a name starting with '.'", SITE_PATH_HINT)
    return path if path.endswith((".html", ".htm")) else path.removesuffix("/") + "/"


def number_between(low: float, high: float) -> Coercer:
    """Accept a number in [low, high]."""

    def coerce(name: str, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return Invalid(f"{name} must be a number, not {describe(value)}")
        if not low <= value <= high:
            return Invalid(f"{name} {value} is outside {low:g} to {high:g}")
        return float(value)

    return coerce


@dataclass(frozen=True)
class Checked:
    """The typed values of a mapping, and the problems found checking it."""

    values: dict[str, object]
    problems: list[Problem]


def check_mapping(
    data: object,
    fields: Sequence[Field],
    doc: YamlDoc,
    path: str,
    at: Path = (),
    missing_line: int = 0,
    instead: Mapping[str, str] = MappingProxyType({}),
) -> Checked:
    """Check a YAML mapping against a field table; report every problem.

    instead: for fields other tools know, what to write in their place (the hint of their warning).
    """
    line = doc.line(at, missing_line)
    if not isinstance(data, dict):
        return Checked({}, [error(path, line, f"expected a mapping of fields, found {describe(data)}")])
    values: dict[str, object] = {}
    problems = _unknown_fields(data, fields, doc, path, at, instead)
    for field in fields:
        value, problem = _check_field(field, data, doc, path, at, missing_line or line)
        values[field.name] = value
        problems += problem
    return Checked(values, problems)


def _check_field(
    field: Field, data: Mapping[str, object], doc: YamlDoc, path: str, at: Path, missing_line: int
) -> tuple[object, list[Problem]]:
    """Coerce one field, or say why it is missing or wrong."""
    if field.name not in data:
        missing = error(path, missing_line, f"missing required field '{field.name}'")
        return (None, [missing]) if field.required else (field.default, [])
    if doc.unread and doc.is_unread((*at, field.name)):
        return None, []  # YAML could not make it (or an item): said once, as such, not as a value missing
    if data[field.name] is None:
        empty = error(path, doc.line((*at, field.name)), f"{field.name} has no value")
        return (None, [empty]) if field.required else (field.default, [])
    result = field.coerce(field.name, data[field.name])
    if isinstance(result, Invalid):
        line = doc.line((*at, field.name, *result.at))
        return None, [error(path, line, result.message, result.hint)]
    return result, []


def _unknown_fields(
    data: Mapping[str, object], fields: Sequence[Field], doc: YamlDoc, path: str, at: Path, instead: Mapping[str, str]
) -> list[Problem]:
    """Warn about fields the table does not know, suggesting the closest one."""
    known = [f.name for f in fields]
    problems = []
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key).lower(), known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
            hint = instead.get(str(key).lower(), hint)
            problems.append(warning(path, doc.line((*at, key)), f"unknown field '{key}'", hint))
    return problems
