"""Links from one report to another by its file (`[last week](2016-01-05-oil.md)`), pointed at its page.

A body is read on its own (in a worker, or from the cache) before the other reports' URLs are
known, so such a link is rendered with a mark (`markdown.REPORT_LINK` and its number) that
`link_reports` replaces once every report is read. Linking by file, as Pelican's `{filename}` and
Hugo's `ref` do, keeps the link working when the other report is retitled or redated, and it
works in a git host's view of the content too.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import replace
from urllib.parse import unquote, urljoin, urlsplit

from markdown_it.common.utils import escapeHtml
from markupsafe import Markup

from .cache import digest_bytes
from .markdown import ID_HINT, REPORT_LINK
from .model import Report
from .problems import Problem, warning
from .urls import relative_root

Reports = tuple[Report, ...]
MISSING_HINT = "link to a report's file by its path from this one, e.g. ../02/2016-02-01-slug.md"
DRAFT_HINT = "publish that report first, or link to it later"


def link_reports(
    published: Sequence[Report], drafts: Sequence[Report], site_url: str
) -> tuple[Reports, Reports, list[Problem]]:
    """Point every report's links to report files at their pages; warn of those that reach no published report."""
    targets = {report.path: report for report in published}
    drafted = frozenset(report.path for report in drafts)
    linked = [resolve(report, targets, drafted, site_url) for report in (*published, *drafts)]
    reports = tuple(report for report, _ in linked)
    problems = [problem for _, found in linked for problem in found]
    return reports[: len(published)], reports[len(published) :], problems


def resolve(
    report: Report, targets: Mapping[str, Report], drafted: frozenset[str], site_url: str
) -> tuple[Report, list[Problem]]:
    """Replace a report's link marks by the pages they reach (the link as written where none); return its problems."""
    if not report.report_links:
        return report, []
    hrefs, problems = [], []
    for line, written in report.report_links:
        path, fragment = target_path(report.path, written)
        target = targets.get(path)
        hrefs.append(relative_root(report.url) + target.url + fragment if target else written)
        problems += _unreached(report, line, written, target, path in drafted)
    page, feed, base = str(report.body_html), report.feed_html, urljoin(site_url, report.url)
    for number, href in enumerate(hrefs):
        mark = f'href="{REPORT_LINK}{number}"'  # the closing quote: mark 1 is not the start of mark 10
        page = page.replace(mark, f'href="{escapeHtml(href)}"')
        feed = feed.replace(mark, f'href="{escapeHtml(urljoin(base, href))}"')
    digest = digest_bytes(report.digest, *hrefs)  # its page changes when a linked report moves
    return replace(report, body_html=Markup(page), feed_html=feed, digest=digest), problems


def target_path(source: str, href: str) -> tuple[str, str]:
    """Return the content path a link from the report at source reaches, and its '#fragment' ('' without one)."""
    parts = urlsplit(href)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(parts.path)))
    return path, f"#{parts.fragment}" if parts.fragment else ""


def _unreached(report: Report, line: int, written: str, target: Report | None, to_draft: bool) -> list[Problem]:
    """Say why a link to a report's file reaches no page, or no part of it ([] when it does)."""
    shown, fragment = unquote(written), unquote(urlsplit(written).fragment)
    about = target_path(report.path, written)[0]  # so `check --changed` on that file shows it
    if to_draft:
        message, hint = f"link '{shown}' points to a draft, which is not published", DRAFT_HINT
    elif target is None:
        message, hint = f"link '{shown}' points to no report", MISSING_HINT
    elif fragment and fragment not in target.ids:
        message, hint = f"link '{shown}' points to no heading or footnote of that report", ID_HINT
    else:
        return []
    return [warning(report.source, line, message, hint, about)]
