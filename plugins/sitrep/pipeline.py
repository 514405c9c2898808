"""The whole read side in one call: settings -> site -> planned pages -> problems."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import settings as sitrep_settings
from .model import Site
from .pages import Page, collisions, plan
from .problems import Problem, errors
from .settings import Config
from .site import load_site


@dataclass(frozen=True)
class Outcome:
    """What reading the content gave: the site and its pages, or the problems."""

    problems: list[Problem]
    config: Config | None = None
    site: Site | None = None
    pages: list[Page] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when the site can be written."""
        return self.site is not None and not errors(self.problems)


def run(content_dir: Path, settings: Mapping[str, object]) -> Outcome:
    """Read and check everything; plan pages only when there is no error."""
    config, problems = sitrep_settings.load(settings)
    if config is None:
        return Outcome(problems)
    site, more = load_site(content_dir, config)
    problems = problems + more
    if errors(problems):
        return Outcome(problems, config)
    pages = plan(site, config)
    return Outcome(problems + collisions(pages), config, site, pages)
