import pytest

from sitrep.pages import Page, in_reserved, long_names, paginate
from sitrep.settings import Pattern, load, pelican_problems


def test_defaults_are_valid():
    config, problems = load({})
    assert problems == []
    assert config.report.format(slug="x", date=__import__("datetime").date(2016, 1, 2)) == (
        "reports/2016/01/x/",
        "reports/2016/01/x/index.html",
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"REPORT_URL": "/reports/{slug}/"},
            "settings: REPORT_URL '/reports/{slug}/' must be a relative path inside the output",
        ),
        (
            {"REPORT_SAVE_AS": "../{slug}.html"},
            "settings: REPORT_SAVE_AS '../{slug}.html' must be a relative path inside the output",
        ),
        ({"REPORT_SAVE_AS": "{slug}/"}, "settings: REPORT_SAVE_AS '{slug}/' must end in .html"),
        (
            {"REPORT_URL": "{title}/"},
            "settings: REPORT_URL '{title}/' cannot be formatted: 'title' (it takes {slug} and {date})",
        ),
        (
            {"NOT_FOUND_SAVE_AS": "{slug}.html"},
            "settings: NOT_FOUND_SAVE_AS '{slug}.html' cannot be formatted: 'slug' (it is one page: it takes no {slug})",
        ),
        (
            {"YEAR_ARCHIVE_URL": "archives/{number}/"},
            "settings: YEAR_ARCHIVE_URL 'archives/{number}/' cannot be formatted: 'number' (it takes {date})",
        ),
        (  # it wrote over the home page, unseen
            {"TIMELINE_SAVE_AS": "./index.html"},
            "settings: TIMELINE_SAVE_AS './index.html' must be a relative path inside the output",
        ),
        (
            {"REPORT_URL": "reports//{slug}/"},
            "settings: REPORT_URL 'reports//{slug}/' must be a relative path inside the output",
        ),
        (
            {"REPORT_URL": "https://other.example/{slug}/"},
            "settings: REPORT_URL 'https://other.example/{slug}/' must be a relative path inside the output",
        ),
        (
            {"REPORT_URL": "reports/{slug}/?page"},
            "settings: REPORT_URL 'reports/{slug}/?page' gives 'reports/sample/?page', which holds '?'"
            " (a link's path cannot hold it as it is: use letters, digits, '-', '_', '.' and '/')",
        ),
        (
            {"REPORT_SAVE_AS": "C:/{slug}.html"},
            "settings: REPORT_SAVE_AS 'C:/{slug}.html' gives 'C:/sample.html', which holds ':'"
            " (a link's path cannot hold it as it is: use letters, digits, '-', '_', '.' and '/')",
        ),
        (
            {"LOCATION_ATOM": "places/feed.atom.xml"},
            "settings: LOCATION_ATOM 'places/feed.atom.xml' gives every location one path: it does not use {slug}"
            " (put {slug} in it)",
        ),
        (
            {"MONTH_ARCHIVE_URL": "archives/{date:%Y}/"},
            "settings: MONTH_ARCHIVE_URL 'archives/{date:%Y}/' gives every month one path: it does not use {date:%m}"
            " (put {date:%m} in it)",
        ),
        (
            {"REPORT_URL": "briefs/{slug}/"},
            "settings: REPORT_URL 'briefs/{slug}/' and REPORT_SAVE_AS 'reports/{date:%Y}/{date:%m}/{slug}/index.html'"
            " disagree: links to the page would not find its file (set REPORT_SAVE_AS to 'briefs/{slug}/index.html')",
        ),
        (  # Pelican sets the locale from LANG: 'Januar' on one machine, 'January' on another
            {"MONTH_ARCHIVE_URL": "archives/{date:%Y}/{date:%B}/"},
            "settings: MONTH_ARCHIVE_URL 'archives/{date:%Y}/{date:%B}/' uses %B, which follows the machine's locale:"
            " its URLs would change with it (use numbers: %Y, %m, %d)",
        ),
        (  # the map's links to the exports stopped at the '?'
            {"SITREP_DATA_DIR": "my data?v=2"},
            "settings: SITREP_DATA_DIR 'my data?v=2' gives 'my data?v=2/', which holds ' '"
            " (a link's path cannot hold it as it is: use letters, digits, '-', '_', '.' and '/')",
        ),
        (
            {"SITREP_DATA_DIR": "exports//v1"},
            "settings: SITREP_DATA_DIR 'exports//v1' must be a relative path inside the output",
        ),
        (  # Pagefind writes its folder whole: the exports were lost
            {"SITREP_DATA_DIR": "pagefind"},
            "settings: SITREP_DATA_DIR 'pagefind' is in pagefind/, which holds the search index"
            " (choose another folder)",
        ),
        (
            {"THEME_STATIC_DIR": "assets", "MAP_URL": "assets/map/", "MAP_SAVE_AS": "assets/map/index.html"},
            "settings: MAP_SAVE_AS 'assets/map/index.html' is in assets/, which holds the theme's files (THEME_STATIC_DIR)"
            " (choose another folder)",
        ),
        (
            {"SITREP_FEED_RSS": "feeds/all.xml", "SITREP_FEED_ATOM": "feeds/all.xml"},
            "settings: SITREP_FEED_ATOM and SITREP_FEED_RSS give one file, feeds/all.xml (give each its own path)",
        ),
        (
            {"TIMELINE_URL": "archives/", "TIMELINE_SAVE_AS": "archives/index.html"},
            "settings: TIMELINE_SAVE_AS and ARCHIVES_SAVE_AS give one file, archives/index.html (give each its own path)",
        ),
        ({"SITREP_HOME_PER_PAGE": 0}, "settings: SITREP_HOME_PER_PAGE must be a whole number above 0"),
        ({"SITREP_TIMELINE_LIMIT": "all"}, "settings: SITREP_TIMELINE_LIMIT must be a whole number above 0"),
        ({"TIMEZONE": "Mars/Olympus"}, "settings: TIMEZONE 'Mars/Olympus' is not a known time zone"),
        ({"TIMEZONE": "utc"}, "settings: TIMEZONE 'utc' is not a known time zone (did you mean 'UTC'?)"),
        (
            {"TIMEZONE": "Africa/Tripolli"},
            "settings: TIMEZONE 'Africa/Tripolli' is not a known time zone (did you mean 'Africa/Tripoli'?)",
        ),
        # ZoneInfo takes it: the build machine's zone, so another machine dated reports otherwise
        (
            {"TIMEZONE": "localtime"},
            "settings: TIMEZONE 'localtime' is this machine's zone (name it, e.g. Africa/Tripoli)",
        ),
        (
            {"SITREP_DATA_DIR": "../escape"},
            "settings: SITREP_DATA_DIR '../escape' must be a relative path inside its folder",
        ),
        (
            {"SITREP_REPORTS_DIR": "/etc"},
            "settings: SITREP_REPORTS_DIR '/etc' must be a relative path inside its folder",
        ),
        ({"SITREP_ENTITIES_DIR": 5}, "settings: SITREP_ENTITIES_DIR must be a folder name"),
        ({"SITREP_SEARCH": "no"}, "settings: SITREP_SEARCH must be True or False"),
        (
            {"SITEURL": "https://example.org/p?q=1"},
            "settings: SITEURL 'https://example.org/p?q=1' is not a site's address "
            "(e.g. https://intranet.example/briefs/: every feed link starts with it)",
        ),
        (
            {"SITREP_LOCAL_SITEURL": "localhost"},
            "settings: SITREP_LOCAL_SITEURL 'localhost' is not a site's address "
            "(e.g. https://intranet.example/briefs/: every feed link starts with it)",
        ),
        (
            {"SITEURL": "https://desk:s3cret@intranet.corp/briefs/"},
            "settings: SITEURL 'https://desk:s3cret@intranet.corp/briefs/' holds a user name or password: "
            "every feed and the OPML file would publish it",
        ),
        (
            {"SITEURL": "https://intranet.corp:99999/"},
            "settings: SITEURL 'https://intranet.corp:99999/' has a port that is no number from 1 to 65535",
        ),
        (
            {"SITREP_LOCAL_SITEURL": "http://localhost:abc"},
            "settings: SITREP_LOCAL_SITEURL 'http://localhost:abc' has a port that is no number from 1 to 65535",
        ),
        (
            {"SITEURL": "https://intranet.corp:0/"},
            "settings: SITEURL 'https://intranet.corp:0/' has a port that is no number from 1 to 65535",
        ),
        (
            {"SITEURL": 'https://intranet.corp/"><script>'},
            "settings: SITEURL 'https://intranet.corp/\"><script>' holds a character a web address cannot "
            '(a space, a control, or one of " < > \\ ^ ` { | })',
        ),
        (
            {"SITEURL": "https://[::1/briefs"},
            "settings: SITEURL 'https://[::1/briefs' is not a site's address "
            "(e.g. https://intranet.example/briefs/: every feed link starts with it)",
        ),
        (
            {"SITREP_FEED_ID_PREFIX": None},
            "settings: SITREP_FEED_ID_PREFIX None is not the start of an id "
            "(e.g. tag:intranet.example,2026: (RFC 4151); an id is it followed by the report's path)",
        ),
        (
            {"SITREP_FEED_ID_PREFIX": "tag:intranet.example,2026"},  # the path would run into the date
            "settings: SITREP_FEED_ID_PREFIX 'tag:intranet.example,2026' is not the start of an id "
            "(e.g. tag:intranet.example,2026: (RFC 4151); an id is it followed by the report's path)",
        ),
        ({"DEFAULT_LANG": "en_GB"}, "settings: DEFAULT_LANG 'en_GB' is not a language tag (write en-GB)"),
        ({"DEFAULT_LANG": "English"}, "settings: DEFAULT_LANG 'English' is not a language tag (e.g. en, ar or en-GB)"),
        (
            {"SOURCE_DATE_EPOCH": "99999999999999"},
            "settings: SOURCE_DATE_EPOCH '99999999999999' is not a time in seconds since 1970 "
            "(unset it, or set it to whole seconds since 1970, e.g. $(git log -1 --format=%ct))",
        ),
        (
            {"SOURCE_DATE_EPOCH": "²"},
            "settings: SOURCE_DATE_EPOCH '²' is not a time in seconds since 1970 "
            "(unset it, or set it to whole seconds since 1970, e.g. $(git log -1 --format=%ct))",
        ),
        (
            {"SOURCE_DATE_EPOCH": "١٤٥٤٢٨٤٨٠٠"},
            "settings: SOURCE_DATE_EPOCH '١٤٥٤٢٨٤٨٠٠' is not a time in seconds since 1970 "
            "(unset it, or set it to whole seconds since 1970, e.g. $(git log -1 --format=%ct))",
        ),
    ],
)
def test_bad_settings(settings, message):
    config, problems = load(settings)
    assert config is None
    assert [p.format() for p in problems] == [message]


