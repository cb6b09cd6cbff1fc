"""The review queue and the document review page, as rendered by the server."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD
from tests.web.review_world import build_review


@pytest.fixture
def review(make):
    return build_review(make, password=PASSWORD)


def test_queue_lists_the_document_with_its_disagreements(client, auth, review):
    auth.login("rev")
    page = client.get(f"/projects/{review.project.id}/review")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/documents/{review.document.id}/review"' in html
    assert "boundary 1" in html and "missed 2" in html and "not started" in html
    filtered = client.get(f"/projects/{review.project.id}/review?kind=claimant")
    assert "Dam breaks" not in filtered.get_data(as_text=True)  # no claimant disagreement


def test_document_page_marks_every_unit_and_shows_versions_side_by_side(client, auth, review):
    auth.login("rev")
    html = client.get(f"/documents/{review.document.id}/review").get_data(as_text=True)
    states = re.findall(r'<li id="unit-(\d+)" class="unit st-(\w+)"', html)
    assert states == [("1", "unanimous"), ("2", "boundary"), ("3", "label"), ("4", "missed")]
    # The boundary difference: bob's quote inside the unit's extent, the rest struck out.
    assert '<span class="outside">A witness, </span><mark>Omar Haddad</mark>' in html
    assert "no span here" in html
    text = "".join(re.findall(r'<span class="piece[^"]*" data-start="\d+"(?: data-units="[^"]*")?>'
                              r'([^<]*)</span>', html))
    assert text == review.document.text


def test_anonymous_review_hides_usernames(client, auth, review):
    from app.extensions import db

    review.project.anonymous_review = True
    db.session.commit()
    auth.login("rev")
    html = client.get(f"/documents/{review.document.id}/review").get_data(as_text=True)
    assert "Annotator 1" in html and "Annotator 3" in html
    assert ">alice<" not in html and ">carol<" not in html


@pytest.mark.parametrize("username, status", [("alice", 403), ("other", 404)])
def test_review_pages_refuse_annotators_and_outsiders(client, auth, review, username, status):
    auth.login(username)
    assert client.get(f"/projects/{review.project.id}/review").status_code == status
    page = client.get(f"/documents/{review.document.id}/review")
    assert page.status_code == status
    assert "Omar" not in page.get_data(as_text=True)


def test_review_pages_send_anonymous_visitors_to_login(client, review):
    assert client.get(f"/projects/{review.project.id}/review").status_code == 302
    assert client.get(f"/documents/{review.document.id}/review").status_code == 302


def test_project_merge_previews_then_merges(client, auth, review):
    from app.extensions import db
    from app.models import GoldSpan

    auth.login("rev")
    url = f"/projects/{review.project.id}/review/merge"
    preview = client.post(url, data={"strategy": "unanimous"})
    assert preview.status_code == 200
    assert "1 undecided unit would go to gold" in preview.get_data(as_text=True)
    assert db.session.query(GoldSpan).count() == 0
    done = client.post(url, data={"strategy": "unanimous", "confirm": "1"})
    assert done.status_code == 302
    assert [g.provenance for g in db.session.query(GoldSpan)] == ["unanimous"]
    refused = client.post(url, data={"strategy": "majority", "threshold": "0.2"},
                          follow_redirects=True)
    assert "threshold must be a number above 0.5" in refused.get_data(as_text=True)


def test_dashboard_figures_link_into_the_review_queue_and_document(client, auth, review):
    auth.login("rev")
    html = client.get(f"/projects/{review.project.id}/agreement").get_data(as_text=True)
    queue = f"/projects/{review.project.id}/review"
    assert f'href="/documents/{review.document.id}/review"' in html  # worst documents
    assert f'href="{queue}?kind=boundary"' in html  # a disagreement kind's count
    assert f'href="{queue}?annotator=bob&amp;kind=missing"' in html  # bob missed a unit
    assert f'href="{queue}?annotator=alice&amp;kind=missing"' not in html  # alice missed none
    queue_page = client.get(f"{queue}?annotator=bob&kind=missing").get_data(as_text=True)
    assert "Dam breaks" in queue_page


def test_manager_turns_on_anonymous_review_and_scores_in_settings(client, auth, review):
    import json

    from app.extensions import db

    auth.login("boss")
    form = {"name": review.project.name, "description": "", "guidelines": "",
            "annotators_per_document": "3", "snap_to_words": "y",
            "scheme": json.dumps(review.project.scheme), "anonymous_review": "y",
            "annotators_see_scores": "y"}
    response = client.post(f"/projects/{review.project.id}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    assert review.project.anonymous_review and review.project.annotators_see_scores
    del form["anonymous_review"]
    client.post(f"/projects/{review.project.id}/edit", data=form)
    db.session.expire_all()
    assert not review.project.anonymous_review and review.project.annotators_see_scores


def test_an_annotator_sees_the_note_her_returned_work_came_back_with(client, auth, review):
    from app.extensions import db
    from app.review.service import return_to_annotator

    api_note = "Look at the dam sentence."
    return_to_annotator(review.document, "carol", api_note)
    db.session.commit()
    auth.login("carol")
    html = client.get(f"/annotate/documents/{review.document.id}").get_data(as_text=True)
    assert "Sent back by a reviewer:" in html and api_note in html
    auth.logout()
    auth.login("alice")  # still submitted: no note, and nothing of carol's
    html = client.get(f"/annotate/documents/{review.document.id}").get_data(as_text=True)
    assert "Sent back" not in html and api_note not in html


def test_guideline_gap_decisions_are_listed_for_managers_on_the_project_page(client, auth,
                                                                               review):
    from app.annotate.service import ClaimantChoice
    from app.extensions import db
    from app.models import User
    from app.review.gold import GoldInput, create_gold
    from app.review.units import review_document

    unit = review_document(review.document).units[2]
    span = unit.versions[0].span
    reviewer = db.session.query(User).filter_by(username="rev").one()
    create_gold(review.document, reviewer, GoldInput(
        start=span.start, end=span.end, text=span.text,
        claimant=ClaimantChoice(claimant_id=span.claimant_id),
        evidence_type="eyewitness", reason="guideline_gap", note="Hearsay or eyewitness?",
        source_span_ids=tuple(unit.span_ids)))
    db.session.commit()
    auth.login("boss")
    html = client.get(f"/projects/{review.project.id}").get_data(as_text=True)
    assert "Guideline gaps found in review (1)" in html and "Hearsay or eyewitness?" in html
    auth.logout()
    auth.login("rev")  # reviewers decide; the list is the managers'
    assert "Guideline gaps" not in client.get(f"/projects/{review.project.id}").get_data(
        as_text=True)
