"""The claimant registry's autocomplete."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.annotate.service import search_claimants
from app.api.routes import bp
from app.api.serialise import claimant_match_json
from app.permissions import require_project


@bp.get("/projects/<int:project_id>/claimants")
def list_claimants(project_id: int):
    project = require_project(current_user, project_id)
    matches = search_claimants(project, request.args.get("q", ""))
    return jsonify([claimant_match_json(match) for match in matches])
