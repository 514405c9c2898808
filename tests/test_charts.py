"""Activity charts: month labels never collide, whatever the span, and year starts stay labelled."""

from itertools import pairwise

import pytest

from sitrep.charts import monthly_chart
from sitrep.indexes import MonthCount

# Chromium draws 11px DejaVu Sans digits 7px wide, the widest glyphs of month labels ("May 2016" is 54.2px).
WIDE = 7.0


def months(year: int, month: int, span: int) -> list[MonthCount]:
    """Return span consecutive months from year-month, a report each."""
    start = year * 12 + month - 1
    return [MonthCount((start + i) // 12, (start + i) % 12 + 1, 1) for i in range(span)]


def labels(chart) -> list[tuple[str, str]]:
    """Return a chart's (x, label) ticks."""
    return [(tick.x, tick.label) for tick in chart.ticks]


@pytest.mark.parametrize("span", [1, 2, 4, 13, 24, 25, 60, 130, 400])
@pytest.mark.parametrize("month", [1, 6, 11, 12])
def test_month_labels_never_overlap_and_stay_inside_the_chart(span, month):
    chart = monthly_chart(months(2016, month, span), "Sirte")
    extents = [(float(tick.x), float(tick.x) + WIDE * len(tick.label)) for tick in chart.ticks]
    assert extents
    assert all(end < start for (_, end), (start, _) in pairwise(extents))
    assert extents[0][0] >= 0 and extents[-1][1] <= chart.width <= 640


@pytest.mark.parametrize("span", [13, 24, 25, 60, 130])
def test_every_year_start_is_labelled(span):
    chart = monthly_chart(months(2016, 6, span), "Sirte")
    januaries = {str(month.year) for month in months(2016, 6, span) if month.month == 1}
    assert januaries and januaries <= {tick.label[-4:] for tick in chart.ticks}


def test_four_months_skip_the_month_under_the_first_label():
    chart = monthly_chart(months(2016, 1, 4), "Sirte")
    assert labels(chart) == [("0", "Jan 2016"), ("96", "Mar"), ("144", "Apr")]
    assert chart.width == 192


def test_one_month_chart_is_widened_to_hold_its_label():
    chart = monthly_chart(months(2016, 3, 1), "Sirte")
    assert labels(chart) == [("0", "Mar 2016")] and chart.width == 56
    assert [bar.width for bar in chart.bars] == ["40.8"]  # the bar keeps its size


def test_year_start_wins_over_the_first_month_beside_it():
    chart = monthly_chart(months(2015, 12, 30), "Sirte")
    assert [label for _, label in labels(chart)] == ["2016", "2017", "2018"]


def test_last_label_is_moved_left_to_end_at_the_edge():
    chart = monthly_chart(months(2015, 2, 24), "Sirte")
    assert labels(chart)[-1] == ("584.0", "Jan 2017") and chart.width == 640
    assert labels(chart)[:2] == [("0.0", "Feb 2015"), ("80.0", "May")]


def test_decades_label_every_other_year():
    chart = monthly_chart(months(2000, 1, 360), "Sirte")
    assert [label for _, label in labels(chart)] == [str(year) for year in range(2000, 2030, 2)]
