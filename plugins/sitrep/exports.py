"""Data exports for analysts: reports as JSON and CSV, entities as JSON, places as GeoJSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from .dates import in_whole_minutes
from .entities import Entity, Registry
from .feeds import updated
from .indexes import EntityEntry, EntityIndex
from .model import Report
from .slugs import slugify

REPORT_COLUMNS = ("title", "date", "url", "regions", "category", "actors", "locations", "summary", "updated")
LIST_SEPARATOR = "; "


def generated_at(reports: Sequence[Report], source_date_epoch: str | None) -> str:
    """Return the exports' `generated`: SOURCE_DATE_EPOCH if set, else the newest content date, never the clock."""
    if source_date_epoch:  # checked with the settings: whole seconds
        return datetime.fromtimestamp(int(source_date_epoch), tz=UTC).isoformat()
    return in_whole_minutes(max((updated(r) for r in reports), default=datetime(1970, 1, 1, tzinfo=UTC))).isoformat()


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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula


def reports_csv(records: Sequence[Mapping[str, object]]) -> str:
    """Write data/reports.csv: the same fields, lists joined with '; '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: spreadsheets and strict importers expect CRLF
    writer.writerow(REPORT_COLUMNS)
    for record in records:
        writer.writerow([_cell(record[column]) for column in REPORT_COLUMNS])
    return out.getvalue()


def _cell(value: object) -> str:
    """Flatten a value for CSV, quoting a leading formula character (a spreadsheet would run `=HYPERLINK(...)`)."""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text  # OWASP's advice for CSV injection


def entity_record(entry: EntityEntry) -> dict[str, object]:
    """Return one actor's or location's exported fields."""
    ref, activity = entry.ref, (entry.count, entry.first.iso(), entry.last.iso())
    return _record(ref.facet, (ref.name, ref.slug, ref.url), entry.details, list(entry.aliases), activity)


def unnamed_record(facet: str, entity: Entity) -> dict[str, object]:
    """Return the exported fields of a registered actor or location that no report names yet (it has no page)."""
    return _record(facet, (entity.name, slugify(entity.name), None), entity, list(entity.aliases), (0, None, None))


def _record(
    facet: str,
    named: tuple[str, str, str | None],
    details: Entity | None,
    aliases: list[str],
    activity: tuple[int, str | None, str | None],
) -> dict[str, object]:
    """Return exported fields: (name, slug, url), registry details, aliases, (reports, first, last)."""
    record: dict[str, object] = dict(zip(("name", "slug", "url"), named, strict=True))
    record |= {"kind": details.kind if details else None, "aliases": aliases}
    record |= dict(zip(("reports", "first", "last"), activity, strict=True))
    if facet == "locations":
        place = (details.region, details.lat, details.lon) if details else (None, None, None)
        record |= dict(zip(("region", "lat", "lon"), place, strict=True))
    return record


def entities_json(index: EntityIndex, registry: Registry, generated: str) -> str:
    """Write data/entities.json: every actor and location, A–Z, then the registered ones no report names yet."""
    body = {facet: _entity_records(index, registry, facet) for facet in ("actors", "locations")}
    return _json({"generated": generated, **body})


def _entity_records(index: EntityIndex, registry: Registry, facet: str) -> list[dict[str, object]]:
    """Return a facet's records: its entities, then registered ones no report names (the map shows those too)."""
    named = {entry.ref.name for entry in index.facets[facet]}
    unnamed = sorted((e for e in registry.entities.get(facet, ()) if e.name not in named), key=lambda e: e.name)
    return [*(entity_record(e) for e in index.facets[facet]), *(unnamed_record(facet, e) for e in unnamed)]


def _json(data: object) -> str:
    """Serialise JSON stably: readable, UTF-8, same bytes every time."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
