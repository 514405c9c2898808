"""The build cache: canonical digests of inputs, the report cache and the manifest of written files.

A report is re-read only when its digest (file bytes, git history, settings, registry, code) changes;
a page is re-rendered only when the digest of everything its template is given changes, otherwise
the previous build's file is hard-linked. Nothing here imports Pelican.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import pickle
import platform
import re
import shutil
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple, TypeVar

from .cores import on_every_core

if TYPE_CHECKING:
    from jinja2 import FileSystemBytecodeCache

    from .reports import Read

FORMAT = 1  # bump when the shape of what is stored changes
READS_FILE = "reports.pickle"
MANIFEST_FILE = "manifest.json"
RELATED_FILE = "related.pickle"  # related reports by number, under a digest of what they are computed from
SOURCES_FILE = "sources.json"  # each content file's stamp and digest: unchanged files are not read to learn so
SPARE = "spare"  # the output before last, kept in the cache folder: the next build updates it instead of starting empty
SPARE_MANIFEST = "spare.json"  # what the spare holds: the manifest of the build that made it
TEMPLATES = "jinja-"  # compiled templates, in a folder named by what they are compiled under
CODE_DIR = Path(__file__).resolve().parent
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_SCALARS = (int, float, bool, type(None))
DIGEST_PARALLEL_FROM = 2000  # content files to read: fewer are digested sooner than a worker process starts
DIGEST_UP_TO = 64 * 2**20  # bytes: a bigger file is known by its stamp alone (a 5 GB file was read whole)

Substitute = Callable[[object], object]  # returns what to digest instead of a value, or None


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """Return a dataclass's field names, None for other types (asked once a type: 0.7 s at 10,000 reports)."""
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None


def digest_bytes(*parts: bytes | str) -> str:
    """Return a short hex digest of length-prefixed parts (so ('ab', 'c') differs from ('a', 'bc'))."""
    made = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part  # file names may be any bytes
        made.update(b"%d:" % len(data))
        made.update(data)
    return made.hexdigest()


class Fingerprints:
    """Digest values canonically: dataclasses by field, sets sorted, objects by repr without addresses.

    Compound values are remembered by identity (and kept alive), so shared ones are digested once.
    """

    def __init__(self, substitute: Substitute | None = None) -> None:
        self.substitute = substitute
        self.memo: dict[int, tuple[object, bytes]] = {}  # id -> (the value, kept alive; its framed bytes)
        self.texts: dict[str, bytes] = {}  # the same names and URLs recur on every page

    def of(self, value: object) -> str:
        """Return the hex digest of a value."""
        return hashlib.blake2b(self._bytes(value), digest_size=16).hexdigest()

    def _bytes(self, value: object) -> bytes:
        """Return one value's length-prefixed bytes, as a digest takes them."""
        if isinstance(value, str):  # Markup too: equal texts, equal bytes
            framed = self.texts.get(value)
            if framed is None:
                framed = self.texts[value] = _framed(b"s" + value.encode())
            return framed
        hit = self.memo.get(id(value))
        if hit is not None:
            return hit[1]
        if isinstance(value, _SCALARS) or type(value).__module__ == "datetime":
            return _framed(b"r" + repr(value).encode())
        return self._compound(value)

    def _compound(self, value: object) -> bytes:
        """Return the framed digest of a container, dataclass or other object, and remember it for the object."""
        parts = b"".join([self._bytes(part) for part in self._parts(value)])
        made = hashlib.blake2b(type(value).__qualname__.encode() + parts, digest_size=16).digest()
        self.memo[id(value)] = (value, _framed(b"c" + made))
        return self.memo[id(value)][1]

    def _parts(self, value: object) -> Iterable[object]:
        """Return what a compound value is made of, in a stable order."""
        instead = self.substitute(value) if self.substitute else None
        if instead is not None:  # a function stands for its closure and globals, which may hold it: no recursion
            self.memo[id(value)] = (value, _framed(b"cycle"))
            return (instead,)
        names = _field_names(type(value))  # a dataclass instance (not class: its type is type)
        if names is not None:
            return [part for name in names for part in (name, getattr(value, name))]
        if isinstance(value, Mapping):
            return [part for item in value.items() for part in item]
        if isinstance(value, list | tuple):
            return value
        if isinstance(value, set | frozenset):
            return sorted(self.of(item) for item in value)
        return (_ADDRESS.sub("", repr(value)),)


