"""Problems found in content: values that are collected and reported together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from .bidi import BIDI_CONTROLS

# A value quoted in a message may hold control characters: each is shown as its escape, so a problem
# stays one line (NEL and U+2028 end lines too) and cannot recolour or retitle the terminal showing it.
# Bidi controls too: a file name or link holding U+202E showed the rest of its line in another order.
_SHOWN = (*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, *map(ord, BIDI_CONTROLS))
_CONTROLS = [c for c in _SHOWN if c not in (0x09, 0x0A, 0x0D)]
CONTROLS = {c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in _CONTROLS}  # tabs and line breaks kept
ONE_LINE = {**CONTROLS, ord("\n"): "\\n", ord("\r"): "\\r"}


class Severity(StrEnum):
    """How bad a problem is: errors fail the build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in the content."""

    path: str
    line: int
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    about: str = field(default="", compare=False)  # another file it concerns (a link's target): `check --changed`

    def format(self) -> str:
        """Return the one-line `path:line: message` form."""
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        hint = f" ({self.hint})" if self.hint else ""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {prefix}{self.message}{hint}".translate(ONE_LINE)

    @property
    def is_error(self) -> bool:
        """Return True when this problem must fail the build."""
        return self.severity is Severity.ERROR


ANY_FILE = "*"  # about: what any changed report may cause (a clash with a page it brings: an entity's, say)


def error(path: str, line: int, message: str, hint: str = "", about: str = "") -> Problem:
    """Make an error problem (about: another file it concerns, by its path in the content, or ANY_FILE)."""
    return Problem(path, line, message, hint, Severity.ERROR, about)


def warning(path: str, line: int, message: str, hint: str = "", about: str = "") -> Problem:
    """Make a warning problem (about: another file it concerns, by its path in the content)."""
    return Problem(path, line, message, hint, Severity.WARNING, about)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """Return only the problems that fail the build."""
    return [p for p in problems if p.is_error]


T = TypeVar("T")


def clashes(items: Iterable[T], key: Callable[[T], str]) -> list[list[T]]:
    """Return the groups of items that share a key (two things bound for one file)."""
    groups: dict[str, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return [group for group in groups.values() if len(group) > 1]


def sort_key(problem: Problem) -> tuple[str, int, str]:
    """Order problems by file and line, for stable reports."""
    return (problem.path, problem.line, problem.message)


class ContentError(SystemExit):
    """Stop a build because the content has errors.

    A SystemExit subclass so plain `pelican` exits 1 without a traceback
    (its main() catches Exception and prints one).
    """

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(1)
        self.problems = problems

    def __str__(self) -> str:
        count = len(errors(self.problems))
        return f"content has {count} error{'s' if count != 1 else ''}"


def _github_escape(text: str, *, prop: bool = False) -> str:
    """Escape text for a GitHub Actions workflow command."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def as_github(problem: Problem) -> str:
    """Format a problem as a GitHub Actions annotation."""
    level = "error" if problem.is_error else "warning"
    hint = f" ({problem.hint})" if problem.hint else ""
    where = f"file={_github_escape(problem.path.translate(CONTROLS), prop=True)},line={problem.line or 1}"
    return f"::{level} {where}::{_github_escape((problem.message + hint).translate(CONTROLS))}"


def as_record(problem: Problem) -> dict[str, object]:
    """Return a problem as plain data, for JSON."""
    return {
        "path": problem.path,
        "line": problem.line,
        "severity": problem.severity.value,
        "message": problem.message,
        "hint": problem.hint,
    }
