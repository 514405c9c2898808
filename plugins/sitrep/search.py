"""Full-text search: index the written site with Pagefind (the `pagefind[bin]` package).

Pagefind holds every indexed word of every page in memory (about 12 bytes per byte of
report HTML: 1.27 GB at 10,000 reports). Sites with more than a megabyte or two of report pages
are therefore indexed in parts (`part_count`), one Pagefind run after another, each a bundle of its
own (`pagefind/`, `pagefind/part-1/`, ...) that the search page merges (`mergeIndex`, listed in
`pagefind/parts.js`). Parts also make an edit cheaper: only the part holding the edited report is
indexed again, unless the edit brings a new word. A part indexed again keeps the files Pagefind
names by their content (page fragments, word and filter indexes), which it then skips writing and
compressing; the ones its new index does not list are removed. Two things keep the merged results
those of one index:

- Reports are dealt to the parts in turn by date, so each part's date ranks interleave with
  the others' and the merged results stay in date order (a sorted search scores each result
  by its rank in its part, and the browser orders the merged results by score).
- Every part also holds a page with the words of the whole site and no date. A sorted search
  never returns an undated page, but the page stops Pagefind from matching a shorter word
  instead (`tank` for `tanker`) in the parts where a word searched for does not occur.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import html
import itertools
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from array import array
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import cbor2

from . import pagetext
from .cache import digest_bytes, installed_version, link_file, load_json_dict, load_keyed, save_keyed, walk_files
from .problems import Problem, error
from .progress import Progress

BUNDLE = "pagefind"
PARTS_SCRIPT = "parts.js"  # in the bundle: the other parts' folders, for the search page
AHEAD = "--ahead"  # the one argument of a process started before its run is known: it reads the run from stdin
ENTRY = "pagefind-entry.json"  # Pagefind's entry file: each language's metadata index by name
KEYS_FILE = "parts.json"  # in the bundle: each part's digest, so the next build can reuse unchanged parts
OURS = (PARTS_SCRIPT, KEYS_FILE)
SORT_KEY = "date"  # the sort the search page asks for (themes/sitrep/static/js/search.js)
PART_BYTES = 12_000_000  # the most report HTML per Pagefind run: about 135 MB of Pagefind memory, 1-1.5 s to index
PART_UNIT = 1_000_000  # parts ~ sqrt(report HTML / this): an edit indexes size / parts, a search loads every part
SORT_ATTRIBUTE = re.compile(rb'data-pagefind-sort="([^"]*)"')
WORD = re.compile(r"[^\W_](?:.*[^\W_])?", re.DOTALL)  # first to last letter or digit: what is left of a token
LANGUAGE = re.compile(rb'<html[^>]*\slang="([^"]*)"')
VOCABULARY = "sitrep-vocabulary"  # fills each * of the glob: the path of every part's page of words
PAGES_FILE = "search-pages.json"  # in the build cache: the report pages' digests, for the survey
TOKENS_FILE = "search-tokens.pickle"  # in the build cache: the survey's tokens of each report page, by digest
BY_CONTENT = ("fragment", "index", "filter")  # a part's folders of files Pagefind names by content (and pf_meta)
PAGEFIND_MARK = b"pagefind_dcd"  # what Pagefind's gzipped indexes start with
STAGE_PREFIX = "sitrep-search-"  # then the search process's id: a killed one's folder is cleared by the next
RAM_FOLDER = Path("/dev/shm")  # links are made and removed here ten times faster than on disk


def fixed_folder(glob: str) -> str:
    """Return the folder all of a glob's matches lie in ('' when its first folder has a wildcard)."""
    folders = glob.split("/")[:-1]
    return "/".join(itertools.takewhile(lambda folder: "*" not in folder, folders))


def report_glob(report_save_as: str) -> str:
    """Turn REPORT_SAVE_AS into the glob of report pages: only they are indexed, so only they are read."""
    return re.sub(r"\{[^}]*\}", "*", report_save_as)


