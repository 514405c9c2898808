"""End-to-end: entity pages, alias folding, redirects and cross-links in a built fixture site."""

import re

import pytest

from conftest import report_text, run_build

REGISTRY = """\
- name: Islamic State
  aliases: [ISIS, IS, Daesh]
  kind: armed group
  description: Jihadist group holding Sirte.
"""


@pytest.fixture
def built(site_dir, tmp_path):
    content = site_dir(
        {
            "entities/actors.yaml": REGISTRY,
            "reports/2016/01/a.md": report_text(
                "Alpha",
                "2016-01-05",
                actors="[ISIS, LNA]",
                locations="[Sirte]",
                category="Security",
                body="ISIS and Daesh near Sirte.\n",
            ),
            "reports/2016/01/b.md": report_text("Bravo", "2016-01-20", actors="[Daesh]", locations="[Sirte]"),
            "reports/2016/03/c.md": report_text("Charlie", "2016-03-02", actors="[IS, LNA]", region="Eastern"),
        }
    )
    out = tmp_path / "out"
    code, messages = run_build(content, out)
    assert code == 0, messages
    return out


def read(out, path):
    return (out / path).read_text(encoding="utf-8")


def test_aliases_fold_into_one_entity_page(built):
    page = read(built, "actors/islamic-state/index.html")
    # Under the h2 "Reports, newest first", and at h2 on the home page, from one shared fragment:
    assert [t for t in re.findall(r'<h3><a href="[^"]+">(\w+)</a></h3>', page)] == ["Charlie", "Bravo", "Alpha"]
    assert '<h2><a href="./reports/2016/03/charlie/">Charlie</a></h2>' in read(built, "index.html")
    assert "<h1>Islamic State</h1>" in page and "Jihadist group holding Sirte." in page and "armed group" in page
    assert "<dt>Reports</dt><dd>3</dd>" in page
    assert '<dt>First</dt><dd><time datetime="2016-01-05">5 January 2016</time></dd>' in page
    assert '<dt>Latest</dt><dd><time datetime="2016-03-02">2 March 2016</time></dd>' in page
    assert "<li>ISIS</li><li>IS</li><li>Daesh</li>" in page


def test_alias_urls_only_point_to_the_canonical_page(built):
    for alias in ("isis", "is", "daesh"):
        page = read(built, f"actors/{alias}/index.html")
        assert '<meta http-equiv="refresh" content="0; url=../../actors/islamic-state/">' in page
        assert '<a href="../../actors/islamic-state/">Islamic State</a>' in page
        assert "<h2>" not in page
        # Without it, a browser asked the server's root for /favicon.ico: outside a site under a sub-path.
        assert '<link rel="icon" href="../../theme/favicon.svg" type="image/svg+xml">' in page
    listing = read(built, "actors/index.html")
    assert listing.count(">Islamic State</a>") == 2  # A–Z and by count, once each
    assert "Daesh</a>" not in listing


def test_an_aliass_feed_is_its_entitys_and_its_timeline_points_to_its_entitys(built):
    # Daesh may once have had its own page: its subscribers' feed reader cannot follow a pointer page.
    feed = read(built, "actors/islamic-state/feed.atom.xml")
    assert read(built, "actors/daesh/feed.atom.xml") == feed and feed.count("<entry>") == 3
    timeline = read(built, "actors/daesh/timeline/index.html")
    assert '<meta http-equiv="refresh" content="0; url=../../../actors/islamic-state/timeline/">' in timeline
    assert "“Daesh” is another name for" in timeline
    assert "actors/daesh/" not in read(built, "feeds/index.opml")  # listed once, under its name


def test_an_aliass_feed_follows_an_edit_of_a_report_as_its_entitys_does(built):
    content = built.parent / "content"
    (content / "reports/2016/01/b.md").write_text(
        report_text("Bravo", "2016-01-20", actors="[Daesh]", locations="[Sirte]", body="Fighting resumed.\n")
    )
    assert run_build(content, built)[0] == 0
    assert "Fighting resumed." in read(built, "actors/daesh/feed.atom.xml")
    assert read(built, "actors/daesh/feed.atom.xml") == read(built, "actors/islamic-state/feed.atom.xml")


def test_activity_chart_is_inline_svg_per_month(built):
    page = read(built, "actors/islamic-state/index.html")
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert re.findall(r"<title>([^<]+)</title></rect>", svg) == [
        "January 2016: 2 reports",
        "February 2016: 0 reports",
        "March 2016: 1 report",
    ]
    assert "<script" not in page


