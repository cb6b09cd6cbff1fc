"""The download page and the export API: who may download what, file names, streaming, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest

from app.extensions import db
from app.models import Claimant, GoldSpan
from app.models.review import DocumentReview

TEXT = "The ministry said 12 people died 😀. =SUM(A1) said a witness in صنعاء."


@pytest.fixture
def newsroom(make):
    project = make.project("Dam Watch 2026", alice="annotator", bob="annotator", rev="reviewer",
                           boss="manager", carol="annotator")
    users = {u.username: u for u in project_users(project)}
    document = make.document(project, TEXT, title="Dam", assign=("alice", "bob"),
                             status="submitted")
    draft = make.document(project, "Nothing yet here.", title="Draft", assign=("alice",))
    ministry = make.claimant(project, "Ministry of Water", "government", aliases=("MoW",))
    spokesman = make.claimant(project, "Omar Haddad", "witness")
    spokesman.affiliation = ministry
    db.session.commit()
    make.span(document, users["alice"], 4, 12, ministry, "official_statement")
    make.span(document, users["bob"], 18, 32, spokesman, "statistics", note="-careful")
    witness = TEXT.index("=SUM(A1)")
    make.span(document, users["bob"], witness, witness + 8, spokesman, "eyewitness")
    make.span(draft, users["alice"], 0, 7, ministry)
    db.session.add(GoldSpan(document=document, start=4, end=12, text="ministry",
                            claimant=ministry, evidence_type="official_statement",
                            provenance="unanimous"))
    db.session.add(GoldSpan(document=document, start=18, end=32, text=TEXT[18:32],
                            claimant=spokesman, evidence_type="statistics", rejected=True,
                            provenance="adjudicated", reason="other"))
    db.session.commit()
    return project


def project_users(project):
    return [member.user for member in project.members]


def download(client, auth, project, username, **args):
    auth.logout()
    auth.login(username)
    return client.get(f"/projects/{project.id}/downloads/file", query_string=args)


def jsonl_records(response) -> list[dict]:
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def test_manager_downloads_jsonl_with_registry_spans_and_gold(client, auth, newsroom):
    response = download(client, auth, newsroom, "boss", format="jsonl", layer="all")
    assert response.status_code == 200
    assert response.is_streamed
    today = dt.date.today().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="dam-watch-2026_all_{today}.jsonl"')
    records = jsonl_records(response)
    registry = [r["claimant"] for r in records if "claimant" in r]
    assert {c["name"]: (c["aliases"], c["affiliation"]) for c in registry} == {
        "Ministry of Water": (["MoW"], None), "Omar Haddad": ([], "Ministry of Water")}
    [document] = [r for r in records if "text" in r]  # the draft has no submitted work
    assert [(a["annotator"], a["text"]) for a in document["annotations"]] == [
        ("alice", "ministry"), ("bob", TEXT[18:32]), ("bob", "=SUM(A1)")]
    # Only the gold layer: the rejected decision is not gold.
    assert [(g["text"], g["provenance"]) for g in document["gold"]] == [("ministry", "unanimous")]


def test_scope_all_includes_drafts_and_adjudicated_only_reviewed(client, auth, newsroom):
    everything = jsonl_records(download(client, auth, newsroom, "rev", scope="all"))
    assert [d["title"] for d in everything if "title" in d] == ["Dam", "Draft"]
    none = jsonl_records(download(client, auth, newsroom, "rev", scope="adjudicated"))
    assert [d for d in none if "title" in d] == []
    dam = db.session.query(GoldSpan).first().document
    db.session.add(DocumentReview(document_id=dam.id, status="adjudicated"))
    db.session.commit()
    reviewed = jsonl_records(download(client, auth, newsroom, "rev", scope="adjudicated"))
    assert [d["title"] for d in reviewed if "title" in d] == ["Dam"]


def test_annotator_downloads_only_their_own_spans(client, auth, newsroom):
    response = download(client, auth, newsroom, "alice", scope="all")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "_annotators_" in response.headers["Content-Disposition"]
    documents = [r for r in jsonl_records(response) if "title" in r]
    assert {a["annotator"] for d in documents for a in d["annotations"]} == {"alice"}
    assert all(d["gold"] == [] for d in documents)
    assert "bob" not in body and "=SUM(A1)" not in body.split('"text"')[0]


def test_annotator_cannot_download_gold_or_everyone(client, auth, newsroom):
    for layer in ("gold", "all"):
        response = download(client, auth, newsroom, "alice", layer=layer)
        assert response.status_code == 403
        assert "own work" in response.get_data(as_text=True)


def test_annotator_sees_no_document_assigned_to_others(client, auth, newsroom, make):
    response = download(client, auth, newsroom, "carol", scope="all")
    assert [r for r in jsonl_records(response) if "title" in r] == []


@pytest.mark.skipif(not hasattr(Claimant, "status"), reason="the registry has no proposals yet")
def test_annotator_never_sees_another_annotators_proposed_claimant(client, auth, newsroom, make):
    bob = next(u for u in project_users(newsroom) if u.username == "bob")
    db.session.add(Claimant(project=newsroom, name="Secret Source", type="witness",
                            status="proposed", created_by_id=bob.id))
    db.session.commit()
    assert "Secret Source" not in download(client, auth, newsroom, "alice", scope="all").text
    assert "Secret Source" in download(client, auth, newsroom, "boss", scope="all").text


def test_outsider_gets_404_and_bad_values_422_naming_the_field(client, auth, newsroom, make):
    make.user("eve")
    assert download(client, auth, newsroom, "eve").status_code == 404
    response = download(client, auth, newsroom, "boss", format="docx")
    assert response.status_code == 422
    assert "format must be one of" in response.get_data(as_text=True)
    response = download(client, auth, newsroom, "boss", documents="doc-1,no-such-doc")
    assert response.status_code == 422
    assert "no-such-doc" in response.get_data(as_text=True)


def test_document_filter_keeps_only_the_named_documents(client, auth, newsroom):
    dam = db.session.query(GoldSpan).first().document
    records = jsonl_records(download(client, auth, newsroom, "boss", scope="all",
                                     documents=dam.external_id))
    assert [d["id"] for d in records if "title" in d] == [dam.external_id]


def test_csv_has_one_span_per_row_neutralises_formulas_and_offers_a_bom(client, auth, newsroom):
    response = download(client, auth, newsroom, "boss", format="csv", excel="1")
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["layer"], r["annotator"], r["text"]) for r in rows] == [
        ("annotator", "alice", "ministry"), ("annotator", "bob", TEXT[18:32]),
        ("annotator", "bob", "'=SUM(A1)"), ("gold", "", "ministry")]
    assert rows[1]["note"] == "'-careful"
    assert rows[1]["affiliation"] == "Ministry of Water"
    assert rows[0]["start"] == "4" and rows[3]["provenance"] == "unanimous"
    plain = download(client, auth, newsroom, "boss", format="csv").get_data()
    assert plain.startswith(b"document_id,title,layer,annotator,start,end,text,")


def test_download_page_offers_annotators_only_their_own_work(client, auth, newsroom):
    auth.login("alice")
    page = client.get(f"/projects/{newsroom.id}/downloads").get_data(as_text=True)
    assert "My own spans" in page and "Gold (adjudicated) layer" not in page
    auth.logout()
    auth.login("boss")
    page = client.get(f"/projects/{newsroom.id}/downloads").get_data(as_text=True)
    assert "Gold (adjudicated) layer" in page and 'href="/projects/' in page


def test_agreement_report_downloads_as_json_and_csv_for_reviewers_only(client, auth, newsroom):
    response = download(client, auth, newsroom, "rev", format="agreement-json")
    assert response.status_code == 200
    assert "_agreement_" in response.headers["Content-Disposition"]
    report = json.loads(response.get_data())
    assert report["annotators"] == ["alice", "bob"] and report["documents"] == 1
    rows = list(csv.reader(io.StringIO(
        download(client, auth, newsroom, "rev", format="agreement-csv").get_data(as_text=True))))
    assert rows[0] == ["measure", "value"]
    figures = dict(rows[1:])
    assert figures["documents"] == "1" and figures["annotators[0]"] == "alice"
    assert float(figures["spans.f1_overlap"]) == report["spans"]["f1_overlap"]
    assert download(client, auth, newsroom, "alice", format="agreement-csv").status_code == 403


def test_review_page_links_a_download_of_that_document_only(client, auth, newsroom, make):
    quiet = make.document(newsroom, "A quiet day at the dam.", title="Quiet",
                          assign=("alice",), status="submitted")
    auth.logout()
    auth.login("rev")
    page = client.get(f"/documents/{quiet.id}/review").get_data(as_text=True)
    match = re.search(r'href="([^"]*/downloads/file[^"]*)"[^>]*download>', page)
    assert match, page[:2000]
    response = client.get(match.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert [d["id"] for d in jsonl_records(response) if "title" in d] == [quiet.external_id]


def test_the_excel_box_of_the_downloads_page_sends_a_value_that_turns_it_on(client, auth,
                                                                            newsroom):
    auth.login("boss")
    page = client.get(f"/projects/{newsroom.id}/downloads").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="excel"[^>]*>', page).group(0)
    sent = re.search(r'value="([^"]*)"', box).group(1)
    response = download(client, auth, newsroom, "boss", format="csv", excel=sent)
    assert response.get_data().startswith("\ufeff".encode())
