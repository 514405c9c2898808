"""Text direction: which text is written right to left, so pages let it show in its own direction."""

from __future__ import annotations

import functools
import unicodedata

RIGHT_TO_LEFT = frozenset({"R", "AL"})  # bidi classes of Hebrew, Arabic, Syriac, Thaana... letters


@functools.lru_cache(maxsize=65536)  # names and titles repeat on every list page
def has_rtl(text: str) -> bool:
    """Say whether text holds a right-to-left letter (Arabic, Hebrew...)."""
    return not text.isascii() and any(unicodedata.bidirectional(c) in RIGHT_TO_LEFT for c in text)
