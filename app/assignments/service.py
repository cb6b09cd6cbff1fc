"""Assignment operations for managers: assign a chosen annotator, unassign, reassign, and
assign selected documents to selected annotators, balanced. Callers commit.

Unassigning never deletes spans. An annotator's spans on a document without their
assignment are hidden: the agreement figures, the review and the submitted-work exports are
driven by assignments, and the annotator can no longer open the document. Assigning them
again shows the spans again. Nothing of one annotator's work is shown to another: a
reassigned document starts empty for the new annotator.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.errors import ServiceError
from app.extensions import db
from app.models import Assignment, Document, Project, Span, User
from app.projects.service import project_annotators


def document_in_project(project: Project, document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or document.project_id != project.id:
        raise ServiceError("no such document in this project", "document", status=404)
    return document


def annotator_in_project(project: Project, user_id: object) -> User:
    """A member of the project with the annotator role (the people work is assigned to)."""
    for annotator in project_annotators(project):
        if str(annotator.id) == str(user_id):
            return annotator
    raise ServiceError("choose an annotator of this project", "annotator")


def spans_of(assignment: Assignment) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Span).where(
            Span.document_id == assignment.document_id,
            Span.annotator_id == assignment.annotator_id))


def assign_annotator(document: Document, annotator: User) -> Assignment:
    exists = db.session.scalar(select(Assignment.id).where(
        Assignment.document_id == document.id, Assignment.annotator_id == annotator.id))
    if exists is not None:
        raise ServiceError(f"{annotator.username} is already assigned to this document",
                           "annotator", status=409)
    assignment = Assignment(document_id=document.id, annotator_id=annotator.id)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def unassign(assignment: Assignment, *, confirmed: bool = False) -> int:
    """Remove the assignment; returns how many spans the annotator keeps (hidden).

    With spans on the document, the manager must confirm (ServiceError 409 otherwise).
    """
    spans = spans_of(assignment)
    if spans and not confirmed:
        raise ServiceError(
            f"{assignment.annotator.username} has {spans} annotation(s) on this document: "
            "confirm to unassign; the annotations are kept, hidden, and come back if they "
            "are assigned again", "confirm", status=409)
    project = assignment.document.project
    db.session.delete(assignment)
    project.touch()  # agreement reports are cached by this stamp
    db.session.flush()
    return spans


def reassign(assignment: Assignment, new_annotator: User, *, confirmed: bool = False
             ) -> Assignment:
    """Hand the document from one annotator to another (who starts with no spans)."""
    if new_annotator.id == assignment.annotator_id:
        raise ServiceError("choose another annotator", "annotator")
    document = assignment.document
    unassign(assignment, confirmed=confirmed)
    return assign_annotator(document, new_annotator)


def assign_selected(project: Project, document_ids: list[int], annotator_ids: list[int],
                    per_document: int) -> int:
    """Give each selected document up to `per_document` of the selected annotators.

    Places already held by selected annotators count; each missing place goes to the
    selected annotator with the fewest documents in the project (ties by username), so the
    load stays balanced. Returns the number of assignments created.
    """
    if not 1 <= per_document <= 50:
        raise ServiceError("annotators per document must be from 1 to 50", "per_document")
    documents = [document_in_project(project, document_id)
                 for document_id in sorted(set(document_ids))]
    if not documents:
        raise ServiceError("select at least one document", "document_ids")
    annotators = [annotator_in_project(project, user_id) for user_id in set(annotator_ids)]
    if not annotators:
        raise ServiceError("select at least one annotator", "annotator_ids")
    chosen_ids = {annotator.id for annotator in annotators}
    names = {annotator.id: annotator.username for annotator in annotators}
    load = Counter(dict.fromkeys(chosen_ids, 0))
    held: dict[int, set[int]] = {}
    for document_id, annotator_id in db.session.execute(
        select(Assignment.document_id, Assignment.annotator_id).join(Document)
        .where(Document.project_id == project.id)
    ):
        held.setdefault(document_id, set()).add(annotator_id)
        if annotator_id in load:
            load[annotator_id] += 1
    created = 0
    for document in documents:
        have = held.setdefault(document.id, set())
        while len(have & chosen_ids) < per_document:
            free = [a for a in chosen_ids if a not in have]
            if not free:
                break
            pick = min(free, key=lambda a: (load[a], names[a]))
            db.session.add(Assignment(document_id=document.id, annotator_id=pick))
            have.add(pick)
            load[pick] += 1
            created += 1
    db.session.flush()
    return created
