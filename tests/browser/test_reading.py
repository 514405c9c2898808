"""Search, filters, cross-links, accessibility and the preview's live reload in Debian's Chromium, the site served under a sub-path."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import ROOT, SETTINGS, report_text, run_build, write_tree
from sitrep import search
from sitrep.preview import Preview, start_server

CHROMIUM = Path(os.environ.get("SITREP_CHROMIUM", "/usr/bin/chromium"))
SUB_PATH = "intranet/desks/libya/"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def built_and_served(root: Path, content: Path = ROOT / "content", serve: type = _Quiet) -> Iterator[str]:
    """Build a site (the sample's) under a sub-path of root, serve root (with serve), and give the site's URL."""
    code, messages = run_build(content, root / SUB_PATH.rstrip("/"))
    assert code == 0, messages
    handler = functools.partial(serve, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/{SUB_PATH}"
    server.shutdown()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def site_url(tmp_path_factory) -> Iterator[str]:
    """Build the sample site under a sub-path, serve it, and give its URL."""
    with built_and_served(tmp_path_factory.mktemp("www")) as url:
        yield url


@pytest.fixture(scope="session")
def parted_site(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """Build the sample site with its search index in parts (as a large site's is); give its URL and folder."""
    root = tmp_path_factory.mktemp("parted")
    saved, search.PART_BYTES = search.PART_BYTES, 60_000  # the sample's report pages: about 160 kB
    try:
        with built_and_served(root) as url:
            search.PART_BYTES = saved
            yield url, root / SUB_PATH
    finally:
        search.PART_BYTES = saved


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's Chromium through Playwright (no browser download)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def aborted(request) -> bool:
    """Return True for a request the browser cancelled itself (a favicon still loading when a link is followed).

    Missing files still fail the tests: they answer 404, which the response check records.
    """
    return request.failure == "net::ERR_ABORTED"


@contextlib.contextmanager
def opened_page(browser, site_url: str) -> Iterator[object]:
    """Open a page that records console errors and failed requests; assert none at the end."""
    context = browser.new_context()
    opened = context.new_page()
    trouble: list[str] = []
    opened.on("console", lambda m: trouble.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    opened.on("pageerror", lambda e: trouble.append(f"page error: {e}"))
    opened.on("requestfailed", lambda r: None if aborted(r) else trouble.append(f"failed: {r.url} {r.failure}"))
    opened.on("response", lambda r: trouble.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    opened.on("request", lambda r: trouble.append(f"off-site: {r.url}") if not r.url.startswith(site_url) else None)
    yield opened
    context.close()
    assert trouble == []


@pytest.fixture
def page(browser, site_url):
    """Open a page of the sample site (see opened_page)."""
    with opened_page(browser, site_url) as opened:
        yield opened


ZLITEN = "reports/2016/01/western-zliten-truck-bomb/"


def test_search_finds_a_report_and_opens_it(page, site_url):
    page.goto(site_url + "search/")
    page.fill(".pagefind-ui__search-input", "tanker")
    page.wait_for_selector(".pagefind-ui__result-link")
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
    assert links == [site_url + ZLITEN]
    assert page.is_visible("label[for='search-input']") and page.locator("#search-input").count() == 1
    page.click(".pagefind-ui__result-link")
    page.wait_for_url(site_url + ZLITEN)
    assert page.inner_text("h1") == "Western – Zliten truck bomb"


def result_titles(page) -> list[str]:
    page.wait_for_selector(".pagefind-ui__result-link")
    page.wait_for_timeout(300)  # let the filtered result list settle
    return page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.textContent.trim())")


def test_actor_filter_narrows_results(page, site_url):
    page.goto(site_url + "search/")
    page.fill(".pagefind-ui__search-input", "Tripoli")
    everything = result_titles(page)
    page.click("summary.pagefind-ui__filter-name:has-text('Actor')")
    page.check("input[id='actor-Khalifa Ghwell']")
    page.wait_for_function(f"document.querySelectorAll('.pagefind-ui__result-link').length < {len(everything)}")
    narrowed = result_titles(page)
    assert narrowed and set(narrowed) < set(everything)
    assert "Tripoli – Presidency Council lands at Abu Sitta" in narrowed


def test_report_to_actor_to_another_report(page, site_url):
    page.goto(site_url + ZLITEN)
    page.click(".report-meta a:has-text('Misrata militias')")
    page.wait_for_url(site_url + "actors/misrata-militias/")
    assert page.inner_text("h1") == "Misrata militias"
    other = page.locator(".report-item h3 a").filter(has_not_text="Zliten").first
    title = other.inner_text()
    other.click()
    page.wait_for_url(re.compile(re.escape(site_url) + r"reports/2016/\d\d/[a-z0-9-]+/$"))
    assert page.inner_text("h1") == title


def test_search_without_javascript_shows_no_label_for_an_input_that_is_not_there(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "search/")
    assert page.locator("label.search-label").count() == 1 and page.locator("label[for]").count() == 0
    assert not page.is_visible("label.search-label")  # it would label an input that is not there
    context.close()


def test_timeline_chart_links_work_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "timeline/")
    assert page.locator("svg rect").count() > 5
    page.click("svg a >> nth=0")
    page.wait_for_url(re.compile(re.escape(site_url) + r"archives/2016/\d\d/$"))
    context.close()


# axe's default run leaves out WCAG 2.2's rules (target-size): every WCAG 2.x A and AA rule, and best practices.
AXE_RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
}


def serious_violations(page) -> list[str]:
    """Run axe on a page; return its serious and critical violations, each with its first element."""
    violations = Axe().run(page, options=AXE_RULES).response["violations"]
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, first {v['nodes'][0]['target']})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


