"""The `build` and `check` commands: run Pelican beside the output, swap on success."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from . import pipeline
from .problems import ContentError, errors

SITREP_LOGGER = "sitrep"


@dataclass
class Tally:
    """Counts of what the build logged, for the summary line."""

    warnings: int = 0
    errors: int = 0


class _Echo(logging.Handler):
    """Print Sitrep's records and other loggers' warnings as plain lines, counting them."""

    def __init__(self, stream: TextIO, tally: Tally) -> None:
        super().__init__(logging.INFO)
        self.stream = stream
        self.tally = tally

    def emit(self, record: logging.LogRecord) -> None:
        ours = record.name.startswith(SITREP_LOGGER)
        if not ours and record.levelno < logging.WARNING:
            return  # Pelican's per-file "Writing ..." lines
        self.tally.warnings += record.levelno == logging.WARNING
        self.tally.errors += record.levelno >= logging.ERROR
        text = record.getMessage()
        if not ours:
            text = f"{record.levelname.lower()}: {text}"
        elif record.levelno < logging.WARNING:
            text = f"  {text}"
        print(text, file=self.stream)


@contextmanager
def _echo_logs(stream: TextIO) -> Iterator[Tally]:
    """Route logging to stream for the duration of a command."""
    tally = Tally()
    handler = _Echo(stream, tally)
    root = logging.getLogger()
    saved = (root.level, root.handlers[:])
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    try:
        yield tally
    finally:
        root.handlers[:] = saved[1]
        root.setLevel(saved[0])


def read_settings(settings_file: Path, content: Path, output: Path) -> dict[str, object]:
    """Read a Pelican settings file with the content and output folders overridden."""
    from pelican.settings import read_settings as pelican_read_settings

    override = {"PATH": str(content.resolve()), "OUTPUT_PATH": str(output.resolve())}
    return pelican_read_settings(str(settings_file), override=override)


def check(content: Path, settings_file: Path, stream: TextIO = sys.stdout) -> int:
    """Validate the content without writing anything; return the exit code."""
    started = time.perf_counter()
    from .generator import own_settings

    settings = read_settings(settings_file, content, content)
    outcome = pipeline.run(content, own_settings(settings))
    for problem in outcome.problems:
        print(problem.format(), file=stream)
    count = outcome.site.files if outcome.site else 0
    bad = len(errors(outcome.problems))
    warned = len(outcome.problems) - bad
    seconds = time.perf_counter() - started
    reports = _plural(count, "report file") if outcome.site else "settings"
    print(f"checked {reports}: {_plural(bad, 'error')}, {_plural(warned, 'warning')} in {seconds:.2f} s", file=stream)
    return 1 if bad else 0


def build(content: Path, output: Path, settings_file: Path, stream: TextIO = sys.stderr) -> int:
    """Build the site into a fresh folder beside output and swap it in; return the exit code."""
    started = time.perf_counter()
    output = output.resolve()
    if output.exists() and not output.is_dir():
        print(f"{output}: exists and is not a folder", file=stream)
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.build-", dir=output.parent))
    try:
        with _echo_logs(stream) as tally:
            written = _run_pelican(read_settings(settings_file, content, staging))
    except ContentError as failure:
        shutil.rmtree(staging, ignore_errors=True)
        bad = len(errors(failure.problems))
        print(f"build failed: {_plural(bad, 'error')}; {output.name}/ left as it was", file=stream)
        return 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, output)
    print(_summary(written, tally, time.perf_counter() - started, output), file=stream)
    return 0


def _run_pelican(settings: dict[str, object]) -> dict[str, int]:
    """Run Pelican in this process and return what Sitrep wrote."""
    from pelican import Pelican
    from pelican.log import console

    from .generator import site_written

    counts: dict[str, int] = {}

    def remember(sender: object, written: object) -> None:
        counts.update(vars(written))

    site_written.connect(remember)
    quiet, console.quiet = console.quiet, True  # Pelican's own "Done" line counts no Sitrep reports
    try:
        Pelican(settings).run()
    finally:
        console.quiet = quiet
        site_written.disconnect(remember)
    return counts


def _swap(staging: Path, output: Path) -> None:
    """Replace output by staging with two renames; the old copy is removed after."""
    os.chmod(staging, 0o755)
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
    if output.exists():
        output.rename(retired)
    staging.rename(output)
    shutil.rmtree(retired, ignore_errors=True)


def _summary(written: dict[str, int], tally: Tally, seconds: float, output: Path) -> str:
    """Return the closing line of a successful build."""
    drafts = f" ({_plural(written['drafts'], 'draft')} left out)" if written.get("drafts") else ""
    parts = [
        _plural(written.get("reports", 0), "report") + drafts,
        _plural(written.get("pages", 0), "page"),
        _plural(written.get("feeds", 0), "feed"),
        _plural(tally.warnings, "warning"),
    ]
    return f"built {', '.join(parts)} in {seconds:.2f} s -> {_shown(output)}"


def _shown(path: Path) -> str:
    """Return path relative to the cwd when it is inside it."""
    try:
        return f"{path.relative_to(Path.cwd().resolve())}/"
    except ValueError:
        return f"{path}/"


def _plural(count: int, word: str) -> str:
    """Return '1 report' or '3 reports'."""
    return f"{count} {word}{'' if count == 1 else 's'}"