@dataclass(frozen=True)
class Indexing:
    """One indexing run: what `python -m sitrep.search` is given (start_index runs it in the background)."""

    site: Path
    glob: str
    previous: Path | None = None  # the last build's bundle: parts with the same pages and words are reused
    cache: Path | None = None  # the build cache: the survey keeps each page's tokens there
    listing: Path | None = None  # the report pages' digests as the build knows them (JSON), so none is re-read
    part_bytes: int = field(default_factory=lambda: PART_BYTES)  # read when made: tests make parts small

    def arguments(self) -> list[str]:
        """Return the arguments that make this run (`parse` reads them back)."""
        fields = [str(self.site), self.glob, *(str(path or "") for path in (self.previous, self.cache, self.listing))]
        return [*fields, str(self.part_bytes)]

    @classmethod
    def parse(cls, argv: list[str]) -> Indexing:
        """Read a run from the arguments that `arguments` made."""
        site, glob, previous, cache, listing, part_bytes = argv
        optional = [Path(arg) if arg else None for arg in (previous, cache, listing)]
        return cls(Path(site), glob, *optional, int(part_bytes))


def pagefind_command(site: Path, glob: str, bundle: Path) -> list[str]:
    """Return the Pagefind command that indexes the pages of site matching glob into bundle."""
    command = [pagefind_executable(), "--site", str(site), "--output-path", str(bundle)]
    return [*command, "--glob", glob, "--silent"]


@cache
def pagefind_executable() -> str:
    """Return the Pagefind binary of `pagefind[bin]` (run directly: its Python wrapper costs 0.1 s a run)."""
    try:
        from pagefind_bin import get_executable
    except ImportError:  # another packaging of Pagefind: its own command
        return "pagefind"
    try:
        return str(get_executable())
    except FileNotFoundError:
        return "pagefind"


def module_command(arguments: list[str]) -> list[str]:
    """Return the command line that runs this module with arguments, in UTF-8 mode as the build runs (cli)."""
    # Under LC_ALL=C with PYTHONUTF8=0 it read file names as ASCII: a site under a non-ASCII folder
    # name (`/srv/désk/`) found no report page, and the build succeeded without its search index.
    return [sys.executable, "-X", "utf8", "-m", "sitrep.search", *arguments]


def spawn_index() -> subprocess.Popen[str] | list[Problem]:
    """Start an indexing process before the pages are written; start_index gives it its run.

    Python's start-up and imports (0.15 s) then overlap reading and planning, not the wait for the index.
    """
    return _popen(module_command([AHEAD]))


def start_index(
    run: Indexing, ahead: subprocess.Popen[str] | list[Problem] | None = None
) -> subprocess.Popen[str] | list[Problem]:
    """Start indexing in the background (it runs while other pages are written): in ahead, if it is waiting."""
    if isinstance(ahead, subprocess.Popen) and ahead.poll() is None and ahead.stdin is not None:
        try:
            ahead.stdin.write(json.dumps(run.arguments()) + "\n")
            ahead.stdin.flush()
            return ahead
        except OSError:  # it is gone: start another
            cancel_index(ahead)
    return _popen(module_command(run.arguments()))


def _popen(command: list[str]) -> subprocess.Popen[str] | list[Problem]:
    """Run an indexing command in the background, with this package importable."""
    plugins = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [plugins, os.environ.get("PYTHONPATH")]))}
    try:
        return subprocess.Popen(
            command,
            stdin=subprocess.PIPE,  # a process started ahead reads its run here; finish_index closes it
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,  # its own process group, so cancel_index stops its Pagefind runs too
        )
    except OSError as failure:
        return [error("search", 0, f"cannot run Pagefind: {failure}", "pip install 'pagefind[bin]'")]


def finish_index(started: subprocess.Popen[str] | list[Problem]) -> list[Problem]:
    """Wait for indexing, telling how many parts are done; return a problem if it could not run or failed."""
    if isinstance(started, list):
        return started
    follow_parts(started)  # reads stdout to its end: what is left to say is on stderr
    _, err = started.communicate()
    if started.returncode != 0:
        last = (err.strip() or "no output").splitlines()[-1]
        return [error("search", 0, f"Pagefind failed: {last}", "pip install -r requirements.txt")]
    return []