def test_co_occurring_entities_are_counted_and_linked(built):
    page = read(built, "actors/islamic-state/index.html")
    assert '<li><a href="../../actors/lna/">LNA</a> <span class="count">2</span></li>' in page
    assert '<li><a href="../../locations/sirte/">Sirte</a> <span class="count">2</span></li>' in page


def test_every_facet_has_list_and_entity_pages(built):
    assert 'Sirte</a> <span class="count">2</span>' in read(built, "locations/index.html")
    assert "<h1>Eastern</h1>" in read(built, "regions/eastern/index.html")
    assert "<h1>Security</h1>" in read(built, "categories/security/index.html")
    regions = read(built, "regions/index.html")
    assert re.search(r'href="../regions/western/">Western</a> <span class="count">2 reports</span>', regions)


def test_report_page_links_its_entities_and_first_mentions(built):
    page = read(built, "reports/2016/01/alpha/index.html")
    meta = page[page.index('<dl class="report-meta"') : page.index("</dl>")]
    links = [("actors/islamic-state/", "Islamic State"), ("actors/lna/", "LNA"), ("locations/sirte/", "Sirte")]
    links += [("regions/western/", "Western"), ("categories/security/", "Security")]
    for href, name in links:
        assert f'<a href="../../../../{href}">{name}</a>' in meta
    body = page[page.index('<div class="body">') : page.index("</div>", page.index('<div class="body">'))]
    assert body.count('class="entity"') == 2  # ISIS (Daesh is the same entity) and Sirte
    assert (
        '<a href="../../../../actors/islamic-state/" class="entity" title="Actor: Islamic State">ISIS</a> and Daesh'
        in body
    )


def test_report_page_has_neighbours_and_related(built):
    page = read(built, "reports/2016/01/bravo/index.html")
    assert '<a rel="prev" href="../../../../reports/2016/01/alpha/"><span>Earlier</span> Alpha</a>' in page
    assert '<a rel="next" href="../../../../reports/2016/03/charlie/"><span>Later</span> Charlie</a>' in page
    related = page[page.index('<aside class="related"') :]
    assert "Alpha</a>" in related  # shares Sirte and Western
    assert "Charlie</a>" not in related  # shares only Islamic State, which every report names


def test_entity_pages_paginate_at_twenty(site_dir, tmp_path):
    files = {
        f"reports/2016/01/r{n:02}.md": report_text(f"R{n:02}", f"2016-01-{n:02}", actors="[LNA]") for n in range(1, 22)
    }
    code, _ = run_build(site_dir(files), tmp_path / "out")
    assert code == 0
    first, second = (
        read(tmp_path / "out", "actors/lna/index.html"),
        read(tmp_path / "out", "actors/lna/page/2/index.html"),
    )
    assert first.count('class="report-item"') == 20 and second.count('class="report-item"') == 1
    assert "R21" in first and "R01" in second
    assert '<a rel="next" href="../../actors/lna/page/2/">' in first


def test_two_names_on_one_slug_fail_the_build(site_dir, tmp_path):
    content = site_dir(
        {
            "reports/2016/01/a.md": report_text("A", "2016-01-01", actors="[Al-Qaeda]"),
            "reports/2016/01/b.md": report_text("B", "2016-01-02", actors="[Al Qaeda]"),
        }
    )
    code, messages = run_build(content, tmp_path / "out")
    assert code == 1
    assert "b.md:5: actors 'Al Qaeda' and 'Al-Qaeda' would share the URL actors/al-qaeda/" in messages
    assert not (tmp_path / "out").exists()


def test_initials_link_to_their_headings_with_valid_fragments(site_dir, tmp_path):
    content = site_dir({"reports/2016/01/a.md": report_text("Alpha", actors="[166 Battalion, Islamic State]")})
    assert run_build(content, tmp_path / "out")[0] == 0
    page = read(tmp_path / "out", "actors/index.html")
    jumps = re.findall(r'<li><a href="#([^"]*)">(.)</a></li>', page)
    assert [initial for _, initial in jumps] == ["#", "I"]  # a name starting with a digit files under '#'
    for fragment, _ in jumps:
        assert "#" not in fragment and f'<h3 id="{fragment}">' in page  # '#letter-#' is not a valid URL
