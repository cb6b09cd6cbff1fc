"""Creating spans: what is stored, and every refusal stores nothing."""

from __future__ import annotations

import json

import pytest

from app.extensions import db
from app.models import Assignment, Claimant, Span, User
from tests.conftest import count_rows
from tests.web.api.conftest import span_body


def spans_url(world) -> str:
    return f"/api/v1/documents/{world.document.id}/spans"


def alice_assignment(world) -> Assignment:
    alice = db.session.query(User).filter_by(username="alice").one()
    return db.session.query(Assignment).filter_by(
        document_id=world.document.id, annotator_id=alice.id).one()


def test_create_returns_201_with_the_stored_span(api, world):
    body = span_body(world.document, "12 people died", note="casualty figure")
    response = api.post("alice", spans_url(world), body)
    assert response.status_code == 201
    created = response.get_json()
    assert created == {
        "id": created["id"], "start": body["start"], "end": body["end"],
        "text": "12 people died",
        "claimant": {"id": world.ministry.id, "name": "Ministry of Defence",
                     "type": "government"},
        "evidence_type": "official_statement", "note": "casualty figure", "version": 1,
        "annotator": "alice"}
    stored = db.session.get(Span, created["id"])
    assert (stored.start, stored.end, stored.text) == (body["start"], body["end"],
                                                       "12 people died")


def test_first_span_starts_the_assignment_without_writing_the_project_row(api, world):
    # Saves leave the project row alone (no lock shared by every save of the project); the
    # agreement cache sees unsubmitted work by its spans (tests/web/test_agreement_api.py).
    db.session.refresh(world.project)
    before = world.project.changed_at
    api.post("alice", spans_url(world), span_body(world.document, "12 people died"))
    assignment = alice_assignment(world)
    assert assignment.status == "in_progress"
    assert assignment.started_at is not None
    db.session.refresh(world.project)
    assert world.project.changed_at == before


@pytest.mark.parametrize("name", ["mod", "DEFENCE MINISTRY", "  ministry of defence "])
def test_claimant_name_or_alias_reuses_the_registry_entry(api, world, name):
    body = span_body(world.document, "12 people died", claimant={"name": name})
    response = api.post("alice", spans_url(world), body)
    assert response.status_code == 201
    assert response.get_json()["claimant"]["id"] == world.ministry.id
    assert count_rows("claimants") == 1


def test_new_claimant_name_creates_a_claimant_of_that_type(api, world):
    body = span_body(world.document, "he saw the dam break at dawn",
                     evidence_type="eyewitness",
                     claimant={"name": "Omar Haddad", "type": "witness"})
    created = api.post("alice", spans_url(world), body).get_json()
    claimant = db.session.get(Claimant, created["claimant"]["id"])
    assert (claimant.name, claimant.type, claimant.project_id) == (
        "Omar Haddad", "witness", world.project.id)


def test_claimant_id_picks_that_claimant(api, world):
    body = span_body(world.document, "12 people died")
    del body["claimant"]
    body["claimant_id"] = world.ministry.id
    response = api.post("alice", spans_url(world), body)
    assert response.status_code == 201
    assert response.get_json()["claimant"]["name"] == "Ministry of Defence"


@pytest.mark.parametrize("text, phrase", [
    ("Rescuers 🚁 said 🌊 rose fast.", "🌊 rose fast"),
    ("قال المتحدث إن 12 شخصا لقوا حتفهم.", "12 شخصا"),
    ("Cafe\u0301 owner s\u0327aid: water came.", "water came"),  # combining marks stay
    ("👩‍👩‍👧 family said 🇾🇪 flags flew.", "🇾🇪 flags"),
])
def test_offsets_are_code_points(api, make, world, text, phrase):
    document = make.document(world.project, text, assign=("alice",))
    start = document.text.index(phrase)  # a Python index is a code point offset
    body = span_body(document, phrase)
    response = api.post("alice", f"/api/v1/documents/{document.id}/spans", body)
    assert response.status_code == 201, response.get_json()
    stored = db.session.get(Span, response.get_json()["id"])
    assert (stored.start, stored.end) == (start, start + len(phrase))
    assert document.text[stored.start:stored.end] == phrase


def test_utf16_offsets_for_astral_text_are_refused(api, make, world):
    document = make.document(world.project, "Rescuers 🚁 said the water rose.",
                             assign=("alice",))
    phrase = "said"
    start = document.text.index(phrase) + 1  # what JavaScript's indexOf would give
    body = {**span_body(document, phrase), "start": start, "end": start + len(phrase)}
    response = api.post("alice", f"/api/v1/documents/{document.id}/spans", body)
    assert response.status_code == 422
    assert response.get_json()["field"] == "text"


def _refused(api, world, body, status, field, user="alice"):
    response = api.post(user, spans_url(world), body)
    assert response.status_code == status, response.get_json()
    assert response.get_json().get("field") == field
    assert count_rows("spans") == 0
    assert count_rows("claimants") == 1
    assert alice_assignment(world).status == "assigned"
    return response.get_json()


