"""Review and gold through the API: queue, units, decisions, history, undo, merge, status."""

from __future__ import annotations

import random

import pytest

from app.agreement.units import match_units
from app.agreement_views.service import AgreementOptions, agreement_report, load_documents
from app.extensions import db
from app.models import Assignment, Document, GoldEvent, GoldSpan, Span
from app.review.units import review_document
from tests.web.review_world import TEXT, Review, build_review


@pytest.fixture
def review(make) -> Review:
    return build_review(make)


def _units(api, document_id, user="rev"):
    response = api.get(user, f"/api/v1/documents/{document_id}/review")
    assert response.status_code == 200, response.json
    return response.json["units"]


def _unit_with(units, phrase):
    return next(u for u in units if any(v["text"] == phrase for v in u["versions"]))


def _accept(api, document, unit, version=0, user="rev", **extra):
    chosen = unit["versions"][version]
    body = {"start": chosen["start"], "end": chosen["end"], "text": chosen["text"],
            "claimant_id": chosen["claimant"]["id"], "evidence_type": chosen["evidence_type"],
            "source_span_ids": [v["span_id"] for v in unit["versions"]], **extra}
    if "claimant" in extra:
        del body["claimant_id"]
    return api.post(user, f"/api/v1/documents/{document.id}/gold", body)


def test_units_are_the_agreement_units_with_states(api, review):
    units = _units(api, review.document.id)
    assert [(u["state"], u["kinds"]) for u in units] == [
        ("unanimous", []),
        ("boundary", ["boundary", "missing"]),
        ("label", ["evidence_type"]),
        ("missed", ["missing"]),
    ]
    assert _unit_with(units, "Officials declined to comment")["missing"] == ["bob", "carol"]


def test_review_units_equal_agreement_units_on_random_documents(app, make):
    rng = random.Random(7)
    users = [make.user(f"a{i}", password=None) for i in range(3)]
    project = make.project("Random", **{u.username: "annotator" for u in users})
    claimant = make.claimant(project, "Somebody", "other")
    text = "word " * 80
    for _ in range(6):
        document = make.document(project, text, assign=tuple(u.username for u in users),
                                 status="submitted")
        for user in users:
            for _ in range(rng.randint(0, 6)):
                start = rng.randrange(0, 380)
                make.span(document, user, start, start + rng.randint(1, 20), claimant,
                          rng.choice(["eyewitness", "hearsay"]))
    report = agreement_report(project)
    per_document = {entry["document"]: entry for entry in report["per_document"]}
    for loaded in load_documents(project, AgreementOptions()):
        document = db.session.get(Document, loaded.document)
        expected = [sorted(s.span_id for s in unit) for unit in match_units(loaded)]
        review = review_document(document)
        assert [sorted(u.span_ids) for u in review.units] == expected
        unanimous = sum(1 for u in review.units if not u.kinds)
        assert len(review.units) == per_document[document.id]["units"]
        assert unanimous == per_document[document.id]["disagreements"]["unanimous"]


def test_accept_a_version_records_provenance_history_and_decides_the_unit(api, review):
    unit = _unit_with(_units(api, review.document.id), "Omar Haddad")
    response = _accept(api, review.document, unit, version=1, reason="boundary_convention",
                       note="names without the appositive")
    assert response.status_code == 201, response.json
    gold = response.json
    assert (gold["text"], gold["provenance"], gold["reviewer"], gold["reason"]) == (
        "Omar Haddad", "adjudicated", "rev", "boundary_convention")
    assert gold["source_span_ids"] == sorted(v["span_id"] for v in unit["versions"])
    decided = _unit_with(_units(api, review.document.id), "Omar Haddad")
    assert decided["state"] == "decided" and decided["decision"]["id"] == gold["id"]
    [event] = db.session.query(GoldEvent).all()
    assert (event.action, event.before, event.after["text"]) == ("create", None, "Omar Haddad")


