"""Parse YAML safely, keeping the source line of every value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .failures import first_line

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAX_DEPTH = 20
MAX_NODES = 20_000  # beyond one per character of the text: only YAML aliases repeat nodes (a billion laughs)
MAX_BITS = 1_000  # an integer longer than 300 digits is no number a report needs
DEEP_FROM = 8_000  # characters: a shorter document cannot nest deep enough to overflow the composer's stack
# What PyYAML's constructors raise on bad values: `!!int ""` an IndexError, `!!timestamp x` an AttributeError,
# a sexagesimal float past 1.8e308 (`1:1:...:1.5`) an OverflowError.
UNREADABLE = (yaml.YAMLError, ValueError, LookupError, TypeError, AttributeError, ArithmeticError)

Path = tuple[object, ...]
TOO_BIG = "YAML too deep or too large"
UNTAGGED = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")  # what a list or mapping is without a tag
TAG_HINT = "remove the tag"
LINE_SEPARATORS = ("\u2028", "\u2029")  # YAML counts them as line breaks, so later lines would shift
COMMENT = re.compile(r"[ \t]+#\S")  # after an unquoted value: a comment, though `#12` reads as a number sign
SYNTAX_HINTS = (  # what a message of PyYAML's means for someone writing a report
    ("mapping values are not allowed", "a value holding ': ' must be quoted, e.g. title: \"Libya: weekly brief\""),
    ("found character '\\t'", "indent with spaces: YAML does not allow tabs"),
    ("tab character", "indent with spaces: YAML does not allow tabs"),
    ("could not find expected ':'", "is the closing '---' of the front matter missing above this line?"),
)
SURROGATE = re.compile("[\ud800-\udfff]")  # half of a character: UTF-8 (a page, a terminal) cannot carry it alone
QUOTES = ("'", '"')
FIELD_LINE = re.compile(r"\s*(?:- )?\w[\w -]*:(?:\s|$)")  # `region: W`, `- name: X`: a line a quoted value swallowed
RUN_ON_HINT = "is its closing quote missing? A quoted value ends only at the next quote, lines below"
UNSCANNABLE = (yaml.YAMLError, ValueError)  # PyYAML's own scanner raises a ValueError on an escape past U+10FFFF
ESCAPE_PAST_UNICODE = "invalid YAML: found invalid Unicode character escape code while parsing a quoted scalar"
OPENERS = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)
CLOSERS = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)
STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as text, so the schema checks them itself."""


# Without this, `date: 2016-02-30` raises inside PyYAML instead of giving a problem.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlIssue:
    """A problem met while reading YAML, with its 1-based line."""

    line: int
    message: str
    hint: str = ""


@dataclass
class YamlDoc:
    """Parsed YAML data and the line of each value, keyed by its path."""

    data: object = None
    lines: dict[Path, int] = field(default_factory=dict)
    issues: list[YamlIssue] = field(default_factory=list)
    notes: list[YamlIssue] = field(default_factory=list)  # what was read, but perhaps not as meant: warnings
    plain: set[Path] = field(default_factory=set)  # values written without quotes
    unread: set[Path] = field(default_factory=set)  # values YAML could not make (an issue says why): None in data

    def is_unread(self, path: Path) -> bool:
        """Say whether YAML could not make the value at path, or one inside it."""
        return any(unread[: len(path)] == path for unread in self.unread)

    def line(self, path: Path, default: int = 0) -> int:
        """Return the line of the value at path, or of its nearest parent."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, default)


def parse(text: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML document; lines count from first_line."""
    doc = YamlDoc()
    for separator in LINE_SEPARATORS:
        text = text.replace(separator, " ")
    loader = _Loader(text)
    try:
        node = _compose(loader, text, first_line, doc)
    finally:
        loader.dispose()
    if node is not None:
        doc.data = _Walker(loader, doc, first_line, text.split("\n")).build(node, (), 0)
    if any(issue.message == TOO_BIG for issue in doc.issues):
        doc.data = None  # the part read would give false problems: each value past the limit reads as empty
    return doc


def _compose(loader: _Loader, text: str, first_line: int, doc: YamlDoc) -> Node | None:
    """Compose the document's node tree, or record why it cannot be (then return None)."""
    deep = _too_deep(text) if len(text) >= _deep_from() else None
    if deep is not None:  # 0 is the first line: `title: [[[...` there overflowed the stack
        doc.issues.append(YamlIssue(first_line + deep, TOO_BIG))
        return None
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        doc.issues.append(_syntax_issue(exc, first_line, text))
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line = first_line + text.count("\n", 0, exc.position)
        doc.issues.append(YamlIssue(line, f"invalid YAML: character U+{exc.character:04X} is not allowed"))
    except yaml.YAMLError as exc:
        doc.issues.append(YamlIssue(first_line, f"invalid YAML: {one_line(exc)}"))
    except ValueError:  # PyYAML's own scanner on `"\U00110000"`, past the last character; libyaml's words, its line
        doc.issues.append(YamlIssue(first_line + getattr(loader, "line", 0), ESCAPE_PAST_UNICODE))
    return None


