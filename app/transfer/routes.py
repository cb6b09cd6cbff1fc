"""The download page and the file it streams. Thin: parse, ask permissions, call the service."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user

from app.errors import ServiceError
from app.models import Project
from app.permissions import (
    Denied,
    export_owner,
    project_role_required,
    role_in,
    sees_all_documents,
)
from app.projects.routes import project_links  # the project's tabs, as on its other pages
from app.transfer.export import ExportFile, export_project, options_from_args
from app.transfer.forms import DownloadForm

bp = Blueprint("transfer", __name__, url_prefix="/projects")


@bp.get("/<int:project_id>/downloads")
@project_role_required("annotator")
def downloads(project: Project):
    return _page(project, _form(project))


@bp.get("/<int:project_id>/downloads/file")
@project_role_required("annotator")
def download_file(project: Project):
    own_only = not sees_all_documents(current_user, project)
    args = request.args.to_dict()
    if own_only:
        args.setdefault("layer", "annotators")
    try:
        options = options_from_args(args)
        owner_id = export_owner(current_user, project, options.layer)
        exported = export_project(project, options, owner_id=owner_id)
    except Denied as denied:
        return _page(project, _form(project), denied.message, denied.status)
    except ServiceError as error:
        form = _form(project)
        field = getattr(form, error.field or "", None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [error.message]
        return _page(project, form, error.message, error.status)
    return streamed(exported)


def streamed(exported: ExportFile) -> Response:
    """The file as an attachment, written while it is produced (the response starts at once)."""
    response = Response(stream_with_context(exported.chunks), mimetype=exported.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _form(project: Project) -> DownloadForm:
    form = DownloadForm(request.args if request.args else None)
    if not sees_all_documents(current_user, project):
        form.limit_to_own_work()
    return form


def _page(project: Project, form: DownloadForm, error: str | None = None, status: int = 200):
    return render_template(
        "transfer/downloads.html", project=project, form=form, error=error,
        links=project_links(project), role=role_in(current_user, project),
        own_only=not sees_all_documents(current_user, project)), status
