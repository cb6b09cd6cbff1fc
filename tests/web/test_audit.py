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
