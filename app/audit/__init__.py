"""The audit log: one place records who did what.

- `record(action, …)` for what a route does on its own (logins, logouts).
- A session listener records changes to the rows that matter, whatever code path made them
  (a page, the API, the CLI): span created/edited/deleted, a member added, re-roled or
  removed, a review decision (a gold event), a registry change (a claimant event), an
  account's password, activation, admin or project-creator flag changed. It writes
  in the same transaction as the change: an audit row exists exactly when the change does.
- A review merge writes its gold rows and events in bulk (Core INSERTs the flush listener
  never sees): a second listener records one row per merge when its events are inserted.
  A decision undone (its gold event marked undone) and a document marked adjudicated or
  reopened are recorded by the flush listener.
- Routes that hand data out or take it in (exports, downloads, imports) are listed in
  AUDITED_ENDPOINTS and recorded after a successful answer; the matching commands
  (`flask export`, `flask import`, `flask claimants export`) by app/audit/commands.py;
  `flask backup` and `flask restore` record themselves.

Managers read their project's log and admins the whole log (app/audit/routes.py), as a page
or as CSV.
"""

from __future__ import annotations

from functools import cache

from flask import Flask, g, has_request_context, request
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from app.extensions import db
from app.models import (
    AuditEvent,
    ClaimantEvent,
    Document,
    DocumentReview,
    GoldEvent,
    ProjectMember,
    Span,
    User,
)

# endpoint -> action, recorded when the answer is a success (2xx, or the redirect after a POST)
AUDITED_ENDPOINTS = {
    "api.export": "export", "transfer.download_file": "export", "claimants.export": "export",
    "projects.upload": "import", "transfer.confirm_import": "import",
}


def _actor() -> tuple[int | None, str, str]:
    """(user id, username, client address) of the request, or a command's empty actor."""
    if not has_request_context():
        return None, "(command line)", ""
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "", request.remote_addr or ""
    return user.id, user.username, request.remote_addr or ""


def record(action: str, *, project_id: int | None = None, target: str = "",
           details: dict | None = None, user: User | None = None) -> None:
    """Add an audit row to the current transaction (the caller commits)."""
    user_id, username, address = _actor()
    if user is not None:
        user_id, username = user.id, user.username
    db.session.add(AuditEvent(user_id=user_id, username=username, project_id=project_id,
                              action=action, target=target[:200], details=details or {},
                              address=address))


def init_audit(app: Flask) -> None:
    @app.after_request
    def audit_transfers(response):
        action = AUDITED_ENDPOINTS.get(request.endpoint or "")
        success = response.status_code < 300 or (request.method == "POST"
                                                  and response.status_code in (302, 303))
        if action and success:
            project_id = (request.view_args or {}).get("project_id")
            details = {key: value for key, value in request.args.items() if len(value) < 200}
            record(action, project_id=project_id, target=request.path, details=details)
            db.session.commit()
        return response


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, _context) -> None:
    from app.models import Project

    going = {obj.id for obj in session.deleted if isinstance(obj, Project)}
    rows = [row for obj, change in _changes(session) for row in _describe(session, obj, change)
            if row["project_id"] not in going or row["project_id"] is None]
    if rows:
        user_id, username, address = _actor()
        for row in rows:
            row.update(user_id=user_id, username=username, address=address)
        # One row (a span save) as a plain execute: a list takes the driver's executemany
        # path, which costs more than the insert itself for a single row (issue 14).
        session.connection().execute(_insert_event(), rows[0] if len(rows) == 1 else rows)


@cache
def _insert_event():
    return insert(AuditEvent.__table__)  # built once, like its compiled form


@event.listens_for(Session, "do_orm_execute")
def _record_bulk_review_merge(state) -> None:
    """A review merge inserts its gold events as one bulk INSERT (app/review/gold.py
    write_merge); one audit row says who merged how many units in which project."""
    if not state.is_insert:
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) != "gold_events":
        return
    rows = state.parameters if isinstance(state.parameters, list) else [state.parameters]
    rows = [row for row in rows if isinstance(row, dict) and row.get("document_id")]
    if not rows:
        return
    session = state.session
    user_id, username, address = _actor()
    session.connection().execute(insert(AuditEvent.__table__), [{
        "at": rows[0].get("at") or _now(), "user_id": user_id, "username": username,
        "address": address, "project_id": _project_of(session, rows[0]["document_id"]),
        "action": "review_merge", "target": f"{len(rows)} gold spans",
        "details": {"documents": len({row["document_id"] for row in rows}),
                    "batch": rows[0].get("batch")}}])