def _deep_from() -> int:
    """Return the length from which a document is read as events first, for nesting that would overflow a stack.

    libyaml's composer overflows the C stack only past DEEP_FROM characters; PyYAML's own (without libyaml)
    recurses in Python, and 600 characters of brackets reach Python's recursion limit: every document, then.
    """
    return DEEP_FROM if issubclass(_Loader, getattr(yaml, "CSafeLoader", ())) else 0


def _too_deep(text: str) -> int | None:
    """Return the line (from 0) where collections nest deeper than MAX_DEPTH, else None.

    Read as events, which never recurse: composing 30,000 nested brackets overflows the C stack.
    """
    depth = 0
    for event in _scanned(text, events=True):
        depth += isinstance(event, STARTS) - isinstance(event, ENDS)
        if depth > MAX_DEPTH:
            return event.start_mark.line
    return None


def _scanned(text: str, events: bool = False) -> Iterator[Any]:
    """Yield text's YAML tokens (or events, which never recurse) up to its end, or to an error parsing will tell."""
    loader = _Loader(text)
    more, get = (loader.check_event, loader.get_event) if events else (loader.check_token, loader.get_token)
    try:
        while more():
            yield get()
    except UNSCANNABLE:
        return
    finally:
        loader.dispose()


def one_line(exc: Exception) -> str:
    """Return the first line of an error's message, without PyYAML's position lines."""
    if isinstance(exc, yaml.MarkedYAMLError):
        return " ".join(filter(None, [exc.problem, exc.context])) or "syntax error"
    return first_line(str(exc)) or type(exc).__name__


def _at_tab(mark: yaml.Mark | None, text: str) -> bool:
    """Say whether a syntax error's mark is at a tab in text."""
    if mark is None or mark.line < 0 or mark.column < 0:
        return False
    lines = text.split("\n")
    return mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t"


def _syntax_issue(exc: yaml.MarkedYAMLError, first_line: int, text: str = "") -> YamlIssue:
    """Turn a PyYAML syntax error into a one-line issue."""
    # An unclosed quote or bracket is found later, often at the end; where it began is what to fix.
    unclosed = any(word in (exc.context or "") for word in ("flow", "scanning"))
    mark = (exc.context_mark if unclosed else None) or exc.problem_mark or exc.context_mark
    line = first_line + (mark.line if mark else 0)
    if unclosed and mark is not None and mark.line >= len(text.rstrip().split("\n")):  # met past the last line
        line = first_line + _first_unclosed(text, mark.line)
    problem = (exc.problem or "syntax error").strip()
    context = f" {exc.context.strip()}" if exc.context else ""
    if _at_tab(exc.problem_mark, text):  # libyaml, unlike PyYAML, does not name the character
        problem = problem.replace("found character that", "found character '\\t' that")
    hint = next((hint for found, hint in SYNTAX_HINTS if found in problem), "")
    begun = None if unclosed else _run_on_quote(text, exc.problem_mark)
    if begun is not None:
        line, hint = first_line + begun, RUN_ON_HINT
    return YamlIssue(line, f"invalid YAML: {problem}{context}", hint)


def _first_unclosed(text: str, end: int) -> int:
    """Return the line (from 0) of the first bracket still open when the text ends (`actors: [a,`), else end."""
    opened: list[int] = []
    for token in _scanned(text):  # to the end of the text, where the scanner gave up
        if isinstance(token, OPENERS):
            opened.append(token.start_mark.line)
        elif isinstance(token, CLOSERS) and opened:
            opened.pop()
    return opened[0] if opened else end


def _run_on_quote(text: str, mark: yaml.Mark | None) -> int | None:
    """Return the line (from 0) of a quoted value that ran on over field lines to a syntax error's line, else None.

    `title: "Zliten` without its closing quote ends at the next quote, often a later field's: the error is met there.
    """
    if mark is None:
        return None
    lines = text.split("\n")
    for token in _scanned(text):
        start, end = token.start_mark.line, token.end_mark.line
        if start > mark.line:
            return None
        swallowed = lines[start + 1 : end + 1]
        if getattr(token, "style", None) in QUOTES and end == mark.line and any(map(FIELD_LINE.match, swallowed)):
            return start
    return None


