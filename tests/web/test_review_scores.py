"""Feedback against gold: figures on a hand-checked example; who may see whose."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import DocumentReview, GoldSpan
from app.review.scores import gold_comparison
from tests.factories import PASSWORD

TEXT = ("The ministry said 12 people died. A witness, Omar Haddad, said he saw the dam "
        "break at dawn. Officials declined to comment.")


@pytest.fixture
def adjudicated(make):
    users = {name: make.user(name, password=PASSWORD) for name in ("alice", "bob", "rev")}
    project = make.project("Scores", alice="annotator", bob="annotator", rev="reviewer")
    document = make.document(project, TEXT, assign=("alice", "bob"), status="submitted")
    ministry = make.claimant(project, "Ministry", "government")
    omar = make.claimant(project, "Omar Haddad", "witness")

    def span(user, phrase, claimant, evidence):
        start = TEXT.index(phrase)
        return make.span(document, users[user], start, start + len(phrase), claimant, evidence)

    span("alice", "The ministry said 12 people died", ministry, "official_statement")
    span("alice", "saw the dam break", omar, "hearsay")
    span("bob", "Officials declined to comment", ministry, "official_statement")
    for phrase, claimant, evidence, rejected in (
            ("The ministry said 12 people died", ministry, "official_statement", False),
            ("he saw the dam break at dawn", omar, "eyewitness", False),
            ("Officials declined to comment", ministry, "official_statement", False),
            ("A witness", omar, "eyewitness", True)):  # "not a claim": never gold
        start = TEXT.index(phrase)
        db.session.add(GoldSpan(document=document, reviewer=users["rev"], start=start,
                                end=start + len(phrase), text=phrase, claimant=claimant,
                                evidence_type=evidence, rejected=rejected))
    db.session.add(DocumentReview(document_id=document.id, status="adjudicated"))
    db.session.commit()
    return project


def test_scores_against_gold_on_a_hand_checked_example(adjudicated):
    result = gold_comparison(adjudicated)
    assert (result["documents"], result["gold_spans"]) == (1, 3)
    alice = result["per_annotator"]["alice"]
    # Exact: 1 of alice's 2 spans has gold's boundaries; gold has 3 spans.
    assert alice["exact"]["precision"] == pytest.approx(1 / 2)
    assert alice["exact"]["recall"] == pytest.approx(1 / 3)
    assert alice["exact"]["f1"] == pytest.approx(2 * 1 / (2 + 3))
    # Overlap: both of alice's spans overlap a gold span.
    assert alice["overlap"]["f1"] == pytest.approx(2 * 2 / (2 + 3))
    assert alice["evidence_type_accuracy"] == pytest.approx(1 / 2)  # hearsay vs eyewitness
    assert alice["claimant_accuracy"] == pytest.approx(1.0)
    bob = result["per_annotator"]["bob"]
    assert (bob["overlap"]["precision"], bob["overlap"]["recall"]) == (1.0, pytest.approx(1 / 3))


def test_reviewers_see_everyone_annotators_only_themselves_when_shared(client, auth,
                                                                      adjudicated):
    url = f"/projects/{adjudicated.id}/scores"
    auth.login("rev")
    html = client.get(url).get_data(as_text=True)
    assert ">alice<" in html and ">bob<" in html
    auth.logout()
    auth.login("alice")
    assert client.get(url).status_code == 403  # the project does not share scores
    adjudicated.annotators_see_scores = True
    db.session.commit()
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and ">alice<" in html and "bob" not in html
    assert "66.7%" in html  # alice's overlap recall, 2 of 3 gold spans


def test_dashboard_and_agreement_json_carry_the_figures_against_gold(client, auth, adjudicated):
    auth.login("rev")
    report = client.get(f"/api/v1/projects/{adjudicated.id}/agreement").get_json()
    assert report["vs_gold"]["documents"] == 1
    assert report["vs_gold"]["per_annotator"]["alice"]["overlap"]["f1"] == pytest.approx(0.8)
    html = client.get(f"/projects/{adjudicated.id}/agreement").get_data(as_text=True)
    assert "Against gold" in html and "over the 1 adjudicated document" in html
    assert "0.800" in html  # alice's overlap F1
