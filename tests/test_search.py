"""Search indexing: which pages Pagefind reads, and large sites indexed in parts that merge in date order."""

from __future__ import annotations

import gzip
import io
import itertools
import json
import logging
import os
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import report_text, run_build, settings_file, tree, write_tree
from sitrep import progress, search
from sitrep.build import build

GLOB = "reports/*/*/*/index.html"


def page_words(page: bytes) -> list[str]:
    """Return a page's words as the survey folds them: its tokens, folded, without empty ones."""
    return [word for word in map(search.fold, search.page_tokens(page)) if word]


def report_page(date: str, words: str) -> str:
    """Return a report page as the theme marks it up for Pagefind."""
    return (
        '<!doctype html><html lang="en"><head><title>x</title></head><body><nav>Home</nav>'
        f'<article data-pagefind-body data-pagefind-sort="date:{date}"><h1 data-pagefind-meta="title">{date}</h1>'
        f'<div hidden data-pagefind-ignore><span data-pagefind-filter="year">{date[:4]}</span></div>'
        f"<p>{words}</p></article></body></html>"
    )


@pytest.fixture
def six_reports(tmp_path: Path) -> Path:
    """Write a site with six report pages (and a page that is not a report)."""
    site = tmp_path / "site"
    for number in range(6):
        date = f"2016-01-{number + 10:02d}"
        page = site / f"reports/2016/01/report-{number}/index.html"
        page.parent.mkdir(parents=True)
        page.write_text(report_page(date, f"Tripoli convoy number{number}"), encoding="utf-8")
    (site / "index.html").write_text(report_page("2016-02-01", "home page"), encoding="utf-8")
    return site


@pytest.mark.parametrize(
    ("glob", "folder"), [(GLOB, "reports"), ("r/*.html", "r"), ("a/b/*/index.html", "a/b"), ("*/index.html", "")]
)
def test_fixed_folder_is_where_every_match_lies(glob, folder):
    assert search.fixed_folder(glob) == folder


def test_report_glob_follows_report_save_as():
    assert search.report_glob("reports/{date:%Y}/{date:%m}/{slug}/index.html") == GLOB
    assert search.report_glob("r/{slug}.html") == "r/*.html"


def test_sort_value_is_the_date_the_search_page_sorts_by():
    assert search.sort_value(report_page("2016-01-19T18:30:00+01:00", "x").encode()) == "2016-01-19T18:30:00+01:00"
    assert search.sort_value(b'<p data-pagefind-sort="weight:3">') == ""


def merged_dates(parts: list[list[str]], dates: dict[str, str]) -> list[str]:
    """Order results as Pagefind's merged sorted search does; return their dates.

    Each part ranks its pages by date (ties in any order); a result's score is its rank; the
    browser concatenates the parts' results in merge order and sorts them by score, stably.
    """
    results = []
    for share in parts:
        ranked = sorted(
            (page for page in random.Random(0).sample(share, len(share)) if dates[page]), key=dates.__getitem__
        )
        results += sorted(((rank, page) for rank, page in enumerate(ranked)), reverse=True)
    results.sort(key=lambda result: -result[0])
    return [dates[page] for _, page in results]


@pytest.mark.parametrize("pages, parts", [(6, 3), (7, 3), (10, 4), (25, 2), (40, 6), (3, 1)])
def test_parts_merge_newest_first(pages, parts):
    rng = random.Random(pages * parts)
    dates = {f"p{n}": rng.choice(["", "2016-01-02", "2016-01-03", "2016-02-01", "2017-05-05"]) for n in range(pages)}
    dealt = search.deal([(date, page) for page, date in dates.items()], parts)
    assert sorted(page for share in dealt for page in share) == sorted(dates)
    assert max(map(len, dealt)) - min(map(len, dealt)) <= 2
    merged = merged_dates(dealt, dates)
    assert merged == sorted((date for date in dates.values() if date), reverse=True)


