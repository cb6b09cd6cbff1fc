"""Submitting makes my work read-only; a manager can reopen it."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Assignment, User
from tests.conftest import count_rows
from tests.web.api.conftest import span_body


def assignment(world, username: str) -> Assignment:
    user = db.session.query(User).filter_by(username=username).one()
    return db.session.query(Assignment).filter_by(document_id=world.document.id,
                                                  annotator_id=user.id).one()


def doc_url(world, action: str = "") -> str:
    return f"/api/v1/documents/{world.document.id}" + (f"/{action}" if action else "")


@pytest.fixture
def submitted_span(api, world) -> dict:
    span = api.post("alice", doc_url(world, "spans"),
                    span_body(world.document, "12 people died")).get_json()
    response = api.post("alice", doc_url(world, "submit"))
    assert response.status_code == 200
    assert response.get_json() == {"status": "submitted"}
    return span


def test_submit_records_the_time_and_touches_the_project(api, world, submitted_span):
    done = assignment(world, "alice")
    assert done.status == "submitted"
    assert done.submitted_at is not None
    db.session.refresh(world.project)
    assert world.project.changed_at >= done.submitted_at


def test_submit_without_spans_is_allowed(api, world):
    assert api.post("bob", doc_url(world, "submit")).get_json() == {"status": "submitted"}
    assert assignment(world, "bob").started_at is not None


def test_submitted_work_is_read_only(api, world, submitted_span):
    span_url = f"/api/v1/spans/{submitted_span['id']}"
    create = api.post("alice", doc_url(world, "spans"), span_body(world.document, "A witness"))
    patch = api.patch("alice", span_url, {"version": 1, "note": "late"})
    delete = api.delete("alice", span_url)
    for response in (create, patch, delete):
        assert response.status_code == 409
        assert "read-only" in response.get_json()["error"]
    assert count_rows("spans") == 1
    assert assignment(world, "alice").status == "submitted"
    assert api.post("alice", doc_url(world, "submit")).status_code == 409


def test_submitted_work_can_still_be_read(api, world, submitted_span):
    assert api.get("alice", doc_url(world)).get_json()["status"] == "submitted"
    assert len(api.get("alice", doc_url(world, "spans")).get_json()) == 1


def test_submit_needs_an_assignment(api, world):
    assert api.post("rev", doc_url(world, "submit")).status_code == 403
    assert api.post("eve", doc_url(world, "submit")).status_code == 404


def test_submit_refuses_a_body_with_fields(api, world):
    response = api.post("alice", doc_url(world, "submit"), {"status": "submitted"})
    assert response.status_code == 422
    assert assignment(world, "alice").status == "assigned"


def test_manager_reopens_and_the_annotator_can_edit_again(api, world, submitted_span):
    response = api.post("boss", doc_url(world, "reopen"), {"annotator": "alice"})
    assert response.status_code == 200
    assert response.get_json() == {"status": "in_progress"}
    reopened = assignment(world, "alice")
    assert (reopened.status, reopened.submitted_at) == ("in_progress", None)
    patched = api.patch("alice", f"/api/v1/spans/{submitted_span['id']}",
                        {"version": 1, "note": "fixed"})
    assert patched.status_code == 200


@pytest.mark.parametrize("user, status", [("alice", 403), ("rev", 403), ("eve", 404)])
def test_only_managers_reopen(api, world, submitted_span, user, status):
    assert api.post(user, doc_url(world, "reopen"), {"annotator": "alice"}).status_code \
        == status
    assert assignment(world, "alice").status == "submitted"


@pytest.mark.parametrize("body, status, field", [
    ({}, 422, "annotator"),
    ({"annotator": 7}, 422, "annotator"),
    ({"annotator": "nobody"}, 422, "annotator"),
    ({"annotator": "ali\u0000ce"}, 422, "annotator"),
    ({"annotator": "bob"}, 409, "annotator"),  # bob has not submitted
    ({"annotator": "alice", "why": "typo"}, 422, "why"),
])
def test_reopen_refusals(api, world, submitted_span, body, status, field):
    response = api.post("boss", doc_url(world, "reopen"), body)
    assert response.status_code == status
    assert response.get_json()["field"] == field
    assert assignment(world, "alice").status == "submitted"


def test_reopen_with_malformed_body_is_400(api, world, submitted_span):
    assert api.post("boss", doc_url(world, "reopen"), data=b"annotator=alice").status_code \
        == 400
