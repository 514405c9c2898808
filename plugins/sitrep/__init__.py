"""Sitrep: a Pelican plugin that turns situation reports into a cross-linked site.

The package's pure modules (front matter, schema, entities, pages, ...) never
import Pelican; only `generator` does, and it is imported when Pelican
registers the plugin.
"""

from __future__ import annotations


def register() -> None:
    """Connect Sitrep to Pelican's signals."""
    from pelican import signals

    from .generator import get_generators, index_search

    signals.get_generators.connect(get_generators)
    signals.finalized.connect(index_search)
