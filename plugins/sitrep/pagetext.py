"""The text of a page that Pagefind indexes, read as its parser reads it (`pagefind/src/fossick/parser.rs`).

The search survey takes every word of this text onto each search part's page of words; a word
Pagefind never indexed (in a section it ignores) or one it reads otherwise (two halves of a word
around `<em>`) would make the parts answer differently from one index. So, as Pagefind does:

- only the element marked `data-pagefind-body` is read;
- elements marked `data-pagefind-ignore`, and the elements Pagefind always leaves out (navigation,
  footers, forms, labels, scripts, SVG ...), are skipped;
- block elements (paragraphs, headings, list items, cells, sections) and `<br>` part words; every
  other tag joins the text on either side (`foo<em>bar</em>` is the word `foobar`);
- character references are read as the characters they stand for.
"""

from __future__ import annotations

import html
import re

BODY = re.compile(rb"<([a-zA-Z][\w-]*)\b[^>]*\sdata-pagefind-body\b[^>]*>")
LEFT_OUT = re.compile(  # Pagefind's REMOVE_SELECTORS, and what a page marks to be ignored
    rb"<(head|style|script|noscript|label|form|svg|footer|nav|iframe|template)\b[^>]*>"
    rb"|<([a-zA-Z][\w-]*)\b[^>]*\sdata-pagefind-ignore\b[^>]*>",
    re.IGNORECASE,
)
SPACED = re.compile(rb"</?(?:h[1-6]|p|td|div|ul|li|article|section|br)\b[^>]*>", re.IGNORECASE)  # SENTENCE_SELECTORS
TAG = re.compile(rb"<[^>]*>")


def indexed_text(page: bytes) -> str:
    """Return the text Pagefind indexes of a page: its body, without what it ignores, tags read as Pagefind does."""
    body = _body(page)
    kept = b"".join(_kept_pieces(body))
    return html.unescape(TAG.sub(b"", SPACED.sub(b" ", kept)).decode("utf-8", "replace"))


def _body(page: bytes) -> bytes:
    """Return what lies inside the page's `data-pagefind-body` element (from `<body>` when none is marked)."""
    found = BODY.search(page)
    if found is None:
        start = page.find(b"<body")
        return page[max(start, 0) :]
    return page[found.end() : _close(page, found[1], found.end())]


def _kept_pieces(body: bytes) -> list[bytes]:
    """Cut the elements Pagefind leaves out of the body; return the pieces between them."""
    pieces, at = [], 0
    for found in LEFT_OUT.finditer(body):
        if found.start() < at:
            continue  # inside an element already cut
        pieces.append(body[at : found.start()])
        if found[0].endswith(b"/>"):
            at = found.end()  # an element with no content: <svg ... />
            continue
        end = _close(body, found[1] or found[2], found.end())
        at = body.find(b">", end) + 1 if end < len(body) else len(body)
    pieces.append(body[at:])
    return pieces


def _close(page: bytes, name: bytes, start: int) -> int:
    """Return where the element named name, opened just before start, is closed (the page's end if it is not)."""
    tags = re.compile(rb"<(/?)" + re.escape(name) + rb"\b[^>]*?(/?)>", re.IGNORECASE)
    depth = 1
    for found in tags.finditer(page, start):
        depth += -1 if found[1] else 0 if found[2] else 1
        if depth == 0:
            return found.start()
    return len(page)
