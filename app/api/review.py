"""Review and gold: the queue, a document's units, decisions, merge, status (docs/api.md)."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from app.api.json_input import (
    claimant_choice,
    read_body,
    read_json_object,
    read_query,
    validated,
)
from app.api.operations import NO_CONTENT, operation
from app.api.responses import (
    DocumentReview,
    Gold,
    GoldEvent,
    GoldUndone,
    MergeResult,
    QueueRow,
    Returned,
    ReviewState,
)
from app.api.routes import bp
from app.api.schemas import (
    GoldCreate,
    GoldDelete,
    GoldDeleteQuery,
    GoldListQuery,
    GoldMerge,
    GoldUpdate,
    ReturnWork,
    ReviewQueueQuery,
    ReviewStatus,
)
from app.errors import ServiceError
from app.extensions import db
from app.permissions import require_document, require_gold, require_project
from app.review import gold as gold_service
from app.review import service
from app.review.serialise import (
    event_json,
    gold_json,
    proposal_json,
    queue_row_json,
    review_json,
)
from app.review.units import review_document

GOLD_FIELDS = {"start", "end", "text", "claimant", "claimant_id", "evidence_type", "note",
               "reason", "rejected", "source_span_ids"}
READ_ONLY_GOLD_FIELDS = {"id", "document_id", "provenance", "reviewer", "updated_at", "version"}
# A decision just written can be changed or deleted next, with the version read (OpenAPI
# links; the stateful fuzzing in tests/web/api/test_openapi_fuzz.py follows them).
THIS_GOLD = {"UpdateGold": ("api.update_gold", {"gold_id": "$response.body#/id"}),
             "DeleteGold": ("api.delete_gold", {"gold_id": "$response.body#/id",
                                                "query.version": "$response.body#/version"}),
             "GoldHistory": ("api.gold_history", {"document_id": "$response.body#/document_id"}),
             "UndoGold": ("api.undo_gold", {"document_id": "$response.body#/document_id"})}


@bp.get("/projects/<int:project_id>/review")
@operation("The review queue, worst agreement first", query=ReviewQueueQuery,
           responses={200: [QueueRow]}, tags=("review",))
def review_queue(project_id: int):
    project = require_project(current_user, project_id, "reviewer")
    query = read_query()
    filters = service.QueueFilters(
        annotator=query.annotator,
        evidence_type=query.evidence_type,
        kind=query.kind,
        status=query.status,
        claimant_id=query.claimant,
    )
    anonymous = project.anonymous_review
    return jsonify([queue_row_json(row, anonymous)
                    for row in service.review_queue(project, filters)])


@bp.get("/documents/<int:document_id>/review")
@operation("A document's units, side by side", responses={200: DocumentReview},
           tags=("review",))
def document_review(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    return jsonify(review_json(review_document(document), service.review_status(document)))


@bp.get("/documents/<int:document_id>/gold")
@operation("The gold layer in text order", query=GoldListQuery, responses={200: [Gold]},
           tags=("gold",))
def list_gold(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    include_rejected = bool(read_query().rejected)  # the Switch of app.api.schemas
    golds = service.gold_spans(document, include_rejected=include_rejected)
    return jsonify([gold_json(gold) for gold in golds])


@bp.post("/documents/<int:document_id>/gold")
@operation("Decide a unit: a gold span, or \"not a claim\"", body=GoldCreate,
           responses={201: Gold}, tags=("gold",), links={201: THIS_GOLD})
def create_gold(document_id: int):
    """409 if a source span was decided meanwhile, or the document is adjudicated."""
    document = require_document(current_user, document_id, "reviewer")
    body = read_body()
    decision = gold_service.GoldInput(
        start=body.start,
        end=body.end,
        text=body.text,
        claimant=_optional(claimant_choice(body, required=False)),
        evidence_type=body.evidence_type,
        note=body.note,
        reason=body.reason,
        rejected=body.rejected,
        source_span_ids=tuple(dict.fromkeys(body.source_span_ids)),
    )
    if body.rejected and not decision.source_span_ids:
        raise ServiceError("a rejection needs the unit's source_span_ids", "source_span_ids")
    gold = gold_service.create_gold(document, current_user, decision)
    body = gold_json(gold)
    db.session.commit()
    return jsonify(body), 201


@bp.patch("/gold/<int:gold_id>")
@operation("Change a decision", body=GoldUpdate, responses={200: Gold}, tags=("gold",),
           links={200: THIS_GOLD})
def update_gold(gold_id: int):
    """409 with `current` and who changed it when `version` is stale."""
    gold = require_gold(current_user, gold_id)
    body = read_body()
    changes = {name: getattr(body, name) for name in (
        "start", "end", "text", "evidence_type", "note", "reason", "rejected")
        if name in body.model_fields_set}
    choice = claimant_choice(body, required=False)
    if not _unset(choice):
        changes["claimant"] = choice
    gold = gold_service.update_gold(gold, current_user, version=body.version,
                                    changes=changes)
    body = gold_json(gold)
    db.session.commit()
    return jsonify(body)


@bp.delete("/gold/<int:gold_id>")
@operation("Delete a decision", body=GoldDelete, body_optional=True, query=GoldDeleteQuery,
           responses={204: NO_CONTENT}, tags=("gold",))
def delete_gold(gold_id: int):
    """The version read, as `?version=N` or a body `{"version": N}`."""
    gold = require_gold(current_user, gold_id)
    data = read_json_object(allow_empty=True)
    if data:
        version = validated(GoldDelete, data).version
    else:
        version = _version_argument(read_query().version)
    gold_service.delete_gold(gold, current_user, version=version)
    db.session.commit()
    return "", 204


@bp.get("/documents/<int:document_id>/gold/history")
@operation("Every change to the document's gold layer, newest first",
           responses={200: [GoldEvent]}, tags=("gold",))
def gold_history(document_id: int):
    """Every change to the document's gold layer, newest first: who, when, before, after."""
    document = require_document(current_user, document_id, "reviewer")
    return jsonify([event_json(event) for event in gold_service.history(document)])


