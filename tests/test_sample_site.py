"""The bundled sample site: it checks clean, and every same-site link in it resolves."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT, run_build, run_check


class _Links(HTMLParser):
    """Collect href/src values and element ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.repeated: list[str] = []  # ids given twice: aria-labelledby and #links would be ambiguous

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.repeated += [value] if value in self.ids else []
                self.ids.add(value)


def parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "output"
    code, messages = run_build(ROOT / "content", out)
    assert code == 0, messages
    return out


def test_sample_content_checks_clean():
    code, messages = run_check(ROOT / "content")
    assert code == 0
    assert re.fullmatch(r"checked \d+ report files: 0 errors, 0 warnings in [\d.]+ s\n", messages)


def test_sample_has_at_least_15_briefings(sample):
    assert len(list((sample / "reports").glob("2016/0[123]/*/index.html"))) >= 15


def _target(page: Path, href: str) -> Path:
    path = unquote(urlsplit(href).path)
    target = (page.parent / path).resolve() if path else page
    return target / "index.html" if target.is_dir() else target


def test_every_same_site_link_resolves(sample):
    pages = {page.resolve(): parse(page) for page in sample.rglob("*.html")}
    checked = 0
    for page, found in pages.items():
        for href in found.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue  # other sites: not ours to check offline
            assert not href.startswith("/"), f"{page}: root-relative {href}"
            target = _target(page, href)
            assert target.is_file() and target.is_relative_to(sample.resolve()), f"{page}: broken {href}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in pages[target].ids, f"{page}: no #{parts.fragment} in {target}"
            checked += 1
    assert checked > 1000


def test_no_page_gives_one_id_twice(sample):
    repeated = {
        str(page.relative_to(sample)): found.repeated
        for page in sample.rglob("*.html")
        if (found := parse(page)).repeated
    }
    assert repeated == {}


def test_no_page_loads_anything_from_another_host(sample):
    for page in sample.rglob("*.html"):
        text = page.read_text()
        assert not re.search(r'<(?:link|script|img|iframe)[^>]+(?:href|src)="(?:https?:)?//', text), page


def test_every_sample_feed_parses_cleanly(sample):
    import feedparser

    feeds = sorted(sample.rglob("*.xml"))
    assert len(feeds) > 50
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
    ids = [e.id for e in feedparser.parse((sample / "feeds/all.atom.xml").read_bytes()).entries]
    assert len(ids) == len(set(ids)) == len(list((sample / "reports").glob("*/*/*/index.html")))
