"""The whole read side in one call: settings -> site -> planned pages -> problems."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import settings as sitrep_settings
from .cache import RELATED_FILE, digest_bytes, remembered
from .indexes import EntityIndex, build_index
from .model import Site
from .pages import DataFile, Page, collisions, data_files, long_names, navigation, plan
from .problems import Problem, errors, sort_key
from .related import Remember, related_reports
from .settings import Config
from .site import ReadCache, load_site
from .spelling import spelling_warnings


@dataclass(frozen=True)
class Outcome:
    """What reading the content gave: the site and its pages, or the problems."""

    problems: list[Problem]
    config: Config | None = None
    site: Site | None = None
    pages: list[Page] = field(default_factory=list)
    index: EntityIndex | None = None
    navigation: tuple[tuple[str, str], ...] = ()
    data: list[DataFile] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when the site can be written."""
        return self.index is not None and not errors(self.problems)


def run(
    content_dir: Path, settings: Mapping[str, object], check_only: bool = False, cache: ReadCache | None = None
) -> Outcome:
    """Read and check everything; plan pages only when there is no error (and not just checking)."""
    config, problems = sitrep_settings.load(settings)
    if config is None:
        return Outcome(problems)
    site, read_problems = load_site(content_dir, config, render=not check_only, cache=cache)
    index, index_problems = build_index(site.reports, site.registry, config)  # the valid reports, so one run tells all
    spelling = spelling_warnings(site.reports, site.registry)
    problems = sorted(problems + read_problems + index_problems + spelling, key=sort_key)
    if errors(problems) or check_only:
        return Outcome(problems, config, site)
    pages = plan(site, index, related_reports(site.reports, index, _remember_related(cache)), config)
    data = data_files(site, index, config)
    planned = [*pages, *(Page(d.save_as, d.save_as, "data") for d in data)]
    clashes = collisions(planned) + long_names(planned)
    return Outcome(problems + clashes, config, site, pages, index, navigation(config), data)


def _remember_related(cache: ReadCache | None) -> Remember | None:
    """Keep related reports in the build cache, under what they are computed from and the code that does it."""
    if cache is None or cache.folder is None:
        return None
    folder, base = cache.folder, cache.under
    return lambda key, make: remembered(folder, RELATED_FILE, digest_bytes(base, key), make)
