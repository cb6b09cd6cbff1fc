"""Registry pages for reviewers and managers: list, create, edit, rename, aliases, confirm,
merge, history with undo, import and export. Thin: each route calls one service."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.claimants import charts, service
from app.claimants.forms import (
    ActionForm,
    AliasForm,
    ClaimantForm,
    EditClaimantForm,
    ImportForm,
    MergeForm,
    RenameForm,
    SettingsForm,
)
from app.claimants.merge import merge_claimants, undo_merge
from app.claimants.registry import ClaimantLookup
from app.claimants.transfer import export_registry, import_registry
from app.errors import ServiceError
from app.extensions import db
from app.models import Claimant, ClaimantEvent, Project
from app.permissions import has_role, project_role_required
from app.projects.routes import render_project_page
from app.projects.service import project_scheme

bp = Blueprint("claimants", __name__, url_prefix="/projects/<int:project_id>/claimants")
PAGE_SIZE = 200
MAX_QUERY = 300
MAX_PAGE = 100_000  # an offset PostgreSQL's bigint holds


def form_error(form, error: ServiceError) -> None:
    """Show a service's refusal on the form field it names, else as a message."""
    field = getattr(form, error.field or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def _claimant(project: Project, claimant_id: int) -> Claimant:
    claimant = db.session.get(Claimant, claimant_id)
    if claimant is None or claimant.project_id != project.id:
        abort(404, "claimant not found")
    return claimant


def _by_name(project: Project, name: str, field: str) -> Claimant | None:
    if not name.strip():
        return None
    claimant = ClaimantLookup(project).find(name)
    if claimant is None:
        raise ServiceError(f"no claimant named {name.strip()!r} in the registry", field)
    return claimant


@bp.route("", methods=["GET", "POST"])
@project_role_required("reviewer")
def registry(project: Project):
    form = ClaimantForm().with_choices(project_scheme(project))
    if form.validate_on_submit():
        try:
            parent = _by_name(project, form.affiliation.data or "", "affiliation")
            claimant = service.create_claimant(
                project, current_user, name=form.name.data, type=form.type.data,
                source_type=form.source_type.data, role=form.role.data or "",
                description=form.description.data or "",
                external_id=form.external_id.data or "",
                affiliation_id=parent.id if parent else None)
            db.session.commit()
            flash(f"Added {claimant.name}.")
            return redirect(url_for(".claimant", project_id=project.id,
                                    claimant_id=claimant.id))
        except ServiceError as error:
            db.session.rollback()
            form_error(form, error)
    query = request.args.get("q", "")[:MAX_QUERY]
    status = request.args.get("status") if request.args.get("status") in (
        "confirmed", "proposed") else None
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    rows = service.registry_rows(project, query, status, PAGE_SIZE + 1,
                                 (page - 1) * PAGE_SIZE)
    return render_project_page(
        "claimants/registry.html", project, 422 if form.errors else 200, rows=rows[:PAGE_SIZE],
        more=len(rows) > PAGE_SIZE, page=page, query=query, status_filter=status, form=form,
        scheme=project_scheme(project), import_form=ImportForm(),
        settings_form=SettingsForm(agree_by_root=project.claimants_agree_by_root),
        is_manager=has_role(current_user, project, "manager"))


@bp.route("/<int:claimant_id>")
@project_role_required("reviewer")
def claimant(project: Project, claimant_id: int):
    from app.claimants.summaries import claimant_profile

    record = _claimant(project, claimant_id)
    return _render_claimant(project, record, claimant_profile(project, record))


def _render_claimant(project, record, profile, status=200, **forms):
    scheme = project_scheme(project)
    edit_form = forms.get("edit_form") or EditClaimantForm(
        obj=record, affiliation=record.affiliation.name if record.affiliation else "")
    history = list(db.session.scalars(select(ClaimantEvent).where(
        ClaimantEvent.claimant_id == record.id).order_by(ClaimantEvent.id.desc()).limit(20)))
    colours = {e.key: e.colour for e in scheme.evidence_types}
    chart = charts.bar_chart([(name, count, colours[key]) for key, name, count
                              in profile.by_evidence], f"Claims of {record.name} by evidence")
    return render_project_page(
        "claimants/claimant.html", project, status, claimant=record, profile=profile,
        profile_chart=chart,
        scheme=scheme, chain=service.affiliation_chain(record), history=history,
        edit_form=edit_form.with_choices(scheme),
        rename_form=forms.get("rename_form") or RenameForm(),
        alias_form=forms.get("alias_form") or AliasForm(),
        merge_form=forms.get("merge_form") or MergeForm(), action_form=ActionForm())


def _after(project: Project, claimant_id: int, message: str):
    db.session.commit()
    flash(message)
    return redirect(url_for(".claimant", project_id=project.id, claimant_id=claimant_id))


def _refused(project: Project, record: Claimant, form_name: str, form, error: ServiceError):
    from app.claimants.summaries import claimant_profile

    db.session.rollback()
    form_error(form, error)
    record = db.session.get(Claimant, record.id)
    return _render_claimant(project, record, claimant_profile(project, record),
                            error.status if error.status != 400 else 422, **{form_name: form})


@bp.post("/<int:claimant_id>/edit")
@project_role_required("reviewer")
def edit(project: Project, claimant_id: int):
    record = _claimant(project, claimant_id)
    form = EditClaimantForm().with_choices(project_scheme(project))
    form.name.data = record.name
    if not form.validate_on_submit():
        return _refused(project, record, "edit_form", form, ServiceError(
            "check the highlighted fields", None))
    try:
        parent = _by_name(project, form.affiliation.data or "", "affiliation")
        service.edit_claimant(record, current_user, type=form.type.data,
                              source_type=form.source_type.data, role=form.role.data or "",
                              description=form.description.data or "",
                              external_id=form.external_id.data or "",
                              affiliation_id=parent.id if parent else None)
    except ServiceError as error:
        return _refused(project, record, "edit_form", form, error)
    return _after(project, record.id, "Saved.")


@bp.post("/<int:claimant_id>/rename")
@project_role_required("reviewer")
def rename(project: Project, claimant_id: int):
    record = _claimant(project, claimant_id)
    form = RenameForm()
    try:
        if not form.validate_on_submit():
            raise ServiceError("give the new name", "new_name")
        service.rename_claimant(record, form.new_name.data, current_user)
    except ServiceError as error:
        return _refused(project, record, "rename_form", form, error)
    return _after(project, record.id, "Renamed; the old name is now an alias.")


@bp.post("/<int:claimant_id>/aliases")
@project_role_required("reviewer")
def add_alias(project: Project, claimant_id: int):
    record = _claimant(project, claimant_id)
    form = AliasForm()
    try:
        if not form.validate_on_submit():
            raise ServiceError("give the alias", "alias")
        service.add_alias(record, form.alias.data, current_user)
    except ServiceError as error:
        return _refused(project, record, "alias_form", form, error)
    return _after(project, record.id, "Alias added.")


@bp.post("/<int:claimant_id>/aliases/remove")
@project_role_required("reviewer")
def remove_alias(project: Project, claimant_id: int):
    record = _claimant(project, claimant_id)
    if not ActionForm().validate_on_submit():
        abort(400, "the form expired: reload the page")
    try:
        service.remove_alias(record, request.form.get("alias", ""), current_user)
    except ServiceError as error:
        abort(error.status, error.message)
    return _after(project, record.id, "Alias removed.")


@bp.post("/<int:claimant_id>/confirm")
@project_role_required("reviewer")
def confirm(project: Project, claimant_id: int):
    record = _claimant(project, claimant_id)
    if not ActionForm().validate_on_submit():
        abort(400, "the form expired: reload the page")
    try:
        service.confirm_claimant(record, current_user)
    except ServiceError as error:
        return _refused(project, record, "merge_form", MergeForm(), error)
    return _after(project, record.id, "Confirmed: every annotator can now use it.")


@bp.post("/<int:claimant_id>/merge")
@project_role_required("reviewer")
def merge(project: Project, claimant_id: int):
    record = _claimant(project, claimant_id)
    form = MergeForm()
    try:
        if not form.validate_on_submit():
            raise ServiceError("name the claimant to merge into", "into")
        target = _by_name(project, form.into.data, "into")
        event = merge_claimants(record, target, current_user)
    except ServiceError as error:
        return _refused(project, record, "merge_form", form, error)
    return _after(project, event.claimant_id, f"{event.summary}. Undo it from the history.")


@bp.route("/history")
@project_role_required("reviewer")
def history(project: Project):
    events = list(db.session.scalars(select(ClaimantEvent).where(
        ClaimantEvent.project_id == project.id).order_by(ClaimantEvent.id.desc()).limit(300)))
    return render_project_page("claimants/history.html", project, events=events,
                               action_form=ActionForm())


@bp.post("/history/<int:event_id>/undo")
@project_role_required("reviewer")
def undo(project: Project, event_id: int):
    event = db.session.get(ClaimantEvent, event_id)
    if event is None or event.project_id != project.id:
        abort(404, "no such change")
    if not ActionForm().validate_on_submit():
        abort(400, "the form expired: reload the page")
    try:
        restored = undo_merge(event, current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".history", project_id=project.id))
    return _after(project, restored.id, f"Merge undone: {restored.name} is back.")


