"""The claimant registry: autocomplete for everyone (blind: see
app.permissions.visible_claimants), management for reviewers and managers."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.api.json_input import integer, read_json_object, refuse_unknown_fields, string
from app.api.routes import bp
from app.api.serialise import claimant_match_json
from app.claimants import service
from app.claimants.merge import merge_claimants, undo_merge
from app.claimants.search import search_claimants
from app.errors import ServiceError
from app.extensions import db
from app.models import Claimant, ClaimantEvent
from app.permissions import Denied, require_project, require_registry_claimant

TEXT_FIELDS = ("source_type", "role", "description", "external_id")


@bp.get("/projects/<int:project_id>/claimants")
def list_claimants(project_id: int):
    project = require_project(current_user, project_id)
    matches = search_claimants(project, request.args.get("q", ""), current_user)
    return jsonify([claimant_match_json(match) for match in matches])


def registry_json(claimant: Claimant, spans: int | None = None,
                  gold_spans: int | None = None) -> dict:
    body = {"id": claimant.id, "name": claimant.name, "type": claimant.type,
            "source_type": claimant.source_type, "affiliation_id": claimant.affiliation_id,
            "role": claimant.role, "description": claimant.description,
            "external_id": claimant.external_id, "status": claimant.status,
            "aliases": sorted(alias.alias for alias in claimant.aliases)}
    if spans is not None:
        body.update(spans=spans, gold_spans=gold_spans)
    return body


@bp.get("/projects/<int:project_id>/registry")
def registry(project_id: int):
    project = require_project(current_user, project_id, "reviewer")
    status = request.args.get("status") or None
    if status not in (None, "confirmed", "proposed"):
        raise ServiceError("status must be confirmed or proposed", "status")
    rows = service.registry_rows(project, request.args.get("q", "")[:300], status)
    return jsonify([registry_json(r.claimant, r.spans, r.gold_spans) for r in rows])


def _fields(data: dict) -> dict:
    """The registry fields present in `data`; null clears source_type and affiliation_id."""
    fields = {}
    for name in (*TEXT_FIELDS, "type", "affiliation_id"):
        if name not in data:
            continue
        if data[name] is None and name in ("source_type", "affiliation_id"):
            fields[name] = None
        elif name == "affiliation_id":
            fields[name] = integer(data, name)
        else:
            fields[name] = string(data, name)
    return fields


@bp.post("/projects/<int:project_id>/registry")
def create(project_id: int):
    project = require_project(current_user, project_id, "reviewer")
    data = read_json_object()
    refuse_unknown_fields(data, {"name", "type", "aliases", "affiliation_id", *TEXT_FIELDS})
    aliases = data.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ServiceError("aliases must be a list of names", "aliases")
    fields = _fields(data)
    claimant = service.create_claimant(project, current_user, name=string(data, "name"),
                                       type=fields.pop("type", None), aliases=aliases,
                                       **fields)
    body = registry_json(claimant)
    db.session.commit()
    return jsonify(body), 201


@bp.patch("/claimants/<int:claimant_id>")
def update(claimant_id: int):
    claimant = require_registry_claimant(current_user, claimant_id)
    data = read_json_object()
    refuse_unknown_fields(data, {"name", "type", "affiliation_id", *TEXT_FIELDS})
    if "name" in data:
        service.rename_claimant(claimant, string(data, "name"), current_user)
    fields = _fields(data)
    if fields:
        service.edit_claimant(claimant, current_user, **fields)
    body = registry_json(claimant)
    db.session.commit()
    return jsonify(body)


@bp.post("/claimants/<int:claimant_id>/aliases")
def add_alias(claimant_id: int):
    claimant = require_registry_claimant(current_user, claimant_id)
    data = read_json_object()
    refuse_unknown_fields(data, {"alias"})
    service.add_alias(claimant, string(data, "alias"), current_user)
    body = registry_json(claimant)
    db.session.commit()
    return jsonify(body), 201


@bp.delete("/claimants/<int:claimant_id>/aliases")
def remove_alias(claimant_id: int):
    claimant = require_registry_claimant(current_user, claimant_id)
    service.remove_alias(claimant, request.args.get("alias", ""), current_user)
    db.session.commit()
    return "", 204


@bp.post("/claimants/<int:claimant_id>/confirm")
def confirm(claimant_id: int):
    claimant = require_registry_claimant(current_user, claimant_id)
    service.confirm_claimant(claimant, current_user)
    body = registry_json(claimant)
    db.session.commit()
    return jsonify(body)


@bp.post("/claimants/<int:claimant_id>/merge")
def merge(claimant_id: int):
    source = require_registry_claimant(current_user, claimant_id)
    data = read_json_object()
    refuse_unknown_fields(data, {"into"})
    target = service.claimant_in(source.project, integer(data, "into"))
    event = merge_claimants(source, target, current_user)
    db.session.commit()
    return jsonify({"event": event.id, "into": event.claimant_id, "summary": event.summary})


@bp.post("/claimant-events/<int:event_id>/undo")
def undo(event_id: int):
    event = db.session.get(ClaimantEvent, event_id)
    if event is None:
        raise Denied(404, "no such change")
    project = require_project(current_user, event.project_id, "reviewer")
    restored = undo_merge(event, current_user)
    body = registry_json(restored)
    db.session.commit()
    return jsonify({"restored": body, "project": project.id})
