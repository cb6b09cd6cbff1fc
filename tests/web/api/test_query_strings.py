"""Query strings are validated by the operation's query schema (app/api/schemas.py): a bad
value is a 422 naming the parameter, an empty one counts as absent, unknown ones are ignored."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import GoldSpan


@pytest.mark.parametrize("query, field", [
    ("claimant=9999999999", "claimant"),  # beyond a 32-bit id: never a database error
    ("claimant=abc", "claimant"),
    ("status=done", "status"),
    ("kind=everything", "kind"),
    ("annotator=a%00b", "annotator"),  # NUL: no column can hold it
])
def test_bad_review_queue_filter_is_422_naming_it(api, world, query, field):
    response = api.get("boss", f"/api/v1/projects/{world.project.id}/review?{query}")
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["field"] == field


def test_empty_and_unknown_query_values_are_ignored(api, world):
    url = f"/api/v1/projects/{world.project.id}/review?status=&kind=&claimant=&colour=red"
    assert api.get("boss", url).status_code == 200
    response = api.get("boss", f"/api/v1/projects/{world.project.id}/registry?status=")
    assert response.status_code == 200


@pytest.mark.parametrize("query, field", [("status=maybe", "status"), ("q=%00", "q")])
def test_bad_registry_query_is_422(api, world, query, field):
    response = api.get("boss", f"/api/v1/projects/{world.project.id}/registry?{query}")
    assert response.status_code == 422
    assert response.get_json()["field"] == field


def test_claimant_search_refuses_a_nul_and_alias_removal_too(api, world):
    response = api.get("alice", f"/api/v1/projects/{world.project.id}/claimants?q=Mo%00D")
    assert (response.status_code, response.get_json()["field"]) == (422, "q")
    response = api.delete("boss", f"/api/v1/claimants/{world.ministry.id}/aliases?alias=M%00")
    assert (response.status_code, response.get_json()["field"]) == (422, "alias")


def test_gold_delete_version_from_the_query_is_a_bounded_integer(api, world):
    gold = GoldSpan(document=world.document, start=4, end=12, text=world.document.text[4:12],
                    claimant=world.ministry, evidence_type="official_statement")
    db.session.add(gold)
    db.session.commit()
    gold_id = gold.id
    url = f"/api/v1/gold/{gold_id}"
    for query in ("?version=9999999999", "?version=x", ""):
        response = api.delete("rev", url + query)
        assert (response.status_code, response.get_json()["field"]) == (422, "version"), query
    assert api.delete("rev", url + "?version=1").status_code == 204
    assert db.session.get(GoldSpan, gold_id) is None
