"""Failures that are the site's, not Sitrep's: its settings file, its theme, its machine; each said in one line."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .problems import Problem, error

TEMPLATE_SUFFIXES = (".html", ".xml", ".opml")  # the theme's templates, as Jinja names them in tracebacks


class SettingsError(Exception):
    """The settings file could not be read: its problems, one line each."""

    def __init__(self, problem: Problem, *more: Problem) -> None:
        super().__init__("\n".join(p.format() for p in (problem, *more)))
        self.problem = problem
        self.problems = (problem, *more)


def settings_problem(settings_file: Path, failure: Exception) -> Problem:
    """Say what reading the settings raised, at its file and line when it comes from a settings file.

    A settings file beside this one that it imports counts too (publishconf.py imports pelicanconf.py):
    a mistake in pelicanconf.py was said at publishconf.py's import line, a syntax error at its own line number.
    """
    if not settings_file.is_file():  # Python's loader raised it: its frame was named '<frozen importlib...>:1130'
        return error(shown_path(str(settings_file)), 0, "cannot read the settings: no such file")
    folder = settings_file.resolve().parent
    # a frame of Python's own (<frozen importlib._bootstrap>) would resolve into the current folder too
    found = _raised_in(failure, lambda name: name.endswith(".py") and Path(name).resolve().parent == folder)
    if isinstance(failure, SyntaxError) and failure.filename and failure.lineno:
        found = (failure.filename, failure.lineno)
    path, line = found or (str(settings_file), 0)
    return error(shown_path(path), line, f"cannot read the settings: {_said(failure)}")


def template_problem(failure: Exception) -> Problem:
    """Say what is wrong in a theme's template, at its file and line when Jinja knows them."""
    found = _raised_in(failure, lambda name: name.endswith(TEMPLATE_SUFFIXES)) or ("theme", 0)
    path = getattr(failure, "filename", None) or found[0]
    line = getattr(failure, "lineno", None) or found[1]
    return error(shown_path(path), line or 0, f"template error: {_said(failure)}")


def _raised_in(failure: Exception, wanted: Callable[[str], bool]) -> tuple[str, int] | None:
    """Return the file and line of the last frame of a failure's traceback in a wanted file, if any."""
    frames = [frame for frame in traceback.extract_tb(failure.__traceback__) if wanted(frame.filename)]
    return (frames[-1].filename, frames[-1].lineno or 0) if frames else None


def _said(failure: Exception) -> str:
    """Return a failure's kind and the first line of its message."""
    return f"{type(failure).__name__}: {first_line(str(failure))}"


def first_line(text: str) -> str:
    """Return the first line of a message."""
    return (text.strip().splitlines() or [""])[0]


def shown_path(path: str) -> str:
    """Return a path relative to the current folder when it is inside it."""
    resolved = Path(path).resolve()
    return str(resolved.relative_to(Path.cwd())) if resolved.is_relative_to(Path.cwd()) else path


def in_one_line(command: Callable[[], int], stream: TextIO, failed: str) -> int:
    """Run a command, saying an unreadable settings file or a file-system failure in one line (exit status 1).

    failed: how to say an OSError, its cause in braces, e.g. "check failed: {}".
    """
    try:
        return command()
    except SettingsError as failure:
        print(failure, file=stream)
    except OSError as failure:  # the disk is full, a folder cannot be written...: no traceback for that
        where = f"{failure.filename}: " if failure.filename else ""
        print(failed.format(f"{where}{failure.strerror or first_line(str(failure))}"), file=stream)
    return 1
