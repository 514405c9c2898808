"""Feeds: valid Atom/RSS by feedparser, stable ids, absolute links, autodiscovery, OPML."""

import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest

from conftest import report_text, run_build, settings_file
from sitrep import feeds
from sitrep.build import build
from sitrep.entities import Registry
from sitrep.reports import read_report
from sitrep.settings import load

REGISTRY = "- name: Islamic State\n  aliases: [ISIS, IS, Daesh]\n"


def files(title_a="Alpha"):
    return {
        "entities/actors.yaml": REGISTRY,
        "reports/2016/01/a.md": report_text(
            title_a,
            "2016-01-05",
            actors="[ISIS, LNA]",
            locations="[Sirte]",
            updated="2016-01-09",
            body="ISIS near [Sirte](../../02/) <script>alert(1)</script> ![map](map.png)\n",
        ),
        "reports/2016/01/b.md": report_text("Bravo", "2016-01-20T10:00:00+01:00", actors="[Daesh]", author="J. Rahman"),
        "reports/2016/02/c.md": report_text(
            "Charlie", "2016-02-02", actors="[LNA]", category="Security", body="Pasted\x0btext.\n"
        ),  # a control character XML forbids: removed, with a warning
        "reports/2016/02/d.md": report_text("Draft", "2016-02-03", actors="[LNA]", status="draft"),
    }


@pytest.fixture
def out(site_dir, tmp_path):
    target = tmp_path / "out"
    code, messages = run_build(site_dir(files()), target)
    assert code == 0, messages
    return target


def parse(path):
    feed = feedparser.parse(path.read_bytes())
    assert feed.bozo == 0, (path, feed.get("bozo_exception"))
    return feed


def test_every_feed_is_valid_and_counts_match(out):
    feeds = sorted(out.rglob("*.xml"))
    counts = {str(p.relative_to(out)): len(parse(p).entries) for p in feeds}  # parse: no XML error, bozo 0
    aliases = {f"actors/{alias}/feed.atom.xml" for alias in ("isis", "is", "daesh")}  # Islamic State's, as it is
    assert len(feeds) - len(aliases) == 2 + (2 + 1 + 1 + 1)  # all (Atom, RSS); ISIS, LNA; Sirte; Western; Security
    assert {counts[name] for name in aliases} == {counts["actors/islamic-state/feed.atom.xml"]}
    assert counts["feeds/all.atom.xml"] == counts["feeds/all.rss.xml"] == 3
    assert counts["actors/islamic-state/feed.atom.xml"] == 2
    assert counts["actors/lna/feed.atom.xml"] == 2
    assert counts["locations/sirte/feed.atom.xml"] == 1
    assert counts["regions/western/feed.atom.xml"] == 3
    assert counts["categories/security/feed.atom.xml"] == 1


@pytest.mark.parametrize(
    "updated, expected",
    [
        ("2016-01-09", "2016-01-09T18:00:00+01:00"),  # a bare day on the report's own day: not before its time
        ("2016-01-10", "2016-01-10T00:00:00+01:00"),
        ("2016-01-09T19:00:00+01:00", "2016-01-09T19:00:00+01:00"),
    ],
)
def test_an_entry_is_never_updated_before_it_was_published(updated, expected):
    raw = report_text("T", "2016-01-09T18:00:00+01:00", updated=updated).encode()
    report = read_report("t.md", raw, load({})[0], Registry()).report
    assert feeds.updated(report).isoformat() == expected


def test_feed_dates_of_a_zone_on_local_mean_time_are_given_in_utc(tmp_path):
    content = tmp_path / "content"
    (content / "reports/1911/10").mkdir(parents=True)
    (content / "reports/1911/10/a.md").write_text(report_text("Landing", "1911-10-05"), encoding="utf-8")
    out = tmp_path / "out"
    settings = settings_file(tmp_path, 'TIMEZONE = "Africa/Tripoli"', "SITREP_SEARCH = False")  # +00:52:44 until 1920
    assert build(content, out, settings, stream=io.StringIO()) == 0
    atom, rss = (out / "feeds/all.atom.xml").read_text(), (out / "feeds/all.rss.xml").read_text()
    assert re.findall(r"<published>([^<]*)", atom) == ["1911-10-04T23:07:16+00:00"]  # RFC 3339: no offset seconds
    assert re.findall(r"<pubDate>([^<]*)", rss) == ["Wed, 04 Oct 1911 23:07:16 +0000"]  # read as 1 October before
    assert feedparser.parse(rss).entries[0].published_parsed[:6] == (1911, 10, 4, 23, 7, 16)
    assert json.loads((out / "data/reports.json").read_text())["generated"] == "1911-10-04T23:07:16+00:00"