@bp.post("/documents/<int:document_id>/gold/undo")
@operation("Undo your newest batch of gold changes", responses={200: GoldUndone},
           tags=("gold",))
def undo_gold(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    events = gold_service.undo_last(document, current_user)
    body = {"undone": len(events), "gold_span_ids": sorted({e.gold_span_id for e in events})}
    db.session.commit()
    return jsonify(body)


@bp.post("/documents/<int:document_id>/gold/merge")
@operation("Merge a document's undecided units by a strategy", body=GoldMerge,
           responses={200: MergeResult}, tags=("gold",))
def merge_document(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    strategy, threshold, dry_run = _merge_arguments()
    proposals = service.merge_document(document, current_user, strategy, threshold,
                                       dry_run=dry_run)
    db.session.commit()
    return jsonify({"dry_run": dry_run, "units": [proposal_json(p) for p in proposals]})


@bp.post("/projects/<int:project_id>/gold/merge")
@operation("Merge every reviewable document's undecided units", body=GoldMerge,
           responses={200: MergeResult}, tags=("gold",))
def merge_project(project_id: int):
    project = require_project(current_user, project_id, "reviewer")
    strategy, threshold, dry_run = _merge_arguments()
    proposals = service.merge_project(project, current_user, strategy, threshold,
                                      dry_run=dry_run)
    db.session.commit()
    return jsonify({"dry_run": dry_run, "units": [proposal_json(p) for p in proposals]})


@bp.post("/documents/<int:document_id>/review/status")
@operation("Mark a document adjudicated, or reopen its review (managers)", body=ReviewStatus,
           responses={200: ReviewState}, tags=("review",))
def set_review_status(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    if read_body().status == "adjudicated":
        service.mark_adjudicated(document, current_user)
    else:
        require_project(current_user, document.project_id, "manager")
        service.reopen_review(document, current_user)
    db.session.commit()
    return jsonify({"status": service.review_status(document)})


@bp.post("/documents/<int:document_id>/return")
@operation("Send an annotator's submitted work back with a note", body=ReturnWork,
           responses={200: Returned}, tags=("review",))
def return_document(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    body = read_body()
    who = body.annotator
    assignment = service.return_to_annotator(document, who, body.note)
    name = who if document.project.anonymous_review else assignment.annotator.username
    body = {"annotator": name, "status": assignment.status, "note": assignment.return_note}
    db.session.commit()
    return jsonify(body)


# --- input helpers -------------------------------------------------------------------------


def _unset(value) -> bool:
    from app.annotate.service import UNSET

    return value is UNSET


def _optional(value):
    return None if _unset(value) else value


def _version_argument(value: int | None) -> int:
    if value is None:
        raise ServiceError("version is required (the version you read)", "version")
    return value


def _merge_arguments() -> tuple[str, float, bool]:
    body = read_body()
    strategy, threshold = service.check_strategy(body.strategy, body.threshold)
    return strategy, threshold, body.dry_run
