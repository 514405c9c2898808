"""End-to-end: build small fixture sites into tmp_path and read the output."""

import errno
import gc
import io
import locale
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

import sitrep.build
import sitrep.generator
import sitrep.site
from conftest import ROOT, SETTINGS, report_text, run_build, run_check, settings_file, tree, write_tree
from sitrep.build import Tally, build, clean
from sitrep.generator import SitrepGenerator
from sitrep.problems import ContentError

HREF = re.compile(r'(?:href|src)="([^"]*)"')


@pytest.fixture
def small_site(site_dir):
    return site_dir(
        {
            "reports/2016/01/zliten.md": report_text(
                "Zliten <script>alert(1)</script> bomb",
                "2016-01-07",
                actors="[IS, '<b>Bold</b> actor']",
                locations="[Zliten]",
                category="Security",
                sources='["https://example.org/a", "javascript:alert(1)"]',
                body="First *paragraph*.\n\n<iframe src=x></iframe> [bad](javascript:alert(1))\n",
            ),
            "reports/2016/01/cabinet.md": report_text(
                "Cabinet named", "2016-01-19T18:30:00+01:00", region="[Western, National]"
            ),
            "reports/2016/01/secret.md": report_text("Secret draft", "2016-01-20", status="draft"),
            "entities/actors.yaml": "- name: Islamic State\n  aliases: [IS, ISIS, Daesh]\n",
        }
    )


def test_build_writes_report_pages_home_and_theme(small_site, tmp_path):
    code, messages = run_build(small_site, tmp_path / "out")
    assert code == 0, messages
    files = tree(tmp_path / "out")
    assert {
        "index.html",
        "reports/2016/01/cabinet-named/index.html",
        "reports/2016/01/zliten-script-alert-1-script-bomb/index.html",
        "theme/css/sitrep.css",
    } <= set(files)
    assert re.search(
        r"^built 2 reports \(1 draft left out\), 33 pages, 11 feeds, 0 warnings in [\d.]+ s -> ", messages, re.M
    )  # with the three aliases' timeline pointers and feeds


def test_every_file_is_readable_by_a_web_server_whatever_the_umask(small_site, tmp_path):
    previous = os.umask(0o077)  # a user who keeps their files private
    try:
        code, messages = run_build(small_site, tmp_path / "out")
        assert os.umask(0o077) == 0o077  # the build gave the umask back
    finally:
        os.umask(previous)
    assert code == 0, messages
    modes = {oct(path.stat().st_mode & 0o777) for path in (tmp_path / "out").rglob("*")}
    assert modes == {"0o644", "0o755"}


def test_markup_is_inert_everywhere(small_site, tmp_path):
    run_build(small_site, tmp_path / "out")
    page = (tmp_path / "out/reports/2016/01/zliten-script-alert-1-script-bomb/index.html").read_text()
    assert "<script>" not in page and "<iframe" not in page and "<b>Bold" not in page
    assert '<h1 data-pagefind-meta="title">Zliten &lt;script&gt;alert(1)&lt;/script&gt; bomb</h1>' in page
    assert "&lt;b&gt;Bold&lt;/b&gt; actor" in page
    assert "javascript:" not in page.replace("[bad](javascript:alert(1))", "").replace(
        "<li>javascript:alert(1)</li>", ""
    )
    assert '<a href="https://example.org/a">' in page


def test_a_body_h1_is_shown_as_an_h2_under_the_title_in_pages_and_feeds(site_dir, tmp_path):
    body = "Intro.\n\n# Background\n\nText.\n\n## Detail\n"
    content = site_dir({"reports/2016/01/a.md": report_text("Zliten bomb", "2016-01-07", body=body)})
    assert run_build(content, tmp_path / "out")[0] == 0
    page = (tmp_path / "out/reports/2016/01/zliten-bomb/index.html").read_text()
    assert re.findall(r"<h1[ >].*", page) == ['<h1 data-pagefind-meta="title">Zliten bomb</h1>']
    assert '<h2 id="h-background">Background</h2>\n<p>Text.</p>\n<h3 id="h-detail">Detail</h3>' in page
    feed = (tmp_path / "out/feeds/all.atom.xml").read_text()
    assert "&lt;h2 id=&#34;h-background&#34;&gt;Background&lt;/h2&gt;" in feed and "&lt;h1" not in feed


def test_arabic_titles_summaries_and_names_show_in_their_own_direction(site_dir, tmp_path):
    fields = {"summary": '"هاجم داعش السدرة يوم 4 يناير."', "actors": "[المجلس الرئاسي, Italy]"}
    content = site_dir({"reports/2016/01/a.md": report_text("داعش يهاجم السدرة", "2016-01-05", **fields)})
    assert run_build(content, tmp_path / "out")[0] == 0
    page = (tmp_path / "out/reports/2016/01/dsh-yhjm-lsdr/index.html").read_text()
    assert '<h1 data-pagefind-meta="title" dir="auto">داعش يهاجم السدرة</h1>' in page
    assert '<p class="lede" dir="auto">هاجم داعش السدرة يوم 4 يناير.</p>' in page
    assert '<a href="../../../../actors/lmjls-lrysy/" dir="auto">المجلس الرئاسي</a>' in page
    assert '<a href="../../../../actors/italy/">Italy</a>' in page
    home = (tmp_path / "out/index.html").read_text()
    assert '<h2 dir="auto"><a href="./reports/2016/01/dsh-yhjm-lsdr/">داعش يهاجم السدرة</a></h2>' in home
    actors = (tmp_path / "out/actors/index.html").read_text()
    assert '<a href="../actors/lmjls-lrysy/" dir="auto">المجلس الرئاسي</a> <span class="count">1</span>' in actors


