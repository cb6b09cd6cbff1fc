"""The audit log's pages: a project's log for its managers, the whole log for site admins;
each also as CSV (streamed, every row)."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, render_template, request, stream_with_context
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Project
from app.permissions import admin_required, project_role_required

bp = Blueprint("audit", __name__)

PAGE_ROWS = 200  # the newest on the page; the CSV holds them all
CSV_COLUMNS = ("at", "username", "project_id", "action", "target", "details", "address")


@bp.route("/projects/<int:project_id>/audit")
@project_role_required("manager")
def project_log(project: Project):
    query = select(AuditEvent).where(AuditEvent.project_id == project.id)
    if request.args.get("format") == "csv":
        return _csv(query, f"audit-project-{project.id}.csv")
    from app.projects.routes import render_project_page

    return render_project_page("audit/project_log.html", project, events=_newest(query))


@bp.route("/admin/audit")
@admin_required
def site_log():
    query = select(AuditEvent)
    if request.args.get("format") == "csv":
        return _csv(query, "audit.csv")
    return render_template("audit/site_log.html", project=None, events=_newest(query))


def _newest(query):
    return db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(PAGE_ROWS)).all()


def _csv(query, filename: str) -> Response:
    rows = db.session.scalars(query.order_by(AuditEvent.at, AuditEvent.id)
                              .execution_options(yield_per=1000))

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for event in rows:
            writer.writerow([_cell(value) for value in (
                event.at.isoformat(), event.username, event.project_id or "", event.action,
                event.target, event.details, event.address)])
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ would start a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
