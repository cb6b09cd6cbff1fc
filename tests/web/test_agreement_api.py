"""GET /api/v1/projects/<id>/agreement and the service behind it (options, caching)."""

from __future__ import annotations

import pytest

import app.agreement as agreement_package
from app.agreement_views.service import AgreementOptions, agreement_report, report_cache
from app.extensions import db
from app.models import ApiToken, Assignment, Span, User
from tests.web.test_agreement_views import TEXT, agreement_project


@pytest.fixture
def project(make):
    return agreement_project(make)


@pytest.fixture
def build_calls(monkeypatch) -> list:
    """Counts calls to the real build_report, to see when the cache is used."""
    calls = []
    real = agreement_package.build_report

    def counting(*args, **kwargs):
        calls.append(kwargs.get("mode"))
        return real(*args, **kwargs)

    monkeypatch.setattr(agreement_package, "build_report", counting)
    return calls


def api_url(project, query: str = "") -> str:
    return f"/api/v1/projects/{project.id}/agreement" + (f"?{query}" if query else "")


def test_anonymous_calls_get_401_json(client, project):
    response = client.get(api_url(project))
    assert response.status_code == 401
    assert "error" in response.get_json()


def test_only_reviewers_and_managers_get_the_report(client, auth, make, project, subtests):
    make.user("stranger")
    for username, status in (("amira", 403), ("stranger", 404), ("rui", 200), ("maria", 200)):
        with subtests.test(username=username):
            auth.login(username)
            response = client.get(api_url(project))
            assert response.status_code == status
            assert response.is_json
            auth.logout()


