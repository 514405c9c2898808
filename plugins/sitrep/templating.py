"""Jinja filters the theme uses to show dates; paths come from the model, not here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from email.utils import format_datetime

from .dates import Moment, long_date


def isodate(moment: Moment) -> str:
    """Return the machine-readable form for <time datetime>."""
    return moment.iso()


def longdate(moment: Moment) -> str:
    """Return the reader's form: 12 January 2016 (with the time when one was given)."""
    when = long_date(moment.day)
    return f"{when}, {moment.at:%H:%M} {utc_offset(moment.at)}" if moment.at else when


def utc_offset(at: datetime) -> str:
    """Return the offset as people read it: UTC, UTC+01:00."""
    minutes = int((at.utcoffset() or timedelta()).total_seconds() // 60)
    sign = "+" if minutes > 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}" if minutes else "UTC"


def dayname(day: date) -> str:
    """Return a day heading for the timeline: Thursday 7 January 2016."""
    return f"{DAYS[day.weekday()]} {long_date(day)}"


def rfc3339(when: datetime) -> str:
    """Format an aware datetime for Atom: 2016-01-08T00:00:00+00:00."""
    return when.isoformat()


def rfc822(when: datetime) -> str:
    """Format an aware datetime for RSS and OPML: Fri, 08 Jan 2016 00:00:00 +0000."""
    return format_datetime(when)


DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FILTERS: dict[str, Callable[..., str]] = {
    "isodate": isodate,
    "longdate": longdate,
    "dayname": dayname,
    "rfc3339": rfc3339,
    "rfc822": rfc822,
}
