"""A claimant created while annotating is a proposal only its creator, reviewers and managers
can see (app.permissions.visible_claimants): other annotators learn nothing of it through the
autocomplete, a typed name, a claimant_id, or an error message."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Claimant, User
from tests.conftest import count_rows
from tests.web.api.conftest import span_body

IGOR = {"name": "Igor Konashenkov", "type": "military"}


def spans_url(world) -> str:
    return f"/api/v1/documents/{world.document.id}/spans"


def search(api, world, user: str, query: str) -> list[str]:
    response = api.get(user, f"/api/v1/projects/{world.project.id}/claimants?q={query}")
    assert response.status_code == 200
    return [match["name"] for match in response.get_json()]


@pytest.fixture
def proposal(api, world) -> Claimant:
    """alice's new claimant, made by annotating."""
    response = api.post("alice", spans_url(world),
                        span_body(world.document, "12 people died", claimant=IGOR))
    assert response.status_code == 201
    return db.session.get(Claimant, response.get_json()["claimant"]["id"])


def test_a_claimant_created_while_annotating_is_alices_proposal(proposal):
    alice = db.session.query(User).filter_by(username="alice").one()
    assert (proposal.status, proposal.created_by_id) == ("proposed", alice.id)


def test_only_its_creator_reviewers_and_managers_find_a_proposal(api, world, proposal):
    assert search(api, world, "alice", "igor") == ["Igor Konashenkov"]
    assert search(api, world, "rev", "igor") == ["Igor Konashenkov"]
    assert search(api, world, "boss", "") == ["Igor Konashenkov", "Ministry of Defence"]
    assert search(api, world, "bob", "igor") == []
    assert search(api, world, "bob", "") == ["Ministry of Defence"]


def without_numbers(body: dict) -> dict:
    return {key: re.sub(r"\d+", "N", value) if isinstance(value, str) else value
            for key, value in body.items()}


def test_someone_elses_proposal_id_is_answered_as_a_missing_id(api, world, proposal):
    body = span_body(world.document, "12 people died")
    del body["claimant"]
    hidden = api.post("bob", spans_url(world), {**body, "claimant_id": proposal.id})
    missing = api.post("bob", spans_url(world), {**body, "claimant_id": proposal.id + 1000})
    assert hidden.status_code == missing.status_code == 422
    assert without_numbers(hidden.get_json()) == without_numbers(missing.get_json())
    assert count_rows("spans") == 1  # alice's only


def test_patching_to_someone_elses_proposal_is_answered_as_a_missing_id(api, world, proposal):
    bobs = api.post("bob", spans_url(world), span_body(world.document, "12 people died"))
    url = f"/api/v1/spans/{bobs.get_json()['id']}"
    hidden = api.patch("bob", url, {"version": 1, "claimant_id": proposal.id})
    missing = api.patch("bob", url, {"version": 1, "claimant_id": proposal.id + 1000})
    assert hidden.status_code == missing.status_code == 422
    assert without_numbers(hidden.get_json()) == without_numbers(missing.get_json())


def test_a_name_only_someone_elses_proposal_holds_is_new_to_bob(api, world, proposal):
    untyped = api.post("bob", spans_url(world), span_body(
        world.document, "12 people died", claimant={"name": "igor konashenkov"}))
    never_seen = api.post("bob", spans_url(world), span_body(
        world.document, "12 people died", claimant={"name": "Ivan Ivanov the Third"}))
    assert untyped.status_code == never_seen.status_code == 422
    assert untyped.get_json()["field"] == never_seen.get_json()["field"] == "claimant.type"
    assert "'igor konashenkov' is not in the registry yet" in untyped.get_json()["error"]
    # With a type, bob gets his own proposal; alice's is neither used nor revealed.
    typed = api.post("bob", spans_url(world),
                     span_body(world.document, "12 people died", claimant=IGOR))
    assert typed.status_code == 201
    bobs = typed.get_json()["claimant"]
    assert bobs["id"] != proposal.id and bobs["name"] == "Igor Konashenkov"
    assert search(api, world, "bob", "igor") == ["Igor Konashenkov"]
    assert search(api, world, "rev", "igor") == ["Igor Konashenkov", "Igor Konashenkov"]


def test_alice_reuses_her_own_proposal_by_name(api, world, proposal):
    again = api.post("alice", spans_url(world), span_body(
        world.document, "12 people died", claimant={"name": "IGOR KONASHENKOV"}))
    assert again.status_code == 201
    assert again.get_json()["claimant"]["id"] == proposal.id
    assert count_rows("claimants") == 2


def test_a_confirmed_name_wins_over_an_own_proposal_of_the_same_name(api, make, world,
                                                                     proposal):
    confirmed = make.claimant(world.project, "Igor Konashenkov", "military")
    response = api.post("alice", spans_url(world), span_body(
        world.document, "12 people died", claimant={"name": "Igor Konashenkov"}))
    assert response.get_json()["claimant"]["id"] == confirmed.id