def test_a_bearer_token_works(client, project):
    reviewer = db.session.query(User).filter_by(username="rui").one()
    token, plain = ApiToken.issue(reviewer)
    db.session.add(token)
    db.session.commit()
    response = client.get(api_url(project), headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    assert response.get_json()["annotators"] == ["amira", "bruno"]


def test_the_report_has_the_documented_shape(client, auth, project):
    auth.login("rui")
    report = client.get(api_url(project)).get_json()
    assert report["mode"] == "overlap"
    assert report["annotators"] == ["amira", "bruno"]  # chen has not submitted
    assert {"f1_exact", "f1_overlap", "unitizing_alpha"} <= set(report["spans"])
    assert {"alpha", "alpha_ci", "cohen_kappa", "confusion"} <= set(report["evidence_type"])
    assert set(report["evidence_type"]["cohen_kappa"]) == {"amira/bruno"}
    assert [d["title"] for d in report["per_document"]].count("Strikes on the market") == 1


def test_exact_mode_does_not_match_spans_with_other_boundaries(client, auth, project):
    auth.login("rui")
    overlap = client.get(api_url(project, "mode=overlap")).get_json()
    exact = client.get(api_url(project, "mode=exact")).get_json()
    assert exact["mode"] == "exact"
    # bruno's shorter rescue span is the same unit as amira's only when overlap counts.
    assert exact["units"] > overlap["units"]
    assert exact["disagreements"]["missing"] > overlap["disagreements"]["missing"]


def test_choosing_annotators_limits_the_report_to_them(client, auth, project):
    auth.login("rui")
    report = client.get(api_url(project, "annotators=amira,bruno&include_unsubmitted=1"))
    report = report.get_json()
    assert report["annotators"] == ["amira", "bruno"]  # chen's work counts, but is not chosen
    assert set(report["evidence_type"]["cohen_kappa"]) == {"amira/bruno"}
    alone = client.get(api_url(project, "annotators=amira")).get_json()
    assert alone["annotators"] == ["amira"]
    assert alone["evidence_type"]["alpha"] is None


def test_unsubmitted_work_counts_only_when_asked(client, auth, project):
    auth.login("rui")
    default = client.get(api_url(project)).get_json()
    everyone = client.get(api_url(project, "include_unsubmitted=1")).get_json()
    assert "chen" not in default["annotators"]
    assert everyone["annotators"] == ["amira", "bruno", "chen"]


def test_a_submitted_annotator_with_no_spans_still_counts(client, auth, project, make):
    quiet = make.document(project, TEXT, title="Nothing here", assign=("amira", "bruno"),
                          status="submitted")
    amira = db.session.query(User).filter_by(username="amira").one()
    make.span(quiet, amira, 0, 12)
    auth.login("rui")
    report = client.get(api_url(project)).get_json()
    entry = next(d for d in report["per_document"] if d["title"] == "Nothing here")
    assert entry["units"] == 1
    assert report["disagreements"]["missing"] >= 1  # bruno's empty submission disagrees


def test_bad_parameters_answer_422_naming_the_field(client, auth, project, subtests):
    auth.login("rui")
    for query, field in (("mode=fuzzy", "mode"),
                         ("annotators=amira,nobody", "annotators"),
                         ("annotators=rui", "annotators"),  # a reviewer is not an annotator
                         ("documents=abc", "documents"),
                         ("documents=99999", "documents"),
                         ("documents=99999999999999999999", "documents")):
        with subtests.test(query=query):
            response = client.get(api_url(project, query))
            assert response.status_code == 422
            assert response.get_json()["field"] == field


def test_annotators_of_another_project_are_unknown_here(client, auth, make, project):
    make.project("Other", outsider="annotator")
    auth.login("rui")
    response = client.get(api_url(project, "annotators=amira,outsider"))
    assert response.status_code == 422
    assert "outsider" in response.get_json()["error"]


def test_a_project_without_submitted_work_returns_nulls(client, auth, make):
    project = make.project("Empty", amira="annotator", rui="reviewer")
    make.document(project, TEXT, assign=("amira",))
    auth.login("rui")
    report = client.get(api_url(project)).get_json()
    assert report["annotators"] == [] and report["per_document"] == []
    assert report["evidence_type"]["alpha"] is None
    assert report["claimant"]["alpha"] is None
    assert report["spans"]["unitizing_alpha"] is None


def test_the_cache_is_reused_until_a_span_changes(client, auth, project, build_calls):
    auth.login("rui")
    first = client.get(api_url(project)).get_json()
    again = client.get(api_url(project)).get_json()
    assert build_calls == ["overlap"] and first == again
    client.get(api_url(project, "mode=exact"))
    assert build_calls == ["overlap", "exact"]  # another option, another entry

    db.session.delete(db.session.query(Span).filter_by(evidence_type="statistics").one())
    project.touch()
    db.session.commit()
    changed = client.get(api_url(project)).get_json()
    assert build_calls == ["overlap", "exact", "overlap"]
    assert changed != first


def test_a_submission_refreshes_the_report_even_without_touch(client, auth, project,
                                                              build_calls):
    auth.login("rui")
    before = client.get(api_url(project)).get_json()
    chen = db.session.query(User).filter_by(username="chen").one()
    assignment = db.session.query(Assignment).filter_by(annotator_id=chen.id).one()
    assignment.status = "submitted"
    db.session.commit()
    after = client.get(api_url(project)).get_json()
    assert len(build_calls) == 2
    assert "chen" not in before["annotators"] and "chen" in after["annotators"]


def test_unsubmitted_work_refreshes_the_report_that_counts_it(client, auth, project,
                                                             build_calls):
    # Span saves do not touch the project: the default report (submitted work only) stays
    # cached, the include_unsubmitted one follows chen's creates, edits and deletes.
    chen = db.session.query(User).filter_by(username="chen").one()
    document_id = db.session.query(Assignment).filter_by(annotator_id=chen.id).one().document_id
    token, plain = ApiToken.issue(chen)
    db.session.add(token)
    db.session.commit()
    as_chen = {"Authorization": f"Bearer {plain}"}
    auth.login("rui")
    url = api_url(project, "include_unsubmitted=1")
    first = client.get(url).get_json()
    default = client.get(api_url(project)).get_json()
    assert len(build_calls) == 2
    start = TEXT.index("Rescuers said")
    created = client.post(f"/api/v1/documents/{document_id}/spans", headers=as_chen, json={
        "start": start, "end": start + 8, "text": "Rescuers", "evidence_type": "hearsay",
        "claimant": {"name": "Ministry of Health"}})
    assert created.status_code == 201
    span = created.get_json()
    after_create = client.get(url).get_json()
    assert client.get(api_url(project)).get_json() == default
    assert len(build_calls) == 3  # only the report counting unsubmitted work was rebuilt
    assert after_create != first
    edited = client.patch(f"/api/v1/spans/{span['id']}", headers=as_chen,
                          json={"version": span["version"], "evidence_type": "statistics"})
    assert edited.status_code == 200
    after_edit = client.get(url).get_json()
    assert len(build_calls) == 4 and after_edit != after_create
    deleted = client.delete(f"/api/v1/spans/{span['id']}", headers=as_chen)
    assert deleted.status_code == 204
    # The spans are as they were at first: so is the key, and the first report is served.
    assert client.get(url).get_json() == first
    assert len(build_calls) == 4


def test_callers_get_their_own_copy_of_a_cached_report(app, project):
    report = agreement_report(project, AgreementOptions())
    report["annotators"].append("intruder")
    assert agreement_report(project, AgreementOptions())["annotators"] == ["amira", "bruno"]
    assert len(report_cache()) == 1
