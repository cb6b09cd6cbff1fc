"""Listing spans: my own in text order; others' only for reviewers and managers."""

from __future__ import annotations

from app.extensions import db
from app.models import User


def user(name: str) -> User:
    return db.session.query(User).filter_by(username=name).one()


def spans_url(world, annotator: str | None = None) -> str:
    url = f"/api/v1/documents/{world.document.id}/spans"
    return url + (f"?annotator={annotator}" if annotator is not None else "")


def _mark(make, world, username: str, *phrases: str) -> None:
    for phrase in phrases:
        start = world.document.text.index(phrase)
        make.span(world.document, user(username), start, start + len(phrase),
                  claimant=world.ministry)


def test_annotator_lists_own_spans_in_text_order(api, make, world):
    _mark(make, world, "alice", "Officials declined", "The ministry", "12 people")
    _mark(make, world, "bob", "A witness")
    listed = api.get("alice", spans_url(world)).get_json()
    assert [s["text"] for s in listed] == ["The ministry", "12 people", "Officials declined"]
    assert {s["annotator"] for s in listed} == {"alice"}
    assert listed[0]["claimant"] == {"id": world.ministry.id, "name": "Ministry of Defence",
                                     "type": "government"}


def test_annotator_asking_for_another_annotator_gets_403(api, make, world):
    _mark(make, world, "bob", "A witness")
    response = api.get("alice", spans_url(world, "bob"))
    assert response.status_code == 403
    assert "error" in response.get_json()


def test_annotator_may_name_themselves(api, make, world):
    _mark(make, world, "alice", "12 people")
    assert len(api.get("alice", spans_url(world, "alice")).get_json()) == 1


def test_reviewer_reads_a_named_annotators_spans(api, make, world):
    _mark(make, world, "alice", "12 people")
    _mark(make, world, "bob", "A witness", "Officials declined")
    assert [s["text"] for s in api.get("rev", spans_url(world, "bob")).get_json()] == [
        "A witness", "Officials declined"]
    assert [s["annotator"] for s in api.get("boss", spans_url(world, "alice")).get_json()] == [
        "alice"]


def test_reviewer_without_a_name_gets_their_own_spans(api, make, world):
    _mark(make, world, "alice", "12 people")
    assert api.get("rev", spans_url(world)).get_json() == []


def test_reviewer_naming_an_unknown_annotator_gets_422(api, world):
    for name in ("nobody", "eve"):
        response = api.get("rev", spans_url(world, name))
        assert response.status_code == 422
        assert response.get_json()["field"] == "annotator"


def test_outsider_cannot_probe_annotator_names(api, world):
    assert api.get("eve", spans_url(world, "alice")).status_code == 404


def test_annotator_name_with_nul_is_422(api, world):
    response = api.get("rev", spans_url(world, "al%00ice"))
    assert response.status_code == 422
    assert response.get_json()["field"] == "annotator"
