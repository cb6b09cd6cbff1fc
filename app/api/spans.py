"""Spans: list, create, update (with the version read), delete. Blind between annotators."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.annotate import service
from app.api.json_input import (
    claimant_choice,
    integer,
    read_json_object,
    refuse_unknown_fields,
    storable,
    string,
)
from app.api.routes import bp
from app.api.serialise import span_json
from app.errors import ServiceError
from app.extensions import db
from app.permissions import (
    require_annotator_view,
    require_assignment,
    require_changeable_span,
    require_document,
)

WRITABLE_FIELDS = {"start", "end", "text", "claimant", "claimant_id", "evidence_type", "note"}
# Read-only parts of a span as returned by the API: ignored on create, so undo can re-POST.
READ_ONLY_FIELDS = {"id", "version", "annotator"}


@bp.get("/documents/<int:document_id>/spans")
def list_spans(document_id: int):
    document = require_document(current_user, document_id)
    username = request.args.get("annotator") or None
    if username is not None and not storable(username):
        raise ServiceError("annotator contains a NUL character", "annotator")
    require_annotator_view(current_user, document, username)
    annotator = current_user
    if username is not None and username != current_user.username:
        annotator = service.find_project_annotator(document.project, username)
    spans = service.list_spans(current_user, document, annotator)
    return jsonify([span_json(span) for span in spans])


@bp.post("/documents/<int:document_id>/spans")
def create_span(document_id: int):
    document = require_document(current_user, document_id)
    assignment = require_assignment(current_user, document)
    data = read_json_object()
    refuse_unknown_fields(data, WRITABLE_FIELDS | READ_ONLY_FIELDS)
    span = service.create_span(
        assignment,
        start=integer(data, "start"),
        end=integer(data, "end"),
        text=string(data, "text"),
        evidence_type=string(data, "evidence_type"),
        claimant=claimant_choice(data),
        note=string(data, "note", required=False, default=""),
    )
    body = span_json(span)  # before commit, which would expire it and cost three reloads
    db.session.commit()
    return jsonify(body), 201


@bp.patch("/spans/<int:span_id>")
def update_span(span_id: int):
    span, assignment = require_changeable_span(current_user, span_id)
    data = read_json_object()
    refuse_unknown_fields(data, WRITABLE_FIELDS | {"version"})
    span = service.update_span(
        span,
        assignment,
        version=integer(data, "version"),
        start=integer(data, "start", required=False),
        end=integer(data, "end", required=False),
        text=string(data, "text", required=False),
        evidence_type=string(data, "evidence_type", required=False),
        claimant=claimant_choice(data, required=False),
        note=string(data, "note", required=False),
    )
    body = span_json(span)
    db.session.commit()
    return jsonify(body)


@bp.delete("/spans/<int:span_id>")
def delete_span(span_id: int):
    span, assignment = require_changeable_span(current_user, span_id)
    service.delete_span(span, assignment)
    db.session.commit()
    return "", 204