def test_a_site_without_author_or_description_names_itself_in_feeds(site_dir, tmp_path):
    # Atom needs an author of the feed or of every entry, RSS a channel description: neither may be empty.
    content = site_dir({"reports/2016/01/a.md": report_text()})
    settings = settings_file(
        tmp_path, 'AUTHOR = ""', 'SITE_DESCRIPTION = ""', 'SITENAME = "Desk"', "SITREP_SEARCH = False"
    )
    assert build(content, tmp_path / "out", settings, stream=io.StringIO()) == 0
    atom, rss = (tmp_path / "out/feeds/all.atom.xml").read_text(), (tmp_path / "out/feeds/all.rss.xml").read_text()
    assert "<author><name>Desk</name></author>" in atom and "<description>Desk</description>" in rss


def test_atom_entry_fields_and_absolute_links(out):
    feed = parse(out / "feeds/all.atom.xml")
    assert feed.version == "atom10"
    assert feed.feed.updated == "2016-02-02T00:00:00+00:00"  # the newest entry's, not the build time
    assert [link.href for link in feed.feed.links] == [
        "http://localhost:8000/feeds/all.atom.xml",
        "http://localhost:8000/",
    ]
    entry = next(e for e in feed.entries if e.title == "Alpha")
    assert entry.id == "tag:sitrep.example.internal,2026:reports/2016/01/a.md"
    assert entry.link == "http://localhost:8000/reports/2016/01/alpha/"
    assert (entry.published, entry.updated) == ("2016-01-05T00:00:00+00:00", "2016-01-09T00:00:00+00:00")
    assert [(t.term, t.label) for t in entry.tags] == [
        ("islamic-state", "Islamic State"),
        ("lna", "LNA"),
        ("sirte", "Sirte"),
        ("western", "Western"),
    ]
    assert entry.tags[0].scheme == "http://localhost:8000/actors/"
    html = entry.content[0].value
    assert 'href="http://localhost:8000/actors/islamic-state/"' in html
    assert 'href="http://localhost:8000/reports/2016/02/"' in html
    assert '<span class="missing-image">Image: map</span>' in html  # no file of the content is published
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert not re.search(r'(?:href|src)="(?!https?://)', html)


def test_a_report_is_the_same_whole_entry_in_every_feed_carrying_it(out):
    alpha = "<id>tag:sitrep.example.internal,2026:reports/2016/01/a.md</id>"
    entries = {
        str(path.relative_to(out)): next(
            e for e in re.findall(r"<entry>.*?</entry>", path.read_text(), re.S) if alpha in e
        )
        for path in sorted(out.rglob("*.atom.xml"))
        if alpha in path.read_text()
    }
    assert sorted(entries) == [
        "actors/daesh/feed.atom.xml",  # the aliases' feeds are Islamic State's
        "actors/is/feed.atom.xml",
        "actors/isis/feed.atom.xml",
        "actors/islamic-state/feed.atom.xml",
        "actors/lna/feed.atom.xml",
        "feeds/all.atom.xml",
        "locations/sirte/feed.atom.xml",
        "regions/western/feed.atom.xml",
    ]
    assert len(set(entries.values())) == 1
    content = entries["feeds/all.atom.xml"]
    assert "&amp;lt;script&amp;gt;" in content and "&amp;amp;" not in content  # the escaped body, escaped once more


def test_rss_has_guid_dates_and_content(out):
    feed = parse(out / "feeds/all.rss.xml")
    assert feed.version == "rss20"
    bravo = next(e for e in feed.entries if e.title == "Bravo")
    assert bravo.id == "tag:sitrep.example.internal,2026:reports/2016/01/b.md"
    assert bravo.published == "Wed, 20 Jan 2016 10:00:00 +0100" and bravo.author == "J. Rahman"
    assert bravo.link == "http://localhost:8000/reports/2016/01/bravo/"
    assert "Body text." in bravo.content[0].value


def build_with(site_dir, tmp_path, *settings: str):
    return build(site_dir(files()), tmp_path / "out", settings_file(tmp_path, *settings), stream=io.StringIO())


def test_entity_rss_when_switched_on(site_dir, tmp_path):
    assert build_with(site_dir, tmp_path, 'ACTOR_RSS = "actors/{slug}/feed.rss.xml"') == 0
    assert len(parse(tmp_path / "out/actors/islamic-state/feed.rss.xml").entries) == 2
    assert not (tmp_path / "out/locations/sirte/feed.rss.xml").exists()
    assert 'href="../../actors/lna/feed.rss.xml"' in (tmp_path / "out/actors/lna/index.html").read_text()