# One page of each type: lists, a report, entity pages and lists, timelines, archives, map, search, feeds, 404.
PAGE_TYPES = [
    "",
    "page/2/",
    ZLITEN,
    "actors/islamic-state/",
    "locations/sirte/",
    "actors/",
    "actors/islamic-state/timeline/",
    "timeline/",
    "archives/2016/",
    "archives/2016/01/",
    "map/",
    "search/",
    "feeds/",
    "404.html",
]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_serious_accessibility_violations(page, site_url, path):
    page.goto(site_url + path)
    if path == "search/":
        page.fill(".pagefind-ui__search-input", "Sirte")
        page.wait_for_selector(".pagefind-ui__result-link")
    assert serious_violations(page) == []


# WCAG 1.4.12's spacing: a reader's style sheet may set it, and the page must still fit (1.4.10 at 320 px).
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }"
    " p { margin-bottom: 2em !important; }"
)


@pytest.mark.parametrize("width, spacing", [(320, False), (320, True), (1280, False)])
def test_no_horizontal_scroll_at_phone_and_desktop_width(browser, site_url, width, spacing):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for path in ("", ZLITEN, "actors/islamic-state/", "timeline/", "actors/", "map/", "feeds/"):
        page.goto(site_url + path)
        if spacing:
            page.add_style_tag(content=TEXT_SPACING)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    context.close()


LONG_WORD = "Brigadeofthemartyrsofthenorthwesterncoastalregionwithnospaces"  # no break opportunity: 60 letters
LONG_URL = "https://unsmil.unmissions.org/a/very/long/path/with/no/spaces/at/all/that/keeps/going.html"
LONG_NAMES_SITE = {
    "reports/2016/01/long.md": report_text(
        f"{LONG_WORD} convoy",
        "2016-01-07",
        region=f"[{LONG_WORD}region]",
        actors=f"[{LONG_WORD}]",
        summary=f"'See {LONG_URL}'",
        body=f"Read {LONG_URL} and `{LONG_WORD}_as_code`.\n\n## {LONG_WORD}\n",
    ),
}


def test_long_unbroken_names_and_addresses_wrap_at_phone_width(browser, tmp_path):
    content = write_tree(tmp_path / "content", LONG_NAMES_SITE)
    with built_and_served(tmp_path / "www", content) as url:
        context = browser.new_context(viewport={"width": 320, "height": 800})
        page = context.new_page()
        report, actor = "reports/2016/01/" + LONG_WORD.lower() + "-convoy/", "actors/" + LONG_WORD.lower()
        for path in ("", report, actor + "/", actor + "/timeline/", "regions/" + LONG_WORD.lower() + "region/"):
            page.goto(url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        page.goto(url + "search/?q=convoy")  # Pagefind's result title and filter labels
        page.wait_for_selector(".pagefind-ui__result-link")
        page.click("summary.pagefind-ui__filter-name:has-text('Actor')")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, "search/"
        context.close()


@pytest.mark.parametrize(
    "path", ["", ZLITEN, "actors/islamic-state/", "actors/", "timeline/", "archives/", "map/", "feeds/"]
)
def test_dark_mode_has_no_serious_accessibility_violations(browser, site_url, path):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site_url + path)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(20, 24, 28)"
    serious = serious_violations(page)
    context.close()
    assert serious == []


