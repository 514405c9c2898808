"""Pelican adapter: read the content in generate_context, write pages in generate_output."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import resource
import shutil
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from blinker import signal
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from pelican import Pelican
from pelican.generators import Generator
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import get_relative_path, path_to_url

from . import pipeline
from . import settings as sitrep_settings
from .cache import (
    SPARE_MANIFEST,
    Fingerprints,
    Stamp,
    code_digest,
    digest_bytes,
    link_file,
    load_json_dict,
    load_manifest,
    load_sources,
    save_json,
    save_reads,
    settings_digest,
    stamps,
    template_cache,
    walk_files,
)
from .cores import in_parallel, on_every_core, usable_cores
from .feeds import Entry
from .model import Report
from .moves import URLS_FILE
from .pages import Page, data_digests, page_digests, page_fingerprints
from .problems import ContentError, Problem
from .progress import Progress, plural
from .search import (
    BUNDLE,
    PAGES_FILE,
    Indexing,
    cancel_index,
    finish_index,
    fixed_folder,
    report_glob,
    spawn_index,
    start_index,
)
from .site import ReadCache
from .templating import FILTERS

log = logging.getLogger(__name__)
if hasattr(log, "disable_filter"):  # Pelican's logger class drops repeated messages process-wide
    log.disable_filter()

site_written = signal("sitrep-site-written")
PARALLEL_FROM = 400  # pages; fewer render faster in one process than forking workers
ROOT_MARK = "\x00sitrep-root\x00"  # SITEURL in shared fragments: no template or escaping changes it
LEVEL_MARK = "\x00sitrep-level\x00"  # a shared fragment's heading level: each page lists reports at its own
SHARED_PARTIALS = ("partials/report_item.html", "partials/timeline_entry.html")  # every report's, on many pages


@dataclass(frozen=True)
class Written:
    """What a build wrote, for the closing summary."""

    reports: int
    drafts: int
    pages: int
    feeds: int
    reused: int = 0  # pages linked from the previous build, not rendered
    digests: Mapping[str, str] = field(default_factory=dict)  # save_as -> digest, for the next build
    stamps: Mapping[str, Stamp] = field(default_factory=dict)  # of those files, taken while Pagefind runs


def _peak_mb() -> int:
    """Return the peak memory of this process or its largest finished worker, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024


def report_pages(settings: Mapping[str, object]) -> str:
    """Return the glob of the report pages (what Pagefind indexes), from REPORT_SAVE_AS."""
    return report_glob(str(settings.get("REPORT_SAVE_AS") or sitrep_settings.DEFAULTS["REPORT_SAVE_AS"]))


def own_settings(settings: Mapping[str, object]) -> dict[str, object]:
    """Drop values that are only Pelican's defaults (its CATEGORY_URL is for its articles, not ours)."""
    return {k: v for k, v in settings.items() if k not in DEFAULT_CONFIG or DEFAULT_CONFIG[k] != v}


