"""`flask backup`: one project, complete, as gzip'd JSON lines (app/transfer/backup_format.py).

Every table of the project is read row by row (`yield_per`), in id order, and written as it
is read: memory stays flat however many spans the project holds. Every column of every
table is written, so a column added by a later migration travels without changes here;
only cache keys are left out. The users the rows name are written just before the first
row that names them, by username and display name (no passwords, e-mail or site rights).

On PostgreSQL the backup reads one REPEATABLE READ snapshot, and on SQLite one read
transaction: rows saved while it runs are either wholly in it or wholly out of it.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
import os
import pathlib
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Date, DateTime, Table, inspect, select, text

from app.extensions import db
from app.models import Project, User
from app.models.base import utcnow
from app.transfer.backup_format import (
    JSON_REFERENCES,
    TABLE_ORDER,
    USER_FIELDS,
    header,
    translate_json,
)

# Caches, not data: a restored project gets its own.
SKIPPED_COLUMNS = {("projects", "claimant_registry_version"), ("projects", "changed_at")}
READ_BATCH = 1000
# Rows read at a time, where rows are large: a batch of documents holds their texts.
READ_BATCHES = {"documents": 50}


def table(name: str) -> Table:
    return db.metadata.tables[name]


def backed_up_columns(name: str) -> list[str]:
    return [column.name for column in table(name).columns
            if (name, column.name) not in SKIPPED_COLUMNS]


def user_columns(name: str) -> list[str]:
    """Columns of table `name` that hold a user id."""
    return [column.name for column in table(name).columns
            if any(fk.column.table.name == "users" for fk in column.foreign_keys)]


@dataclass
class BackupSummary:
    counts: dict[str, int] = field(default_factory=dict)
    users: int = 0


def write_backup(project: Project, path: pathlib.Path) -> BackupSummary:
    """Write the backup through a temporary name: a failed backup leaves no half file."""
    project_id, project_name = project.id, project.name
    summary = BackupSummary()
    partial = path.with_name(path.name + ".part")
    try:
        with gzip.open(partial, "wb", compresslevel=6) as handle:
            for line in backup_lines(project_id, project_name, summary):
                handle.write(line)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def backup_lines(project_id: int, project_name: str,
                 summary: BackupSummary | None = None) -> Iterator[bytes]:
    """The backup's lines, encoded; read inside one snapshot of the database."""
    summary = summary if summary is not None else BackupSummary()
    db.session.rollback()  # a fresh transaction, so the snapshot starts here
    connection = _snapshot_connection()
    try:
        yield _encode(header(app_version(), _schema_revision(connection), project_name,
                             _iso(utcnow()),
                             {name: backed_up_columns(name) for name in TABLE_ORDER}))
        seen_users: set[int] = set()
        for name in TABLE_ORDER:
            count = 0
            for row in _rows(connection, name, project_id):
                for user_id in _users_named(name, row) - seen_users:
                    seen_users.add(user_id)
                    user = _user_row(connection, user_id)
                    if user is not None:
                        summary.users += 1
                        yield _encode({"table": "users", "row": user})
                yield _encode({"table": name, "row": {key: _plain(value)
                                                      for key, value in row.items()}})
                count += 1
            summary.counts[name] = count
        yield _encode({"end": True, "counts": summary.counts})
    finally:
        db.session.rollback()


def _snapshot_connection():
    if db.engine.dialect.name == "postgresql":
        return db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    connection = db.session.connection()
    # pysqlite starts transactions only before writes; a backup is all reads, so it asks
    # for its read transaction itself (WAL keeps that snapshot while others write).
    connection.exec_driver_sql("BEGIN")
    return connection


def _rows(connection, name: str, project_id: int) -> Iterator[dict]:
    source = table(name)
    columns = [source.c[column] for column in backed_up_columns(name)]
    query = select(*columns).where(_belongs_to(name, project_id)).order_by(
        *source.primary_key.columns)
    result = connection.execute(query.execution_options(
        yield_per=READ_BATCHES.get(name, READ_BATCH)))
    for row in result.mappings():
        yield dict(row)


def _belongs_to(name: str, project_id: int):
    """The condition selecting table `name`'s rows of the project."""
    if name == "projects":
        return table(name).c.id == project_id
    source = table(name)
    if "project_id" in source.c:
        return source.c.project_id == project_id
    documents = select(table("documents").c.id).where(
        table("documents").c.project_id == project_id)
    if name == "claimant_aliases":
        return source.c.claimant_id.in_(select(table("claimants").c.id).where(
            table("claimants").c.project_id == project_id))
    if name == "gold_span_sources":
        return source.c.gold_span_id.in_(select(table("gold_spans").c.id).where(
            table("gold_spans").c.document_id.in_(documents)))
    return source.c.document_id.in_(documents)


def _users_named(name: str, row: dict) -> set[int]:
    """Every user id the row names, in its columns and inside its JSON."""
    found = {row[column] for column in user_columns(name) if row.get(column) is not None}

    def collect(referenced: str, value: int) -> int:
        if referenced == "users":
            found.add(value)
        return value

    for (json_table, column) in JSON_REFERENCES:
        if json_table == name:
            translate_json(name, column, row.get(column), collect)
    return found


def _user_row(connection, user_id: int) -> dict | None:
    users = User.__table__
    row = connection.execute(select(*(users.c[f] for f in USER_FIELDS))
                             .where(users.c.id == user_id)).mappings().first()
    return dict(row) if row is not None else None


def _schema_revision(connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


@functools.cache
def app_version() -> str:
    pyproject = pathlib.Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _plain(value):
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _iso(moment: dt.datetime) -> str:
    """UTC with its offset, whichever database it came from (SQLite returns naive UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat()


def _encode(value: dict) -> bytes:
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def is_temporal(column) -> bool:
    return isinstance(column.type, DateTime | Date)

