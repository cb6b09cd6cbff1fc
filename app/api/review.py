"""Review and gold: the queue, a document's units, decisions, merge, status (docs/api.md)."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.api.json_input import (
    claimant_choice,
    integer,
    read_json_object,
    refuse_unknown_fields,
    string,
)
from app.api.routes import bp
from app.errors import ServiceError
from app.extensions import db
from app.models import REVIEW_STATUSES
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


@bp.get("/projects/<int:project_id>/review")
def review_queue(project_id: int):
    project = require_project(current_user, project_id, "reviewer")
    kind = request.args.get("kind") or None
    if kind is not None and kind not in service.KINDS:
        raise ServiceError(f"unknown kind {kind!r}; use one of {', '.join(service.KINDS)}",
                           "kind")
    status = request.args.get("status") or None
    if status is not None and status not in REVIEW_STATUSES:
        raise ServiceError(f"unknown status {status!r}; use one of "
                           f"{', '.join(REVIEW_STATUSES)}", "status")
    filters = service.QueueFilters(
        annotator=request.args.get("annotator") or None,
        evidence_type=request.args.get("evidence_type") or None,
        kind=kind,
        status=status,
        claimant_id=_optional_id(request.args.get("claimant")),
    )
    anonymous = project.anonymous_review
    return jsonify([queue_row_json(row, anonymous)
                    for row in service.review_queue(project, filters)])


@bp.get("/documents/<int:document_id>/review")
def document_review(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    return jsonify(review_json(review_document(document), service.review_status(document)))


@bp.get("/documents/<int:document_id>/gold")
def list_gold(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    include_rejected = request.args.get("rejected", "").lower() in ("1", "true", "yes")
    golds = service.gold_spans(document, include_rejected=include_rejected)
    return jsonify([gold_json(gold) for gold in golds])


@bp.post("/documents/<int:document_id>/gold")
def create_gold(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    data = read_json_object()
    refuse_unknown_fields(data, GOLD_FIELDS | READ_ONLY_GOLD_FIELDS)
    rejected = _boolean(data, "rejected")
    decision = gold_service.GoldInput(
        start=_optional(integer(data, "start", required=False)),
        end=_optional(integer(data, "end", required=False)),
        text=_optional(string(data, "text", required=False)),
        claimant=_optional(claimant_choice(data, required=False)),
        evidence_type=_optional(string(data, "evidence_type", required=False)),
        note=string(data, "note", required=False, default=""),
        reason=_reason(data),
        rejected=rejected,
        source_span_ids=_id_list(data, "source_span_ids"),
    )
    if rejected and not decision.source_span_ids:
        raise ServiceError("a rejection needs the unit's source_span_ids", "source_span_ids")
    gold = gold_service.create_gold(document, current_user, decision)
    body = gold_json(gold)
    db.session.commit()
    return jsonify(body), 201


@bp.patch("/gold/<int:gold_id>")
def update_gold(gold_id: int):
    gold = require_gold(current_user, gold_id)
    data = read_json_object()
    refuse_unknown_fields(data, GOLD_FIELDS - {"source_span_ids"} | {"version"})
    changes = {}
    for name in ("start", "end"):
        if name in data:
            changes[name] = integer(data, name)
    for name in ("text", "evidence_type", "note"):
        if name in data:
            changes[name] = string(data, name)
    if "reason" in data:
        changes["reason"] = _reason(data)
    if "rejected" in data:
        changes["rejected"] = _boolean(data, "rejected")
    choice = claimant_choice(data, required=False)
    if not _unset(choice):
        changes["claimant"] = choice
    gold = gold_service.update_gold(gold, current_user, version=integer(data, "version"),
                                    changes=changes)
    body = gold_json(gold)
    db.session.commit()
    return jsonify(body)


@bp.delete("/gold/<int:gold_id>")
def delete_gold(gold_id: int):
    gold = require_gold(current_user, gold_id)
    data = read_json_object(allow_empty=True)
    refuse_unknown_fields(data, {"version"})
    version = integer(data, "version") if data else _version_argument()
    gold_service.delete_gold(gold, current_user, version=version)
    db.session.commit()
    return "", 204


@bp.get("/documents/<int:document_id>/gold/history")
def gold_history(document_id: int):
    """Every change to the document's gold layer, newest first: who, when, before, after."""
    document = require_document(current_user, document_id, "reviewer")
    return jsonify([event_json(event) for event in gold_service.history(document)])


@bp.post("/documents/<int:document_id>/gold/undo")
def undo_gold(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    events = gold_service.undo_last(document, current_user)
    body = {"undone": len(events), "gold_span_ids": sorted({e.gold_span_id for e in events})}
    db.session.commit()
    return jsonify(body)


@bp.post("/documents/<int:document_id>/gold/merge")
def merge_document(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    strategy, threshold, dry_run = _merge_arguments()
    proposals = service.merge_document(document, current_user, strategy, threshold,
                                       dry_run=dry_run)
    db.session.commit()
    return jsonify({"dry_run": dry_run, "units": [proposal_json(p) for p in proposals]})


@bp.post("/projects/<int:project_id>/gold/merge")
def merge_project(project_id: int):
    project = require_project(current_user, project_id, "reviewer")
    strategy, threshold, dry_run = _merge_arguments()
    proposals = service.merge_project(project, current_user, strategy, threshold,
                                      dry_run=dry_run)
    db.session.commit()
    return jsonify({"dry_run": dry_run, "units": [proposal_json(p) for p in proposals]})


@bp.post("/documents/<int:document_id>/review/status")
def set_review_status(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    data = read_json_object()
    refuse_unknown_fields(data, {"status"})
    status = string(data, "status")
    if status == "adjudicated":
        service.mark_adjudicated(document, current_user)
    elif status == "in_review":
        require_project(current_user, document.project_id, "manager")
        service.reopen_review(document, current_user)
    else:
        raise ServiceError("status must be adjudicated (mark done) or in_review (reopen)",
                           "status")
    db.session.commit()
    return jsonify({"status": service.review_status(document)})


@bp.post("/documents/<int:document_id>/return")
def return_document(document_id: int):
    document = require_document(current_user, document_id, "reviewer")
    data = read_json_object()
    refuse_unknown_fields(data, {"annotator", "note"})
    who = string(data, "annotator")
    assignment = service.return_to_annotator(document, who, string(data, "note"))
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


def _boolean(data: dict, name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise ServiceError(f"{name} must be true or false", name)
    return value


def _reason(data: dict) -> str | None:
    value = data.get("reason")
    if value is None:
        return None
    if not isinstance(value, str):
        raise ServiceError("reason must be a string", "reason")
    return value


def _id_list(data: dict, name: str) -> tuple[int, ...]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(
            isinstance(item, int) and not isinstance(item, bool) and 0 < item < 2**31
            for item in value):
        raise ServiceError(f"{name} must be a list of span ids", name)
    return tuple(dict.fromkeys(value))


def _optional_id(value: str | None) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) >= 2**31:
        raise ServiceError("claimant must be a claimant id", "claimant")
    return int(value)


def _version_argument() -> int:
    value = request.args.get("version", "")
    if not (value.isascii() and value.isdigit()) or int(value) >= 2**31:
        raise ServiceError("version is required (the version you read)", "version")
    return int(value)


def _merge_arguments() -> tuple[str, float, bool]:
    data = read_json_object()
    refuse_unknown_fields(data, {"strategy", "threshold", "dry_run"})
    strategy, threshold = service.check_strategy(data.get("strategy"), data.get("threshold"))
    dry_run = _boolean(data, "dry_run") if "dry_run" in data else True
    return strategy, threshold, dry_run