@contextlib.contextmanager
def _frozen_once_read() -> Iterator[None]:
    """Pause the cycle collector while the model is read, then freeze it (build.build unfreezes it at the end).

    The model is millions of long-lived objects that every full collection walked: 11 of them took
    1.5 s of a warm build at 10,000 reports. Frozen, later collections (the writers' too) skip it.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def report_problems(problems: list[Problem]) -> None:
    """Log every problem as one line, at its severity."""
    for problem in problems:
        log.log(logging.ERROR if problem.is_error else logging.WARNING, "%s", problem.format())


class SitrepGenerator(Generator):
    """Build the Sitrep site: all reading first, all writing after."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.env.filters.update(FILTERS)
        # The theme escapes nothing itself: without this (Jinja's default, and Pelican's), a report titled
        # "<script>..." ran on every page that lists it. No JINJA_ENVIRONMENT may turn it off.
        self.env.autoescape = True
        self.env.globals["fragment"] = self.fragment
        self.fragments: dict[tuple[str, str], str] = {}
        self.partials: list[tuple[str, Report]] = []  # for share_partials' workers
        self.outcome = pipeline.Outcome([])
        cache_path = str(self.settings.get("SITREP_CACHE_PATH") or "")
        self.cache_dir = Path(cache_path) if cache_path else None
        self.reads = (
            ReadCache(base=code_digest(), folder=self.cache_dir, sources=load_sources(self.cache_dir))
            if self.cache_dir
            else None
        )
        self.previous = Path(str(self.settings.get("SITREP_PREVIOUS_OUTPUT") or self.output_path))
        self.manifest = load_manifest(self.cache_dir)
        self.spare = load_manifest(self.cache_dir, SPARE_MANIFEST) if self.settings.get("SITREP_SPARE") else None
        self.digests: dict[str, str] = {}
        self.stamps: dict[str, Stamp] = {}  # filled by index_search for the manifest
        self.env.bytecode_cache = template_cache(self.cache_dir, self.digest_base) if self.cache_dir else None
        self.env.auto_reload = False  # a build's templates do not change while it runs: no stat per include

    @pass_context
    def fragment(
        self, context: Context, name: str, report: Report, entry: Entry | None = None, level: int = 2
    ) -> Markup:
        """Render a report's partial once and reuse it on every page or feed that lists the report.

        It is rendered with a mark for SITEURL that each page replaces by its own relative root: the
        text a render at that depth gives, without rendering it again at every depth (60 % of renders).
        entry: the report's feed entry, the same in every feed carrying it (absolute URLs only).
        level: its heading's level on this page (2 under the page's title, 3 under a section's).
        """
        key = (name, report.source)
        if key not in self.fragments:
            self.fragments[key] = self.render_fragment(name, report, entry)
        made = self.fragments[key].replace(ROOT_MARK, str(context["SITEURL"]))
        return Markup(made.replace(LEVEL_MARK, str(level)))

    def render_fragment(self, name: str, report: Report, entry: Entry | None = None) -> str:
        """Render a report's partial with the marks for SITEURL and its heading's level (see fragment)."""
        variables = {"SITEURL": ROOT_MARK, "report": report, "entry": entry, "level": LEVEL_MARK}
        return self.env.get_template(name).render({**self.context, **variables})

    def share_partials(self, reports: list[Report]) -> None:
        """Render the partials that most pages list (SHARED_PARTIALS) for every report, each once across the cores.

        The forked writers inherit them. Otherwise each writer renders nearly all of them for its
        own share of the pages: 0.45 s of each writer's time at 1,000 reports.
        """
        self.partials = [(name, report) for report in reports for name in SHARED_PARTIALS]
        for rendered in on_every_core(self.render_partials):
            self.fragments.update(rendered)

    def render_partials(self, share: int, shares: int) -> dict[tuple[str, str], str]:
        """Render every shares-th partial of share_partials, starting at share."""
        mine = self.partials[share::shares]
        return {(name, report.source): self.render_fragment(name, report) for name, report in mine}

    def write_all(self, pages: list[Page], noun: str = "files") -> None:
        """Write pages, on every core when there are many; noun: what they are, for the progress lines."""
        self.batch, self.noun = pages, noun
        on_every_core(self.write_pages, len(pages), PARALLEL_FROM)

    def write_or_link(self, pages: list[Page], noun: str = "files", lists_reports: bool = False) -> int:
        """Keep or link the pages whose digest matches a file already built; render the others; return the kept.

        lists_reports: the pages list reports; when they are rendered in parallel, SHARED_PARTIALS are rendered first.
        """
        fresh = [page for page in pages if not self.kept(page.save_as)]
        if lists_reports and in_parallel(len(fresh), PARALLEL_FROM):
            self.share_partials(list(self.outcome.site.reports))  # type: ignore[union-attr]
        self.write_all(fresh, noun)
        return len(pages) - len(fresh)

    def kept(self, save_as: str) -> bool:
        """Keep a file in the spare being updated, or link the last build's, if either was made from the same digest."""
        digest = self.digests[save_as]
        if self.spare is not None and self.spare.reusable(save_as, digest, self.output_path):
            return True
        if self.manifest.reusable(save_as, digest, self.previous):
            link_file(self.previous / save_as, Path(self.output_path) / save_as)  # paths only to link: 0.1 s at 10k
            return True
        return False

    def sweep(self, keep: set[str], only: str = "", but: str = "") -> None:
        """Remove from the spare being updated every file this build does not plan, and folders left empty.

        only: sweep just this folder of the output; but: leave this one out ('' for neither).
        """
        output = Path(self.output_path)
        skip = (*pipeline.reserved(self.settings), but)  # copied whole by Pelican; updated part by part by search
        pruned = {os.path.join(output, name) for name in skip if name}
        root, emptied = f"{output}{os.sep}", set()
        for folder, folders, files in os.walk(os.path.join(output, only)):
            folders[:] = [name for name in folders if os.path.join(folder, name) not in pruned]
            for name in files:
                path = os.path.join(folder, name)
                if path.removeprefix(root).replace(os.sep, "/") not in keep:
                    os.unlink(path)
                    emptied.add(Path(folder))
        for folder in sorted(emptied, key=lambda path: len(path.parts), reverse=True):
            while folder != output and folder.is_dir() and not any(folder.iterdir()):  # gone: with an emptied child
                folder.rmdir()
                folder = folder.parent

    def page_digests(self, pages: list[Page], prints: Fingerprints) -> dict[str, str]:
        """Digest what each page is made from: theme, code, settings and its variables."""
        return page_digests(pages, self.outcome.index, self.digest_base, prints)  # type: ignore[arg-type]

    @cached_property
    def digest_base(self) -> str:
        """Digest what every page is made from: the theme (with its overrides), Sitrep's code and the settings."""
        return digest_bytes(code_digest(pipeline.theme_paths(self.settings)), settings_digest(self.settings))

    def write_pages(self, share: int, shares: int) -> int:
        """Render and write every shares-th page of the batch, starting at share; return how many."""
        pages = self.batch[share::shares]
        progress = Progress(f"rendered about {{done}} of {{total}} {self.noun}", len(self.batch), shares)
        for page in progress.counted(pages) if share == 0 else pages:  # one process tells, for all
            write_file(Path(self.output_path), page.save_as, self.render_page(page))
        return len(pages)

    def render_page(self, page: Page) -> str:
        """Render one page with SITEURL relative to it, so the site works under any sub-path."""
        root = path_to_url(get_relative_path(page.save_as))
        local = {"SITEURL": root, "localsiteurl": root, "output_file": page.save_as, "page_url": page.url}
        return self.get_template(page.template).render({**self.context, **local, **page.context()})

    def generate_context(self) -> None:
        """Read and check everything; stop the build on any error."""
        log.info("reading %s", self.path)
        if self.settings.get("SITREP_SEARCH", True):  # its process starts up while reports are read
            _searching[self.output_path] = Search(spawn_index(), "", {})
        settings = {**own_settings(self.settings), "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "")}
        started = time.perf_counter()
        with _frozen_once_read():
            earlier = load_json_dict(self.cache_dir / URLS_FILE) if self.cache_dir else {}
            self.outcome = pipeline.run(Path(self.path), settings, cache=self.reads, earlier_urls=earlier)
        if self.outcome.site is not None:
            files, pages = self.outcome.site.files, len(self.outcome.pages)
            seconds = time.perf_counter() - started
            done = f"read {plural(files, 'report file')}, planned {plural(pages, 'file')} in {seconds:.1f} s"
            log.info("%s (%d MB)", done, _peak_mb())
        report_problems(self.outcome.problems)
        if not self.outcome.ok:
            self.save_reads()  # the fixed files are all the next build has to read
            raise ContentError(self.outcome.problems)
        self.save_urls()
        self.context["sitrep_site"] = self.outcome.site
        self.context["index"] = self.outcome.index
        self.context["navigation"] = self.outcome.navigation
        self.context["home_url"] = self.outcome.config.home.format(number=1)[0]  # type: ignore[union-attr]  # the site name links it
        self.context["site_url"] = self.outcome.config.site_url  # type: ignore[union-attr]  # feeds: absolute

    def save_urls(self) -> None:
        """Remember each report's URL, and the old ones nothing serves yet, for the next build's warnings."""
        if self.cache_dir:
            with contextlib.suppress(OSError):  # without it, the next build cannot tell a URL moved
                save_json(self.cache_dir / URLS_FILE, self.outcome.urls)

    def save_reads(self) -> None:
        """Store the reads for the next build (they are keyed by their inputs: valid even if this one fails)."""
        if not self.cache_dir or not self.reads or not self.reads.changed:
            return  # no cache, or the same reports as last time
        try:
            save_reads(self.cache_dir, self.reads.under, self.reads.used)
        except OSError as failure:  # a cache is an optimisation: the build goes on without one
            log.warning("cannot write the build cache in %s: %s", self.cache_dir, failure.strerror or failure)

    def generate_output(self, writer: object) -> None:
        """Render and write every planned page."""
        pages, site = self.outcome.pages, self.outcome.site
        log.info("writing %s files on %s", f"{len(pages):,}", plural(usable_cores(), "core"))
        started = time.perf_counter()
        keep = {page.save_as for page in pages} | {data.save_as for data in self.outcome.data}
        searched = fixed_folder(report_pages(self.settings))  # where the report pages are
        if self.spare is not None:  # before Pagefind starts: it must never see a page no longer planned
            self.sweep(keep, only=searched)
        reports = [p for p in pages if p.template == "report"]
        others = [p for p in pages if p.template != "report"]
        prints = page_fingerprints(self.outcome.index)  # type: ignore[arg-type]  # one memo: reports are on many pages
        self.digests = self.page_digests(reports, prints)
        reused = self.write_or_link(reports, "report pages")
        if self.settings.get("SITREP_SEARCH", True):  # Pagefind reads only report pages: start it now
            _searching[self.output_path] = self.start_search(reports)
        else:
            shutil.rmtree(Path(self.output_path) / BUNDLE, ignore_errors=True)  # the spare's
        if self.spare is not None and searched:
            self.sweep(keep, but=searched)  # the rest, while Pagefind runs: 0.15 s at 10,000 reports
        self.digests.update(self.page_digests(others, prints))
        self.digests.update(data_digests(self.outcome.data, self.digest_base, prints))
        del prints  # its memo keeps every digested value alive: not into the forked writers
        reused += self.write_or_link(others, "other pages and feeds", lists_reports=True)
        for data in self.outcome.data:
            if not self.kept(data.save_as):  # after the pages: made from the model, not from templates
                write_file(Path(self.output_path), data.save_as, data.text)
        self.save_reads()  # here, not after reading: while Pagefind runs, off a warm build's critical path
        seconds = time.perf_counter() - started
        rendered, data = plural(len(pages) - reused, "page"), plural(len(self.outcome.data), "data file")
        what = f"{rendered} rendered, {reused:,} unchanged kept, {data}"
        log.info("wrote %s in %.1f s (%d MB)", what, seconds, _peak_mb())
        assert site is not None
        html = sum(1 for page in pages if page.save_as.endswith(".html"))
        feeds = sum(1 for page in pages if page.save_as.endswith(".xml"))
        written = Written(len(site.reports), len(site.drafts), html, feeds, reused, self.digests, self.stamps)
        site_written.send(self, written=written)

    def start_search(self, reports: list[Page]) -> Search:
        """Reuse the previous search bundle when no report page changed; else start Pagefind on them."""
        key = digest_bytes(BUNDLE, *(self.digests[p.save_as] for p in reports))  # they cover code and versions
        bundle = {name for name in self.manifest.files if name.startswith(f"{BUNDLE}/")}
        output, ahead = Path(self.output_path), _searching.pop(self.output_path, Search([], "", {})).started
        if bundle and all(self.manifest.reusable(name, key, self.previous) for name in bundle):
            finish_index(ahead)  # type: ignore[arg-type]  # let the process started ahead end without a run
            shutil.rmtree(output / BUNDLE, ignore_errors=True)  # the spare's, older
            for name in sorted(bundle):
                link_file(self.previous / name, output / name)
            return Search([], key, self.digests, self.stamps)
        glob, listing = report_pages(self.settings), self.page_listing(reports)
        run = Indexing(output, glob, self.previous_bundle(), self.cache_dir, listing)
        return Search(start_index(run, ahead), key, self.digests, self.stamps)  # type: ignore[arg-type]

    def page_listing(self, reports: list[Page]) -> Path | None:
        """Write the report pages' digests for the search survey, which then reads no unchanged page."""
        if self.cache_dir is None:
            return None
        try:
            save_json(self.cache_dir / PAGES_FILE, {page.save_as: self.digests[page.save_as] for page in reports})
        except OSError:  # the survey reads the pages instead
            return None
        return self.cache_dir / PAGES_FILE

    def previous_bundle(self) -> Path | None:
        """Return the last build's search bundle, whose unchanged parts can be reused."""
        bundle = self.previous / BUNDLE
        return bundle if self.cache_dir is not None and bundle.is_dir() else None


@dataclass(frozen=True)
class Search:
    """A Pagefind run started while pages are written (or [] when the previous bundle was reused)."""

    started: object
    key: str  # digest of every report page: the bundle's files are recorded under it
    digests: dict[str, str]  # the build's file digests, which the bundle's files join when it is done
    stamps: dict[str, Stamp] = field(default_factory=dict)  # the stamps of the files digested before it started


_searching: dict[str, Search] = {}  # output folder -> its search run


def cancel_search(output: Path) -> None:
    """Stop the search run started for an output folder whose build failed."""
    search = _searching.pop(str(output), None)
    if search is not None:
        cancel_index(search.started)  # type: ignore[arg-type]


def write_file(output: Path, save_as: str, text: str) -> None:
    """Write a page or export inside the output folder (planned paths are relative and checked)."""
    root = os.path.normpath(output)
    path = os.path.normpath(os.path.join(root, save_as))
    if not path.startswith(f"{root}{os.sep}"):
        raise RuntimeError(f"{save_as} would be written outside {output}")  # a bug: settings are validated
    with contextlib.suppress(FileNotFoundError):  # a new file, never into one a link may share with another build
        os.unlink(path)
    try:
        stream = open(path, "w", encoding="utf-8", newline="\n")
    except FileNotFoundError:  # its folder is not made yet
        os.makedirs(os.path.dirname(path), exist_ok=True)
        stream = open(path, "w", encoding="utf-8", newline="\n")
    try:
        with stream:
            stream.write(text)
    except OSError as failure:  # a full disk names no file: say which one, so the line says which disk
        failure.filename = failure.filename or path
        raise


def get_generators(pelican: object) -> type[Generator]:
    """Give Pelican our generator."""
    return SitrepGenerator


def index_search(pelican: Pelican) -> None:
    """After everything is written, index the output for search (SITREP_SEARCH, default on)."""
    if not pelican.settings.get("SITREP_SEARCH", True):
        return
    output = Path(pelican.output_path)
    search = _searching.pop(pelican.output_path, None)
    if search is None:  # another generator wrote the pages: index them now
        search = Search(start_index(Indexing(output, report_pages(pelican.settings))), "", {})
    log.info("search index unchanged" if search.started == [] else "finishing the search index (Pagefind)")
    if search.key:  # the manifest's stamps, taken while Pagefind runs: 0.3 s at 10,000 reports
        search.stamps.update(stamps(output, search.digests))
    problems = finish_index(search.started)  # type: ignore[arg-type]
    report_problems(problems)
    if problems:
        raise ContentError(problems)
    if search.key and (output / BUNDLE).is_dir():
        found = [name for name, _ in walk_files(output / BUNDLE, f"{BUNDLE}/")]  # strings: pathlib took 0.2 s at 10k
        search.digests.update(dict.fromkeys(found, search.key))
