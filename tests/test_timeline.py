"""Timeline and archives: order, grouping, overview chart, archive pages."""

import io
import re
from dataclasses import replace
from datetime import date, timedelta

from conftest import newest_first, report, report_text, run_build, settings_file
from sitrep.build import build
from sitrep.model import Report
from sitrep.templating import number, reports
from sitrep.timeline import group, group_newest, oldest_first, overview


def chronological(reports: list[Report]) -> list[Report]:
    """Return reports oldest first in the total order."""
    return sorted(reports, key=Report.sort_key)


def test_total_order_same_day_by_time_then_title_then_path():
    reports = newest_first(
        report("b.md", "2016-01-07"),
        report("a.md", "2016-01-07"),
        report("z.md", "2016-01-07T08:00:00+01:00"),
        report("y.md", "2016-01-07T06:30:00Z"),  # 07:30 in +01:00: before z
    )
    assert [r.source for r in chronological(reports)] == ["a.md", "b.md", "y.md", "z.md"]
    assert list(oldest_first(reports)) == chronological(reports)  # the site's order, reversed
    same_title = [replace(r, title="Same") for r in reports]  # then the path decides
    assert [r.source for r in chronological(same_title)][:2] == ["a.md", "b.md"]
    swapped = [replace(r, title={"a.md": "2", "b.md": "1"}.get(r.source, r.title)) for r in reports]
    assert [r.source for r in chronological(swapped)][:2] == ["b.md", "a.md"]
    # The path in the content folder decides, not the label, which names the folder as the build was given it.
    linked = [
        replace(r, path=r.source, source=f"{'/z' if r.source == 'a.md' else '/a'}/{r.source}") for r in same_title
    ]
    assert [r.path for r in chronological(linked)][:2] == ["a.md", "b.md"]


def test_sort_text_orders_as_sort_key_title_and_path_included():
    reports = [
        replace(report("b.md", "2016-01-07"), title="Zulu"),
        replace(report("a.md", "2016-01-07"), title="Zulu"),
        replace(report("c.md", "2016-01-07"), title="Zulu b"),
        replace(report("d.md", "2016-01-07"), title="Mike"),
        replace(report("e.md", "2016-01-07"), title="ä"),
        report("z.md", "2016-01-07T08:00:00+01:00"),
        report("y.md", "2016-01-07T06:30:00Z"),
        report("x.md", "2016-01-06T23:30:00-05:00"),
    ]
    reports = [replace(r, path=r.source) for r in reports]  # in the content folder, as source's order has it
    assert [r.source for r in sorted(reports, key=Report.sort_text)] == [r.source for r in chronological(reports)]
    assert [r.source for r in chronological(reports)] == [
        "x.md",
        "d.md",
        "a.md",
        "b.md",
        "c.md",
        "e.md",
        "y.md",
        "z.md",
    ]
    assert reports[3].sort_text() == "2016-01-07 - 4d696b65 642e6d64"  # Mike, d.md


def test_grouping_across_year_boundary_skips_empty_months():
    years = group(
        chronological(
            [
                report("a", "2015-11-30"),
                report("b", "2016-01-01"),
                report("c", "2016-01-01"),
                report("d", "2016-03-15T23:30:00-05:00"),
            ]
        )
    )
    shape = [(y.year, [(m.month, [(d.day.day, len(d.reports)) for d in m.days]) for m in y.months]) for y in years]
    assert shape == [(2015, [(11, [(30, 1)])]), (2016, [(1, [(1, 2)]), (3, [(15, 1)])])]
    assert [y.count for y in years] == [1, 3]
    assert years[1].months[1].anchor == "m-2016-03"


def test_weekly_overview_links_bars_to_the_month_of_their_reports():
    reports = chronological([report("a", "2016-02-29"), report("b", "2016-03-02"), report("c", "2016-03-16")])
    chart = overview(reports, lambda day: f"archives/{day:%Y/%m}/")
    points = [b.point for b in chart.bars]
    assert [p.count for p in points] == [2, 0, 1]
    assert [p.url for p in points] == ["archives/2016/02/", None, "archives/2016/03/"]
    assert points[0].label == "Week of 29 February 2016: 2 reports"
    assert chart.summary == "Reports per week, 3 in all"


def test_counts_of_a_thousand_and_more_are_written_with_a_comma():
    # The timeline of a 1,000-report site said '1000 reports, oldest first' and '1000 in all' under
    # its chart, while its note on the limit says 'The newest 1,000 of 1,200 reports'.
    reports_ = chronological([report(f"r{n}.md", "2016-01-12") for n in range(1000)])
    assert overview(reports_, lambda day: "").summary == "Reports per week, 1,000 in all"
    assert [reports(1), reports(999), reports(1000)] == ["1 report", "999 reports", "1,000 reports"]
    assert [number(999), number(1000), number(12345)] == ["999", "1,000", "12,345"]  # lists, tables, pagers


def test_long_spans_are_charted_by_month():
    reports = chronological([report("a", "2012-01-10"), report("b", "2016-01-10")])
    chart = overview(reports, lambda day: f"{day:%Y-%m}")
    assert len(chart.bars) == 49 and chart.summary == "Reports per month, 2 in all"
    assert [t.label for t in chart.ticks] == ["2012", "2013", "2014", "2015", "2016"]


