"""Moved reports: old URLs that point to a report (redirect_from), and warnings for URLs that moved unredirected."""

import json
import re
from dataclasses import replace

import pytest

from conftest import SETTINGS, report, report_text, run_build, run_check
from sitrep import pipeline
from sitrep.build import read_settings
from sitrep.generator import own_settings
from sitrep.moves import moved_urls
from sitrep.search import PAGES_FILE

OLD, NEW = "r/old/", "r/new/"


def test_a_report_whose_url_moved_is_warned_about_and_the_old_url_remembered():
    moved = replace(report("a", "2016-01-12"), url=NEW, path="reports/a.md", url_line=2)
    problems, remembered = moved_urls([moved], {"reports/a.md": [OLD]})
    assert [p.format() for p in problems] == [
        f"a:2: warning: URL moved from {OLD} to {NEW} since an earlier build: links to the old one break "
        f"(add 'redirect_from: {OLD}')"
    ]
    assert remembered == {"reports/a.md": [NEW, OLD]}  # warned again next time, until redirected


@pytest.mark.parametrize(
    "redirects, other_url",
    [((OLD,), "r/b/"), ((), OLD)],  # redirected; or another report took the URL: links lead somewhere
)
def test_an_old_url_something_serves_is_forgotten(redirects, other_url):
    moved = replace(report("a", "2016-01-12"), url=NEW, path="reports/a.md", redirect_from=redirects)
    other = replace(report("b", "2016-01-11"), url=other_url, path="reports/b.md")
    problems, remembered = moved_urls([moved, other], {"reports/a.md": [OLD]})
    assert problems == []
    assert remembered == {"reports/a.md": [NEW], "reports/b.md": [other_url]}


def test_a_damaged_memory_of_urls_is_ignored():
    unmoved = replace(report("a", "2016-01-12"), path="reports/a.md")
    assert moved_urls([unmoved], {"reports/a.md": "r/x/"})[0] == []
    assert moved_urls([unmoved], {"reports/a.md": [3, None]})[0] == []


def plan(content):
    return pipeline.run(content, own_settings(read_settings(SETTINGS, content, content)))


def test_an_old_url_on_a_page_of_the_site_or_in_its_own_folders_is_an_error(site_dir):
    old = "[actors/islamic-state/, pagefind/x/, feeds/all.atom.xml, reports/2016/01/before/]"
    content = site_dir({"reports/2016/01/a.md": report_text("After", actors="[Islamic State]", redirect_from=old)})
    outcome = plan(content)
    assert [p.format().split(": ", 1)[1] for p in outcome.problems] == [
        "redirect_from actors/islamic-state/ is also a page of the site (remove it from redirect_from)",
        "redirect_from feeds/all.atom.xml/ would need a folder where the site has the file feeds/all.atom.xml "
        "(remove it from redirect_from)",
        "redirect_from pagefind/x/ is in pagefind/, which holds the site's own files (remove it from redirect_from)",
    ]
    assert [p.line for p in outcome.problems] == [6, 6, 6]


def test_a_check_finds_an_old_url_on_a_page_of_the_site_as_a_build_does(site_dir):
    content = site_dir({"reports/2016/01/a.md": report_text("After", redirect_from="[timeline/]")})
    code, messages = run_check(content)
    assert code == 1
    assert "reports/2016/01/a.md:6: redirect_from timeline/ is also a page of the site" in messages


def test_an_old_url_on_a_page_is_found_in_the_same_run_as_other_errors(site_dir):
    content = site_dir(
        {
            "reports/2016/01/a.md": report_text("After", redirect_from="[timeline/]"),
            "reports/2016/01/b.md": report_text("Broken", "2016-02-30"),  # refused: the other pages still planned
        }
    )
    code, messages = run_check(content)
    assert code == 1 and [line.split(": ", 1)[1] for line in messages.splitlines()[:2]] == [
        "redirect_from timeline/ is also a page of the site (remove it from redirect_from)",
        "date '2016-02-30' is not a real day "
        "(use YYYY-MM-DD or an ISO 8601 date-time with offset, e.g. 2016-01-19T18:30:00+01:00)",
    ]


def test_a_retitled_report_warns_until_its_old_url_points_to_it(site_dir, tmp_path):
    content = site_dir({"reports/2016/01/a.md": report_text("Before")})
    out = tmp_path / "out"
    assert run_build(content, out)[0] == 0
    (content / "reports/2016/01/a.md").write_text(report_text("After"))
    warned = "reports/2016/01/a.md:2: warning: URL moved from reports/2016/01/before/ to reports/2016/01/after/"
    for _ in range(2):  # the build after the edit, then one with nothing changed
        code, messages = run_build(content, out)
        assert code == 0 and warned in messages and "1 warning" in messages
    (content / "reports/2016/01/a.md").write_text(report_text("After", redirect_from="reports/2016/01/before/"))
    code, messages = run_build(content, out)
    assert code == 0 and "0 warnings" in messages
    pointer = (out / "reports/2016/01/before/index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../../../../reports/2016/01/after/">' in pointer
    assert '<p>This report has moved to <a href="../../../../reports/2016/01/after/">After</a>.</p>' in pointer
    assert re.search(r"<title>Moved: After</title>", pointer)
    searched = json.loads((tmp_path / ".out.cache" / PAGES_FILE).read_text())
    assert list(searched) == ["reports/2016/01/after/index.html"]  # the pointer is not a report to search
