"""ON DELETE behaviour: what a deletion takes with it and what it must refuse to drop."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ApiToken, GoldSpan, Project, User
from tests.conftest import count_rows

PROJECT_TABLES = ("documents", "assignments", "spans", "claimants", "claimant_aliases",
                  "gold_spans", "gold_span_sources", "project_members")


@pytest.fixture
def two_projects(make):
    """Project 'Doomed' with every kind of row, and project 'Kept' with one document."""
    doomed = make.project("Doomed", alice="annotator", rev="reviewer")
    kept = make.project("Kept", alice="annotator")
    alice = db.session.query(User).filter_by(username="alice").one()
    document = make.document(doomed, "Police said the road was closed.", assign=("alice",))
    claimant = make.claimant(doomed, "Police", type="police", aliases=("the police",))
    span = make.span(document, alice, 0, 6, claimant=claimant)
    gold = GoldSpan(document=document, start=0, end=6, text="Police", claimant=claimant,
                    evidence_type="official_statement", sources=[span])
    db.session.add(gold)
    db.session.commit()
    make.document(kept, "Kept text.", assign=("alice",))
    return doomed, kept, alice


def _rows() -> dict[str, int]:
    return {table: count_rows(table) for table in PROJECT_TABLES}


def test_deleting_a_project_with_the_orm_cascades_to_its_rows_only(two_projects):
    doomed, _, _ = two_projects
    before = _rows()
    db.session.delete(doomed)
    db.session.commit()
    after = _rows()
    assert after == {"documents": 1, "assignments": 1, "spans": 0, "claimants": 0,
                     "claimant_aliases": 0, "gold_spans": 0, "gold_span_sources": 0,
                     "project_members": 1}
    assert before["spans"] == 1 and before["documents"] == 2
    assert db.session.scalars(db.select(Project.name)).all() == ["Kept"]


def test_deleting_a_project_with_sql_cascades_in_the_database(two_projects):
    doomed, _, _ = two_projects
    doomed_id = doomed.id
    db.session.expunge_all()
    db.session.execute(text("DELETE FROM projects WHERE id = :id"), {"id": doomed_id})
    db.session.commit()
    assert _rows() == {"documents": 1, "assignments": 1, "spans": 0, "claimants": 0,
                       "claimant_aliases": 0, "gold_spans": 0, "gold_span_sources": 0,
                       "project_members": 1}


def test_deleting_a_user_with_spans_is_refused(two_projects):
    _, _, alice = two_projects
    with pytest.raises(IntegrityError):
        db.session.delete(alice)
        db.session.commit()
    db.session.rollback()
    assert count_rows("users") == 2 and count_rows("spans") == 1


def test_deleting_a_user_with_assignments_only_is_refused_by_sql(make):
    project = make.project("P", bob="annotator")
    make.document(project, assign=("bob",))
    with pytest.raises(IntegrityError):
        db.session.execute(text("DELETE FROM users WHERE username = 'bob'"))
        db.session.commit()
    db.session.rollback()
    assert count_rows("users") == 1 and count_rows("assignments") == 1


def test_deleting_a_user_without_work_drops_memberships_and_tokens(make):
    make.project("P", carol="reviewer")
    carol = db.session.query(User).filter_by(username="carol").one()
    token, _ = ApiToken.issue(carol)
    db.session.add(token)
    db.session.commit()
    db.session.delete(carol)
    db.session.commit()
    assert (count_rows("users"), count_rows("project_members"), count_rows("api_tokens")) == (
        0, 0, 0)


def test_claimant_used_by_a_span_cannot_be_deleted(two_projects):
    with pytest.raises(IntegrityError):
        db.session.execute(text("DELETE FROM claimants WHERE name = 'Police'"))
        db.session.commit()
    db.session.rollback()
    assert count_rows("claimants") == 1


def test_deleting_a_reviewer_keeps_their_gold_spans(make, two_projects):
    doomed, _, _ = two_projects
    gold = db.session.scalars(db.select(GoldSpan)).one()
    reviewer = db.session.query(User).filter_by(username="rev").one()
    gold.reviewer = reviewer
    db.session.commit()
    db.session.delete(reviewer)
    db.session.commit()
    db.session.refresh(gold)
    assert gold.reviewer_id is None and count_rows("gold_spans") == 1
