"""Export: GET /api/v1/projects/<pid>/export?format=&layer=&scope=&documents=&excel=

The same bytes as the download page and `flask export`, streamed. Annotators get only their
own work (layer=annotators); see app.permissions.export_owner.
"""

from __future__ import annotations

from flask_login import current_user

from app.api.json_input import read_query
from app.api.operations import FILE, operation
from app.api.routes import bp
from app.api.schemas import ExportQuery
from app.permissions import export_owner, require_project, sees_all_documents
from app.transfer.export import export_project
from app.transfer.routes import streamed


@bp.get("/projects/<int:project_id>/export")
@operation("The project's annotations as a file", query=ExportQuery, responses={200: FILE},
           tags=("export",))
def export(project_id: int):
    """Formats and options: docs/formats.md. Annotators get only their own work."""
    project = require_project(current_user, project_id)
    query: ExportQuery = read_query()
    if sees_all_documents(current_user, project):
        options = query.options()
    else:
        options = query.options(layer="annotators")
    owner_id = export_owner(current_user, project, options.layer)
    return streamed(export_project(project, options, owner_id=owner_id))
