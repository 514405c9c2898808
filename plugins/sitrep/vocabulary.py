"""The page of words each search part holds: the site's words that extend another word, by their stems.

Pagefind matches a word searched for to every indexed stem it begins; where it begins none, to the
longest indexed stem that begins it (`find_word_extensions` in `pagefind_core_search`). A site indexed
in parts must give the results of one index, so a part that lacks every extension of a word searched
for must not fall back to a shorter stem that the site's other parts would not. That can happen only
for a stem that extends another stem of the site (`tanker` after `tank`): a stem extending none has no
shorter stem to fall back to. So the page of words holds the words with such a stem, and no other:
a new word re-indexes every part only when it extends, or is extended by, a word of the site.

Stems are Pagefind's own: a page of the words, each between two marks, is indexed once, and its word
index read back (`stems_of`); no stemmer is redone here. Nothing here runs Pagefind.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from html import escape

MARK = "zqxsitrepwordmark"  # between the words of the page of stems: no report has it
Stems = Mapping[str, tuple[str, ...]]  # each word's stems as Pagefind indexes it (a compound word has several)


def stems_page(words: list[str], lang: str) -> str:
    """Return a page of the words, each between two marks, in the site's language (stemming follows it).

    The words are the pages' text as it stands in their HTML (`&amp;` and all), as on the page of words.
    """
    text = " ".join(f"{MARK} {word}" for word in words)
    lang_attribute = f' lang="{escape(lang)}"' if lang else ""
    return f"<!doctype html><html{lang_attribute}><body><main data-pagefind-body>{text} {MARK}</main></body></html>\n"


def positions(chunk: Iterable[list[object]]) -> dict[str, list[int]]:
    """Return the positions of each stem of a one-page Pagefind word index chunk (its variants' too).

    Each word is [stem, pages, variants]; a page is [page, locations, ...], its locations delta-encoded,
    a negative number a change of weight after which the next location is whole again.
    """
    found: dict[str, list[int]] = {}
    for stem, pages, *variants in chunk:
        forms = [pages, *(form_pages for _, form_pages in (variants[0] if variants else []))]
        found[str(stem)] = sorted(place for pages_of in forms for page in pages_of for place in _places(page[1]))
    return found


def _places(locations: list[int]) -> list[int]:
    """Decode a page's delta-encoded word locations."""
    places, last = [], 0
    for location in locations:
        last = 0 if location < 0 else last + location
        if location >= 0:
            places.append(last)
    return places


def stems_of(words: list[str], found: Mapping[str, list[int]]) -> dict[str, tuple[str, ...]]:
    """Return each word's stems from the positions of the stems of its page of stems.

    The marks' stem holds position 0; word i lies between marks i and i + 1. Raises ValueError when
    the marks are not where the page put them (a word stemmed as the mark).
    """
    mark = next((stem for stem, places in found.items() if places[:1] == [0]), None)
    bounds = found.get(mark, []) if mark else []
    if len(bounds) != len(words) + 1:
        raise ValueError(f"{len(bounds)} marks for {len(words)} words")
    stems: list[set[str]] = [set() for _ in words]
    for stem, places in found.items():
        for place in places if stem != mark else ():
            stems[bisect_right(bounds, place) - 1].add(stem)
    return {word: tuple(sorted(stems[number])) for number, word in enumerate(words)}


def extending(stems: Iterable[str]) -> set[str]:
    """Return the stems that begin with another stem of the set, in one pass over them in order.

    The stems between a stem and one it begins all begin with it too: the ones that begin the current
    stem stay on a stack, each a prefix of the next.
    """
    found, chain = set(), []
    for stem in sorted(set(stems)):
        while chain and not stem.startswith(chain[-1]):
            chain.pop()
        if chain:
            found.add(stem)
        chain.append(stem)
    return found


def words_to_hold(stems: Stems) -> set[str]:
    """Return the words every part's page of words holds: those with a stem that extends another stem."""
    longer = extending(stem for word_stems in stems.values() for stem in word_stems)
    return {word for word, word_stems in stems.items() if longer.intersection(word_stems)}
