"""`flask restore`: a project backup (app/transfer/backup.py) back into a database.

All or nothing: every row is written in the caller's one transaction, and a file that is
damaged, cut short, or names a row it does not hold raises RestoreRefused with the line
where it broke; the caller rolls back and nothing is restored. The file is read line by
line and written in batches, so memory holds one batch and the id maps (restore_ids.py).

Every row gets a new id and every reference is translated, including ids inside JSON
(backup_format.JSON_REFERENCES). Ids a backup names without a row (a merged claimant, a
deleted gold span, which an undo may bring back under that id) are reserved: a row is
inserted and deleted at once, so the id is never handed out again. Other such ids (a
deleted annotator span) become their negative, which names no row.

Users are matched by username; a username not in this database becomes a new account,
deactivated and without a password (an administrator reactivates it and sends a
set-password link). A project of the same name is never overwritten unless `replace`.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import Project, User
from app.models.base import utcnow
from app.models.users import username_problem
from app.text import text_sha256
from app.transfer.backup import backed_up_columns, table
from app.transfer.backup_format import (
    TABLE_ORDER,
    BackupFormatError,
    check_header,
    check_record,
    translate_json,
)
from app.transfer.restore_checks import (
    RestoreRefused,
    check_offsets,
    column_plan,
    numbered_lines,
    read_moment,
)
from app.transfer.restore_ids import IdMap

BATCH_ROWS = {"documents": 100}  # texts are large; other tables 1,000 rows a batch
RESERVABLE = ("claimants", "gold_spans")  # an undo may bring these back under their own id


def _write(statement, parameters=None):
    """Core statements on the session's connection, past the ORM: restored gold events are
    not a review merge to the audit log's listener (app/audit), nor anything else new."""
    return db.session.connection().execute(statement, parameters)


@dataclass
class RestoreResult:
    project_id: int
    project_name: str
    counts: dict[str, int]
    users_created: list[str] = field(default_factory=list)
    # old id -> new id, per table (users: a dict); tests compare backups through them
    maps: dict[str, IdMap] = field(default_factory=dict)
    users: dict[int, int] = field(default_factory=dict)


def restore_backup(path: pathlib.Path, *, name: str | None = None,
                   replace: bool = False) -> RestoreResult:
    """Restore the backup at `path` as a new project (named `name`, or as in the backup).
    Writes in the current transaction; the caller commits, or rolls back on RestoreRefused."""
    restore = _Restore(name, replace, path.name)
    try:
        return restore.run(numbered_lines(path))
    except DBAPIError as error:  # a value the database refuses (a NUL byte, a huge number)
        reason = str(error.orig).strip().splitlines()[0]
        raise RestoreRefused(f"cannot be written: {reason}", restore.line) from None


