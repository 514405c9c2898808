"""The `build` and `check` commands: run Pelican beside the output, swap on success."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gc
import json
import locale
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import pipeline
from . import settings as sitrep_settings
from .cache import (
    MANIFEST_FILE,
    SPARE,
    SPARE_MANIFEST,
    Manifest,
    inputs_digest,
    load_manifest,
    load_sources,
    save_manifest,
    save_sources,
    source_digests,
)
from .entities import FACETS as REGISTERED_FACETS
from .entities import REGISTRY_SUFFIXES, Registry, registry_file
from .failures import SettingsError, in_one_line, settings_problem, shown_path, template_problem
from .history import GitError, changed_files, history_state
from .problems import ANY_FILE, ContentError, Problem, as_github, as_record, error, errors
from .progress import plural
from .site import labels

SITREP_LOGGER = "sitrep"
LOCK_FILE = "build.lock"  # in the build cache: held while a build of the output runs


@dataclass
class Tally:
    """Counts of what the build logged, for the summary line."""

    warnings: int = 0
    errors: int = 0
    lines: list[str] = field(default_factory=list)  # the warnings, as printed
    foreign: list[str] = field(default_factory=list)  # errors Pelican logged (it skips and goes on; we stop)


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
        if record.levelno == logging.WARNING:
            self.tally.lines.append(text)
        elif record.levelno >= logging.ERROR and not ours:
            self.tally.foreign.append(text)
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
    try:
        settings = pelican_read_settings(str(settings_file), override=override)
    except Exception as failure:  # the settings are Python the user wrote: whatever it raises is theirs
        raise SettingsError(*(_mistyped(settings_file) or [settings_problem(settings_file, failure)])) from failure
    if problems := sitrep_settings.pelican_problems(settings):  # else a traceback from deep inside Pelican
        raise SettingsError(*problems, *_own_problems(settings))  # all in one run, Sitrep's own too
    # Pelican set every locale category to its LOCALE (the user's): under tr_TR.UTF-8 a full disk said
    # 'build failed: ...: Aygıtta boş alan kalmadı; output/ left as it was'. The other messages are English.
    locale.setlocale(locale.LC_MESSAGES, "C")
    return settings


def _own_problems(settings: Mapping[str, object]) -> list[Problem]:
    """Return the problems of Sitrep's own settings."""
    from .generator import own_settings

    return sitrep_settings.load(own_settings(settings))[1]


def _mistyped(settings_file: Path) -> list[Problem]:
    """Return the settings of a wrong type that made Pelican fail (a SITEURL of None), read again as written."""
    from pelican.settings import get_settings_from_file

    try:
        return sitrep_settings.pelican_problems(get_settings_from_file(str(settings_file)))
    except Exception:  # the file itself raises: settings_problem says where
        return []


@dataclass(frozen=True)
class CheckOptions:
    """What `check` looks at and how it reports."""

    changed: str | None = None  # a git ref: only files changed since it (and uncommitted ones)
    files: tuple[Path, ...] = ()  # only these files
    format: str = "text"  # text | github | json
    strict: bool = False  # warnings fail too


FORMATS = {"text": Problem.format, "github": as_github}


def check(
    content: Path, settings_file: Path, stream: TextIO = sys.stdout, options: CheckOptions = CheckOptions()
) -> int:
    """Validate the content without writing anything; return the exit code."""
    return in_one_line(functools.partial(_check, content, settings_file, stream, options), stream, "check failed: {}")


def _check(content: Path, settings_file: Path, stream: TextIO, options: CheckOptions) -> int:
    """Validate the content (see check)."""
    from .generator import own_settings

    said = functools.partial(_said, stream=stream, options=options, started=time.perf_counter())
    if not content.is_dir():
        return said([error(str(content), 0, "content folder not found")], code=1)
    settings = own_settings(read_settings(settings_file, content, content))
    settings["SOURCE_DATE_EPOCH"] = os.environ.get("SOURCE_DATE_EPOCH", "")  # as the build takes it: checked alike
    outcome = pipeline.run(content, settings, check_only=True)
    try:
        problems, count = _selected(content, outcome, options)
    except GitError as failure:
        return said([error("check", 0, f"cannot list changed files: {failure}")], code=2)
    return said(problems, plural(count, "report file") if outcome.site else "settings", count)


