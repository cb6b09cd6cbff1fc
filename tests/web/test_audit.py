"""The audit log: logins, roles, span edits, review decisions, imports and exports are
recorded, whatever path made them; managers read their project's log, admins the whole log,
as a page or as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, AuditEvent, User


def _actions(project_id=None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if project_id is not None:
        query = query.where(AuditEvent.project_id == project_id)
    return list(db.session.scalars(query))


@pytest.fixture
def study(make):
    project = make.project("Study", alice="annotator", boss="manager")
    other = make.project("Other", olga="manager")
    document = make.document(project, assign=("alice",))
    return project, other, document


def test_logins_failures_and_logouts_are_recorded_with_who_and_where(client, make):
    make.user("alice")
    client.post("/login", data={"username": "alice", "password": "wrong password"})
    client.post("/login", data={"username": "alice", "password": "password123"})
    client.post("/logout")
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [row.action for row in rows] == ["login_failed", "login", "logout"]
    assert rows[0].target == "username alice" and rows[0].username == ""
    assert rows[1].username == "alice" and rows[1].address == "127.0.0.1"
    assert "wrong password" not in str([row.details for row in rows])


def test_span_edits_through_the_api_are_recorded_in_their_project(app, study):
    project, _other, document = study
    alice = db.session.scalar(select(User).where(User.username == "alice"))
    token, plain = ApiToken.issue(alice)
    db.session.add(token)
    db.session.commit()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {plain}"}
    created = api.post(f"/api/v1/documents/{document.id}/spans", headers=headers, json={
        "start": 4, "end": 12, "text": document.text[4:12], "evidence_type": "official_statement",
        "claimant": {"name": "Ministry", "type": "government"}}).get_json()
    api.patch(f"/api/v1/spans/{created['id']}", headers=headers,
              json={"version": created["version"], "note": "checked"})
    api.delete(f"/api/v1/spans/{created['id']}", headers=headers)
    span_rows = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.like("span_%")).order_by(AuditEvent.id)).all()
    assert [row.action for row in span_rows] == ["span_created", "span_edited", "span_deleted"]
    assert {row.project_id for row in span_rows} == {project.id}
    assert {row.username for row in span_rows} == {"alice"}
    assert span_rows[0].target == f"span {created['id']}"
    # The save writes its row itself (no ORM flush); the delete's comes from the listener:
    # the same shape either way.
    expected = {"document": document.id, "annotator": alice.id, "start": 4, "end": 12}
    assert [row.details for row in span_rows] == [expected] * 3
    assert len({row.target for row in span_rows}) == 1


def test_a_role_change_from_the_command_line_is_recorded(runner, study):
    project, _other, _document = study
    result = runner.invoke(args=["projects", "add-member", "Study", "alice", "--role",
                                 "reviewer"])
    assert result.exit_code == 0, result.output
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "role_changed")).one()
    assert row.project_id == project.id and row.details == {"role": "reviewer"}
    assert row.username == "(command line)"


def test_managers_read_their_project_log_and_no_other(client, auth, study, make):
    project, other, _document = study
    auth.login("boss")
    page = client.get(f"/projects/{project.id}/audit")
    assert page.status_code == 200 and "member added" in page.get_data(as_text=True)
    assert client.get(f"/projects/{other.id}/audit").status_code == 404
    assert client.get("/admin/audit").status_code == 403


def test_annotators_cannot_read_the_log(client, auth, study):
    project, _other, _document = study
    auth.login("alice")
    assert client.get(f"/projects/{project.id}/audit").status_code == 403


def test_the_log_downloads_as_csv_without_formulas(client, auth, study, make):
    project, _other, _document = study
    db.session.add(AuditEvent(project_id=project.id, action="export", username="boss",
                              target="=HYPERLINK(\"http://x\")", details={}))
    db.session.commit()
    auth.login("boss")
    response = client.get(f"/projects/{project.id}/audit?format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["at", "username", "project_id", "action", "target", "details",
                       "address"]
    assert {row[2] for row in rows[1:]} == {str(project.id)}
    assert ["'=HYPERLINK(\"http://x\")"] == [row[4] for row in rows if row[3] == "export"]


def test_admins_read_everything_and_exports_are_recorded(client, auth, study, make):
    project, other, _document = study
    make.user("root", admin=True)
    auth.login("root")
    assert client.get(f"/api/v1/projects/{project.id}/export").status_code == 200
    body = client.get("/admin/audit").get_data(as_text=True)
    assert "export" in body and "login" in body
    rows = list(csv.reader(io.StringIO(client.get("/admin/audit?format=csv")
                                       .get_data(as_text=True))))
    projects = {row[2] for row in rows[1:]}
    assert {str(project.id), str(other.id), ""} <= projects
    assert "export" in _actions(project.id)


def test_account_changes_are_recorded_by_whoever_makes_them(client, auth, runner, make):
    make.user("root", admin=True)
    alice = make.user("alice")
    result = runner.invoke(args=["users", "set-password", "alice"],
                           input="a much longer secret 7\na much longer secret 7\n")
    assert result.exit_code == 0, result.output
    auth.login("root")
    client.post(f"/admin/users/{alice.id}/deactivate")
    rows = db.session.scalars(select(AuditEvent).where(
        AuditEvent.target == "user alice").order_by(AuditEvent.id)).all()
    assert [(row.action, row.username) for row in rows] == [
        ("password_changed", "(command line)"), ("account_deactivated", "root")]


@pytest.fixture
def reviewed(app, make):
    """A submitted document with one unit both annotators marked alike (a merge decides
    it) and one only alice marked (a reviewer decides it); rui reviews with a token."""
    project = make.project("Study", alice="annotator", bruno="annotator", rui="reviewer")
    document = make.document(project, "The ministry said 12 people died. Rain fell.",
                             assign=("alice", "bruno"), status="submitted")
    users = {u.username: u for u in db.session.scalars(select(User))}
    claimant = make.claimant(project)
    for name in ("alice", "bruno"):
        make.span(document, users[name], 0, 32, claimant)
    lone = make.span(document, users["alice"], 34, 43, claimant)
    token, plain = ApiToken.issue(users["rui"])
    db.session.add(token)
    db.session.commit()
    return project, document, lone, {"Authorization": f"Bearer {plain}"}


def _rows(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


def test_review_decisions_merges_and_adjudication_are_recorded(app, reviewed):
    project, document, lone, headers = reviewed
    api = app.test_client()
    merged = api.post(f"/api/v1/documents/{document.id}/gold/merge", headers=headers,
                      json={"strategy": "unanimous", "dry_run": False})
    assert merged.status_code == 200 and len(merged.get_json()["units"]) == 1
    decided = api.post(f"/api/v1/documents/{document.id}/gold", headers=headers, json={
        "source_span_ids": [lone.id], "rejected": True, "reason": "annotator_error"})
    assert decided.status_code == 201, decided.get_json()
    done = api.post(f"/api/v1/documents/{document.id}/review/status", headers=headers,
                    json={"status": "adjudicated"})
    assert done.status_code == 200, done.get_json()
    [merge] = _rows("review_merge")
    assert (merge.project_id, merge.username, merge.target) == (project.id, "rui",
                                                                "1 gold spans")
    [decision] = _rows("review_create")
    assert decision.project_id == project.id and decision.username == "rui"
    assert decision.target == f"gold span {decided.get_json()['id']}"
    [adjudicated] = _rows("review_adjudicated")
    assert adjudicated.target == f"document {document.id}" and adjudicated.username == "rui"
    reopened = api.post(f"/api/v1/documents/{document.id}/review/status", headers=headers,
                        json={"status": "in_review"})
    assert reopened.status_code == 403  # reopening is for managers
    assert _rows("review_reopened") == []


def test_an_undone_decision_is_recorded(app, reviewed):
    _project, document, lone, headers = reviewed
    api = app.test_client()
    decided = api.post(f"/api/v1/documents/{document.id}/gold", headers=headers, json={
        "source_span_ids": [lone.id], "rejected": True, "reason": "annotator_error"})
    assert decided.status_code == 201
    assert api.post(f"/api/v1/documents/{document.id}/gold/undo",
                    headers=headers).status_code == 200
    [undone] = _rows("review_undone")
    assert undone.username == "rui" and undone.target == f"gold span {decided.get_json()['id']}"


def test_a_claimant_merge_is_recorded(runner, reviewed, make):
    project, _document, _lone, _headers = reviewed
    make.claimant(project, "Health Ministry")
    result = runner.invoke(args=["claimants", "merge", "Study", "Health Ministry", "--into",
                                 "Ministry of Defence"])
    assert result.exit_code == 0, result.output
    [merge] = _rows("registry_merge")
    assert merge.project_id == project.id and merge.username == "(command line)"
    assert "merged Health Ministry into Ministry of Defence" in merge.details["summary"]


def test_imports_and_exports_from_the_command_line_are_recorded(runner, reviewed, tmp_path):
    project, _document, _lone, _headers = reviewed
    source = tmp_path / "more.txt"
    source.write_text("Another article.")
    for args in (["import", "Study", str(source)],
                 ["export", "Study", "--format", "csv", "--out", str(tmp_path / "a.csv")],
                 ["claimants", "export", "Study", "-o", str(tmp_path / "r.json")]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    rows = [(r.action, r.target, r.project_id) for r in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(("import", "export")))
        .order_by(AuditEvent.id))]
    assert rows == [("import", "flask import", project.id), ("export", "flask export",
                                                             project.id),
                    ("export", "flask claimants export", project.id)]
    refused = runner.invoke(args=["export", "Study", "--documents", "x"])
    assert refused.exit_code != 0
    assert len(_rows("export")) == 2  # a refused export is not one