def by_code(value: object) -> object:
    """Stand for a function by what it does, and for compiled code by what it runs (None for other values).

    A function's repr is only its name: a Jinja filter in the settings (JINJA_FILTERS) edited to do
    something else left every page that uses it as it was ("nothing changed"). Sitrep's own functions
    need none of this: its code is digested whole (code_digest).
    """
    if isinstance(value, types.FunctionType):
        return _function_parts(value)
    if isinstance(value, types.CodeType):
        return _code_parts(value)
    return None


def _function_parts(function: types.FunctionType) -> tuple[object, ...]:
    """Return what a function does: its code, defaults, the values it closes over and the globals it names."""
    names = _code_names(function.__code__)
    used = {name: value for name, value in function.__globals__.items() if name in names}
    cells = tuple(_cell_contents(cell) for cell in function.__closure__ or ())
    kept = {name: value for name, value in sorted(used.items()) if not isinstance(value, types.ModuleType)}
    return (function.__qualname__, function.__code__, function.__defaults__, function.__kwdefaults__, cells, kept)


def _code_parts(code: types.CodeType) -> tuple[object, ...]:
    """Return what compiled code does: its bytecode, constants and names (not its file and lines: where it is)."""
    return (code.co_code, code.co_consts, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars)


def _code_names(code: types.CodeType) -> set[str]:
    """Return the global names code and the code nested in it use."""
    nested = (const for const in code.co_consts if isinstance(const, types.CodeType))
    return set(code.co_names).union(*(_code_names(inner) for inner in nested))


def _cell_contents(cell: types.CellType) -> object:
    """Return the value a closure cell holds (None while it holds none)."""
    try:
        return cell.cell_contents
    except ValueError:  # not assigned yet
        return None


def _framed(data: bytes) -> bytes:
    """Prefix data with its length, so that ('ab', 'c') and ('a', 'bc') differ."""
    return b"%d:%b" % (len(data), data)


def code_digest(extra: Iterable[Path] = ()) -> str:
    """Digest Sitrep's own code and the given files or folders (a theme): a change invalidates the cache."""
    return digest_bytes(_own_code(), *(part for path in extra for part in _named_bytes(path, _files(path))))


@functools.cache
def _own_code() -> str:
    """Digest Sitrep's modules, data and library versions (once a process: they are loaded already)."""
    files = sorted(CODE_DIR.rglob("*.py")) + sorted((CODE_DIR / "data").rglob("*"))
    return digest_bytes(str(FORMAT), versions(), *_named_bytes(CODE_DIR, files))


def _files(path: Path) -> list[Path]:
    """List a folder's files in order, or the file itself."""
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def _named_bytes(root: Path, files: Iterable[Path]) -> Iterable[bytes | str]:
    """Give each file's path from root and its bytes, for a digest: where a checkout lies does not count.

    Absolute paths made the search bundle's part digests (`pagefind/parts.json`) differ between two
    checkouts of the same site.
    """
    return (part for f in files for part in (f.relative_to(root).as_posix() if f != root else f.name, f.read_bytes()))


VOLATILE = (
    "PATH",
    "OUTPUT_PATH",
    "SITREP_CACHE_PATH",
    "SITREP_PREVIOUS_OUTPUT",
    "SITREP_SPARE",
)  # where, not what, is built
DEPENDENCIES = (  # a new version of any of these may change the output: every page is made again
    *("pelican", "jinja2", "markdown-it-py", "mdit-py-plugins", "mdurl", "pyyaml", "markupsafe"),
    "unidecode",  # slugs: every entity's and report's URL
    "tzdata",  # local dates and times in TIMEZONE where the system has no time zone database
    "cbor2",  # writes the search bundle's filter and metadata indexes
    *("pagefind", "pagefind-bin"),  # the wrapper and the binary that indexes (upgraded apart, they differ)
)


def settings_digest(settings: Mapping[str, object]) -> str:
    """Digest the settings that shape the output (not the folders the build reads from and writes to)."""
    return Fingerprints(by_code).of({k: v for k, v in sorted(settings.items()) if k not in VOLATILE})


