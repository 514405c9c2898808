import unicodedata
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from sitrep.bidi import RTL_BLOCKS
from sitrep.charts import Bar, Chart, Point, Tick
from sitrep.dates import Moment, in_whole_minutes, long_date, month_name, parse_moment
from sitrep.entities import name_key
from sitrep.slugs import LOOKALIKES, is_slug, slugify
from sitrep.templating import direction, isolated, longdate, reports, svg_marks


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Islamic State", "islamic-state"),
        ("Es Sider", "es-sider"),
        ("Western – 12 Jan 2016", "western-12-jan-2016"),
        ("Ra's Lanuf", "ras-lanuf"),
        ("Ajdābiyā", "ajdabiya"),
        ("طرابلس", "trbls"),
        ("  --  ", ""),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


@pytest.mark.parametrize(
    "spellings, slug",
    [
        (["طرابلس", "طَرَابُلُس", "طرابـــلس", "ﻃﺮﺍﺑﻠﺲ"], "trbls"),  # vowel marks, tatweel, presentation forms
        (["O'Brien", "O’Brien", "O‘Brien", "O´Brien", "O`Brien"], "obrien"),
        (["AbuSalim", "Abu\u200bSalim", "Abu\ufeffSalim"], "abusalim"),  # invisible characters
        (["Abu-Salim", "Abu‑Salim", "Abu–Salim"], "abu-salim"),
    ],
)
def test_spellings_of_one_name_give_one_slug(spellings, slug):
    # An unregistered entity is filed under one spelling; a report's body links by its own.
    assert len({name_key(s) for s in spellings}) == 1  # one entity
    assert {slugify(s) for s in spellings} == {slug}


def test_only_optional_arabic_marks_are_dropped():
    # U+064B (fathatan) to U+065F are vowel marks; U+0660 is the digit zero, part of a name.
    assert "ب\u064bب\u065fب\u0670ب\u0640".translate(LOOKALIKES) == "بببب"
    assert "\u064a\u0660".translate(LOOKALIKES) == "\u064a\u0660"


@pytest.mark.parametrize("text", ["ok", "a-b-1"])
def test_is_slug_accepts(text):
    assert is_slug(text)


@pytest.mark.parametrize("text", ["../x", "a/b", "A", "a--b", "-a", "a.b", ""])
def test_is_slug_refuses(text):
    assert not is_slug(text)


def test_parse_day_and_offset_datetime():
    assert parse_moment("2016-01-12") == Moment(date(2016, 1, 12))
    assert parse_moment("1900-01-01") == Moment(date(1900, 1, 1))
    assert parse_moment("2199-12-31") == Moment(date(2199, 12, 31))
    at = datetime(2016, 1, 19, 18, 30, tzinfo=timezone(timedelta(hours=1)))
    assert parse_moment("2016-01-19T18:30:00+01:00") == Moment(date(2016, 1, 19), at)
    assert parse_moment("2016-01-19 17:30Z").at == at


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2016-02-30", "'2016-02-30' is not a real day"),
        ("12/01/2016", "'12/01/2016' is not a date"),
        ("2016-01-12T25:00+00:00", "'2016-01-12T25:00+00:00' is not a real date and time"),
        ("2016-01-12T10:00", "'2016-01-12T10:00' has no UTC offset"),
        ("0016-01-12", "'0016-01-12' is in the year 16, outside 1900-2199 (a typo?)"),
        ("2301-01-12T10:00+01:00", "'2301-01-12T10:00+01:00' is in the year 2301, outside 1900-2199 (a typo?)"),
        (
            "٢٠١٦-٠١-٠٥",
            "'٢٠١٦-٠١-٠٥' is written with digits other than 0-9 (write '2016-01-05')",
        ),  # not "not a real day"
        (
            "۲۰۱۶-01-05T10:00+01:00",
            "'۲۰۱۶-01-05T10:00+01:00' is written with digits other than 0-9 (write '2016-01-05T10:00+01:00')",
        ),
        ("２０１６-01-05", "'２０１６-01-05' is written with digits other than 0-9 (write '2016-01-05')"),  # fullwidth
        ("“2016-01-12”", "'“2016-01-12”' is not a date"),  # other letters than digits: as before
    ],
)
def test_parse_moment_refuses(text, message):
    assert parse_moment(text) == message


def test_sort_key_puts_bare_day_before_timed_same_day():
    day = parse_moment("2016-01-12")
    timed = parse_moment("2016-01-12T08:00:00+00:00")
    assert sorted([timed, day], key=Moment.sort_key) == [day, timed]


def test_sort_text_sorts_as_the_site_orders_reports():
    written = ["2016-03-27T09:00:00+14:00", "2016-03-27T08:00:00-05:00", "2016-03-27", "2016-03-26T23:30:00-12:00"]
    moments = [parse_moment(text) for text in written]
    assert [m.sort_text() for m in moments] == [
        "2016-03-27 2016-03-26T19:00:00.000000Z",
        "2016-03-27 2016-03-27T13:00:00.000000Z",
        "2016-03-27 -",
        "2016-03-26 2016-03-27T11:30:00.000000Z",
    ]
    by_text = sorted(moments, key=Moment.sort_text)  # as search sorts its pages
    assert [m.iso() for m in by_text] == [m.iso() for m in sorted(moments, key=Moment.sort_key)]
    assert [m.iso() for m in by_text] == [written[3], written[2], written[0], written[1]]


