"""The claimant registry's autocomplete (blind: see app.permissions.visible_claimants)."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.api.routes import bp
from app.api.serialise import claimant_match_json
from app.claimants.search import search_claimants
from app.permissions import require_project


@bp.get("/projects/<int:project_id>/claimants")
def list_claimants(project_id: int):
    project = require_project(current_user, project_id)
    matches = search_claimants(project, request.args.get("q", ""), current_user)
    return jsonify([claimant_match_json(match) for match in matches])
