"""What a restore checks, apart from the rows' order and references (restore.py): the file
can be read line by line, each column holds what its type allows, and every restored span
quotes its document exactly."""

from __future__ import annotations

import datetime as dt
import gzip
import pathlib
import zlib
from collections.abc import Iterator

from sqlalchemy import func, select

from app.extensions import db
from app.strict_json import JsonRefused, parse_json
from app.transfer.backup import is_temporal, table
from app.transfer.backup_format import JSON_REFERENCES, LOOSE_REFERENCES
from app.transfer.restore_ids import IdMap

_PYTHON_TYPES = {"Integer": int, "Boolean": bool, "String": str, "Text": str}


class RestoreRefused(Exception):
    def __init__(self, reason: str, line: int | None = None):
        self.reason, self.line = reason, line
        self.message = f"line {line}: {reason}" if line else reason
        super().__init__(self.message)


def numbered_lines(path: pathlib.Path) -> Iterator[tuple[int, dict]]:
    """(line number, value) of each line of the gzip'd file; RestoreRefused where it breaks."""
    number = 0
    try:
        with gzip.open(path, "rb") as handle:
            for number, raw in enumerate(handle, 1):
                if not raw.endswith(b"\n"):
                    raise RestoreRefused("the line is cut short (the file ends inside it)",
                                         number)
                try:
                    yield number, parse_json(raw)
                except (JsonRefused, UnicodeDecodeError) as error:
                    raise RestoreRefused(f"not a JSON line: {error}", number) from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise RestoreRefused(f"the file is damaged or cut short after line {number} "
                             f"({error})", number + 1) from None
    except OSError as error:
        raise RestoreRefused(f"cannot read {path.name}: {error}") from None


def column_plan(name: str, columns: list[str]) -> list[tuple]:
    """How to read each column of table `name`, worked out once a table rather than once a
    row: (column, kind, Python type wanted, may be empty, table it refers to)."""
    plan, target = [], table(name)
    for column_name in columns:
        column = target.c[column_name]
        referenced = next((fk.column.table.name for fk in column.foreign_keys), None)
        wanted = _PYTHON_TYPES.get(type(column.type).__name__)
        kind = "plain"
        if column_name == "id" and column.primary_key:
            kind = "id"
        elif (name, column_name) == ("claimants", "affiliation_id"):
            kind = "affiliation"
        elif referenced:
            kind = "reference"
        elif (name, column_name) in LOOSE_REFERENCES:
            kind, referenced = "loose", LOOSE_REFERENCES[name, column_name]
        elif (name, column_name) in JSON_REFERENCES:
            kind = "json"
        elif is_temporal(column):
            kind, wanted = type(column.type).__name__.lower(), str
        plan.append((column_name, kind, wanted,
                     column.nullable or column.primary_key, referenced))
    return plan


def read_moment(name: str, column_name: str, kind: str, value: str, line: int):
    """A date or timestamp written by backup.py (ISO 8601, timestamps in UTC with offset)."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RestoreRefused(f"{name}.{column_name}: {value!r} is not a date",
                             line) from None
    return moment.date() if kind == "date" else moment


def check_offsets(project_id: int, maps: dict[str, IdMap]) -> None:
    """Every span's text is its document's text at its offsets (one query a table)."""
    documents = table("documents")
    for name in ("spans", "gold_spans"):
        spans = table(name)
        wrong = db.session.scalar(
            select(spans.c.id).join(documents, documents.c.id == spans.c.document_id)
            .where(documents.c.project_id == project_id,
                   (spans.c.end > func.length(documents.c.text))
                   | (func.substr(documents.c.text, spans.c.start + 1,
                                  spans.c.end - spans.c.start) != spans.c.text))
            .limit(1))
        if wrong is not None:
            old = next(old for old, new in maps[name].items() if new == wrong)
            raise RestoreRefused(f"{name} id {old}: its text is not its document's text "
                                 "at its offsets: the file was changed or damaged")