ROME = "reports/2016/02/rome-counter-daesh-coalition-ministers-discuss-libya/"  # its sources include a URL


def test_print_shows_no_navigation_and_each_web_address_once(page, site_url):
    page.emulate_media(media="print")
    for path in ("actors/", "timeline/", "archives/2016/01/", "page/2/", ROME):  # the report last: its sources
        page.goto(site_url + path)
        shown = page.eval_on_selector_all("nav", "navs => navs.filter(n => n.offsetParent !== null).length")
        assert shown == 0, path
    source = page.locator(".sources a").first
    assert source.inner_text().startswith("https://")
    assert source.evaluate("a => getComputedStyle(a, '::after').content") == "none"  # not its URL twice
    for path in ("", "actors/islamic-state/"):  # feed links subscribe to nothing on paper
        page.goto(site_url + path)
        assert page.locator(".subscribe").evaluate_all("els => els.filter(e => e.offsetParent)") == [], path


def test_the_search_page_of_a_site_with_no_reports_yet_says_so(browser, tmp_path):
    content = tmp_path / "content"
    (content / "reports").mkdir(parents=True)
    with built_and_served(tmp_path / "www", content) as url, opened_page(browser, url) as page:
        page.goto(url + "search/")  # no request for an index that is not there (opened_page checks)
        assert page.inner_text("main p:last-of-type") == "No reports to search yet."


def test_search_in_parts_finds_and_filters_like_one_index(browser, site_url, parted_site):
    url, folder = parted_site
    parts = re.findall(r'"(part-\d+/)"', (folder / "pagefind/parts.js").read_text())
    assert len(parts) >= 2 and all((folder / "pagefind" / part / "pagefind-entry.json").exists() for part in parts)
    for site in (site_url, url):
        with opened_page(browser, site) as page:
            page.goto(site + "search/")
            page.fill(".pagefind-ui__search-input", "tanker")
            page.wait_for_selector(".pagefind-ui__result-link")
            links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
            assert links == [site + ZLITEN]
            page.fill(".pagefind-ui__search-input", "Tripoli")
            page.click("summary.pagefind-ui__filter-name:has-text('Actor')")
            page.check("input[id='actor-Khalifa Ghwell']")
            page.wait_for_selector("text=Tripoli – Presidency Council lands at Abu Sitta")


SORTED_SEARCH = """async ([term, filters]) => {
    const pagefind = await import(new URL("../pagefind/pagefind.js", location.href).href);
    const found = await pagefind.search(term, {sort: {date: "desc"}, filters: filters});
    const pages = await Promise.all(found.results.map(result => result.data()));
    return {urls: pages.map(page => page.url), filters: found.filters};
}"""


@pytest.mark.parametrize("term, filters", [("Libya", {}), ("Tripoli", {}), (None, {"year": "2016"})])
def test_search_in_parts_gives_the_same_results_newest_first(browser, site_url, parted_site, term, filters):
    url, folder = parted_site
    found = {}
    for site in (site_url, url):
        with opened_page(browser, site) as page:
            page.goto(site + "search/")
            page.fill(".pagefind-ui__search-input", "Sirte")  # the page merges the parts into its Pagefind
            page.wait_for_selector(".pagefind-ui__result-link")
            found[site] = page.evaluate(SORTED_SEARCH, [term, filters])
    one, parted = found[site_url], found[url]
    assert len(parted["urls"]) > 5 and parted["filters"] == one["filters"]
    paths = [re.sub(r"^(https?://[^/]+)?/" + re.escape(SUB_PATH), "", link) for link in parted["urls"]]
    assert sorted(paths) == sorted(re.sub("^/" + re.escape(SUB_PATH), "", link) for link in one["urls"])
    dates = [
        re.search(r'data-pagefind-sort="date:([^"]+)"', (folder / path / "index.html").read_text())[1] for path in paths
    ]
    assert dates == sorted(dates, reverse=True)


HOSTILE_ACTOR = "<img src=x onerror=alert(1)>"
HOSTILE_CATEGORY = "<svg onload=alert(4)>"
HOSTILE_SITE = {
    "reports/2016/01/hostile.md": report_text(
        "Western – Zorblax convoy",
        "2016-01-05",
        actors=f"['{HOSTILE_ACTOR}', LNA]",
        locations="[Tripoli]",
        category=f"'{HOSTILE_CATEGORY}'",
        body="Zorblax convoy seen near Tripoli <img src=x onerror=alert(2)>.\n",
    ),
    "reports/2016/01/calm.md": report_text(
        "Western – Quiet day", "2016-01-06", actors="[LNA]", locations="[Tripoli]", body="Tripoli was quiet.\n"
    ),
}


