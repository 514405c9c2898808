"""Reports whose URL moved since an earlier build of the output: warn until each old URL points to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .model import Report
from .problems import Problem, warning

URLS_FILE = "report-urls.json"  # in the build cache: each report file's URL and the old ones nothing serves yet


def moved_urls(reports: Sequence[Report], earlier: Mapping[str, object]) -> tuple[list[Problem], dict[str, list[str]]]:
    """Warn for every old URL of a report that nothing serves now; return each report's URLs to remember.

    earlier: what the last build remembered, by the report's path in the content folder (its URL, then
    old ones). An old URL is remembered until a report's URL or redirect_from serves it again.
    """
    served = {report.url for report in reports} | {url for report in reports for url in report.redirect_from}
    problems, remembered = [], {}
    for report in reports:
        lost = [url for url in _urls(earlier.get(report.path)) if url not in served]
        problems += [_moved(report, url) for url in lost]
        remembered[report.path] = [report.url, *lost]
    return problems, remembered


def _urls(found: object) -> list[str]:
    """Return the URLs in a remembered entry ([] for anything else: the file is a cache, maybe damaged)."""
    return [url for url in found if isinstance(url, str)] if isinstance(found, list) else []


def _moved(report: Report, url: str) -> Problem:
    """Warn that links to a report's old URL break, at the line its URL comes from."""
    return warning(
        report.source,
        report.url_line,
        f"URL moved from {url} to {report.url} since an earlier build: links to the old one break",
        f"add 'redirect_from: {url}'",
    )
