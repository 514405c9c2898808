"""Text direction: which text is written right to left, so pages let it show in its own direction."""

from __future__ import annotations

import functools
import re
import unicodedata

RIGHT_TO_LEFT = frozenset({"R", "AL"})  # bidi classes of Hebrew, Arabic, Syriac, Thaana... letters
# Bidi embeddings, overrides and isolates show text in another order than it is written ("Trojan source"):
# a name or a sentence would read as another. The marks U+200E, U+200F and U+061C stay; pages give each
# paragraph and name its own direction (dir="auto").
BIDI_CONTROLS = "".join(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


# Every character of bidi class R or AL lies in these blocks (Hebrew to Arabic Extended-A, the
# presentation forms, the right-to-left scripts of plane 1) or is U+200F: one regex search rules out
# most text, which a character-by-character walk would read whole.
RTL_BLOCKS = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")


def may_have_rtl(text: str) -> bool:
    """Say whether text may hold a right-to-left letter (False: it holds none)."""
    return not text.isascii() and RTL_BLOCKS.search(text) is not None


@functools.lru_cache(maxsize=65536)  # names and titles repeat on every list page
def has_rtl(text: str) -> bool:
    """Say whether text holds a right-to-left letter (Arabic, Hebrew...)."""
    return may_have_rtl(text) and any(unicodedata.bidirectional(c) in RIGHT_TO_LEFT for c in text)