def test_a_fully_rejected_unit_counts_as_decided_and_is_not_gold(api, review):
    unit = _unit_with(_units(api, review.document.id), "Officials declined to comment")
    response = api.post("rev", f"/api/v1/documents/{review.document.id}/gold",
                        {"rejected": True, "reason": "annotator_error",
                         "source_span_ids": [v["span_id"] for v in unit["versions"]]})
    assert response.status_code == 201, response.json
    assert response.json["rejected"] is True
    assert _unit_with(_units(api, review.document.id),
                      "Officials declined to comment")["state"] == "decided"
    assert api.get("rev", f"/api/v1/documents/{review.document.id}/gold").json == []
    every = api.get("rev", f"/api/v1/documents/{review.document.id}/gold?rejected=1").json
    assert [g["rejected"] for g in every] == [True]


def test_edit_then_accept_and_add_a_missed_span(api, review):
    document = review.document
    unit = _unit_with(_units(api, document.id), "he saw the dam break at dawn")
    phrase = "saw the dam break"
    start = TEXT.index(phrase)
    response = _accept(api, document, unit, start=start, end=start + len(phrase), text=phrase,
                       evidence_type="eyewitness", claimant={"name": "Omar Haddad"})
    assert response.status_code == 201, response.json
    assert (response.json["text"], response.json["claimant"]["id"]) == (phrase, review.omar.id)
    added = api.post("rev", f"/api/v1/documents/{document.id}/gold", {
        "start": 0, "end": 12, "text": "The ministry", "claimant_id": review.ministry.id,
        "evidence_type": "official_statement"})
    assert added.status_code == 201 and added.json["provenance"] == "added"
    assert added.json["source_span_ids"] == []


def test_undo_reverts_the_newest_decision_even_after_a_reload(api, review):
    document = review.document
    units = _units(api, document.id)
    first = _accept(api, document, units[0]).json
    second = _accept(api, document, units[2]).json
    patched = api.patch("rev", f"/api/v1/gold/{second['id']}",
                        {"version": second["version"], "evidence_type": "hearsay"})
    assert patched.status_code == 200 and patched.json["evidence_type"] == "hearsay"
    assert api.delete("rev", f"/api/v1/gold/{second['id']}?version={patched.json['version']}"
                      ).status_code == 204

    assert api.post("rev", f"/api/v1/documents/{document.id}/gold/undo").status_code == 200
    restored = db.session.get(GoldSpan, second["id"])  # the delete is undone, same id
    assert (restored.evidence_type, sorted(s.id for s in restored.sources)) == (
        "hearsay", second["source_span_ids"])
    api.post("rev", f"/api/v1/documents/{document.id}/gold/undo")  # the edit
    db.session.expire_all()
    assert db.session.get(GoldSpan, second["id"]).evidence_type == "eyewitness"
    api.post("rev", f"/api/v1/documents/{document.id}/gold/undo")  # the decision itself
    assert db.session.get(GoldSpan, second["id"]) is None
    assert db.session.get(GoldSpan, first["id"]) is not None
    history = db.session.query(GoldEvent).filter(GoldEvent.undone_at.is_not(None)).count()
    assert history == 3  # undone events stay in the history
    events = api.get("rev", f"/api/v1/documents/{document.id}/gold/history").json
    assert [(e["action"], e["undone"]) for e in events] == [
        ("delete", True), ("update", True), ("create", True), ("create", False)]
    assert events[1]["before"]["evidence_type"] == "eyewitness"
    assert events[1]["after"]["evidence_type"] == "hearsay" and events[1]["user"] == "rev"
    assert api.get("alice", f"/api/v1/documents/{document.id}/gold/history").status_code == 403