def follow_parts(started: subprocess.Popen[str]) -> None:
    """Read the run's lines of parts done ("3 11") until it ends, and show how far it is."""
    if started.stdin is not None:  # a process started ahead and given no run ends now
        started.stdin.close()
        started.stdin = None  # closed: communicate() must not flush it
    progress = None
    for line in started.stdout or ():
        done, _, parts = line.partition(" ")
        if done.isdigit() and parts.strip().isdigit():
            progress = progress or Progress("indexed {done} of {total} search parts", int(parts))
            progress.tick()


def cancel_index(started: subprocess.Popen[str] | list[Problem]) -> None:
    """Stop an indexing run and the Pagefind it started (the build failed: nothing may write any more)."""
    if isinstance(started, list) or started.poll() is not None:
        return
    try:
        os.killpg(started.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    started.communicate()


def sort_value(page: bytes) -> str:
    """Return the value a page sorts by on the search page ('' when it has none)."""
    for attribute in SORT_ATTRIBUTE.findall(page):
        key, _, value = html.unescape(attribute.decode("utf-8", "replace")).partition(":")
        if key.strip() == SORT_KEY:
            return value.strip()
    return ""


def page_tokens(page: bytes) -> list[str]:
    """Return the whitespace-separated tokens of the text Pagefind indexes of a page."""
    return pagetext.indexed_text(page).split()


def fold(token: str) -> str:
    """Fold a token as Pagefind indexes it: lower-cased, stripped of surrounding punctuation ('' if nothing is left).

    So 'unchanged.' adds no new word, and the page of words (and every part's digest) stays the same.
    The word is searched for, not its edges substituted away: a pattern for the trailing punctuation
    tried every start in a run of punctuation inside a token, quadratic in its length (a run of
    100,000 dashes took minutes).
    """
    found = WORD.search(token)
    return _lowered(found[0]) if found else ""


def _lowered(word: str) -> str:
    """Lower-case a word as Pagefind does (`groß` stays), unless a capital follows a small letter.

    Pagefind splits such a word at its humps and indexes each part (`HoR`: `ho` and `hor`); the
    page of words must hold it so for every part to have those parts.
    """
    humped = any(first.islower() and second.isupper() for first, second in itertools.pairwise(word))
    return word if humped else word.lower()


@dataclass
class Tokens:
    """The date and distinct tokens of report pages by the pages' digests; tokens as numbers into one vocabulary.

    Kept in the build cache. With the pages' digests given by the build (PAGES_FILE), a warm survey
    reads no unchanged page at all: reading, hashing and tokenising 10,000 pages took 1.75 s.
    """

    vocabulary: list[str] = field(default_factory=list)
    pages: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)  # digest -> date, array("I"), bytes digest

    @cached_property
    def numbers(self) -> dict[str, int]:
        """Return each token's number."""
        return {token: number for number, token in enumerate(self.vocabulary)}

    def of(self, digest: str, read: Callable[[], bytes]) -> tuple[str, array[int]]:
        """Return a page's sort value and token numbers, reading it only if its digest is new."""
        found = array("I")
        if digest in self.pages:
            value, numbers, _ = self.pages[digest]
            found.frombytes(numbers)
            return value, found
        page = read()
        for token in set(page_tokens(page)):
            found.append(self.numbers.setdefault(token, len(self.vocabulary)))
            if found[-1] == len(self.vocabulary):
                self.vocabulary.append(token)
        self.pages[digest] = (sort_value(page), found.tobytes(), digest_bytes(page))
        return self.pages[digest][0], found

    def content(self, digest: str) -> str:
        """Return the digest of the bytes of the page surveyed under digest (the build's digest holds where it ran)."""
        return self.pages[digest][2]

    def kept(self, digests: set[str], words: int) -> Tokens:
        """Return the tokens of these pages only; none when the vocabulary has grown far beyond the words in use."""
        used = {digest: self.pages[digest] for digest in digests}
        return Tokens(self.vocabulary, used) if len(self.vocabulary) <= 3 * words + 1000 else Tokens()


def load_tokens(cache: Path | None) -> Tokens:
    """Return the tokens the last survey kept (none if absent, unreadable or made by other code)."""
    found = load_keyed(cache / TOKENS_FILE if cache else None, _code_stamp())
    return Tokens(*found) if isinstance(found, tuple) else Tokens()


