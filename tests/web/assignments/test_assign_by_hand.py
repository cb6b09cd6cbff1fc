"""Managers assign, unassign and reassign by hand and in bulk; spans are kept and never shown
to another annotator; reviewers and managers preview documents read-only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Assignment, Span, User


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def assigned(document) -> dict[str, str]:
    db.session.expire_all()
    return {a.annotator.username: a.status for a in db.session.scalars(
        select(Assignment).where(Assignment.document_id == document.id))}


@pytest.fixture
def team(make):
    project = make.project(maria="manager", rui="reviewer", amira="annotator",
                           bruno="annotator", chen="annotator")
    make.user("outsider")
    return project


def assignment_of(document, username):
    return db.session.scalar(select(Assignment).where(
        Assignment.document_id == document.id, Assignment.annotator_id == user(username).id))


def test_manager_assigns_a_chosen_annotator(client, auth, make, team):
    document = make.document(team)
    auth.login("maria")
    page = client.get(f"/projects/{team.id}/documents").get_data(as_text=True)
    assert f'id="assign-{document.id}"' in page
    response = client.post(f"/projects/{team.id}/documents/{document.id}/assign",
                           data={"annotator": str(user("bruno").id)})
    assert response.status_code == 302
    assert assigned(document) == {"bruno": "assigned"}
    again = client.post(f"/projects/{team.id}/documents/{document.id}/assign",
                        data={"annotator": str(user("bruno").id)}, follow_redirects=True)
    assert "already assigned" in again.get_data(as_text=True)
    for not_an_annotator in ("rui", "outsider", "maria"):
        client.post(f"/projects/{team.id}/documents/{document.id}/assign",
                    data={"annotator": str(user(not_an_annotator).id)})
    client.post(f"/projects/{team.id}/documents/{document.id}/assign", data={"annotator": "x"})
    assert assigned(document) == {"bruno": "assigned"}


@pytest.mark.parametrize("username,status", [("rui", 403), ("amira", 403), ("outsider", 404)])
def test_only_managers_change_assignments(client, auth, make, team, username, status):
    document = make.document(team, assign=("amira",))
    amira_assignment = assignment_of(document, "amira")
    auth.login(username)
    bruno = str(user("bruno").id)
    requests = [
        (f"/projects/{team.id}/documents/{document.id}/assign", {"annotator": bruno}),
        (f"/projects/{team.id}/assignments/{amira_assignment.id}/unassign", {"confirm": "y"}),
        (f"/projects/{team.id}/assignments/{amira_assignment.id}/reassign",
         {"annotator": bruno, "confirm": "y"}),
        (f"/projects/{team.id}/assign-selected",
         {"document_ids": str(document.id), "annotator_ids": bruno, "per_document": "2"}),
    ]
    for path, data in requests:
        assert client.post(path, data=data).status_code == status, path
    assert assigned(document) == {"amira": "assigned"}


def test_anonymous_is_sent_to_log_in(client, make, team):
    document = make.document(team)
    assert client.post(f"/projects/{team.id}/documents/{document.id}/assign").status_code == 302
    assert client.get(f"/projects/{team.id}/documents/{document.id}/preview").status_code == 302


def test_unassign_without_spans_needs_no_confirmation(client, auth, make, team):
    document = make.document(team, assign=("amira",))
    auth.login("maria")
    response = client.post(
        f"/projects/{team.id}/assignments/{assignment_of(document, 'amira').id}/unassign")
    assert response.status_code == 302 and assigned(document) == {}


def test_unassign_with_spans_asks_then_keeps_them_hidden(app, client, auth, make, team):
    document = make.document(team, assign=("amira",))
    make.span(document, user("amira"), 4, 12)
    assignment_id = assignment_of(document, "amira").id
    auth.login("maria")
    asked = client.post(f"/projects/{team.id}/assignments/{assignment_id}/unassign")
    assert asked.status_code == 409
    assert "1 annotation(s)" in asked.get_data(as_text=True)
    assert assigned(document) == {"amira": "assigned"}
    done = client.post(f"/projects/{team.id}/assignments/{assignment_id}/unassign",
                       data={"confirm": "y"})
    assert done.status_code == 302 and assigned(document) == {}
    assert db.session.query(Span).filter_by(document_id=document.id).count() == 1
    auth.logout()
    auth.login("amira")  # no longer her document: she cannot open it or its spans
    assert client.get(f"/annotate/documents/{document.id}").status_code == 403
    assert client.get(f"/api/v1/documents/{document.id}/spans").status_code == 403


def test_reassign_hands_over_an_empty_document(client, auth, make, team):
    document = make.document(team, assign=("amira",), status="in_progress")
    make.span(document, user("amira"), 4, 12, note="amira's secret note")
    assignment_id = assignment_of(document, "amira").id
    auth.login("maria")
    bruno = str(user("bruno").id)
    asked = client.post(f"/projects/{team.id}/assignments/{assignment_id}/reassign",
                        data={"annotator": bruno})
    assert asked.status_code == 409 and assigned(document) == {"amira": "in_progress"}
    client.post(f"/projects/{team.id}/assignments/{assignment_id}/reassign",
                data={"annotator": bruno, "confirm": "y"})
    assert assigned(document) == {"bruno": "assigned"}
    auth.logout()
    auth.login("bruno")
    page = client.get(f"/annotate/documents/{document.id}")
    assert page.status_code == 200 and "secret note" not in page.get_data(as_text=True)
    spans = client.get(f"/api/v1/documents/{document.id}/spans")
    assert spans.status_code == 200 and "secret note" not in spans.get_data(as_text=True)
    assert client.get(f"/api/v1/documents/{document.id}/spans?annotator=amira"
                      ).status_code == 403
    assert db.session.query(Span).filter_by(annotator_id=user("amira").id).count() == 1


def test_reassign_gives_back_hidden_spans_when_assigned_again(client, auth, make, team):
    document = make.document(team, assign=("amira",))
    make.span(document, user("amira"), 4, 12)
    auth.login("maria")
    client.post(f"/projects/{team.id}/assignments/{assignment_of(document, 'amira').id}"
                "/unassign", data={"confirm": "y"})
    client.post(f"/projects/{team.id}/documents/{document.id}/assign",
                data={"annotator": str(user("amira").id)})
    auth.logout()
    auth.login("amira")
    assert len(client.get(f"/api/v1/documents/{document.id}/spans").get_json()) == 1


def test_bulk_assign_balances_the_chosen_annotators(client, auth, make, team):
    documents = [make.document(team) for _ in range(4)]
    other = make.document(team)
    auth.login("maria")
    response = client.post(f"/projects/{team.id}/assign-selected", data={
        "document_ids": [str(d.id) for d in documents],
        "annotator_ids": [str(user("amira").id), str(user("bruno").id)],
        "per_document": "1"})
    assert response.status_code == 302
    owners = [list(assigned(d)) for d in documents]
    assert all(len(o) == 1 for o in owners)
    flat = [o[0] for o in owners]
    assert sorted(flat) == ["amira", "amira", "bruno", "bruno"]
    assert assigned(other) == {}
    # Two each: every ticked document now has both; nobody else was touched.
    client.post(f"/projects/{team.id}/assign-selected", data={
        "document_ids": [str(d.id) for d in documents],
        "annotator_ids": [str(user("amira").id), str(user("bruno").id)],
        "per_document": "2"})
    assert all(set(assigned(d)) == {"amira", "bruno"} for d in documents)


def test_bulk_assign_refuses_bad_input(client, auth, make, team):
    document = make.document(team)
    other_project = make.project(maria="manager")
    foreign = make.document(other_project)
    auth.login("maria")
    amira = str(user("amira").id)
    for data in ({"document_ids": str(document.id), "per_document": "1"},
                 {"annotator_ids": amira, "per_document": "1"},
                 {"document_ids": str(document.id), "annotator_ids": amira, "per_document": "0"},
                 {"document_ids": str(document.id), "annotator_ids": str(user("rui").id),
                  "per_document": "1"}):
        assert client.post(f"/projects/{team.id}/assign-selected", data=data).status_code == 302
    assert client.post(f"/projects/{team.id}/assign-selected", data={
        "document_ids": str(foreign.id), "annotator_ids": amira, "per_document": "1"}
    ).status_code == 404
    assert assigned(document) == {} and assigned(foreign) == {}


@pytest.mark.parametrize("username,status", [("maria", 200), ("rui", 200), ("amira", 403),
                                             ("outsider", 404)])
def test_preview_is_for_reviewers_and_managers(client, auth, make, team, username, status):
    document = make.document(team, "Ministers said the dam holds.", title="Dam report",
                             assign=("amira",))
    auth.login(username)
    response = client.get(f"/projects/{team.id}/documents/{document.id}/preview")
    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert "Ministers said the dam holds." in page and "amira" in page
        assert "<form" not in page.split('class="project-nav"')[1].split("Log out")[0]


def test_documents_and_progress_link_to_the_preview(client, auth, make, team):
    document = make.document(team, assign=("amira",))
    other_project = make.project(maria="manager")
    foreign = make.document(other_project)
    auth.login("maria")
    preview = f"/projects/{team.id}/documents/{document.id}/preview"
    assert preview in client.get(f"/projects/{team.id}/documents").get_data(as_text=True)
    assert preview in client.get(f"/projects/{team.id}/progress").get_data(as_text=True)
    assert client.get(f"/projects/{team.id}/documents/{foreign.id}/preview").status_code == 404
