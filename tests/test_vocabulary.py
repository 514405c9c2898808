"""The page of words search parts hold: Pagefind's stems read back, and which words extend another."""

from __future__ import annotations

import pytest

from sitrep import vocabulary
from sitrep.vocabulary import MARK


def test_the_page_of_stems_puts_each_word_between_two_marks():
    page = vocabulary.stems_page(["tank", "at&amp;t"], "en")
    assert f"<main data-pagefind-body>{MARK} tank {MARK} at&amp;t {MARK}</main>" in page
    assert '<html lang="en">' in page and "<html>" in vocabulary.stems_page([], "")


def test_positions_decode_deltas_weights_and_variants():
    chunk = [
        ["tank", [[0, [-25, 3, 4], []]], []],  # delta-encoded: 3, then 3 + 4
        ["al", [[0, [-13, 1, -25, 5, 2], []]]],  # after a change of weight a location is whole again
        ["haftar", [], [["ḥaftar", [[0, [-25, 9], []]]]]],  # an accented form is a variant of the stem
    ]
    assert vocabulary.positions(chunk) == {"tank": [3, 7], "al": [1, 5, 7], "haftar": [9]}


def test_each_word_takes_the_stems_between_its_marks():
    found = {"mark": [0, 2, 4, 6], "al": [1], "alsarraj": [1], "tank": [3], "edit": [5]}
    assert vocabulary.stems_of(["al-sarraj", "tanks", "edited"], found) == {
        "al-sarraj": ("al", "alsarraj"),
        "tanks": ("tank",),
        "edited": ("edit",),
    }
    assert vocabulary.stems_of(["-"], {"mark": [0, 1]}) == {"-": ()}  # a word Pagefind does not index


@pytest.mark.parametrize(
    "found",
    [
        {"mark": [0, 2, 4], "tank": [1, 3]},  # a mark too few: a word stemmed as the mark, say
        {"tank": [1]},  # no mark at all
    ],
)
def test_marks_out_of_place_are_an_error_not_a_guess(found):
    with pytest.raises(ValueError):
        vocabulary.stems_of(["tanks", "edited", "bank"], found)


@pytest.mark.parametrize(
    "stems, longer",
    [
        (["tank", "tanker", "tan", "bank"], {"tank", "tanker"}),
        (["b", "ba", "bank", "bc", "c"], {"ba", "bank", "bc"}),  # a stem between a prefix and its extension
        (["tanker", "tank"], {"tanker"}),  # any order
        (["a", "z", "9"], set()),
        ([], set()),
    ],
)
def test_extending_finds_the_stems_another_stem_begins(stems, longer):
    assert vocabulary.extending(stems) == longer


def test_extending_is_linear_in_a_long_run_of_nested_stems():
    stems = ["a" * length for length in range(1, 3000)]  # each begins the next: quadratic if each were tried
    assert len(vocabulary.extending(stems)) == 2998


def test_the_words_to_hold_are_those_with_a_stem_that_extends_another():
    stems = {
        "tank": ("tank",),
        "tanks": ("tank",),
        "tanker": ("tanker",),
        "al-sarraj": ("al", "alsarraj"),
        "bank": ("bank",),
    }
    assert vocabulary.words_to_hold(stems) == {"tanker", "al-sarraj"}  # "alsarraj" extends its own part "al"
