"""Projects: the ones I belong to, and one project's scheme and guidelines."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from app.api.operations import operation
from app.api.responses import Project, ProjectSummary
from app.api.routes import bp
from app.api.serialise import project_json, project_summary_json
from app.extensions import db
from app.permissions import require_project, role_in, visible_projects


@bp.get("/projects")
@operation("The projects you belong to, with your role", responses={200: [ProjectSummary]},
           tags=("projects",), links={200: {
               "ListDocuments": ("api.list_documents", {"project_id": "$response.body#/0/id"}),
               "Registry": ("api.create", {"project_id": "$response.body#/0/id"})}})
def list_projects():
    projects = db.session.scalars(visible_projects(current_user)).all()
    return jsonify([project_summary_json(p, role_in(current_user, p)) for p in projects])


@bp.get("/projects/<int:project_id>")
@operation("A project: scheme, word snapping, guidelines", responses={200: Project},
           tags=("projects",))
def get_project(project_id: int):
    project = require_project(current_user, project_id)
    return jsonify(project_json(project, role_in(current_user, project)))
