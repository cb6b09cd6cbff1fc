"""Documents: the list for a project, one document's text, submitting and reopening."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from app.annotate.service import reopen_assignment, submit_assignment
from app.api import responses
from app.api.json_input import read_body
from app.api.operations import operation
from app.api.routes import bp
from app.api.schemas import Empty, Reopen
from app.api.serialise import document_json, document_summary_json
from app.extensions import db
from app.models import Assignment, Document
from app.permissions import (
    assignment_of,
    require_assignment,
    require_document,
    require_project,
    visible_documents,
)


@bp.get("/projects/<int:project_id>/documents")
@operation("A project's documents", responses={200: [responses.DocumentSummary]},
           tags=("documents",), links={200: {
               "GetDocument": ("api.get_document", {"document_id": "$response.body#/0/id"}),
               "CreateSpan": ("api.create_span", {"document_id": "$response.body#/0/id"}),
               "ListSpans": ("api.list_spans", {"document_id": "$response.body#/0/id"}),
               "CreateGold": ("api.create_gold", {"document_id": "$response.body#/0/id"}),
               "ReviewDocument": ("api.document_review",
                                  {"document_id": "$response.body#/0/id"})}})
def list_documents(project_id: int):
    """Annotators: their assigned documents; reviewers and managers: all. Import order."""
    project = require_project(current_user, project_id)
    documents = db.session.scalars(visible_documents(current_user, project)).all()
    my_status = dict(db.session.execute(
        select(Assignment.document_id, Assignment.status).join(Document)
        .where(Document.project_id == project.id, Assignment.annotator_id == current_user.id)
    ).all())
    return jsonify([document_summary_json(d, my_status.get(d.id)) for d in documents])


@bp.get("/documents/<int:document_id>")
@operation("A document and its text", responses={200: responses.Document}, tags=("documents",))
def get_document(document_id: int):
    document = require_document(current_user, document_id)
    assignment = assignment_of(current_user, document)
    return jsonify(document_json(document, assignment.status if assignment else None))


@bp.post("/documents/<int:document_id>/submit")
@operation("Submit your work on a document", body=Empty, body_optional=True,
           responses={200: responses.AssignmentStatus}, tags=("documents",))
def submit_document(document_id: int):
    """It becomes read-only; 409 if already submitted."""
    document = require_document(current_user, document_id)
    assignment = require_assignment(current_user, document)
    read_body(allow_empty=True)
    submit_assignment(assignment)
    db.session.commit()
    return jsonify({"status": assignment.status})


@bp.post("/documents/<int:document_id>/reopen")
@operation("Reopen an annotator's submitted work (managers)", body=Reopen,
           responses={200: responses.AssignmentStatus}, tags=("documents",))
def reopen_document(document_id: int):
    document = require_document(current_user, document_id, minimum="manager")
    assignment = reopen_assignment(document, read_body().annotator)
    db.session.commit()
    return jsonify({"status": assignment.status})
