"""Pelican adapter: read the content in generate_context, write pages in generate_output."""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from blinker import signal
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from pelican import Pelican
from pelican.generators import Generator
from pelican.settings import DEFAULT_CONFIG

from . import pipeline
from . import settings as sitrep_settings
from .model import Report
from .pages import Page
from .problems import ContentError, Problem
from .search import finish_index, report_glob, start_index
from .templating import FILTERS

log = logging.getLogger(__name__)
if hasattr(log, "disable_filter"):  # Pelican's logger class drops repeated messages process-wide
    log.disable_filter()

site_written = signal("sitrep-site-written")
PARALLEL_FROM = 400  # pages; fewer render faster in one process than forking workers


@dataclass(frozen=True)
class Written:
    """What a build wrote, for the closing summary."""

    reports: int
    drafts: int
    pages: int
    feeds: int


def _peak_mb() -> int:
    """Return the peak memory of this process or its largest finished worker, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024


def report_save_as(settings: Mapping[str, object]) -> str:
    """Return the report page pattern (what Pagefind indexes)."""
    return str(settings.get("REPORT_SAVE_AS") or sitrep_settings.DEFAULTS["REPORT_SAVE_AS"])


def own_settings(settings: Mapping[str, object]) -> dict[str, object]:
    """Drop values that are only Pelican's defaults (its CATEGORY_URL is for its articles, not ours)."""
    return {k: v for k, v in settings.items() if k not in DEFAULT_CONFIG or DEFAULT_CONFIG[k] != v}


def report_problems(problems: list[Problem]) -> None:
    """Log every problem as one line, at its severity."""
    for problem in problems:
        log.log(logging.ERROR if problem.is_error else logging.WARNING, "%s", problem.format())


class SitrepGenerator(Generator):
    """Build the Sitrep site: all reading first, all writing after."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.env.filters.update(FILTERS)
        self.env.globals["fragment"] = self.fragment
        self.fragments: dict[tuple[str, str, str], Markup] = {}
        self.outcome = pipeline.Outcome([])

    @pass_context
    def fragment(self, context: Context, name: str, report: Report) -> Markup:
        """Render a report's partial once per page depth and reuse it (it shows up on many pages)."""
        key = (name, report.source, str(context["SITEURL"]))
        if key not in self.fragments:
            variables = {"SITEURL": context["SITEURL"], "index": context["index"], "report": report}
            self.fragments[key] = Markup(self.env.get_template(name).render({**self.context, **variables}))
        return self.fragments[key]

    def write_all(self, pages: list[Page]) -> None:
        """Write pages, on every core when there are many."""
        workers = os.cpu_count() or 1
        self.batch = pages
        if len(pages) < PARALLEL_FROM or workers < 2:
            self.write_pages(0, 1)
            return
        context = multiprocessing.get_context("fork")
        _forked["generator"] = self  # inherited by the forked workers, not pickled
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            list(pool.map(_write_share, range(workers), [workers] * workers))
        _forked.clear()

    def write_pages(self, share: int, shares: int) -> int:
        """Render and write every shares-th page of the batch, starting at share; return how many."""
        pages = self.batch[share::shares]
        for page in pages:
            template = self.get_template(page.template)
            self.writer.write_file(  # type: ignore[attr-defined]
                page.save_as, template, self.context, relative_urls=True, page_url=page.url, **page.variables
            )
        return len(pages)

    def generate_context(self) -> None:
        """Read and check everything; stop the build on any error."""
        log.info("reading %s", self.path)
        settings = {**own_settings(self.settings), "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "")}
        started = time.perf_counter()
        self.outcome = pipeline.run(Path(self.path), settings)
        if self.outcome.site is not None:
            files, pages = self.outcome.site.files, len(self.outcome.pages)
            seconds = time.perf_counter() - started
            log.info("read %d report files, planned %d files in %.1f s (%d MB)", files, pages, seconds, _peak_mb())
        report_problems(self.outcome.problems)
        if not self.outcome.ok:
            raise ContentError(self.outcome.problems)
        self.context["sitrep_site"] = self.outcome.site
        self.context["index"] = self.outcome.index
        self.context["navigation"] = self.outcome.navigation
        self.context["site_url"] = self.outcome.config.site_url  # type: ignore[union-attr]  # feeds: absolute

    def generate_output(self, writer: object) -> None:
        """Render and write every planned page."""
        pages, site = self.outcome.pages, self.outcome.site
        log.info("writing %d files on %d cores", len(pages), os.cpu_count() or 1)
        started = time.perf_counter()
        self.writer = writer
        reports = [p for p in pages if p.template == "report"]
        self.write_all(reports)
        if self.settings.get("SITREP_SEARCH", True):  # Pagefind reads only report pages: start it now
            _searching[self.output_path] = start_index(
                Path(self.output_path), report_glob(report_save_as(self.settings))
            )
        self.write_all([p for p in pages if p.template != "report"])
        for data in self.outcome.data:
            write_data(Path(self.output_path), data.save_as, data.text)
        seconds = time.perf_counter() - started
        log.info("wrote pages, feeds and %d data files in %.1f s (%d MB)", len(self.outcome.data), seconds, _peak_mb())
        assert site is not None
        html = sum(1 for page in pages if page.save_as.endswith(".html"))
        feeds = sum(1 for page in pages if page.save_as.endswith(".xml"))
        site_written.send(self, written=Written(len(site.reports), len(site.drafts), html, feeds))


_forked: dict[str, SitrepGenerator] = {}
_searching: dict[str, object] = {}  # output folder -> the Pagefind run started while pages were written


def _write_share(share: int, shares: int) -> int:
    """Write one worker's share of the pages (runs in a forked process)."""
    return _forked["generator"].write_pages(share, shares)


def write_data(output: Path, save_as: str, text: str) -> None:
    """Write an export inside the output folder (planned paths are relative and checked)."""
    path = (output / save_as).resolve()
    if not path.is_relative_to(output.resolve()):
        raise RuntimeError(f"{save_as} would be written outside {output}")  # a bug: settings are validated
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def get_generators(pelican: object) -> type[Generator]:
    """Give Pelican our generator."""
    return SitrepGenerator


def index_search(pelican: Pelican) -> None:
    """After everything is written, index the output for search (SITREP_SEARCH, default on)."""
    if not pelican.settings.get("SITREP_SEARCH", True):
        return
    log.info("finishing the search index (Pagefind)")
    started = _searching.pop(pelican.output_path, None)
    if started is None:  # another generator wrote the pages: index them now
        started = start_index(Path(pelican.output_path), report_glob(report_save_as(pelican.settings)))
    problems = finish_index(started)
    report_problems(problems)
    if problems:
        raise ContentError(problems)