def test_aliases_are_shown_by_canonical_name(small_site, tmp_path):
    run_build(small_site, tmp_path / "out")
    page = (tmp_path / "out/reports/2016/01/zliten-script-alert-1-script-bomb/index.html").read_text()
    assert '<li><a href="../../../../actors/islamic-state/">Islamic State</a></li>' in page
    assert ">IS</a></li>" not in page


def test_drafts_appear_nowhere(small_site, tmp_path):
    run_build(small_site, tmp_path / "out")
    assert not any(b"Secret draft" in data for data in tree(tmp_path / "out").values())


def test_drafts_are_not_kept_beside_the_output_either(small_site, tmp_path):
    # Published into a web server's tree (/var/www/briefs/libya), the cache beside it was served too:
    # briefs/.libya.cache/reports.pickle held every draft's title and text.
    www = tmp_path / "www"
    for edit in ("", "Edited."):  # a cold build, then a warm one that reads the cache
        (small_site / "reports/2016/01/cabinet.md").write_text(report_text("Cabinet named", "2016-01-19", body=edit))
        code, messages = run_build(small_site, www / "desk")
        assert code == 0 and "(1 draft left out)" in messages, messages
        assert [name for name, data in tree(www).items() if b"Secret draft" in data] == []


def test_all_same_site_links_are_relative_and_resolve(small_site, tmp_path):
    out = tmp_path / "out"
    run_build(small_site, out)
    for page in out.rglob("*.html"):
        for href in HREF.findall(page.read_text()):
            if href.startswith(("https://", "#")):
                continue
            assert not href.startswith("/"), (page, href)
            target = (page.parent / href.split("#")[0]).resolve()
            assert (target / "index.html" if target.is_dir() else target).is_file(), (page, href)


def test_dates_are_machine_readable(small_site, tmp_path):
    run_build(small_site, tmp_path / "out")
    home = (tmp_path / "out/index.html").read_text()
    assert '<time datetime="2016-01-19T18:30:00+01:00">19 January 2016, 18:30 UTC+01:00</time>' in home
    assert home.index("Cabinet named") < home.index("Zliten")


def test_home_is_paginated(site_dir, tmp_path):
    content = site_dir(
        {f"reports/2016/01/r{n:02}.md": report_text(f"Report {n:02}", f"2016-01-{n:02}") for n in range(1, 13)}
    )
    run_build(content, tmp_path / "out")
    first = (tmp_path / "out/index.html").read_text()
    second = (tmp_path / "out/page/2/index.html").read_text()
    assert "Report 12" in first and "Report 03" in first and "Report 02" not in first
    assert '<a rel="next" href="./page/2/">Older reports</a>' in first
    assert "Report 02" in second and "Report 01" in second
    assert '<a rel="prev" href="../../">Newer reports</a>' in second


def test_the_model_is_frozen_once_read_and_the_collector_left_as_found(small_site, tmp_path):
    with sitrep.generator._frozen_once_read():
        assert not gc.isenabled()  # no full collection walks the model while it is read
        read = [[n] for n in range(100)]
    assert gc.isenabled() and gc.get_freeze_count() >= len(read)  # later collections skip it
    assert run_build(small_site, tmp_path / "out")[0] == 0  # it unfreezes everything at its end
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_builds_are_byte_identical(small_site, tmp_path):
    run_build(small_site, tmp_path / "one")
    run_build(small_site, tmp_path / "two")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert one == two  # the search index too: Pagefind's filters are put in order (search.canonical_filters)
    assert any(name.startswith("pagefind/filter/") for name in one)


def test_failed_build_leaves_previous_output_untouched(small_site, tmp_path):
    out = tmp_path / "site" / "out"
    assert run_build(small_site, out)[0] == 0
    before = tree(out)
    (small_site / "reports/2016/01/broken.md").write_text("---\ntitle: [\n---\n")
    (small_site / "reports/2016/01/zliten.md").write_text(report_text("X", "2016-02-31"))
    code, messages = run_build(small_site, out)
    assert code == 1
    assert tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == [".out.cache", "out"]  # the cache, no staging folder
    lines = [line for line in messages.splitlines() if ".md:" in line]
    assert len(lines) == 2 and all(re.match(r"^\S+\.md:\d+: ", line) for line in lines)
    assert messages.rstrip().endswith("build failed: 2 errors; out/ left as it was")
    assert "Traceback" not in messages


