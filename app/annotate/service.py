"""Span operations shared by the JSON API and the annotation page. Callers commit.

Permissions are decided before these functions are called (app.permissions gives the
caller the document, the span and the assignment it may use); here live the rules about
*what* may be written: offsets inside the text, the quoted text equal to the text at those
offsets, evidence and claimant types from the project's scheme, read-only submitted work,
and optimistic concurrency through `Span.version`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.claimants.search import find_visible_claimant
from app.claimants.service import create_typed_claimant
from app.errors import ServiceError
from app.extensions import db
from app.formats.common import MAX_CLAIMANT_LENGTH
from app.models import (
    Assignment,
    Claimant,
    Document,
    DocumentReview,
    Project,
    Span,
    User,
)
from app.models.base import utcnow
from app.permissions import may_see_claimant, project_member, visible_spans
from app.scheme import Scheme
from app.text import OffsetError, check_offsets

NOTE_MAX_LENGTH = 2000


class VersionConflict(ServiceError):
    """The span changed (or vanished) since the client read it; `current` is how it is now."""

    def __init__(self, current: Span | None):
        message = ("this span was deleted since you loaded it" if current is None else
                   "this span has changed since you loaded it; reload and try again")
        super().__init__(message, "version", status=409)
        self.current = current


@dataclass(frozen=True)
class ClaimantChoice:
    """Who a span's claim is attributed to: an existing claimant by id, or a name.

    A name (or alias) already in the registry, compared case-insensitively, picks that
    claimant; a new name creates a claimant of `type`.
    """

    claimant_id: int | None = None
    name: str | None = None
    type: str | None = None


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()  # "leave this field as it is" in update_span


# --- reading -----------------------------------------------------------------------------


def list_spans(viewer: User, document: Document, annotator: User | None = None) -> list[Span]:
    """Spans of `document` that `viewer` may see, in text order (see visible_spans)."""
    query = visible_spans(viewer, document, annotator).options(
        joinedload(Span.claimant), joinedload(Span.annotator)
    )
    return list(db.session.scalars(query))


def find_project_annotator(project: Project, username: str) -> User:
    """A user who has (or had) work in the project, by username; 422 otherwise."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is not None:
        if project_member(user, project) is not None or _has_assignment_in(project, user):
            return user
    raise ServiceError(f"no annotator named {username!r} in this project", "annotator")


def _has_assignment_in(project: Project, user: User) -> bool:
    return db.session.scalar(
        select(Assignment.id).join(Document)
        .where(Document.project_id == project.id, Assignment.annotator_id == user.id)
        .limit(1)
    ) is not None


# --- writing spans -----------------------------------------------------------------------


def create_span(assignment: Assignment, *, start: int, end: int, text: str,
                evidence_type: str, claimant: ClaimantChoice, note: str = "") -> Span:
    """A new span by the assignment's annotator; the first one starts the assignment."""
    _require_writable(assignment)
    document = assignment.document
    _check_quote(document, start, end, text)
    project = document.project
    _check_evidence_type(project, evidence_type)
    _check_note(note)
    span = Span(document=document, annotator_id=assignment.annotator_id, start=start,
                end=end, text=text, evidence_type=evidence_type, note=note,
                claimant=resolve_claimant(project, claimant, assignment.annotator))
    db.session.add(span)
    _record_change(assignment)
    db.session.flush()
    return span


def update_span(span: Span, assignment: Assignment, *, version: int,
                start=UNSET, end=UNSET, text=UNSET, evidence_type=UNSET,
                claimant=UNSET, note=UNSET) -> Span:
    """Change the given fields of `span`, read by the client at `version`.

    Moving a span needs its new `text` too: the client proves it quotes what it means to.
    """
    _require_writable(assignment)
    if span.version != version:
        raise VersionConflict(span)
    document = span.document
    changes: dict = {}
    if start is not UNSET or end is not UNSET or text is not UNSET:
        if text is UNSET:
            raise ServiceError("text is required when start or end change", "text")
        changes["start"] = span.start if start is UNSET else start
        changes["end"] = span.end if end is UNSET else end
        changes["text"] = text
        _check_quote(document, changes["start"], changes["end"], text)
    if evidence_type is not UNSET:
        _check_evidence_type(document.project, evidence_type)
        changes["evidence_type"] = evidence_type
    if note is not UNSET:
        _check_note(note)
        changes["note"] = note
    if claimant is not UNSET:
        changes["claimant"] = resolve_claimant(document.project, claimant,
                                               assignment.annotator)
    # Everything is checked before the span changes, so autoflush (run by the queries
    # above) never writes a half-changed span and the version moves once per request.
    for name, value in changes.items():
        setattr(span, name, value)
    if db.session.is_modified(span):
        _record_change(assignment)
        _flush_or_conflict(span)
    return span


def delete_span(span: Span, assignment: Assignment) -> None:
    _require_writable(assignment)
    _record_change(assignment)
    db.session.delete(span)
    _flush_or_conflict(span)


def _flush_or_conflict(span: Span) -> None:
    # The ORM adds "WHERE version = <read>" to the UPDATE/DELETE; no row means someone
    # else wrote the span between our read and our write.
    span_id = span.id
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise VersionConflict(db.session.get(Span, span_id)) from None


def _require_writable(assignment: Assignment) -> None:
    if assignment.status == "submitted":
        raise ServiceError("this document is submitted and read-only; a manager can reopen it",
                           None, status=409)


