"""The timeline and archives: reports in time order, grouped by year, month and day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import groupby, takewhile

from .charts import Chart, Point, bar_chart, month_label
from .dates import month_name
from .indexes import monthly
from .model import Report

WEEKLY_SPAN_DAYS = 3 * 366  # beyond ~3 years, weekly bars get too thin: count months


@dataclass(frozen=True)
class Day:
    """Reports of one calendar day, in order."""

    day: date
    reports: tuple[Report, ...]


@dataclass(frozen=True)
class Month:
    """One month's days that have reports."""

    year: int
    month: int
    days: tuple[Day, ...]
    whole: int = 0  # its reports in all when a timeline shows only its newest (0: all are shown)

    @property
    def name(self) -> str:
        """Return 'January 2016'."""
        return f"{month_name(self.month)} {self.year}"

    @property
    def anchor(self) -> str:
        """Return the id of this month on the timeline."""
        return f"m-{self.year}-{self.month:02}"

    @property
    def count(self) -> int:
        """Return the number of reports this month."""
        return sum(len(d.reports) for d in self.days)


@dataclass(frozen=True)
class Year:
    """One year's months that have reports."""

    year: int
    months: tuple[Month, ...]
    whole: int = 0  # its reports in all when a timeline shows only its newest (0: all are shown)

    @property
    def anchor(self) -> str:
        """Return the id of this year on the timeline."""
        return f"y-{self.year}"

    @property
    def count(self) -> int:
        """Return the number of reports this year."""
        return sum(m.count for m in self.months)


def oldest_first(newest_first: Sequence[Report]) -> Sequence[Report]:
    """Return reports oldest first, given them newest first in the total order (as the site and its index keep them).

    Reversed, not sorted again: entity timelines and charts did so for every entity (90,000 keys at 10,000 reports).
    """
    return newest_first[::-1]


def group(reports: Sequence[Report]) -> tuple[Year, ...]:
    """Group chronological reports into years, months and days; empty ones are skipped."""
    return tuple(Year(year, _months(year, found)) for year, found in groupby(reports, key=lambda r: r.date.day.year))


def group_newest(newest_first: Sequence[Report], limit: int) -> tuple[Year, ...]:
    """Group the newest limit reports oldest first; the oldest year and month shown, if cut short, give their total.

    Their counts are then of the reports shown, not of the year or month: a timeline cut at 1,000
    reports showed '2023: 74 reports' for a year of 96.
    """
    years = group(oldest_first(newest_first[:limit]))
    if len(newest_first) <= limit:
        return years
    oldest = newest_first[limit - 1].date.day
    left_out = newest_first[limit:]  # newest first: those of the oldest month and year shown come first
    in_year = sum(1 for _ in takewhile(lambda r: r.date.day.year == oldest.year, left_out))
    in_month = sum(1 for _ in takewhile(lambda r: r.date.day.month == oldest.month, left_out[:in_year]))
    first, *months = years[0].months
    if in_month:
        first = replace(first, whole=first.count + in_month)
    cut = replace(years[0], months=(first, *months), whole=years[0].count + in_year) if in_year else years[0]
    return (cut, *years[1:])


def _months(year: int, reports: Iterable[Report]) -> tuple[Month, ...]:
    """Group one year's reports by month."""
    by_month = groupby(reports, key=lambda r: r.date.day.month)
    return tuple(Month(year, month, _days(found)) for month, found in by_month)


def _days(reports: Iterable[Report]) -> tuple[Day, ...]:
    """Group one month's reports by day."""
    return tuple(Day(day, tuple(found)) for day, found in groupby(reports, key=lambda r: r.date.day))


def overview(reports: Sequence[Report], month_url: Callable[[date], str]) -> Chart:
    """Chart report counts per week (per month over long spans), bars linking to month archives."""
    if not reports:
        return bar_chart([], "No reports yet")
    first, last = reports[0].date.day, reports[-1].date.day
    if (last - first).days > WEEKLY_SPAN_DAYS:
        return _monthly_overview(reports, month_url)
    return _weekly_overview(reports, month_url)


def _weekly_overview(reports: Sequence[Report], month_url: Callable[[date], str]) -> Chart:
    """One bar per week, Monday to Sunday, empty weeks included."""
    counts = Counter(_monday(r.date.day) for r in reports)
    first_day = {}
    for report in reports:
        first_day.setdefault(_monday(report.date.day), report.date.day)  # its month's archive has it
    week, last = min(counts), max(counts)
    quarterly = (last - week).days > 60 * 7  # monthly ticks would overlap
    points = []
    while week <= last:
        n = counts[week]
        tick = _week_tick(week, first=not points, quarterly=quarterly)
        label = f"Week of {week.day} {month_name(week.month)} {week.year}: {n} report{'' if n == 1 else 's'}"
        points.append(Point(n, label, month_url(first_day[week]) if n else None, tick, week.month == 1))
        week += timedelta(days=7)
    return bar_chart(points, f"Reports per week, {len(reports):,} in all")


def _monthly_overview(reports: Sequence[Report], month_url: Callable[[date], str]) -> Chart:
    """One bar per month, empty months included."""
    points = [
        Point(
            month.count,
            month_label(month),
            month_url(date(month.year, month.month, 1)) if month.count else None,
            str(month.year) if month.month == 1 or not index else None,
            month.month == 1,
        )
        for index, month in enumerate(monthly(reports))
    ]
    return bar_chart(points, f"Reports per month, {len(reports):,} in all")


def _week_tick(week: date, first: bool, quarterly: bool) -> str | None:
    """Label the first week of a month (of a quarter on long charts); the year on January."""
    starts_month = week.day <= 7 and (not quarterly or week.month in (1, 4, 7, 10))
    if not (first or starts_month):
        return None
    short = month_name(week.month)[:3]
    return f"{short} {week.year}" if first or week.month == 1 else short


def _monday(day: date) -> date:
    """Return the Monday of day's week."""
    return day - timedelta(days=day.weekday())