def save_tokens(cache: Path | None, tokens: Tokens) -> None:
    """Keep the survey's tokens for the next build (a cache: failing to write it only costs time)."""
    if cache is not None:
        with contextlib.suppress(OSError):
            save_keyed(cache / TOKENS_FILE, _code_stamp(), (tokens.vocabulary, tokens.pages))


def _code_stamp() -> str:
    """Digest this module and pagetext's: how pages are tokenised."""
    return digest_bytes(Path(__file__).read_bytes(), Path(pagetext.__file__).read_bytes())


def survey(
    site: Path, pages: list[str], tokens: Tokens | None = None, given: Mapping[str, str] | None = None
) -> tuple[list[tuple[str, str]], set[str], dict[str, str]]:
    """Survey report pages (paths relative to site): their sort values, their words, their digests.

    given: the pages' digests as the build knows them (the same digest, the same bytes); a page
    without one is read and digested here.
    """
    tokens, given = tokens if tokens is not None else Tokens(), given or {}
    dated, numbers, digests = [], set(), {}
    for page in pages:
        text = b"" if page in given else (site / page).read_bytes()  # a Path only when read: 10,000 cost 0.2 s
        digests[page] = given.get(page) or digest_bytes(text)
        value, found = tokens.of(digests[page], lambda: text or (site / page).read_bytes())  # noqa: B023  # at once
        dated.append((value, page))
        numbers.update(found)  # folded once at the end: far fewer than tokens
    return dated, {fold(tokens.vocabulary[number]) for number in numbers} - {""}, digests


def load_given(listing: Path | None) -> dict[str, str]:
    """Return the report pages' digests the build wrote for this run ({} when there are none)."""
    return {str(page): str(digest) for page, digest in load_json_dict(listing).items()}


def vocabulary_path(glob: str, pages: Collection[str]) -> str:
    """Return where the page of words is staged: a path the glob matches that no report page has.

    A report titled "Sitrep vocabulary" under REPORT_SAVE_AS 'reports/{slug}/index.html' had it:
    the page of words was written through the report's link, over its page in the output.
    """
    paths = (glob.replace("*", f"{VOCABULARY}{number or ''}") for number in itertools.count())
    return next(path for path in paths if path not in pages)


def vocabulary_page(words: set[str], sample: bytes) -> str:
    """Return an undated page of all words, in the language of the sample page."""
    language = LANGUAGE.search(sample)
    lang = f' lang="{language[1].decode()}"' if language else ""
    text = " ".join(html.escape(word, quote=False) for word in sorted(words))  # words of text, not of HTML
    return f"<!doctype html><html{lang}><body><main data-pagefind-body>{text}</main></body></html>\n"


def deal(pages: list[tuple[str, str]], parts: int) -> list[list[str]]:
    """Deal (sort value, page) pairs to parts in turn by date, the oldest page to the last part.

    A page's rank in its part's date sort is then its overall rank divided by the number of
    parts, so a merged search ordered by those ranks (ties: part 0 first) is newest first.
    Pages without a date are left out of sorted results by Pagefind; they share no ranks.
    """
    ordered = sorted(pages)
    ranked = [page for value, page in ordered if value]
    unranked = [page for value, page in ordered if not value]
    return [ranked[parts - 1 - part :: parts] + unranked[part::parts] for part in range(parts)]


def part_folder(part: int) -> str:
    """Return the folder of a part inside the main bundle ('' for the main bundle itself)."""
    return f"part-{part}/" if part else ""


def parts_script(parts: int) -> str:
    """Return the script that tells the search page which bundles to merge into the main one."""
    folders = [part_folder(part) for part in range(1, parts)]
    return f"window.sitrepSearchParts = {json.dumps(folders)};  // merged in search.js\n"


def stage(site: Path, pages: list[str], folder: Path, vocabulary: tuple[str, str] | None = None) -> None:
    """Link pages into folder at their paths in site (so their URLs stay), in order, and the page of words if given.

    Made in the same order, the links are listed in the same order: Pagefind numbers pages so.
    """
    site = site.resolve()
    for page in pages:
        link = folder / page
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(site / page)
    if vocabulary is None:
        return
    path, text = vocabulary
    (folder / path).parent.mkdir(parents=True, exist_ok=True)
    (folder / path).write_text(text, encoding="utf-8")