def filter_label(page, name: str):
    """Return the label of a filter value as Pagefind's UI shows it: the value, then its count."""
    return page.locator(".pagefind-ui__filter-label", has_text=name)


def late_filters(served: list[str]) -> type:
    """Return a handler that serves the first filter file at once and every other one a second late (a slow network)."""

    class LateFilters(_Quiet):
        def do_GET(self) -> None:
            if self.path.endswith(".pf_filter"):
                served.append(self.path)
                if len(served) > 1:
                    time.sleep(1)
            super().do_GET()

    return LateFilters


FILTER_GROUPS = "summary.pagefind-ui__filter-name"


def test_a_search_from_the_address_shows_every_filter_group_when_filters_load_late(browser, tmp_path):
    # Pagefind's UI loads the filters without waiting and keeps the first answer's groups: such a
    # search showed only the groups loaded by then, here one of five, until the next search.
    served: list[str] = []
    with built_and_served(tmp_path / "www", serve=late_filters(served)) as url, opened_page(browser, url) as page:
        page.goto(url + "search/?q=Tripoli")
        page.wait_for_selector(".search-loading:not([hidden])")  # said while the filters come in
        page.wait_for_selector(".pagefind-ui__result-link")
        names = page.eval_on_selector_all(FILTER_GROUPS, "els => els.map(e => e.textContent.trim())")
        assert len(served) == 5 and names == ["Actor", "Category", "Location", "Region", "Year"]
        assert page.locator(".search-loading").is_hidden()


def test_the_search_page_opened_as_a_file_says_search_needs_a_web_server(browser, parted_site):
    # The browser refuses the index's module from file://: Pagefind's UI, started anyway, said "Searching..." for ever.
    folder = parted_site[1]
    context = browser.new_context()
    page = context.new_page()
    page.goto((folder / "search/index.html").as_uri())
    page.wait_for_selector(".search-failed:not([hidden])")
    assert page.is_visible("text=Search works only when the site is served by a web server")
    assert page.locator(".pagefind-ui__search-input").count() == 0 and page.locator(".search-loading").is_hidden()
    page.click(".search-failed a:has-text('Timeline')")
    assert page.url == (folder / "timeline").as_uri() + "/"
    context.close()


class NoSearchModule(_Quiet):
    """Refuse Pagefind's module, as a server or proxy that blocks it does."""

    def do_GET(self) -> None:
        if self.path.endswith("/pagefind/pagefind.js"):
            self.send_error(403)
        else:
            super().do_GET()


def test_the_search_page_says_so_when_its_index_cannot_load(browser, tmp_path):
    with built_and_served(tmp_path / "www", serve=NoSearchModule) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "search/?q=Tripoli")
        page.wait_for_selector(".search-failed:not([hidden])")
        assert page.is_visible("text=The search index could not be loaded")
        assert page.locator(".search-failed-file").is_hidden()  # served, not opened as a file
        assert page.locator(".pagefind-ui__search-input").count() == 0 and page.locator(".search-loading").is_hidden()
        context.close()


def test_filter_values_show_as_text_and_still_filter(browser, tmp_path):
    content = write_tree(tmp_path / "content", HOSTILE_SITE)
    with built_and_served(tmp_path / "www", content) as url, opened_page(browser, url) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url + "search/?q=Tripoli")  # the address searches at once
        assert len(result_titles(page)) == 2
        page.click("summary.pagefind-ui__filter-name:has-text('Actor')")
        page.click("summary.pagefind-ui__filter-name:has-text('Category')")
        filter_label(page, "LNA").wait_for()  # the actors are listed
        page.wait_for_timeout(300)  # a script set off by a filter's label would have run by now
        assert dialogs == [] and page.locator("[onerror], [onload]").count() == 0
        assert filter_label(page, HOSTILE_ACTOR).inner_text() == f"{HOSTILE_ACTOR} (1)"
        assert filter_label(page, HOSTILE_CATEGORY).inner_text() == f"{HOSTILE_CATEGORY} (1)"
        filter_label(page, HOSTILE_ACTOR).click()
        page.wait_for_function("document.querySelectorAll('.pagefind-ui__result-link').length === 1")
        assert result_titles(page) == ["Western – Zorblax convoy"]
        assert page.locator("input.pagefind-ui__filter-checkbox:checked").count() == 1
        assert dialogs == [] and page.locator("[onerror], [onload]").count() == 0