def test_other_layouts_are_valid():
    layout = {
        "HOME_URL": "p{number}.html",  # the first page is page 1, not a clash with the later ones
        "HOME_SAVE_AS": "p{number}.html",
        "HOME_PAGE_URL": "p{number}.html",
        "HOME_PAGE_SAVE_AS": "p{number}.html",
        "REPORT_URL": "briefs/{date:%Y}/{slug}.html",
        "REPORT_SAVE_AS": "briefs/{date:%Y}/{slug}.html",
        "MONTH_ARCHIVE_URL": "archives/{date:%Y-%m}.html",
        "MONTH_ARCHIVE_SAVE_AS": "archives/{date:%Y-%m}.html",
        "ACTOR_URL": "people/{slug}.html",
        "ACTOR_SAVE_AS": "people/{slug}.html",
        "ACTOR_PAGE_URL": "people/{slug}/{number}/",
        "ACTOR_PAGE_SAVE_AS": "people/{slug}/{number}/index.html",
        "SITREP_DATA_DIR": "exports/v1",
    }
    config, problems = load(layout)
    assert problems == [] and config is not None


def test_a_pattern_without_its_field_is_said_for_the_url_and_the_file():
    config, problems = load({"ACTOR_URL": "actors/one/", "ACTOR_SAVE_AS": "actors/one/index.html"})
    assert config is None and [p.format() for p in problems] == [
        "settings: ACTOR_URL 'actors/one/' gives every actor one path: it does not use {slug} (put {slug} in it)",
        "settings: ACTOR_SAVE_AS 'actors/one/index.html' gives every actor one path: it does not use {slug}"
        " (put {slug} in it)",
    ]