def staging_folder() -> str:
    """Return the folder to stage a part's links in: RAM-backed if there is one, else the system's temporary folder."""
    return str(RAM_FOLDER) if RAM_FOLDER.is_dir() and os.access(RAM_FOLDER, os.W_OK) else tempfile.gettempdir()


def run_staged(run: Indexing, pages: list[str], bundle: Path, vocabulary: tuple[str, str] | None = None) -> str:
    """Stage pages (and the page of words, if given) and run Pagefind over them into bundle; return its failure."""
    where = staging_folder()
    clear_stale_stages(where)
    with tempfile.TemporaryDirectory(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=where) as folder:
        stage(run.site, pages, Path(folder), vocabulary)
        return run_pagefind(Path(folder), run.glob, bundle)


def clear_stale_stages(where: str) -> None:
    """Remove the staging folders of search runs that were killed (their process is gone): RAM is scarce."""
    for name in os.listdir(where):
        pid = name.removeprefix(STAGE_PREFIX).split("-", 1)[0]
        if name.startswith(STAGE_PREFIX) and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(os.path.join(where, name), ignore_errors=True)


def _running(pid: int) -> bool:
    """Say whether a process runs (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def pagefind_environment() -> dict[str, str]:
    """Return this process's environment without Pagefind's own settings (PAGEFIND_*)."""
    return {name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND_")}


def run_pagefind(site: Path, glob: str, bundle: Path) -> str:
    """Run Pagefind once and put its filters in order; return its last line of output if it failed, else ''."""
    # Pagefind reads settings from PAGEFIND_* variables and a pagefind.yml (.toml, .json) in the folder
    # it runs in: from the build's folder or shell they changed the index (PAGEFIND_FORCE_LANGUAGE=fr
    # renamed every file) or failed it. Run in the staged folder, which holds only pages, without them.
    command = pagefind_command(site.absolute(), glob, bundle.absolute())
    done = subprocess.run(command, capture_output=True, text=True, cwd=site, env=pagefind_environment())
    if done.returncode != 0:
        return (done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}").splitlines()[-1]
    try:
        canonical_filters(bundle)
    except (ValueError, KeyError, TypeError, cbor2.CBORError) as failure:  # a Pagefind other than the pinned one
        return f"unexpected Pagefind output in {bundle.name}: {failure}"
    return ""


def index_parts(run: Indexing, pages: list[str], parts: int, given: Mapping[str, str], kept: list[str]) -> str:
    """Index the pages in parts, one Pagefind run after another; return the first failure, else ''.

    A part whose pages and words are those of the same part of the bundle being updated (kept:
    its part digests) stays in place; one made from the same as a part of the previous bundle is
    linked from it. An edit re-indexes one part of a large site, unless it brings new words.
    """
    site, glob = run.site, run.glob
    tokens = load_tokens(run.cache)
    dated, words, digests = survey(site, pages, tokens, given)
    save_tokens(run.cache, tokens.kept(set(digests.values()), len(words)))
    vocabulary = (vocabulary_path(glob, set(pages)), vocabulary_page(words, (site / pages[0]).read_bytes()))
    shares = deal(dated, parts)
    contents = {page: tokens.content(digest) for page, digest in digests.items()}  # published: the same anywhere
    keys = [part_key(glob, "\n".join(vocabulary), share, contents, parts) for share in shares]
    known = part_keys(run.previous)
    for part, share in enumerate(shares):  # one Pagefind run at a time: beside the writers, two were slower
        made = _made_already(run, part, keys[part], kept, known)
        failed = "" if made else index_part(run, part, share, vocabulary, whole=bool(kept))
        if failed:
            return f"part {part + 1} of {parts}: {failed}"
        print(part + 1, parts, flush=True)  # for the build's progress lines (follow_parts)
    drop_parts(site / BUNDLE, parts)
    (site / BUNDLE / KEYS_FILE).write_text(json.dumps(keys) + "\n", encoding="utf-8")
    return ""


def index_part(run: Indexing, part: int, share: list[str], vocabulary: tuple[str, str], whole: bool) -> str:
    """Index one part's pages and the page of words into the part's folder; return Pagefind's failure, else ''.

    The files Pagefind names by their content are left in place, and the last build's are linked:
    Pagefind skips writing (and compressing) those present, about 250 page fragments at 1,000 reports.
    The ones its new index does not list are removed after.
    whole: the bundle being updated was finished by its run (it has its part digests); a run stopped
    half-way may have left a file cut short under its final name, so none of its files is kept.
    """
    bundle = run.site / BUNDLE
    clear_part(bundle, part, keep_named_by_content=whole)  # Pagefind writes its other files in place: links must go
    if run.previous is not None:
        reuse_part(run.previous, bundle, part, by_content=True)
    failed = _run_part(run, part, share, vocabulary)
    if failed or drop_unlisted(bundle, part):
        return failed
    clear_part(bundle, part)  # an index this code cannot read: make the part afresh
    return _run_part(run, part, share, vocabulary)


def _run_part(run: Indexing, part: int, share: list[str], vocabulary: tuple[str, str]) -> str:
    """Stage a part's pages and run Pagefind over them into the part's folder; return its failure, else ''."""
    return run_staged(run, share, run.site / BUNDLE / part_folder(part), vocabulary)


def _made_already(run: Indexing, part: int, key: str, kept: list[str], known: list[str]) -> bool:
    """Keep a part in place, or link it from the previous bundle, when it was made from the same.

    kept, known: the part digests of the bundle being updated (the spare's) and of the previous bundle.
    """
    if part < len(kept) and kept[part] == key:
        return True  # the spare's part, made two builds ago from the same pages and words
    if run.previous is not None and part < len(known) and known[part] == key:
        clear_part(run.site / BUNDLE, part)
        reuse_part(run.previous, run.site / BUNDLE, part)
        return True
    return False


def part_key(glob: str, vocabulary: str, share: list[str], digests: dict[str, str], parts: int) -> str:
    """Digest what a part's bundle is made from: Pagefind's version, the pages and the words."""
    made = hashlib.blake2b(f"{pagefind_version()}\n{glob}\n{parts}\n{vocabulary}".encode(), digest_size=16)
    for page in share:
        made.update(f"\n{page} {digests[page]}".encode())
    return made.hexdigest()


@cache
def pagefind_version() -> str:
    """Return the installed Pagefind's version and its binary's (a new one rebuilds every part).

    `pagefind_bin`, which holds the binary run (pagefind_executable), can be upgraded on its own:
    parts indexed by the old one were kept.
    """
    return " ".join(installed_version(name) or "unknown" for name in ("pagefind", "pagefind-bin"))


def part_keys(bundle: Path | None) -> list[str]:
    """Return the part digests a bundle was made from ([] when there are none)."""
    try:
        found = json.loads((bundle / KEYS_FILE).read_text(encoding="utf-8")) if bundle else []
    except (OSError, ValueError):
        return []
    return [str(key) for key in found] if isinstance(found, list) else []


def reuse_part(previous: Path, bundle: Path, part: int, by_content: bool = False) -> None:
    """Hard-link a part's files from the previous bundle (by_content: only those named by content, where absent)."""
    source, target = previous / part_folder(part), bundle / part_folder(part)
    for name in part_files(previous, part, by_content):
        link_file(source / name, target / name, replace=not by_content)  # one name by content, one content


def part_files(bundle: Path, part: int, by_content: bool = False) -> list[str]:
    """Return a part's files by their path in its folder (by_content: only those Pagefind names by their content)."""
    tops = [top for top in part_tops(bundle, part) if not by_content or named_by_content(top.name)]
    return [name for top in tops for name in (_files_in(top) if top.is_dir() else [top.name])]


def _files_in(top: Path) -> list[str]:
    """Return the files under a folder at the top of a part, by their path in the part's folder."""
    return [name for name, _ in walk_files(top, f"{top.name}/")]


def part_tops(bundle: Path, part: int) -> list[Path]:
    """Return the files and folders at the top of a part (part 0: the bundle's own, not the other parts' nor ours)."""
    folder = bundle / part_folder(part)
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if part or not (path.name.startswith("part-") or path.name in OURS))