def test_feeds_keep_the_newest_instants_when_offsets_cross_midnight(site_dir, tmp_path):
    dates = {"late": "2016-01-07T23:30:00-05:00", "bare": "2016-01-08", "early": "2016-01-08T01:00:00+03:00"}
    content = site_dir({f"reports/2016/01/{name}.md": report_text(name, date) for name, date in dates.items()})
    assert (
        build(content, tmp_path / "out", settings_file(tmp_path, "SITREP_FEED_MAX_ITEMS = 2"), stream=io.StringIO())
        == 0
    )
    feed = parse(tmp_path / "out/feeds/all.atom.xml")
    assert [entry.title for entry in feed.entries] == [
        "late",
        "bare",
    ]  # 04:30Z and 00:00Z on the 8th; not 22:00Z on the 7th
    assert feed.feed.updated == "2016-01-07T23:30:00-05:00"


@pytest.mark.parametrize(
    "path, iri",
    [
        ("reports/2016/01/a.md", "reports/2016/01/a.md"),
        ("reports/2016/01/my report #1 100%.md", "reports/2016/01/my%20report%20%231%20100%25.md"),
        ("reports/2016/01/zāwiya<&>.md", "reports/2016/01/zāwiya%3C&%3E.md"),  # letters of any script stay
        ("reports/2016/01/caf\udce9.md", "reports/2016/01/caf%E9.md"),  # a name in Latin-1: its byte, encoded
        ("reports/2016/01/a\ufffe\uffff.md", "reports/2016/01/a%EF%BF%BE%EF%BF%BF.md"),  # XML forbids these two
        ("reports/2016/01/b\x85\ue000\ufdd0.md", "reports/2016/01/b%C2%85%EE%80%80%EF%B7%90.md"),  # no ucschar
        ("reports/2016/01/c\u200f\u202e.md", "reports/2016/01/c%E2%80%8F%E2%80%AE.md"),  # bidi formatting
        ("reports/2016/01/d\u00a0\U0001f600.md", "reports/2016/01/d\u00a0\U0001f600.md"),  # ucschar: stays
    ],
)
def test_an_entry_id_is_an_iri_whatever_the_file_name(path, iri):
    assert feeds.iri_path(path) == iri


