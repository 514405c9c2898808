import pytest

from sitrep.autolink import Target
from sitrep.markdown import render

IS = Target(("Islamic State", "IS", "Daesh"), "../actors/islamic-state/", "Actor: Islamic State")
SIRTE = Target(("Sirte",), "../locations/sirte/", "Location: Sirte")
LINK = '<a href="../actors/islamic-state/" class="entity" title="Actor: Islamic State">'


def html(body: str, *targets: Target) -> str:
    return render(body, targets or (IS, SIRTE)).html


def test_first_mention_by_alias_is_linked_once():
    out = html("Daesh attacked. IS retreated. Islamic State again.\n")
    assert out == f"<p>{LINK}Daesh</a> attacked. IS retreated. Islamic State again.</p>\n"


def test_whole_words_and_case_only():
    out = html("This is ISIS, not THIS or Isis. Then IS.\n")
    assert out == f"<p>This is ISIS, not THIS or Isis. Then {LINK}IS</a>.</p>\n"


def test_never_in_headings_links_or_code():
    body = "## IS in Sirte\n\n[IS report](https://x.org) `IS` and\n\n    IS code\n\nThen IS and Sirte.\n"
    out = html(body)
    assert '<h2 id="h-is-in-sirte">IS in Sirte</h2>' in out
    assert '<a href="https://x.org">IS report</a> <code>IS</code>' in out
    assert "<pre><code>IS code\n</code></pre>" in out
    assert f"Then {LINK}IS</a> and " in out and 'title="Location: Sirte">Sirte</a>.' in out


def test_longest_name_wins():
    out = html("The Islamic State of old.\n")
    assert f"{LINK}Islamic State</a> of old" in out


def test_several_entities_in_one_text_and_emphasis():
    out = html("*Sirte* fell to IS.\n")
    assert out == (
        '<p><em><a href="../locations/sirte/" class="entity" title="Location: Sirte">Sirte</a></em> '
        f"fell to {LINK}IS</a>.</p>\n"
    )


def test_no_targets_renders_plainly():
    assert render("IS in Sirte.\n").html == "<p>IS in Sirte.</p>\n"


DOTS = Target(("...", "Al"), "../actors/al/", "Actor: Al")
UN = Target(("(UN)",), "../actors/un/", "Actor: (UN)")


@pytest.mark.parametrize(
    ("body", "linked"),
    [
        ("IS_x and x_IS and IS2, then IS.\n", f"then {LINK}IS</a>."),  # underscores and digits are word characters
        ("Sirte-based IS.\n", '">Sirte</a>-based ' + f"{LINK}IS</a>."),  # a hyphen ends a word
        ("Daesh, Islamic State and IS.\n", f"{LINK}Daesh</a>, Islamic State and IS."),  # the first in the text wins
        ("ISIS, ÉIS, İS and IS.\n", f"İS and {LINK}IS</a>."),  # letters beyond ASCII are word characters too
    ],
)
def test_mentions_stand_as_whole_words(body, linked):
    assert linked in html(body)


def test_a_name_without_a_letter_or_digit_is_never_linked():
    assert (
        html("a ... b, Al.\n", DOTS)
        == '<p>a ... b, <a href="../actors/al/" class="entity" title="Actor: Al">Al</a>.</p>\n'
    )


def test_a_name_that_begins_with_punctuation_is_linked_where_it_stands_apart():
    assert html("a(UN), then the (UN) said.\n", UN) == (
        '<p>a(UN), then the <a href="../actors/un/" class="entity" title="Actor: (UN)">(UN)</a> said.</p>\n'
    )


def test_a_name_wrapped_onto_the_next_line_is_linked_where_it_is_first_written():
    out = html("The Islamic\nState took Sirte; IS holds it.\n")
    assert out == f"<p>The {LINK}Islamic\nState</a> took " + (
        '<a href="../locations/sirte/" class="entity" title="Location: Sirte">Sirte</a>; IS holds it.</p>\n'
    )


def test_a_wrapped_link_keeps_the_lines_of_what_follows_it():
    body = "The Islamic\nState and\n[x](a b)\n"
    assert render(body, (IS,)).unread == ((2, "[x](a b)"),)


TRIPOLI = Target(("طَرَابُلُس",), "../locations/trbls/", "Location: طَرَابُلُس")
HAFTAR = Target(("Haftar's forces",), "../actors/haftar-s-forces/", "Actor: Haftar's forces")


@pytest.mark.parametrize(
    ("body", "target", "linked"),
    [
        (
            "في طرابلس اليوم\n",
            TRIPOLI,
            '<a href="../locations/trbls/" class="entity" title="Location: طَرَابُلُس">طرابلس</a> اليوم',
        ),
        ("في طـرابلسَ اليوم\n", TRIPOLI, 'title="Location: طَرَابُلُس">طـرابلسَ</a> اليوم'),
        ("Then Haftar’s forces.\n", HAFTAR, 'title="Actor: Haftar\'s forces">Haftar’s forces</a>.'),
    ],
)
def test_a_mention_is_linked_whatever_its_vowel_marks_and_apostrophes(body, target, linked):
    assert linked in html(body, target)


def test_a_name_is_still_whole_words_once_its_marks_are_folded():
    assert html("وطرابلس، طرابلسي\n", TRIPOLI) == '<p dir="auto">وطرابلس، طرابلسي</p>\n'
