"""Pelican settings for the Sitrep site (local builds and `invoke serve`)."""

from __future__ import annotations

AUTHOR = "Libya desk"
SITENAME = "Sitrep: Libya security and politics"
SITE_DESCRIPTION = "Weekly situation reports on security and politics in Libya."
SITEURL = ""  # pages link relatively, so the site works under any sub-path
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["sitrep"]
THEME = "themes/sitrep"

# Sitrep reads reports itself (plugins/sitrep); Pelican's own readers and pages stay idle.
ARTICLE_PATHS: list[str] = []
PAGE_PATHS: list[str] = []
STATIC_PATHS: list[str] = []
DIRECT_TEMPLATES: list[str] = []
FEED_ALL_ATOM = None
FEED_ALL_RSS = None  # Sitrep writes its own feeds (SITREP_FEED_ATOM, ACTOR_ATOM, ...)
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DELETE_OUTPUT_DIRECTORY = False  # `invoke build` builds beside the output and swaps
TEMPLATE_EXTENSIONS = [".html", ".xml"]  # feeds and OPML are templates too
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}

# Sitrep settings; their defaults and checks live in plugins/sitrep/settings.py.
SITREP_HOME_PER_PAGE = 10
SITREP_SEARCH = True  # index the output with Pagefind after every build