def _said(
    problems: list[Problem],
    what: str = "",
    count: int = 0,
    *,
    stream: TextIO,
    options: CheckOptions,
    started: float,
    code: int | None = None,
) -> int:
    """Print the problems in the chosen format, and a summary of what was checked; return the exit code.

    code: the exit code of a check that could not run (its one problem says why), else from the problems.
    """
    bad = len(errors(problems))
    warned = len(problems) - bad
    failed = code if code is not None else int(bad > 0 or (options.strict and warned > 0))
    if options.format == "json":
        records = [as_record(p) for p in problems]
        json.dump({"files": count, "errors": bad, "warnings": warned, "problems": records}, stream, indent=2)
        print(file=stream)
        return failed
    for problem in problems:
        print(FORMATS[options.format](problem), file=stream)
    if code is None:
        seconds = time.perf_counter() - started
        summary = f"checked {what}: {plural(bad, 'error')}, {plural(warned, 'warning')} in {seconds:.2f} s"
        print(summary, file=sys.stderr if options.format == "github" else stream)
    return failed


CHECKED_SUFFIXES = (".md", *REGISTRY_SUFFIXES)  # reports, the registry, and a registry file misnamed (a warning)


def _selected(content: Path, outcome: pipeline.Outcome, options: CheckOptions) -> tuple[list[Problem], int]:
    """Keep the problems of the selected files (all by default), and count those files."""
    total = outcome.site.files if outcome.site else 0
    if options.changed is None and not options.files:
        return outcome.problems, total
    paths = [*options.files]
    if options.changed is not None:
        paths += [content / name for name in changed_files(content, options.changed)]
    inside = content.resolve()  # a README or a deleted file is no report to count as checked
    kept = [p for p in paths if p.suffix in CHECKED_SUFFIXES and p.is_file() and p.resolve().is_relative_to(inside)]
    chosen = labels(content, kept)
    targets = _in_content(content, paths)  # deleted ones too: a rename breaks links from other reports
    if outcome.config and targets & _registry_files(outcome.config):  # it names the entities of every report
        return outcome.problems, total
    reports = any(name.endswith(".md") for name in targets)  # a new or edited one may bring a page an old URL is on
    concern = {*targets, *([ANY_FILE] if reports else [])}
    problems = [p for p in outcome.problems if p.path in chosen or (p.about and p.about in concern)]
    return problems, len([c for c in chosen if c.endswith(".md")])


def _registry_files(config: sitrep_settings.Config) -> set[str]:
    """Return the registry's files, relative to the content folder."""
    return {registry_file(config.entities_dir, facet) for facet in REGISTERED_FACETS}


def _in_content(content: Path, paths: list[Path]) -> set[str]:
    """Return the paths inside the content folder, relative to it."""
    inside = content.resolve()
    return {p.resolve().relative_to(inside).as_posix() for p in paths if p.resolve().is_relative_to(inside)}


def read_for_new(content: Path, settings_file: Path) -> tuple[sitrep_settings.Config | None, Registry]:
    """Read the settings and the entity registry that `invoke new` suggests names from and checks against."""
    from .generator import own_settings
    from .site import read_registry

    where = content if content.is_dir() else settings_file.parent  # a new desk's first report makes its folder
    config, _ = sitrep_settings.load(own_settings(read_settings(settings_file, where, where)))
    return config, read_registry(content, config)[0] if config and content.is_dir() else Registry()


def check_new(
    label: str, text: str, config: sitrep_settings.Config | None, registry: Registry, content: Path | None = None
) -> list[Problem]:
    """Return the errors a report not written yet would have in a build: its fields, its URL, its entities' URLs.

    content: the folder whose reports it joins (their URLs and names may clash with its own).
    """
    from .indexes import build_index
    from .reports import read_report
    from .site import load_site, url_collisions

    if config is None:
        return []  # the settings' problems are the build's to say
    read = read_report(label, text.encode(), config, registry, render_body=False)
    if read.report is None:
        return errors(read.problems)
    others = load_site(content, config, render=False)[0].reports if content and content.is_dir() else []
    reports = [*others, read.report]
    found = read.problems + build_index(reports, registry, config)[1] + url_collisions(reports)
    return errors(p for p in found if p.path == label)  # the other reports' own problems are theirs to fix