def versions() -> str:
    """Return the versions of Python (its Unicode tables fold names) and of the libraries that shape the output."""
    found = [(name, installed_version(name)) for name in DEPENDENCIES]
    named = [f"{name}=={version}" if version else f"{name} missing" for name, version in found]
    return " ".join([f"python=={platform.python_version()}", *named])


def installed_version(name: str) -> str | None:
    """Return an installed distribution's version (None when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def source_digests(
    content: Path, known: Mapping[str, list[object]], output: Path | None = None
) -> dict[str, list[object]]:
    """Digest every file under the content folder, by relative path; a file whose stamp is known is not read.

    output: the site's folder, left out with its cache and build folders if it is inside the content
    (`--content . --output output`): the site a build writes is not what it reads.

    The stamp is (inode, size, mtime, ctime): an edit, a rename over it or a checkout changes it,
    and ctime cannot be set back. At 10,000 reports this spares reading every file to learn that
    nothing changed.
    """
    found, unread = {}, []
    for name, entry in walk_files(content, skip=_built_by(output) if output else None, dangling=True):
        stamp = source_stamp(_stat(entry))
        old = known.get(name)
        same = isinstance(old, list) and len(old) == 2 and old[0] == stamp
        found[name] = [stamp, old[1] if same else None]  # type: ignore[index]
        if not same:
            unread.append((name, entry.path))
    for name, digest in digest_files(unread):
        found[name][1] = digest
    return found


def _stat(entry: os.DirEntry[str]) -> os.stat_result:
    """Return a file's stat, or a link's own when it leads nowhere (its stamp still tells when it changes)."""
    try:
        return entry.stat()
    except OSError:
        return entry.stat(follow_symlinks=False)


def digest_files(files: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Digest (name, path) files, on every core when there are many (a first build: 0.5-0.9 → 0.33 s at 10,000)."""
    shares = on_every_core(functools.partial(_digest_share, files), len(files), DIGEST_PARALLEL_FROM)
    return [pair for share in shares for pair in share]


def _digest_share(files: list[tuple[str, str]], share: int, shares: int) -> list[tuple[str, str]]:
    """Digest every shares-th file, starting at share."""
    return [(name, _file_digest(path)) for name, path in files[share::shares]]


def _file_digest(path: str) -> str:
    """Digest a file's bytes; one that cannot be read gets a mark instead, and reading it later reports why."""
    try:
        info = os.stat(path)
        if info.st_size > DIGEST_UP_TO:  # no report nor registry file: reading it later says it is too big
            return f"too big: {source_stamp(info)}"
        return digest_bytes(Path(path).read_bytes())
    except OSError as failure:
        return f"unreadable: {failure.strerror or failure}"