def test_unanimous_then_majority_merge_and_remerge_keeps_reviewer_decisions(api, review):
    document = review.document
    url = f"/api/v1/documents/{document.id}/gold/merge"
    preview = api.post("rev", url, {"strategy": "unanimous", "dry_run": True}).json
    assert [(u["unit"], u["provenance"]) for u in preview["units"]] == [(1, "unanimous")]
    assert db.session.query(GoldSpan).count() == 0  # a preview writes nothing

    # The reviewer decides the label unit by hand, against its majority.
    label_unit = _unit_with(_units(api, document.id), "he saw the dam break at dawn")
    carol = next(i for i, v in enumerate(label_unit["versions"]) if v["evidence_type"] == "hearsay")
    mine = _accept(api, document, label_unit, version=carol).json

    merged = api.post("rev", url, {"strategy": "majority", "threshold": 0.67, "dry_run": False})
    assert [(u["unit"], u["provenance"]) for u in merged.json["units"]] == [(1, "unanimous")]
    # Boundary unit: alice and bob differ, carol silent: no version has 2/3; missed unit: 1/3.
    again = api.post("rev", url, {"strategy": "majority", "dry_run": False}).json
    assert again["units"] == []
    assert db.session.get(GoldSpan, mine["id"]).evidence_type == "hearsay"
    assert db.session.get(GoldSpan, mine["id"]).provenance == "adjudicated"


def test_majority_merge_takes_two_of_three(api, review):
    document = review.document
    strict = api.post("rev", f"/api/v1/documents/{document.id}/gold/merge",
                      {"strategy": "majority", "threshold": 0.7}).json  # a preview
    assert [u["provenance"] for u in strict["units"]] == ["unanimous"]  # 2/3 < 0.70
    merged = api.post("rev", f"/api/v1/documents/{document.id}/gold/merge",
                      {"strategy": "majority", "threshold": 0.67, "dry_run": False}).json
    by_unit = {u["unit"]: u for u in merged["units"]}
    assert by_unit[3]["provenance"] == "majority" and by_unit[3]["share"] == 0.6667
    gold = db.session.query(GoldSpan).filter_by(provenance="majority").one()
    assert gold.evidence_type == "eyewitness" and len(gold.sources) == 3
    # The merge is one batch: a single undo removes all of it.
    api.post("rev", f"/api/v1/documents/{document.id}/gold/undo")
    assert db.session.query(GoldSpan).count() == 0


def test_two_reviewers_get_409_not_a_lost_decision(api, review):
    document = review.document
    unit = _units(api, document.id)[2]
    first = _accept(api, document, unit, user="rev")
    assert first.status_code == 201
    second = _accept(api, document, unit, version=2, user="rev2")
    assert second.status_code == 409 and "rev" in second.json["error"]
    changed = api.patch("rev2", f"/api/v1/gold/{first.json['id']}",
                        {"version": first.json["version"], "note": "mine"})
    assert changed.status_code == 200
    stale = api.patch("rev", f"/api/v1/gold/{first.json['id']}",
                      {"version": first.json["version"], "note": "no, mine"})
    assert stale.status_code == 409
    assert "rev2" in stale.json["error"] and stale.json["current"]["note"] == "mine"
    assert db.session.get(GoldSpan, first.json["id"]).note == "mine"


def test_adjudicated_only_when_every_unit_is_decided_and_a_manager_reopens(api, review):
    document = review.document
    status_url = f"/api/v1/documents/{document.id}/review/status"
    early = api.post("rev", status_url, {"status": "adjudicated"})
    assert early.status_code == 409 and "4 units still undecided" in early.json["error"]
    for unit in _units(api, document.id):
        assert _accept(api, document, unit).status_code == 201
    assert api.post("rev", status_url, {"status": "adjudicated"}).json == {"status": "adjudicated"}
    locked = _accept(api, document, _units(api, document.id)[0])
    assert locked.status_code == 409
    assert api.post("rev", status_url, {"status": "in_review"}).status_code == 403
    assert api.post("boss", status_url, {"status": "in_review"}).json == {"status": "in_review"}