def build(
    content: Path,
    output: Path,
    settings_file: Path,
    stream: TextIO = sys.stderr,
    keep_previous: bool = False,
    force: bool = False,
) -> int:
    """Build the site into a folder beside output (fresh, or the updated spare) and swap it in; return the exit code.

    force: build even when nothing changed (unchanged pages are still linked, not rendered).
    """
    run = functools.partial(_build, content, output, settings_file, stream, keep_previous, force)
    try:
        with _stopped_as_interrupted(), _published_modes():
            return in_one_line(run, stream, f"build failed: {{}}; {output.name}/ left as it was")
    except KeyboardInterrupt as stopped:  # said here: a stop while settings were read or the lock awaited was silent
        kept = "holds the new site" if isinstance(stopped, _Swapped) else "left as it was"
        print(f"interrupted; {output.name}/ {kept}", file=stream)
        raise
    finally:
        gc.unfreeze()  # the model the generator froze once read (a preview server builds again and again)


@contextmanager
def _published_modes() -> Iterator[None]:
    """Make files 0644 and folders 0755 whatever the user's umask: a web server must read every one.

    Under umask 077 a build wrote files only their owner could read, and later builds kept them
    by hard links: a web server answered 403 on most pages.
    """
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@contextmanager
def _stopped_as_interrupted() -> Iterator[None]:
    """Treat SIGTERM (`kill`, a CI runner's stop) like Ctrl-C: the build cleans up and leaves the output as it was."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread (a preview server builds in another)
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(number: int, frame: object) -> None:
    """Raise KeyboardInterrupt where the build is, as Ctrl-C would."""
    raise KeyboardInterrupt


def _build(content: Path, output: Path, settings_file: Path, stream: TextIO, keep_previous: bool, force: bool) -> int:
    """Check the folders, then build and swap in, one build of an output at a time (see build)."""
    started = time.perf_counter()
    if not content.is_dir():
        print(f"{content}: content folder not found; {output.name}/ left as it was", file=stream)
        return 1
    output = output.resolve()
    refused = not_replaceable(output, {"the content": content, "the settings": settings_file})
    if refused:
        print(f"{output}: {refused}", file=stream)
        return 1
    with _one_build_at_a_time(output, stream):
        return _build_locked(content, output, settings_file, stream, (keep_previous, force), started)


def not_replaceable(output: Path, kept: Mapping[str, Path]) -> str:
    """Say why a folder must not be replaced by a site ('' when it may): it holds what must be kept, or is no site.

    kept: what must survive, by name (the content, the settings); the current folder always must.
    """
    if output.exists() and not output.is_dir():
        return "exists and is not a folder"
    if output.is_mount():  # a Docker volume, say: no rename can move it, so every build would fail at the swap
        return "is a mount point, which a build cannot swap for the new site (build into a folder inside it)"
    kept = {**kept, "the current folder": Path.cwd()}
    holds = next((name for name, path in kept.items() if path.resolve().is_relative_to(output)), None)
    if holds is not None:
        return f"holds {holds}; refusing to replace it with the site"
    if output.is_dir() and any(output.iterdir()) and not _a_site(output):
        return "is not empty and holds no site (no index.html); refusing to replace it with the site"
    return ""


def _a_site(output: Path) -> bool:
    """Say whether a folder holds a site: one this command built (it has a build cache) or any with a home page."""
    return (cache_of(output) / MANIFEST_FILE).is_file() or (output / "index.html").is_file()


@contextmanager
def _one_build_at_a_time(output: Path, stream: TextIO) -> Iterator[None]:
    """Hold the output's build lock: a second build of it (a preview's, say) waits instead of sharing its spare."""
    try:
        cache_of(output).mkdir(parents=True, exist_ok=True)
        lock = open(cache_of(output) / LOCK_FILE, "a")  # held until the build ends
    except OSError:  # no cache folder can be made: the build reports why when it writes
        yield
        return
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build of {output.name}/ to finish", file=stream, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def _build_locked(
    content: Path, output: Path, settings_file: Path, stream: TextIO, how: tuple[bool, bool], started: float
) -> int:
    """Build and swap in, holding the output's lock; how: (keep_previous, force)."""
    keep_previous, force = how
    settings = read_settings(settings_file, content, output)
    inputs = inputs_digest(_sources(content, output), settings, pipeline.theme_paths(settings), history_state(content))
    last = load_manifest(cache_of(output))
    if not force and last.inputs == inputs and last.intact(output):
        return _unchanged(last, stream, time.perf_counter() - started, output)
    _clear_stale_builds(output)
    staging, spare = _staging(output, keep_previous, [pipeline.theme_folder(settings)])
    where = {"OUTPUT_PATH": str(staging), "SITREP_CACHE_PATH": str(cache_of(output)), "SITREP_SPARE": spare}
    where["SITREP_PREVIOUS_OUTPUT"] = str(output)  # unchanged pages are linked from it
    try:
        with _echo_logs(stream) as tally:
            written = _run_pelican({**settings, **where})
            _check_ran(written, tally, settings_file, stream)
    except ContentError as failure:
        _discard(staging, output if spare else None)
        bad = len(errors(failure.problems))
        print(f"build failed: {plural(bad, 'error')}; {output.name}/ left as it was", file=stream)
        return 1
    except BaseException:
        _discard(staging)
        raise
    digests, known = written.pop("digests", {}), written.pop("stamps", {})
    with _swapped():  # a stop is held until the renames are done: from then on, the new site is in place
        try:
            _swap(staging, output, previous_of(output) if keep_previous else None)
        except OSError:  # the output cannot be moved (no permission): it stays; the new site goes
            _discard(staging)
            raise
        try:
            save_manifest(cache_of(output), output, Manifest(inputs, {}, written, tuple(tally.lines)), digests, known)
        except OSError as failure:  # the next build is a cold one, nothing worse
            print(f"warning: cannot write the build cache: {failure.strerror or failure}", file=stream)
    print(_summary(written, tally, time.perf_counter() - started, output), file=stream)
    return 0