def clear_part(bundle: Path, part: int, keep_named_by_content: bool = False) -> None:
    """Remove a part's files from the bundle before it is made again (never written into: links share them).

    keep_named_by_content: leave the files Pagefind names by their content; it never writes into those.
    """
    for top in part_tops(bundle, part):
        if keep_named_by_content and named_by_content(top.name):
            continue
        if top.is_dir():
            shutil.rmtree(top)
        else:
            top.unlink()


def named_by_content(top: str) -> bool:
    """Return True for a part's top-level entries whose files Pagefind names by their content."""
    return top in BY_CONTENT or top.endswith(".pf_meta")


def drop_unlisted(bundle: Path, part: int) -> bool:
    """Remove the files named by content that a part's new index does not list; False if it cannot be read."""
    folder = bundle / part_folder(part)
    listed = listed_files(folder)
    if listed is None:
        return False
    for name in part_files(bundle, part, by_content=True):
        if name not in listed:
            (folder / name).unlink()
    return True


def listed_files(folder: Path) -> set[str] | None:
    """Return the files named by content that a Pagefind bundle's entry and indexes list; None if unreadable."""
    try:
        entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
        metas = [f"pagefind.{language['hash']}.pf_meta" for language in entry["languages"].values()]
        return {*metas, *(name for meta in metas for name in meta_files(folder / meta))}
    except (OSError, ValueError, KeyError, TypeError, IndexError, cbor2.CBORError):
        return None


