"""Pelican adapter: read the content in generate_context, write pages in generate_output."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from blinker import signal
from pelican import Pelican
from pelican.generators import Generator
from pelican.settings import DEFAULT_CONFIG

from . import pipeline
from .problems import ContentError, Problem
from .search import index_site
from .templating import FILTERS

log = logging.getLogger(__name__)
if hasattr(log, "disable_filter"):  # Pelican's logger class drops repeated messages process-wide
    log.disable_filter()

site_written = signal("sitrep-site-written")


@dataclass(frozen=True)
class Written:
    """What a build wrote, for the closing summary."""

    reports: int
    drafts: int
    pages: int
    feeds: int


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
        self.outcome = pipeline.Outcome([])

    def generate_context(self) -> None:
        """Read and check everything; stop the build on any error."""
        log.info("reading %s", self.path)
        settings = {**own_settings(self.settings), "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "")}
        self.outcome = pipeline.run(Path(self.path), settings)
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
        log.info("writing %d files", len(pages))
        for page in pages:
            template = self.get_template(page.template)
            writer.write_file(
                page.save_as, template, self.context, relative_urls=True, page_url=page.url, **page.variables
            )  # type: ignore[attr-defined]
        for data in self.outcome.data:
            write_data(Path(self.output_path), data.save_as, data.text)
        assert site is not None
        html = sum(1 for page in pages if page.save_as.endswith(".html"))
        feeds = sum(1 for page in pages if page.save_as.endswith(".xml"))
        site_written.send(self, written=Written(len(site.reports), len(site.drafts), html, feeds))


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
    log.info("indexing search with Pagefind")
    problems = index_site(Path(pelican.output_path))
    report_problems(problems)
    if problems:
        raise ContentError(problems)