@bp.route("/export.<fmt>")
@project_role_required("reviewer")
def export(project: Project, fmt: str):
    if fmt not in ("json", "csv"):
        abort(404)
    mimetype = "application/json" if fmt == "json" else "text/csv"
    filename = f"claimants-{project.id}.{fmt}"
    return Response(export_registry(project, fmt), mimetype=f"{mimetype}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/import")
@project_role_required("manager")
def import_file(project: Project):
    form = ImportForm()
    if not form.validate_on_submit():
        flash("Choose a .json or .csv file to import.", "error")
        return redirect(url_for(".registry", project_id=project.id))
    upload = form.file.data
    fmt = (upload.filename or "").rsplit(".", 1)[-1].lower()
    try:
        summary = import_registry(project, upload.read(), fmt, current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(f"Nothing imported: {error.message}", "error")
        return redirect(url_for(".registry", project_id=project.id)), 303
    db.session.commit()
    flash(f"Imported: {summary.created} new, {summary.updated} updated.")
    return redirect(url_for(".registry", project_id=project.id))


@bp.post("/settings")
@project_role_required("manager")
def settings(project: Project):
    form = SettingsForm()
    if not form.validate_on_submit():
        abort(400, "the form expired: reload the page")
    service.set_agree_by_root(project, bool(form.agree_by_root.data))
    db.session.commit()
    flash("Saved.")
    return redirect(url_for(".registry", project_id=project.id))