def meta_files(path: Path) -> list[str]:
    """Return the fragments, word index chunks and filters a Pagefind metadata index lists.

    It is gzipped CBOR after a mark: [version, pages [[hash, words]], chunks [[from, to, hash]],
    filters [[name, hash]], ...] (Pagefind 1.x; its version is in every part's digest).
    """
    _, pages, chunks, filters, *_ = read_index(path)
    return [
        *(f"fragment/{page[0]}.pf_fragment" for page in pages),
        *(f"index/{chunk[2]}.pf_index" for chunk in chunks),
        *(f"filter/{found[1]}.pf_filter" for found in filters),
    ]


def read_index(path: Path) -> list[object]:
    """Decode one of Pagefind's indexes (metadata, filters): gzipped CBOR after a mark."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(PAGEFIND_MARK):
        raise ValueError(f"{path.name}: not a Pagefind index")
    found = cbor2.loads(data[len(PAGEFIND_MARK) :])
    if not isinstance(found, list):
        raise ValueError(f"{path.name}: not a Pagefind index")
    return found


def write_index(folder: Path, pattern: str, language: str, value: object, digits: int) -> str:
    """Write value as Pagefind writes an index, at pattern.format(name) named by its bytes; return the name.

    A file so named already holds these bytes (Pagefind makes the same bet), and may be a link
    shared with the live output: it is never written into.
    """
    data = PAGEFIND_MARK + cbor2.dumps(value)
    name = f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"
    path = folder / pattern.format(name)
    if not path.exists():
        path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return name


def canonical_filters(bundle: Path) -> None:
    """Put each filter's values in order, as HTML, and name the filter and metadata indexes by their bytes.

    Pagefind writes a filter's values in hash-map order, different on every run: the same pages
    gave other filter files, and other names in the indexes and entry file that list them.
    Run once on each Pagefind run's bundle: its values are Pagefind's text (see _canonical_filter).
    """
    entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        language["hash"] = _canonical_meta(bundle, str(language["hash"]))
    (bundle / ENTRY).unlink()  # Pagefind's own, but never write into a file
    (bundle / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _canonical_meta(bundle: Path, made: str) -> str:
    """Rewrite one language's metadata index with its filters in order; return its new name."""
    code, path = made.rsplit("_", 1)[0], bundle / f"pagefind.{made}.pf_meta"
    version, pages, chunks, filters, *rest = read_index(path)
    ordered = sorted([name, _canonical_filter(bundle, code, str(hashed))] for name, hashed in filters)  # type: ignore[attr-defined]
    renamed = write_index(bundle, "pagefind.{}.pf_meta", code, [version, pages, chunks, ordered, *rest], 10)
    if renamed != made:
        path.unlink()
    return renamed


