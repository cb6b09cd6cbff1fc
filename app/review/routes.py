"""Review pages: the queue of documents to review, and one document's review page.

The page's JavaScript (app/static/js/review/) makes decisions through the JSON API
(/api/v1, app/api/review.py) and redraws the page from the server after each one.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.agreement_views.background import start_default_report as start_agreement_report
from app.errors import ServiceError
from app.extensions import db
from app.models import REASONS, Project
from app.permissions import Denied, has_role, project_role_required, require_document
from app.projects.routes import render_project_page  # the project's tabs, as elsewhere
from app.projects.service import project_scheme
from app.review import service
from app.review.gold import REASON_WORDS
from app.review.presentation import cut_text, render_pieces, render_unit_list
from app.review.scores import gold_comparison
from app.review.units import review_document

bp = Blueprint("review", __name__)

KIND_WORDS = {"boundary": "boundary", "claimant": "claimant", "evidence_type": "evidence type",
              "missing": "missed"}
STATE_WORDS = {"unanimous": "unanimous", "label": "label differs", "boundary": "boundary differs",
               "missed": "missed by some", "decided": "decided"}


@bp.route("/projects/<int:project_id>/review")
@project_role_required("reviewer")
def queue(project: Project):
    filters = _filters(project)
    sort = request.args.get("sort") or "alpha"
    if sort not in service.QUEUE_SORTS:
        abort(422, "sort: use alpha or gamma")
    gammas = service.queue_gammas(project) if sort == "gamma" else None
    if sort == "gamma" and gammas is None:
        start_agreement_report(project)  # γ comes with the report: computed in the background
    every = service.review_queue(project, gammas=gammas)
    rows = (service.review_queue(project, filters, gammas=gammas)
            if filters != service.QueueFilters() else every)
    return render_project_page(
        "review/queue.html", project, rows=rows, filters=filters, total=len(every),
        sort=sort, gamma_pending=sort == "gamma" and gammas is None,
        scheme=project_scheme(project), kind_words=KIND_WORDS,
        annotators=sorted({name for row in every for name in row.annotators}),
        is_manager=has_role(current_user, project, "manager"),
        gaps=service.guideline_gaps(project) if has_role(current_user, project, "manager") else [],
    )


@bp.route("/projects/<int:project_id>/review/merge", methods=["POST"])
@project_role_required("reviewer")
def merge(project: Project):
    """Merge for the whole project: first a preview, then (confirm=1) the merge itself."""
    try:
        strategy, threshold = service.check_strategy(
            request.form.get("strategy"), _threshold(request.form.get("threshold")))
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("review.queue", project_id=project.id))
    confirm = request.form.get("confirm") == "1"
    proposals = service.merge_project(project, current_user, strategy, threshold,
                                      dry_run=not confirm)
    if confirm:
        db.session.commit()
        flash(f"Merged {len(proposals)} unit{'s' if len(proposals) != 1 else ''} into gold "
              f"({strategy}). Undo it per document with u on the review page.", "success")
        return redirect(url_for("review.queue", project_id=project.id))
    return render_project_page("review/merge_preview.html", project, proposals=proposals,
                               strategy=strategy, threshold=threshold)


@bp.route("/documents/<int:document_id>/review")
@login_required
def document(document_id: int):
    try:
        doc = require_document(current_user, document_id, "reviewer")
    except Denied as denied:
        abort(denied.status, denied.message)
    project = doc.project
    scheme = project_scheme(project)
    review = review_document(doc)
    extents = [(u.index, u.start, u.end, u.state) for u in review.units]
    extents += [(f"g{gold.id}", gold.start, gold.end, "decided") for gold in review.added]
    text = doc.text
    majority = {u.index: u.majority(len(review.annotators))[0] for u in review.units}
    evidence_names = {e.key: e.name for e in scheme.evidence_types}
    words = {"state_words": STATE_WORDS, "kind_words": KIND_WORDS,
             "evidence_names": evidence_names, "reason_words": REASON_WORDS}
    return render_template(
        "review/document.html", document=doc, project=project, review=review,
        article=render_pieces(cut_text(text, extents)),
        unit_list=render_unit_list(review, text, majority, words),
        status=service.review_status(doc), scheme=scheme,
        evidence_names=evidence_names,
        state_words=STATE_WORDS, kind_words=KIND_WORDS, reasons=REASONS,
        reason_words=REASON_WORDS, is_manager=has_role(current_user, project, "manager"),
        submitted=review.annotators,  # whose submitted work counts here
    )


@bp.route("/projects/<int:project_id>/scores")
@project_role_required("annotator")
def scores(project: Project):
    """Against gold: reviewers and managers see every annotator; an annotator sees only
    their own figures, and only when the project's settings share them."""
    sees_all = has_role(current_user, project, "reviewer")
    if sees_all:
        comparison = gold_comparison(project)
        rows = sorted(comparison["per_annotator"].items())
    elif not project.annotators_see_scores:
        abort(403, "this project does not show annotators their scores against gold")
    else:
        comparison = gold_comparison(project, current_user.username)
        rows = [(current_user.username, comparison["scores"])] if comparison["scores"] else []
    scheme = project_scheme(project)
    return render_project_page(
        "review/scores.html", project, comparison=comparison, rows=rows, sees_all=sees_all,
        evidence_names={e.key: e.name for e in scheme.evidence_types})


def _filters(project: Project) -> service.QueueFilters:
    args = request.args
    claimant = args.get("claimant", "")
    return service.QueueFilters(
        annotator=args.get("annotator") or None,
        evidence_type=args.get("evidence_type") or None,
        kind=args.get("kind") if args.get("kind") in KIND_WORDS else None,
        status=args.get("status") or None,
        claimant_id=int(claimant) if claimant.isascii() and claimant.isdigit()
        and int(claimant) < 2**31 else None,
    )


def _threshold(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return -1.0  # refused by check_strategy with a message naming the field