def test_queue_lists_reviewable_documents_worst_first_with_status(api, review, make):
    project = review.project
    calm = make.document(project, "Calm text here.", title="Calm",
                         assign=("alice", "bob"), status="submitted")
    for assignment in db.session.query(Assignment).filter_by(document_id=calm.id):
        make.span(calm, assignment.annotator, 0, 4, review.ministry, "eyewitness")
    make.document(project, "Only one annotator.", assign=("alice",), status="submitted")
    rows = api.get("rev", f"/api/v1/projects/{project.id}/review").json
    assert [row["title"] for row in rows] == ["Dam breaks", "Calm"]
    assert set(rows[0]) >= {"id", "external_id", "title", "units", "disagreements",
                            "agreement", "status"}
    assert rows[0]["status"] == "not_started" and rows[0]["units"] == 4
    assert rows[0]["disagreements"]["boundary"] == 1
    _accept(api, review.document, _units(api, review.document.id)[0])
    rows = api.get("rev", f"/api/v1/projects/{project.id}/review?status=in_review").json
    assert [(row["title"], row["reviewer"]) for row in rows] == [("Dam breaks", "rev")]
    rows = api.get("rev", f"/api/v1/projects/{project.id}/review?kind=missing").json
    assert [row["title"] for row in rows] == ["Dam breaks"]
    rows = api.get("rev", f"/api/v1/projects/{project.id}/review?evidence_type=hearsay").json
    assert [row["title"] for row in rows] == ["Dam breaks"]


def test_return_to_one_annotator_with_a_note(api, review):
    document = review.document
    response = api.post("rev", f"/api/v1/documents/{document.id}/return",
                        {"annotator": "carol", "note": "Look at the dam sentence again."})
    assert response.status_code == 200 and response.json["status"] == "in_progress"
    [row] = api.get("rev", f"/api/v1/projects/{review.project.id}/review").json
    assert row["returned"] == ["carol"]  # alice and bob still submitted: still reviewable
    assignment = db.session.query(Assignment).filter_by(document_id=document.id,
                                                        status="in_progress").one()
    assert assignment.return_note == "Look at the dam sentence again."
    assert api.post("rev", f"/api/v1/documents/{document.id}/return",
                    {"annotator": "carol", "note": ""}).status_code == 422


@pytest.mark.parametrize("user, status", [
    (None, 401), ("alice", 403), ("other", 404), ("rev", 200), ("boss", 200)])
def test_review_routes_permissions(api, review, user, status):
    document, project = review.document, review.project
    unit = _units(api, document.id)[0]
    gold = _accept(api, document, unit, user="boss").json
    calls = [
        ("GET", f"/api/v1/projects/{project.id}/review", None),
        ("GET", f"/api/v1/documents/{document.id}/review", None),
        ("GET", f"/api/v1/documents/{document.id}/gold", None),
        ("POST", f"/api/v1/documents/{document.id}/gold/merge", {"strategy": "unanimous"}),
        ("POST", f"/api/v1/projects/{project.id}/gold/merge", {"strategy": "unanimous"}),
        ("PATCH", f"/api/v1/gold/{gold['id']}", {"version": gold["version"]}),
    ]
    for method, url, body in calls:
        response = api.call(method, user, url, body)
        assert response.status_code == status, (method, url, response.json)
        if status != 200:
            assert "Omar" not in response.get_data(as_text=True)
    writes = [
        ("POST", f"/api/v1/documents/{document.id}/gold", {"start": 0}),
        ("DELETE", f"/api/v1/gold/{gold['id']}", {"version": 99}),
        ("POST", f"/api/v1/documents/{document.id}/gold/undo", None),
        ("POST", f"/api/v1/documents/{document.id}/return", {"annotator": "x", "note": "y"}),
    ]
    for method, url, body in writes:
        response = api.call(method, user, url, body)
        if status == 200:
            assert response.status_code in (200, 409, 422), (method, url, response.json)
        else:
            assert response.status_code == status, (method, url, response.json)
    assert db.session.query(Span).count() == 9
    if status != 200:  # nothing changed: the one decision is as the manager made it
        [kept] = db.session.query(GoldSpan).all()
        assert (kept.id, kept.version, kept.reviewer.username) == (gold["id"], 1, "boss")