def test_a_page_in_a_folder_of_the_sites_own_files_is_a_problem():
    # REGION_URL '{slug}/' and a region named Pagefind: a warm build's search index took the folder, page and all.
    pages = [
        Page("pagefind/index.html", "pagefind/", "entity"),
        Page("pagefind.html", "pagefind.html", "entity"),
        Page("regions/theme/index.html", "regions/theme/", "entity"),
    ]
    assert [p.format() for p in in_reserved(pages, ("theme", "pagefind"))] == [
        "output: pagefind/index.html is in pagefind/, which holds the site's own files"
        " (give its URL pattern a first folder of its own, e.g. regions/{slug}/)"
    ]


@pytest.mark.parametrize(
    "settings, messages",
    [
        ({"SITEURL": None, "DEFAULT_LANG": 1}, ["SITEURL must be text, not None", "DEFAULT_LANG must be text, not 1"]),
        ({"SITENAME": None}, ["SITENAME must be a name, not None (it heads every page and feed)"]),
        ({"SITENAME": " - "}, ["SITENAME must be a name, not ' - ' (it heads every page and feed)"]),
        ({"JINJA_FILTERS": {"f": 1}}, ["JINJA_FILTERS must map names to functions, not {'f': 1}"]),
        (
            {"JINJA_ENVIRONMENT": {"trim_block": True}},
            ["JINJA_ENVIRONMENT has no option 'trim_block' (did you mean 'trim_blocks'?)"],
        ),
        ({"JINJA_ENVIRONMENT": None}, ["JINJA_ENVIRONMENT must map Jinja's options to values, not None"]),
        (
            {"TEMPLATE_EXTENSIONS": ".html"},
            ["TEMPLATE_EXTENSIONS must be a list of texts, not '.html' (e.g. TEMPLATE_EXTENSIONS = [\"...\"])"],
        ),
        (
            {"THEME_TEMPLATES_OVERRIDES": [1]},
            ['THEME_TEMPLATES_OVERRIDES must be a list of texts, not [1] (e.g. THEME_TEMPLATES_OVERRIDES = ["..."])'],
        ),
        ({"PLUGINS": 1}, ['PLUGINS must be a list of texts, not 1 (e.g. PLUGINS = ["..."])']),
        ({"READERS": {"md": 1}}, ["READERS must map extensions to reader classes or None, not {'md': 1}"]),
    ],
)
def test_pelican_settings_of_a_wrong_type_are_named(settings, messages):
    assert [p.format() for p in pelican_problems(settings)] == [f"settings: {m}" for m in messages]


