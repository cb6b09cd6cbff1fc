"""The project backup file: what it holds, in which order, and where ids hide inside JSON.

A backup is gzip'd JSON lines (docs/deploy.md, "Backups"):

    {"format": "credence-backup", "format_version": 1, "app_version": ..., "tables": {...}}
    {"table": "users", "row": {"id": 3, "username": "alice", "display_name": "Alice"}}
    {"table": "projects", "row": {...}}
    ...one line per row, tables in TABLE_ORDER (users whenever first referenced)...
    {"end": true, "counts": {"spans": 1200, ...}}

Rows carry the ids of the database they came from; a restore gives every row a new id and
translates every reference, including the ids that the review and registry services keep
inside JSON columns (a gold event's snapshots, a merge's undo record). JSON_REFERENCES says
where those are. The last line's counts make a file cut at a line boundary detectable.

PURE: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FORMAT = "credence-backup"
FORMAT_VERSION = 1

# Rows of one project, in an order where every row comes after the rows it refers to.
# claimant_events come after gold_events: a merge's undo record names gold events.
TABLE_ORDER = (
    "projects",
    "project_members",
    "project_revisions",
    "claimants",
    "claimant_aliases",
    "documents",
    "assignments",
    "spans",
    "gold_spans",
    "gold_span_sources",
    "gold_events",
    "document_reviews",
    "claimant_events",
    "audit_events",
)

# User columns a backup holds: accounts are matched by username on restore, and neither
# passwords, e-mail addresses nor site-wide rights travel with a project.
USER_FIELDS = ("id", "username", "display_name")

# Id columns without a foreign key (the row they name may be gone): column -> table.
LOOSE_REFERENCES = {
    ("gold_events", "gold_span_id"): "gold_spans",
    ("claimant_events", "claimant_id"): "claimants",
}

# Ids inside JSON columns. A spec maps a key to a table name (one id), ("list", table)
# (a list of ids), ("keys", table) (a dict keyed by ids as strings), or a nested spec.
_GOLD_SNAPSHOT = {"id": "gold_spans", "claimant_id": "claimants", "reviewer_id": "users",
                  "source_span_ids": ("list", "spans")}
JSON_REFERENCES: dict[tuple[str, str], dict[str, Any]] = {
    # app/review/gold.py snapshot(): the gold span before and after a change
    ("gold_events", "before"): _GOLD_SNAPSHOT,
    ("gold_events", "after"): _GOLD_SNAPSHOT,
    # app/claimants/merge.py merge_claimants() (and "undoes" of the undo's own event)
    ("claimant_events", "details"): {
        "source": {"id": "claimants", "affiliation_id": "claimants",
                   "created_by_id": "users"},
        "target": {"id": "claimants", "affiliation_id": "claimants"},
        "spans": ("list", "spans"),
        "gold_spans": ("list", "gold_spans"),
        "members": ("list", "claimants"),
        "gold_history": ("keys", "gold_events"),
        "undoes": "claimant_events",
    },
}

Lookup = Callable[[str, int], int | None]


class BackupFormatError(ValueError):
    """A line that is not what a backup holds at that place."""


def translate_json(table: str, column: str, value: Any, lookup: Lookup) -> Any:
    """`value` (a JSON column of `table`) with every id it holds passed through
    lookup(table it names, id). Values of an unexpected shape are left as they are: the
    services that wrote them are the judges of their shape, not the backup."""
    spec = JSON_REFERENCES.get((table, column))
    if spec is None or value is None:
        return value
    return _translate(spec, value, lookup)


def _translate(spec, value, lookup: Lookup):
    if isinstance(spec, str):
        return lookup(spec, value) if _is_id(value) else value
    if isinstance(spec, tuple):
        kind, table = spec
        if kind == "list" and isinstance(value, list):
            return [lookup(table, item) if _is_id(item) else item for item in value]
        if kind == "keys" and isinstance(value, dict):
            return {(str(lookup(table, int(key))) if key.lstrip("-").isdigit() else key): item
                    for key, item in value.items()}
        return value
    if not isinstance(value, dict):
        return value
    return {key: (_translate(spec[key], item, lookup) if key in spec else item)
            for key, item in value.items()}


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def header(app_version: str, schema_revision: str | None, project_name: str,
           created_at: str, tables: dict[str, list[str]]) -> dict:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "app_version": app_version,
            "schema_revision": schema_revision, "created_at": created_at,
            "project": project_name, "tables": tables}


def check_header(value: object) -> dict:
    """The header line, or BackupFormatError saying why this is not a backup we read."""
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise BackupFormatError("this is not a Credence project backup (the first line "
                                f"must name the format {FORMAT!r})")
    version = value.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupFormatError(f"backup format version {version!r} is not one this version "
                                f"of Credence reads (it reads version {FORMAT_VERSION})")
    if not isinstance(value.get("project"), str) or not isinstance(value.get("tables"), dict):
        raise BackupFormatError("the header lacks the project name or the table list")
    return value


def check_record(value: object) -> tuple[str, dict] | dict:
    """(table, row) for a row line, or the counts dict of the end line."""
    if not isinstance(value, dict):
        raise BackupFormatError("a line must be a JSON object")
    if value.get("end") is True:
        counts = value.get("counts")
        if not isinstance(counts, dict):
            raise BackupFormatError("the end line lacks its counts")
        return counts
    table, row = value.get("table"), value.get("row")
    if table != "users" and table not in TABLE_ORDER:
        raise BackupFormatError(f"unknown table {table!r}")
    if not isinstance(row, dict):
        raise BackupFormatError(f"a {table} line lacks its row")
    return table, row
