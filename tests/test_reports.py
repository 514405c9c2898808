"""The report schema: every error case, with its exact message, from small fixture files."""

import time
from pathlib import Path

import pytest

from conftest import FIXTURES, report_text
from sitrep.entities import Entity, Registry, load_registry
from sitrep.problems import as_github
from sitrep.reports import read_report
from sitrep.schema import names, site_urls
from sitrep.settings import load

CONFIG = load({})[0]
DATE_HINT = "(use YYYY-MM-DD or an ISO 8601 date-time with offset, e.g. 2016-01-19T18:30:00+01:00)"

INVALID = {
    "yaml-syntax.md": ["2: invalid YAML: found unexpected end of stream while scanning a quoted scalar"],
    "no-front-matter.md": [
        "1: no front matter (start the file with a '---' line, the YAML fields, then another '---')"
    ],
    "unclosed.md": ["1: front matter is not closed (add a '---' line after the fields)"],
    "missing-date.md": ["1: missing required field 'date'"],
    "impossible-date.md": [f"3: date '2015-02-29' is not a real day {DATE_HINT}"],
    "naive-datetime.md": [f"3: date '2016-01-12T10:00:00' has no UTC offset {DATE_HINT}"],
    "actors-mapping.md": ["6: actors must be a name or a list of names, not a mapping (write [First, Second])"],
    "bad-item.md": ["7: actors item 2 must be text, not a list"],
    "unknown-status.md": ["6: status must be 'published' or 'draft', not 'final'"],
    "escaping-slug.md": [
        "6: slug '../../../etc/passwd' is not allowed (use lowercase letters, digits and hyphens, e.g. 'etc-passwd')"
    ],
    "not-mapping.md": ["2: expected a mapping of fields, found a list"],
    "outside-redirect.md": [
        "8: redirect_from 'https://example.org/reports/old/' is not a plain path inside the site "
        "(use letters, digits, '.', '_', '~', '-' and slashes, e.g. reports/2016/01/old-title/)"
    ],
    "boolean-region.md": ["4: region must be a name or a list of names, not true/false (quote it)"],
    "updated-before.md": ["4: updated 2016-01-10 is before date 2016-01-12"],
    "updated-earlier-time.md": ["4: updated 2016-01-09T09:00:00+01:00 is before date 2016-01-09T18:00:00+01:00"],
    "duplicate-field.md": ["3: duplicate field 'title'"],
    "empty-title.md": ["2: title is empty", "4: region needs at least one name"],
    "latin1.md": ["2: file is not UTF-8 (byte 0xe9 cannot be decoded) (save the file as UTF-8)"],
    "escaped-control.md": [
        f"{line}: {field} holds control character {code}, which feeds cannot carry "
        "(remove the escape that makes it, e.g. \\a or \\x07)"
        for line, field, code in [(2, "title", "U+0007"), (5, "actors item 1", "U+001B"), (6, "summary", "U+0000")]
    ],
    "escaped-bidi.md": [
        f"{line}: {field} holds bidi control character {code}, which can show text in another order than it is "
        "written (remove the escape that makes it, e.g. \\u202E)"
        for line, field, code in [(2, "title", "U+202E"), (5, "actors item 1", "U+2066")]
    ],
    "referenced-bidi.md": [
        f"{line}: body holds bidi control character {codes}, which can show text in another order than it is "
        "written (remove the character reference or %-escape that makes it, e.g. &#x202E; or %E2%80%AE)"
        for line, codes in [(7, "U+202E, U+202C"), (9, "U+2066"), (13, "U+202E"), (15, "U+2067")]
    ],
    "many-problems.md": [
        "2: title must be text, not a list",
        f"3: date '12/01/2016' is not a date {DATE_HINT}",
        "6: locations must be a name or a list of names, not a mapping (write [First, Second])",
    ],
}