def source_stamp(info: os.stat_result) -> list[int]:
    """Return a content file's stamp, as recorded in SOURCES_FILE: inode, size, mtime and ctime."""
    return [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _built_by(output: Path) -> Callable[[str], bool]:
    """Return a test for the folders a build of output writes: the output, its build cache, its build folders."""
    parent, name = str(output.resolve().parent), output.name

    def built(path: str) -> bool:
        folder, base = os.path.split(os.path.abspath(path))
        return folder == parent and (base in (name, f".{name}.cache") or base.startswith(f".{name}.build-"))

    return built


def walk_files(
    folder: str | Path,
    prefix: str = "",
    above: frozenset[tuple[int, int]] = frozenset(),
    skip: Callable[[str], bool] | None = None,
    dangling: bool = False,
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Yield every file under folder with prefix and its path relative to it, in path order (parts compared).

    Links are followed, as the reports folder itself may be one (its files must count in the content's
    digest as they do when read); a link back to a folder above, or one in a loop, is skipped.
    above: the folders this one is inside, by (device, inode); skip: a test for folders to leave out, by path;
    dangling: yield links to nothing too (content: a report whose link broke must not leave without a word).
    """
    above = above or frozenset({_identity(os.stat(folder))})
    stack = [(_entries(folder), prefix, above)]  # not recursion: 1,000 nested folders in the content raised
    while stack:
        entries, prefix, above = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        try:
            inside = _identity(entry.stat()) if entry.is_dir() else None
            is_file = inside is None and entry.is_file()
        except OSError:  # a link in a loop: a link to nothing
            inside, is_file = None, False
        if inside is not None and inside not in above and not (skip and skip(entry.path)):
            stack.append((_entries(entry.path), f"{prefix}{entry.name}/", above | {inside}))
        elif is_file or (dangling and inside is None and entry.is_symlink() and not os.path.exists(entry.path)):
            yield f"{prefix}{entry.name}", entry


def _entries(folder: str | Path) -> Iterator[os.DirEntry[str]]:
    """Return a folder's entries in name order."""
    return iter(sorted(os.scandir(folder), key=lambda found: found.name))


def _identity(stat: os.stat_result) -> tuple[int, int]:
    """Return what tells one folder from another, whatever path leads to it."""
    return stat.st_dev, stat.st_ino


def load_json_dict(path: Path | None) -> dict[str, object]:
    """Return the JSON object in path ({} when there is none, or it is unreadable or not an object)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def load_sources(folder: Path | None) -> dict[str, list[object]]:
    """Return the content files' stamps and digests recorded by the last build ({} when there are none)."""
    return load_json_dict(folder / SOURCES_FILE if folder else None)  # type: ignore[return-value]


def save_sources(folder: Path, sources: Mapping[str, list[object]]) -> None:
    """Record the content files' stamps and digests for the next build."""
    save_json(folder / SOURCES_FILE, sources)


def inputs_digest(
    sources: Mapping[str, list[object]], settings: Mapping[str, object], theme: list[Path], commit: str
) -> str:
    """Digest everything a build reads: content (source_digests), settings, theme, code, git history, environment.

    theme: the theme's folder and the other files it is read from (pipeline.theme_paths).
    commit: the git commit checked out, and where a shallow clone's history stops (history.history_state).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    content = digest_bytes(*(part for name, (_, digest) in sorted(sources.items()) for part in (name, str(digest))))
    return digest_bytes(content, settings_digest(settings), code_digest(theme), commit, epoch)


T = TypeVar("T")


def load_keyed(path: Path | None, key: str) -> object | None:
    """Return the value pickled in path under key; None if absent, unreadable or kept under another key.

    The key comes first in the file, so a value kept under another key is never unpickled (loading
    the report cache of other code only to drop it left some 300 MB of fragmented memory at 10k).
    A damaged file can make unpickling raise almost anything (a huge length read as MemoryError or
    OverflowError, an index out of range); a cache is only ever a shortcut, so any failure is a miss.
    """
    try:
        with path.open("rb") as stream:  # type: ignore[union-attr]
            return pickle.load(stream) if pickle.load(stream) == key else None
    except Exception:  # see above: every failure to unpickle is a cache miss
        return None


def save_keyed(path: Path, key: str, value: object) -> None:
    """Pickle value in path under key (streamed, whole or not at all)."""

    def dump(stream: BinaryIO) -> None:
        pickle.dump(key, stream, pickle.HIGHEST_PROTOCOL)
        pickle.dump(value, stream, pickle.HIGHEST_PROTOCOL)

    write_whole(path, dump)


def remembered(folder: Path | None, name: str, key: str, make: Callable[[], T]) -> T:
    """Return the value kept in folder/name under key, or make it and keep it there (failing only costs time)."""
    path = folder / name if folder is not None else None
    found = load_keyed(path, key)
    if found is not None:
        return found  # type: ignore[return-value]
    value = make()
    if path is not None:
        with contextlib.suppress(OSError):
            save_keyed(path, key, value)
    return value


def load_reads(folder: Path | None, base: str) -> dict[str, Read]:
    """Return the reads cached under base (code, config and registry); an absent, other or unreadable cache is empty."""
    found = load_keyed(folder / READS_FILE if folder else None, base)
    return found if isinstance(found, dict) else {}


def save_reads(folder: Path, base: str, reads: Mapping[str, Read]) -> None:
    """Store this build's reads under their base (only these: the cache never grows stale entries)."""
    save_keyed(folder / READS_FILE, base, dict(reads))


class Stamp(NamedTuple):
    """What identifies a written file on disk: a changed or replaced file is never reused.

    A named tuple: a manifest holds one per output file (27,000 at 10,000 reports), made in 0.02 s, not 0.05.
    """

    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path | str) -> Stamp | None:
        """Return the file's stamp, or None when it is missing."""
        try:
            found = os.stat(path)
        except OSError:
            return None
        return cls(found.st_ino, found.st_size, found.st_mtime_ns)


@dataclass(frozen=True)
class Manifest:
    """What the last successful build wrote: each file's digest and stamp, and its inputs' fingerprint."""

    inputs: str = ""
    files: Mapping[str, tuple[str, Stamp]] = dataclasses.field(default_factory=dict)
    counts: Mapping[str, int] = dataclasses.field(default_factory=dict)  # what the build wrote, for its summary
    warnings: tuple[str, ...] = ()  # repeated when nothing changed, so they are never silently lost

    def reusable(self, save_as: str, digest: str, output: Path | str) -> bool:
        """Return True when the file in output is the one built from the same digest."""
        known = self.files.get(save_as)
        return known is not None and known[0] == digest and Stamp.of(f"{output}/{save_as}") == known[1]

    def intact(self, output: Path) -> bool:
        """Return True when every recorded file is still in output, unchanged."""
        files = self.files.items()
        return bool(self.files) and all(Stamp.of(f"{output}/{name}") == stamp for name, (_, stamp) in files)


def load_manifest(folder: Path | None, name: str = MANIFEST_FILE) -> Manifest:
    """Return the last build's manifest (or the spare's), or an empty one."""
    try:
        data = json.loads((folder / name).read_text(encoding="utf-8")) if folder else {}
        files = {name: (digest, Stamp._make(stamp)) for name, (digest, stamp) in data.get("files", {}).items()}
        if data.get("format") != FORMAT:
            return Manifest()
        return Manifest(data["inputs"], files, dict(data["counts"]), tuple(data["warnings"]))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):  # AttributeError: JSON but no object
        return Manifest()


