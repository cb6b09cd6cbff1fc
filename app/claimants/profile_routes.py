"""Credibility profile pages, with their CSV and JSON: the project matrix, an article's
sourcing summary, a claimant's profile data. Reviewers and managers only: the figures come
from every annotator's submitted work where a document is not adjudicated (blindness)."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, jsonify, request

from app.claimants import charts
from app.claimants.profiles import project_matrix, scope_from_args
from app.claimants.summaries import article_summary, claimant_profile
from app.errors import ServiceError, error_response
from app.extensions import db
from app.models import Claimant, Document, Project
from app.permissions import project_role_required
from app.projects.routes import render_project_page

bp = Blueprint("sources", __name__, url_prefix="/projects/<int:project_id>")
HEATMAP_ROWS = 40  # the page's chart
TABLE_ROWS = 100  # the page's table; CSV and JSON hold every row
DIMENSION_NAMES = {"claimant": "Claimant", "root": "Organisation (affiliation root)",
                   "source_type": "Source type"}


def _csv(rows: list[list], filename: str) -> Response:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/sources", defaults={"fmt": "html"})
@bp.route("/sources.<fmt>")
@project_role_required("reviewer")
def matrix(project: Project, fmt: str):
    if fmt not in ("html", "csv", "json"):
        abort(404)
    dimension = request.args.get("rows") or "claimant"
    try:
        scope = scope_from_args(request.args)
        result = project_matrix(project, dimension, scope)
    except ServiceError as error:
        if fmt != "html":
            return error_response(error.status, error.message, error.field)
        return render_project_page("claimants/matrix.html", project, 422, error=error,
                                   result=None, dimensions=DIMENSION_NAMES, args=request.args)
    keys = [key for key, _name in result.evidence]
    if fmt == "csv":
        rows = [[DIMENSION_NAMES[dimension], *keys, "total"]]
        rows += [[label, *(counts.get(k, 0) for k in keys), total]
                 for label, counts, total in result.rows]
        rows.append(["total", *(result.column_totals.get(k, 0) for k in keys), result.total])
        return _csv(rows, f"sources-{project.id}-{dimension}.csv")
    if fmt == "json":
        return jsonify({"rows": dimension, "evidence_types": keys,
                        "counts": [{"label": label, "counts": counts, "total": total}
                                   for label, counts, total in result.rows],
                        "column_totals": result.column_totals, "total": result.total,
                        "documents": {"adjudicated": result.sources.adjudicated,
                                      "submitted_only": result.sources.submitted_only}})
    chart = charts.heatmap(result.rows[:HEATMAP_ROWS], result.evidence,
                           f"{DIMENSION_NAMES[dimension]} by evidence type")
    return render_project_page("claimants/matrix.html", project, result=result, chart=chart,
                               dimensions=DIMENSION_NAMES, args=request.args, error=None,
                               heatmap_rows=HEATMAP_ROWS, table_rows=TABLE_ROWS)


@bp.route("/sources/documents/<int:document_id>", defaults={"fmt": "html"})
@bp.route("/sources/documents/<int:document_id>.<fmt>")
@project_role_required("reviewer")
def article(project: Project, document_id: int, fmt: str):
    document = db.session.get(Document, document_id)
    if document is None or document.project_id != project.id or fmt not in (
            "html", "csv", "json"):
        abort(404, "document not found")
    summary = article_summary(project, document)
    keys = [key for key, _name, _colour in summary.evidence]
    if fmt == "csv":
        rows = [["claimant", *keys, "total"]]
        rows += [[c.name, *(counts.get(k, 0) for k in keys), total]
                 for c, counts, total in summary.rows]
        return _csv(rows, f"sourcing-{document.id}.csv")
    indicators = {"claims": summary.claims, "distinct_sources": summary.distinct_sources,
                  "anonymous_share": summary.anonymous_share,
                  "cites_documents": summary.cites_documents,
                  "claims_without_evidence": summary.without_evidence}
    if fmt == "json":
        return jsonify({"document": document.id, "layer": summary.layer, **indicators,
                        "claimants": [{"id": c.id, "name": c.name, "counts": counts,
                                       "total": total} for c, counts, total in summary.rows]})
    chart = charts.stacked_bars([(c.name, counts, total) for c, counts, total in summary.rows],
                                summary.evidence, f"Sources of {document.title}")
    return render_project_page("claimants/article.html", project, document=document,
                               summary=summary, chart=chart, indicators=indicators)


@bp.route("/claimants/<int:claimant_id>/profile.<fmt>")
@project_role_required("reviewer")
def claimant_data(project: Project, claimant_id: int, fmt: str):
    claimant = db.session.get(Claimant, claimant_id)
    if claimant is None or claimant.project_id != project.id or fmt not in ("csv", "json"):
        abort(404, "claimant not found")
    profile = claimant_profile(project, claimant)
    if fmt == "csv":
        rows = [["evidence_type", "name", "claims"], *map(list, profile.by_evidence)]
        return _csv(rows, f"claimant-{claimant.id}.csv")
    return jsonify({"id": claimant.id, "name": claimant.name, "claims": profile.claims,
                    "articles": profile.articles,
                    "by_evidence": {key: n for key, _name, n in profile.by_evidence},
                    "unsupported_share": profile.unsupported_share,
                    "documents": {"adjudicated": profile.sources.adjudicated,
                                  "submitted_only": profile.sources.submitted_only}})