def test_pelican_settings_as_pelican_fills_them_in_are_fine():
    from pelican.settings import DEFAULT_CONFIG

    assert pelican_problems({**DEFAULT_CONFIG, "PLUGINS": None, "SITENAME": "تقرير"}) == []


def test_paginate_links_pages_both_ways():
    first, rest = Pattern("", "index.html"), Pattern("page/{number}/", "page/{number}/index.html")
    pages = paginate(list(range(5)), 2, first, rest)
    assert [(list(items), url, save_as) for items, _, url, save_as in pages] == [
        ([0, 1], "", "index.html"),
        ([2, 3], "page/2/", "page/2/index.html"),
        ([4], "page/3/", "page/3/index.html"),
    ]
    pagers = [pager for _, pager, _, _ in pages]
    assert [(p.number, p.count, p.previous_url, p.next_url) for p in pagers] == [
        (1, 3, None, "page/2/"),
        (2, 3, "", "page/3/"),
        (3, 3, "page/2/", None),
    ]


def test_paginate_formats_every_page_with_the_fields_a_pattern_takes_however_written():
    # An entity's later pages were found by replacing the text '{slug}': ACTOR_PAGE_URL
    # 'actors/{slug!s}/page/{number}/' kept its field, and the build failed with KeyError: 'slug'.
    first = Pattern("actors/{slug}/", "actors/{slug}/index.html")
    rest = Pattern("actors/{slug!s}/p{number:02d}/", "actors/{slug!s}/p{number:02d}/index.html")
    pages = paginate(list(range(3)), 2, first, rest, slug="lna")
    assert [(url, save_as) for _, _, url, save_as in pages] == [
        ("actors/lna/", "actors/lna/index.html"),
        ("actors/lna/p02/", "actors/lna/p02/index.html"),
    ]


