import re
import time

import pytest

from sitrep.markdown import BASE_KEY, ENV_KEY, UNREAD_MARK, inspect, is_safe_link, parser, render


def test_raw_html_is_escaped_not_passed_through():
    html = render("Hi <script>alert(1)</script>\n\n<div onclick='x()'>block</div>\n").html
    assert "<script>" not in html and "<div" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;div onclick='x()'&gt;block&lt;/div&gt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:x",
        "vbscript:x",
        "data:text/html,x",
        "file:///etc/passwd",
    ],
)
def test_unsafe_link_schemes_are_dropped(url):
    html = render(f"[click]({url}) and ![img]({url})\n").html
    assert "href=" not in html and "src=" not in html
    assert not is_safe_link(url)


@pytest.mark.parametrize(
    "url", ["https://example.org/a", "http://x", "mailto:desk@example.org", "../other/", "#h-outlook"]
)
def test_safe_links_are_kept(url):
    assert f'href="{url}"' in render(f"[ok]({url})\n").html


def test_tables_strikethrough_footnotes_and_heading_anchors():
    body = "## Key developments\n\n| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\nNote[^1].\n\n[^1]: Source.\n"
    html = render(body).html
    assert '<h2 id="h-key-developments">Key developments</h2>' in html
    assert "<table>" in html and "<td><s>2</s></td>" in html
    assert 'class="footnote-ref"' in html and '<li id="fn1" class="footnote-item">' in html


def test_the_footnotes_section_is_named():
    html = render("Note[^1].\n\n[^1]: Source.\n").html
    assert '<section class="footnotes" aria-label="Notes">\n<ol class="footnotes-list">' in html  # it has no heading


def test_a_footnote_links_back_to_each_of_its_marks_by_name():
    html = render("One[^1], two[^1], three[^2].\n\n[^1]: Source.\n[^2]: Other.\n").html
    names = re.findall(r'class="footnote-backref" aria-label="([^"]+)">\u21a9\ufe0e</a>', html)
    assert names == ["Back to reference 1", "Back to reference 1 (2)", "Back to reference 2"]  # not just an arrow


def test_first_paragraph_is_plain_text():
    rendered = render("# Heading\n\nThe **IS** attack on <b>Es Sider</b>[^1]\ncontinued.\n\nMore.\n\n[^1]: x\n")
    assert rendered.first_paragraph == "The IS attack on <b>Es Sider</b> continued."


def test_no_paragraph_gives_empty_first_paragraph():
    assert render("- a list only\n").first_paragraph == ""


def test_feeds_get_the_page_render_with_absolute_urls():
    body = "See [the brief](../b/), ![map](map.png) and [x](https://example.org/x)[^1].\n\n[^1]: A [ref](#h-a).\n"
    base = "https://sitrep.example/reports/2016/01/a/"
    rendered = render(body, feed_base=base)
    md, env = parser(), {ENV_KEY: ()}
    tokens = md.parse(body, env)
    assert rendered.html == md.renderer.render(tokens, md.options, env)  # markdown-it's own renders, one each
    assert rendered.feed_html == md.renderer.render(tokens, md.options, {**env, BASE_KEY: base})
    assert '<a href="../b/">the brief</a>' in rendered.html
    assert '<a href="https://sitrep.example/reports/2016/01/b/">the brief</a>' in rendered.feed_html
    assert '<span class="missing-image">Image: map</span>' in rendered.feed_html  # no file is published with it
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>' in rendered.html  # as the plugin
    mark = '<sup class="footnote-ref"><a href="https://sitrep.example/reports/2016/01/a/#fn1" id="fnref1">[1]</a></sup>'
    assert mark in rendered.feed_html  # a reader resolves #fn1 against the feed, not the report
    assert '<a href="https://sitrep.example/reports/2016/01/a/#fnref1" class="footnote-backref"' in rendered.feed_html


def heading_ids(body):
    return [token.attrGet("id") for token in parser().parse(body, {ENV_KEY: ()}) if token.type == "heading_open"]