def _record_change(assignment: Assignment) -> None:
    # The project row is not touched: a span save changes only unsubmitted work, which the
    # cached figures keyed on `changed_at` leave out (those that count it key on the spans
    # themselves, app.agreement_views.service.span_fingerprint). Writing the row on every
    # save made all saves of a project wait in line for its row lock (issue 14).
    if assignment.status == "assigned":
        assignment.status = "in_progress"
        assignment.started_at = assignment.started_at or utcnow()


def _check_quote(document: Document, start: object, end: object, text: object) -> None:
    try:
        check_offsets(len(document.text), start, end)
    except OffsetError as error:
        raise ServiceError(error.message, error.field) from None
    if not isinstance(text, str):
        raise ServiceError("text must be a string", "text")
    if document.text[start:end] != text:
        raise ServiceError(
            f"text does not match the document at {start}..{end} (offsets count Unicode "
            "code points)", "text")


def _check_evidence_type(project: Project, evidence_type: object) -> None:
    keys = _scheme_of(project).evidence_keys
    if evidence_type not in keys:
        raise ServiceError(
            f"unknown evidence type {evidence_type!r}; the scheme has {', '.join(keys)}",
            "evidence_type")


def _scheme_of(project: Project) -> Scheme:
    # Reading a scheme checks every field of it: 0.3-0.5 ms, on every save. The parsed
    # scheme is kept by its JSON text (a change of scheme is another text).
    return _parsed_scheme(json.dumps(project.scheme, sort_keys=True))


@lru_cache(maxsize=64)
def _parsed_scheme(scheme_json: str) -> Scheme:
    return Scheme.from_dict(json.loads(scheme_json))


def _check_note(note: object) -> None:
    if not isinstance(note, str):
        raise ServiceError("note must be a string", "note")
    if len(note) > NOTE_MAX_LENGTH:
        raise ServiceError(f"the note is longer than {NOTE_MAX_LENGTH} characters", "note")


# --- claimants ---------------------------------------------------------------------------


def resolve_claimant(project: Project, choice: ClaimantChoice, author: User) -> Claimant:
    """The claimant `choice` names for `author`; a new name with a scheme type creates one.

    Blind (app.permissions.visible_claimants): an id of a claimant `author` may not see is
    refused with the words used for an id that does not exist, and a name only someone
    else's proposal holds is a new name. A claimant created here is `author`'s proposal, or
    confirmed at once when `author` reviews or manages the project (create_typed_claimant).
    """
    if choice.claimant_id is not None:
        claimant = db.session.get(Claimant, choice.claimant_id)
        if (claimant is None or claimant.project_id != project.id
                or not may_see_claimant(author, claimant)):
            raise ServiceError(f"no claimant with id {choice.claimant_id} in this project",
                               "claimant_id")
        return claimant
    name = (choice.name or "").strip()
    if not name:
        raise ServiceError("the claimant needs a name", "claimant.name")
    if len(name) > MAX_CLAIMANT_LENGTH:
        raise ServiceError(f"the claimant name is longer than {MAX_CLAIMANT_LENGTH} "
                           "characters", "claimant.name")
    type_keys = _scheme_of(project).claimant_type_keys
    if choice.type is not None and choice.type not in type_keys:
        raise ServiceError(f"unknown claimant type {choice.type!r}; the scheme has "
                           f"{', '.join(type_keys)}", "claimant.type")
    claimant = find_visible_claimant(project, name, author)
    if claimant is not None:
        return claimant
    if choice.type is None:
        raise ServiceError(f"{name!r} is not in the registry yet: give its type to add it",
                           "claimant.type")
    return create_typed_claimant(project, author, name, choice.type)


# --- assignments -------------------------------------------------------------------------


def submit_assignment(assignment: Assignment) -> Assignment:
    """Finish the annotator's work on the document; it becomes read-only."""
    if assignment.status == "submitted":
        raise ServiceError("this document is already submitted", None, status=409)
    now = utcnow()
    assignment.status = "submitted"
    assignment.started_at = assignment.started_at or now
    assignment.submitted_at = now
    assignment.document.project.touch()
    _review_sees_changed_work(assignment.document)
    db.session.flush()
    return assignment


def _review_sees_changed_work(document: Document) -> None:
    """Submitted work changed under an adjudicated document (a late submission, work
    reopened): its units changed, so its review is open again for a reviewer to finish."""
    review = db.session.get(DocumentReview, document.id)
    if review is not None and review.status == "adjudicated":
        review.status = "in_review"
        review.adjudicated_at = None


def reopen_assignment(document: Document, username: object) -> Assignment:
    """Make an annotator's submitted work on `document` editable again (a manager's call)."""
    if not isinstance(username, str) or not username.strip():
        raise ServiceError("give the annotator's username", "annotator")
    assignment = db.session.scalar(
        select(Assignment).join(User, User.id == Assignment.annotator_id)
        .where(Assignment.document_id == document.id, User.username == username.strip())
    )
    if assignment is None:
        raise ServiceError(f"{username!r} has no assignment for this document", "annotator")
    if assignment.status != "submitted":
        raise ServiceError(f"{username!r} has not submitted this document", "annotator",
                           status=409)
    assignment.status = "in_progress"
    assignment.submitted_at = None
    document.project.touch()
    _review_sees_changed_work(document)
    db.session.flush()
    return assignment
