"""The agreement dashboard, its JSON twin under /api/v1, and the in-app help page.

Both routes call the same service (`agreement_report`); the CLI does too. Reviewers and
managers only: annotators must not see each other's work (blindness).
"""

from __future__ import annotations

import pathlib

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_login import current_user, login_required

from app.agreement_views import presentation
from app.agreement_views.background import dashboard_report, report_status
from app.agreement_views.service import (
    AgreementOptions,
    agreement_report,
    known_annotator_names,
    options_as_args,
    options_from_args,
)
from app.api.json_input import read_query
from app.errors import ServiceError, error_response
from app.models import Project
from app.permissions import project_role_required, role_in

bp = Blueprint("agreement_views", __name__)

PHASE_WORDS = {"units": "matching spans into units", "gamma samples": "γ: aligning random continua",
               "alpha": "Krippendorff's α", "kappa": "Cohen's and Fleiss' κ",
               "ac1": "Gwet's AC1 and AC2", "bootstrap": "bootstrap intervals",
               "vs gold": "comparing with gold", "over time": "agreement over time"}
DOCUMENT_ROWS = 100  # the worst documents shown on the page; the API and CLI give them all
HELP_FILE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "agreement-dashboard.md"


@bp.route("/projects/<int:project_id>/agreement")
@project_role_required("reviewer")
def dashboard(project: Project):
    """The report, or, while a large one is computed in the background, its progress."""
    options = AgreementOptions()
    try:
        options = options_from_args(request.args)
        report, progress = dashboard_report(project, options)
    except ServiceError as error:
        return _render_dashboard(project, options, None, error), error.status
    return _render_dashboard(project, options, report, None, progress)


@bp.route("/projects/<int:project_id>/agreement/status")
@project_role_required("reviewer")
def report_progress(project: Project):
    """How far the background computation of the dashboard's report has got (polled by
    app/static/js/agreement.js); starts one when none runs."""
    try:
        status = report_status(project, options_from_args(request.args))
    except ServiceError as error:  # always JSON: only the page's script asks
        return jsonify({"error": error.message, "field": error.field}), error.status
    return jsonify(status)


@bp.route("/api/v1/projects/<int:project_id>/agreement")
@project_role_required("reviewer")
def api_report(project: Project):
    """Its query string is validated with the schema its OpenAPI description shows
    (app.api.schemas.AgreementQuery, declared in app/api/openapi.py)."""
    try:
        query = read_query()
        report = agreement_report(project, query.options())
    except ServiceError as error:
        return error_response(error.status, error.message, error.field)
    return jsonify(report)


@bp.route("/help/agreement")
@login_required
def help_page():
    text = HELP_FILE.read_text(encoding="utf-8") if HELP_FILE.is_file() else ""
    return render_template("agreement/help.html", text=text)


def _render_dashboard(project: Project, options: AgreementOptions, report: dict | None,
                      error: ServiceError | None, progress: dict | None = None) -> str:
    from app.agreement import interpret_alpha
    from app.projects.routes import project_links  # the project's tabs, as on its other pages

    link_exists = current_app.view_functions.__contains__
    names = presentation.evidence_names(project)
    context = {"project": project, "links": project_links(project),
               "role": role_in(current_user, project),
               "options": options, "error": error, "report": report, "progress": progress,
               "status_url": url_for("agreement_views.report_progress", project_id=project.id,
                                     **options_as_args(options)),
               "phase_words": PHASE_WORDS,
               "candidates": known_annotator_names(project),
               "review_url": url_for("review.queue", project_id=project.id)
               if link_exists("review.queue") else None,
               "thresholds": (presentation.RELIABLE, presentation.TENTATIVE)}
    if report is not None:
        context.update(
            headlines=presentation.headlines(report, interpret_alpha),
            over_time_chart=presentation.over_time_chart(report),
            label_details=presentation.label_details(report),
            pair_kappas=presentation.pair_kappa_rows(report),
            heatmap=presentation.heatmap(report),
            evidence_rows=presentation.evidence_rows(report, names),
            annotator_rows=presentation.annotator_rows(report),
            documents=presentation.document_rows(report, project, link_exists)[:DOCUMENT_ROWS],
            documents_total=len(report.get("per_document") or []),
            json_url=url_for("agreement_views.api_report", project_id=project.id,
                             **options_as_args(options)),
            disagreements=presentation.disagreement_rows(report),
            confusions=presentation.confusion_tables(report, names),
        )
    return render_template("agreement/dashboard.html", **context)
