"""Registry import and export (JSON and CSV; the formats are in app.claimants.formats).

Import is all-or-nothing: every row is checked (types and source types of the scheme,
lengths, affiliations naming a claimant of the registry or of the file, no cycle) before
anything changes. A row whose name (or alias) is a confirmed claimant updates it: the
fields the file gives replace the stored ones and its aliases are added; any other row
creates a confirmed claimant.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.claimants import formats
from app.claimants.registry import claimant_key
from app.claimants.service import add_alias, edit_claimant, record
from app.errors import ServiceError
from app.extensions import db
from app.formats.common import MAX_CLAIMANT_LENGTH
from app.models import Claimant, Project, User
from app.projects.service import project_scheme


def export_records(project: Project) -> list[formats.RegistryRecord]:
    claimants = list(db.session.scalars(
        select(Claimant).where(Claimant.project_id == project.id)
        .options(selectinload(Claimant.aliases)).order_by(Claimant.name, Claimant.id)))
    names = {c.id: c.name for c in claimants}
    return [formats.RegistryRecord(
        name=c.name, type=c.type, source_type=c.source_type or "",
        affiliation=names.get(c.affiliation_id, ""), role=c.role, description=c.description,
        external_id=c.external_id, aliases=tuple(a.alias for a in c.aliases), status=c.status)
        for c in claimants]


def export_registry(project: Project, fmt: str) -> Iterator[str]:
    if fmt not in formats.FORMATS:
        raise ServiceError(f"unknown format {fmt!r}: use json or csv", "format")
    records = export_records(project)
    return formats.write_json(records) if fmt == "json" else formats.write_csv(records)


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


def import_registry(project: Project, data: bytes, fmt: str, user: User | None
                    ) -> ImportSummary:
    try:
        records = formats.read(data, fmt)
    except formats.RegistryFormatError as error:
        raise ServiceError(f"{error.where}: {error.message}", "file") from None
    confirmed = {}
    for claimant in db.session.scalars(select(Claimant).where(
            Claimant.project_id == project.id, Claimant.status == "confirmed")
            .options(selectinload(Claimant.aliases)).order_by(Claimant.id)):
        confirmed.setdefault(claimant_key(claimant.name), claimant)
        for alias in claimant.aliases:
            confirmed.setdefault(claimant_key(alias.alias), claimant)
    _check_records(project, records, confirmed)
    created = updated = 0
    by_key: dict[str, Claimant] = {}
    for rec in records:
        claimant = confirmed.get(claimant_key(rec.name))
        if claimant is None:
            claimant = Claimant(project_id=project.id, name=rec.name, type=rec.type,
                                status="confirmed", created_by_id=user.id if user else None)
            db.session.add(claimant)
            db.session.flush()
            confirmed[claimant_key(rec.name)] = claimant
            created += 1
        else:
            updated += 1
        by_key[claimant_key(rec.name)] = claimant
        fields = {"type": rec.type, "source_type": rec.source_type or None}
        fields.update({f: getattr(rec, f) for f in ("role", "description", "external_id")
                       if getattr(rec, f)})
        edit_claimant(claimant, None, **fields)
        taken = {claimant_key(claimant.name)} | {claimant_key(a.alias) for a in claimant.aliases}
        for alias in rec.aliases:
            if claimant_key(alias) not in taken:
                add_alias(claimant, alias, None)
                taken.add(claimant_key(alias))
    for rec in records:
        if rec.affiliation:
            parent = by_key.get(claimant_key(rec.affiliation)) or confirmed[
                claimant_key(rec.affiliation)]
            edit_claimant(by_key[claimant_key(rec.name)], None, affiliation_id=parent.id)
    record(project, user, "import", None,
           f"imported {len(records)} claimants ({created} new, {updated} updated)")
    project.touch()
    db.session.flush()
    return ImportSummary(created, updated)


def _check_records(project: Project, records, confirmed: dict) -> None:
    scheme = project_scheme(project)
    in_file = {claimant_key(rec.name) for rec in records}
    seen: set[str] = set()
    for number, rec in enumerate(records, start=1):
        where = f"claimant {number} ({rec.name!r})"
        if claimant_key(rec.name) in seen:
            raise ServiceError(f"{where}: the file names it twice", "file")
        seen.add(claimant_key(rec.name))
        if len(rec.name) > MAX_CLAIMANT_LENGTH or any(
                len(a) > MAX_CLAIMANT_LENGTH for a in rec.aliases):
            raise ServiceError(f"{where}: a name is longer than {MAX_CLAIMANT_LENGTH} "
                               "characters", "file")
        if rec.type not in scheme.claimant_type_keys:
            raise ServiceError(f"{where}: unknown claimant type {rec.type!r}", "file")
        if rec.source_type and rec.source_type not in scheme.source_type_keys:
            raise ServiceError(f"{where}: unknown source type {rec.source_type!r}", "file")
        if rec.affiliation and claimant_key(rec.affiliation) not in in_file | set(confirmed):
            raise ServiceError(f"{where}: affiliation {rec.affiliation!r} is neither in the "
                               "registry nor in the file", "file")
        for name, longest in (("role", 300), ("description", 5000), ("external_id", 500)):
            if len(getattr(rec, name)) > longest:
                raise ServiceError(f"{where}: {name} is longer than {longest} characters",
                                   "file")
