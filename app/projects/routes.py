"""Project pages: create and edit a project, its members, uploads, documents and progress.

Views are thin: they read a form, call one operation of app.projects.service (or the importer),
commit once, and render. Permissions come from app.permissions' decorators.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from app.accounts.forms import InviteForm
from app.annotate.service import reopen_assignment
from app.errors import error_response, format_size
from app.extensions import db
from app.formats import SUPPORTED_EXTENSIONS, FormatError, ImportRefused
from app.models import ROLES_IN_WORDS, Project, User
from app.permissions import (
    ROLE_RANK,
    Denied,
    has_role,
    may_send_set_password_link,
    project_creator_required,
    project_member,
    project_role_required,
    require_project,
    role_in,
)
from app.projects.forms import (
    AssignForm,
    ConfirmForm,
    MemberForm,
    ProjectForm,
    RoleForm,
    UploadForm,
)
from app.projects.importer import ImportSummary
from app.projects.service import (
    ServiceError,
    assign_documents,
    assignment_in_project,
    change_member_role,
    create_project,
    documents_with_assignments,
    import_files,
    progress_by_annotator,
    progress_by_document,
    project_annotators,
    project_members,
    project_overview_for,
    project_scheme,
    remove_member_keeping_a_manager,
    scheme_keys_in_use,
    set_member,
    update_project,
    user_named,
)
from app.scheme import Scheme, SchemeError, default_scheme
from app.strict_json import JsonRefused, parse_json

bp = Blueprint("projects", __name__, url_prefix="/projects")

# Links of the project's sub-navigation: endpoint, label, the role it needs. Endpoints of other
# features appear only when that feature is installed.
PROJECT_LINKS = (
    ("projects.show_project", "Overview", "annotator"),
    ("annotate.my_work", "My documents", "annotator"),
    ("projects.documents", "Documents", "reviewer"),
    ("agreement_views.dashboard", "Agreement", "reviewer"),
    ("review.queue", "Review", "reviewer"),
    ("review.scores", "Against gold", "annotator"),
    ("claimants.registry", "Claimants", "reviewer"),
    ("sources.matrix", "Sources", "reviewer"),
    ("projects.progress", "Progress", "manager"),
    ("transfer.downloads", "Downloads", "annotator"),
    ("transfer.import_page", "Import annotations", "manager"),
    ("projects.members", "Members", "manager"),
    ("projects.upload", "Upload articles", "manager"),
    ("projects.edit_project", "Settings", "manager"),
    ("audit.project_log", "Audit log", "manager"),
)


def project_links(project: Project) -> list[tuple[str, str, str]]:
    """(endpoint, label, url) for every project page the current user's role reaches."""
    links = []
    rank = ROLE_RANK.get(role_in(current_user, project), 0)  # one query, not one per link
    for endpoint, label, minimum in PROJECT_LINKS:
        if endpoint not in current_app.view_functions:
            continue
        if rank < ROLE_RANK[minimum]:
            continue
        if endpoint == "review.scores" and not (
                project.annotators_see_scores or rank >= ROLE_RANK["reviewer"]):
            continue  # an annotator's own scores, only where the project shares them
        try:
            links.append((endpoint, label, url_for(endpoint, project_id=project.id)))
        except BuildError:  # another feature's page that takes other arguments
            continue
    return links


def render_project_page(template: str, project: Project, status: int = 200, **context):
    return render_template(template, project=project, links=project_links(project),
                           role=role_in(current_user, project), **context), status


# --- create, show and edit -------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@project_creator_required
def new_project():
    form = ProjectForm()
    if request.method == "GET":
        form.scheme.data = scheme_as_json(default_scheme())
    if form.validate_on_submit():
        scheme = scheme_from_form(form)
        if scheme is not None:
            try:
                project = create_project(
                    form.name.data, description=form.description.data or "",
                    guidelines=form.guidelines.data or "", scheme=scheme,
                    annotators_per_document=form.annotators_per_document.data,
                    creator=current_user)
                project.snap_to_words = form.snap_to_words.data
                project.anonymous_review = form.anonymous_review.data
                project.annotators_see_scores = form.annotators_see_scores.data
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                attach_error(form, error)
            else:
                flash(f"Project {project.name!r} created; you are its manager.", "success")
                return redirect(url_for("projects.show_project", project_id=project.id))
    status = 422 if request.method == "POST" else 200
    return render_template("projects/new.html", form=form, project=None,
                           locked={"evidence": [], "claimant_types": []}), status


