"""Projects and documents: what each role sees, and what outsiders cannot find."""

from __future__ import annotations

import datetime as dt

from app.extensions import db
from app.scheme import default_scheme


def test_projects_list_gives_my_role_and_hides_other_projects(api, make, world):
    make.project("Elsewhere", eve="annotator")
    assert api.get("bob", "/api/v1/projects").get_json() == [
        {"id": world.project.id, "name": "Newsroom", "role": "annotator"}]
    assert [p["name"] for p in api.get("eve", "/api/v1/projects").get_json()] == ["Elsewhere"]


def test_admin_sees_every_project_as_manager(api, make, world):
    make.user("root", admin=True, password=None)
    projects = api.get("root", "/api/v1/projects").get_json()
    assert projects == [{"id": world.project.id, "name": "Newsroom", "role": "manager"}]


def test_project_detail_carries_scheme_and_guidelines(api, world):
    world.project.guidelines = "# Mark every claim"
    world.project.snap_to_words = False
    db.session.commit()
    body = api.get("alice", f"/api/v1/projects/{world.project.id}").get_json()
    assert body["role"] == "annotator"
    assert body["scheme"] == default_scheme().to_dict()
    assert body["guidelines"] == "# Mark every claim"
    assert body["snap_to_words"] is False


def test_project_is_404_for_outsiders_and_unknown_ids(api, world):
    assert api.get("eve", f"/api/v1/projects/{world.project.id}").status_code == 404
    assert api.get("alice", "/api/v1/projects/99999").status_code == 404
    assert api.get("eve", f"/api/v1/projects/{world.project.id}/documents").status_code == 404
    assert api.get("eve", f"/api/v1/projects/{world.project.id}/claimants").status_code == 404


def test_annotator_lists_only_assigned_documents_with_their_status(api, world):
    url = f"/api/v1/projects/{world.project.id}/documents"
    assert api.get("alice", url).get_json() == [{
        "id": world.document.id, "external_id": world.document.external_id,
        "title": "Dam breaks", "status": "assigned"}]


def test_reviewer_lists_all_documents_with_null_status(api, world):
    url = f"/api/v1/projects/{world.project.id}/documents"
    listed = api.get("rev", url).get_json()
    assert [d["id"] for d in listed] == [world.document.id, world.unassigned.id]
    assert {d["status"] for d in listed} == {None}


def test_document_detail_gives_text_length_and_my_status(api, world):
    world.document.url = "https://example.org/dam"
    world.document.published = dt.date(2024, 5, 1)
    db.session.commit()
    body = api.get("alice", f"/api/v1/documents/{world.document.id}").get_json()
    assert body == {
        "id": world.document.id, "project_id": world.project.id,
        "external_id": world.document.external_id, "title": "Dam breaks",
        "url": "https://example.org/dam", "published": "2024-05-01",
        "text": world.document.text, "length": len(world.document.text),
        "status": "assigned"}


def test_length_counts_code_points(api, make, world):
    document = make.document(world.project, "Flood 🌊 in صنعاء", assign=("alice",))
    body = api.get("alice", f"/api/v1/documents/{document.id}").get_json()
    assert body["length"] == 16
    assert body["text"] == "Flood 🌊 in صنعاء"


def test_unassigned_document_is_403_for_an_annotator_but_readable_by_a_reviewer(api, world):
    url = f"/api/v1/documents/{world.unassigned.id}"
    assert api.get("alice", url).status_code == 403
    assert api.get("alice", url + "/spans").status_code == 403
    reviewed = api.get("rev", url)
    assert reviewed.status_code == 200
    assert reviewed.get_json()["status"] is None


def test_document_is_404_for_outsiders_and_unknown_ids(api, world):
    assert api.get("eve", f"/api/v1/documents/{world.document.id}").status_code == 404
    assert api.get("eve", f"/api/v1/documents/{world.document.id}/spans").status_code == 404
    assert api.get("alice", "/api/v1/documents/99999").status_code == 404


def test_unknown_api_route_gives_json_404(api, world):
    response = api.get("alice", "/api/v1/nothing-here")
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_wrong_method_gives_json_405(api, world):
    response = api.call("PUT", "alice", f"/api/v1/documents/{world.document.id}")
    assert response.status_code == 405
    assert "error" in response.get_json()


def test_ids_too_large_for_the_database_are_404_not_500(api, world):
    huge = 2**64
    for url in (f"/api/v1/documents/{huge}", f"/api/v1/projects/{huge}",
                f"/api/v1/documents/{huge}/spans", f"/api/v1/projects/{huge}/claimants"):
        assert api.get("alice", url).status_code == 404
    assert api.patch("alice", f"/api/v1/spans/{huge}", {"version": 1}).status_code == 404
    assert api.delete("alice", f"/api/v1/spans/{huge}").status_code == 404