def _now():
    from app.models.base import utcnow

    return utcnow()


def _changes(session: Session):
    for obj in session.new:
        yield obj, "created"
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            yield obj, "edited"
    for obj in session.deleted:
        yield obj, "deleted"


def _describe(session: Session, obj, change: str) -> list[dict]:
    from app.models.base import utcnow

    now = utcnow()
    if isinstance(obj, Span):
        return [_span_event(change, obj.id, obj.document_id, obj.annotator_id, obj.start,
                            obj.end, _project_of(session, obj.document_id), now)]
    if isinstance(obj, ProjectMember):
        action = {"created": "member_added", "edited": "role_changed",
                  "deleted": "member_removed"}[change]
        return [{"at": now, "project_id": obj.project_id, "action": action,
                 "target": f"user {obj.user_id}", "details": {"role": obj.role}}]
    if isinstance(obj, GoldEvent) and (change == "created" or (
            change == "edited" and obj.undone_at is not None
            and inspect(obj).attrs.undone_at.history.has_changes())):
        action = f"review_{obj.action}" if change == "created" else "review_undone"
        return [{"at": now, "project_id": _project_of(session, obj.document_id),
                 "action": action, "target": f"gold span {obj.gold_span_id}",
                 "details": {"document": obj.document_id, "batch": obj.batch}}]
    if isinstance(obj, DocumentReview) and change != "deleted":
        action = _review_status_change(obj)
        return [{"at": now, "project_id": _project_of(session, obj.document_id),
                 "action": action, "target": f"document {obj.document_id}",
                 "details": {}}] if action else []
    if isinstance(obj, User) and change == "edited":
        return [{"at": now, "project_id": None, "action": action,
                 "target": f"user {obj.username}", "details": {}}
                for action in _account_changes(obj)]
    if isinstance(obj, ClaimantEvent) and change == "created":
        return [{"at": now, "project_id": obj.project_id, "action": f"registry_{obj.action}",
                 "target": f"claimant {obj.claimant_id}", "details": {"summary":
                                                                      obj.summary[:200]}}]
    return []


def _span_event(change: str, span_id: int, document_id: int, annotator_id: int, start: int,
                end: int, project_id: int | None, at) -> dict:
    return {"at": at, "project_id": project_id, "action": f"span_{change}",
            "target": f"span {span_id}", "details": {"document": document_id,
                                                     "annotator": annotator_id,
                                                     "start": start, "end": end}}


def record_span_change(change: str, *, span_id: int, document_id: int, annotator_id: int,
                       start: int, end: int, project_id: int, at) -> None:
    """The audit row of a span written without the ORM (app.annotate.saves), the same row
    the flush listener writes for one written with it."""
    row = _span_event(change, span_id, document_id, annotator_id, start, end, project_id, at)
    row["user_id"], row["username"], row["address"] = _actor()
    db.session.connection().execute(_insert_event(), row)


def _review_status_change(review: DocumentReview) -> str | None:
    """Marked adjudicated, or reopened; a review opened by a first decision is not news (the
    decision is recorded)."""
    history = inspect(review).attrs.status.history
    if not history.has_changes():
        return None
    before = history.deleted[0] if history.deleted else None
    if review.status == "adjudicated":
        return "review_adjudicated"
    if before == "adjudicated":
        return "review_reopened"
    return None


def _account_changes(user: User) -> list[str]:
    """What an edit to an account changed that matters for security (not its last login)."""
    state = inspect(user)
    changed = [name for name in ("password_hash", "active", "is_admin", "project_creator")
               if state.attrs[name].history.has_changes()]
    actions = []
    if "password_hash" in changed:
        actions.append("password_changed")
    if "active" in changed:
        actions.append("account_reactivated" if user.active else "account_deactivated")
    if "is_admin" in changed:
        actions.append("admin_granted" if user.is_admin else "admin_withdrawn")
    if "project_creator" in changed:
        actions.append("creator_granted" if user.project_creator else "creator_withdrawn")
    return actions


def _project_of(session: Session, document_id: int | None) -> int | None:
    if document_id is None:
        return None
    # The service that changed the span loaded its document (permissions ask for it): read
    # the project from the session's identity map rather than with another query per save.
    document = session.identity_map.get(identity_key(Document, document_id))
    if document is not None and "project_id" in document.__dict__:
        return document.project_id
    return session.connection().scalar(
        select(Document.project_id).where(Document.id == document_id))
