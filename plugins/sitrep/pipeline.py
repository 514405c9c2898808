"""The whole read side in one call: settings -> site -> planned pages -> problems."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import settings as sitrep_settings
from .cache import RELATED_FILE, digest_bytes, remembered
from .entities import REGISTRY_SUFFIXES
from .indexes import EntityIndex, build_index
from .model import Site
from .moves import moved_urls
from .pages import (
    DataFile,
    Page,
    collisions,
    data_files,
    in_reserved,
    long_names,
    moved_clashes,
    navigation,
    plan,
)
from .problems import Problem, errors, sort_key
from .related import Remember, related_reports
from .search import BUNDLE
from .settings import Config
from .site import ReadCache, load_site
from .spelling import spelling_warnings
from .urls import saved_as


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
    urls: dict[str, list[str]] = field(default_factory=dict)  # each report's URL and its lost old ones

    @property
    def ok(self) -> bool:
        """Return True when the site can be written."""
        return self.index is not None and not errors(self.problems)


def run(
    content_dir: Path,
    settings: Mapping[str, object],
    check_only: bool = False,
    cache: ReadCache | None = None,
    earlier_urls: Mapping[str, object] | None = None,
) -> Outcome:
    """Read and check everything; plan pages only when there is no error (checking: only for old URLs' clashes).

    earlier_urls: the report URLs an earlier build of the output remembered (moves.moved_urls).
    """
    config, problems = sitrep_settings.load(settings)
    if config is None:
        return Outcome(problems)
    site, read_problems = load_site(content_dir, config, render=not check_only, cache=cache)
    index, index_problems = build_index(site.reports, site.registry, config)  # the valid reports, so one run tells all
    unread = any(p.is_error and p.path.endswith(REGISTRY_SUFFIXES) for p in read_problems)
    spelling = [] if unread else spelling_warnings(site.reports, site.registry)  # the aliases it ties are unknown
    found = problems + read_problems + index_problems + spelling
    problems = sorted(dict.fromkeys(found), key=sort_key)  # one problem met twice (two names, one URL) is said once
    if (
        check_only
        and not any(report.redirect_from for report in site.reports)
        and sitrep_settings.default_urls(settings)
    ):
        return Outcome(problems, config, site)  # a check plans pages only to find the paths that can clash
    failed = bool(errors(problems))  # the valid reports' pages still tell their clashes: every problem in one run
    related = {} if failed else related_reports(site.reports, index, _remember_related(cache))
    pages = plan(site, index, related, config)
    data = data_files(site, index, config)
    clashes = _clashes(site, [*pages, *(Page(d.save_as, d.save_as, "data") for d in data)], settings)
    if failed:
        return Outcome(sorted(problems + clashes, key=sort_key), config, site)
    lost, urls = moved_urls(site.reports, earlier_urls or {})
    found = sorted(problems + clashes + lost, key=sort_key)
    return Outcome(found, config, site, pages, index, navigation(config), data, urls)


def _clashes(site: Site, planned: list[Page], settings: Mapping[str, object]) -> list[Problem]:
    """Find planned pages that clash: an old URL (redirect_from) on a page or reserved folder, two on one path."""
    moved = {saved_as(url) for report in site.reports for url in report.redirect_from}
    others = [page for page in planned if page.template != "report"]  # a report's URL: url_collisions says it
    clashes = moved_clashes(site.reports, others, reserved(settings)) if moved else []
    kept = [page for page in planned if page.save_as not in moved]
    return clashes + collisions(kept) + in_reserved(kept, reserved(settings)) + long_names(planned)


def reserved(settings: Mapping[str, object]) -> tuple[str, ...]:
    """Return the output folders no page is planned in: the search index's and the theme's (see theme_folder)."""
    return (theme_folder(settings), BUNDLE)


def theme_paths(settings: Mapping[str, object]) -> list[Path]:
    """Return what the theme is read from: its folder, template overrides and static paths outside it, as they exist.

    Pelican reads templates from THEME_TEMPLATES_OVERRIDES before the theme's, and copies each of
    THEME_STATIC_PATHS (one may lie outside the theme): a build that digested the theme's folder
    alone said "nothing changed" after one of those was edited, and kept the old pages.
    """
    theme = Path(str(settings["THEME"]))
    overrides = [Path(str(path)) for path in settings.get("THEME_TEMPLATES_OVERRIDES") or ()]  # type: ignore[attr-defined]
    static = [theme / str(path) for path in settings.get("THEME_STATIC_PATHS") or ()]  # type: ignore[attr-defined]
    outside = [path for path in static if not path.resolve().is_relative_to(theme.resolve())]
    return [theme, *(path for path in (*overrides, *outside) if path.exists())]


def theme_folder(settings: Mapping[str, object]) -> str:
    """Return the output folder of the theme's files, which Pelican copies whole (the spare's is cleared first)."""
    return str(settings.get("THEME_STATIC_DIR", "theme"))


def _remember_related(cache: ReadCache | None) -> Remember | None:
    """Keep related reports in the build cache, under what they are computed from and the code that does it."""
    if cache is None or cache.folder is None:
        return None
    folder, base = cache.folder, cache.under
    return lambda key, make: remembered(folder, RELATED_FILE, digest_bytes(base, key), make)