def test_heading_ids_are_made_unique_as_the_anchors_plugin_made_them():
    body = (
        "## Same heading 1\n\n## Same heading\n\n## Same heading\n\n## Same heading\n\n## Same heading 1\n\n"
        "## Title\n\n##### Deep\n\n##\n\n## Section\n\n### `Code` *and* [link](x) heading\n\n"
        "#### Same heading\n\n## Same heading 3\n\nSame heading\n------------\n"
    )
    assert heading_ids(body) == [
        "h-same-heading-1",
        "h-same-heading",
        "h-same-heading-2",  # -1 was taken by the first heading
        "h-same-heading-3",
        "h-same-heading-1-1",
        "h-title",
        None,  # h5 gets no id, and takes none
        "h-section",
        "h-section-1",
        "h-code-and-link-heading",
        "h-same-heading-4",
        "h-same-heading-3-1",
        "h-same-heading-5",
    ]


def test_ten_thousand_repeated_headings_are_numbered_in_order():
    body = "Intro.\n\n" + "## Same heading\n\n" * 10_000 + "## Same heading 9999\n"
    expected = ["h-same-heading", *(f"h-same-heading-{n}" for n in range(1, 10_000)), "h-same-heading-9999-1"]
    assert heading_ids(body) == expected  # took 10 s when each repeat tried every suffix from 1


def test_no_image_is_loaded_one_on_another_host_is_a_link_and_a_local_one_its_description():
    body = "First.\n\nSee ![Sirte *map*](https://example.org/m.png) and ![local](m.png).\n"
    rendered = render(body, feed_base="https://sitrep.example/reports/2016/01/a/")
    link = '<a class="remote-image" href="https://example.org/m.png">Image: Sirte map</a>'
    assert link in rendered.html and link in rendered.feed_html  # a network without internet could not load it
    said = '<span class="missing-image">Image: local</span>'  # the site publishes no files from the content
    assert said in rendered.html and said in rendered.feed_html and "<img" not in rendered.html
    assert rendered.images == ((2, "https://example.org/m.png"), (2, "m.png"))


def test_a_body_with_an_h1_has_every_heading_moved_down_one_level():
    body = "# Overview\n\nText.\n\n## Detail\n\n###### Deepest\n\nSetext\n======\n"
    rendered = render(body)
    assert rendered.html == (
        '<h2 id="h-overview">Overview</h2>\n<p>Text.</p>\n<h3 id="h-detail">Detail</h3>\n'
        '<h6>Deepest</h6>\n<h2 id="h-setext">Setext</h2>\n'
    )
    assert rendered.feed_html == rendered.html  # feeds carry the same outline


def test_a_body_without_an_h1_keeps_its_levels():
    assert (
        render("## Key developments\n\n##### Deep\n").html
        == '<h2 id="h-key-developments">Key developments</h2>\n<h5>Deep</h5>\n'
    )


def test_an_h1_leaves_the_ids_of_the_other_headings_as_they_were():
    assert heading_ids("## Title\n\n#### Four\n") == ["h-title", "h-four"]
    assert heading_ids("# Title\n\n## Title\n\n#### Four\n") == ["h-title-1", "h-title", "h-four"]
    assert render("# Title\n\n#### Four\n").html == '<h2 id="h-title">Title</h2>\n<h5 id="h-four">Four</h5>\n'


def test_links_to_report_files_are_marked_until_every_report_is_read_and_kept_as_written():
    body = "[a](../01/a.md#h-x) [far](https://x.org/b.md) [root](/c.md) [caps](D.MD) [page](../01/a/)\n"
    rendered = render(body, feed_base="https://desk.example/r/")
    assert rendered.html.count('href="sitrep-report:') == 2 and 'href="sitrep-report:1">caps' in rendered.html
    assert 'href="sitrep-report:0">a' in rendered.feed_html  # not made absolute: crosslinks does that
    assert rendered.reports == ((0, "../01/a.md#h-x"), (0, "D.MD"))
    assert [href for _, href in rendered.links] == ["https://x.org/b.md", "/c.md", "../01/a/"]


