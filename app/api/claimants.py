"""The claimant registry: autocomplete for everyone (blind: see
app.permissions.visible_claimants), management for reviewers and managers."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from app.api.json_input import read_body, read_query
from app.api.operations import NO_CONTENT, operation
from app.api.responses import (
    ClaimantMatch,
    ClaimantMerged,
    ClaimantRestored,
    RegistryClaimant,
)
from app.api.routes import bp
from app.api.schemas import (
    AliasCreate,
    AliasQuery,
    ClaimantMerge,
    ClaimantSearchQuery,
    RegistryCreate,
    RegistryQuery,
    RegistryUpdate,
)
from app.api.serialise import claimant_match_json
from app.claimants import service
from app.claimants.merge import merge_claimants, undo_merge
from app.claimants.search import search_claimants
from app.extensions import db
from app.models import Claimant, ClaimantEvent
from app.permissions import Denied, require_project, require_registry_claimant

# A claimant just written can be edited, renamed, given or lose an alias, or merged next
# (OpenAPI links; the stateful fuzzing in tests/web/api/test_openapi_fuzz.py follows them).
THIS_CLAIMANT = {
    "UpdateClaimant": ("api.update", {"claimant_id": "$response.body#/id"}),
    "AddAlias": ("api.add_alias", {"claimant_id": "$response.body#/id"}),
    "RemoveAlias": ("api.remove_alias", {"claimant_id": "$response.body#/id",
                                         "query.alias": "$response.body#/aliases/0"}),
    "MergeClaimant": ("api.merge", {"claimant_id": "$response.body#/id"})}
REGISTRY_FIELDS = ("type", "source_type", "affiliation_id", "role", "description",
                   "external_id")


@bp.get("/projects/<int:project_id>/claimants")
@operation("Claimant autocomplete (blind: confirmed claimants and your own proposals)",
           query=ClaimantSearchQuery, responses={200: [ClaimantMatch]}, tags=("claimants",))
def list_claimants(project_id: int):
    """Up to 20, exact matches first, then prefixes, then word prefixes."""
    project = require_project(current_user, project_id)
    matches = search_claimants(project, read_query().q, current_user)
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
@operation("The registry with span counts (reviewers and managers)", query=RegistryQuery,
           responses={200: [RegistryClaimant]}, tags=("claimants",))
def registry(project_id: int):
    project = require_project(current_user, project_id, "reviewer")
    query = read_query()
    rows = service.registry_rows(project, query.q[:300], query.status)
    return jsonify([registry_json(r.claimant, r.spans, r.gold_spans) for r in rows])


def _fields(body) -> dict:
    """The registry fields the request gave; null clears source_type and affiliation_id."""
    return {name: getattr(body, name) for name in REGISTRY_FIELDS
            if name in body.model_fields_set}


@bp.post("/projects/<int:project_id>/registry")
@operation("Create a confirmed claimant", body=RegistryCreate, responses={201: RegistryClaimant},
           tags=("claimants",), links={201: THIS_CLAIMANT})
def create(project_id: int):
    project = require_project(current_user, project_id, "reviewer")
    body = read_body()
    fields = _fields(body)
    claimant = service.create_claimant(project, current_user, name=body.name,
                                       type=fields.pop("type", None), aliases=body.aliases,
                                       **fields)
    body = registry_json(claimant)
    db.session.commit()
    return jsonify(body), 201


@bp.patch("/claimants/<int:claimant_id>")
@operation("Edit or rename a claimant", body=RegistryUpdate, responses={200: RegistryClaimant},
           tags=("claimants",), links={200: THIS_CLAIMANT})
def update(claimant_id: int):
    """A new name keeps the old one as an alias; 409 if a confirmed claimant has it."""
    claimant = require_registry_claimant(current_user, claimant_id)
    body = read_body()
    if "name" in body.model_fields_set:
        service.rename_claimant(claimant, body.name, current_user)
    fields = _fields(body)
    if fields:
        service.edit_claimant(claimant, current_user, **fields)
    body = registry_json(claimant)
    db.session.commit()
    return jsonify(body)


@bp.post("/claimants/<int:claimant_id>/aliases")
@operation("Add an alias", body=AliasCreate, responses={201: RegistryClaimant},
           tags=("claimants",), links={201: THIS_CLAIMANT})
def add_alias(claimant_id: int):
    claimant = require_registry_claimant(current_user, claimant_id)
    service.add_alias(claimant, read_body().alias, current_user)
    body = registry_json(claimant)
    db.session.commit()
    return jsonify(body), 201


@bp.delete("/claimants/<int:claimant_id>/aliases")
@operation("Remove an alias", query=AliasQuery, responses={204: NO_CONTENT},
           tags=("claimants",))
def remove_alias(claimant_id: int):
    claimant = require_registry_claimant(current_user, claimant_id)
    service.remove_alias(claimant, read_query().alias, current_user)
    db.session.commit()
    return "", 204


@bp.post("/claimants/<int:claimant_id>/confirm")
@operation("Confirm a proposal: every annotator sees it", responses={200: RegistryClaimant},
           tags=("claimants",))
def confirm(claimant_id: int):
    claimant = require_registry_claimant(current_user, claimant_id)
    service.confirm_claimant(claimant, current_user)
    body = registry_json(claimant)
    db.session.commit()
    return jsonify(body)


@bp.post("/claimants/<int:claimant_id>/merge")
@operation("Merge a claimant into another", body=ClaimantMerge,
           responses={200: ClaimantMerged}, tags=("claimants",), links={200: {
               "UndoMerge": ("api.undo", {"event_id": "$response.body#/event"})}})
def merge(claimant_id: int):
    """Spans and gold spans move to `into`; undo with the event id."""
    source = require_registry_claimant(current_user, claimant_id)
    target = service.claimant_in(source.project, read_body().into)
    event = merge_claimants(source, target, current_user)
    db.session.commit()
    return jsonify({"event": event.id, "into": event.claimant_id, "summary": event.summary})


@bp.post("/claimant-events/<int:event_id>/undo")
@operation("Undo a merge exactly", responses={200: ClaimantRestored}, tags=("claimants",),
           links={200: {"UpdateClaimant": ("api.update",
                                           {"claimant_id": "$response.body#/restored/id"})}})
def undo(event_id: int):
    event = db.session.get(ClaimantEvent, event_id)
    if event is None:
        raise Denied(404, "no such change")
    project = require_project(current_user, event.project_id, "reviewer")
    restored = undo_merge(event, current_user)
    body = registry_json(restored)
    db.session.commit()
    return jsonify({"restored": body, "project": project.id})
