import pytest

from conftest import CONFIG, report_text
from sitrep.crosslinks import link_reports, target_path
from sitrep.entities import Registry
from sitrep.reports import read_report


def read(path: str, title: str, date: str, body: str = "Body.\n", **fields: str):
    raw = report_text(title, date, body=body, **fields).encode()
    found = read_report(f"content/{path}", raw, CONFIG, Registry(), path)
    assert found.report is not None, found.problems
    return found.report


@pytest.mark.parametrize(
    "source, href, expected",
    [
        ("reports/2016/02/b.md", "../01/a.md", ("reports/2016/01/a.md", "")),
        ("reports/2016/02/b.md", "c.md#h-outlook", ("reports/2016/02/c.md", "#h-outlook")),
        ("reports/2016/02/b.md", "./../../2016/01/%D8%A3.md", ("reports/2016/01/أ.md", "")),
        ("reports/2016/02/b.md", "../../../../etc/x.md", ("../etc/x.md", "")),  # outside: no report is there
    ],
)
def test_a_link_reaches_the_file_at_its_path_from_the_report(source, href, expected):
    assert target_path(source, href) == expected


def test_a_link_to_a_report_file_points_at_its_page_and_in_feeds_at_its_address():
    older = read("reports/2016/01/a.md", "Oil crescent", "2016-01-05", body="## X\n\nText.\n")
    newer = read("reports/2016/02/b.md", "Sirte", "2016-02-03", body="After [the attacks](../01/a.md#h-x).\n")
    (linked, _), drafts, problems = link_reports([newer, older], [], "https://desk.example/")
    assert drafts == () and problems == []
    assert '<a href="../../../../reports/2016/01/oil-crescent/#h-x">the attacks</a>' in linked.body_html
    assert '<a href="https://desk.example/reports/2016/01/oil-crescent/#h-x">the attacks</a>' in linked.feed_html
    assert linked.digest != newer.digest  # its page is made again when the other report moves


def test_a_link_to_no_published_report_is_a_warning_at_its_line_and_left_as_written():
    hidden = read("reports/2016/01/a.md", "Hidden", "2016-01-05", status="draft")
    body = "Intro.\n\nSee [draft](../01/a.md), [gone](gone.md) and [x](../01/a.md#h-y).\n"
    linking = read("reports/2016/02/b.md", "Sirte", "2016-02-03", body=body)
    (linked,), (draft,), problems = link_reports([linking], [hidden], "")
    assert [p.format() for p in problems] == [
        "content/reports/2016/02/b.md:9: warning: link '../01/a.md' points to a draft, which is not published "
        "(publish that report first, or link to it later)",
        "content/reports/2016/02/b.md:9: warning: link 'gone.md' points to no report "
        "(link to a report's file by its path from this one, e.g. ../02/2016-02-01-slug.md)",
        "content/reports/2016/02/b.md:9: warning: link '../01/a.md#h-y' points to a draft, which is not published "
        "(publish that report first, or link to it later)",
    ]
    assert '<a href="../01/a.md">draft</a>' in linked.body_html and '<a href="gone.md">gone</a>' in linked.body_html
    assert draft == hidden


def test_a_report_without_links_to_report_files_is_left_as_it_is():
    plain = read("reports/2016/01/a.md", "Plain", "2016-01-05", body="[Far](https://x.org/a.md) and [up](/r/a.md).\n")
    assert link_reports([plain], [], "")[0] == (plain,)


def test_a_link_to_a_heading_the_other_report_lacks_is_a_warning():
    target = read("reports/2016/01/a.md", "Oil crescent", "2016-01-05", body="## Casualties\n\nNote[^1].\n\n[^1]: N.\n")
    body = "[ok](../01/a.md#h-casualties) [note](../01/a.md#fn1) [bad](../01/a.md#h-deaths)\n"
    linking = read("reports/2016/02/b.md", "Sirte", "2016-02-03", body=body)
    assert [p.format() for p in link_reports([linking, target], [], "")[2]] == [
        "content/reports/2016/02/b.md:7: warning: link '../01/a.md#h-deaths' points to no heading or footnote of "
        "that report (a heading's id is 'h-' and its text in lower case, with hyphens for spaces: #h-background)"
    ]


def test_a_link_in_an_inline_note_points_at_its_page_and_later_links_at_theirs():
    first = read("reports/2016/01/a.md", "Oil crescent", "2016-01-05")
    second = read("reports/2016/01/c.md", "Zliten", "2016-01-07")
    body = "Intro.\n\nA^[see [first](../01/a.md)] B[^1].\n\n[^1]: Also [second](../01/c.md) and [gone](../01/x.md).\n"
    linking = read("reports/2016/02/b.md", "Sirte", "2016-02-03", body=body)
    (linked, *_), _, problems = link_reports([linking, second, first], [], "")
    assert '<a href="../../../../reports/2016/01/oil-crescent/">first</a>' in linked.body_html
    assert '<a href="../../../../reports/2016/01/zliten/">second</a>' in linked.body_html
    assert "sitrep-report:" not in linked.body_html + linked.feed_html
    assert [p.format() for p in problems] == [
        "content/reports/2016/02/b.md:11: warning: link '../01/x.md' points to no report "
        "(link to a report's file by its path from this one, e.g. ../02/2016-02-01-slug.md)"
    ]
