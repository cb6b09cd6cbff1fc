"""Odd input to the registry and profile routes: refused with a status, never a 500."""

from __future__ import annotations

import pytest


@pytest.fixture
def setup(make, auth):
    project = make.project("P", rev="reviewer", boss="manager")
    other = make.project("Other", boss="manager")
    claimant = make.claimant(project, "Ministry of Defence")
    foreign = make.claimant(other, "Elsewhere")
    auth.login("boss")
    return project, claimant, foreign


@pytest.mark.parametrize("query", [
    "q=%00", "q=" + "x" * 5000, "page=-3", "page=abc", "status=weird", "q=%F0%9F%8C%8A",
    "page=" + "9" * 30,
])
def test_registry_list_survives_odd_queries(client, setup, query):
    project, *_ = setup
    assert client.get(f"/projects/{project.id}/claimants?{query}").status_code in (200, 422)


@pytest.mark.parametrize("query", [
    "from=2024-13-01", "to=%00", "meta_key=%00&meta_value=x", "rows=%00", "from=9999-99-99",
])
def test_matrix_refuses_odd_filters_without_a_500(client, setup, query):
    project, *_ = setup
    for suffix in ("", ".json", ".csv"):
        response = client.get(f"/projects/{project.id}/sources{suffix}?{query}")
        assert response.status_code in (200, 422), (suffix, query)


def test_other_projects_claimants_and_events_are_404(client, setup):
    project, _claimant, foreign = setup
    base = f"/projects/{project.id}/claimants"
    assert client.get(f"{base}/{foreign.id}").status_code == 404
    assert client.post(f"{base}/{foreign.id}/confirm").status_code == 404
    assert client.post(f"{base}/history/999999/undo").status_code == 404
    assert client.get(f"/projects/{project.id}/sources/documents/999999").status_code == 404
    assert client.get(f"{base}/export.xml").status_code == 404


def test_api_refuses_odd_registry_values(client, setup):
    project, claimant, foreign = setup
    url = f"/api/v1/claimants/{claimant.id}"
    for body, field in (({"affiliation_id": "x"}, "affiliation_id"),
                        ({"affiliation_id": foreign.id}, "affiliation_id"),
                        ({"affiliation_id": claimant.id}, "affiliation_id"),
                        ({"role": "r" * 400}, "role"), ({"colour": "red"}, "colour"),
                        ({"name": ""}, "name")):
        response = client.patch(url, json=body)
        assert response.status_code == 422, body
        assert response.get_json()["field"] == field, body
    merged = client.post(f"{url}/merge", json={"into": foreign.id})
    assert merged.status_code == 404
