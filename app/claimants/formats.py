"""PURE: the registry file formats (JSON and CSV), read and written as plain records.

JSON: {"claimants": [{"name", "type", "source_type", "affiliation", "role", "description",
"external_id", "aliases": [...], "status"}]}; CSV: one row per claimant with those columns,
aliases joined by " | ". `affiliation` is the name of another claimant (the registry's or
the file's). Only `name` and `type` are required.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

COLUMNS = ("name", "type", "source_type", "affiliation", "role", "description", "external_id",
           "aliases", "status")
ALIAS_SEPARATOR = " | "
FORMATS = ("json", "csv")


class RegistryFormatError(ValueError):
    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class RegistryRecord:
    name: str
    type: str
    source_type: str = ""
    affiliation: str = ""
    role: str = ""
    description: str = ""
    external_id: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)
    status: str = "confirmed"


def write_json(records: list[RegistryRecord]) -> Iterator[str]:
    yield '{"claimants": ['
    for index, record in enumerate(records):
        row = asdict(record)
        row["aliases"] = list(record.aliases)
        yield ("," if index else "") + "\n  " + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"


def write_csv(records: list[RegistryRecord]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for record in records:
        row = asdict(record)
        row["aliases"] = ALIAS_SEPARATOR.join(record.aliases)
        writer.writerow([row[column] for column in COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def read(data: bytes, fmt: str) -> list[RegistryRecord]:
    if fmt not in FORMATS:
        raise RegistryFormatError("format", f"unknown format {fmt!r}: use json or csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegistryFormatError("file", "is not UTF-8 text") from None
    if "\x00" in text:
        raise RegistryFormatError("file", "contains a NUL character")
    rows = _json_rows(text) if fmt == "json" else _csv_rows(text)
    return [_record(row, where) for where, row in rows]


def _json_rows(text: str) -> list[tuple[str, dict]]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise RegistryFormatError("file", f"is not JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("claimants"), list):
        raise RegistryFormatError("file", 'must be an object {"claimants": [...]}')
    rows = []
    for index, row in enumerate(data["claimants"]):
        if not isinstance(row, dict):
            raise RegistryFormatError(f"claimants[{index}]", "must be an object")
        rows.append((f"claimants[{index}]", row))
    return rows


def _csv_rows(text: str) -> list[tuple[str, dict]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = {"name", "type"} - set(reader.fieldnames or ())
    if missing:
        raise RegistryFormatError("header", "needs the columns name and type (of "
                                  f"{', '.join(COLUMNS)})")
    unknown = sorted(set(reader.fieldnames) - set(COLUMNS))
    if unknown:
        raise RegistryFormatError("header", f"unknown column {unknown[0]!r}")
    rows = []
    try:
        for row in reader:
            aliases = row.get("aliases") or ""
            row["aliases"] = [a.strip() for a in aliases.split(ALIAS_SEPARATOR.strip())]
            rows.append((f"line {reader.line_num}", row))
    except csv.Error as error:
        raise RegistryFormatError(f"line {reader.line_num}", str(error)) from None
    return rows


def _record(row: dict, where: str) -> RegistryRecord:
    unknown = sorted(set(row) - set(COLUMNS))
    if unknown:
        raise RegistryFormatError(f"{where}.{unknown[0]}", "unknown field")
    values = {}
    for column in COLUMNS:
        value = row.get(column)
        if column == "aliases":
            if not isinstance(value, list | type(None)) or not all(
                    isinstance(a, str) for a in value or []):
                raise RegistryFormatError(f"{where}.aliases", "must be a list of names")
            values["aliases"] = tuple(a.strip() for a in value or [] if a.strip())
        elif value is not None and not isinstance(value, str):
            raise RegistryFormatError(f"{where}.{column}", "must be text")
        else:
            values[column] = (value or "").strip()
    for required in ("name", "type"):
        if not values[required]:
            raise RegistryFormatError(f"{where}.{required}", "is required")
    values["status"] = values["status"] or "confirmed"
    return RegistryRecord(**values)