EVERY_CONTEXT_SITE = {  # author-written text in every field a page, feed, map or pointer shows
    **HOSTILE_SITE,
    "reports/2016/01/every.md": report_text(
        "T</title><script>alert(5)</script>'><img src=x onerror=alert(6)> ]]> --> {{ 7*7 }}",
        "2016-01-07",
        region="""['Reg"><script>alert(7)</script>']""",
        actors="['a:b, filter:Fake', '</text><script>alert(8)</script>']",
        locations="['Tripoli']",
        summary="""'"><script>alert(9)</script>'""",
        author="'<script>alert(10)</script>'",
        sources="""['https://example.org/"onmouseover=alert(11)', 'javascript:alert(12)']""",
        redirect_from="reports/2016/01/old-every/",
        body=(
            "## Head <script>alert(13)</script>\n\n[a](javascript:alert(14)) [b](JaVa&#x09;script:alert(15))"
            """ [c](data:text/html,x) <javascript:alert(16)> ![d"><img src=x onerror=alert(17)>](x.png)"""
            " note[^1]\n\n[^1]: <script>alert(18)</script>\n"
        ),
    ),
}
ENTITIES = (
    "- name: Tripoli\n  kind: '<b>x</b>'\n  description: '<script>alert(19)</script>'\n  lat: 32.9\n  lon: 13.2\n"
)


def test_no_page_of_a_hostile_site_runs_a_script_or_links_a_script_scheme(browser, tmp_path):
    content = write_tree(tmp_path / "content", {**EVERY_CONTEXT_SITE, "entities/locations.yaml": ENTITIES})
    with built_and_served(tmp_path / "www", content) as url, opened_page(browser, url) as page:
        folder = tmp_path / "www" / SUB_PATH
        pages = sorted(
            str(p.relative_to(folder).parent) for p in folder.rglob("index.html") if "pagefind" not in p.parts
        )
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        searches = ["search/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(20)%3E", "search/?q=alert"]
        for path in [*(f"{p}/" for p in pages if p != "."), "", "404.html", *searches]:
            page.goto(url + path)
            page.wait_for_load_state("networkidle")  # a pointer page's refresh has landed: its target is checked
            hrefs = page.eval_on_selector_all(
                "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), e.baseURI).protocol)"
            )
            assert set(hrefs) <= {"http:", "https:", "mailto:"}, path
            assert page.locator("[onerror], [onload], [onmouseover]").count() == 0, path
        page.wait_for_selector(".pagefind-ui__result-link")
        page.click("summary.pagefind-ui__filter-name:has-text('Actor')")
        page.wait_for_timeout(300)  # a script set off by a result or filter would have run by now
        assert dialogs == []
        assert filter_label(page, "a:b, filter:Fake").inner_text() == "a:b, filter:Fake (1)"  # one value, no filter


PREVIEW_SITE = {
    "reports/2016/01/zliten.md": report_text("Zliten bomb", "2016-01-07", body="Old words.\n"),
    "reports/2016/01/cabinet.md": report_text("Cabinet named", "2016-01-19"),
}


@pytest.fixture
def served(tmp_path):
    """Build a small site as `invoke serve` does, serve it, and give the preview and its URL."""
    preview = Preview(write_tree(tmp_path / "content", PREVIEW_SITE), tmp_path / "out", SETTINGS, io.StringIO())
    assert preview.rebuild() == 0, preview.stream.getvalue()
    server = start_server(preview, 0)
    yield preview, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def test_a_page_reloads_for_a_build_that_ends_before_it_first_asks(browser, served):
    preview, url = served
    tab = browser.new_page()
    tab.goto(url)
    home = preview.output / "index.html"  # a build lands now, as after a quick path that reloaded the tab
    home.write_text(home.read_text(encoding="utf-8").replace("Cabinet named", "Cabinet sworn in"), encoding="utf-8")
    preview.version += 1
    tab.wait_for_timeout(2500)  # the script asks every second
    assert "Cabinet sworn in" in tab.content()
    tab.close()


def test_a_reload_shows_the_stylesheet_as_last_built(browser, served):
    preview, url = served
    tab = browser.new_page()
    tab.goto(url)
    outline = "getComputedStyle(document.body).outlineColor"
    css = preview.output / "theme/css/sitrep.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n", encoding="utf-8")
    preview.version += 1  # a theme edit built
    tab.wait_for_timeout(2500)  # the script asks every second, then reloads
    assert tab.evaluate(outline) == "rgb(1, 2, 3)"
    tab.close()
