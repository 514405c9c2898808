"""Vanilla Pelican settings for the benchmark: Python-Markdown, YAML front matter, notmyidea.

bench/run.py builds a copy of the generated reports with this file, writing `tags:` for the
corpus's `actors:` (Pelican has no other list taxonomy). Everything else is Pelican's default:
articles, tag, category and (empty) author pages, archives, an unpaginated index, the all-articles
and per-category Atom feeds, no content cache.
"""

from __future__ import annotations

SITENAME = "Vanilla Pelican benchmark"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "notmyidea"
PLUGINS = ["pelican.plugins.yaml_metadata"]
ARTICLE_PATHS = ["reports"]
PAGE_PATHS: list[str] = []
STATIC_PATHS: list[str] = []
