"""Site-root-relative URLs: where entities live and how a page reaches the root."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .slugs import slugify

if TYPE_CHECKING:  # settings checks patterns with saved_as
    from .settings import Config


def entity_place(config: Config, facet: str, name: str, number: int = 1) -> tuple[str, str]:
    """Return (url, save_as) of an entity's page `number` (slug from its canonical name)."""
    patterns = config.facets[facet]
    if number == 1:
        return patterns.entity.format(slug=slugify(name))
    return patterns.entity_page.format(slug=slugify(name), number=number)


def relative_root(url: str) -> str:
    """Return the path from the page at url back to the site root ('' at the root)."""
    folder = url.rsplit("/", 1)[0] if "/" in url else ""
    return "../" * len([part for part in folder.split("/") if part])


def saved_as(url: str) -> str:
    """Return the file a site URL is served from ('a/b/' -> 'a/b/index.html')."""
    return url + "index.html" if url.endswith("/") or not url else url
