"""Review integrity: undo never overwrites others' work, decisions cover one whole unit, an
adjudicated gold layer stays put, odd input is refused (findings of an independent review)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import DocumentReview, GoldSpan
from tests.web.review_world import Review, build_review


@pytest.fixture
def review(make) -> Review:
    return build_review(make)


def _units(api, document_id, user="rev"):
    return api.get(user, f"/api/v1/documents/{document_id}/review").json["units"]


def _accept(api, document, unit, user="rev", **extra):
    chosen = unit["versions"][0]
    body = {"start": chosen["start"], "end": chosen["end"], "text": chosen["text"],
            "claimant_id": chosen["claimant"]["id"], "evidence_type": chosen["evidence_type"],
            "source_span_ids": [v["span_id"] for v in unit["versions"]], **extra}
    return api.post(user, f"/api/v1/documents/{document.id}/gold", body)


def test_undo_refuses_to_overwrite_a_later_change_by_another_reviewer(api, review):
    document = review.document
    mine = _accept(api, document, _units(api, document.id)[2]).json
    theirs = api.patch("rev2", f"/api/v1/gold/{mine['id']}",
                       {"version": mine["version"], "evidence_type": "hearsay"})
    assert theirs.status_code == 200
    undo = api.post("rev", f"/api/v1/documents/{document.id}/gold/undo")
    assert undo.status_code == 409 and "rev2" in undo.json["error"]
    assert db.session.get(GoldSpan, mine["id"]).evidence_type == "hearsay"  # kept


def test_a_deleted_decisions_id_is_never_reused_and_undo_restores_it(api, review):
    document = review.document
    units = _units(api, document.id)
    first = _accept(api, document, units[2]).json
    api.delete("rev", f"/api/v1/gold/{first['id']}?version={first['version']}")
    other = _accept(api, document, units[0], user="rev2").json
    assert other["id"] != first["id"]
    assert api.post("rev", f"/api/v1/documents/{document.id}/gold/undo").status_code == 200
    restored = db.session.get(GoldSpan, first["id"])
    assert sorted(s.id for s in restored.sources) == first["source_span_ids"]
    assert db.session.get(GoldSpan, other["id"]).text == other["text"]  # untouched


def test_undo_of_a_delete_refuses_when_the_unit_was_decided_again(api, review):
    document = review.document
    unit = _units(api, document.id)[2]
    first = _accept(api, document, unit).json
    api.delete("rev", f"/api/v1/gold/{first['id']}?version={first['version']}")
    assert _accept(api, document, _units(api, document.id)[2], user="rev2").status_code == 201
    undo = api.post("rev", f"/api/v1/documents/{document.id}/gold/undo")
    assert undo.status_code == 409 and "rev2" in undo.json["error"]
    assert db.session.query(GoldSpan).count() == 1


def test_a_decision_covers_exactly_one_whole_unit(api, review):
    document = review.document
    units = _units(api, document.id)
    url = f"/api/v1/documents/{document.id}/gold"
    one_span = api.post("rev", url, {"rejected": True,
                                     "source_span_ids": [units[0]["versions"][0]["span_id"]]})
    assert one_span.status_code == 422 and one_span.json["field"] == "source_span_ids"
    two_units = api.post("rev", url, {"rejected": True, "source_span_ids": [
        units[1]["versions"][0]["span_id"], units[3]["versions"][0]["span_id"]]})
    assert two_units.status_code == 422
    assert db.session.query(GoldSpan).count() == 0


def test_an_adjudicated_gold_layer_stays_put_until_work_changes_it(api, review, make):
    document = review.document
    for unit in _units(api, document.id):
        assert _accept(api, document, unit).status_code == 201
    status = f"/api/v1/documents/{document.id}/review/status"
    assert api.post("rev", status, {"status": "adjudicated"}).status_code == 200
    back = api.post("rev", f"/api/v1/documents/{document.id}/return",
                    {"annotator": "alice", "note": "again"})
    assert back.status_code == 409
    # A manager reopening an annotator's submitted work opens the review again.
    reopened = api.post("boss", f"/api/v1/documents/{document.id}/reopen",
                        {"annotator": "alice"})
    assert reopened.status_code == 200, reopened.json
    assert db.session.get(DocumentReview, document.id).status == "in_review"


def test_merge_and_adjudication_need_two_annotators_submitted_work(api, review, make):
    lonely = make.document(review.project, "Only alice read this.", assign=("alice",),
                           status="submitted")
    merge = api.post("rev", f"/api/v1/documents/{lonely.id}/gold/merge",
                     {"strategy": "unanimous", "dry_run": False})
    assert merge.status_code == 409
    done = api.post("rev", f"/api/v1/documents/{lonely.id}/review/status",
                    {"status": "adjudicated"})
    assert done.status_code == 409


def test_a_returned_two_annotator_document_stays_in_the_queue(api, make):
    for name in ("ann", "bee", "rev"):
        make.user(name, password=None)
    project = make.project("Pair", ann="annotator", bee="annotator", rev="reviewer")
    document = make.document(project, "Two read this.", assign=("ann", "bee"),
                             status="submitted")
    assert api.post("rev", f"/api/v1/documents/{document.id}/return",
                    {"annotator": "bee", "note": "check"}).status_code == 200
    [row] = api.get("rev", f"/api/v1/projects/{project.id}/review").json
    assert row["returned"] == ["bee"]


def test_a_span_added_over_a_unit_of_the_same_extent_keeps_the_page_working(api, client, auth,
                                                                            review):
    document = review.document
    missed = next(u for u in _units(api, document.id) if u["state"] == "missed")
    added = api.post("rev", f"/api/v1/documents/{document.id}/gold", {
        "start": missed["start"], "end": missed["end"],
        "text": document.text[missed["start"]:missed["end"]],
        "claimant_id": review.ministry.id, "evidence_type": "official_statement"})
    assert added.status_code == 201
    page = api.get("rev", f"/documents/{document.id}/review")
    assert page.status_code == 200


def test_anonymous_review_sends_work_back_by_label_and_names_nobody(api, review):
    review.project.anonymous_review = True
    db.session.commit()
    document = review.document
    units = _units(api, document.id)
    labels = {v["annotator"] for u in units for v in u["versions"]}
    assert labels == {"Annotator 1", "Annotator 2", "Annotator 3"}
    back = api.post("rev", f"/api/v1/documents/{document.id}/return",
                    {"annotator": "Annotator 2", "note": "check the dam sentence"})
    assert back.status_code == 200 and back.json["annotator"] == "Annotator 2"
    [row] = api.get("rev", f"/api/v1/projects/{review.project.id}/review").json
    assert row["returned"] == 1  # a count, no name


@pytest.mark.parametrize("query", ["kind=zzz", "status=done", "claimant=abc"])
def test_queue_filters_refuse_unknown_values(api, review, query):
    response = api.get("rev", f"/api/v1/projects/{review.project.id}/review?{query}")
    assert response.status_code == 422


@pytest.mark.parametrize("body", [
    {"annotator": "alice", "note": "x\u0000"}, {"annotator": "al\u0000ice", "note": "x"},
    {"annotator": 7, "note": "x"}, {"note": "x"}])
def test_return_refuses_odd_input(api, review, body):
    response = api.post("rev", f"/api/v1/documents/{review.document.id}/return", body)
    assert response.status_code == 422