def test_a_small_site_is_one_bundle(six_reports):
    assert search.index_site(search.Indexing(six_reports, GLOB)) == ""
    bundle = six_reports / search.BUNDLE
    assert json.loads((bundle / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"] == 6
    assert not list(bundle.glob("part-*"))
    assert (bundle / search.PARTS_SCRIPT).read_text() == "window.sitrepSearchParts = [];  // merged in search.js\n"


def test_a_site_with_no_report_pages_has_no_bundle(tmp_path):
    site = tmp_path / "site"
    (site / search.BUNDLE).mkdir(parents=True)  # left from when it had reports
    assert search.index_site(search.Indexing(site, GLOB)) == ""  # Pagefind alone fails on nothing to index
    assert not (site / search.BUNDLE).exists()


def test_a_large_site_is_indexed_in_parts_of_its_reports_only(six_reports):
    part_bytes = sum(page.stat().st_size for page in six_reports.glob(GLOB)) // 3 + 1
    assert search.index_site(search.Indexing(six_reports, GLOB, part_bytes=part_bytes)) == ""
    bundle = six_reports / search.BUNDLE
    counts = [
        json.loads((bundle / folder / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]
        for folder in ("", "part-1", "part-2")
    ]
    assert counts == [3, 3, 3]  # two reports and the page of words
    assert '["part-1/", "part-2/"]' in (bundle / search.PARTS_SCRIPT).read_text()
    urls = {json.loads(gzip.decompress(path.read_bytes())[12:])["url"] for path in bundle.rglob("fragment/*")}
    words = f"/reports/{search.VOCABULARY}/{search.VOCABULARY}/{search.VOCABULARY}/"
    assert urls == {f"/reports/2016/01/report-{number}/" for number in range(6)} | {words}


def test_a_report_at_the_path_of_the_page_of_words_keeps_its_page_and_is_found(tmp_path):
    # REPORT_SAVE_AS 'r/{slug}/index.html' and a report titled "Sitrep vocabulary": the page of words
    # was staged at its path, written through the link to it, over the report's page in the output.
    site = tmp_path / "site"
    pages = {f"r/{slug}/index.html": f"2016-01-1{n}" for n, slug in enumerate(["a", "b", search.VOCABULARY])}
    for page, date in pages.items():
        write_tree(site, {page: report_page(date, f"Tripoli convoy on {date}")})
    part_bytes = sum((site / page).stat().st_size for page in pages) // 2 + 1
    assert search.index_site(search.Indexing(site, "r/*/index.html", part_bytes=part_bytes)) == ""
    assert (site / f"r/{search.VOCABULARY}/index.html").read_text() == report_page(
        "2016-01-12", "Tripoli convoy on 2016-01-12"
    )
    urls = {json.loads(gzip.decompress(path.read_bytes())[12:])["url"] for path in site.rglob("fragment/*")}
    assert urls == {"/r/a/", "/r/b/", f"/r/{search.VOCABULARY}/", f"/r/{search.VOCABULARY}1/"}


@pytest.mark.parametrize(
    "size, pages, parts",
    [
        (160_000, 19, 1),  # the sample site: one bundle
        (1_000_000, 100, 1),
        (1_000_001, 100, 2),
        (11_100_000, 1_000, 4),  # 1,000 reports: an edit re-indexes about 250 pages, not 1,000
        (125_000_000, 10_000, 12),
        (1_000_000_000, 80_000, 84),  # past 144 MB the part size caps the parts, not the square root
        (50_000_000, 3, 3),  # never more parts than pages
    ],
)
def test_parts_grow_as_the_square_root_of_the_report_pages(size, pages, parts):
    assert search.part_count(size, pages, search.PART_BYTES) == parts


def test_an_indexing_run_survives_its_command_line(tmp_path):
    run = search.Indexing(tmp_path / "site", GLOB, tmp_path / "old", listing=tmp_path / "pages.json", part_bytes=1000)
    assert search.Indexing.parse(run.arguments()) == run
    assert search.module_command(run.arguments())[:5] == [sys.executable, "-X", "utf8", "-m", "sitrep.search"]


def test_a_process_started_ahead_indexes_the_run_it_is_given(six_reports):
    ahead = search.spawn_index()
    assert search.start_index(search.Indexing(six_reports, GLOB), ahead) is ahead
    assert search.finish_index(ahead) == [] and ahead.returncode == 0
    entry = json.loads((six_reports / search.BUNDLE / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 6


def test_a_site_under_a_non_ascii_folder_is_indexed_under_an_ascii_locale(tmp_path, monkeypatch):
    site = tmp_path / "désk" / "site"
    for number in range(2):
        page = site / f"reports/2016/01/report-{number}/index.html"
        page.parent.mkdir(parents=True)
        page.write_text(report_page(f"2016-01-1{number}", "Tripoli"), encoding="utf-8")
    monkeypatch.setenv("LC_ALL", "C")
    monkeypatch.setenv("PYTHONUTF8", "0")  # the build itself runs again in UTF-8 mode (cli.in_utf8_mode)
    ahead = search.spawn_index()
    assert search.start_index(search.Indexing(site, GLOB), ahead) is ahead
    assert search.finish_index(ahead) == []
    entry = json.loads((site / search.BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == 2


def test_a_process_started_ahead_and_given_no_run_ends_quietly(six_reports):
    ahead = search.spawn_index()
    assert search.finish_index(ahead) == [] and ahead.returncode == 0
    assert not (six_reports / search.BUNDLE).exists()


def test_waiting_for_the_index_tells_how_many_parts_are_done(six_reports, caplog, monkeypatch):
    monkeypatch.setattr(progress, "INTERVAL", 0)
    caplog.set_level(logging.INFO, logger="sitrep.progress")
    part_bytes = sum(page.stat().st_size for page in six_reports.glob(GLOB)) // 3 + 1
    assert search.finish_index(search.start_index(search.Indexing(six_reports, GLOB, part_bytes=part_bytes))) == []
    messages = [re.sub(r"\(\d+ s\)", "(n s)", r.getMessage()) for r in caplog.records]
    assert messages == ["indexed 1 of 3 search parts (n s)", "indexed 2 of 3 search parts (n s)"]


def test_a_run_whose_process_ahead_is_gone_starts_another(six_reports):
    ahead = search.spawn_index()
    search.cancel_index(ahead)
    started = search.start_index(search.Indexing(six_reports, GLOB), ahead)
    assert started is not ahead and search.finish_index(started) == []
    assert (six_reports / search.BUNDLE / "pagefind-entry.json").is_file()


@pytest.mark.parametrize("where", ["variable", "config file"])
def test_pagefind_settings_of_the_shell_or_the_current_folder_do_not_change_the_index(six_reports, where, monkeypatch):
    if where == "variable":
        monkeypatch.setenv("PAGEFIND_FORCE_LANGUAGE", "fr")
    else:
        (six_reports.parent / "pagefind.yml").write_text('force_language: "fr"\n', encoding="utf-8")
        monkeypatch.chdir(six_reports.parent)
    assert search.finish_index(search.start_index(search.Indexing(six_reports, GLOB))) == []
    entry = json.loads((six_reports / search.BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"] and entry["languages"]["en"]["page_count"] == 6


def test_a_failed_run_is_a_problem_not_a_traceback(six_reports):
    (six_reports / search.BUNDLE).write_text("a file where the bundle goes", encoding="utf-8")
    problems = search.finish_index(search.start_index(search.Indexing(six_reports, GLOB)))
    assert len(problems) == 1 and problems[0].is_error
    assert problems[0].format().startswith("search: Pagefind failed: ")
    assert "Traceback" not in problems[0].format()


def test_the_page_of_words_has_every_word_and_no_date(six_reports):
    pages = sorted(path.relative_to(six_reports).as_posix() for path in six_reports.glob(GLOB))
    dated, words, digests = search.survey(six_reports, pages)
    assert sorted(digests) == pages and len(set(digests.values())) == len(pages)
    assert [value for value, _ in dated] == [f"2016-01-{number + 10}" for number in range(6)]
    page = search.vocabulary_page(words, (six_reports / pages[0]).read_bytes())
    assert search.sort_value(page.encode()) == "" and '<html lang="en">' in page
    assert {"tripoli", "convoy", "number0", "number5"} <= set(re.split(r"[\s<>]+", page))


def test_the_survey_tokenises_only_pages_it_has_not_seen(six_reports, tmp_path, monkeypatch):
    pages = sorted(path.relative_to(six_reports).as_posix() for path in six_reports.glob(GLOB))
    fresh = search.survey(six_reports, pages)
    tokens = search.Tokens()
    assert search.survey(six_reports, pages, tokens) == fresh
    search.save_tokens(tmp_path, tokens.kept(set(fresh[2].values()), len(fresh[1])))
    edited = six_reports / pages[0]
    edited.write_text(report_page("2016-01-10", "Tripoli convoy tanker"), encoding="utf-8")
    read, real = [], search.page_tokens
    monkeypatch.setattr(search, "page_tokens", lambda page: read.append(page) or real(page))
    dated, words, digests = search.survey(six_reports, pages, search.load_tokens(tmp_path))
    assert len(read) == 1 and b"tanker" in read[0]  # only the edited page
    assert "tanker" in words and "number0" not in words and "number5" in words
    assert (dated, digests) != fresh[::2]  # the edited page's digest changed


def test_the_survey_reads_no_page_whose_digest_is_given_and_known(six_reports, monkeypatch):
    pages = sorted(path.relative_to(six_reports).as_posix() for path in six_reports.glob(GLOB))
    given = {page: f"digest of {page}" for page in pages}
    tokens = search.Tokens()
    first = search.survey(six_reports, pages, tokens, given)
    assert first[2] == given and first[1] == search.survey(six_reports, pages)[1]
    monkeypatch.setattr(Path, "read_bytes", lambda path: pytest.fail(f"{path} was read"))
    assert search.survey(six_reports, pages, tokens, given) == first


def test_tokens_made_by_other_code_are_not_used(tmp_path, monkeypatch):
    search.save_tokens(tmp_path, search.Tokens(["word"], {"digest": b"\0\0\0\0"}))
    assert search.load_tokens(tmp_path).vocabulary == ["word"]
    monkeypatch.setattr(search, "_code_stamp", lambda: "other code")
    assert search.load_tokens(tmp_path) == search.Tokens()
    assert search.load_tokens(tmp_path / "missing") == search.Tokens()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("<p>The situation, unchanged.</p>", ["the", "situation", "unchanged"]),
        ("<p>Al-Sarraj «Tripoli» (GNA)</p>", ["al-sarraj", "tripoli", "gna"]),
        ("<p>… — 2016</p>", ["2016"]),
    ],
)
def test_page_words_are_folded_as_pagefind_folds_them(text, words):
    assert page_words(f"<nav>Menu</nav><article data-pagefind-body>{text}</article>".encode()) == words


@pytest.mark.parametrize(
    "word, folded",
    [
        ("Tripoli", "tripoli"),
        ("NATO", "nato"),
        ("groß", "groß"),  # Pagefind lower-cases; casefold gave "gross", a word no page has
        ("HoR", "HoR"),  # Pagefind indexes "ho" and "hor": the page of words must say it so
        ("McCain,", "McCain"),
    ],
)
def test_fold_lower_cases_a_word_unless_pagefind_would_split_it_at_a_capital(word, folded):
    assert search.fold(word) == folded


def edges_folded(token: str) -> str:
    """Fold a token as fold did before: its edges substituted away by a (quadratic) pattern."""
    stripped = re.sub(r"^[\W_]+|[\W_]+$", "", token)
    return search._lowered(stripped) if stripped else ""


TRICKY = ["", "-", "__", "a", "_a_", "a_b", "unchanged.", "«Tripoli»", "(GNA)", "al-Sarraj", "…", "2016—"]
TRICKY += ["a-\n", "\n", "a\n-", "-\na", "e\u0301", "\u0301e", "²", "x²,", "٣-", "İstanbul,", "STRASSE", "ß."]
TRICKY += ["😀a😀", "\x00a\x00", "ǅ", "`code`", "--a--b--", "a" + "-" * 50 + "a", "\u00a0a\u00a0", "_1_"]


def test_fold_gives_what_stripping_the_edges_by_pattern_gave():
    rng = random.Random(0)
    letters = ["a", "Z", "_", "-", ".", "\n", "\u0301", "²", "٣", "ß", "İ", "\u00a0", "😀", "ǅ"]
    tokens = TRICKY + ["".join(rng.choices(letters, k=rng.randint(1, 7))) for _ in range(20_000)]
    assert [search.fold(token) for token in tokens] == [edges_folded(token) for token in tokens]


def test_fold_takes_a_long_run_of_punctuation_in_its_stride():
    run = "-" * 200_000  # the pattern took about 18 s for 40,000 (quadratic): this would take minutes
    assert search.fold(f"Al{run}Sarraj") == f"al{run}sarraj"
    assert search.fold(f"`{run}x{run}`") == "x"
    assert page_words(f"<main data-pagefind-body>a{run}b {run}</main>".encode()) == [f"a{run}b"]


def test_filter_values_are_given_as_html_so_pagefinds_ui_shows_them_as_text(tmp_path):
    """Pagefind's UI puts filter values into the search page as HTML: a name must not become an element."""
    values = [["<img src=x onerror=alert(1)>", [0]], ["Tripoli", [1]], ["A & B", [2]], ["&lt;", [3]]]
    (tmp_path / "filter").mkdir()
    made = search.write_index(tmp_path, "filter/{}.pf_filter", "en", ["actor", values], 7)
    meta = ["1.5.2", [["en_f1", 10]], [["a", "z", "en_i1"]], [["actor", made]], [], ["title"]]
    named = search.write_index(tmp_path, "pagefind.{}.pf_meta", "en", meta, 10)
    entry = {"version": "1.5.2", "languages": {"en": {"hash": named, "wasm": "en", "page_count": 4}}}
    (tmp_path / search.ENTRY).write_text(json.dumps(entry), encoding="utf-8")
    search.canonical_filters(tmp_path)
    [meta_file] = tmp_path.glob("pagefind.*.pf_meta")
    [[_, hashed]] = search.read_index(meta_file)[3]
    assert search.read_index(tmp_path / "filter" / f"{hashed}.pf_filter") == [
        "actor",
        [["&amp;lt;", [3]], ["&lt;img src=x onerror=alert(1)&gt;", [0]], ["A &amp; B", [2]], ["Tripoli", [1]]],
    ]


@pytest.fixture
def ram_path(tmp_path: Path) -> Iterator[Path]:
    """Give a folder in RAM, where a folder lists its entries in the order they were made (else tmp_path)."""
    if search.staging_folder() != str(search.RAM_FOLDER):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(prefix="sitrep-test-", dir=search.RAM_FOLDER) as folder:
        yield Path(folder)


ONE_PART = {
    f"reports/2016/{month:02d}/{name}.md": report_text(
        f"{name.title()} report", f"2016-{month:02d}-{day:02d}", actors=f"[{actor}]", locations=f"[{place}]"
    )
    for month, day, name, actor, place in [
        (1, 5, "alpha", "ISIS", "Sirte"),
        (1, 12, "bravo", "LNA", "Benghazi"),
        (1, 19, "charlie", "GNA", "Tripoli"),
        (2, 2, "delta", "ISIS", "Derna"),
        (2, 9, "echo", "LNA", "Ajdabiya"),
        (3, 1, "foxtrot", "GNA", "Misrata"),
    ]
}


def test_a_one_part_bundle_built_warm_equals_one_built_cold_on_any_file_system(ram_path, tmp_path):
    content = write_tree(tmp_path / "content", ONE_PART)
    warm = ram_path / "warm" / "out"
    assert run_build(content, warm)[0] == 0
    write_tree(content, {"reports/2016/01/bravo.md": ONE_PART["reports/2016/01/bravo.md"].replace("Bravo", "Zulu")})
    code, messages = run_build(content, warm)
    assert code == 0, messages
    assert (warm / "reports/2016/01/zulu-report/index.html").exists() and not list(warm.glob("pagefind/part-*"))
    for cold in (ram_path / "cold" / "out", tmp_path / "cold" / "out"):  # in RAM and on disk
        assert run_build(content, cold)[0] == 0
        assert tree(warm) == tree(cold)


def test_a_part_key_changes_with_its_pages_and_the_site_words():
    digests = {"a": "1", "b": "2"}
    key = search.part_key(GLOB, "words", ["a", "b"], digests, 3)
    assert key == search.part_key(GLOB, "words", ["a", "b"], dict(digests), 3)
    assert key != search.part_key(GLOB, "words more", ["a", "b"], digests, 3)  # a new word anywhere
    assert key != search.part_key(GLOB, "words", ["a", "b"], {**digests, "b": "3"}, 3)  # a page changed
    assert key != search.part_key(GLOB, "words", ["a"], digests, 3)  # the deal changed
    assert key != search.part_key(GLOB, "words", ["a", "b"], digests, 4)


def test_unreadable_part_keys_mean_no_reuse(tmp_path):
    assert search.part_keys(None) == [] and search.part_keys(tmp_path) == []
    (tmp_path / search.KEYS_FILE).write_text("{not json")
    assert search.part_keys(tmp_path) == []
    (tmp_path / search.KEYS_FILE).write_text('["k0", "k1"]')
    assert search.part_keys(tmp_path) == ["k0", "k1"]


def in_parts(site: Path) -> search.Indexing:
    """Return a run that indexes the six reports in three parts."""
    return search.Indexing(site, GLOB, part_bytes=sum(page.stat().st_size for page in site.glob(GLOB)) // 3 + 1)


def by_content(site: Path) -> dict[str, bytes]:
    """Return the fragments and word indexes of a site's bundle (Pagefind's filters and metadata vary by run)."""
    bundle = site / search.BUNDLE
    return {
        p.relative_to(bundle).as_posix(): p.read_bytes()
        for p in bundle.rglob("*")
        if p.parent.name in ("fragment", "index")
    }


def indexed_afresh(site: Path, copy: Path) -> dict[str, bytes]:
    """Index a copy of the site's pages from scratch; return its fragments and word indexes (by_content)."""
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(search.BUNDLE))
    assert search.index_site(in_parts(copy)) == ""
    return by_content(copy)


def edit_report(site: Path, number: int, words: str) -> None:
    """Replace one report page by a new file (the build never writes into a file that links may share)."""
    page = site / f"reports/2016/01/report-{number}/index.html"
    page.unlink()
    page.write_text(report_page(f"2016-01-{number + 10:02d}", words), encoding="utf-8")


def indexed_words(bundle: Path) -> dict[str, set[str]]:
    """Return each stem a Pagefind bundle indexed and the URLs of the pages holding it (in any form)."""
    [language] = json.loads((bundle / search.ENTRY).read_text(encoding="utf-8"))["languages"].values()
    _, pages, chunks, *_ = search.read_index(bundle / f"pagefind.{language['hash']}.pf_meta")
    fragments = [bundle / "fragment" / f"{page[0]}.pf_fragment" for page in pages]
    urls = [json.loads(gzip.decompress(path.read_bytes())[12:])["url"] for path in fragments]
    words: dict[str, set[str]] = {}
    for chunk in chunks:
        for stem, held, *variants in search.read_index(bundle / "index" / f"{chunk[2]}.pf_index")[0]:
            forms = [held, *(pages_of for _, pages_of in (variants[0] if variants else []))]
            words[stem] = {urls[n] for form in forms for n in itertools.accumulate(page[0] for page in form)}
    return words


def pagefind_search(words: dict[str, set[str]], terms: str) -> set[str]:
    """Return the pages Pagefind gives for stems searched together (`search_term`, `find_word_extensions`).

    A stem matches every indexed stem it begins, else the longest that begins it; a stem matching
    nothing in the index is dropped, and the pages must match every other one.
    """
    found = []
    for term in terms.split():
        extensions = [stem for stem in words if stem.startswith(term)]
        shorter = sorted((stem for stem in words if term.startswith(stem)), key=len)
        matched = [words[stem] for stem in extensions or shorter[-1:]]
        found += [set().union(*matched)] if matched else []
    return set.intersection(*found) if found else set()


@pytest.mark.parametrize(
    "texts",
    [
        ["tank convoy", "tanker moved", "tanks misrata", "misratan tan", "al-sirte convoys", "tripoli e-mail"],
        [  # words Pagefind reads otherwise than split at spaces and tags, lower-cased
            "The HoR voted",  # indexed as "ho" and "hor"
            "however it went",
            "foo<em>bar</em> and groß",  # "foobar"; "groß", not "gross"
            "foo großartig",
            "Plan &quot;B&quot; failed <span data-pagefind-ignore>News</span>",  # "b"; "news" not indexed
            "brigade new",
        ],
    ],
)
def test_parts_give_the_results_of_one_index_for_every_prefix_and_pair_of_words(six_reports, tmp_path, texts):
    for number, text in enumerate(texts):
        edit_report(six_reports, number, text)
    assert search.index_site(in_parts(six_reports)) == ""
    shutil.copytree(six_reports, tmp_path / "one", ignore=shutil.ignore_patterns(search.BUNDLE))
    assert search.index_site(search.Indexing(tmp_path / "one", GLOB)) == ""
    one = indexed_words(tmp_path / "one" / search.BUNDLE)
    folders = [six_reports / search.BUNDLE, *sorted(six_reports.glob("pagefind/part-*"))]
    parts = [indexed_words(folder) for folder in folders]
    assert len(parts) == 3
    prefixes = {stem[:end] for stem in one for end in range(1, len(stem) + 1)} | {f"{stem}s" for stem in one}
    pairs = {f"{first} {second}" for first in ("tank", "convoy", "misrata") for second in sorted(one)}
    words_page = f"/reports/{search.VOCABULARY}/{search.VOCABULARY}/{search.VOCABULARY}/"
    for terms in sorted(prefixes | pairs):  # "tank moved": a part without "moved" must not answer "tank" alone
        merged = set().union(*(pagefind_search(part, terms) for part in parts)) - {words_page}
        assert merged == pagefind_search(one, terms), terms


def test_part_digests_follow_the_pages_bytes_not_the_builds_digests(six_reports, tmp_path):
    """The build's page digests depend on where the checkout and content lie; parts.json is published."""
    copy = tmp_path / "elsewhere"
    shutil.copytree(six_reports, copy)
    bundles = []
    for site, mark in ((six_reports, "here"), (copy, "there")):
        listing = site.parent / f"{mark}.json"
        pages = sorted(path.relative_to(site).as_posix() for path in site.glob(GLOB))
        listing.write_text(json.dumps({page: f"{mark}-{page}" for page in pages}))
        run = search.Indexing(site, GLOB, listing=listing, part_bytes=in_parts(site).part_bytes)
        assert search.index_site(run) == ""
        bundles.append((site / search.BUNDLE / search.KEYS_FILE).read_text())
    assert bundles[0] == bundles[1]


def test_meta_files_lists_a_bundles_fragments_word_indexes_and_filters(six_reports):
    assert search.index_site(search.Indexing(six_reports, GLOB)) == ""
    bundle = six_reports / search.BUNDLE
    on_disk = {p.relative_to(bundle).as_posix() for top in search.BY_CONTENT for p in (bundle / top).iterdir()}
    [meta] = bundle.glob("pagefind.*.pf_meta")
    assert set(search.meta_files(meta)) == on_disk
    assert len([name for name in on_disk if name.startswith("fragment/")]) == 6
    assert search.listed_files(bundle) == on_disk | {meta.name}


def test_filters_are_put_in_order_and_named_by_their_bytes(tmp_path):
    """Pagefind writes a filter's values in hash-map order: the same pages must still give the same files."""
    values = [["Misrata", [2]], ["Benghazi", [0, 1]], ["Tripoli", [3]]]
    (tmp_path / "filter").mkdir()
    made = search.write_index(tmp_path, "filter/{}.pf_filter", "en", ["location", values], 7)
    meta = ["1.5.2", [["en_f1", 10]], [["a", "z", "en_i1"]], [["year", "en_y"], ["location", made]], [], ["title"]]
    named = search.write_index(tmp_path, "pagefind.{}.pf_meta", "en", meta, 10)
    (tmp_path / "filter" / "en_y.pf_filter").write_bytes(gzip.compress(search.PAGEFIND_MARK + b"\x82dyear\x80"))
    entry = {"version": "1.5.2", "languages": {"en": {"hash": named, "wasm": "en", "page_count": 4}}}
    (tmp_path / search.ENTRY).write_text(json.dumps(entry), encoding="utf-8")
    search.canonical_filters(tmp_path)
    new = json.loads((tmp_path / search.ENTRY).read_text(encoding="utf-8"))["languages"]["en"]["hash"]
    [meta_file] = tmp_path.glob("pagefind.*.pf_meta")
    assert meta_file.name == f"pagefind.{new}.pf_meta" != f"pagefind.{named}.pf_meta"
    filters = search.read_index(meta_file)[3]
    assert [name for name, _ in filters] == ["location", "year"]
    assert search.read_index(tmp_path / "filter" / f"{filters[0][1]}.pf_filter") == ["location", sorted(values)]
    assert sorted(p.name for p in (tmp_path / "filter").iterdir()) == sorted(f"{h}.pf_filter" for _, h in filters)
    before = {p.name: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    search.canonical_filters(tmp_path)  # in order already: nothing changes
    assert {p.name: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_a_new_word_reindexes_every_part_but_pages_unchanged_keep_their_fragment_files(six_reports, tmp_path):
    assert search.index_site(in_parts(six_reports)) == ""
    bundle = six_reports / search.BUNDLE
    before = {p.relative_to(bundle): p.stat().st_ino for p in bundle.rglob("fragment/*")}
    edit_report(six_reports, 2, "Tripoli convoy zanzibar")  # a word new to the site: every part learns it
    assert search.index_site(in_parts(six_reports)) == ""
    after = {p.relative_to(bundle): p.stat().st_ino for p in bundle.rglob("fragment/*")}
    kept = [name for name in after if before.get(name) == after[name]]
    assert len(kept) == 5  # Pagefind skipped the fragments of the five pages not edited
    assert len(before.keys() - after.keys()) == 4  # the edited page's and the three pages of words' old ones
    assert by_content(six_reports) == indexed_afresh(six_reports, tmp_path / "cold")


def test_a_part_whose_new_index_cannot_be_read_is_made_afresh(six_reports, tmp_path, monkeypatch):
    assert search.index_site(in_parts(six_reports)) == ""
    edit_report(six_reports, 2, "Tripoli convoy zanzibar")

    def unreadable(path: Path) -> list[str]:
        raise ValueError(f"{path.name}: not a Pagefind index")

    monkeypatch.setattr(search, "meta_files", unreadable)
    assert search.index_site(in_parts(six_reports)) == ""
    monkeypatch.undo()
    assert by_content(six_reports) == indexed_afresh(six_reports, tmp_path / "cold")  # no file of the last run left


def test_files_of_a_bundle_left_half_made_are_not_kept(six_reports, tmp_path):
    assert search.index_site(in_parts(six_reports)) == ""
    bundle = six_reports / search.BUNDLE
    [cut] = [p for p in bundle.rglob("fragment/*") if b"report-0/" in gzip.decompress(p.read_bytes())]  # not edited
    cut.unlink()
    cut.write_bytes(b"")  # as a run killed while Pagefind wrote it would leave it
    (bundle / search.KEYS_FILE).unlink()  # as such a run leaves the bundle: no part claimed as made
    edit_report(six_reports, 2, "Tripoli convoy zanzibar")
    assert search.index_site(in_parts(six_reports)) == ""
    assert by_content(six_reports) == indexed_afresh(six_reports, tmp_path / "cold")


def test_a_killed_search_runs_staging_folder_is_cleared_by_the_next(tmp_path):
    dead, alive = tmp_path / "sitrep-search-999999999-ab12", tmp_path / f"sitrep-search-{os.getpid()}-cd34"
    for folder in (dead, alive, tmp_path / "sitrep-searching"):
        (folder / "reports").mkdir(parents=True)
    search.clear_stale_stages(str(tmp_path))  # 999999999 is past any process id Linux gives
    assert sorted(p.name for p in tmp_path.iterdir()) == [alive.name, "sitrep-searching"]


SLUGS = ("day", "east", "west", "a-mike", "b-zulu")


def test_report_pages_sort_for_search_as_the_site_orders_them(tmp_path):
    content = write_tree(
        tmp_path / "content",
        {  # one day: 09:00+14:00 is 19:00 UTC the day before, 08:00-05:00 is 13:00 UTC
            "reports/2016/03/east.md": report_text("East", "2016-03-27T09:00:00+14:00"),
            "reports/2016/03/west.md": report_text("West", "2016-03-27T08:00:00-05:00"),
            "reports/2016/03/day.md": report_text("Day", "2016-03-27"),
            "reports/2016/03/b.md": report_text("Zulu", "2016-03-27", slug="b-zulu"),  # ties: by title, not URL
            "reports/2016/03/a.md": report_text("Mike", "2016-03-27", slug="a-mike"),
        },
    )
    out = tmp_path / "out"
    assert build(content, out, settings_file(tmp_path, "SITREP_SEARCH = False"), stream=io.StringIO()) == 0
    values = {slug: search.sort_value((out / f"reports/2016/03/{slug}/index.html").read_bytes()) for slug in SLUGS}
    home = re.findall(r'href="\./reports/2016/03/([\w-]+)/"', (out / "index.html").read_text())
    newest_first = ["west", "east", "b-zulu", "a-mike", "day"]
    assert list(dict.fromkeys(home)) == sorted(values, key=values.__getitem__, reverse=True) == newest_first


def test_a_site_indexed_without_the_builds_listing_gives_the_same_bundle(six_reports, tmp_path, monkeypatch):
    pages = sorted(p.relative_to(six_reports).as_posix() for p in six_reports.glob(GLOB))
    listing = tmp_path / "pages.json"
    listing.write_text(json.dumps({page: str(number) for number, page in enumerate(pages)}), encoding="utf-8")
    assert search.index_site(search.Indexing(six_reports, GLOB, listing=listing)) == ""
    listed = by_content(six_reports)
    glob = Path.glob
    monkeypatch.setattr(Path, "glob", lambda path, pattern: reversed(list(glob(path, pattern))))  # a folder's order
    assert search.index_site(search.Indexing(six_reports, GLOB)) == ""  # no listing: the cache could not hold it
    assert by_content(six_reports) == listed
