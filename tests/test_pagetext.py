"""The text Pagefind indexes of a page: its body, without what it ignores, tags read as Pagefind reads them."""

from __future__ import annotations

import pytest

from sitrep.pagetext import indexed_text


def words(page: str) -> list[str]:
    """Return the whitespace-separated words of a page's indexed text."""
    return indexed_text(page.encode()).split()


@pytest.mark.parametrize(
    "body, expected",
    [
        ("<p>One</p><p>two</p>", ["One", "two"]),  # block elements part words
        ("foo<em>bar</em> baz", ["foobar", "baz"]),  # inline tags join them, as in Pagefind
        ("<dl><dt>Filed</dt><dd>today</dd></dl>", ["Filedtoday"]),  # dl, dt and dd are not among Pagefind's blocks
        ("one<br>two<br/>three", ["one", "two", "three"]),
        ("AT&amp;T &quot;B&quot; &lt;b&gt;", ["AT&T", '"B"', "<b>"]),  # references read as their characters
        ("keep <div data-pagefind-ignore>skip <div>still skipped</div> skipped</div> kept", ["keep", "kept"]),
        ('keep <span data-pagefind-ignore="all">skip</span>kept', ["keep", "kept"]),
        ("keep <nav>menu</nav> <footer>foot</footer> <svg><text>label</text></svg> kept", ["keep", "kept"]),
        ("keep <svg class='x'/> kept", ["keep", "kept"]),  # an element with no content
        ("keep <script>var x = '<nav>';</script> kept", ["keep", "kept"]),
    ],
)
def test_the_body_is_read_as_pagefind_reads_it(body, expected):
    page = f"<html><body><nav>Menu</nav><article data-pagefind-body>{body}</article><aside>After</aside></body></html>"
    assert words(page) == expected


def test_only_the_marked_body_is_read_up_to_its_own_end():
    page = "<body><div>Before<div data-pagefind-body>In <div>nested</div> too</div>After</div></body>"
    assert words(page) == ["In", "nested", "too"]


def test_a_page_without_a_marked_body_is_read_from_its_body_on():
    assert words("<html><head><title>T</title></head><body><p>Text</p></body></html>") == ["Text"]
