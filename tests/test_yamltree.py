import pytest
import yaml

from sitrep import yamltree
from sitrep.yamltree import one_line, parse


def test_lines_are_counted_from_first_line():
    doc = parse("title: x\nactors:\n  - a\n  - b\n", first_line=2)
    assert doc.data == {"title": "x", "actors": ["a", "b"]}
    assert doc.line(("title",)) == 2
    assert doc.line(("actors", 1)) == 5


def test_unknown_path_falls_back_to_parent():
    doc = parse("actors: [a]\n", first_line=2)
    assert doc.line(("actors", 7)) == 2


def test_dates_stay_text_so_impossible_days_do_not_raise():
    assert parse("date: 2016-02-30\n").data == {"date": "2016-02-30"}


def test_duplicate_key_is_an_issue_on_its_line():
    doc = parse("a: 1\nb: 2\na: 3\n", first_line=2)
    assert [(i.line, i.message) for i in doc.issues] == [(4, "duplicate field 'a'")]


def test_syntax_error_names_its_line():
    doc = parse("a: ok\nb: [unclosed\nc: d\n", first_line=2)
    assert doc.data is None
    assert doc.issues[0].line == 3
    assert doc.issues[0].message.startswith("invalid YAML: ")


NO_CONTENT = "invalid YAML: did not find expected node content while parsing a flow node"


@pytest.mark.parametrize(  # libyaml meets them past the last line: the front matter's closing '---'
    "text, line",
    [("title: x\nactors: [\n", 3), ("title: x\nactors: [a,", 3), ("title: x\nregion: {", 3), ("[[[", 2)],
)
def test_a_bracket_left_open_at_the_end_is_reported_at_its_line(text, line):
    doc = parse(text, first_line=2)
    assert [(i.line, i.message) for i in doc.issues] == [(line, NO_CONTENT)]


def test_recursive_alias_is_refused_not_looped():
    doc = parse("a: &x [*x]\n")
    assert [i.message for i in doc.issues] == ["YAML too deep or too large"]


def test_a_long_document_is_read_whole_and_one_that_repeats_aliases_past_the_limit_not_at_all():
    places = "".join(f"- name: Place {i}\n  aliases: [P{i}]\n  kind: town\n" for i in range(8_000))  # 32,000 values
    doc = parse(places)  # a gazetteer, as a registry holds
    assert doc.issues == [] and len(doc.data) == 8_000
    assert doc.data[-1] == {"name": "Place 7999", "aliases": ["P7999"], "kind": "town"}
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdef", "bcdefg", strict=True)
    )
    doc = parse(laughs)  # 9^7 values from 7 lines: one issue, and nothing read to check item by item
    assert [(i.line, i.message) for i in doc.issues] == [(1, "YAML too deep or too large")] and doc.data is None


def test_non_scalar_key_is_an_issue():
    doc = parse("? [a, b]\n: 1\n")
    assert [i.message for i in doc.issues] == ["a field name must be plain text"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("author: !!bool maybe", "invalid YAML value 'maybe': not a valid !!bool (quote it to keep it as text)"),
        ("author: !!int abc", "invalid YAML value 'abc': not a valid !!int (quote it to keep it as text)"),
        ("author: !!float x", "invalid YAML value 'x': not a valid !!float (quote it to keep it as text)"),
        (
            "author: !!timestamp 2015-02-29",
            "invalid YAML value '2015-02-29': not a valid !!timestamp (quote it to keep it as text)",
        ),
        (
            "author: " + "9" * 5000,  # past Python's limit for reading an integer
            f"invalid YAML value '{'9' * 40}...': not a valid !!int (quote it to keep it as text)",
        ),
        (
            "author: 0x" + "f" * 5000,  # read, but too long to write as text
            f"invalid YAML value '0x{'f' * 38}...': not a valid !!int (quote it to keep it as text)",
        ),
        ("author: !!int ''", "invalid YAML value '': not a valid !!int (quote it to keep it as text)"),
        ("author: !!float _", "invalid YAML value '_': not a valid !!float (quote it to keep it as text)"),
        ("author: !!timestamp x", "invalid YAML value 'x': not a valid !!timestamp (quote it to keep it as text)"),
        (
            "author: " + "1:" * 200 + "1.5",  # a sexagesimal float past the largest float
            f"invalid YAML value '{'1:' * 20}...': not a valid !!float (quote it to keep it as text)",
        ),
        ("author: !mytag x", "invalid YAML value 'x': could not determine a constructor for the tag '!mytag'"),
        ("!mytag author: x", "invalid YAML value 'author': could not determine a constructor for the tag '!mytag'"),
        (
            "<<: 5",
            "invalid YAML: expected a mapping or list of mappings for merging, but found scalar "
            "while constructing a mapping",
        ),
    ],
)
def test_a_value_pyyaml_cannot_construct_is_a_one_line_issue_at_its_line(text, message):
    doc = parse(f"title: x\n{text}\n", first_line=2)
    assert [(i.line, i.message) for i in doc.issues] == [(3, message)]


def test_a_character_yaml_refuses_is_reported_at_its_line():
    doc = parse("title: x\nsummary: y\nauthor: a\x80b\n", first_line=2)
    assert [(i.line, i.message) for i in doc.issues] == [(4, "invalid YAML: character U+0080 is not allowed")]


@pytest.mark.parametrize("depth", [30, 100_000])  # composed, then read as events: 30,000 crashed the C composer
@pytest.mark.parametrize("above", ["", "title: x\n"], ids=["first-line", "later-line"])  # the first is line 0
def test_deep_nesting_is_an_issue_not_a_crash(depth, above):
    doc = parse(above + "author: " + "[" * depth + "]" * depth + "\n", first_line=2)
    assert [(i.line, i.message) for i in doc.issues] == [(2 + above.count("\n"), "YAML too deep or too large")]