class _Swapped(KeyboardInterrupt):
    """A stop that came once the new site was in place: the output was not left as it was."""


@contextmanager
def _swapped() -> Iterator[None]:
    """Turn a stop (Ctrl-C, SIGTERM) into _Swapped, so it is not said as the output left as it was."""
    try:
        yield
    except KeyboardInterrupt as stopped:
        raise _Swapped from stopped


def _sources(content: Path, output: Path) -> dict[str, list[object]]:
    """Digest the content files (reading only those whose stamp changed) and record them for the next build."""
    known = load_sources(cache_of(output))
    sources = source_digests(content, known, output)
    if sources != known:
        with contextlib.suppress(OSError):  # a cache: without it the next build reads every file again
            save_sources(cache_of(output), sources)
    return sources


def _staging(output: Path, keep_previous: bool, regenerated: Iterable[str]) -> tuple[Path, bool]:
    """Return the folder to build into, and whether it is the spare (the output before last) to bring up to date.

    Updating the spare rewrites only what changed in the last two builds; a fresh folder needs a
    link or a write for every file (at 10,000 reports some 17,000 links and folders, seconds on disk).
    The theme's files, which Pelican copies whole, are cleared first; the search run updates the
    search bundle part by part.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{output.name}.build-", dir=output.parent))
    spare = cache_of(output) / SPARE
    if keep_previous or not spare.is_dir() or not (cache_of(output) / SPARE_MANIFEST).is_file():
        return fresh, False
    try:
        spare.rename(fresh)  # onto the empty fresh folder: the build folder keeps its unique name
    except OSError:
        return fresh, False
    for name in regenerated:
        if (fresh / name).is_dir():
            try:
                _throw_away(fresh / name, output)  # deleted with the rest of the trash after the swap
            except OSError:
                shutil.rmtree(fresh / name)
    return fresh, True


def _discard(staging: Path, output: Path | None = None) -> None:
    """Remove a failed build's folder, once nothing writes into it any more; or keep it as output's spare.

    A spare that a failed build partly updated is still a good one: the next build checks every
    file it keeps against its manifest and removes whatever it did not plan.
    """
    from .generator import cancel_search

    cancel_search(staging)
    if output is not None:
        with contextlib.suppress(OSError):
            staging.rename(cache_of(output) / SPARE)
            return
    shutil.rmtree(staging, ignore_errors=True)


def clean(output: Path, kept: Mapping[str, Path], stream: TextIO = sys.stderr) -> int:
    """Remove a built site and its build cache (the next build is a cold one); refuse a folder that is no site."""
    output = output.resolve()
    refused = not_replaceable(output, kept)
    if refused:
        print(f"{output}: {refused.replace('replace it with the site', 'remove it')}", file=stream)
        return 1
    with _one_build_at_a_time(output, stream):  # a build running now failed on its vanished cache, or put its site back
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(cache_of(output), ignore_errors=True)
    return 0


def cache_of(output: Path) -> Path:
    """Return the build cache's folder: beside the output, never published with it."""
    return output.with_name(f".{output.name}.cache")