def test_project_merge_plan_matches_each_review_page(app, make):
    """The bulk plan (one SpanTable for the project) decides exactly the units the review
    page shows as unanimous or with a qualifying majority, numbered as on the page."""
    from app.review.merge import plan_merge, reaches
    from app.review.service import reviewable_documents

    rng = random.Random(3)
    users = [make.user(f"m{i}", password=None) for i in range(3)]
    project = make.project("Plan", **{u.username: "annotator" for u in users})
    claimants = [make.claimant(project, f"C{i}", "other") for i in range(2)]
    text = "word " * 60
    for _ in range(8):
        document = make.document(project, text, assign=tuple(u.username for u in users),
                                 status="submitted")
        for position in range(0, 280, 40):
            for user in users:
                if rng.random() < 0.2:
                    continue
                start = position + rng.choice([0, 0, 0, 1])
                make.span(document, user, start, start + 10, rng.choice(claimants),
                          rng.choice(["eyewitness", "eyewitness", "hearsay"]))
    documents = reviewable_documents(project)
    for strategy, threshold in (("unanimous", 1.0), ("majority", 0.6), ("majority", 0.9)):
        planned = {(p.document_id, p.unit, p.span_id, p.provenance)
                   for p in plan_merge(documents, strategy, threshold)}
        expected = set()
        for document in documents:
            for unit in review_document(document).units:
                best, share = unit.majority(3)
                if not unit.kinds:
                    expected.add((document.id, unit.index, unit.versions[0].span.id,
                                  "unanimous"))
                elif strategy == "majority" and best is not None and reaches(share, threshold):
                    expected.add((document.id, unit.index, best.span.id, "majority"))
        assert planned == expected and planned


def test_queue_figures_equal_the_agreement_reports(app, make):
    from app.review.queue_figures import per_document_figures

    rng = random.Random(5)
    users = [make.user(f"q{i}", password=None) for i in range(3)]
    project = make.project("Figures", **{u.username: "annotator" for u in users})
    claimant = make.claimant(project, "Somebody", "other")
    for _ in range(5):
        document = make.document(project, "word " * 80, assign=tuple(u.username for u in users),
                                 status="submitted")
        for user in users:
            for _ in range(rng.randint(1, 6)):
                start = rng.randrange(0, 380)
                make.span(document, user, start, start + rng.randint(1, 20), claimant,
                          rng.choice(["eyewitness", "hearsay", "statistics"]))
    report = {e["document"]: e for e in agreement_report(project)["per_document"]}
    figures = per_document_figures(load_documents(project, AgreementOptions()))
    assert set(figures) == set(report)
    for document_id, entry in figures.items():
        expected = report[document_id]
        assert entry["units"] == expected["units"]
        assert entry["disagreements"] == expected["disagreements"]
        assert entry["annotators"] == expected["annotators"]
        assert entry["evidence_type_alpha"] == pytest.approx(expected["evidence_type_alpha"])


def test_queue_figures_are_computed_once_per_state_of_the_submitted_work(api, review,
                                                                         monkeypatch):
    # Reviewers reload the queue often; its figures are kept until the submitted work they
    # come from changes (here: work returned to an annotator), then computed again.
    import app.review.service as review_service

    calls = []
    compute = review_service.per_document_figures
    monkeypatch.setattr(review_service, "per_document_figures",
                        lambda documents: calls.append(1) or compute(documents))
    url = f"/api/v1/projects/{review.project.id}/review"
    first = api.get("rev", url).json
    assert api.get("rev", url).json == first and len(calls) == 1
    assert api.post("rev", f"/api/v1/documents/{review.document.id}/return",
                    {"annotator": "carol", "note": "Again, please."}).status_code == 200
    [row] = api.get("rev", url).json
    assert len(calls) == 2 and row["returned"] == ["carol"]
    fresh = compute(load_documents(review.project, AgreementOptions()))[review.document.id]
    assert row["agreement"] == pytest.approx(fresh["evidence_type_alpha"])  # carol's left out
    assert row["agreement"] != pytest.approx(first[0]["agreement"])
