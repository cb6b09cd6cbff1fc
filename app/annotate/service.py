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


@dataclass(frozen=True)
class ClaimantRef:
    id: int
    name: str
    type: str


@dataclass(frozen=True)
class SpanRow:
    """A span as the API shows it, read or written without an ORM object (app.annotate.saves)."""

    id: int
    document_id: int
    start: int
    end: int
    text: str
    claimant: ClaimantRef
    evidence_type: str
    note: str
    version: int
    annotator: str  # username

    @classmethod
    def of(cls, span: Span) -> SpanRow:
        claimant = span.claimant
        return cls(span.id, span.document_id, span.start, span.end, span.text,
                   ClaimantRef(claimant.id, claimant.name, claimant.type), span.evidence_type,
                   span.note, span.version, span.annotator.username)


class VersionConflict(ServiceError):
    """The span changed (or vanished) since the client read it; `current` is how it is now."""

    def __init__(self, current: SpanRow | None):
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


# Creating and changing spans: app.annotate.saves (plain rows, single statements).


def delete_span(span: Span, assignment: Assignment) -> None:
    require_writable(assignment.status)
    if assignment.status == "assigned":  # as a save would (app.annotate.saves)
        assignment.status = "in_progress"
        assignment.started_at = assignment.started_at or utcnow()
    span_id = span.id
    db.session.delete(span)
    # The ORM adds "WHERE version = <read>" to the DELETE; no row means someone else
    # wrote the span between our read and our write.
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        current = db.session.get(Span, span_id)
        raise VersionConflict(SpanRow.of(current) if current is not None else None) from None


# --- the rules of a save -----------------------------------------------------------------


def require_writable(assignment_status: str) -> None:
    if assignment_status == "submitted":
        raise ServiceError("this document is submitted and read-only; a manager can reopen it",
                           None, status=409)


def check_quote(document_text: str, start: object, end: object, text: object) -> None:
    try:
        check_offsets(len(document_text), start, end)
    except OffsetError as error:
        raise ServiceError(error.message, error.field) from None
    if not isinstance(text, str):
        raise ServiceError("text must be a string", "text")
    if document_text[start:end] != text:
        raise ServiceError(
            f"text does not match the document at {start}..{end} (offsets count Unicode "
            "code points)", "text")


def scheme_of(project: Project) -> Scheme:
    return parsed_scheme(json.dumps(project.scheme, sort_keys=True))


@lru_cache(maxsize=64)
def parsed_scheme(scheme_json: str) -> Scheme:
    """Reading a scheme checks every field of it: 0.3-0.5 ms, on every save. The parsed
    scheme is kept by its JSON text (a change of scheme is another text)."""
    return Scheme.from_dict(json.loads(scheme_json))


def check_note(note: object) -> None:
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
    name = check_claimant_name(choice.name, choice.type, scheme_of(project).claimant_type_keys)
    claimant = find_visible_claimant(project, name, author)
    if claimant is not None:
        return claimant
    if choice.type is None:
        raise ServiceError(f"{name!r} is not in the registry yet: give its type to add it",
                           "claimant.type")
    return create_typed_claimant(project, author, name, choice.type)


def check_claimant_name(name: str | None, type: str | None, type_keys) -> str:
    """The typed name, trimmed, if it can name a claimant; the type, if given, from the
    scheme."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("the claimant needs a name", "claimant.name")
    if len(name) > MAX_CLAIMANT_LENGTH:
        raise ServiceError(f"the claimant name is longer than {MAX_CLAIMANT_LENGTH} "
                           "characters", "claimant.name")
    if type is not None and type not in type_keys:
        raise ServiceError(f"unknown claimant type {type!r}; the scheme has "
                           f"{', '.join(type_keys)}", "claimant.type")
    return name


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