def test_paginate_empty_list_still_has_one_page():
    pages = paginate([], 10, Pattern("", "index.html"), Pattern("p/{number}/", "p/{number}/index.html"))
    assert [(list(items), url) for items, _, url, _ in pages] == [([], "")]


def test_a_planned_path_with_a_name_too_long_to_write_is_a_problem():
    long = f"actors/{'x' * 256}/index.html"
    pages = [Page("actors/lna/index.html", "actors/lna/", "entity"), Page(long, "", "entity"), Page(long, "", "entity")]
    assert [p.format() for p in long_names(pages)] == [
        f"output: {long[:120]}...: a name in this path is longer than a file system allows (255)"
        " (shorten the entity's name (its slug comes from it) or the URL pattern in the settings)"
    ]
    assert long_names(pages[:1]) == []


@pytest.mark.parametrize(
    "siteurl, said",
    [
        ("https://intranet.corp/briefs/libya", []),
        ("https://examples.corp/", []),
        (
            "https://sitrep.example.internal",  # publishconf.py's stand-in when SITREP_SITEURL is unset
            [
                "settings: warning: SITEURL 'https://sitrep.example.internal' is a placeholder: feeds, the OPML file"
                " and the 404 page link to a host that is not there"
                " (set SITREP_SITEURL in the environment, or SITEURL in publishconf.py)"
            ],
        ),
    ],
)
def test_a_placeholder_site_url_is_a_warning_not_an_error(siteurl, said):
    config, problems = load({"SITEURL": siteurl, "SITREP_FEED_ID_PREFIX": "tag:intranet.corp,2026:"})
    assert config is not None and [p.format() for p in problems] == said


@pytest.mark.parametrize(
    "settings, said",
    [
        (
            {"SITEURL": "https://intranet.local/briefs"},
            [
                "settings: warning: SITREP_FEED_ID_PREFIX 'tag:sitrep.example.internal,2026:' is a placeholder on a "
                "site published at https://intranet.local/briefs (set your own (tag:your-domain,2026:) before the "
                "first publish: a reader takes a changed id for a new report)"
            ],
        ),
        ({"SITEURL": "https://intranet.local", "SITREP_FEED_ID_PREFIX": "tag:intranet.local,2026:"}, []),
        ({}, []),  # a local build: its feeds are nobody's subscription
    ],
)
def test_the_stand_in_feed_id_prefix_is_warned_of_on_a_published_site(settings, said):
    assert [p.format() for p in load(settings)[1]] == said
