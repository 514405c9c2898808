"""Turn names and titles into URL slugs."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_APOSTROPHES = re.compile(r"['’ʼ`]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_MAX = 255  # bytes in one file or folder name on common file systems: a longer slug cannot be written

# Characters that look alike in a name: every dash a hyphen, every apostrophe one, invisible ones gone.
# Arabic tatweel (a stretch of the line) and short vowel marks are optional in writing, so gone too:
# "داعـــش" and "طَرَابُلُس" are "داعش" and "طرابلس".
ARABIC_OPTIONAL = "\u0640" + "".join(map(chr, range(0x064B, 0x0660))) + "\u0670"
LOOKALIKES = str.maketrans(
    {
        **dict.fromkeys("‐‑‒–—―−", "-"),
        **dict.fromkeys("’‘ʼ`´", "'"),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff" + ARABIC_OPTIONAL),
    }
)


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
    # Folded as names are matched (entities.name_key): spellings of one entity must give its one URL.
    ascii_text = unidecode(unicodedata.normalize("NFKC", text.translate(LOOKALIKES))).lower()
    return _NON_ALNUM.sub("-", _APOSTROPHES.sub("", ascii_text)).strip("-")


def is_slug(text: str) -> bool:
    """Return True when text is already a safe slug (no dots, slashes or spaces)."""
    return bool(SLUG_RE.match(text))