def _unchanged(last: Manifest, stream: TextIO, seconds: float, output: Path) -> int:
    """Say that nothing changed since the last build, repeating its warnings; return the exit code."""
    for line in last.warnings:
        print(line, file=stream)
    tally = Tally(len(last.warnings))
    print(_summary(last.counts, tally, seconds, output, "nothing changed: kept"), file=stream)
    return 0


def _check_ran(written: Mapping[str, object], tally: Tally, settings_file: Path, stream: TextIO) -> None:
    """Fail a build in which Pelican logged an error, or Sitrep's generator never ran (PLUGINS mistyped)."""
    problems = [error("pelican", 0, line) for line in tally.foreign]
    if not written:
        hint = "check PLUGINS and PLUGIN_PATHS"
        problems.append(error(settings_file.name, 0, "Sitrep's plugin did not run: nothing was built", hint))
        print(problems[-1].format(), file=stream)
    if problems:
        raise ContentError(problems)


def _run_pelican(settings: dict[str, object]) -> dict[str, object]:
    """Run Pelican in this process and return what Sitrep wrote."""
    from jinja2 import TemplateError
    from pelican import Pelican
    from pelican.generators import PelicanTemplateNotFound
    from pelican.log import console

    from .generator import site_written

    counts: dict[str, object] = {}

    def remember(sender: object, written: object) -> None:
        counts.update(vars(written))

    site_written.connect(remember)
    quiet, console.quiet = console.quiet, True  # Pelican's own "Done" line counts no Sitrep reports
    try:
        Pelican(settings).run()
    except (TemplateError, PelicanTemplateNotFound) as failure:  # the theme's mistake: one line, not a traceback
        problem = template_problem(failure)
        logging.getLogger(SITREP_LOGGER).error(problem.format())
        raise ContentError([problem]) from failure
    finally:
        console.quiet = quiet
        site_written.disconnect(remember)
    return counts


def previous_of(output: Path) -> Path:
    """Return where publish keeps the copy that rollback restores."""
    return output.with_name(f".{output.name}.previous")


def _swap(staging: Path, output: Path, keep: Path | None = None) -> None:
    """Replace output by staging with renames; the old copy is kept at `keep`, or thrown away."""
    os.chmod(staging, 0o755)
    old = []
    with _signals_held():  # Ctrl-C between the renames left no output at all
        if keep is not None and keep.exists():
            old.append(_throw_away(keep, output))
        if output.exists() and keep is not None:
            output.rename(keep)
        elif output.exists():
            old += _keep_spare(output)
        staging.rename(output)
    trash = cache_of(output) / "trash"
    _delete_detached(old + (list(trash.iterdir()) if trash.is_dir() else []))


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back until the block ends: renames that belong together all happen.

    Python's handlers are swapped, not the thread's signal mask: the kernel may hand a signal to any
    thread that does not block it, and Python then runs its handler in the main thread all the same.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread is stopped by a signal (a preview server builds in another)
        return
    held: list[int] = []
    stops = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, lambda number, frame: held.append(number)) for number in stops}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        if held:
            signal.raise_signal(held[0])  # handled now as it would have been then