@bp.route("/<int:project_id>")
@project_role_required("annotator")
def show_project(project: Project):
    from app.review.service import guideline_gaps  # managers read review findings here

    return render_project_page(
        "projects/show.html", project, overview=project_overview_for(current_user, project),
        scheme=project_scheme(project),
        guideline_gaps=guideline_gaps(project) if has_role(current_user, project, "manager")
        else [])


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@project_role_required("manager")
def edit_project(project: Project):
    # A POST is only what was sent: filling missing fields from the project would hand the
    # stored scheme (a dict, not JSON text) to the scheme field.
    form = ProjectForm(obj=project if request.method == "GET" else None)
    if request.method == "GET":
        form.scheme.data = scheme_as_json(project_scheme(project))
    if form.validate_on_submit():
        scheme = scheme_from_form(form)
        if scheme is not None:
            try:
                update_project(
                    project, name=form.name.data, description=form.description.data or "",
                    guidelines=form.guidelines.data or "",
                    annotators_per_document=form.annotators_per_document.data,
                    snap_to_words=form.snap_to_words.data, scheme=scheme,
                    anonymous_review=form.anonymous_review.data,
                    annotators_see_scores=form.annotators_see_scores.data, user=current_user)
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                attach_error(form, error)
            else:
                flash("Project settings saved.", "success")
                return redirect(url_for("projects.show_project", project_id=project.id))
    status = 422 if request.method == "POST" else 200
    evidence_used, claimant_types_used = scheme_keys_in_use(project)
    locked = {"evidence": sorted(evidence_used), "claimant_types": sorted(claimant_types_used)}
    return render_project_page("projects/edit.html", project, status, form=form, locked=locked)


def scheme_as_json(scheme: Scheme) -> str:
    return json.dumps(scheme.to_dict(), indent=2, ensure_ascii=False)


def scheme_from_form(form: ProjectForm) -> Scheme | None:
    """The scheme typed into the form, or None with the problem added to the field's errors."""
    try:
        return Scheme.from_dict(parse_json(form.scheme.data))
    except JsonRefused as error:
        form.scheme.errors.append(error.message)
    except SchemeError as error:
        where = f'field "{error.field}"' if error.field else "the scheme"
        form.scheme.errors.append(f"{where}: {error.message}")
        form.scheme.error_path = error.field  # projects.js marks that cell of the table
    return None


def as_sentence(message: str) -> str:
    """Service messages are phrased for logs and JSON ('cannot …'); pages show sentences."""
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."


