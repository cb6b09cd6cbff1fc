"""The download page and the file it streams; the import page with its preview. Thin: parse,
ask permissions, call the service."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from app.errors import ServiceError
from app.extensions import db
from app.formats import SUPPORTED_EXTENSIONS, ImportRefused
from app.models import Project
from app.permissions import (
    Denied,
    export_owner,
    project_role_required,
    role_in,
    sees_all_documents,
)
from app.projects.importer import import_file
from app.projects.routes import project_links  # the project's tabs, as on its other pages
from app.transfer.export import ExportFile, export_project, options_from_args
from app.transfer.forms import ConfirmImportForm, DownloadForm, ImportForm
from app.transfer.preview import preview_import, stash_upload, take_stashed

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


# --- import with a preview ---------------------------------------------------------------


@bp.route("/<int:project_id>/import", methods=["GET", "POST"])
@project_role_required("manager")
def import_page(project: Project):
    """Upload a file; see what it would add (or every problem) before importing it."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(project, form, status=422 if request.method == "POST" else 200)
    upload = form.file.data
    filename, data = upload.filename or "upload", upload.read()
    preview = preview_import(project, filename, data, form.create_users.data)
    db.session.rollback()  # the preview reads only; leave nothing pending
    confirm = None
    if preview.importable:
        confirm = ConfirmImportForm(formdata=None, token=stash_upload(
            current_user, project, filename, data), create_users="1" if form.create_users.data
            else "", assign=str(form.assign.data or ""))
    return _import_page(project, form, preview=preview, confirm=confirm,
                        status=200 if preview.importable else 422)


@bp.post("/<int:project_id>/import/confirm")
@project_role_required("manager")
def confirm_import(project: Project):
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        return _import_page(project, ImportForm(formdata=None), status=422)
    try:
        filename, data = take_stashed(current_user, project, form.token.data)
        assign = int(form.assign.data) if (form.assign.data or "").isdigit() else None
        summary = import_file(project, filename, data, assign=assign,
                              create_users=form.create_users.data == "1")
    except ImportRefused as refused:  # the project changed since the preview
        db.session.rollback()
        return _import_page(project, ImportForm(formdata=None), refused=refused, status=422)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("transfer.import_page", project_id=project.id))
    db.session.commit()
    flash(f"Imported {summary.documents} documents, {summary.spans} spans and "
          f"{summary.gold_spans} gold spans from {filename}.", "success")
    return redirect(url_for("transfer.import_page", project_id=project.id))


def _import_page(project: Project, form: ImportForm, status: int = 200, **context):
    return render_template(
        "transfer/import.html", project=project, form=form, extensions=SUPPORTED_EXTENSIONS,
        links=project_links(project), role=role_in(current_user, project), **context), status