@pytest.mark.parametrize("changes, field", [
    ({"text": "12 people"}, "text"),
    ({"text": None}, "text"),
    ({"start": -1}, "start"),
    ({"start": 5, "end": 5}, "end"),
    ({"end": 10_000}, "end"),
    ({"start": True}, "start"),
    ({"end": 20.0}, "end"),
    ({"start": "3"}, "start"),
    ({"evidence_type": "rumour"}, "evidence_type"),
    ({"evidence_type": 3}, "evidence_type"),
    ({"claimant": {"name": "Omar Haddad", "type": "alien"}}, "claimant.type"),
    ({"claimant": {"name": "Omar Haddad"}}, "claimant.type"),
    ({"claimant": {"name": "   ", "type": "witness"}}, "claimant.name"),
    ({"claimant": {"name": "x" * 301, "type": "witness"}}, "claimant.name"),
    ({"claimant": {"name": "Omar", "type": "witness", "rank": 1}}, "claimant.rank"),
    ({"claimant": "Ministry of Defence"}, "claimant"),
    ({"claimant_id": 1}, "claimant"),  # both claimant and claimant_id
    ({"note": "x" * 2001}, "note"),
    ({"note": 5}, "note"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_span_is_refused_naming_the_field(api, world, changes, field):
    body = {**span_body(world.document, "12 people died"), **changes}
    _refused(api, world, body, 422, field)


@pytest.mark.parametrize("missing", ["start", "end", "text", "evidence_type", "claimant"])
def test_missing_required_field_is_refused(api, world, missing):
    body = span_body(world.document, "12 people died")
    del body[missing]
    _refused(api, world, body, 422, missing)


def test_claimant_id_must_be_an_integer_of_this_project(api, make, world):
    stranger = make.claimant(make.project("Other"), "Stranger", "other")
    body = span_body(world.document, "12 people died")
    del body["claimant"]
    for value, status in ((stranger.id, 422), (99999, 422), (True, 422), (2**70, 422),
                          (-(2**40), 422)):
        response = api.post("alice", spans_url(world), {**body, "claimant_id": value})
        assert response.status_code == status
        assert response.get_json()["field"] == "claimant_id"
    assert count_rows("spans") == 0


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"", b"\xff\xfe{", b"null"])
def test_body_that_is_not_a_json_object_is_400(api, world, raw):
    response = api.post("alice", spans_url(world), data=raw)
    assert response.status_code == 400
    assert "error" in response.get_json()
    assert count_rows("spans") == 0


def test_read_only_span_fields_are_ignored_so_undo_can_post_a_span_back(api, world):
    created = api.post("alice", spans_url(world),
                       span_body(world.document, "12 people died")).get_json()
    api.delete("alice", f"/api/v1/spans/{created['id']}")
    restored = api.post("alice", spans_url(world), created)
    assert restored.status_code == 201
    again = restored.get_json()
    assert count_rows("spans") == 1
    assert {k: v for k, v in again.items() if k != "id"} == {
        k: v for k, v in created.items() if k != "id"}


def test_reviewer_without_assignment_cannot_create(api, world):
    response = api.post("rev", spans_url(world), span_body(world.document, "12 people died"))
    assert response.status_code == 403
    assert count_rows("spans") == 0


def test_outsider_and_unassigned_annotator_cannot_create(api, make, world):
    body = span_body(world.document, "12 people died")
    assert api.post("eve", spans_url(world), body).status_code == 404
    make.user("dan", password=None)
    from app.projects.service import set_member

    set_member(world.project, db.session.query(User).filter_by(username="dan").one(),
               "annotator")
    db.session.commit()
    assert api.post("dan", spans_url(world), body).status_code == 403
    assert count_rows("spans") == 0


def test_claimant_created_by_a_concurrent_request_is_a_409_not_a_500(api, world, monkeypatch):
    # As if another request of alice's added her proposal "Omar Haddad" between our lookup
    # and our insert (a proposed name is unique per creator).
    body = span_body(world.document, "12 people", claimant={"name": "Omar Haddad",
                                                             "type": "witness"})
    assert api.post("alice", spans_url(world), body).status_code == 201
    monkeypatch.setattr("app.claimants.search.RegistryIndex.find",
                        lambda index, name, viewer_id: None)
    response = api.post("alice", spans_url(world), body)
    assert response.status_code == 409
    assert "try again" in response.get_json()["error"]
    assert (count_rows("spans"), count_rows("claimants")) == (1, 2)


@pytest.mark.parametrize("field, raw_value", [
    ("note", '"a\\u0000b"'),  # PostgreSQL text cannot hold NUL
    ("note", '"\\ud800"'),  # a lone surrogate: valid JSON, not encodable as UTF-8
    ("claimant", '{"name": "Omar\\u0000", "type": "witness"}'),
])
def test_text_no_database_can_store_is_422(api, world, field, raw_value):
    body = span_body(world.document, "12 people died")
    body.pop(field, None)
    raw = json.dumps(body)[:-1] + f', "{field}": {raw_value}}}'
    response = api.post("alice", spans_url(world), data=raw.encode())
    assert response.status_code == 422
    assert response.get_json()["field"].startswith(field)
    assert count_rows("spans") == 0
