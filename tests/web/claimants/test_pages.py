"""Registry pages and credibility profiles: who may see them, what they count."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Claimant, ClaimantEvent, DocumentReview, GoldSpan, User

TEXT = ("The ministry said 12 people died. A source said the dam was old. "
        "Omar saw it break. A report shows cracks.")


def user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


@pytest.fixture
def newsroom(make):
    project = make.project("Newsroom", alice="annotator", bob="annotator", rev="reviewer",
                           boss="manager")
    make.user("outsider")
    ministry = make.claimant(project, "Ministry of Defence", "government", aliases=("MoD",))
    spokesman = make.claimant(project, "Igor Konashenkov", "military")
    spokesman.affiliation = ministry
    source = make.claimant(project, "A source", "anonymous")
    source.source_type = "anonymous"
    omar = make.claimant(project, "Omar Haddad", "witness")
    db.session.commit()
    adjudicated = make.document(project, TEXT, title="Dam breaks", assign=("alice", "bob"),
                                status="submitted")
    pending = make.document(project, TEXT, title="Dam, day two", assign=("alice",),
                            status="submitted")
    open_doc = make.document(project, TEXT, title="Dam, day three", assign=("bob",))
    # Adjudicated: annotator spans are ignored, gold counts (a rejected row does not).
    make.span(adjudicated, user("alice"), 0, 32, ministry)
    db.session.add_all([
        GoldSpan(document=adjudicated, start=0, end=32, text=TEXT[0:32], claimant=spokesman,
                 evidence_type="official_statement", provenance="adjudicated"),
        GoldSpan(document=adjudicated, start=34, end=64, text=TEXT[34:64], claimant=source,
                 evidence_type="anonymous", provenance="adjudicated"),
        GoldSpan(document=adjudicated, start=66, end=83, text=TEXT[66:83], claimant=omar,
                 evidence_type="eyewitness", provenance="adjudicated", rejected=True),
        ])
    db.session.flush()
    db.session.add(DocumentReview(document_id=adjudicated.id, status="adjudicated"))
    # Not adjudicated: alice's submitted spans count.
    make.span(pending, user("alice"), 0, 32, ministry, "statistics")
    make.span(pending, user("alice"), 66, 83, omar, "eyewitness")
    make.span(pending, user("alice"), 85, 105, ministry, "document")
    # Work in progress counts nowhere.
    make.span(open_doc, user("bob"), 0, 32, ministry, "none")
    db.session.commit()
    return project, adjudicated, pending, ministry, spokesman, source, omar


def test_annotators_get_403_and_outsiders_404(client, auth, newsroom):
    project, adjudicated, *_ = newsroom
    urls = [f"/projects/{project.id}/claimants", f"/projects/{project.id}/sources",
            f"/projects/{project.id}/sources.csv",
            f"/projects/{project.id}/sources/documents/{adjudicated.id}",
            f"/projects/{project.id}/claimants/export.json",
            f"/projects/{project.id}/claimants/history"]
    for name, status in (("alice", 403), ("outsider", 404), ("rev", 200)):
        auth.login(name)
        for url in urls:
            assert client.get(url).status_code == status, (name, url)
        auth.logout()


def test_matrix_counts_gold_where_adjudicated_else_submitted_work(client, auth, newsroom):
    project, *_ = newsroom
    auth.login("rev")
    data = client.get(f"/projects/{project.id}/sources.json").get_json()
    counts = {row["label"]: row["counts"] for row in data["counts"]}
    assert counts == {
        "Igor Konashenkov": {"official_statement": 1},
        "A source": {"anonymous": 1},
        "Ministry of Defence": {"statistics": 1, "document": 1},
        "Omar Haddad": {"eyewitness": 1},
    }
    assert data["total"] == 5
    assert data["documents"] == {"adjudicated": 1, "submitted_only": 1}
    roots = client.get(f"/projects/{project.id}/sources.json?rows=root").get_json()
    assert {row["label"]: row["total"] for row in roots["counts"]} == {
        "Ministry of Defence": 3, "A source": 1, "Omar Haddad": 1}
    page = client.get(f"/projects/{project.id}/sources")
    assert page.status_code == 200 and b"<svg" in page.data
    csv_text = client.get(f"/projects/{project.id}/sources.csv").get_data(as_text=True)
    assert csv_text.splitlines()[-1].endswith(",5")


def test_matrix_filters_by_date_and_metadata(client, auth, newsroom):
    project, adjudicated, pending, *_ = newsroom
    import datetime as dt

    adjudicated.published = dt.date(2024, 5, 1)
    pending.published = dt.date(2024, 6, 1)
    pending.meta = {"outlet": "Daily"}
    db.session.commit()
    auth.login("rev")
    url = f"/projects/{project.id}/sources.json"
    assert client.get(url + "?from=2024-05-15").get_json()["total"] == 3
    assert client.get(url + "?to=2024-05-15").get_json()["total"] == 2
    assert client.get(url + "?meta_key=outlet&meta_value=Daily").get_json()["total"] == 3
    assert client.get(url + "?from=someday").status_code == 422
    assert client.get(f"/projects/{project.id}/sources?rows=nonsense").status_code == 422


def test_article_summary_indicators(client, auth, newsroom):
    project, adjudicated, pending, *_ = newsroom
    auth.login("rev")
    gold = client.get(f"/projects/{project.id}/sources/documents/{adjudicated.id}.json")
    assert {k: gold.get_json()[k] for k in ("layer", "claims", "distinct_sources",
                                            "anonymous_share", "cites_documents",
                                            "claims_without_evidence")} == {
        "layer": "gold", "claims": 2, "distinct_sources": 2, "anonymous_share": 0.5,
        "cites_documents": False, "claims_without_evidence": 0}
    submitted = client.get(
        f"/projects/{project.id}/sources/documents/{pending.id}.json").get_json()
    assert (submitted["layer"], submitted["claims"], submitted["cites_documents"]) == (
        "submitted", 3, True)
    page = client.get(f"/projects/{project.id}/sources/documents/{pending.id}")
    assert b"Sources quoted" in page.data and b"<svg" in page.data


def test_claimant_profile_counts(client, auth, newsroom):
    project, _adj, _pending, ministry, *_ = newsroom
    auth.login("rev")
    data = client.get(f"/projects/{project.id}/claimants/{ministry.id}/profile.json").get_json()
    assert (data["claims"], data["articles"]) == (2, 1)
    assert data["by_evidence"]["statistics"] == 1 and data["by_evidence"]["document"] == 1
    page = client.get(f"/projects/{project.id}/claimants/{ministry.id}")
    assert page.status_code == 200 and b"2</strong> claims" in page.data


def test_registry_page_lists_counts_and_searches_aliases(client, auth, newsroom):
    project, *_ = newsroom
    auth.login("rev")
    page = client.get(f"/projects/{project.id}/claimants?q=mod").get_data(as_text=True)
    assert "Ministry of Defence" in page and "Omar Haddad" not in page


def test_merge_and_undo_through_the_pages(client, auth, newsroom):
    project, _adj, _pending, ministry, spokesman, *_ = newsroom
    auth.login("rev")
    response = client.post(f"/projects/{project.id}/claimants/{spokesman.id}/merge",
                           data={"into": "MoD"})
    assert response.status_code == 302
    assert db.session.get(Claimant, spokesman.id) is None
    event = db.session.scalar(select(ClaimantEvent).where(ClaimantEvent.action == "merge"))
    response = client.post(f"/projects/{project.id}/claimants/history/{event.id}/undo")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Claimant, spokesman.id).affiliation_id == ministry.id


def test_refusals_name_the_field(client, auth, newsroom):
    project, _adj, _pending, ministry, spokesman, *_ = newsroom
    auth.login("rev")
    url = f"/projects/{project.id}/claimants/{spokesman.id}"
    assert client.post(url + "/merge", data={"into": "Nobody"}).status_code == 422
    renamed = client.post(url + "/rename", data={"new_name": "Ministry of Defence"})
    assert renamed.status_code == 409
    edited = client.post(url + "/edit", data={"type": "alien"})
    assert edited.status_code == 422
    assert client.get(f"/projects/{project.id}/claimants/99999").status_code == 404


def test_the_matrix_follows_changes_to_annotations_and_the_registry(client, auth, make,
                                                                    newsroom):
    project, _adj, pending, ministry, spokesman, _source, omar = newsroom
    auth.login("rev")
    url = f"/projects/{project.id}/sources.json"
    assert client.get(url).get_json()["total"] == 5
    make.span(pending, user("alice"), 34, 64, omar, "hearsay")
    project.touch()  # as every span operation does
    db.session.commit()
    data = client.get(url).get_json()
    assert data["total"] == 6
    client.post(f"/projects/{project.id}/claimants/{omar.id}/merge",
                data={"into": "Ministry of Defence"})
    labels = {row["label"] for row in client.get(url).get_json()["counts"]}
    assert "Omar Haddad" not in labels and "Ministry of Defence" in labels


def test_a_source_type_in_use_cannot_leave_the_scheme(client, auth, newsroom):
    import json

    from app.scheme import default_scheme
    from tests.web.test_project_pages import project_form

    project, *_ = newsroom  # "A source" has source type "anonymous"
    auth.login("boss")
    url = f"/projects/{project.id}/edit"

    def without(key: str) -> str:
        scheme = default_scheme().to_dict()
        scheme["source_types"] = [s for s in scheme["source_types"] if s["key"] != key]
        return json.dumps(scheme)

    response = client.post(url, data=project_form(name=project.name, scheme=without("anonymous")))
    assert response.status_code == 422
    assert "source type &#39;anonymous&#39; cannot be removed: 1 claimant(s)" in \
        response.get_data(as_text=True)
    response = client.post(url, data=project_form(name=project.name, scheme=without("study")))
    assert response.status_code == 302


def test_registry_changes_relabel_the_cached_counts(client, auth, newsroom):
    """A rename or a new affiliation changes the rows' labels (the counts by claimant are
    kept): the matrix shows the registry as it is now."""
    from app.claimants.service import edit_claimant, rename_claimant

    project, _adj, _pending, ministry, _spokesman, _source, omar = newsroom
    auth.login("rev")
    url = f"/projects/{project.id}/sources.json"
    client.get(url), client.get(url + "?rows=root")  # both cached
    rename_claimant(ministry, "Defence Ministry", user("rev"))
    edit_claimant(omar, user("rev"), affiliation_id=ministry.id)
    db.session.commit()
    counts = {row["label"]: row["total"] for row in client.get(url).get_json()["counts"]}
    assert counts == {"Igor Konashenkov": 1, "A source": 1, "Defence Ministry": 2,
                      "Omar Haddad": 1}
    roots = {row["label"]: row["total"]
             for row in client.get(url + "?rows=root").get_json()["counts"]}
    assert roots == {"Defence Ministry": 4, "A source": 1}