def test_ids_unique_and_stable_when_title_and_url_change(site_dir, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    run_build(site_dir(files()), first)
    run_build(site_dir(files(title_a="Alpha renamed")), second)
    before = {e.id: e.link for e in parse(first / "feeds/all.atom.xml").entries}
    after = {e.id: e.link for e in parse(second / "feeds/all.atom.xml").entries}
    assert len(before) == 3 and before.keys() == after.keys()
    alpha = "tag:sitrep.example.internal,2026:reports/2016/01/a.md"
    assert (before[alpha], after[alpha]) == (
        "http://localhost:8000/reports/2016/01/alpha/",
        "http://localhost:8000/reports/2016/01/alpha-renamed/",
    )


def test_drafts_never_in_feeds(out):
    assert not any(b"Draft" in p.read_bytes() for p in out.rglob("*.xml"))


def test_feed_size_is_capped(site_dir, tmp_path):
    assert build_with(site_dir, tmp_path, "SITREP_FEED_MAX_ITEMS = 2") == 0
    assert len(parse(tmp_path / "out/feeds/all.atom.xml").entries) == 2
    assert [e.title for e in parse(tmp_path / "out/regions/western/feed.atom.xml").entries] == ["Charlie", "Bravo"]


def test_autodiscovery_and_subscribe_links(out):
    home = (out / "index.html").read_text()
    title = 'title="Sitrep: Libya security and politics: All reports (Atom)"'
    assert f'<link rel="alternate" type="application/atom+xml" {title} href="./feeds/all.atom.xml">' in home
    assert 'Subscribe: <a href="./feeds/all.atom.xml"' in home
    actor = (out / "actors/lna/index.html").read_text()
    title = 'title="Sitrep: Libya security and politics: LNA (actor) (Atom)"'
    assert f'type="application/atom+xml" {title} href="../../actors/lna/feed.atom.xml">' in actor
    assert "feed.rss.xml" not in actor and "Subscribe:" in actor


def test_opml_lists_every_feed_with_titles(out):
    root = ET.parse(out / "feeds/index.opml").getroot()
    urls = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
    assert len(urls) == len(list(out.rglob("*.atom.xml"))) - 3 == 6  # not the aliases' (Islamic State's, as it is)
    assert all(u.startswith("http://localhost:8000/") for u in urls)
    titles = {o.get("text") for o in root.iter("outline")}
    assert {"All reports", "Actors", "Islamic State (actor)", "Sirte (location)"} <= titles
    page = (out / "feeds/index.html").read_text()
    assert 'href="../actors/lna/feed.atom.xml"' in page and 'href="../feeds/index.opml"' in page


class _Shown(HTMLParser):
    """Collect what a browser shows of an HTML fragment: its text and the elements it makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.elements: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def shown(detail) -> tuple[str, list[str]]:
    """Return what a reader shows of a feedparser text construct: its text and the elements it renders."""
    if detail.type != "text/html":
        return detail.value, []
    parser = _Shown()
    parser.feed(detail.value)
    parser.close()
    return "".join(parser.text), parser.elements


MARKUP = {
    "reports/2016/01/img.md": report_text(
        "Zorblax <img src=x onerror=alert(2)>",
        "2016-01-05",
        actors="['<i>Zorblax</i>']",
        author="'J. <b>Rahman</b>'",
        body="Zorblax <img src=x onerror=alert(1)>\n",
    ),
    "reports/2016/01/bold.md": report_text(
        "Use <b>bold</b> & <img src=x onerror=alert(3)>", "2016-01-06", body="AT&amp;T & <b>co</b>\n"
    ),
    "reports/2016/01/plain.md": report_text("Oil & gas", "2016-01-07", body="Tripoli & Misrata.\n"),
}


@pytest.fixture
def markup_out(site_dir, tmp_path):
    target = tmp_path / "out"
    conf = settings_file(tmp_path, 'ACTOR_RSS = "actors/{slug}/feed.rss.xml"')
    assert build(site_dir(MARKUP), target, conf, stream=io.StringIO()) == 0
    return target


def test_rss_shows_a_plain_text_summary_as_text_not_html(markup_out):
    entries = {e.id.rsplit("/", 1)[1]: e for e in parse(markup_out / "feeds/all.rss.xml").entries}
    img, bold, plain = entries["img.md"], entries["bold.md"], entries["plain.md"]
    assert img.summary == "Zorblax &lt;img src=x onerror=alert(1)&gt;"
    assert shown(img.summary_detail) == ("Zorblax <img src=x onerror=alert(1)>", [])
    assert bold.summary == "AT&amp;T &amp; &lt;b&gt;co&lt;/b&gt;"  # Markdown read the body's entity: AT&T
    assert shown(bold.summary_detail) == ("AT&T & <b>co</b>", [])
    assert shown(plain.summary_detail) == ("Tripoli & Misrata.", [])
    atom = next(e for e in parse(markup_out / "feeds/all.atom.xml").entries if e.id.endswith("img.md"))
    assert (atom.summary_detail.type, atom.summary) == ("text/plain", "Zorblax <img src=x onerror=alert(1)>")


def test_rss_titles_authors_and_categories_show_as_text(markup_out):
    feed = parse(markup_out / "feeds/all.rss.xml")
    titles = {e.id.rsplit("/", 1)[1]: e.title_detail for e in feed.entries}
    # Taken for text: given as text, so plain-text readers show it as it is too.
    assert (titles["img.md"].type, titles["img.md"].value) == ("text/plain", "Zorblax <img src=x onerror=alert(2)>")
    assert (titles["plain.md"].type, titles["plain.md"].value) == ("text/plain", "Oil & gas")
    # A close tag makes readers take it for HTML: given as HTML, it still shows as its text.
    assert titles["bold.md"].value == "Use &lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(3)&gt;"
    assert shown(titles["bold.md"]) == ("Use <b>bold</b> & <img src=x onerror=alert(3)>", [])
    actor = parse(markup_out / "actors/i-zorblax-i/feed.rss.xml").feed.title_detail
    assert shown(actor) == ("Sitrep: Libya security and politics: <i>Zorblax</i> (actor)", [])
    img = next(e for e in feed.entries if e.id.endswith("img.md"))
    assert img.author == "J. <b>Rahman</b>"  # dc:creator: feedparser never takes it for HTML
    assert [tag.term for tag in img.tags] == ["<i>Zorblax</i>", "Western"]
    atom = next(e for e in parse(markup_out / "feeds/all.atom.xml").entries if e.id.endswith("img.md"))
    assert (atom.title_detail.type, atom.title) == ("text/plain", "Zorblax <img src=x onerror=alert(2)>")


def test_iri_path_keeps_exactly_rfc_3987_letters_past_ascii():
    # U+D7FF and U+F900 end and start ucschar ranges; U+F8FF is private use; U+200F is a bidi format.
    assert feeds.iri_path("a\ud7ff\uf8ff\uf900\u200fb c/") == "a\ud7ff%EF%A3%BF\uf900%E2%80%8Fb%20c/"


@pytest.mark.parametrize(
    ("kept", "escaped"),
    [("\ufdcf\ufdf0\uffef", "\ufdd0\ufff0"), ("\U000e1000\U000efffd", "\U000e0fff\U000efffe")],
)
def test_iri_path_keeps_the_ends_of_each_ucschar_range(kept, escaped):
    assert feeds.iri_path(kept) == kept
    assert feeds.iri_path(escaped) == "".join(feeds._escaped(c) for c in escaped) != escaped
