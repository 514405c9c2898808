"""Split a report file into its YAML front matter and Markdown body."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .bidi import BIDI_CONTROLS
from .problems import Problem, error, warning
from .yamltree import YamlDoc, parse

FENCE = "---"
CLOSERS = ("---", "...")
# XML forbids the C0 controls but tab and newlines; HTML's parser errs on them and on DEL.
ASCII_CONTROLS = "".join(chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
PLANE_ENDS = [plane + end for plane in range(0, 0x110000, 0x10000) for end in (0xFFFE, 0xFFFF)]
# YAML refuses C1; HTML's parser errs on C1 and on noncharacters; XML forbids U+FFFE and U+FFFF too.
OTHER_CONTROLS = "".join(chr(c) for c in [*range(0x80, 0xA0), *range(0xFDD0, 0xFDF0), *PLANE_ENDS])
CONTROLS = ASCII_CONTROLS + OTHER_CONTROLS
REMOVED = re.compile(f"[{re.escape(CONTROLS)}]")  # a feed or front matter carrying one would not parse
# Searched in two: a class holding characters beyond U+FFFF is searched 10 times slower, and a
# search for one of them in text without any such character ends at once.
_OTHERS_BMP = re.compile(f"[{re.escape(''.join(c for c in OTHER_CONTROLS if c <= chr(0xFFFF)))}]")
_ASTRAL_ENDS = [c for c in OTHER_CONTROLS if c > chr(0xFFFF)]
BIDI = re.compile(f"[{BIDI_CONTROLS}]")
CONTROL_HINT = "delete it: it came with pasted text, and pages, feeds or YAML cannot carry it"
BIDI_HINT = "delete it: it can show text in another order than it is written"


@dataclass(frozen=True)
class Source:
    """A report file split in two, with the line where its body starts."""

    path: str
    front: YamlDoc
    body: str
    body_line: int


def decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 (a BOM is allowed), naming the line of a bad byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw.count(0) * 4 > len(raw):
        return None, [error(path, 1, "file is UTF-16, not UTF-8", "save the file as UTF-8")]  # half its bytes are 0
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)"
        return None, [error(path, line, message, "save the file as UTF-8")]
    return _without_unwanted(path, text.replace("\r\n", "\n").replace("\r", "\n"))


def _without_unwanted(path: str, text: str) -> tuple[str, list[Problem]]:
    """Remove control and bidi control characters (pasted text brings them), warning once a line for each kind."""
    problems: list[Problem] = []
    for present, found_by, what, hint in _UNWANTED:
        if present(text):
            lines: dict[int, list[str]] = {}
            for found in found_by.finditer(text):
                lines.setdefault(text.count("\n", 0, found.start()) + 1, []).append(f"U+{ord(found[0]):04X}")
            problems += [
                warning(path, n, f"{what} {', '.join(dict.fromkeys(codes))} removed", hint)
                for n, codes in lines.items()
            ]
            text = found_by.sub("", text)
    return text, problems


def _has_controls(text: str) -> bool:
    """Say whether text holds a control character (a search for each ASCII one is 3 times faster than the regex)."""
    if any(control in text for control in ASCII_CONTROLS):
        return True
    if text.isascii():
        return False
    return _OTHERS_BMP.search(text) is not None or any(end in text for end in _ASTRAL_ENDS)


def _has_bidi_controls(text: str) -> bool:
    """Say whether text holds a bidi control character (ASCII text, most reports, holds none)."""
    return not text.isascii() and BIDI.search(text) is not None


# What is removed from a file: (quick test, pattern, what it is, hint).
_UNWANTED: tuple[tuple[Callable[[str], bool], re.Pattern[str], str, str], ...] = (
    (_has_controls, REMOVED, "control character", CONTROL_HINT),
    (_has_bidi_controls, BIDI, "bidi control character", BIDI_HINT),
)


def split(path: str, text: str) -> tuple[Source | None, list[Problem]]:
    """Split text into front matter and body, parsing the YAML."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        hint = "start the file with a '---' line, the YAML fields, then another '---'"
        return None, [error(path, 1, "no front matter", hint)]
    end = _closing_line(lines)
    if end is None:
        return None, [error(path, 1, "front matter is not closed", "add a '---' line after the fields")]
    front = parse("\n".join(lines[1:end]), first_line=2)
    problems = [error(path, issue.line, issue.message, issue.hint) for issue in front.issues]
    problems += [warning(path, note.line, note.message, note.hint) for note in front.notes]
    body = "\n".join(lines[end + 1 :])
    return Source(path, front, body, end + 2), problems


def _closing_line(lines: list[str]) -> int | None:
    """Return the index of the line that closes the front matter."""
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in CLOSERS:
            return index
    return None
