"""Saving a span: create and change, the two writes annotators make hundreds of times an hour.

The rules are the service's (app.annotate.service: offsets inside the text, the quoted text
equal to the text at those offsets, evidence types from the scheme, claimants resolved blind,
submitted work read-only, optimistic concurrency on `version`). What differs is the way:
a save works on the plain row its permission query read (app.permissions.SaveAccess) and
writes with single statements (INSERT … RETURNING, UPDATE … WHERE version = … RETURNING),
the span's audit row beside it in the same transaction. No ORM objects are built or
flushed: that was about half the CPU of a save (issue 14: a create 4.4 → 1.9 ms, an edit
3.0 → 1.4 ms in process on PostgreSQL; docs/benchmarks.md, load test).

Reading spans and deleting them keep the ORM (app.annotate.service); both build the same
JSON shape from a SpanRow (app.api.serialise.span_row_json).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from sqlalchemy import bindparam, func, insert, select, update

from app.annotate.service import (
    UNSET,
    ClaimantChoice,
    ClaimantRef,
    SpanRow,
    VersionConflict,
    check_claimant_name,
    check_note,
    check_quote,
    parsed_scheme,
    require_writable,
)
from app.audit import record_span_change
from app.claimants.search import registry_index_at
from app.claimants.service import create_typed_claimant
from app.errors import ServiceError
from app.extensions import db
from app.models import Assignment, Document, Project, Span, User
from app.models.base import utcnow
from app.permissions import SaveAccess


def create_span(access: SaveAccess, author: User, *, start: int, end: int, text: str,
                evidence_type: str, claimant: ClaimantChoice, note: str = "") -> SpanRow:
    """A new span by the assignment's annotator; the first one starts the assignment."""
    require_writable(access.assignment_status)
    check_quote(access.document_text, start, end, text)
    _check_evidence_type(access, evidence_type)
    check_note(note)
    ref = _resolve_claimant(access, claimant, author)
    now = utcnow()
    connection = db.session.connection()
    span_id = connection.execute(_insert_span(), {
        "document_id": access.document_id, "annotator_id": author.id, "start": start,
        "end": end, "text": text, "claimant_id": ref.id, "evidence_type": evidence_type,
        "note": note, "created_at": now, "updated_at": now, "version": 1}).scalar_one()
    _start_assignment(access, now)
    record_span_change("created", span_id=span_id, document_id=access.document_id,
                       annotator_id=author.id, start=start, end=end,
                       project_id=access.project_id, at=now)
    return SpanRow(span_id, access.document_id, start, end, text, ref, evidence_type, note,
                   1, author.username)


def update_span(access: SaveAccess, author: User, *, version: int, start=UNSET, end=UNSET,
                text=UNSET, evidence_type=UNSET, claimant=UNSET, note=UNSET) -> SpanRow:
    """Change the given fields of the span, read by the client at `version`.

    Moving a span needs its new `text` too: the client proves it quotes what it means to.
    Everything is checked before anything is written; a request that changes nothing
    writes nothing and keeps the version."""
    span = _span_of(access, author)
    require_writable(access.assignment_status)
    if span.version != version:
        raise VersionConflict(span)
    changes: dict = {}
    if start is not UNSET or end is not UNSET or text is not UNSET:
        if text is UNSET:
            raise ServiceError("text is required when start or end change", "text")
        changes["start"] = span.start if start is UNSET else start
        changes["end"] = span.end if end is UNSET else end
        changes["text"] = text
        check_quote(_document_text(access), changes["start"], changes["end"], text)
    if evidence_type is not UNSET:
        _check_evidence_type(access, evidence_type)
        changes["evidence_type"] = evidence_type
    if note is not UNSET:
        check_note(note)
        changes["note"] = note
    if claimant is not UNSET:
        changes["claimant"] = _resolve_claimant(access, claimant, author)
    if "claimant" in changes and changes["claimant"].id == span.claimant.id:
        del changes["claimant"]
    changes = {name: value for name, value in changes.items() if getattr(span, name) != value}
    if not changes:
        return span
    now = utcnow()
    values = {f"new_{'claimant_id' if name == 'claimant' else name}":
              (value.id if name == "claimant" else value) for name, value in changes.items()}
    written = db.session.connection().execute(_update_span(frozenset(values)), {
        **values, "span_id": span.id, "read_version": version, "new_version": version + 1,
        "now": now}).scalar_one_or_none()
    if written is None:  # another request wrote the span between our read and our write
        current = db.session.get(Span, span.id)  # as that request left it
        current = SpanRow.of(current) if current is not None else None
        db.session.rollback()
        raise VersionConflict(current)
    _start_assignment(access, now)
    changed = replace(span, **changes, version=written)
    record_span_change("edited", span_id=span.id, document_id=span.document_id,
                       annotator_id=author.id, start=changed.start, end=changed.end,
                       project_id=access.project_id, at=now)
    return changed