@pytest.mark.parametrize(
    ("first", "second", "before"),
    [
        ("2016-01-10", "2016-01-12", True),
        ("2016-01-12", "2016-01-12", False),
        ("2016-01-12T08:00:00+01:00", "2016-01-12T09:00:00+01:00", True),
        ("2016-01-12T09:00:00+01:00", "2016-01-12T09:00:00+01:00", False),
        ("2016-01-12T10:00:00+02:00", "2016-01-12T09:00:00+01:00", False),  # the same instant
        ("2016-01-12T23:00:00+01:00", "2016-01-12", False),  # one bare day: by day only
        ("2016-01-12", "2016-01-13T01:00:00+01:00", True),
    ],
)
def test_before_compares_instants_only_when_both_have_a_time(first, second, before):
    assert parse_moment(first).before(parse_moment(second)) is before


def test_instant_is_the_time_given_or_midnight_in_the_zone():
    tripoli = timezone(timedelta(hours=2))
    assert parse_moment("2016-01-12").instant(tripoli) == datetime(2016, 1, 12, tzinfo=tripoli)
    timed = parse_moment("2016-01-12T18:30:00+01:00")
    assert timed.instant(tripoli) is timed.at


def test_in_whole_minutes_moves_only_offsets_with_seconds_to_utc():
    lmt = datetime(1919, 6, 1, 12, 0, tzinfo=timezone(timedelta(minutes=52, seconds=44)))
    assert in_whole_minutes(lmt).isoformat() == "1919-06-01T11:07:16+00:00"
    plus_one = datetime(2016, 1, 19, 18, 30, tzinfo=timezone(timedelta(hours=1)))
    assert in_whole_minutes(plus_one).isoformat() == "2016-01-19T18:30:00+01:00"
    kathmandu = datetime(2016, 1, 19, 18, 30, tzinfo=timezone(timedelta(hours=5, minutes=45)))
    assert in_whole_minutes(kathmandu).isoformat() == "2016-01-19T18:30:00+05:45"
    assert in_whole_minutes(datetime(2016, 1, 19, 18, 30)).isoformat() == "2016-01-19T18:30:00"


def test_long_date_and_month_name_name_every_month():
    months = "January February March April May June July August September October November December".split()
    assert [long_date(date(2016, month, 1)) for month in range(1, 13)] == [f"1 {name} 2016" for name in months]
    assert (month_name(1), month_name(12)) == ("January", "December")


def test_longdate():
    assert longdate(parse_moment("2016-01-07")) == "7 January 2016"
    assert longdate(parse_moment("2016-01-19T18:30:00+01:00")) == "19 January 2016, 18:30 UTC+01:00"
    assert longdate(parse_moment("2016-01-19T18:30:00Z")) == "19 January 2016, 18:30 UTC"


@pytest.mark.parametrize(("count", "words"), [(0, "0 reports"), (1, "1 report"), (12, "12 reports")])
def test_reports_counts_in_words(count, words):
    assert reports(count) == words


def test_svg_marks_draws_linked_bars_and_ticks_escaped():
    chart = Chart(
        640,
        120,
        "102",
        (
            Bar("0", "2", "10", "100", Point(3, "Jan <2016>: 3 reports", "archives/2016/01/")),
            Bar("12", "102", "10", "0", Point(0, "Feb")),
        ),
        (Tick("0", "2016"),),
        "summary",
    )
    assert str(svg_marks(chart, "../..")) == (
        '<a href="../../archives/2016/01/"><rect x="0" y="2" width="10" height="100">'
        "<title>Jan &lt;2016&gt;: 3 reports</title></rect></a>\n"
        '  <rect x="12" y="102" width="10" height="0"><title>Feb</title></rect>\n'
        '  <text x="0" y="116">2016</text>'
    )
    assert chart.linked and not replace(chart, bars=chart.bars[1:]).linked


@pytest.mark.parametrize(
    "text, attribute, shown",
    [
        ("المجلس الرئاسي", ' dir="auto"', "<bdi>المجلس الرئاسي</bdi>"),
        ("Zliten <b> & طرابلس", ' dir="auto"', "<bdi>Zliten &lt;b&gt; &amp; طرابلس</bdi>"),
        ("Misrātah", "", "Misrātah"),  # no right-to-left letter: the page is as it was
        ("١٢", "", "١٢"),  # Arabic-Indic digits alone take the direction around them
        (None, "", "None"),
    ],
)
def test_text_with_right_to_left_letters_gets_its_own_direction(text, attribute, shown):
    assert (direction(text), isolated(text)) == (attribute, shown)


def test_every_right_to_left_letter_is_in_the_blocks_searched_first():
    # may_have_rtl rules text out by these blocks alone: a letter outside them would lose its direction.
    letters = (chr(c) for c in range(0x110000) if unicodedata.bidirectional(chr(c)) in ("R", "AL"))
    assert [f"U+{ord(c):04X}" for c in letters if not RTL_BLOCKS.match(c)] == []
