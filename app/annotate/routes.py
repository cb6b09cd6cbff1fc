"""The annotation workspace: my work in a project, and the page where I annotate a document.

The server renders the escaped text, the scheme and the guidelines; the page's JavaScript
(app/static/js/annotate/) does the rest through the JSON API (/api/v1).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, Document, Project, Span
from app.permissions import (
    Denied,
    assignment_of,
    project_role_required,
    require_document,
    require_project,
    role_in,
)
from app.projects.service import next_unfinished_document, project_scheme

bp = Blueprint("annotate", __name__)


@bp.route("/projects/<int:project_id>/my-work")
@project_role_required("annotator")
def my_work(project: Project):
    rows = my_assignments(project)
    return render_template(
        "annotate/my_work.html",
        project=project,
        rows=rows,
        next_document=next_unfinished_document(current_user, project),
        submitted=sum(1 for assignment, _, _ in rows if assignment.status == "submitted"),
    )


@bp.route("/annotate/documents/<int:document_id>")
@login_required
def document(document_id: int):
    try:
        doc = require_document(current_user, document_id)
    except Denied as denied:
        abort(denied.status, denied.message)
    project = doc.project
    assignment = assignment_of(current_user, doc)
    read_only = assignment is None or assignment.status == "submitted"
    scheme = project_scheme(project)
    return render_template(
        "annotate/document.html",
        document=doc,
        project=project,
        scheme=scheme,
        assignment=assignment,
        read_only=read_only,
        role=role_in(current_user, project),
        other_unfinished=has_other_unfinished(project, doc),
        text_html=text_as_html(doc.text),
        page_config=page_config(doc, project, scheme, assignment, read_only),
    )


@bp.route("/projects/<int:project_id>/next-unfinished")
@project_role_required("annotator")
def next_unfinished(project: Project):
    """Where "Next unfinished" leads, worked out on the click: the page that shows the link
    may have been open a while, and its own document may have been submitted since."""
    document = next_unfinished_document(current_user, project)
    if document is None:
        flash("All your documents in this project are submitted. Thank you!", "success")
        return redirect(url_for("annotate.my_work", project_id=project.id))
    return redirect(url_for("annotate.document", document_id=document.id))


@bp.route("/annotate/projects/<int:project_id>/scheme.css")
@login_required
def scheme_css(project_id: int):
    """The evidence types' colours as CSS classes: the page's CSP forbids inline styles.

    Keys and colours are safe to write into CSS: Scheme.from_dict only accepts keys matching
    [a-z][a-z0-9_]* and colours written #rrggbb.
    """
    try:
        project = require_project(current_user, project_id)
    except Denied as denied:
        abort(denied.status, denied.message)
    lines = []
    for evidence in project_scheme(project).evidence_types:
        key, colour = evidence.key, evidence.colour
        # Layer 1 is the innermost span (the background); layers 2 and 3 are the spans around
        # it, drawn as coloured lines under the text (see annotate.css).
        lines.append(f".et-{key} {{ --et-colour: {colour}; }}")
        for layer in (1, 2, 3):
            lines.append(f".l{layer}-{key} {{ --l{layer}: {colour}; }}")
    response = Response("\n".join(lines) + "\n", mimetype="text/css")
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


def my_assignments(project: Project) -> list[tuple[Assignment, Document, int]]:
    """My assignments in the project with their documents and my span counts, in import order."""
    span_counts = (
        select(Span.document_id, func.count(Span.id).label("spans"))
        .where(Span.annotator_id == current_user.id)
        .group_by(Span.document_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Assignment, Document, func.coalesce(span_counts.c.spans, 0))
        .join(Document, Assignment.document_id == Document.id)
        .outerjoin(span_counts, span_counts.c.document_id == Document.id)
        .where(Document.project_id == project.id, Assignment.annotator_id == current_user.id)
        .order_by(Document.id)
    )
    return [tuple(row) for row in rows]


def has_other_unfinished(project: Project, doc: Document) -> bool:
    """Whether I have a document other than this one still to submit in the project."""
    return db.session.scalar(
        select(func.count()).select_from(Assignment).join(Document)
        .where(Document.project_id == project.id, Document.id != doc.id,
               Assignment.annotator_id == current_user.id, Assignment.status != "submitted")
    ) > 0


def text_as_html(text: str) -> Markup:
    """The text escaped for the page, where the script reads it back from the DOM (it is sent
    once, not again in the JSON). The HTML parser turns a lone CR into LF (HTML Living
    Standard, 13.2.3.5 "Preprocessing the input stream"), so CRs go as character references,
    which it keeps."""
    return Markup(str(escape(text)).replace("\r", "&#13;"))


def text_survives_html(text: str) -> bool:
    """False when the HTML parser would drop part of the text: it ignores NUL characters in
    the body (13.2.6.4.7, "in body" insertion mode), so such a text also goes in the JSON."""
    return "\0" not in text


def page_config(doc: Document, project: Project, scheme, assignment, read_only: bool) -> dict:
    """What the page's JavaScript needs, passed as JSON in the page (no inline script)."""
    api = request.script_root + "/api/v1"
    spans_url = f"{api}/documents/{doc.id}/spans"
    if assignment is not None and role_in(current_user, project) != "annotator":
        # Reviewers and managers would get every annotator's spans; here they see only theirs.
        spans_url += "?" + urlencode({"annotator": current_user.username})
    return {
        "documentId": doc.id,
        "projectId": project.id,
        # Null: the page reads the text from #doc-text. A 5 MB article sent twice was 10 MB.
        "text": None if text_survives_html(doc.text) else doc.text,
        "scheme": scheme.to_dict(),
        "snapToWords": bool(project.snap_to_words),
        "readOnly": read_only,
        "assigned": assignment is not None,
        "status": assignment.status if assignment is not None else None,
        "urls": {
            "spans": spans_url if assignment is not None else None,
            "createSpan": f"{api}/documents/{doc.id}/spans",
            "span": f"{api}/spans/",
            "claimants": f"{api}/projects/{project.id}/claimants",
            "submit": f"{api}/documents/{doc.id}/submit",
        },
    }
