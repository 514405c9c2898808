"""Jinja filters the theme uses to show dates and sources; paths come from the model, not here."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from markdown_it.common.normalize_url import normalizeLink
from markupsafe import Markup, escape

from .bidi import has_rtl
from .charts import Bar, Chart
from .dates import Moment, in_whole_minutes, long_date


def isodate(moment: Moment) -> str:
    """Return the machine-readable form for <time datetime>."""
    return moment.iso()


def longdate(moment: Moment) -> str:
    """Return the reader's form: 12 January 2016 (with the time when one was given)."""
    when = long_date(moment.day)
    return f"{when}, {moment.at:%H:%M} {utc_offset(moment.at)}" if moment.at else when


def clock(moment: Moment, zone: str) -> str:
    """Return a report's time of day, with its offset when the site's TIMEZONE is at another one then.

    A timeline orders a day's reports by instant: 09:00 at UTC+14:00 comes before 08:00 at UTC-05:00.
    """
    at = moment.at
    if at is None:
        return ""
    same = at.utcoffset() == at.astimezone(ZoneInfo(zone)).utcoffset()  # ZoneInfo keeps each zone it made
    return f"{at:%H:%M}" if same else f"{at:%H:%M} {utc_offset(at)}"


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
    return in_whole_minutes(when).isoformat()


def rfc822(when: datetime) -> str:
    """Format an aware datetime for RSS and OPML: Fri, 08 Jan 2016 00:00:00 +0000."""
    return format_datetime(in_whole_minutes(when))


def number(count: int) -> str:
    """Write a count with its thousands grouped: '1,000', as counts in words are (reports)."""
    return f"{count:,}"


def reports(count: int) -> str:
    """Count reports in words: '1 report', '12 reports', '1,000 reports' (as the timeline's note on its limit counts).

    A filter, not a macro: a macro call cost 8 µs, and timelines make 9,000 of them at 1,000 reports.
    """
    return f"{count:,} report{'' if count == 1 else 's'}"


def svg_marks(chart: Chart, root: str) -> Markup:
    """Draw a chart's bars (linked when they have a URL) and tick labels as one string.

    A chart can have 600 weekly bars; drawing them in Python instead of a Jinja loop
    took a fifth off rendering the site.
    """
    safe_root = escape(root)
    marks = [_bar(bar, safe_root) for bar in chart.bars]
    marks += [f'<text x="{t.x}" y="{chart.height - 4}">{escape(t.label)}</text>' for t in chart.ticks]
    return Markup("\n  ".join(marks))


def _bar(bar: Bar, root: str) -> str:
    """Draw one bar with its tooltip, inside a link when it has one (coordinates are svg_number digits)."""
    rect = (
        f'<rect x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}">'
        f"<title>{escape(bar.point.label)}</title></rect>"
    )
    return f'<a href="{root}/{escape(bar.point.url)}">{rect}</a>' if bar.point.url else rect


WEB_ADDRESS = re.compile(r"https?://\S+")  # a source that is one address and nothing else


def source_href(source: str) -> str:
    """Return the link for a source that is one web address with a host, else "" (the source stays text).

    A source such as `https://x.org/doc (accessed 5 Jan)` or `http://` is no URL: as an href it was invalid.
    Characters a URL cannot hold (`|`, `<`, a lone `%`) are percent-encoded, as in Markdown links.
    """
    return normalizeLink(source) if WEB_ADDRESS.fullmatch(source) and _names_a_host(source) else ""


def _names_a_host(address: str) -> bool:
    """Say whether an address names a host, with a port that is a number if it has one."""
    try:
        parts = urlsplit(address)
        return bool(parts.hostname) and isinstance(parts.port, int | None)  # reading .port checks it
    except ValueError:  # a port that is not a number, an unclosed IPv6 bracket
        return False


AUTO, NOTHING = Markup(' dir="auto"'), Markup("")  # made once: the filter runs for every name on every page


def direction(text: object) -> Markup:
    """Return ` dir="auto"` for an element showing text with right-to-left letters, else nothing.

    The browser then sets its direction from its first letter and keeps it apart from its neighbours:
    in the page's left-to-right flow, "المجلس الرئاسي 2" would otherwise show its number on the wrong side.
    Text without such letters gets nothing, so its pages are as they were.
    """
    return AUTO if has_rtl(str(text or "")) else NOTHING


def isolated(text: object) -> Markup:
    """Return text escaped, inside `<bdi>` when it has right-to-left letters (within a sentence, as direction does)."""
    shown = escape(str(text))
    return Markup(f"<bdi>{shown}</bdi>") if has_rtl(str(text)) else shown


DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FILTERS: dict[str, Callable[..., str]] = {
    "isodate": isodate,
    "longdate": longdate,
    "clock": clock,
    "dayname": dayname,
    "rfc3339": rfc3339,
    "rfc822": rfc822,
    "svg_marks": svg_marks,
    "reports": reports,
    "number": number,
    "source_href": source_href,
    "direction": direction,
    "isolated": isolated,
}
