"""Read the whole content folder into a Site: read everything, then report."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from os.path import splitext
from pathlib import Path
from typing import NamedTuple

from .cache import Fingerprints, digest_bytes, load_reads, source_stamp, walk_files
from .cores import on_every_core
from .crosslinks import link_reports
from .entities import FACETS, REGISTRY_SUFFIXES, Registry, load_registry, registry_file
from .frontmatter import decode
from .history import CANNOT_RUN, FileHistory, history_failure, is_shallow, read_history
from .model import Report, Site
from .problems import Problem, clashes, error, sort_key, warning
from .progress import Progress
from .reports import Read, read_report
from .settings import DEFAULTS, Config
from .urls import saved_as

REPORT_SUFFIX = ".md"
LOOK_LIKE_REPORTS = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")  # lower-cased: `.MD` too


def label_root(content_dir: Path) -> Path:
    """Return the folder problem paths are relative to: the cwd (content outside it is named in full)."""
    return Path.cwd().resolve()


def report_files(content_dir: Path, config: Config) -> tuple[list[str], list[str]]:
    """List report files by their path in the content folder, in path order, skipping hidden and editor files.

    Also list the files named like a report but not read as one (`.markdown`, `.MD`): a rename would
    otherwise take a published report off the site without a word.
    """
    folder = Path(config.reports_dir).as_posix()
    prefix = "" if folder == "." else f"{folder}/"
    if not (content_dir / folder).is_dir():
        return [], []
    found = walk_files(content_dir / folder, prefix, dangling=True)  # a broken link: an error, not a report gone
    names = [name for name, _ in found if not _hidden(name.removeprefix(prefix))]
    misnamed = [n for n in names if not n.endswith(REPORT_SUFFIX) and splitext(n)[1].lower() in LOOK_LIKE_REPORTS]
    return [name for name in names if name.endswith(REPORT_SUFFIX)], misnamed  # strings: pathlib cost 0.6 s at 10k


def misnamed_warning(label: str, name: str) -> Problem:
    """Warn of a file named like a report that is not read as one."""
    hint = f"rename it to end in '{REPORT_SUFFIX}', or move it out of the reports folder"
    return warning(label, 1, f"not read as a report: its name ends in '{splitext(name)[1]}'", hint)


# The content's folders, by setting: what each is, how to mend its absence, and whether it may be absent
# as the default (a site without a registry). A mistyped SITREP_REPORTS_DIR built a site of 0 reports;
# a mistyped SITREP_ENTITIES_DIR an empty registry, every alias unfolded.
FOLDERS = {
    "SITREP_REPORTS_DIR": (
        "the reports folder",
        "create it, empty for a site with no reports yet, or set SITREP_REPORTS_DIR to the reports' folder",
        False,
    ),
    "SITREP_ENTITIES_DIR": ("the entity registry's folder", "create it, or set it to the registry's folder", True),
}


def _missing_folder(content_dir: Path, within: str, setting: str, value: str) -> list[Problem]:
    """Say that a content folder a setting names is not there (the registry's may be, at its default)."""
    what, hint, optional = FOLDERS[setting]
    if (content_dir / value).is_dir() or (optional and value == DEFAULTS[setting]):
        return []
    return [error(_in(within, Path(value).as_posix()), 0, f"{what} ({setting}) is not there", hint)]


SHALLOW = "the git history is cut short (a shallow clone): dates and authors taken from git may be wrong"
FIX_GIT = "git status there says how to fix it"
NO_HISTORY = "the content is in a git repository, but {}: dates and authors taken from git are left out"
LAZY_SHARE = 100  # the report cache is written again once more than 1 read in this many differs
MAX_FILE_BYTES = 2 * 2**20  # a long report is 100 KB; a 5 MB table took 37 s and 3.8 GB to render, 200 MB 6 GB to check
PARALLEL_FROM = 200  # below this, starting worker processes costs more than it saves


def _read_all(jobs: list[tuple[object, ...]]) -> list[Read]:
    """Read reports on every core (in file order, so the result is the same as one by one)."""
    shares = on_every_core(functools.partial(_read_share, jobs), len(jobs), PARALLEL_FROM)
    return [shares[i % len(shares)][i // len(shares)] for i in range(len(jobs))]  # dealt in turn: undealt


def _read_share(jobs: list[tuple[object, ...]], share: int, shares: int) -> list[Read]:
    """Read every shares-th report, starting at share; share 0 tells the progress of all."""
    mine = jobs[share::shares]
    what = "read {done} of {total} report files" if shares == 1 else "read about {done} of {total} report files"
    progress = Progress(what, len(jobs), shares)
    return [_read_job(job) for job in (progress.counted(mine) if share == 0 else mine)]


def _read_cached(jobs: list[tuple[object, ...]], keys: list[str], cache: ReadCache, base: str) -> list[Read]:
    """Read the files whose digest is not in the cache made under base; record every read under its digest."""
    cache.keep(base, keys)
    missing = [i for i, key in enumerate(keys) if key not in cache.known]
    fresh = dict(zip(missing, _read_all([jobs[i] for i in missing]), strict=True))
    reads = [fresh[i] if i in fresh else cache.known[key] for i, key in enumerate(keys)]
    reads = [_stamped(read, key) for read, key in zip(reads, keys, strict=True)]
    cache.used.update((key, read) for key, read in zip(keys, reads, strict=True) if _cacheable(read))
    return reads


def _cacheable(read: Read) -> bool:
    """Say whether a read may be kept in the build cache: not a draft's, as the cache sits beside the output.

    Published into a folder of a web server's tree, the output's neighbours are served too.
    """
    return read.report is None or not read.report.is_draft


def _stamped(read: Read, key: str) -> Read:
    """Give the report its digest (what pages that show it are keyed on)."""
    if read.report is None or read.report.digest == key:
        return read
    return Read(replace(read.report, digest=key), read.problems)


def _read_job(job: tuple[object, ...]) -> Read:
    """Read one report (a picklable call for the process pool); a path stands for bytes not read yet."""
    label, raw, *rest = job
    if isinstance(raw, Path):
        problems: list[Problem] = []
        raw = _read(raw, str(label), problems)  # its size checked here too: its stamp gave its digest unread
        if raw is None:
            return Read(None, problems)
    return read_report(label, raw, *rest)  # type: ignore[arg-type]


def _source(
    path: Path, label: str, relative: str, cache: ReadCache, problems: list[Problem]
) -> tuple[str, bytes | Path] | None:
    """Return a report file's digest and bytes; or its path, not read yet, when its stamp gives its digest."""
    known = cache.source_digest(relative, path)
    if known:
        return known, path
    raw = _read(path, label, problems)
    return (digest_bytes(raw), raw) if raw is not None else None


def _read(path: Path, label: str, problems: list[Problem]) -> bytes | None:
    """Return a file's bytes, or record why it cannot be read (or is too big to)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(too_big(label, size))
            return None
        return path.read_bytes()
    except OSError as failure:
        problems.append(unreadable(label, path, failure))
        return None


def too_big(label: str, size: int) -> Problem:
    """Say that a file is too big to read: a 220 MB report took 6 GB and 80 s to check, more to build."""
    hint = f"a report or registry file holds at most {MAX_FILE_BYTES:,} bytes: split it"
    return error(label, 1, f"the file is too big to read: {size:,} bytes", hint)


def unreadable(label: str, path: Path, failure: OSError) -> Problem:
    """Say why a file cannot be read, naming where a link to nothing points."""
    hint = f"it is a link to {os.readlink(path)}, which is not there" if path.is_symlink() else ""
    return error(label, 1, f"cannot read the file: {failure.strerror or failure}", hint)


def linked_outside(content_dir: Path, config: Config, files: Iterable[str]) -> set[str]:
    """Return the report files that a link leads outside the content folder and the (linked) reports folder.

    Content comes through git from many hands: a committed link to /etc/hostname or a CI secret would be
    published, and its lines quoted in problems in public CI logs. The reports folder itself may be a link
    (to another checkout), so what lies under it where it leads is inside.
    """
    roots = (str(content_dir), os.path.realpath(content_dir / config.reports_dir))
    folders: dict[str, str] = {}
    found = set()
    for relative in files:
        folder, name = os.path.split(os.path.join(content_dir, relative))
        if os.path.islink(os.path.join(folder, name)):
            where = os.path.realpath(os.path.join(folder, name))
        else:  # resolve each folder once: 0.01 s at 10,000 reports
            where = os.path.join(folders.setdefault(folder, os.path.realpath(folder)), name)
        if os.path.exists(where) and not _within(where, roots):
            found.add(relative)
    return found


def _within(path: str, roots: Iterable[str]) -> bool:
    """Say whether a resolved path lies in one of the folders, not in a hidden one there (`.git`, its config).

    Strings, not pathlib: asked of every report, pathlib cost 1 s at 100,000.
    """
    inside = (path[len(root) + 1 :] for root in roots if path.startswith(root + os.sep))
    return any(not _hidden(relative.replace(os.sep, "/")) for relative in inside)


LINKED_HINT = "commit the file itself, not a link to it"


def outside_link(label: str, path: Path) -> Problem:
    """Say that a content file is not read, being a link to outside the content folder (without its lines)."""
    where = os.path.realpath(path)
    return error(label, 1, f"not read: a link leads to {where}, outside the content folder or hidden", LINKED_HINT)


def _hidden(relative: str) -> bool:
    """Return True for dot-files, dot-folders and editor leftovers."""
    return any(part.startswith((".", "#", "~")) for part in relative.split("/"))


@dataclass
class ReadCache:
    """Reads from the last build by digest (`known`), and those this run used (`used`, filled in)."""

    known: Mapping[str, Read] = field(default_factory=dict)
    base: str = ""  # digest of the code that reads reports; load_site adds the config and registry
    used: dict[str, Read] = field(default_factory=dict)
    dropped: int = 0  # reads of the last build that this one has no use for
    folder: Path | None = None  # where the last build stored its reads: loaded by keep
    sources: Mapping[str, list[object]] = field(default_factory=dict)  # content files' stamps and digests
    under: str = ""  # what this run's reads are made under: base, config and registry (set by keep)

    def keep(self, base: str, keys: Iterable[str]) -> None:
        """Load the reads cached under base, if any; let go of those not under keys before reading anew."""
        self.under = base
        if self.folder is not None:
            self.known = load_reads(self.folder, base)
        kept = {key: self.known[key] for key in keys if key in self.known}
        self.dropped += len(self.known) - len(kept)
        self.known = kept

    def source_digest(self, relative: str, path: Path) -> str:
        """Return a content file's digest if its stamp is the one recorded (so it need not be read), else ''."""
        known = self.sources.get(relative)
        if not known:
            return ""
        try:
            info = path.stat()
        except OSError:
            return ""
        return str(known[1]) if known[0] == source_stamp(info) else ""

    @property
    def changed(self) -> bool:
        """Return True if the cache file is worth writing again: more than one read in LAZY_SHARE differs.

        A few reads made afresh (an edited report) are not worth it: reading them again next build
        costs about 5 ms each, writing every read 0.8 s at 10,000 reports.
        """
        missed = self.dropped + len(self.used) - len(self.known)
        return missed > len(self.used) // LAZY_SHARE


def load_site(
    content_dir: Path, config: Config, render: bool = True, cache: ReadCache | None = None
) -> tuple[Site, list[Problem]]:
    """Read the registry and every report (unchanged ones from the cache); return the site and all problems."""
    content_dir = content_dir.resolve()  # once: labels of the files under it need no resolving
    root = label_root(content_dir)
    cache = cache or ReadCache()
    registry, problems = read_registry(content_dir, config, root)
    files, misnamed = report_files(content_dir, config)
    within = _label(content_dir, root)
    problems += [misnamed_warning(_in(within, name), name) for name in misnamed]
    problems += _missing_folder(content_dir, within, "SITREP_REPORTS_DIR", config.reports_dir)
    history, warned = _git_history(content_dir, within)
    problems += warned
    base = digest_bytes(cache.base, Fingerprints().of((config, registry, render)))
    jobs, keys = [], []
    outside = linked_outside(content_dir, config, files)
    problems += [outside_link(_in(within, relative), content_dir / relative) for relative in outside]
    for relative in (name for name in files if name not in outside):
        path, label = content_dir / relative, _in(within, relative)
        found = _source(path, label, relative, cache, problems)
        if found is not None:
            keys.append(digest_bytes(base, label, relative, found[0], repr(history.get(relative))))
            jobs.append((label, found[1], config, registry, relative, history.get(relative), render))
    reads = _read_cached(jobs, keys, cache, base)
    reports: list[Report] = []
    for read in reads:
        problems += read.problems
        if read.report is not None:
            reports.append(read.report)
    published = sorted((r for r in reports if not r.is_draft), key=Report.sort_key, reverse=True)
    problems += url_collisions(published)
    linked, drafts, unreached = link_reports(published, [r for r in reports if r.is_draft], config.site_url)
    site = Site(linked, drafts, registry, len(files), history)
    return site, sorted(problems + unreached, key=sort_key)


def _git_history(content_dir: Path, label: str) -> tuple[dict[str, FileHistory], list[Problem]]:
    """Read the content's git history; warn when it is cut short, or there but unreadable (label: the folder's)."""
    history = read_history(content_dir)
    if history and is_shallow(content_dir):
        return history, [warning(label, 0, SHALLOW, "git fetch --unshallow, or fetch-depth: 0")]
    failure = "" if history else history_failure(content_dir)
    if not failure:
        return history, []
    hint = "install git, or add its folder to PATH" if failure == CANNOT_RUN else FIX_GIT
    return history, [warning(label, 0, NO_HISTORY.format(failure), hint)]


def labels(content_dir: Path, paths: Iterable[Path]) -> set[str]:
    """Return how problems name these files: a file in the content folder by the folder's label, as it is read."""
    content_dir = content_dir.resolve()
    root = label_root(content_dir)
    within = _label(content_dir, root)
    found = (p.resolve() for p in paths)
    return {
        _in(within, p.relative_to(content_dir).as_posix()) if p.is_relative_to(content_dir) else _label(p, root)
        for p in found
    }


def _in(within: str, relative: str) -> str:
    """Return the label of a file by its path in the content folder, from the folder's label.

    From a folder inside the content folder (`content/reports/`), the folder is named in full, and so each of
    its files: `sitrep check --changed` named a changed file from there, and matched none of their problems.
    """
    return relative if within == "." else f"{within}/{relative}"


def _label(path: Path, root: Path) -> str:
    """Return the path as problems name it: from root when under it, else in full (an editor opens either)."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root)
    outside = relative == os.pardir or relative.startswith(os.pardir + os.sep)
    return (absolute if outside else relative).replace(os.sep, "/")


def read_registry(content_dir: Path, config: Config, root: Path | None = None) -> tuple[Registry, list[Problem]]:
    """Read the entity registry files that exist."""
    content_dir = content_dir.resolve()
    within = _label(content_dir, root or label_root(content_dir))
    folder = content_dir / config.entities_dir
    sources: dict[str, tuple[str, str]] = {}
    problems = _missing_folder(content_dir, within, "SITREP_ENTITIES_DIR", config.entities_dir)
    for facet in FACETS:
        path = content_dir / registry_file(config.entities_dir, facet)
        label = _in(within, path.relative_to(content_dir).as_posix())  # as a report is named: see _in
        if path.is_file() and not _within(os.path.realpath(path), (str(content_dir), os.path.realpath(folder))):
            problems.append(outside_link(label, path))
            continue
        raw = _read(path, label, problems) if path.is_file() else None
        if raw is not None:
            text, bad = decode(label, raw)
            problems += bad
            sources[facet] = (label, text or "")
    problems += [
        _unread_registry(path, _in(within, path.relative_to(content_dir).as_posix()))
        for path in _misnamed_registry(folder)
    ]
    registry, more = load_registry(sources, Path(config.entities_dir).as_posix())
    return registry, problems + more


def _misnamed_registry(folder: Path) -> list[Path]:
    """List files named like a registry file but not read as one (`actors.yml`, `Locations.yaml`)."""
    if not folder.is_dir():
        return []
    named = (path for path in folder.iterdir() if path.stem.lower() in FACETS and path.is_file())
    return sorted(p for p in named if p.suffix.lower() in REGISTRY_SUFFIXES and not _read_as_registry(p))


def _read_as_registry(path: Path) -> bool:
    """Say whether a file is the registry file of its facet (on a case-insensitive disk, `Actors.yaml` is)."""
    own = path.with_name(f"{path.stem.lower()}.yaml")
    return path.name == own.name or (own.is_file() and own.samefile(path))


def _unread_registry(path: Path, label: str) -> Problem:
    """Warn of a registry file not read: without it, its aliases fold nothing and each spelling gets a page."""
    hint = f"rename it to '{path.stem.lower()}.yaml'"
    return warning(label, 1, f"not read as the registry: its name is '{path.name}'", hint)


def url_collisions(reports: Iterable[Report]) -> list[Problem]:
    """Report every URL two reports claim: as their URL, or as an old one they redirect from."""
    reports = list(reports)
    claims = [Claim(r.save_as, r.url, r, False) for r in reports]
    claims += [Claim(saved_as(url), url, r, True) for r in reports for url in r.redirect_from]
    found = (_collision(claim, clash) for clash in clashes(claims, lambda claim: claim.save_as) for claim in clash)
    return [problem for problem in found if problem is not None]


SLUG_HINT = "give one a different 'slug'"


class Claim(NamedTuple):
    """A report's claim on an output file: its page, or the pointer from an old URL (moved)."""

    save_as: str
    url: str
    report: Report
    moved: bool

    def describe(self, other: Claim) -> str:
        """Say what this claim is, as seen from the report making another."""
        if self.report is other.report:
            return "this report's own URL"
        return f"an old URL of {self.report.source}" if self.moved else f"the URL of {self.report.source}"


def _collision(claim: Claim, clash: list[Claim]) -> Problem | None:
    """Say what else claims a report's URL or old URL, at the line that gives it (None: its own old URL says it)."""
    report = claim.report
    others = [o for o in clash if o is not claim and (claim.moved or o.report is not report)]
    if not others:
        return None  # a report's own URL among its old ones: said at the old one
    if not claim.moved and not any(o.moved for o in others):
        used = ", ".join(o.report.source for o in others)
        return error(report.source, report.url_line, f"URL {claim.url} is also used by {used}", SLUG_HINT)
    what = f"redirect_from {claim.url}" if claim.moved else f"URL {claim.url}"
    line = report.line("redirect_from") if claim.moved else report.url_line
    said = ", ".join(o.describe(claim) for o in others)
    hint = "remove it from redirect_from" if claim.moved else "remove it from the other report's redirect_from"
    also = "is" if all(o.report is report for o in others) else "is also"
    return error(report.source, line, f"{what} {also} {said}", hint)