def test_weekly_overview_drops_the_month_labels_a_year_label_would_cover():
    reports = chronological([report("a", "2015-11-02"), report("b", "2016-11-28")])
    chart = overview(reports, lambda day: f"{day:%Y-%m}")
    assert len(chart.bars) == 57  # 11.2 units a week: "Nov 2015" covers Dec's label, "Jan 2016" Feb's
    assert [t.label for t in chart.ticks] == [
        "Nov 2015",
        "Jan 2016",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
    ]


def test_built_timeline_and_archives(site_dir, tmp_path):
    content = site_dir(
        {
            "reports/2015/12/a.md": report_text("Old year", "2015-12-31T23:00:00-02:00", actors="[LNA]"),
            "reports/2016/01/b.md": report_text("New year", "2016-01-02T10:00:00Z", category="Security"),
            "reports/2016/03/c.md": report_text("Spring", "2016-03-01", actors="[LNA]"),
            "reports/2016/03/d.md": report_text("Hidden", "2016-03-02", status="draft"),
        }
    )
    out = tmp_path / "out"
    assert run_build(content, out)[0] == 0
    timeline = (out / "timeline/index.html").read_text()
    assert [t for t in re.findall(r'class="tl-title" href="[^"]+">([^<]+)<', timeline)] == [
        "Old year",
        "New year",
        "Spring",
    ]
    assert '<time datetime="2015-12-31">Thursday 31 December 2015</time>' in timeline
    assert '<time datetime="2015-12-31T23:00:00-02:00">23:00 UTC-02:00</time>' in timeline  # not at TIMEZONE's
    assert '<time datetime="2016-01-02T10:00:00+00:00">10:00</time>' in timeline
    assert 'href="#m-2016-03">Mar</a>' in timeline and "m-2016-02" not in timeline
    assert "Hidden" not in timeline and not (out / "archives/2016/02").exists()
    assert "<svg" in timeline and '<a href="../archives/2015/12/"><rect' in timeline
    january = (out / "archives/2016/01/index.html").read_text()
    assert '<a rel="prev" href="../../../archives/2015/12/">← December 2015</a>' in january
    assert '<a rel="next" href="../../../archives/2016/03/">March 2016 →</a>' in january
    assert re.findall(r"<nav class=\"pager.*?</nav>", january, re.DOTALL) == [  # one, after the list, as on paged lists
        '<nav class="pager periods" aria-label="Other periods">\n'
        '<a rel="prev" href="../../../archives/2015/12/">← December 2015</a>'
        '<a rel="next" href="../../../archives/2016/03/">March 2016 →</a></nav>'
    ]
    assert january.index("Other periods") > january.index("New year")
    year = (out / "archives/2016/index.html").read_text()
    assert '<a rel="prev" href="../../archives/2015/">← 2015</a>' in year and 'rel="next"' not in year
    assert re.findall(r"<nav class=\"pager.*?</nav>", year, re.DOTALL) == [
        '<nav class="pager periods" aria-label="Other periods">\n<a rel="prev" href="../../archives/2015/">← 2015</a></nav>'
    ]
    archives = (out / "archives/index.html").read_text()
    assert archives.index(">2016</a>") < archives.index(">2015</a>")
    assert '<a href="../archives/2016/03/">March 2016</a> <span class="count">1</span>' in archives
    entity = (out / "actors/lna/timeline/index.html").read_text()
    assert "<h1>Timeline: LNA</h1>" in entity and "Spring" in entity and "New year" not in entity
    assert (
        'href="../../actors/lna/timeline/">All 2 reports in time order</a>'
        in (out / "actors/lna/index.html").read_text()
    )


def test_long_timelines_list_the_newest_reports_and_point_to_the_rest(site_dir, tmp_path):
    days = ["2015-12-30", "2016-01-02", "2016-01-05", "2016-03-01"]
    content = site_dir(
        {f"reports/r{n}.md": report_text(f"Report {n}", day, actors="[LNA]") for n, day in enumerate(days)}
    )
    assert build(content, tmp_path / "out", settings_file(tmp_path, "SITREP_TIMELINE_LIMIT = 2"), io.StringIO()) == 0
    out = tmp_path / "out"
    timeline = (out / "timeline/index.html").read_text()
    assert re.findall(r'class="tl-title" href="[^"]+">([^<]+)<', timeline) == ["Report 2", "Report 3"]
    assert "The newest 2 of 4 reports, oldest first." in timeline and 'href="../archives/">the archives</a>' in timeline
    assert '<a href="../archives/2015/12/"><rect' in timeline  # the overview still charts every report
    entity = (out / "actors/lna/timeline/index.html").read_text()
    assert re.findall(r'class="tl-title" href="[^"]+">([^<]+)<', entity) == ["Report 2", "Report 3"]
    assert 'href="../../../actors/lna/">all of LNA’s reports</a>, newest first.' in entity
    assert "The newest 2 in time order</a>" in (out / "actors/lna/index.html").read_text()
    assert "Report 0" in (out / "archives/2015/index.html").read_text()


