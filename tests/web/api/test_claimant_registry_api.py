"""The registry API: reviewers and managers manage it; annotators learn nothing of others'
proposals (404 as for a missing id) and may not change the registry (403)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Claimant, ClaimantEvent
from tests.web.api.conftest import span_body


def proposal_of(api, world, user="alice") -> int:
    response = api.post(user, f"/api/v1/documents/{world.document.id}/spans", span_body(
        world.document, "12 people died", claimant={"name": "Igor", "type": "military"}))
    return response.get_json()["claimant"]["id"]


def test_annotators_cannot_change_or_see_the_registry(api, world):
    hidden = proposal_of(api, world, "alice")
    visible = world.ministry.id
    assert api.get("bob", f"/api/v1/projects/{world.project.id}/registry").status_code == 403
    for claimant_id, status in ((hidden, 404), (visible, 403), (hidden + 1000, 404)):
        response = api.post("bob", f"/api/v1/claimants/{claimant_id}/confirm")
        assert response.status_code == status, claimant_id
    assert api.post("alice", f"/api/v1/claimants/{hidden}/confirm").status_code == 403
    assert api.post("eve", f"/api/v1/claimants/{visible}/confirm").status_code == 404


def test_reviewer_lists_confirms_renames_and_retypes(api, world):
    proposal = proposal_of(api, world)
    listed = api.get("rev", f"/api/v1/projects/{world.project.id}/registry?status=proposed")
    assert [(c["name"], c["spans"]) for c in listed.get_json()] == [("Igor", 1)]
    assert api.post("rev", f"/api/v1/claimants/{proposal}/confirm").get_json()["status"] == (
        "confirmed")
    body = api.patch("rev", f"/api/v1/claimants/{proposal}", {
        "name": "Igor Konashenkov", "type": "government", "source_type": "official",
        "affiliation_id": world.ministry.id}).get_json()
    assert (body["name"], body["type"], body["aliases"], body["affiliation_id"]) == (
        "Igor Konashenkov", "government", ["Igor"], world.ministry.id)
    refused = api.patch("rev", f"/api/v1/claimants/{proposal}", {"type": "alien"})
    assert (refused.status_code, refused.get_json()["field"]) == (422, "type")


def test_merge_and_undo_through_the_api(api, world):
    proposal = proposal_of(api, world)
    merged = api.post("rev", f"/api/v1/claimants/{proposal}/merge",
                      {"into": world.ministry.id})
    assert merged.status_code == 200
    assert db.session.get(Claimant, proposal) is None
    event = db.session.scalar(select(ClaimantEvent).where(ClaimantEvent.action == "merge"))
    undone = api.post("rev", f"/api/v1/claimant-events/{event.id}/undo")
    assert undone.status_code == 200
    assert undone.get_json()["restored"]["id"] == proposal
    assert undone.get_json()["restored"]["status"] == "proposed"
    again = api.post("rev", f"/api/v1/claimant-events/{event.id}/undo")
    assert again.status_code == 409


def test_create_and_aliases(api, world):
    created = api.post("boss", f"/api/v1/projects/{world.project.id}/registry", {
        "name": "Red Crescent", "type": "ngo", "aliases": ["SARC"]})
    assert created.status_code == 201
    claimant_id = created.get_json()["id"]
    added = api.post("rev", f"/api/v1/claimants/{claimant_id}/aliases", {"alias": "Hilal"})
    assert added.get_json()["aliases"] == ["Hilal", "SARC"]
    assert api.delete("rev", f"/api/v1/claimants/{claimant_id}/aliases?alias=SARC"
                      ).status_code == 204
    duplicate = api.post("rev", f"/api/v1/projects/{world.project.id}/registry",
                         {"name": "red crescent", "type": "ngo"})
    assert duplicate.status_code == 409