@pytest.mark.parametrize(
    "text, line, hint",
    [
        ("title: Libya: weekly brief\n", 1, "a value holding ': ' must be quoted, e.g. title: \"Libya: weekly brief\""),
        ("title: x\n\tregion: W\n", 1, "indent with spaces: YAML does not allow tabs"),
        ("title: x\nactors:\n\t- ISIS\n", 3, "indent with spaces: YAML does not allow tabs"),  # libyaml's wording
        (
            "title: x\nregion: W\n\nTripoli clashes resumed overnight\n## Assessment\n",
            4,
            "is the closing '---' of the front matter missing above this line?",
        ),
        (  # the quote runs on to summary's opening one; the error is met after it, on line 3
            'title: "Zliten truck bomb\nregion: W\nsummary: "Dozens killed."\n',
            1,
            "is its closing quote missing? A quoted value ends only at the next quote, lines below",
        ),
        (
            "- name: 'Misrata\n  kind: city\n- name: 'Sirte'\n",
            1,
            "is its closing quote missing? A quoted value ends only at the next quote, lines below",
        ),
    ],
)
def test_a_syntax_error_an_author_often_makes_comes_with_a_hint(text, line, hint):
    [issue] = parse(text).issues
    assert (issue.line, issue.hint) == (line, hint)


def test_a_value_cut_short_by_a_comment_is_noted_but_a_comment_is_not():
    doc = parse("title: Report #12 on Sirte\nregion: West # the usual comment\nsummary: 'Kept #1'\n")
    assert doc.data == {"title": "Report", "region": "West", "summary": "Kept #1"}
    assert [(note.line, note.message) for note in doc.notes] == [
        (1, "text after ' #' is a YAML comment: read as 'Report'")
    ]
    assert doc.plain == {("title",), ("region",)}


class PurePython(yaml.SafeLoader):
    """The loader parse uses where PyYAML comes without libyaml."""

    yaml_implicit_resolvers = yamltree._Loader.yaml_implicit_resolvers


def test_a_lone_surrogate_pyyamls_own_reader_lets_through_is_an_issue_at_its_line(monkeypatch):
    monkeypatch.setattr(yamltree, "_Loader", PurePython)  # libyaml refuses `"\ud800"` itself
    doc = parse('title: x\nauthor: "a\\ud800b"\n"\\udfff": y\n', first_line=2)
    assert [(i.line, i.message, i.hint) for i in doc.issues] == [
        (3, "invalid YAML value 'a\\ud800b': U+D800 is half of a character", "remove its escape"),
        (4, "invalid YAML value '\\udfff': U+DFFF is half of a character", "remove its escape"),
    ]


@pytest.mark.parametrize("depth", [30, 600, 100_000])  # PyYAML's own composer recurses in Python: 600 overflowed it
def test_deep_nesting_is_an_issue_not_a_crash_without_libyaml_too(monkeypatch, depth):
    monkeypatch.setattr(yamltree, "_Loader", PurePython)
    doc = parse("title: x\nauthor: " + "[" * depth + "]" * depth + "\n", first_line=2)
    assert [(i.line, i.message) for i in doc.issues] == [(3, "YAML too deep or too large")]


@pytest.mark.parametrize("loader", [yamltree._Loader, PurePython], ids=["libyaml", "pyyaml"])
def test_an_escape_past_the_last_character_is_an_issue_at_its_line(monkeypatch, loader):
    monkeypatch.setattr(yamltree, "_Loader", loader)  # PyYAML's own scanner raised a ValueError from chr()
    doc = parse('title: x\nauthor: "a\\U00110000"\n', first_line=2)
    assert [(i.line, i.message) for i in doc.issues] == [
        (3, "invalid YAML: found invalid Unicode character escape code while parsing a quoted scalar")
    ]


def test_line_and_paragraph_separators_are_spaces_not_line_breaks():
    doc = parse('a: x\u2028y\nb: "p\u2029q"\n')
    assert (doc.data, doc.lines) == ({"a": "x y", "b": "p q"}, {(): 1, ("a",): 1, ("b",): 2})


def test_one_line_names_an_error_without_a_message_by_its_type():
    assert [one_line(ValueError("")), one_line(ValueError("first\nsecond")), one_line(yaml.MarkedYAMLError())] == [
        "ValueError",
        "first",
        "syntax error",
    ]


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ('actors: !!python/object/apply:os.system ["touch x"]', "!!python/object/apply:os.system"),
        ("actors: !mytag [a, b]", "!mytag"),
        ("actors: !!str [a]", "!!str"),
        ("actors: !!set {a, b}", "!!set"),
        ("actors: !!omap [{a: 1}]", "!!omap"),
        ("actors: !!python/name:os.system {a: 1}", "!!python/name:os.system"),
    ],
)
def test_a_tagged_list_or_mapping_is_an_issue_not_read_as_untagged(text, tag):
    doc = parse(f"title: x\n{text}\n", first_line=2)  # its contents were read as if the tag were not there
    issue = (3, f"invalid YAML value: a list or mapping tagged '{tag}'", "remove the tag")
    assert ([(i.line, i.message, i.hint) for i in doc.issues], doc.data) == ([issue], {"title": "x", "actors": None})
    assert ("actors",) in doc.unread


def test_a_list_or_mapping_tagged_as_what_it_is_is_read():
    assert parse("actors: !!seq [a]\nsummary: !!map {a: b}\n").data == {"actors": ["a"], "summary": {"a": "b"}}