def _keep_spare(output: Path) -> list[Path]:
    """Move output into the cache as the next build's spare, with its manifest; return what to delete."""
    cache = cache_of(output)
    old = [_throw_away(cache / SPARE, output)] if (cache / SPARE).is_dir() else []
    try:
        output.rename(cache / SPARE)
    except OSError:  # no usable cache folder: no spare
        return [*old, _throw_away(output, output)]
    try:
        os.replace(cache / MANIFEST_FILE, cache / SPARE_MANIFEST)  # this build's manifest is saved after the swap
    except OSError:  # no manifest (a first build): a spare nothing can be checked against
        old.append(_throw_away(cache / SPARE, output))
    return old


def _clear_stale_builds(output: Path) -> None:
    """Throw away build folders a killed build left beside output (this build holds the lock: none is running)."""
    prefix = f".{output.name}.build-"
    beside: list[Path] = []
    with contextlib.suppress(OSError):
        for path in output.parent.iterdir():
            if path.name.startswith(prefix) and path.is_dir() and not path.is_symlink():
                moved = _throw_away(path, output)  # into the trash: deleted with the rest of it after the swap
                beside += [moved] if moved.parent == output.parent else []
    _delete_detached(beside)


def _throw_away(folder: Path, output: Path) -> Path:
    """Move a folder out of the way (a rename: instant) into the cache's trash, else beside output."""
    name = f".{output.name}.old-{os.getpid()}-{time.time_ns()}"
    trash = cache_of(output) / "trash"
    try:
        trash.mkdir(parents=True, exist_ok=True)
        return folder.rename(trash / name)
    except OSError:  # no usable cache folder, or one on another file system (a mount): no rename reaches it
        return folder.rename(output.parent / name)


def _delete_detached(paths: list[Path]) -> None:
    """Delete old outputs in a detached process: the build is done once the new one is in place."""
    if paths:
        code = "import shutil, sys\nfor path in sys.argv[1:]: shutil.rmtree(path, ignore_errors=True)"
        quiet = subprocess.DEVNULL
        command = [sys.executable, "-c", code, *sorted({str(p) for p in paths})]
        process = subprocess.Popen(command, stdout=quiet, stderr=quiet, start_new_session=True)
        threading.Thread(target=process.wait, daemon=True).start()  # reaped when done, not a zombie of `invoke serve`


def rollback(output: Path, stream: TextIO = sys.stderr) -> int:
    """Swap the published site with the copy kept by the last publish; return the exit code."""
    output = output.resolve()
    previous = previous_of(output)
    if not previous.is_dir():
        print(f"rollback: no previous copy at {previous}", file=stream)
        return 1
    with _one_build_at_a_time(output, stream):  # a publish running now would keep the wrong copy
        run = functools.partial(_swap_back, output, previous)
        code = in_one_line(run, stream, f"rollback failed: {{}}; {output.name}/ left as it was")
    if code == 0:
        print(f"rolled back {_shown(output)} to the previous publish (run again to undo)", file=stream)
    return code


def _swap_back(output: Path, previous: Path) -> int:
    """Put the previous copy in place of output, keeping output (if any) as the previous copy."""
    if not output.exists():  # removed by hand: the previous copy is all there is
        previous.rename(output)
        return 0
    parked = output.with_name(f".{output.name}.rollback-{os.getpid()}")
    with _signals_held():  # Ctrl-C between the renames left no output, or the old copy under a stray name
        output.rename(parked)
        previous.rename(output)
        parked.rename(previous)
    return 0


def _summary(written: Mapping[str, object], tally: Tally, seconds: float, output: Path, verb: str = "built") -> str:
    """Return the closing line of a successful build."""
    count = {k: int(v) for k, v in written.items() if isinstance(v, int)}
    drafts = f" ({plural(count['drafts'], 'draft')} left out)" if count.get("drafts") else ""
    reused = f" ({count['reused']:,} unchanged)" if count.get("reused") and verb == "built" else ""
    parts = [
        plural(count.get("reports", 0), "report") + drafts,
        plural(count.get("pages", 0), "page"),
        plural(count.get("feeds", 0), "feed"),
        plural(tally.warnings, "warning"),
    ]
    return f"{verb} {', '.join(parts)}{reused} in {seconds:.2f} s -> {_shown(output)}"


def _shown(path: Path) -> str:
    """Return a folder as summaries name it: relative to the current folder when inside it, with a slash."""
    return f"{shown_path(str(path))}/"
