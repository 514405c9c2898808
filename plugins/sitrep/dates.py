"""Report dates: parse the two accepted forms and format them for people."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # digits 0-9: \d alone takes ٢٠١٦ too
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?\s*(Z|[+-]\d{2}:?\d{2})?$", re.ASCII)
YEARS = range(1900, 2200)  # the years a report can be dated in
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
FORMAT_HINT = "use YYYY-MM-DD or an ISO 8601 date-time with offset, e.g. 2016-01-19T18:30:00+01:00"


@dataclass(frozen=True)
class Moment:
    """A calendar day as written, with the exact time when one was given."""

    day: date
    at: datetime | None = None

    def instant(self, zone: tzinfo) -> datetime:
        """Return an aware datetime; a bare day is midnight in zone."""
        return self.at or datetime.combine(self.day, time(), zone)

    def iso(self) -> str:
        """Return the ISO 8601 form, as in <time datetime>."""
        return self.at.isoformat() if self.at else self.day.isoformat()

    def before(self, other: Moment) -> bool:
        """Say whether this moment is surely before other: an earlier instant when both have a time, else day."""
        return self.at < other.at if self.at and other.at else self.day < other.day

    def sort_key(self) -> tuple[date, float]:
        """Order by day, then time of day; a bare day comes first."""
        return (self.day, self.at.timestamp() if self.at else float("-inf"))

    def sort_text(self) -> str:
        """Return text that sorts as sort_key does: the day, then the instant in UTC ('-', before any, for a bare day).

        Search sorts pages by text: by iso(), 09:00+14:00 came after 08:00-05:00 on one day, 14 hours before it.
        """
        if self.at is None:
            return f"{self.day.isoformat()} -"
        return f"{self.day.isoformat()} {self.at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}"


def parse_moment(text: str) -> Moment | str:
    """Parse a date or an offset date-time; return an error message if invalid."""
    text = text.strip()
    if not text.isascii() and any(c.isdecimal() and not c.isascii() for c in text):
        return _other_digits(text)
    if DATE_RE.match(text):
        return _in_years(text, _parse_day(text))
    if not DATETIME_RE.match(text):
        return f"'{text}' is not a date"
    return _in_years(text, _parse_datetime(text))


def _other_digits(text: str) -> str:
    """Name a date written with digits other than 0-9 (Arabic-Indic ٢٠١٦), and its form in 0-9."""
    plain = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    return f"'{text}' is written with digits other than 0-9 (write '{plain}')"


def _in_years(text: str, parsed: Moment | str) -> Moment | str:
    """Refuse a year outside YEARS: a typo (0016 for 2016) that would also stretch every chart over centuries."""
    if isinstance(parsed, str) or parsed.day.year in YEARS:
        return parsed
    return f"'{text}' is in the year {parsed.day.year}, outside {YEARS.start}-{YEARS.stop - 1} (a typo?)"


def _parse_day(text: str) -> Moment | str:
    """Parse YYYY-MM-DD, naming impossible days."""
    try:
        return Moment(date.fromisoformat(text))
    except ValueError:
        return f"'{text}' is not a real day"


def _parse_datetime(text: str) -> Moment | str:
    """Parse an ISO date-time that must carry an offset."""
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return f"'{text}' is not a real date and time"
    if value.tzinfo is None:
        return f"'{text}' has no UTC offset"
    return Moment(value.date(), value)


def in_whole_minutes(when: datetime) -> datetime:
    """Return the same instant with an offset of whole minutes: in UTC when its zone's offset has seconds.

    Before standard time, zones kept local mean time (Africa/Tripoli +00:52:44 until 1920): RFC 3339 and
    RFC 822 offsets hold hours and minutes only, and feed readers misread the seconds (by days, in RSS).
    """
    offset = when.utcoffset()
    return when.astimezone(UTC) if offset is not None and offset % timedelta(minutes=1) else when


def long_date(day: date) -> str:
    """Format a day for readers: 7 January 2016."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_name(month: int) -> str:
    """Return the English month name, independent of the locale."""
    return MONTHS[month - 1]