def _canonical_filter(bundle: Path, language: str, made: str) -> str:
    """Rewrite one filter index with its values as HTML, in order; return its new name.

    Pagefind's UI puts a filter's values into the page as HTML (Pagefind 1.5): an actor named
    `<img src=x onerror=...>` ran its script on the search page. Escaped, each shows as its text;
    the UI filters by the value as the index holds it, so filtering still matches.
    """
    path = bundle / "filter" / f"{made}.pf_filter"
    name, values = read_index(path)
    escaped = sorted([html.escape(str(value), quote=False), pages] for value, pages in values)  # type: ignore[attr-defined]
    ordered = write_index(bundle, "filter/{}.pf_filter", language, [name, escaped], 7)
    if ordered != made:
        path.unlink()
    return ordered


def drop_parts(bundle: Path, parts: int) -> None:
    """Remove the folders of parts beyond the first `parts` (the site had more parts when the bundle was made)."""
    wanted = {part_folder(part).rstrip("/") for part in range(1, parts)}
    for folder in bundle.glob("part-*"):
        if folder.name not in wanted:
            shutil.rmtree(folder)


def take_keys(bundle: Path) -> list[str]:
    """Return the part digests of the bundle being updated, and remove them from it until it is whole again.

    A run stopped half-way then leaves no part claimed as made.
    """
    kept = part_keys(bundle)
    for name in OURS:
        with contextlib.suppress(FileNotFoundError):
            (bundle / name).unlink()
    return kept


def index_site(run: Indexing) -> str:
    """Index the report pages of a site, in as many parts as their size needs; return a failure, else ''."""
    site, glob, given = run.site, run.glob, load_given(run.listing)
    found = (path.relative_to(site).as_posix() for path in site.glob(glob) if path.is_file())
    pages = sorted(given) or sorted(found)  # in the file system's order, Pagefind numbered them otherwise
    if not pages:
        return index_nothing(run)
    size = sum(os.stat(os.path.join(site, page)).st_size for page in pages)  # strings: pathlib costs 0.2 s at 10k
    parts = part_count(size, len(pages), run.part_bytes)
    kept = take_keys(site / BUNDLE)  # the spare's bundle, updated in place: unchanged parts stay
    if parts == 1:
        shutil.rmtree(site / BUNDLE, ignore_errors=True)
        failed = index_whole(run, pages)
    else:
        failed = index_parts(run, pages, parts, given, kept)
    if not failed:
        (site / BUNDLE / PARTS_SCRIPT).write_text(parts_script(parts), encoding="utf-8")
    return failed


def index_whole(run: Indexing, pages: list[str]) -> str:
    """Index a small site's pages in one Pagefind run, staged in order like a part's; return its failure, else ''.

    Pagefind numbers pages in the order it finds them, which in the site is the file system's
    directory order: a warm build (folders made at other times) and a cold one differed. No page
    of words: with one bundle nothing is merged, and an extra undated page would be a result.
    """
    return run_staged(run, pages, run.site / BUNDLE)


def index_nothing(run: Indexing) -> str:
    """Index a site with no report pages yet: no bundle (Pagefind fails on nothing; the search page says so)."""
    shutil.rmtree(run.site / BUNDLE, ignore_errors=True)
    return ""


def part_count(size: int, pages: int, part_bytes: int) -> int:
    """Return how many parts to index size bytes of report pages in.

    An edit without a new word re-indexes one part (size / parts bytes) and a search loads every
    part, so parts grow as the square root of the size (4 at 1,000 reports, 11 at 10,000); never
    more than part_bytes each, for Pagefind's memory.
    """
    balanced = math.ceil(math.sqrt(size / PART_UNIT))
    return max(1, min(pages, max(balanced, math.ceil(size / part_bytes))))


def main(argv: list[str]) -> int:
    """Index a site: `python -m sitrep.search SITE GLOB PREVIOUS CACHE LISTING PART_BYTES` (Indexing.arguments).

    With AHEAD, read those arguments as a JSON line from stdin; end quietly if none come.
    """
    if argv == [AHEAD]:
        pagefind_version(), pagefind_executable()  # looked up while the build renders, not after (0.03 s)
        line = sys.stdin.readline()
        if not line:
            return 0  # no run after all: the bundle was reused, or the build failed
        argv = json.loads(line)
    try:
        failed = index_site(Indexing.parse(argv))
    except OSError as failure:
        failed = str(failure)
    if failed:
        print(failed, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