def save_manifest(
    folder: Path, output: Path, done: Manifest, digests: Mapping[str, str], known: Mapping[str, Stamp] | None = None
) -> None:
    """Record the files now in output with their digests (files that vanished are left out).

    known: stamps taken in the build folder before it was renamed into output (a rename keeps them).
    """
    files, known = {}, known or {}
    for name, digest in sorted(digests.items()):
        stamp = known.get(name) or Stamp.of(f"{output}/{name}")
        if stamp is not None:
            files[name] = [digest, [stamp.inode, stamp.size, stamp.mtime_ns]]  # astuple: 1 s at 10k
    record = {"format": FORMAT, "inputs": done.inputs, "counts": done.counts, "warnings": done.warnings}
    save_json(folder / MANIFEST_FILE, {**record, "files": files})


def stamps(output: Path, names: Iterable[str]) -> dict[str, Stamp]:
    """Return the stamps of the named files in output that exist."""
    found = {name: Stamp.of(f"{output}/{name}") for name in names}
    return {name: stamp for name, stamp in found.items() if stamp is not None}


def write_whole(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file whole or not at all, never in place (streamed: the report cache can be hundreds of MB).

    Never in place matters in the output too: older builds may share a file there through a hard link.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with partial.open("wb") as stream:
        write(stream)
    os.replace(partial, path)


def save_json(path: Path, data: object) -> None:
    """Write a cache file's JSON whole, keys sorted (no indent: the C encoder, 4x faster on the manifest at 10k)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    write_whole(path, lambda stream: stream.write(text.encode()))


def template_cache(cache: Path, base: str) -> FileSystemBytecodeCache | None:
    """Return a store of compiled templates for this theme, code and settings (base), dropping older ones.

    Compiling the theme took 0.13 s in every process that renders. Jinja checks each template's
    source; the folder's name covers what it does not (its settings, filters and version).
    """
    from jinja2 import FileSystemBytecodeCache  # here: the search process imports this module, not Jinja

    folder = cache / f"{TEMPLATES}{base[:16]}"
    try:
        for old in cache.glob(f"{TEMPLATES}*"):
            if old != folder:
                shutil.rmtree(old)
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a cache: without it templates are compiled again
        return None
    return FileSystemBytecodeCache(str(folder))


def link_file(source: Path, target: Path, replace: bool = True) -> None:
    """Hard-link an unchanged file from the previous output, in place of any older one (copy across file systems).

    replace=False: keep a file already at target.
    """
    try:
        os.link(source, target)
    except FileNotFoundError:  # its folder is not made yet
        os.makedirs(target.parent, exist_ok=True)
        os.link(source, target)
    except FileExistsError:  # an older version in the spare being updated
        if replace:
            os.unlink(target)
            os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