def read(path: Path, registry: Registry | None = None):
    return read_report(path.name, path.read_bytes(), CONFIG, registry or Registry())


def test_every_invalid_fixture_is_listed():
    assert sorted(p.name for p in (FIXTURES / "invalid").iterdir()) == sorted(INVALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_report(name):
    result = read(FIXTURES / "invalid" / name)
    assert result.report is None
    assert [p.format() for p in result.problems] == [f"{name}:{line}" for line in INVALID[name]]


@pytest.mark.parametrize(
    "given, url",
    [
        ("reports/2016/01/old", "reports/2016/01/old/"),
        ("/reports/2016/01/old/index.html", "reports/2016/01/old/"),
        ("2016/old.html", "2016/old.html"),
    ],
)
def test_redirect_from_takes_paths_inside_the_site_as_urls(given, url):
    assert site_urls("redirect_from", given) == (url,)


@pytest.mark.parametrize(
    "given, message",
    [
        ("index.html", "is the site's home page"),
        ("reports/../../etc/", "may not use '.', '..' or a name starting with '.'"),
        (".git/", "may not use '.', '..' or a name starting with '.'"),  # the README has servers refuse them
        ("old/.well-known/x.html", "may not use '.', '..' or a name starting with '.'"),
        ("reports//old/", "is not a plain path inside the site"),
        ("reports/old?id=3", "is not a plain path inside the site"),
    ],
)
def test_redirect_from_refuses_what_is_not_an_old_address_in_the_site(given, message):
    assert site_urls("redirect_from", given).message == f"redirect_from '{given}' {message}"


def test_full_report_fields():
    report = read(FIXTURES / "valid" / "full.md").report
    assert report is not None
    assert (report.title, report.slug, report.url) == (
        "Western – 12 Jan 2016",
        "custom-slug",
        "reports/2016/01/custom-slug/",
    )
    assert report.save_as == "reports/2016/01/custom-slug/index.html"
    assert report.actors == ("Italy", "ISIS", "Presidency Council")
    assert report.sources == ("UNSMIL statement", "https://unsmil.unmissions.org/")
    assert (report.author, report.status, report.updated.iso()) == ("J. Rahman", "published", "2016-01-14")
    assert report.summary == "One or two sentences."


def test_summary_defaults_to_first_paragraph_and_slug_to_title():
    report = read(FIXTURES / "valid" / "minimal.md").report
    assert report.summary == "First paragraph wraps here."
    assert report.slug == "minimal"
    assert report.regions == ("Western", "National")
    assert report.published.isoformat() == "2016-01-19T18:30:00+01:00"


def test_bom_crlf_and_single_name_for_list():
    report = read(FIXTURES / "valid" / "bom-crlf.md").report
    assert (report.title, report.actors) == ("BOM and CRLF", ("IS",))


def test_aliases_resolve_case_insensitively_and_fold_repeats():
    registry, problems = load_registry(
        {"actors": ("actors.yaml", "- name: Islamic State\n  aliases: [ISIS, IS, Daesh]\n")}
    )
    assert problems == []
    raw = b"---\ntitle: T\ndate: 2016-01-12\nregion: W\nactors: [ isis , Daesh, Italy, ITALY]\n---\n"
    report = read_report("t.md", raw, CONFIG, registry).report
    assert report.actors == ("Islamic State", "Italy", "ITALY")


def test_an_entity_named_twice_in_the_front_matter_is_linked_once_in_the_body():
    registry = load_registry({"actors": ("actors.yaml", "- name: Islamic State\n  aliases: [ISIS, Daesh]\n")})[0]
    body = "ISIS struck; later daesh withdrew. Zintan Brigade, then ZINTAN BRIGADE.\n"
    text = report_text("T", actors="[daesh, ISIS, Zintan Brigade, ZINTAN BRIGADE]", body=body)
    html = read_report("t.md", text.encode(), CONFIG, registry).report.body_html
    assert html.count('href="../../../../actors/islamic-state/"') == 1  # its first mention only
    assert html.count('href="../../../../actors/zintan-brigade/"') == 1


def test_a_value_with_a_line_break_is_still_a_one_line_problem():
    raw = b'---\ntitle: T\ndate: 2016-01-12\nregion: W\nactors: []\nstatus: "pub\\nlished"\n"a\\nb": 1\n---\n'
    problems = read_report("t.md", raw, CONFIG, Registry()).problems
    assert [p.format() for p in problems] == [
        "t.md:7: warning: unknown field 'a\\nb' (known fields: title, date, region, actors, locations, category, "
        "summary, sources, author, status, slug, updated, redirect_from)",
        "t.md:6: status must be 'published' or 'draft', not 'pub\\nlished'",
    ]


def test_a_value_with_a_terminal_escape_or_another_line_end_is_shown_escaped():
    raw = b'---\ntitle: T\ndate: 2016-01-12\nregion: W\nactors: []\nstatus: "\\e[31mred\\N\\L"\n---\n'
    problem = read_report("t.md", raw, CONFIG, Registry()).problems[0]
    assert problem.format() == "t.md:6: status must be 'published' or 'draft', not '\\x1b[31mred\\x85\\u2028'"
    assert as_github(problem) == (
        "::error file=t.md,line=6::status must be 'published' or 'draft', not '\\x1b[31mred\\x85\\u2028'"
    )


def test_a_file_name_with_a_bidi_control_is_shown_escaped():
    # Not cleaned as the file's text is: 'x\u202edm.exe.md' showed in a terminal as 'xexe.md' reversed.
    raw = b"---\ntitle: T\ndate: 2016-01-12\nregion: W\nactors: []\nstatus: final\n---\n"
    problem = read_report("x\u202edm.exe.md", raw, CONFIG, Registry()).problems[0]
    assert problem.format() == "x\\u202edm.exe.md:6: status must be 'published' or 'draft', not 'final'"
    assert as_github(problem).startswith("::error file=x\\u202edm.exe.md,line=6::")


def test_unknown_field_is_a_warning_with_suggestion():
    raw = b"---\ntitle: T\ndate: 2016-01-12\nregion: W\nactors: []\nactor: [x]\n---\nx\n"
    result = read_report("t.md", raw, CONFIG, Registry())
    assert result.report is not None
    assert [p.format() for p in result.problems] == ["t.md:6: warning: unknown field 'actor' (did you mean 'actors'?)"]


def test_a_control_character_in_the_body_is_removed_with_a_warning():
    raw = b"---\ntitle: T\ndate: 2016-01-12\nregion: W\nactors: []\n---\nPasted\x0btext.\n"
    result = read_report("t.md", raw, CONFIG, Registry())
    assert result.report is not None and "Pasted" in result.report.body_html and "\x0b" not in result.report.body_html
    hint = "delete it: it came with pasted text, and pages, feeds or YAML cannot carry it"
    assert [p.format() for p in result.problems] == [f"t.md:7: warning: control character U+000B removed ({hint})"]


def test_a_slug_longer_than_a_folder_name_can_be_is_an_error():
    title = " ".join(["Word"] * 60)  # 299 characters of slug
    raw = f"---\ntitle: {title}\ndate: 2016-01-12\nregion: W\nactors: []\n---\nx\n".encode()
    assert [p.format() for p in read_report("t.md", raw, CONFIG, Registry()).problems] == [
        "t.md:2: title gives a slug that is 299 characters long, more than a folder name can be (255)"
        " (add a shorter 'slug' field)"
    ]
    raw = f"---\ntitle: T\nslug: {'a' * 256}\ndate: 2016-01-12\nregion: W\nactors: []\n---\nx\n".encode()
    assert [p.format() for p in read_report("t.md", raw, CONFIG, Registry()).problems] == [
        "t.md:3: slug is 256 characters long, more than a folder name can be (255) (shorten it)"
    ]
    raw = f"---\ntitle: T\nslug: {'a' * 255}\ndate: 2016-01-12\nregion: W\nactors: []\n---\nx\n".encode()
    assert read_report("t.md", raw, CONFIG, Registry()).problems == []


def test_an_image_is_a_warning_at_its_line():
    text = report_text("Images", body="First.\n\nSee ![map](https://example.org/m.png).\n\n![plan](plan.png)\n")
    result = read_report("a.md", text.encode(), CONFIG, Registry())
    assert [p.format() for p in result.problems] == [
        "a.md:9: warning: image from another host shown as a link: https://example.org/m.png "
        "(readers on a network without internet cannot load it)",
        "a.md:11: warning: image 'plan.png' shown as its description (the site publishes no files from the "
        "content: describe it, or link to where it is kept)",
    ]


def test_entity_registry_problems():
    text = "- name: A\n  aliases: [X]\n- name: B\n  aliases: [x]\n- name: C\n  lat: 100\n- aliases: [Y]\n"
    _, problems = load_registry({"locations": ("locations.yaml", text)})
    assert [p.format() for p in problems] == [
        "locations.yaml:6: lat 100 is outside -90 to 90",
        "locations.yaml:5: give both lat and lon, or neither",  # C has a lat, out of range, and no lon
        "locations.yaml:7: missing required field 'name'",
        "locations.yaml:4: 'x' is already a name or alias of 'A'",  # at the alias, not its entry
    ]


def test_a_lat_out_of_range_is_not_also_a_missing_one():
    _, problems = load_registry({"locations": ("locations.yaml", "- name: Foo\n  lat: 132.5\n  lon: 13\n")})
    assert [p.format() for p in problems] == ["locations.yaml:2: lat 132.5 is outside -90 to 90"]


def test_registry_names_that_cannot_each_have_their_own_url_are_errors():
    long = "Brigade " * 40
    text = (
        "- name: Gamma Unit\n"
        "- name: Gamma-Unit\n"  # another entity, the same URL
        "- name: Alpha\n  aliases: [Red Wing]\n"
        "- name: Beta\n  aliases: [Red-Wing]\n"  # two aliases, one pointer page
        "- name: '🔥🔥'\n"  # no URL at all
        f"- name: {long}\n"
    )
    _, problems = load_registry({"actors": ("actors.yaml", text)})
    assert [p.format() for p in problems] == [
        "actors.yaml:2: 'Gamma-Unit' and 'Gamma Unit' (of 'Gamma Unit') would share the URL slug 'gamma-unit' "
        "(spell them apart)",
        "actors.yaml:6: 'Red-Wing' and 'Red Wing' (of 'Alpha') would share the URL slug 'red-wing' (spell them apart)",
        "actors.yaml:7: '🔥🔥' gives an empty URL slug (spell it with letters or digits)",
        f"actors.yaml:8: '{long.strip()[:40]}...' gives a URL slug longer than a folder name can be (255) (shorten it)",
    ]


def test_registry_entity_details():
    text = "- name: Es Sider\n  aliases: [Sidra]\n  region: Eastern\n  lat: 30.63\n  lon: 18.35\n"
    registry, problems = load_registry({"locations": ("l.yaml", text)})
    assert problems == []
    assert registry.entity("locations", "SIDRA") == Entity("Es Sider", ("Sidra",), None, None, "Eastern", 30.63, 18.35)
    assert registry.canonical("actors", "Sidra") == "Sidra"


def test_a_registry_name_with_an_escaped_control_character_is_an_error():
    _, problems = load_registry({"actors": ("actors.yaml", '- name: "Reg\\x07Name"\n  aliases: ["A\\x01"]\n')})
    hint = "(remove the escape that makes it, e.g. \\a or \\x07)"
    assert [p.format() for p in problems] == [
        f"actors.yaml:1: name holds control character U+0007, which feeds cannot carry {hint}",
        f"actors.yaml:2: aliases item 1 holds control character U+0001, which feeds cannot carry {hint}",
    ]


@pytest.mark.parametrize(
    "actors, warned",
    [
        ("ISIS, LNA", "actors 'ISIS, LNA' is read as one name"),
        ("ISIS; LNA", "actors 'ISIS; LNA' is read as one name"),
        ("'Smith, John'", ""),  # quoted: one name, as meant
        ("[ISIS, LNA]", ""),
    ],
)
def test_names_written_as_one_text_with_commas_are_a_warning(actors, warned):
    result = read_report("t.md", report_text("T", "2016-01-09", actors=actors).encode(), CONFIG, Registry())
    hint = "(for several names write [First, Second]; quote the text if it is one name)"
    assert [p.format() for p in result.problems] == ([f"t.md:5: warning: {warned} {hint}"] if warned else [])


FRONT = "---\ntitle: T\ndate: 2016-01-12\nregion: W\nactors: []\n{}---\nx\n"


@pytest.mark.parametrize(
    "path, raw, problem",
    [
        (
            "reports/2016/02/t.md",
            FRONT.replace("2016-01-12", "2016-01-31").format(""),
            "reports/2016/02/t.md:3: warning: file is in 2016/02/ but dated 2016-01-31 "
            "(move it to 2016/01/ before it is published (its feed id is its path), or correct the date)",
        ),
        (
            "t.md",
            FRONT.replace("title: T", "title: '–––'").format(""),
            "t.md:2: title gives an empty slug (add a 'slug' field)",
        ),
        (
            "t.md",
            FRONT.format("draft: true\n"),
            "t.md:6: warning: unknown field 'draft' (write 'status: draft' (a report with 'draft: true' is published))",
        ),
        (
            "t.md",
            FRONT.replace("2016-01-12", "“2016-01-12”").format(""),
            "t.md:3: date '“2016-01-12”' is not a date (write straight quotes (\") or none)",  # an editor's quotes
        ),
    ],
)
def test_a_front_matter_mistake_gives_its_one_exact_problem(path, raw, problem):
    result = read_report(path, raw.encode(), CONFIG, Registry())
    assert [p.format() for p in result.problems] == [problem]


@pytest.mark.parametrize(
    "body, problems",
    [
        (  # links that cannot work, each at its own line, not its paragraph's first
            "Intro [root](/reports/) and [relative](../other/) and\n"
            "[nowhere](#nope), [heading](#h-section-two)[^1], [note](#fn1), [mail](mailto:a@b.c), [far](//x.org/)\n"
            "![map](map.png)\n\n## Section two\n\n[^1]: Note.\n",
            [
                "t.md:9: warning: image 'map.png' shown as its description "
                "(the site publishes no files from the content: describe it, or link to where it is kept)",
                "t.md:7: warning: link '/reports/' starts at the site's root: under a sub-path it breaks "
                "(write it relative to the report (e.g. ../../02/) or as a full address)",
                "t.md:8: warning: link '#nope' points to no heading or footnote of this report "
                "(a heading's id is 'h-' and its text in lower case, with hyphens for spaces: #h-background)",
            ],
        ),
        (  # a note's repeated mark has an id of its own, which a link may reach
            "A[^1] and again[^1]: [back](#fnref1:1), [no](#fnref1:2)\n\n[^1]: Note.\n",
            [
                "t.md:7: warning: link '#fnref1:2' points to no heading or footnote of this report "
                "(a heading's id is 'h-' and its text in lower case, with hyphens for spaces: #h-background)",
            ],
        ),
        (  # marks Markdown left as text; a link with a scheme that is not allowed is dropped as meant
            "See [x](https://x/a page) and\nnote[^missing], [ok](https://x/)[^1], [plain] and `[c](d)`"
            " and [unsafe](javascript:alert(1))\n\n[^1]: Real.\n",
            [
                "t.md:7: warning: [x](https://x/a page) is not read as a link "
                "(an address may not hold spaces: write %20, or put it in <angle brackets>)",
                "t.md:8: warning: footnote [^missing] has no note (add its note at the end: [^missing]: The note's text.)",
            ],
        ),
    ],
)
@pytest.mark.parametrize("render_body", [True, False], ids=["build", "check"])  # a check finds them too
def test_what_cannot_work_in_a_body_is_a_warning_at_its_line(body, problems, render_body):
    raw = report_text("T", "2016-01-09", body=body).encode()
    result = read_report("t.md", raw, CONFIG, Registry(), render_body=render_body)
    assert [p.format() for p in result.problems] == problems


@pytest.mark.parametrize("render_body", [True, False], ids=["build", "check"])
def test_a_mark_left_as_text_around_an_actor_s_name_is_a_warning_in_a_build_too(render_body):
    body = "See [UNSMIL](https://x/a page) and\nnote[^UNSMIL].\n"  # a build links the name inside each mark
    raw = report_text("T", "2016-01-09", body=body, actors="[UNSMIL]").encode()
    result = read_report("t.md", raw, CONFIG, Registry(), render_body=render_body)
    assert [p.format() for p in result.problems] == [
        "t.md:7: warning: [UNSMIL](https://x/a page) is not read as a link "
        "(an address may not hold spaces: write %20, or put it in <angle brackets>)",
        "t.md:8: warning: footnote [^UNSMIL] has no note (add its note at the end: [^UNSMIL]: The note's text.)",
    ]


@pytest.mark.parametrize(
    "field, line, value",
    [('title: !!int ""', 2, "''"), ("actors: [ISIS, !!int '']", 5, "''"), ("author: !!timestamp x", 6, "'x'")],
)
def test_a_value_yaml_cannot_make_is_said_once_not_also_as_missing(field, line, value):
    name = field.split(":")[0]
    text = report_text("T", actors="[ISIS]", author="Ann")
    text = "\n".join(field if row.startswith(f"{name}:") else row for row in text.split("\n"))
    read = read_report("a.md", text.encode(), CONFIG, Registry())
    said = f"invalid YAML value {value}: not a valid !!{field.split('!!')[1].split()[0]} (quote it to keep it as text)"
    assert [p.format() for p in read.problems] == [f"a.md:{line}: {said}"]


def test_a_list_of_names_drops_repeats_in_linear_time():
    aliases = [f"Alias {i}" for i in range(50_000)]  # checking each against those kept took 20 s
    started = time.perf_counter()
    assert names("aliases", [*aliases, "Alias 7", "Alias 0"]) == tuple(aliases)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("render", [True, False], ids=["build", "check"])
def test_a_list_nested_past_the_parsers_limit_is_an_error_at_its_line(render):
    items = "".join("  " * depth + "- item\n" for depth in range(10))  # markdown-it dropped the rest unsaid
    raw = f"---\ntitle: T\ndate: 2016-01-12\nregion: W\nactors: []\n---\nIntro.\n\n{items}\nAfter.\n".encode()
    result = read_report("t.md", raw, CONFIG, Registry(), render_body=render)
    hint = "(nest lists at most 9 levels, quotes 19)"
    assert [p.format() for p in result.problems] == [
        f"t.md:18: lists or quotes nested too deep: text from here would be left out {hint}"
    ]


def test_a_list_nested_nine_deep_is_read_whole():
    items = "".join("  " * depth + "- item\n" for depth in range(9))
    raw = f"---\ntitle: T\ndate: 2016-01-12\nregion: W\nactors: []\n---\n{items}\nAfter.\n".encode()
    result = read_report("t.md", raw, CONFIG, Registry())
    assert result.problems == [] and "After." in result.report.body_html