class _Walker:
    """Build Python values from composed nodes, recording lines and limits."""

    def __init__(self, loader: _Loader, doc: YamlDoc, first_line: int, text_lines: list[str]) -> None:
        self.loader = loader
        self.doc = doc
        self.first_line = first_line
        self.text_lines = text_lines
        self.count = 0
        # A registry of 2,500 places holds more than MAX_NODES values of its own, each written out in the text.
        self.max_nodes = MAX_NODES + sum(map(len, text_lines))

    def build(self, node: Node, path: Path, depth: int) -> object:
        """Return the Python value of node."""
        self.count += 1
        line = self.first_line + node.start_mark.line
        self.doc.lines[path] = line
        if depth > MAX_DEPTH or self.count > self.max_nodes:
            return self._too_big(line)
        if not isinstance(node, ScalarNode) and node.tag not in UNTAGGED:
            return self._tagged(node, path, line)
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            return [self.build(n, (*path, i), depth + 1) for i, n in enumerate(node.value)]
        if not node.style:  # None from PyYAML's composer, '' from libyaml's
            self._plain(node, path)
        issues = len(self.doc.issues)
        value = self._scalar(node, line)
        if value is None and len(self.doc.issues) > issues:
            self.doc.unread.add(path)
        return value

    def _plain(self, node: ScalarNode, path: Path) -> None:
        """Note a value written without quotes, and a comment that cut it short (`Report #12` is `Report`)."""
        self.doc.plain.add(path)
        end = node.end_mark
        rest = self.text_lines[end.line][end.column :] if end.line < len(self.text_lines) else ""
        if node.value and COMMENT.match(rest):
            hint = "quote the whole value to keep the '#' and what follows"
            note = YamlIssue(
                self.first_line + end.line, f"text after ' #' is a YAML comment: read as '{node.value}'", hint
            )
            self.doc.notes.append(note)

    def _tagged(self, node: Node, path: Path, line: int) -> None:
        """Record a list or mapping under a tag: its contents were read as if untagged (`!!python/...` passed)."""
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.doc.issues.append(YamlIssue(line, f"invalid YAML value: a list or mapping tagged '{tag}'", TAG_HINT))
        self.doc.unread.add(path)

    def _too_big(self, line: int) -> None:
        """Record that the document nests or repeats too much."""
        if not any(i.message == TOO_BIG for i in self.doc.issues):
            self.doc.issues.append(YamlIssue(line, TOO_BIG))

    def _scalar(self, node: ScalarNode, line: int) -> object:
        """Construct a scalar with PyYAML's safe rules."""
        try:
            value = self.loader.construct_object(node, deep=True)
        except UNREADABLE as exc:
            self.doc.issues.append(YamlIssue(line, _unreadable(node, exc)))
            return None
        if isinstance(value, int) and value.bit_length() > MAX_BITS:  # as text it would exceed Python's digit limit
            self.doc.issues.append(YamlIssue(line, _unreadable(node, ValueError("too long"))))
            return None
        if isinstance(value, str) and SURROGATE.search(value):  # libyaml refuses `"\ud800"`, PyYAML's own reader not
            self.doc.issues.append(_lone_surrogate(value, line))
            return None
        return value

    def _mapping(self, node: MappingNode, path: Path, depth: int) -> dict[object, object]:
        """Construct a mapping, reporting duplicate and non-text keys."""
        result: dict[object, object] = {}
        try:
            self.loader.flatten_mapping(node)  # merge keys (<<)
        except UNREADABLE as exc:
            mark = getattr(exc, "problem_mark", None) or node.start_mark
            self.doc.issues.append(YamlIssue(self.first_line + mark.line, f"invalid YAML: {one_line(exc)}"))
            return result
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key is None:
                continue
            if key in result:
                line = self.first_line + key_node.start_mark.line
                self.doc.issues.append(YamlIssue(line, f"duplicate field '{key}'"))
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def _key(self, node: Node) -> str | None:
        """Return a mapping key as text, or None after recording an issue."""
        line = self.first_line + node.start_mark.line
        if not isinstance(node, ScalarNode):
            self.doc.issues.append(YamlIssue(line, "a field name must be plain text"))
            return None
        try:
            key = str(self.loader.construct_object(node))
        except UNREADABLE as exc:
            self.doc.issues.append(YamlIssue(line, _unreadable(node, exc)))
            return None
        if SURROGATE.search(key):
            self.doc.issues.append(_lone_surrogate(key, line))
            return None
        return key


def _lone_surrogate(value: str, line: int) -> YamlIssue:
    """Say that a value holds half of a character (a lone surrogate escape), shown as its escape."""
    shown = value.encode("utf-8", "backslashreplace").decode("utf-8")
    shown = shown if len(shown) <= 40 else f"{shown[:40]}..."
    code = ord(SURROGATE.search(value)[0])  # type: ignore[index]
    return YamlIssue(line, f"invalid YAML value '{shown}': U+{code:04X} is half of a character", "remove its escape")


def _unreadable(node: ScalarNode, exc: Exception) -> str:
    """Say which value PyYAML could not construct, and as what."""
    value = node.value if len(node.value) <= 40 else f"{node.value[:40]}..."
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    if isinstance(exc, yaml.YAMLError):
        return f"invalid YAML value '{value}': {one_line(exc)}"
    return f"invalid YAML value '{value}': not a valid {tag} (quote it to keep it as text)"