def test_an_interrupted_build_says_so_and_leaves_previous_output_untouched(small_site, tmp_path, monkeypatch):
    out = tmp_path / "site" / "out"
    assert run_build(small_site, out)[0] == 0
    before = tree(out)
    (small_site / "reports/2016/01/new.md").write_text(report_text("New", "2016-01-20"))

    def terminate(*args: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # `kill` while pages are written: like Ctrl-C
        time.sleep(5)  # the handler raises before this ends

    monkeypatch.setattr(sitrep.generator.SitrepGenerator, "write_or_link", terminate)
    stream = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        build(small_site, out, SETTINGS, stream=stream)
    assert stream.getvalue().splitlines()[-1] == "interrupted; out/ left as it was"
    assert tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == [".out.cache", "out"]  # no staging folder left


def test_a_stop_during_the_swap_waits_until_the_new_output_is_in_place(small_site, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run_build(small_site, out)[0] == 0
    (small_site / "reports/2016/01/new.md").write_text(report_text("New", "2016-01-20"))
    keep_spare = sitrep.build._keep_spare

    def stopped(output: Path) -> list[Path]:
        moved = keep_spare(output)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C just after the old output was moved away
        return moved

    monkeypatch.setattr(sitrep.build, "_keep_spare", stopped)
    done = threading.Event()
    other = threading.Thread(target=done.wait)  # the kernel may hand the signal to any thread
    other.start()
    stream = io.StringIO()
    try:
        with pytest.raises(KeyboardInterrupt):
            build(small_site, out, SETTINGS, stream=stream)
    finally:
        done.set()
        other.join()
    assert (out / "reports/2016/01/new/index.html").is_file()
    assert stream.getvalue().splitlines()[-1] == "interrupted; out/ holds the new site"


def test_a_stop_before_pelican_runs_says_so_too(small_site, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run_build(small_site, out)[0] == 0
    before = tree(out)

    def terminate(*args: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # `kill` while the settings are read: the build said nothing
        time.sleep(5)  # the handler raises before this ends

    monkeypatch.setattr(sitrep.build, "read_settings", terminate)
    stream = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        build(small_site, out, SETTINGS, stream=stream)
    assert stream.getvalue() == "interrupted; out/ left as it was\n"
    assert tree(out) == before


def test_a_build_clears_the_folders_a_killed_build_left_beside_its_output(small_site, tmp_path):
    out = tmp_path / "out"
    (tmp_path / ".out.build-k1ll3d/reports").mkdir(parents=True)  # SIGKILL gives a build no time to clean up
    (tmp_path / ".other.build-k1ll3d").mkdir()  # another output's: not this build's to clear
    assert run_build(small_site, out)[0] == 0
    for _ in range(100):  # old folders are deleted by a detached process
        left = sorted(p.name for p in tmp_path.iterdir())
        if left == [".other.build-k1ll3d", ".out.cache", "content", "out"]:
            break
        time.sleep(0.1)
    assert left == [".other.build-k1ll3d", ".out.cache", "content", "out"]


def _a_build_holding_the_lock(tmp_path: Path) -> subprocess.Popen[bytes]:
    """Start a process that holds out/'s build lock for a second, as a running build does, and then leaves a mark.

    The mark is made before the lock goes (at the process's exit): a build that finds it waited.
    """
    holder = (
        "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); print(1, flush=True); "
        "time.sleep(1); open(sys.argv[2], 'w').close()"
    )
    lock, mark = str(tmp_path / ".out.cache" / "build.lock"), str(tmp_path / "first-done")
    first = subprocess.Popen([sys.executable, "-c", holder, lock, mark], stdout=subprocess.PIPE)
    assert first.stdout is not None and first.stdout.readline() == b"1\n"  # the lock is held: a build is running
    return first


def test_a_second_build_of_an_output_waits_for_the_first(small_site, tmp_path):
    out = tmp_path / "out"
    assert run_build(small_site, out)[0] == 0
    first = _a_build_holding_the_lock(tmp_path)
    (small_site / "reports/2016/01/new.md").write_text(report_text("New", "2016-01-20"))
    code, messages = run_build(small_site, out)
    assert (tmp_path / "first-done").exists() and first.wait(5) == 0  # it waited for the first to end
    assert code == 0 and messages.splitlines()[0] == "waiting for another build of out/ to finish"
    assert (out / "reports/2016/01/new/index.html").is_file()


def test_a_reports_folder_that_is_not_there_fails_the_build_not_empties_the_site(small_site, tmp_path):
    out = tmp_path / "out"
    assert run_build(small_site, out)[0] == 0
    before, stream = tree(out), io.StringIO()
    conf = settings_file(tmp_path, "SITREP_REPORTS_DIR = 'report'")  # mistyped: it built a site of 0 reports
    said = (
        "content/report: the reports folder (SITREP_REPORTS_DIR) is not there "
        "(create it, empty for a site with no reports yet, or set SITREP_REPORTS_DIR to the reports' folder)"
    )
    assert build(small_site, out, conf, stream=stream) == 1
    said_lines = [line for line in stream.getvalue().splitlines() if not line.startswith("  ")]  # not progress
    assert said_lines == [said, "build failed: 1 error; out/ left as it was"]
    assert tree(out) == before
    code, messages = run_check_with(small_site, conf)
    assert code == 1 and messages.splitlines()[0] == said


@pytest.mark.parametrize(
    "line, said",
    [
        (
            "SITREP_ENTITIES_DIR = 'entites'",  # mistyped: every alias went unfolded, each spelling its own page
            [
                "content/entites: the entity registry's folder (SITREP_ENTITIES_DIR) is not there "
                "(create it, or set it to the registry's folder)"
            ],
        ),
        ("SITREP_ENTITIES_DIR = 'entities'", []),  # the default may be missing: a site without a registry
    ],
)
def test_a_registry_folder_set_by_hand_must_be_there(small_site, tmp_path, line, said):
    shutil.rmtree(small_site / "entities")
    code, messages = run_check_with(small_site, settings_file(tmp_path, line))
    assert code == len(said) and [m for m in messages.splitlines() if not m.startswith("checked ")] == said


def test_a_site_with_no_reports_yet_builds(site_dir, tmp_path):
    content = site_dir({"entities/actors.yaml": "- name: LNA\n"})
    (content / "reports").mkdir()
    code, messages = run_build(content, tmp_path / "out")
    assert code == 0 and messages.splitlines()[-1].startswith("built 0 reports, ")
    assert "No reports yet." in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    search = (tmp_path / "out" / "search" / "index.html").read_text(encoding="utf-8")
    assert "No reports to search yet." in search and "pagefind" not in search
    assert not (tmp_path / "out" / "pagefind").exists()
    (content / "reports/2016/01").mkdir(parents=True)
    (content / "reports/2016/01/a.md").write_text(report_text("First"))
    assert run_build(content, tmp_path / "out")[0] == 0  # the first report: the search page loads its index
    search = (tmp_path / "out" / "search" / "index.html").read_text(encoding="utf-8")
    assert "No reports to search yet." not in search and (tmp_path / "out" / "pagefind" / "pagefind-ui.js").is_file()


def test_a_site_built_without_search_has_a_search_page_that_says_so(small_site, tmp_path):
    conf = settings_file(tmp_path, "SITREP_SEARCH = False")
    assert build(small_site, tmp_path / "out", conf, stream=io.StringIO()) == 0
    page = (tmp_path / "out" / "search" / "index.html").read_text(encoding="utf-8")
    assert "This site is built without its search index." in page and '<a href="../timeline/">Timeline</a>' in page
    assert "pagefind" not in page and not (tmp_path / "out" / "pagefind").exists()
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="./search/"' not in home and 'href="./feeds/">Feeds</a>' in home  # no header link to it


def test_only_a_source_that_is_one_web_address_is_a_link(site_dir, tmp_path):
    sources = [
        "https://example.org/doc (accessed 5 Jan 2016)",  # an address, then words: no URL
        "https://example.org/report 2016.pdf",
        "http://",  # no host
        "https://example.org:port/",
        "Reuters, 5 Jan",
        "https://example.org/a?b=1&c=2#top",
        "https://example.org/a|b<c>",  # characters a URL cannot hold are encoded
    ]
    quoted = ", ".join(f'"{source}"' for source in sources)
    content = site_dir({"reports/2016/01/a.md": report_text("A report", sources=f"[{quoted}]")})
    assert run_build(content, tmp_path / "out")[0] == 0
    page = (tmp_path / "out/reports/2016/01/a-report/index.html").read_text(encoding="utf-8")
    items = re.findall(r"<li>(.*)</li>", page.split('<section class="sources"')[1].split("</section>")[0])
    assert items == [
        "https://example.org/doc (accessed 5 Jan 2016)",
        "https://example.org/report 2016.pdf",
        "http://",
        "https://example.org:port/",
        "Reuters, 5 Jan",
        '<a href="https://example.org/a?b=1&amp;c=2#top">https://example.org/a?b=1&amp;c=2#top</a>',
        '<a href="https://example.org/a%7Cb%3Cc%3E">https://example.org/a|b&lt;c&gt;</a>',
    ]


class _Labels(HTMLParser):
    """Collect a page's ids and the ids its labels name."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.named: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.ids.add(found.get("id") or "")
        if tag == "label" and "for" in found:
            self.named.append(found["for"] or "")


def test_every_label_names_an_element_on_its_page(small_site, tmp_path):
    assert run_build(small_site, tmp_path / "out")[0] == 0
    pages = sorted((tmp_path / "out").rglob("*.html"))
    assert 'class="search-label"' in (tmp_path / "out" / "search" / "index.html").read_text(encoding="utf-8")
    for page in pages:
        labels = _Labels()
        labels.feed(page.read_text(encoding="utf-8"))
        assert set(labels.named) <= labels.ids, page  # the search input, made by script, has no id in the HTML


def test_nothing_is_written_outside_output_but_the_build_cache(small_site, tmp_path):
    before = {p for p in tmp_path.rglob("*")}
    run_build(small_site, tmp_path / "out")
    kept = (tmp_path / "out", tmp_path / ".out.cache")
    after = {p for p in tmp_path.rglob("*") if not p.is_relative_to(kept[0]) and not p.is_relative_to(kept[1])}
    assert after == before
    assert sorted(p.name.split("-")[0] if p.is_dir() else p.name for p in kept[1].iterdir()) == [
        "build.lock",  # held while a build runs: one build of an output at a time
        "jinja",  # compiled templates
        "manifest.json",
        "related.pickle",
        "report-urls.json",  # each report's URL: a later build warns when one moved
        "reports.pickle",
        "search-pages.json",
        "sources.json",
    ]


def test_check_reports_everything_and_writes_nothing(small_site):
    (small_site / "reports/2016/01/zliten.md").write_text(report_text("X", "2016-02-31", status="final"))
    before = tree(small_site.parent)
    code, messages = run_check(small_site)
    assert code == 1
    assert tree(small_site.parent) == before
    assert [line.split(": ", 1)[1] for line in messages.splitlines()[:2]] == [
        "date '2016-02-31' is not a real day (use YYYY-MM-DD or an ISO 8601 date-time with offset, "
        "e.g. 2016-01-19T18:30:00+01:00)",
        "status must be 'published' or 'draft', not 'final'",
    ]
    assert messages.splitlines()[-1].startswith("checked 3 report files: 2 errors, 0 warnings in ")


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_invoke_commands_exit_codes_and_messages(small_site, tmp_path):
    built = _run("invoke", "build", "--content", str(small_site), "--output", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    assert "built 2 reports" in built.stderr
    (small_site / "reports/2016/01/bad.md").write_text("no front matter\n")
    for command in (["check"], ["build", "--output", str(tmp_path / "out")]):
        result = _run("invoke", *command, "--content", str(small_site))
        output = result.stdout + result.stderr
        assert result.returncode == 1
        assert re.search(r"^\S*reports/2016/01/bad\.md:1: no front matter", output, re.M)
        assert "Traceback" not in output


@pytest.mark.parametrize("kept", [True, False])
def test_invoke_keeps_sitreps_compiled_modules_unless_the_environment_says_not_to(small_site, tmp_path, kept):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "plugins", project / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    (project / "themes").symlink_to(ROOT / "themes")
    for name in ("tasks.py", "pelicanconf.py"):
        shutil.copy(ROOT / name, project / name)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | (
        {} if kept else {"PYTHONDONTWRITEBYTECODE": "1"}
    )
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "check", "--content", str(small_site)],
        cwd=project,
        env=env,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    compiled = project / "plugins/sitrep/__pycache__" / f"build.{sys.implementation.cache_tag}.pyc"
    assert compiled.is_file() == kept  # invoke turns writing them off: each command compiled them anew


def test_plain_pelican_builds_and_fails_cleanly(small_site, tmp_path):
    result = _run("pelican", str(small_site), "-s", "pelicanconf.py", "-o", str(tmp_path / "plain"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "plain/reports/2016/01/cabinet-named/index.html").is_file()
    (small_site / "reports/2016/01/bad.md").write_text("no front matter\n")
    result = _run(
        "pelican", str(small_site), "-s", "pelicanconf.py", "-o", str(tmp_path / "plain2"), "--log-handler", "plain"
    )
    assert result.returncode == 1
    assert "bad.md:1: no front matter" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "line, said",
    [
        ("x = (", "6: cannot read the settings: SyntaxError: '(' was never closed"),
        ("import no_such_module", "6: cannot read the settings: ModuleNotFoundError: No module named 'no_such_module'"),
        ("THEME = 'nowhere'", " cannot read the settings: ValueError: Could not find the theme nowhere"),
    ],
)
def test_a_settings_file_that_cannot_be_read_is_one_line(small_site, tmp_path, line, said):
    conf = settings_file(tmp_path, line)
    code, messages = build(small_site, tmp_path / "out", conf, stream=(stream := io.StringIO())), stream.getvalue()
    shown = conf.relative_to(tmp_path)  # named from the current folder, tmp_path
    assert code == 1 and messages.startswith(f"{shown}:{said}") and messages.count("\n") == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "lines, said",
    [
        (
            ["SITEURL = None", "DEFAULT_LANG = 1"],
            ["SITEURL must be text, not None", "DEFAULT_LANG must be text, not 1"],
        ),
        (["JINJA_FILTERS = 1"], ["JINJA_FILTERS must map names to functions, not 1"]),
        (
            ["JINJA_ENVIRONMENT = {'trim_block': True}"],
            ["JINJA_ENVIRONMENT has no option 'trim_block' (did you mean 'trim_blocks'?)"],
        ),
        (
            ["THEME_TEMPLATES_OVERRIDES = None"],
            ['THEME_TEMPLATES_OVERRIDES must be a list of texts, not None (e.g. THEME_TEMPLATES_OVERRIDES = ["..."])'],
        ),
        (
            ["JINJA_FILTERS = None", "SITREP_HOME_PER_PAGE = 0"],  # Sitrep's own were said only once these were fixed
            [
                "JINJA_FILTERS must map names to functions, not None",
                "SITREP_HOME_PER_PAGE must be a whole number above 0",
            ],
        ),
        (
            ["READERS = {'md': 1}", "SITENAME = None"],
            [
                "SITENAME must be a name, not None (it heads every page and feed)",
                "READERS must map extensions to reader classes or None, not {'md': 1}",
            ],
        ),
    ],
)
def test_pelican_settings_of_a_wrong_type_are_named_not_a_traceback(small_site, tmp_path, lines, said):
    # Each raised from deep inside Pelican: a traceback, or a line that named no setting ('int' has no 'endswith').
    code = build(small_site, tmp_path / "out", settings_file(tmp_path, *lines), stream=(stream := io.StringIO()))
    assert code == 1 and stream.getvalue() == "".join(f"settings: {line}\n" for line in said)
    assert not (tmp_path / "out").exists()
    assert run_check_with(small_site, settings_file(tmp_path, *lines)) == (
        1,
        "".join(f"settings: {line}\n" for line in said),
    )


def run_check_with(content: Path, conf: Path) -> tuple[int, str]:
    """Check content with a settings file; return the exit code and messages."""
    stream = io.StringIO()
    return sitrep.build.check(content, conf, stream=stream), stream.getvalue()


def test_a_theme_without_sitreps_templates_is_one_line(small_site, tmp_path):
    import pelican

    theme = Path(pelican.__file__).parent / "themes/simple/templates"
    code = build(
        small_site, tmp_path / "out", settings_file(tmp_path, "THEME = 'simple'"), stream=(stream := io.StringIO())
    )
    said = f"theme: template error: PelicanTemplateNotFound: [templates] unable to load report[.html, .xml] from ['{theme}']"
    assert code == 1 and stream.getvalue().splitlines()[-2:] == [said, "build failed: 1 error; out/ left as it was"]
    assert "Traceback" not in stream.getvalue() and not (tmp_path / "out").exists()


def test_report_text_is_escaped_whatever_jinja_environment_says(small_site, tmp_path):
    conf = settings_file(
        tmp_path, "JINJA_ENVIRONMENT = {'trim_blocks': True}"
    )  # Jinja's and Pelican's default: no autoescape
    assert build(small_site, tmp_path / "out", conf, stream=io.StringIO()) == 0
    pages = {name: text for name, text in tree(tmp_path / "out").items() if name.endswith((".html", ".xml"))}
    assert [name for name, text in pages.items() if b"<script>alert(1)" in text] == []
    assert b"Zliten &lt;script&gt;alert(1)&lt;/script&gt; bomb" in pages["index.html"]


def test_check_finds_a_bad_source_date_epoch_as_the_build_does(small_site, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1454284800.5")  # check said all was well; the build then failed
    said = (
        "settings: SOURCE_DATE_EPOCH '1454284800.5' is not a time in seconds since 1970 "
        "(unset it, or set it to whole seconds since 1970, e.g. $(git log -1 --format=%ct))"
    )
    code, messages = run_check(small_site)
    assert code == 1 and messages.splitlines()[0] == said
    code, messages = run_build(small_site, tmp_path / "out")
    assert code == 1 and said in messages.splitlines()


def test_a_template_error_in_the_theme_is_one_line_at_its_line(small_site, tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # the theme is outside the current folder: named in full
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "themes/sitrep", theme)
    base = theme / "templates/base.html"
    lines = base.read_text().splitlines()
    line = next(number for number, text in enumerate(lines, 1) if "</main>" in text)
    base.write_text(base.read_text().replace("</main>", "</main>{% if %}"))
    conf = settings_file(tmp_path, f"THEME = {str(theme)!r}")
    code = build(small_site, tmp_path / "out", conf, stream=(stream := io.StringIO()))
    said = f"{base}:{line}: template error: TemplateSyntaxError: Expected an expression, got 'end of statement block'"
    assert code == 1 and said in stream.getvalue().splitlines()
    assert (
        stream.getvalue().endswith("build failed: 1 error; out/ left as it was\n")
        and "Traceback" not in stream.getvalue()
    )


def test_problem_paths_are_named_from_the_current_folder_or_else_in_full(site_dir, tmp_path, monkeypatch):
    content = site_dir({"reports/2016/01/a.md": report_text(date="2016-02-30")})
    said = "reports/2016/01/a.md:3: date '2016-02-30' is not a real day"
    assert run_check(content)[1].startswith(f"content/{said}")  # from tmp_path, which holds the content
    (tmp_path / "elsewhere/content/reports/2016/01").mkdir(parents=True)  # its own content/: not to be named
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert run_check(content)[1].startswith(f"{content}/{said}")
    assert f"{content}/{said}" in run_build(content, tmp_path / "out")[1]


def test_a_build_in_which_pelican_logs_an_error_fails(small_site, tmp_path):
    out = tmp_path / "out"
    assert run_build(small_site, out)[0] == 0
    before, stream = tree(out), io.StringIO()
    conf = settings_file(tmp_path, "PLUGINS = ['sitrep', 'sitrepp']")  # mistyped: Pelican logs an error, goes on
    assert build(small_site, out, conf, stream=stream) == 1
    assert stream.getvalue().startswith("error: Cannot load plugin `sitrepp`")
    assert stream.getvalue().endswith("build failed: 1 error; out/ left as it was\n")
    assert tree(out) == before


def test_a_build_in_which_sitreps_plugin_never_ran_fails():
    stream = io.StringIO()  # in a fresh process, PLUGINS without 'sitrep' builds nothing and Pelican says nothing
    with pytest.raises(ContentError):
        sitrep.build._check_ran({}, Tally(), Path("conf.py"), stream)
    assert (
        stream.getvalue()
        == "conf.py: Sitrep's plugin did not run: nothing was built (check PLUGINS and PLUGIN_PATHS)\n"
    )


@pytest.mark.parametrize("target", ["/nowhere/b.md", "b.md"], ids=["to-nothing", "to-itself"])
def test_a_report_that_is_a_broken_link_is_an_error_not_a_report_gone(site_dir, tmp_path, target):
    content = site_dir({"reports/2016/01/a.md": report_text()})
    out = tmp_path / "out"
    assert run_build(content, out)[0] == 0
    (content / "reports/2016/01/b.md").symlink_to(target)  # its target moved, or a loop
    why = "No such file or directory" if target.startswith("/") else "Too many levels of symbolic links"
    said = f"content/reports/2016/01/b.md:1: cannot read the file: {why} (it is a link to {target}, which is not there)"
    assert run_check(content)[1].splitlines()[0] == said
    code, messages = run_build(content, out)  # not "nothing changed": the link is new content
    assert code == 1 and messages.splitlines()[-2:] == [said, "build failed: 1 error; out/ left as it was"]


def test_a_file_system_failure_is_one_line(small_site, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    code, messages = run_build(small_site, tmp_path / "a-file" / "out")
    assert (code, messages) == (1, f"build failed: {tmp_path / 'a-file'}: File exists; out/ left as it was\n")


def test_links_in_the_content_are_followed_once_and_odd_file_names_are_fine(site_dir, tmp_path):
    elsewhere = write_tree(tmp_path / "shared", {"2016/01/a.md": report_text("Before")})
    content = site_dir({"notes.txt": "x"})
    (content / "reports").symlink_to(elsewhere)  # the reports kept in another checkout
    (elsewhere / "2016/01/loop").symlink_to("loop")  # a link in a loop, not named like a report: skipped
    (elsewhere / "2016/up").symlink_to("..")  # a link to a folder above: not walked again
    (content / "caf\udce9.txt").write_text("a file name that is not UTF-8")
    out = tmp_path / "out"
    assert run_build(content, out)[0] == 0
    (elsewhere / "2016/01/a.md").write_text(report_text("After"))
    code, messages = run_build(content, out)
    assert code == 0 and "nothing changed" not in messages  # the edit behind the link counts
    assert (out / "reports/2016/01/after/index.html").is_file()
    code, said = run_check(content)
    assert code == 0 and "checked 1 report file: 0 errors, 0 warnings" in said


def test_an_output_inside_the_content_folder_is_not_read_as_content(small_site):
    out = small_site / "output"  # `invoke build --content . --output output` in a site's repository
    assert run_build(small_site, out)[0] == 0
    code, messages = run_build(small_site, out)
    assert code == 0 and messages.startswith("nothing changed: kept 2 reports")


def test_missing_content_folder_is_one_line_not_a_traceback(tmp_path):
    code, messages = run_build(tmp_path / "nowhere", tmp_path / "out")
    assert (code, messages) == (1, f"{tmp_path / 'nowhere'}: content folder not found; out/ left as it was\n")
    assert run_check(tmp_path / "nowhere") == (1, f"{tmp_path / 'nowhere'}: content folder not found\n")


def test_unreadable_file_is_a_problem(site_dir, monkeypatch, tmp_path):
    content = site_dir({"reports/2016/01/a.md": report_text("A")})
    real = Path.read_bytes

    def deny(path):
        if path.name == "a.md":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", deny)
    monkeypatch.chdir(content.parent)
    problem = "content/reports/2016/01/a.md:1: cannot read the file: Permission denied"
    code, messages = run_check(content)
    assert code == 1 and messages.splitlines()[0] == problem
    code, messages = run_build(content, tmp_path / "out")  # the build digests content files first: no traceback
    assert code == 1 and problem in messages.splitlines() and not (tmp_path / "out").exists()
    assert messages.splitlines()[-1] == "build failed: 1 error; out/ left as it was"


def test_output_that_holds_the_content_is_refused(site_dir):
    content = site_dir({"reports/2016/01/a.md": report_text("A")})
    for output in (content, content.parent):
        code, messages = run_build(content, output)
        assert code == 1 and messages == f"{output}: holds the content; refusing to replace it with the site\n"
    assert (content / "reports/2016/01/a.md").is_file()


@pytest.mark.parametrize("where", ["the current folder", "a folder of other files"])
def test_an_output_that_is_no_site_is_never_replaced(site_dir, tmp_path, monkeypatch, where):
    content = site_dir({"reports/2016/01/a.md": report_text("A")})
    output = tmp_path / "work"
    write_tree(output, {"notes.txt": "precious", "sub/.git/HEAD": "ref"})
    monkeypatch.chdir(output if where == "the current folder" else tmp_path)
    code, messages = run_build(content, output)
    why = (
        "holds the current folder"
        if where == "the current folder"
        else "is not empty and holds no site (no index.html)"
    )
    assert code == 1 and messages == f"{output}: {why}; refusing to replace it with the site\n"
    assert tree(output) == {"notes.txt": b"precious", "sub/.git/HEAD": b"ref"}


def test_clean_removes_a_built_site_and_its_cache_but_never_the_content(site_dir, tmp_path):
    content = site_dir({"reports/2016/01/a.md": report_text("A")})
    output, stream = tmp_path / "out", io.StringIO()
    assert run_build(content, output)[0] == 0
    assert clean(content, {"the content": content}, stream) == 1 and (content / "reports/2016/01/a.md").is_file()
    assert stream.getvalue() == f"{content}: holds the content; refusing to remove it\n"
    assert clean(output, {"the content": content}, stream) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]


def test_clean_waits_for_a_build_of_the_output_to_finish(small_site, tmp_path):
    out = tmp_path / "out"
    assert run_build(small_site, out)[0] == 0
    first = _a_build_holding_the_lock(tmp_path)
    stream = io.StringIO()
    assert clean(out, {"the content": small_site}, stream) == 0
    assert (tmp_path / "first-done").exists() and first.wait(5) == 0  # it waited for the build to end
    assert stream.getvalue() == "waiting for another build of out/ to finish\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "first-done"]  # the mark is the test's own


def test_a_build_with_bad_content_ends_the_search_process_started_ahead(small_site, tmp_path, monkeypatch):
    spawned = []
    spawn = sitrep.generator.spawn_index
    monkeypatch.setattr(sitrep.generator, "spawn_index", lambda: spawned.append(spawn()) or spawned[-1])
    (small_site / "reports/2016/01/zliten.md").write_text(report_text("X", "2016-02-31"))
    assert run_build(small_site, tmp_path / "out")[0] == 1
    assert len(spawned) == 1 and spawned[0].poll() is not None


def test_a_full_disk_names_the_file_it_could_not_write(small_site, tmp_path, monkeypatch):
    assert run_build(small_site, tmp_path / "out")[0] == 0
    before = tree(tmp_path / "out")
    (small_site / "reports/2016/01/cabinet.md").write_text(report_text("Cabinet", body="New words."), encoding="utf-8")

    def full(path, *args, **options):  # as on a full disk: the write fails when the file is closed
        return open("/dev/full", *args, **options)

    monkeypatch.setattr(sitrep.generator, "open", full, raising=False)
    code, messages = run_build(small_site, tmp_path / "out")
    said = re.escape(str(tmp_path)) + r"/\.out\.build-\w+/\S+\.html: No space left on device; out/ left as it was\n"
    assert code == 1 and re.search(r"build failed: " + said + r"\Z", messages), messages
    assert tree(tmp_path / "out") == before


def test_a_build_that_fails_while_writing_stops_its_search_run(small_site, tmp_path, monkeypatch):
    runs, calls = [], []
    start, write = sitrep.generator.start_index, SitrepGenerator.write_or_link

    def spy(*args):
        runs.append(start(*args))
        return runs[-1]

    def fail_second(self, pages, noun, **options):
        calls.append(len(pages))
        if len(calls) == 2:  # after the report pages, once the search run has started
            raise OSError("No space left on device")
        return write(self, pages, noun, **options)

    monkeypatch.setattr(sitrep.generator, "start_index", spy)
    monkeypatch.setattr(SitrepGenerator, "write_or_link", fail_second)
    code, messages = run_build(small_site, tmp_path / "out")
    assert code == 1 and messages.endswith("build failed: No space left on device; out/ left as it was\n")
    assert len(runs) == 1 and runs[0].poll() is not None
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if ".build-" in p.name] == []


def test_a_problem_met_twice_is_said_once_and_an_unread_registry_brings_no_false_warnings(site_dir):
    content = site_dir(
        {
            "reports/2016/01/a.md": report_text("A", "2016-01-05", actors="[C++ group, C group, Presidential Council]"),
            "reports/2016/01/b.md": report_text("B", "2016-01-06", actors="[Presidency Council]"),
            "entities/actors.yaml": "- name: Presidency Council\n  aliases: [Presidential Council]\n- name: X\n  aliases: a: b\n",
        }
    )
    code, messages = run_check(content)
    lines = [line.split(" (")[0] for line in messages.splitlines() if ": " in line and "checked" not in line]
    assert code == 1 and lines == [
        "content/entities/actors.yaml:4: invalid YAML: mapping values are not allowed in this context",
        "content/reports/2016/01/a.md:5: actors 'C group' and 'C++ group' would share the URL actors/c-group/",
    ]  # not "'Presidential Council' looks like 'Presidency Council'": the unread registry ties them


@pytest.mark.parametrize("siteurl, root", [("", "."), ("https://desk.example/libya/", "https://desk.example/libya")])
def test_the_404_page_links_from_the_sites_address_when_it_is_set(site_dir, tmp_path, siteurl, root):
    # A web server shows it at any depth: relative links would follow the missing address.
    content = site_dir({"reports/2016/01/a.md": report_text()})
    assert build(content, tmp_path / "out", settings_file(tmp_path, f"SITEURL = {siteurl!r}"), io.StringIO()) == 0
    page = (tmp_path / "out" / "404.html").read_text(encoding="utf-8")
    assert f'<link rel="stylesheet" href="{root}/theme/css/sitrep.css">' in page
    assert f'<form class="find" action="{root}/search/" method="get" role="search">' in page
    assert '<meta name="robots" content="noindex">' in page and "<h1>Page not found</h1>" in page


def _children() -> set[int]:
    """Return this process's children, zombies included (they are listed until reaped)."""
    listed = Path(f"/proc/self/task/{threading.get_native_id()}/children")
    return {int(pid) for pid in listed.read_text().split()} if listed.exists() else set()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_an_old_output_is_deleted_by_a_process_that_is_reaped_when_done(tmp_path):
    old = write_tree(tmp_path / "old", {"index.html": "old"})
    before = _children()
    sitrep.build._delete_detached([old])
    deadline = time.monotonic() + 20
    while (old.exists() or _children() - before) and time.monotonic() < deadline:  # `invoke serve` lives on
        time.sleep(0.05)
    assert not old.exists()
    assert _children() - before == set()  # no zombie waits for the next build's process to be reaped


def test_a_build_cache_on_another_file_system_costs_only_its_spare(small_site, tmp_path, monkeypatch):
    out = tmp_path / "out"
    cache = tmp_path / ".out.cache"
    rename = Path.rename

    def across(source: Path, target: Path) -> Path:
        if Path(source).is_relative_to(cache) != Path(target).is_relative_to(cache):
            raise OSError(errno.EXDEV, "Invalid cross-device link", str(source))  # the cache is a mount of its own
        return rename(source, target)

    monkeypatch.setattr(Path, "rename", across)
    assert run_build(small_site, out)[0] == 0
    (tmp_path / ".out.build-k1ll3d").mkdir()  # a killed build's folder: it cannot go into the cache's trash either
    (small_site / "reports/2016/01/new.md").write_text(report_text("New", "2016-01-20"))
    code, messages = run_build(small_site, out)
    assert (code, messages.splitlines()[-1].split(" (")[0]) == (0, "built 3 reports")
    assert (out / "reports/2016/01/new/index.html").is_file()
    for _ in range(100):  # the old output and the killed build's folder are deleted by a detached process
        if sorted(p.name for p in tmp_path.iterdir()) == [".out.cache", "content", "out"]:
            break
        time.sleep(0.1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.cache", "content", "out"]


def test_an_output_that_is_a_mount_point_is_refused_before_building(small_site, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    mounts = Path.is_mount
    monkeypatch.setattr(Path, "is_mount", lambda path: path == out or mounts(path))  # a Docker volume, say
    code, messages = run_build(small_site, out)
    assert (code, messages) == (
        1,
        f"{out}: is a mount point, which a build cannot swap for the new site (build into a folder inside it)\n",
    )
    assert run_build(small_site, out / "site")[0] == 0


def test_system_errors_stay_in_english_whatever_locale_the_settings_set(tmp_path):
    saved = locale.setlocale(locale.LC_ALL)
    try:
        sitrep.build.read_settings(settings_file(tmp_path, 'LOCALE = ["C.UTF-8"]'), tmp_path, tmp_path / "out")
        assert locale.setlocale(locale.LC_CTYPE) == "C.UTF-8"  # Pelican's LOCALE holds elsewhere
        assert locale.setlocale(locale.LC_MESSAGES) == "C"  # strerror: "No space left on device", not translated
    finally:
        locale.setlocale(locale.LC_ALL, saved)


def test_the_site_name_links_the_home_page_where_its_pattern_puts_it(site_dir, tmp_path):
    # It linked the site's root, where no page is when HOME_URL is a file of its own.
    content = site_dir({"reports/2016/01/a.md": report_text("A")})
    conf = settings_file(tmp_path, "HOME_URL = 'home.html'", "HOME_SAVE_AS = 'home.html'")
    assert build(content, tmp_path / "out", conf, io.StringIO()) == 0
    page = (tmp_path / "out/reports/2016/01/a/index.html").read_text(encoding="utf-8")
    assert '<a class="site-name" href="../../../../home.html">' in page
    assert not (tmp_path / "out/index.html").exists()


def test_check_tells_a_page_landing_on_another_under_other_url_patterns(site_dir, tmp_path):
    # It planned no page without a redirect_from: 0 errors, then the build failed on this.
    content = site_dir({"reports/2016/01/a.md": report_text("A", actors="[Index]")})
    conf = settings_file(tmp_path, "ACTOR_URL = '{slug}.html'", "ACTOR_SAVE_AS = '{slug}.html'")
    stream = io.StringIO()
    assert sitrep.build.check(content, conf, stream) == 1
    assert stream.getvalue().splitlines()[0] == "output: index.html would be written 2 times (index, entity)"


def test_a_report_too_big_to_read_fails_the_build_as_it_fails_the_check(site_dir, tmp_path, monkeypatch):
    content = site_dir({"reports/2016/01/a.md": report_text("Long", body="x" * 2000)})
    monkeypatch.setattr(sitrep.site, "MAX_FILE_BYTES", 1024)  # the build digests every file first: it was read anyway
    said = (
        "content/reports/2016/01/a.md:1: the file is too big to read: 2,066 bytes "
        "(a report or registry file holds at most 1,024 bytes: split it)"
    )
    assert run_check(content)[1].splitlines()[0] == said
    code, messages = run_build(content, tmp_path / "out")
    assert code == 1 and messages.splitlines()[-2:] == [said, "build failed: 1 error; out/ left as it was"]