def counts(page: str) -> list[tuple[str, str]]:
    """Return each year's and month's heading on a timeline page with the count beside it."""
    return re.findall(r'<h[23] id="[^"]+"><a href="[^"]+">([^<]+)</a> <span class="count">([^<]+)</span>', page)


def test_a_cut_timeline_says_how_many_its_oldest_year_and_month_hold(site_dir, tmp_path):
    # The newest 2 of these: the oldest year and month shown have reports left out, which their counts said nothing of.
    days = ["2015-12-30", "2016-01-02", "2016-01-05", "2016-03-01"]
    content = site_dir(
        {f"reports/r{n}.md": report_text(f"Report {n}", day, actors="[LNA]") for n, day in enumerate(days)}
    )
    conf = settings_file(tmp_path, "SITREP_TIMELINE_LIMIT = 2")
    assert build(content, tmp_path / "out", conf, io.StringIO()) == 0
    cut = [("2016", "2 of 3 reports"), ("January 2016", "1 of 2 reports"), ("March 2016", "1 report")]
    for page in ("timeline/index.html", "actors/lna/timeline/index.html"):
        assert counts((tmp_path / "out" / page).read_text()) == cut, page
    conf.write_text(conf.read_text().replace("LIMIT = 2", "LIMIT = 3"))  # cut where a year begins: nothing to say
    assert build(content, tmp_path / "out3", conf, io.StringIO()) == 0
    whole = [("2016", "3 reports"), ("January 2016", "2 reports"), ("March 2016", "1 report")]
    assert counts((tmp_path / "out3/timeline/index.html").read_text()) == whole
    assert counts((tmp_path / "out3/archives/2016/index.html").read_text()) == whole


def test_archive_pages_without_other_periods_have_no_period_navigation(site_dir, tmp_path):
    content = site_dir({"reports/2016/01/a.md": report_text("Only", "2016-01-02")})
    out = tmp_path / "out"
    assert run_build(content, out)[0] == 0
    for page in ("archives/2016/index.html", "archives/2016/01/index.html"):
        html = (out / page).read_text()
        assert "Only" in html and "Other periods" not in html and 'class="pager' not in html


def test_an_empty_site_has_an_empty_overview():
    chart = overview([], str)
    assert (chart.bars, chart.summary) == ((), "No reports yet")


def test_weekly_bars_up_to_three_times_366_days_then_monthly():
    def span(days):
        last = date(2016, 1, 4) + timedelta(days=days)
        chart = overview(chronological([report("a", "2016-01-04"), report("b", last.isoformat())]), str)
        return chart.summary, len(chart.bars)

    assert span(1098) == ("Reports per week, 2 in all", 157)
    assert span(1099) == ("Reports per month, 2 in all", 37)


def test_weekly_ticks_are_quarterly_beyond_sixty_weeks():
    def ticks(days):
        last = date(2016, 1, 4) + timedelta(days=days)
        chart = overview(chronological([report("a", "2016-01-04"), report("b", last.isoformat())]), str)
        return [t.label for t in chart.ticks]

    assert ticks(420) == ["Jan 2016", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan 2017"]
    assert ticks(427) == ["Jan 2016", "Apr", "Jul", "Oct", "Jan 2017"]


def test_monthly_overview_marks_each_january_as_a_year_start():
    chart = overview(chronological([report("a", "2015-11-10"), report("b", "2020-02-10")]), str)
    ticks = [(b.point.tick, b.point.major) for b in chart.bars if b.point.tick]
    assert ticks == [("2015", False), ("2016", True), ("2017", True), ("2018", True), ("2019", True), ("2020", True)]
    assert group(chronological([report("a", "2016-01-04")]))[0].anchor == "y-2016"


def test_a_cut_timeline_keeps_every_year_shown_and_counts_only_its_own_month_and_year_left_out():
    def shown(*dates):
        years = group_newest(newest_first(*[report(f"r{n}", d) for n, d in enumerate(dates)]), 2)
        return [(y.year, y.count, y.whole, [(m.month, m.whole) for m in y.months]) for y in years]

    # January 2016 shown in part; January 2015 left out is another January.
    assert shown("2017-02-01", "2016-01-20", "2016-01-05", "2015-01-03") == [
        (2016, 1, 2, [(1, 2)]),
        (2017, 1, 0, [(2, 0)]),
    ]
    # March 2016 shown whole, 2016 in part.
    assert shown("2017-02-01", "2016-03-10", "2016-01-05") == [(2016, 1, 2, [(3, 0)]), (2017, 1, 0, [(2, 0)])]
    assert shown("2017-02-01", "2016-03-10") == [(2016, 1, 0, [(3, 0)]), (2017, 1, 0, [(2, 0)])]


def test_only_a_monday_in_the_first_seven_days_starts_a_month():
    chart = overview(chronological([report("a", "2016-02-01"), report("b", "2016-02-15")]), str)
    assert [b.point.tick for b in chart.bars] == ["Feb 2016", None, None]
