from __future__ import annotations

from datetime import date, datetime

from sitrep.dates import FORMAT_HINT
from sitrep.schema import Field, Invalid, check_mapping, moment, names, number_between, site_urls, slug, text
from sitrep.yamltree import parse

SITE_PATH_HINT = "give the report's old address, e.g. reports/2016/01/old-title/"


def test_text_reads_plain_numbers_as_text_and_refuses_true_false():
    assert (text("title", 2016), text("title", 1.5)) == ("2016", "1.5")
    assert text("title", True) == Invalid("title must be text, not true/false", "quote it")
    assert text("title", "  two\n words ") == "two words"
    assert text("title", date(2016, 1, 12)) == Invalid("title must be text, not a !!timestamp (remove the tag)")
    assert text("title", datetime(2016, 1, 12, 9)) == Invalid("title must be text, not a !!timestamp (remove the tag)")


def test_names_refuse_an_empty_value():
    assert names("actors", None) == Invalid(
        "actors must be a name or a list of names, not empty", "write [First, Second]"
    )


def test_a_date_that_yaml_reads_as_a_number_is_refused_not_parsed():
    assert moment("date", 2016) == Invalid("date must be a date, not a number", FORMAT_HINT)
    assert moment("date", 2016.01) == Invalid("date must be a date, not a number", FORMAT_HINT)


def test_redirect_from_takes_a_file_whose_name_ends_in_index_html():
    assert site_urls("redirect_from", ["old/myindex.html", "old/index.html", "a.htm"]) == (
        "old/myindex.html",
        "old/",
        "a.htm",
    )


def test_redirect_from_refusals_carry_their_hint_and_place():
    assert site_urls("redirect_from", ["reports/a/", "/"]) == Invalid(
        "redirect_from '/' is the site's home page", SITE_PATH_HINT, (1,)
    )
    assert site_urls("redirect_from", "/index.html") == Invalid(
        "redirect_from '/index.html' is the site's home page", SITE_PATH_HINT, ()
    )
    assert site_urls("redirect_from", {"a": 1}) == Invalid(
        "redirect_from must be a path or a list of paths, not a mapping", "write [reports/2016/01/old-title/, old.html]"
    )


def test_names_keep_each_name_once_in_order():
    assert names("actors", ["B", "A", "B", " A "]) == ("B", "A")


def test_number_between_refuses_text_and_true_false_and_takes_the_ends():
    lat = number_between(-90, 90)
    assert lat("lat", "north") == Invalid("lat must be a number, not text")
    assert lat("lat", True) == Invalid("lat must be a number, not true/false")
    assert (lat("lat", -90), lat("lat", 90)) == (-90.0, 90.0)
    assert lat("lat", 90.5) == Invalid("lat 90.5 is outside -90 to 90")


def test_a_field_without_a_value_is_an_error_only_when_required():
    doc = parse("title:\nsummary:\n", first_line=2)
    fields = [Field("title", text, required=True), Field("summary", text, default="none"), Field("slug", text)]
    checked = check_mapping(doc.data, fields, doc, "r.md")
    assert checked.values == {"title": None, "summary": "none", "slug": None}
    assert [p.format() for p in checked.problems] == ["r.md:2: title has no value"]
    assert check_mapping(None, fields, doc, "r.md").problems[0].format() == (
        "r.md:2: expected a mapping of fields, found empty"
    )


def test_a_slug_with_no_letter_to_keep_gets_the_general_hint():
    assert slug("slug", "~~") == Invalid("slug '~~' is not allowed", "use lowercase letters, digits and hyphens")
    assert slug("slug", "Old Title") == Invalid(
        "slug 'Old Title' is not allowed", "use lowercase letters, digits and hyphens, e.g. 'old-title'"
    )
