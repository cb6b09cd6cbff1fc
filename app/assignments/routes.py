"""Assignment by hand (managers) and the read-only document preview (reviewers, managers).

Every change returns to the documents page (its page number kept); an unassignment that
would hide annotations asks for confirmation on a page of its own first.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from app.assignments.forms import AnnotatorForm, BulkAssignForm, UnassignForm
from app.assignments.service import (
    annotator_in_project,
    assign_annotator,
    assign_selected,
    document_in_project,
    reassign,
    spans_of,
    unassign,
)
from app.errors import ServiceError, error_response
from app.extensions import db
from app.models import Project
from app.permissions import project_role_required
from app.projects.service import assignment_in_project, project_scheme

bp = Blueprint("assignments", __name__, url_prefix="/projects")


def back_to_documents(project: Project):
    page = request.args.get("page", 1, type=int)
    return redirect(url_for("projects.documents", project_id=project.id, page=page))


def say(error: ServiceError) -> None:
    flash(error.message[:1].upper() + error.message[1:] + ".", "error")


@bp.route("/<int:project_id>/documents/<int:document_id>/assign", methods=["POST"])
@project_role_required("manager")
def assign(project: Project, document_id: int):
    form = AnnotatorForm()
    if not form.validate_on_submit():
        flash("Choose an annotator.", "error")
        return back_to_documents(project)
    try:
        document = document_in_project(project, document_id)
        annotator = annotator_in_project(project, form.annotator.data)
        assign_annotator(document, annotator)
    except ServiceError as error:
        db.session.rollback()
        if error.status == 404:
            return error_response(404, error.message)
        say(error)
    else:
        db.session.commit()
        flash(f"{document.title!r} assigned to {annotator.username}.", "success")
    return back_to_documents(project)


def confirm_page(project: Project, assignment, action: str, form, message: str):
    """Ask before hiding annotations: the same POST again, with confirm set."""
    from app.projects.routes import render_project_page  # the project pages' layout

    return render_project_page("assignments/confirm.html", project, 409, assignment=assignment,
                               action=action, form=form, message=message,
                               page=request.args.get("page", 1, type=int))


@bp.route("/<int:project_id>/assignments/<int:assignment_id>/unassign", methods=["POST"])
@project_role_required("manager")
def remove(project: Project, assignment_id: int):
    form = UnassignForm()
    try:
        assignment = assignment_in_project(project, assignment_id)
    except ServiceError as error:
        return error_response(error.status, error.message)
    if not form.validate_on_submit():
        return back_to_documents(project)
    who, title = assignment.annotator.username, assignment.document.title
    try:
        kept = unassign(assignment, confirmed=form.confirm.data)
    except ServiceError as error:
        db.session.rollback()
        return confirm_page(project, assignment, "unassign", form, error.message)
    db.session.commit()
    flash(f"{who} unassigned from {title!r}"
          + (f"; their {kept} annotation(s) are kept, hidden." if kept else "."), "success")
    return back_to_documents(project)


@bp.route("/<int:project_id>/assignments/<int:assignment_id>/reassign", methods=["POST"])
@project_role_required("manager")
def move(project: Project, assignment_id: int):
    form = AnnotatorForm()
    try:
        assignment = assignment_in_project(project, assignment_id)
    except ServiceError as error:
        return error_response(error.status, error.message)
    if not form.validate_on_submit():
        flash("Choose the annotator to hand the document to.", "error")
        return back_to_documents(project)
    who, title = assignment.annotator.username, assignment.document.title
    try:
        new = reassign(assignment, annotator_in_project(project, form.annotator.data),
                       confirmed=form.confirm.data)
    except ServiceError as error:
        db.session.rollback()
        if error.field == "confirm":
            return confirm_page(project, assignment, "reassign", form, error.message)
        say(error)
        return back_to_documents(project)
    db.session.commit()
    flash(f"{title!r} reassigned from {who} to {new.annotator.username}.", "success")
    return back_to_documents(project)


@bp.route("/<int:project_id>/assign-selected", methods=["POST"])
@project_role_required("manager")
def assign_bulk(project: Project):
    form = BulkAssignForm()
    if not form.validate_on_submit():
        flash("Annotators per document must be a whole number from 1 to 50.", "error")
        return back_to_documents(project)
    try:
        created = assign_selected(project, form.selected_documents(),
                                  form.selected_annotators(), form.per_document.data)
    except ServiceError as error:
        db.session.rollback()
        if error.status == 404:
            return error_response(404, error.message)
        say(error)
    else:
        db.session.commit()
        flash(f"{created} assignment(s) created.", "success")
    return back_to_documents(project)


@bp.route("/<int:project_id>/documents/<int:document_id>/preview")
@project_role_required("reviewer")
def preview(project: Project, document_id: int):
    """The document as imported, read-only: its text, metadata and who is assigned."""
    from app.projects.routes import render_project_page  # the project pages' layout

    try:
        document = document_in_project(project, document_id)
    except ServiceError as error:
        return error_response(error.status, error.message)
    assignments = sorted(document.assignments, key=lambda a: a.annotator.username)
    spans = {a.id: spans_of(a) for a in assignments}
    return render_project_page("assignments/preview.html", project, document=document,
                               assignments=assignments, spans=spans,
                               scheme=project_scheme(project))
