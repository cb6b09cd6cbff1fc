"""Spans: list, create, update (with the version read), delete. Blind between annotators."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from app.annotate import saves, service
from app.api.json_input import claimant_choice, given, read_body, read_query
from app.api.operations import NO_CONTENT, operation
from app.api.responses import Span
from app.api.routes import bp
from app.api.schemas import SpanCreate, SpanListQuery, SpanUpdate
from app.api.serialise import span_json, span_row_json
from app.extensions import db
from app.permissions import (
    document_save_access,
    require_annotator_view,
    require_changeable_span,
    require_document,
    span_save_access,
)

# A span just written can be changed or deleted next (OpenAPI links).
THIS_SPAN = {"UpdateSpan": ("api.update_span", {"span_id": "$response.body#/id"}),
             "DeleteSpan": ("api.delete_span", {"span_id": "$response.body#/id"})}


@bp.get("/documents/<int:document_id>/spans")
@operation("A document's spans: yours, or a named annotator's", query=SpanListQuery,
           responses={200: [Span]}, tags=("spans",))
def list_spans(document_id: int):
    """In text order (start, then end). Only reviewers and managers may name another
    annotator."""
    document = require_document(current_user, document_id)
    username = read_query().annotator
    require_annotator_view(current_user, document, username)
    annotator = current_user
    if username is not None and username != current_user.username:
        annotator = service.find_project_annotator(document.project, username)
    spans = service.list_spans(current_user, document, annotator)
    return jsonify([span_json(span) for span in spans])


@bp.post("/documents/<int:document_id>/spans")
@operation("Create a span", body=SpanCreate, responses={201: Span}, tags=("spans",),
           links={201: THIS_SPAN})
def create_span(document_id: int):
    """Needs an assignment to the document; 409 once it is submitted."""
    access = document_save_access(current_user, document_id)
    body = read_body()
    span = saves.create_span(
        access,
        current_user,
        start=body.start,
        end=body.end,
        text=body.text,
        evidence_type=body.evidence_type,
        claimant=claimant_choice(body),
        note=body.note,
    )
    db.session.commit()
    return jsonify(span_row_json(span)), 201


@bp.patch("/spans/<int:span_id>")
@operation("Change your span", body=SpanUpdate, responses={200: Span}, tags=("spans",),
           links={200: THIS_SPAN})
def update_span(span_id: int):
    """409 with `current` when `version` is stale."""
    access = span_save_access(current_user, span_id)
    body = read_body()
    span = saves.update_span(
        access,
        current_user,
        version=body.version,
        start=given(body, "start"),
        end=given(body, "end"),
        text=given(body, "text"),
        evidence_type=given(body, "evidence_type"),
        claimant=claimant_choice(body, required=False),
        note=given(body, "note"),
    )
    db.session.commit()
    return jsonify(span_row_json(span))


@bp.delete("/spans/<int:span_id>")
@operation("Delete your span", responses={204: NO_CONTENT}, tags=("spans",))
def delete_span(span_id: int):
    span, assignment = require_changeable_span(current_user, span_id)
    service.delete_span(span, assignment)
    db.session.commit()
    return "", 204