class _Restore:
    def __init__(self, name: str | None, replace: bool, filename: str):
        self.name, self.replace, self.filename = name, replace, filename
        self.maps = {name: IdMap() for name in TABLE_ORDER}
        self.users: dict[int, int | None] = {}
        self.users_created: list[str] = []
        self.counts = dict.fromkeys(TABLE_ORDER, 0)
        self.project_id: int | None = None
        self.columns: dict[str, list[str]] = {}
        self.column_sets: dict[str, set[str]] = {}
        self.plans: dict[str, list[tuple]] = {}
        self.rank = -1
        self.pending: list[dict] = []
        self.pending_ids: list[int] = []
        self.pending_lines = (0, 0)
        self.affiliations: list[tuple[int, int, int]] = []  # (new id, old affiliation, line)
        self.line = 0

    # --- the file, line by line ---------------------------------------------------------

    def run(self, lines: Iterator[tuple[int, dict]]) -> RestoreResult:
        first = next(lines, None)
        if first is None:
            raise RestoreRefused("the file is empty")
        self.line, value = first
        try:
            self.header = check_header(value)
        except BackupFormatError as error:
            raise RestoreRefused(str(error), 1) from None
        self._check_columns()
        self._make_room()
        ended = False
        for self.line, value in lines:
            if ended:
                raise RestoreRefused("a line after the end line", self.line)
            try:
                record = check_record(value)
            except BackupFormatError as error:
                raise RestoreRefused(str(error), self.line) from None
            if isinstance(record, dict):
                self._finish_tables(len(TABLE_ORDER))
                self._check_counts(record)
                ended = True
            elif record[0] == "users":
                self._user(record[1])
            else:
                self._row(*record)
        if not ended:
            raise RestoreRefused(f"the file ends at line {self.line} without its end line: "
                                 "it was cut short")
        if self.project_id is None:
            raise RestoreRefused("the file holds no project row")
        check_offsets(self.project_id, self.maps)
        return self._finish()

    def _check_columns(self) -> None:
        for name, columns in self.header["tables"].items():
            if name not in TABLE_ORDER or not isinstance(columns, list):
                raise RestoreRefused(f"the header lists an unknown table {name!r}", 1)
            missing = sorted(set(columns) - set(backed_up_columns(name)))
            if missing:
                raise RestoreRefused(
                    f"the backup holds {name}.{missing[0]}, which this database lacks: it "
                    f"was made by a newer Credence ({self.header.get('app_version')}); "
                    "upgrade first", 1)
            self.columns[name], self.column_sets[name] = columns, set(columns)

    def _make_room(self) -> None:
        name = (self.name if self.name is not None else self.header["project"]).strip()
        if not name or len(name) > 200:
            raise RestoreRefused("the project name must be 1-200 characters")
        existing = db.session.scalar(select(Project).where(Project.name == name))
        if existing is not None:
            if not self.replace:
                raise RestoreRefused(
                    f"a project named {name!r} already exists. Restore it under another "
                    "name (--as NAME), or replace that project and "
                    "everything in it (--replace)")
            db.session.delete(existing)
            db.session.flush()
        self.name = name

    def _row(self, name: str, row: dict) -> None:
        rank = TABLE_ORDER.index(name)
        if rank < self.rank:
            raise RestoreRefused(f"a {name} row after the {TABLE_ORDER[self.rank]} rows",
                                 self.line)
        if rank > self.rank:
            self._finish_tables(rank)
        if (name == "projects") != (self.project_id is None):
            raise RestoreRefused("the project's row must come first, once", self.line)
        values, old_id = self._values(name, row)
        if name == "projects":
            values.update(name=self.name)
            self.project_id = _write(
                insert(table(name)).returning(table(name).c.id), values).scalar_one()
            self.maps[name].add(old_id, self.project_id)
        else:
            if not self.pending:
                self.pending_lines = (self.line, self.line)
            self.pending.append(values)
            if old_id is not None:
                self.pending_ids.append(old_id)
            self.pending_lines = (self.pending_lines[0], self.line)
            if len(self.pending) >= BATCH_ROWS.get(name, 1000):
                self._flush()
        self.counts[name] += 1

    def _finish_tables(self, up_to: int) -> None:
        """Write what is pending; then what waits for a finished table (affiliations)."""
        self._flush()
        for rank in range(max(self.rank, 0), up_to):
            if TABLE_ORDER[rank] == "claimants":
                self._set_affiliations()
        self.rank = up_to

    def _flush(self) -> None:
        if not self.pending:
            return
        name = TABLE_ORDER[self.rank]
        target = table(name)
        try:
            if "id" in target.c:
                new_ids = self._insert_returning_ids(name, target)
                for old, new in zip(self.pending_ids, new_ids, strict=True):
                    self.maps[name].add(old, new)
            else:
                _write(insert(target), self.pending)
        except DBAPIError as error:
            first, last = self.pending_lines
            reason = str(error.orig).strip().splitlines()[0]
            raise RestoreRefused(f"the {name} rows of lines {first}-{last} cannot be "
                                 f"written: {reason}") from None
        self.pending, self.pending_ids = [], []

    def _insert_returning_ids(self, name: str, target) -> list[int]:
        if db.engine.dialect.name != "postgresql":
            return _write(insert(target).returning(target.c.id, sort_by_parameter_order=True),
                          self.pending).scalars().all()
        # PostgreSQL: take the ids from the table's sequence first, then insert with one
        # prepared statement (executemany); a multi-row INSERT ... RETURNING is three times
        # slower here, the driver parsing each statement of thousands of parameters anew.
        new_ids = _write(text(
            "SELECT id FROM (SELECT nextval(pg_get_serial_sequence(:table, 'id')) AS id "
            "FROM generate_series(1, :rows)) AS ids ORDER BY id"),
            {"table": name, "rows": len(self.pending)}).scalars().all()
        for row, new in zip(self.pending, new_ids, strict=True):
            row["id"] = new
        _write(insert(target), self.pending)
        return new_ids

    # --- one row --------------------------------------------------------------------------

    def _values(self, name: str, row: dict) -> tuple[dict, int | None]:
        expected = self.columns.get(name)
        if expected is None or row.keys() != self.column_sets[name]:
            raise RestoreRefused(f"the {name} row's fields differ from the header's list",
                                 self.line)
        values, old_id = {}, None
        if name not in self.plans:
            self.plans[name] = column_plan(name, self.columns[name])
        for column_name, kind, wanted, nullable, referenced in self.plans[name]:
            value = row[column_name]
            if value is None:
                if not nullable:
                    raise RestoreRefused(f"{name}.{column_name} is empty", self.line)
                values[column_name] = None
                continue
            if wanted is not None and (type(value) is not wanted and not (
                    wanted is str and isinstance(value, str))):
                raise RestoreRefused(f"{name}.{column_name} must be {wanted.__name__}, not "
                                     f"{type(value).__name__}", self.line)
            if wanted is int and not -2**63 <= value < 2**63:
                raise RestoreRefused(f"{name}.{column_name} is out of range", self.line)
            if kind == "id":
                old_id = self._check_ascending(name, value)
            elif kind == "affiliation":
                self.affiliations.append((len(self.maps["claimants"]) + len(self.pending),
                                          value, self.line))
                values[column_name] = None
            elif kind == "reference":
                values[column_name] = self._reference(name, column_name, referenced, value)
            elif kind == "loose":
                values[column_name] = self._loose(referenced, value)
            elif kind == "json":
                values[column_name] = translate_json(name, column_name, value, self._loose)
            elif kind in ("datetime", "date"):
                values[column_name] = read_moment(name, column_name, kind, value, self.line)
            else:
                values[column_name] = value
        if name == "documents" and text_sha256(row["text"]) != row["sha256"]:
            raise RestoreRefused(f"the text of document {row['external_id']!r} does not "
                                 "match its checksum: the file was changed or damaged",
                                 self.line)
        return values, old_id

    def _check_ascending(self, name: str, old_id) -> int:
        last = self.pending_ids[-1] if self.pending_ids else self.maps[name].last_old
        if last is not None and old_id <= last:
            raise RestoreRefused(f"{name} id {old_id} comes after id {last}: the rows are "
                                 "out of order", self.line)
        return old_id

    def _reference(self, name: str, column_name: str, referenced: str, value: int):
        if referenced == "projects":
            return self.project_id
        new = self.users.get(value) if referenced == "users" else (
            self.maps[referenced].get(value) if referenced in self.maps else None)
        if new is None:
            raise RestoreRefused(f"{name}.{column_name} names {referenced} id {value}, which "
                                 "is not in the backup", self.line)
        return new

    def _loose(self, referenced: str, old: int) -> int | None:
        """The new id of a reference that may name a row the backup does not hold."""
        if referenced == "users":
            return self.users.get(old)
        if referenced == TABLE_ORDER[self.rank] and old in self.pending_ids:
            self._flush()
        known = self.maps[referenced]
        new = known.get(old)
        if new is not None:
            return new
        if old not in known.ghosts:
            known.ghosts[old] = (self._reserve(referenced) if referenced in RESERVABLE
                                 and old > 0 else -abs(old))
        return known.ghosts[old]

    def _reserve(self, name: str) -> int:
        target = table(name)
        some_claimant = next((new for _old, new in self.maps["claimants"].items()), None)
        some_document = next((new for _old, new in self.maps["documents"].items()), None)
        if name == "claimants":
            values = {"project_id": self.project_id, "name": "(reserved)", "type": "reserved",
                      "status": "proposed"}
        elif some_claimant is None or some_document is None:
            return -1
        else:
            values = {"document_id": some_document, "start": 0, "end": 1, "text": "",
                      "claimant_id": some_claimant, "evidence_type": "reserved",
                      "provenance": "added"}
        new = _write(insert(target).returning(target.c.id), values).scalar_one()
        _write(delete(target).where(target.c.id == new))
        return new

    def _user(self, row: dict) -> None:
        old, username = row.get("id"), row.get("username")
        if not isinstance(old, int) or not isinstance(username, str) or username_problem(
                username):
            raise RestoreRefused("a users row needs an id and a valid username", self.line)
        if old in self.users:
            return
        existing = db.session.scalar(select(User.id).where(User.username == username))
        if existing is None:
            display = row.get("display_name") if isinstance(row.get("display_name"), str) \
                else username
            existing = _write(insert(User.__table__).returning(User.id), {
                "username": username, "display_name": display[:120], "password_hash": None,
                "active": False, "is_admin": False, "project_creator": False}).scalar_one()
            self.users_created.append(username)
        self.users[old] = existing

    # --- the end ------------------------------------------------------------------------

    def _set_affiliations(self) -> None:
        claimants, changes = self.maps["claimants"], []
        ids = [new for _old, new in claimants.items()]
        for index, old_affiliation, line in self.affiliations:
            new = claimants.get(old_affiliation)
            if new is None:
                raise RestoreRefused(f"claimants.affiliation_id names claimant "
                                     f"{old_affiliation}, which is not in the backup", line)
            changes.append({"row": ids[index], "affiliation": new})
        if changes:
            target = table("claimants")
            _write(update(target).where(target.c.id == bindparam("row"))
                               .values(affiliation_id=bindparam("affiliation")), changes)
        self.affiliations = []

    def _check_counts(self, counts: dict) -> None:
        for name in TABLE_ORDER:
            if counts.get(name, 0) != self.counts[name]:
                raise RestoreRefused(f"the end line counts {counts.get(name, 0)} {name} rows "
                                     f"but the file holds {self.counts[name]}: it was "
                                     "changed or cut", self.line)

    def _finish(self) -> RestoreResult:
        from app.audit import record

        project = db.session.get(Project, self.project_id)
        record("project_restored", project_id=project.id, target=f"project {project.name}",
               details={"file": self.filename[:100], "from_project": self.header["project"],
                        "backup_made_at": self.header.get("created_at"),
                        "users_created": self.users_created[:50]})
        project.changed_at = utcnow()
        db.session.flush()
        return RestoreResult(project.id, project.name, self.counts, self.users_created,
                             self.maps, {old: new for old, new in self.users.items()
                                         if new is not None})
