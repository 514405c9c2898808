"""Data exports for analysts: reports as JSON and CSV, entities as JSON, places as GeoJSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from .feeds import updated
from .indexes import EntityEntry, EntityIndex
from .model import Report

REPORT_COLUMNS = ("title", "date", "url", "regions", "category", "actors", "locations", "summary", "updated")
LIST_SEPARATOR = "; "


def generated_at(reports: Sequence[Report], source_date_epoch: str | None) -> str:
    """Return the exports' `generated`: SOURCE_DATE_EPOCH if set, else the newest content date, never the clock."""
    if source_date_epoch:  # checked with the settings: whole seconds
        return datetime.fromtimestamp(int(source_date_epoch), tz=UTC).isoformat()
    return max((updated(r) for r in reports), default=datetime(1970, 1, 1, tzinfo=UTC)).isoformat()


def report_record(report: Report, index: EntityIndex) -> dict[str, object]:
    """Return one report's exported fields, names canonical."""
    names = {facet: [ref.name for ref in index.refs(report, facet)] for facet in ("actors", "locations", "regions")}
    category = [ref.name for ref in index.refs(report, "categories")]
    return {
        "title": report.title,
        "date": report.date.iso(),
        "url": report.url,
        "regions": names["regions"],
        "category": category[0] if category else None,
        "actors": names["actors"],
        "locations": names["locations"],
        "summary": report.summary,
        "updated": report.updated.iso() if report.updated else None,
    }


def reports_json(records: Sequence[Mapping[str, object]], generated: str) -> str:
    """Write data/reports.json."""
    return _json({"generated": generated, "count": len(records), "reports": list(records)})


def reports_csv(records: Sequence[Mapping[str, object]]) -> str:
    """Write data/reports.csv: the same fields, lists joined with '; '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for record in records:
        writer.writerow([_cell(record[column]) for column in REPORT_COLUMNS])
    return out.getvalue()


def _cell(value: object) -> str:
    """Flatten a value for CSV."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return "" if value is None else str(value)


def entity_record(entry: EntityEntry) -> dict[str, object]:
    """Return one actor's or location's exported fields."""
    details = entry.details
    record: dict[str, object] = {
        "name": entry.ref.name,
        "slug": entry.ref.slug,
        "url": entry.ref.url,
        "kind": details.kind if details else None,
        "aliases": list(entry.aliases),
        "reports": entry.count,
        "first": entry.first.iso(),
        "last": entry.last.iso(),
    }
    if entry.ref.facet == "locations":
        place = (details.region, details.lat, details.lon) if details else (None, None, None)
        record |= dict(zip(("region", "lat", "lon"), place, strict=True))
    return record


def entities_json(index: EntityIndex, generated: str) -> str:
    """Write data/entities.json: every actor and location."""
    body = {facet: [entity_record(e) for e in index.facets[facet]] for facet in ("actors", "locations")}
    return _json({"generated": generated, **body})


def _json(data: object) -> str:
    """Serialise JSON stably: readable, UTF-8, same bytes every time."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
