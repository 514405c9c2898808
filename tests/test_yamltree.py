from sitrep.yamltree import parse


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


def test_recursive_alias_is_refused_not_looped():
    doc = parse("a: &x [*x]\n")
    assert [i.message for i in doc.issues] == ["YAML too deep or too large"]


def test_non_scalar_key_is_an_issue():
    doc = parse("? [a, b]\n: 1\n")
    assert [i.message for i in doc.issues] == ["a field name must be plain text"]