def attach_error(form, error: ServiceError) -> None:
    """Show a refused operation next to the input at fault, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors.append(error.message)
    else:
        flash(as_sentence(error.message), "error")


# --- members ---------------------------------------------------------------------------------


@bp.route("/<int:project_id>/members", methods=["GET", "POST"])
@project_role_required("manager")
def members(project: Project):
    form = MemberForm()
    if form.validate_on_submit():
        user = user_named(form.username.data)
        if user is None:
            form.username.errors.append(f"no user named {form.username.data.strip()!r}")
        elif project_member(user, project) is not None:
            form.username.errors.append(
                f"{user.username} is already a member; change their role in the list")
        else:
            set_member(project, user, form.role.data)
            db.session.commit()
            flash(f"{user.username} added as {form.role.data}.", "success")
            return redirect(url_for("projects.members", project_id=project.id))
    status = 422 if request.method == "POST" else 200
    return render_members(project, form, status)


@bp.route("/<int:project_id>/members/<int:user_id>/role", methods=["POST"])
@project_role_required("manager")
def change_role(project: Project, user_id: int):
    member = member_or_404(project, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(f"Choose {ROLES_IN_WORDS}.", "error")
        return render_members(project, MemberForm(formdata=None), 422)
    try:
        change_member_role(project, member, form.role.data)
    except ServiceError as error:
        db.session.rollback()
        flash(as_sentence(error.message), "error")
        return render_members(project, MemberForm(formdata=None), error.status)
    db.session.commit()
    flash(f"{member.username} is now {form.role.data}.", "success")
    return redirect(after_member_change(project))


@bp.route("/<int:project_id>/members/<int:user_id>/remove", methods=["POST"])
@project_role_required("manager")
def remove_member(project: Project, user_id: int):
    member = member_or_404(project, user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("projects.members", project_id=project.id))
    try:
        remove_member_keeping_a_manager(project, member)
    except ServiceError as error:
        db.session.rollback()
        flash(as_sentence(error.message), "error")
        return render_members(project, MemberForm(formdata=None), error.status)
    db.session.commit()
    flash(f"{member.username} removed from the project.", "success")
    return redirect(after_member_change(project))


def after_member_change(project: Project) -> str:
    """Back to Members, unless the manager just changed their own access away from it."""
    if has_role(current_user, project, "manager"):
        return url_for("projects.members", project_id=project.id)
    if has_role(current_user, project, "annotator"):
        return url_for("projects.show_project", project_id=project.id)
    return url_for("main.home")


def member_or_404(project: Project, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or project_member(user, project) is None:
        abort(404, "no such member in this project")
    return user


def render_members(project: Project, form: MemberForm, status: int = 200):
    return render_project_page("projects/members.html", project, status, form=form,
                               members=project_members(project), confirm=ConfirmForm(),
                               invite_form=InviteForm(formdata=None),
                               may_send_link=lambda user: may_send_set_password_link(
                                   current_user, user, project))


# --- upload ----------------------------------------------------------------------------------


@bp.route("/<int:project_id>/upload", methods=["GET", "POST"])
@project_role_required("manager")
def upload(project: Project):
    form = UploadForm()
    refused = None
    if form.validate_on_submit():
        files = [f for f in request.files.getlist(form.files.name) if f and f.filename]
        if not files:
            refused = ImportRefused([FormatError(None, "files", "choose a file to upload")])
        else:
            refused = import_uploads(project, [(f.filename, f.read()) for f in files], form)
            if refused is None:
                return redirect(url_for("projects.documents", project_id=project.id))
    return render_upload_page(project, form, refused, 422 if request.method == "POST" else 200)


def render_upload_page(project: Project, form: UploadForm, refused: ImportRefused | None,
                       status: int):
    return render_project_page(
        "projects/upload.html", project, status, form=form,
        errors=refused.errors if refused else [], truncated=refused and refused.truncated,
        extensions=SUPPORTED_EXTENSIONS, limit=upload_limit(),
        limit_text=upload_limit_text())


@bp.errorhandler(413)
def upload_too_large(_error):
    """Show the upload page again, saying how large uploads may be (the global page otherwise)."""
    message = f"The upload is larger than the limit of {upload_limit_text()}."
    project_id = (request.view_args or {}).get("project_id")
    if request.endpoint == "projects.upload" and current_user.is_authenticated:
        try:
            project = require_project(current_user, project_id, "manager")
        except Denied as denied:
            return error_response(denied.status, denied.message)
        return render_upload_page(project, UploadForm(formdata=None),
                                  ImportRefused([FormatError(None, "files", message)]), 413)
    return error_response(413, message)


def upload_limit() -> int | None:
    return current_app.config.get("MAX_CONTENT_LENGTH")


def upload_limit_text() -> str:
    limit = upload_limit()
    return format_size(limit) if limit else "the server's limit"


def import_uploads(project: Project, uploads: list[tuple[str, bytes]],
                   form: UploadForm) -> ImportRefused | None:
    """Import and commit, or roll back and return the refusal listing every problem."""
    try:
        summary = import_files(project, uploads, assign=form.assign.data,
                               create_users=form.create_users.data)
        db.session.commit()
    except ImportRefused as error:
        refused = error
    except ServiceError as error:
        refused = ImportRefused([FormatError(None, error.field, error.message)])
    except IntegrityError:  # e.g. the same ids uploaded at the same moment by someone else
        refused = ImportRefused([FormatError(None, None, "the upload clashes with data saved "
                                             "meanwhile; try again")])
    else:
        flash(describe_import(summary), "success")
        return None
    db.session.rollback()
    return refused


def describe_import(summary: ImportSummary) -> str:
    parts = [f"Imported {summary.documents} document(s)"]
    if summary.spans:
        parts.append(f"{summary.spans} annotation(s)")
    if summary.gold_spans:
        parts.append(f"{summary.gold_spans} gold annotation(s)")
    if summary.claimants_created:
        parts.append(f"{len(summary.claimants_created)} new claimant(s)")
    if summary.users_created:
        parts.append(f"new users: {', '.join(summary.users_created)}")
    if summary.assignments_created:
        parts.append(f"{summary.assignments_created} assignment(s) created")
    return ", ".join(parts) + "."


# --- documents, assignments and progress -----------------------------------------------------


@bp.route("/<int:project_id>/documents")
@project_role_required("reviewer")
def documents(project: Project):
    page = request.args.get("page", 1, type=int)
    return render_project_page(
        "projects/documents.html", project, page=documents_with_assignments(project, page),
        assign_form=AssignForm(formdata=None), confirm=ConfirmForm(),
        annotators=project_annotators(project) if has_role(current_user, project, "manager")
        else [])


@bp.route("/<int:project_id>/assign", methods=["POST"])
@project_role_required("manager")
def assign(project: Project):
    form = AssignForm()
    if not form.validate_on_submit():
        flash("Annotators per document must be a whole number from 1 to 50.", "error")
        return redirect(url_for("projects.documents", project_id=project.id))
    try:
        created = assign_documents(project, form.per_document.data)
    except ServiceError as error:
        db.session.rollback()
        flash(as_sentence(error.message), "error")
    else:
        db.session.commit()
        per_document = form.per_document.data or project.annotators_per_document
        flash(f"{created} assignment(s) created ({per_document} annotator(s) per document).",
              "success")
    return redirect(url_for("projects.documents", project_id=project.id))


@bp.route("/<int:project_id>/assignments/<int:assignment_id>/reopen", methods=["POST"])
@project_role_required("manager")
def reopen(project: Project, assignment_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            assignment = assignment_in_project(project, assignment_id)
            reopen_assignment(assignment.document, assignment.annotator.username)
        except ServiceError as error:
            db.session.rollback()
            flash(as_sentence(error.message), "error")
        else:
            db.session.commit()
            flash(f"Reopened {assignment.document.title!r} for "
                  f"{assignment.annotator.username}.", "success")
    return redirect(url_for("projects.documents", project_id=project.id,
                            page=request.args.get("page", 1, type=int)))


@bp.route("/<int:project_id>/progress")
@project_role_required("manager")
def progress(project: Project):
    return render_project_page(
        "projects/progress.html", project, annotators=progress_by_annotator(project),
        documents=progress_by_document(project))
