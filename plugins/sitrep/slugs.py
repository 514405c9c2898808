"""Turn names and titles into URL slugs."""

from __future__ import annotations

import re

from unidecode import unidecode

_APOSTROPHES = re.compile(r"['’ʼ`]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_MAX = 255  # bytes in one file or folder name on common file systems: a longer slug cannot be written


def fits_a_folder(name: str) -> bool:
    """Say whether a name (a slug, a file name) is short enough to name a file or folder."""
    return len(name.encode()) <= NAME_MAX


def slug_fault(name: str, slug: str) -> tuple[str, str] | None:
    """Say why a name's URL slug cannot name a folder, as (message starting with the name, hint); else None."""
    if not slug:
        return f"'{name}' gives an empty URL slug", "spell it with letters or digits"
    if not fits_a_folder(slug):
        return f"'{name[:40]}...' gives a URL slug longer than a folder name can be ({NAME_MAX})", "shorten it"
    return None


def slugify(text: str) -> str:
    """Return a lowercase ASCII slug with hyphens ("Es Sider" -> "es-sider")."""
    ascii_text = unidecode(_APOSTROPHES.sub("", text)).lower()
    return _NON_ALNUM.sub("-", _APOSTROPHES.sub("", ascii_text)).strip("-")


def is_slug(text: str) -> bool:
    """Return True when text is already a safe slug (no dots, slashes or spaces)."""
    return bool(SLUG_RE.match(text))
