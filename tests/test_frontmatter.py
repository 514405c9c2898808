import pytest

from sitrep.frontmatter import CONTROLS, REMOVED, decode, split


def test_decode_strips_bom_and_normalises_newlines():
    text, problems = decode("a.md", b"\xef\xbb\xbf---\r\nx: 1\r\n")
    assert (text, problems) == ("---\nx: 1\n", [])


def test_decode_names_line_of_bad_byte():
    text, problems = decode("a.md", b"one\ntwo\nthr\xe9e\n")
    assert text is None
    assert [p.format() for p in problems] == [
        "a.md:3: file is not UTF-8 (byte 0xe9 cannot be decoded) (save the file as UTF-8)"
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])  # with and without its byte-order mark
def test_a_utf16_file_is_one_error_not_a_warning_a_line(encoding):
    text, problems = decode("a.md", "---\ntitle: x\n---\nBody\n".encode(encoding))
    assert text is None
    assert [p.format() for p in problems] == ["a.md:1: file is UTF-16, not UTF-8 (save the file as UTF-8)"]


def test_decode_removes_control_characters_with_a_warning_a_line():
    text, problems = decode("a.md", b"---\nx: 1\n---\nPasted \x0b text\x01\n\x0c\nfine\ttab\n")
    assert text == "---\nx: 1\n---\nPasted  text\n\nfine\ttab\n"  # XML 1.0 forbids them; a tab it allows
    hint = "(delete it: it came with pasted text, and pages, feeds or YAML cannot carry it)"
    assert [p.format() for p in problems] == [
        f"a.md:4: warning: control character U+000B, U+0001 removed {hint}",
        f"a.md:5: warning: control character U+000C removed {hint}",
    ]


def test_decode_removes_c1_control_characters_too():
    text, problems = decode("a.md", "---\nauthor: a\x80b\n---\nNEL\x85 here\n".encode())
    assert text == "---\nauthor: ab\n---\nNEL here\n"  # YAML refuses them; pasted Windows text brings them
    assert [(p.line, p.message) for p in problems] == [
        (2, "control character U+0080 removed"),
        (4, "control character U+0085 removed"),
    ]


def test_decode_removes_bidi_controls_with_a_warning_a_line():
    raw = "---\nactors: [Haf\u202eratl\u202c]\n---\nمرحبا \u2067Tripoli\u2069 ok\u200f.\n".encode()
    text, problems = decode("a.md", raw)
    assert text == "---\nactors: [Hafratl]\n---\nمرحبا Tripoli ok\u200f.\n"  # the right-to-left mark stays
    hint = "(delete it: it can show text in another order than it is written)"
    assert [p.format() for p in problems] == [
        f"a.md:2: warning: bidi control character U+202E, U+202C removed {hint}",
        f"a.md:4: warning: bidi control character U+2067, U+2069 removed {hint}",
    ]


def test_decode_warns_of_control_characters_before_bidi_controls():
    _, problems = decode("a.md", "a\x07\u202eb\n".encode())
    assert [p.message for p in problems] == [
        "control character U+0007 removed",
        "bidi control character U+202E removed",
    ]


def test_line_and_paragraph_separators_do_not_shift_front_matter_lines():
    source, problems = split("a.md", "---\ntitle: Pro\u2028be\nsummary: x\u2029y\ntitle: again\n---\n")
    assert [p.format() for p in problems] == ["a.md:4: duplicate field 'title'"]
    assert source is not None and source.front.data == {"title": "again", "summary": "x y"}


def test_split_gives_body_and_its_first_line():
    source, problems = split("a.md", "---\ntitle: x\n---\nBody\n")
    assert problems == []
    assert source is not None
    assert (source.front.data, source.body, source.body_line) == ({"title": "x"}, "Body\n", 4)


def test_split_accepts_yaml_document_end_marker():
    source, _ = split("a.md", "---\ntitle: x\n...\nBody\n")
    assert source is not None and source.body == "Body\n"


def test_missing_front_matter():
    source, problems = split("a.md", "# Title\n")
    assert source is None
    assert problems[0].format().startswith("a.md:1: no front matter")


def test_unclosed_front_matter():
    _, problems = split("a.md", "---\ntitle: x\n")
    assert problems[0].format() == "a.md:1: front matter is not closed (add a '---' line after the fields)"


def test_the_quick_check_for_control_characters_looks_for_exactly_those_removed():
    assert set(CONTROLS) == {chr(c) for c in range(0x110000) if REMOVED.match(chr(c))}


def test_decode_removes_what_html_forbids_too():
    text, problems = decode("a.md", "---\nx: 1\n---\nDel\x7f, \ufdd0 and \U0001fffe here\n".encode())
    assert text == "---\nx: 1\n---\nDel,  and  here\n"  # HTML's parser errs on DEL and on noncharacters
    assert [(p.line, p.message) for p in problems] == [(4, "control character U+007F, U+FDD0, U+1FFFE removed")]


def test_decode_turns_a_lone_carriage_return_into_a_newline():
    text, problems = decode("a.md", b"---\rx: 1\r\n---\rBody\r")
    assert (text, problems) == ("---\nx: 1\n---\nBody\n", [])


@pytest.mark.parametrize("character", ["\uffff", "\U0010ffff"])
def test_decode_removes_a_last_noncharacter_of_a_plane_in_text_without_other_controls(character):
    text, problems = decode("a.md", f"\n---\nx: é\n---\nA {character} here\n".encode())
    assert text == "\n---\nx: é\n---\nA  here\n"
    assert [(p.line, p.message) for p in problems] == [(5, f"control character U+{ord(character):04X} removed")]


def test_decode_reads_a_quarter_of_zero_bytes_as_controls_not_utf16():
    text, problems = decode("a.md", b"abcdef\x00\x00")
    assert (text, [(p.line, p.message) for p in problems]) == ("abcdef", [(1, "control character U+0000 removed")])


def test_decode_counts_a_leading_newline_in_the_line_of_a_bad_byte():
    assert decode("a.md", b"\n\xe9")[1][0].format() == (
        "a.md:2: file is not UTF-8 (byte 0xe9 cannot be decoded) (save the file as UTF-8)"
    )


def test_the_removed_characters_end_exactly_where_xml_and_html_say():
    removed = "\x00\x08\x0b\x0c\x0e\x1f\x7f\x80\x9f\ufdd0\ufdef\ufffe\uffff\U0001fffe\U0010ffff"
    kept = "\t\n\r \x7e\xa0\ufdcf\ufdf0\ufffd\U0001fffd"
    assert [c for c in removed if not REMOVED.match(c)] == []
    assert [c for c in kept if REMOVED.match(c)] == []