def _span_of(access: SaveAccess, author: User) -> SpanRow:
    row = access.span
    return SpanRow(row.id, row.document_id, row.start, row.end, row.text,
                   ClaimantRef(row.claimant_id, row.claimant_name, row.claimant_type),
                   row.evidence_type, row.note, row.version, author.username)


def _check_evidence_type(access: SaveAccess, evidence_type: object) -> None:
    keys = parsed_scheme(access.scheme_json).evidence_keys
    if evidence_type not in keys:
        raise ServiceError(
            f"unknown evidence type {evidence_type!r}; the scheme has {', '.join(keys)}",
            "evidence_type")


def _resolve_claimant(access: SaveAccess, choice: ClaimantChoice, author: User) -> ClaimantRef:
    """app.annotate.service.resolve_claimant's rule, answered from the cached registry index
    (the access row carries the registry stamp): no query unless a new name is typed."""
    index = registry_index_at(access.project_id, access.registry_stamp)
    viewer_id = None if access.sees_all else author.id
    if choice.claimant_id is not None:
        entry = index.entries.get(choice.claimant_id)
        if entry is None or not index.visible(entry, viewer_id):
            raise ServiceError(f"no claimant with id {choice.claimant_id} in this project",
                               "claimant_id")
        return ClaimantRef(entry.id, entry.name, entry.type)
    name = check_claimant_name(choice.name, choice.type,
                               parsed_scheme(access.scheme_json).claimant_type_keys)
    entry = index.find(name, viewer_id)
    if entry is not None:
        return ClaimantRef(entry.id, entry.name, entry.type)
    if choice.type is None:
        raise ServiceError(f"{name!r} is not in the registry yet: give its type to add it",
                           "claimant.type")
    created = create_typed_claimant(db.session.get(Project, access.project_id), author, name,
                                    choice.type)
    db.session.flush()  # its id, and the project's new registry stamp
    return ClaimantRef(created.id, created.name, created.type)


def _document_text(access: SaveAccess) -> str:
    if access.document_text is not None:
        return access.document_text
    return db.session.connection().scalar(_text_of(), {"document_id": access.document_id})


def _start_assignment(access: SaveAccess, now) -> None:
    # The project row is not touched: a span save changes only unsubmitted work, which the
    # cached figures keyed on `changed_at` leave out (those that count it key on the spans
    # themselves, app.agreement_views.service.span_fingerprint). Writing the row on every
    # save made all saves of a project wait in line for its row lock (issue 14).
    if access.assignment_status == "assigned":
        db.session.connection().execute(
            update(Assignment.__table__).where(Assignment.id == access.assignment_id)
            .values(status="in_progress",
                    started_at=func.coalesce(Assignment.started_at, now)))


# Built once: building a statement costs more CPU than running it.
@cache
def _insert_span():
    return insert(Span.__table__).returning(Span.id)


@cache
def _update_span(new_values: frozenset[str]):
    """UPDATE spans SET <the changed columns>, version, updated_at WHERE id AND version, one
    statement per set of changed columns (a handful), with bind names that are not columns'."""
    return (update(Span.__table__)
            .where(Span.id == bindparam("span_id"), Span.version == bindparam("read_version"))
            .values({**{name.removeprefix("new_"): bindparam(name) for name in new_values},
                     "version": bindparam("new_version"), "updated_at": bindparam("now")})
            .returning(Span.version))


@cache
def _text_of():
    return select(Document.text).where(Document.id == bindparam("document_id"))

