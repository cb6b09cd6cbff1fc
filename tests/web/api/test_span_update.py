"""Changing and deleting spans: versions, read-only submitted work, blindness."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.annotate import saves, service
from app.extensions import db
from app.models import Span, User
from app.permissions import span_save_access
from tests.conftest import count_rows
from tests.web.api.conftest import span_body


@pytest.fixture
def alices_span(api, world) -> dict:
    response = api.post("alice", f"/api/v1/documents/{world.document.id}/spans",
                        span_body(world.document, "12 people died"))
    assert response.status_code == 201
    return response.get_json()


def span_url(span: dict) -> str:
    return f"/api/v1/spans/{span['id']}"


def stored(span: dict) -> Span:
    return db.session.get(Span, span["id"])


def test_patch_changes_fields_and_bumps_the_version(api, world, alices_span):
    response = api.patch("alice", span_url(alices_span), {
        "version": 1, "evidence_type": "statistics", "note": "a count",
        "claimant": {"name": "Omar Haddad", "type": "witness"}})
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == 2
    assert (body["evidence_type"], body["note"], body["claimant"]["name"]) == (
        "statistics", "a count", "Omar Haddad")
    span = stored(alices_span)
    assert (span.version, span.evidence_type, span.claimant.type) == (2, "statistics", "witness")


def test_patch_moves_a_span_with_its_new_text(api, world, alices_span):
    phrase = "The ministry said 12 people died"
    response = api.patch("alice", span_url(alices_span),
                         {"version": 1, "start": 0, "end": len(phrase), "text": phrase})
    assert response.status_code == 200
    assert (stored(alices_span).start, stored(alices_span).text) == (0, phrase)


def test_patch_with_claimant_id(api, make, world, alices_span):
    other = make.claimant(world.project, "Civil Defence", "government")
    response = api.patch("alice", span_url(alices_span),
                         {"version": 1, "claimant_id": other.id})
    assert response.get_json()["claimant"] == {"id": other.id, "name": "Civil Defence",
                                               "type": "government"}


def test_patch_that_changes_nothing_keeps_the_version(api, world, alices_span):
    response = api.patch("alice", span_url(alices_span), {
        "version": 1, "evidence_type": "official_statement", "claimant": {"name": "MoD"}})
    assert response.status_code == 200
    assert response.get_json()["version"] == 1


def test_stale_version_is_409_with_the_current_span(api, world, alices_span):
    api.patch("alice", span_url(alices_span), {"version": 1, "note": "first"})
    response = api.patch("alice", span_url(alices_span), {"version": 1, "note": "second"})
    assert response.status_code == 409
    body = response.get_json()
    assert body["field"] == "version"
    assert "changed since you loaded it" in body["error"]
    assert body["current"]["note"] == "first"
    assert body["current"]["version"] == 2
    assert stored(alices_span).note == "first"


def test_concurrent_write_between_read_and_write_is_a_version_conflict(app, world,
                                                                        alices_span):
    # Another request bumps the row after this one read it: the UPDATE "WHERE version =
    # <read>" matches no row, and the save reports the span as it now is.
    alice = db.session.scalar(select(User).where(User.username == "alice"))
    access = span_save_access(alice, alices_span["id"])
    db.session.execute(update(Span).where(Span.id == alices_span["id"])
                       .values(version=Span.version + 1, note="theirs"))
    with pytest.raises(service.VersionConflict) as conflict:
        saves.update_span(access, alice, version=1, note="mine")
    assert (conflict.value.current.note, conflict.value.current.version) == ("theirs", 2)
    db.session.rollback()
    assert stored(alices_span).note == ""


@pytest.mark.parametrize("body, field", [
    ({"note": "no version"}, "version"),
    ({"version": True, "note": "x"}, "version"),
    ({"version": "1", "note": "x"}, "version"),
    ({"version": 2**70, "note": "x"}, "version"),
    ({"version": 1, "start": 0}, "text"),
    ({"version": 1, "start": 0, "end": 3, "text": "Thx"}, "text"),
    ({"version": 1, "end": 10_000, "text": "x"}, "end"),
    ({"version": 1, "evidence_type": "rumour"}, "evidence_type"),
    ({"version": 1, "note": None}, "note"),
    ({"version": 1, "claimant_id": 99999}, "claimant_id"),
    ({"version": 1, "annotator": "bob"}, "annotator"),
])
def test_invalid_patch_is_refused_and_changes_nothing(api, world, alices_span, body, field):
    response = api.patch("alice", span_url(alices_span), body)
    assert response.status_code == 422
    assert response.get_json()["field"] == field
    span = stored(alices_span)
    assert (span.version, span.note, span.start, span.evidence_type) == (
        1, "", alices_span["start"], "official_statement")


def test_patch_with_malformed_json_is_400(api, world, alices_span):
    assert api.patch("alice", span_url(alices_span), data=b"{").status_code == 400


def test_delete_removes_the_span(api, world, alices_span):
    response = api.delete("alice", span_url(alices_span))
    assert response.status_code == 204
    assert count_rows("spans") == 0
    assert api.delete("alice", span_url(alices_span)).status_code == 404


def test_another_annotator_cannot_see_change_or_delete_my_span(api, world, alices_span):
    assert api.get("bob", f"/api/v1/documents/{world.document.id}/spans").get_json() == []
    assert api.patch("bob", span_url(alices_span), {"version": 1, "note": "x"}).status_code \
        == 404
    assert api.delete("bob", span_url(alices_span)).status_code == 404
    assert api.delete("eve", span_url(alices_span)).status_code == 404
    assert stored(alices_span).note == ""
    assert count_rows("spans") == 1


def test_reviewer_and_manager_cannot_change_an_annotators_span(api, world, alices_span):
    for user in ("rev", "boss"):
        assert api.patch(user, span_url(alices_span),
                         {"version": 1, "note": "x"}).status_code == 403
        assert api.delete(user, span_url(alices_span)).status_code == 403
    assert count_rows("spans") == 1


def test_annotator_removed_from_the_project_cannot_change_old_spans(api, world, alices_span):
    from app.projects.service import remove_member

    remove_member(world.project, db.session.query(User).filter_by(username="alice").one())
    db.session.commit()
    assert api.patch("alice", span_url(alices_span),
                     {"version": 1, "note": "x"}).status_code == 404
    assert api.delete("alice", span_url(alices_span)).status_code == 404
    assert count_rows("spans") == 1


def test_span_changes_leave_the_project_row_alone(api, world, alices_span):
    db.session.refresh(world.project)
    before = world.project.changed_at
    assert api.patch("alice", span_url(alices_span),
                     {"version": 1, "note": "x"}).status_code == 200
    assert api.delete("alice", span_url(alices_span)).status_code == 204
    db.session.refresh(world.project)
    assert world.project.changed_at == before