@pytest.mark.parametrize(
    "body, html",
    [
        ("هاجم داعش (IS) يوم 4.\n", '<p dir="auto">هاجم داعش (IS) يوم 4.</p>\n'),
        ("English with عربي inside.\n", '<p dir="auto">English with عربي inside.</p>\n'),  # the first letter decides
        ("- طرابلس: 3\n- Tripoli\n", '<ul>\n<li dir="auto">طرابلس: 3</li>\n<li>Tripoli</li>\n</ul>\n'),  # tight
        ("## السدرة\n", '<h2 id="h-lsdr" dir="auto">السدرة</h2>\n'),
        ("> שלום\n", '<blockquote>\n<p dir="auto">שלום</p>\n</blockquote>\n'),
        (
            "| a | ب |\n|---|---|\n",
            '<table>\n<thead>\n<tr>\n<th>a</th>\n<th dir="auto">ب</th>\n</tr>\n</thead>\n</table>\n',
        ),
        ("Tripoli, Misrātah.\n", "<p>Tripoli, Misrātah.</p>\n"),  # no right-to-left letter: as before
        (
            "[Tripoli](https://x.org/طرابلس).\n",
            '<p><a href="https://x.org/%D8%B7%D8%B1%D8%A7%D8%A8%D9%84%D8%B3">Tripoli</a>.</p>\n',
        ),
        (
            "See ![طرابلس](https://x.org/m.png).\n",
            '<p dir="auto">See <a class="remote-image" href="https://x.org/m.png">Image: طرابلس</a>.</p>\n',
        ),
    ],
)
def test_blocks_with_right_to_left_letters_set_their_own_direction(body, html):
    rendered = render(body)
    assert (rendered.html, rendered.feed_html) == (html, html)


def test_marks_left_as_text_are_looked_for_in_linear_time():
    run = "[a](" * 25_000  # the pattern took 11 s for 20,000 (each start scanned to the end): 17 s here
    started = time.perf_counter()
    assert [mark[0] for mark in UNREAD_MARK.finditer(f"{run} and [x](a b) and [^n]")] == ["[x](a b)", "[^n]"]
    assert not UNREAD_MARK.search(run)
    assert time.perf_counter() - started < 1  # about 0.01 s


def test_bidi_controls_from_character_references_are_removed_and_marked():
    # The file's own bidi controls are removed before parsing; a reference is decoded after, by the parser.
    body = 'A &#x202E;b&#8238;\n\n## H&#x2066;\n\n![d&#x202D;](x.png) [l](https://x.org "t&#x2067;")\n\n~~~ py&#x202E;\nx\n~~~\n'
    rendered = render(body, feed_base="https://site.example/r/")
    shown = rendered.html + rendered.feed_html + rendered.first_paragraph
    assert not any(chr(c) in shown for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
    assert rendered.first_paragraph == "A b"
    assert rendered.bidi == ((0, "U+202E"), (2, "U+2066"), (4, "U+202D, U+2067"), (6, "U+202E"))
    assert render("A &amp; b &#x200F;\n").bidi == ()  # the marks stay, as in the file's own text
    autolink = render("<https://x.org/a%E2%80%AEb>\n")  # its text shows the address decoded
    assert "\u202e" not in autolink.html and autolink.bidi == ((0, "U+202E"),)
    assert 'href="https://x.org/a%E2%80%AEb"' in autolink.html  # the address itself stays as written


@pytest.mark.parametrize(
    ("body", "cut"),
    [
        ("".join("  " * depth + "- x\n" for depth in range(9)) + "\nAfter.\n", None),
        ("Intro.\n\n" + "".join("  " * depth + "- x\n" for depth in range(10)) + "\nAfter.\n", 11),
        ("> " * 19 + "x\n", None),
        ("A.\n\n" + "> " * 20 + "x\n", 2),
        ("- " * 100_000 + "x\n", 0),
    ],
)
def test_the_line_where_nesting_past_the_limit_leaves_text_out_is_found(body, cut):
    assert (inspect(body).cut, render(body).cut) == (cut, cut)
