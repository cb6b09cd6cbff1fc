"""Constraints the database itself enforces (on SQLite and, with TEST_DATABASE_URL, PostgreSQL).

Each refusal is paired with an accepted row built the same way, so a test cannot pass
because the insert was broken for some other reason.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import (
    Assignment,
    Claimant,
    ClaimantAlias,
    Document,
    GoldSpan,
    Project,
    ProjectMember,
    Span,
    User,
)
from app.scheme import default_scheme
from tests.conftest import count_rows
from tests.models.helpers import (
    assert_refused_on_commit,
    assert_sql_refused,
    insert_span_sql,
    now,
)


@pytest.fixture
def annotated(make):
    """A project, a document assigned to alice, and a claimant."""
    project = make.project("Constraints", alice="annotator")
    document = make.document(project, "The ministry said 12 people died.", assign=("alice",))
    claimant = make.claimant(project, "Ministry of Health")
    alice = db.session.query(User).filter_by(username="alice").one()
    return project, document, claimant, alice


def _span(document, annotator, claimant, start, end) -> Span:
    return Span(document=document, annotator=annotator, claimant=claimant, start=start,
                end=end, text=document.text[max(start, 0):end],
                evidence_type="official_statement")


# --- offsets ---------------------------------------------------------------------------------


def test_span_with_valid_offsets_is_stored(annotated):
    _, document, claimant, alice = annotated
    db.session.add(_span(document, alice, claimant, 0, 3))
    db.session.commit()
    assert count_rows("spans") == 1


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (6, 2)],
                         ids=["negative-start", "empty", "reversed"])
def test_orm_span_with_impossible_offsets_is_refused(annotated, start, end):
    _, document, claimant, alice = annotated
    assert_refused_on_commit(_span(document, alice, claimant, start, end))
    assert count_rows("spans") == 0


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (6, 2)],
                         ids=["negative-start", "empty", "reversed"])
def test_sql_span_with_impossible_offsets_is_refused(annotated, start, end):
    _, document, claimant, alice = annotated
    ids = (document.id, alice.id, claimant.id)
    db.session.execute(text(insert_span_sql(*ids, 0, 3)), {"now": now()})
    db.session.commit()
    assert_sql_refused(insert_span_sql(*ids, start, end), now=now())
    assert count_rows("spans") == 1


@pytest.mark.parametrize(("start", "end"), [(-2, 4), (4, 4), (9, 1)])
def test_gold_span_with_impossible_offsets_is_refused(annotated, start, end):
    _, document, claimant, _ = annotated
    assert_refused_on_commit(GoldSpan(document=document, claimant=claimant, start=start,
                                      end=end, text="x", evidence_type="official_statement"))
    db.session.add(GoldSpan(document=document, claimant=claimant, start=0, end=3, text="The",
                            evidence_type="official_statement"))
    db.session.commit()
    assert count_rows("gold_spans") == 1


# --- unique keys -----------------------------------------------------------------------------


def test_username_is_unique(make):
    make.user("alice")
    assert_refused_on_commit(User(username="alice"))
    assert count_rows("users") == 1


def test_project_name_is_unique(make):
    make.project("Same name")
    assert_refused_on_commit(Project(name="Same name", scheme=default_scheme().to_dict()))
    assert count_rows("projects") == 1


def _document(project, external_id):
    return Document(project=project, external_id=external_id, title="t", text="text",
                    sha256="0" * 64, meta={})


def test_external_id_is_unique_within_a_project_only(make):
    first, second = make.project("First"), make.project("Second")
    db.session.add_all([_document(first, "a-1"), _document(second, "a-1")])
    db.session.commit()
    assert_refused_on_commit(_document(first, "a-1"))
    assert count_rows("documents") == 2


def test_claimant_name_is_unique_within_a_project_only(make):
    first, second = make.project("First"), make.project("Second")
    make.claimant(first, "Police")
    make.claimant(second, "Police")
    assert_refused_on_commit(Claimant(project=first, name="Police", type="police"))
    assert count_rows("claimants") == 2


def test_alias_is_unique_per_claimant(make):
    claimant = make.claimant(make.project(), "Police", aliases=("the police",))
    assert_refused_on_commit(ClaimantAlias(claimant_id=claimant.id, alias="the police"))
    assert count_rows("claimant_aliases") == 1


def test_one_membership_per_user_and_project(make):
    project = make.project("P", alice="annotator")
    alice = db.session.query(User).filter_by(username="alice").one()
    assert_refused_on_commit(ProjectMember(project_id=project.id, user_id=alice.id,
                                           role="reviewer"))
    assert count_rows("project_members") == 1


def test_one_assignment_per_document_and_annotator(annotated):
    _, document, _, alice = annotated
    assert_refused_on_commit(Assignment(document_id=document.id, annotator_id=alice.id))
    assert count_rows("assignments") == 1


# --- CHECK constraints on enumerations -------------------------------------------------------


def test_unknown_role_is_refused(make):
    project, user = make.project("P"), make.user("bob")
    assert_refused_on_commit(ProjectMember(project_id=project.id, user_id=user.id,
                                           role="owner"))
    db.session.add(ProjectMember(project_id=project.id, user_id=user.id, role="manager"))
    db.session.commit()
    assert count_rows("project_members") == 1


def test_unknown_assignment_status_is_refused_by_sql(annotated):
    _, document, _, alice = annotated
    update = "UPDATE assignments SET status = :status WHERE annotator_id = :user"
    assert_sql_refused(update, status="done", user=alice.id)
    db.session.execute(text(update), {"status": "submitted", "user": alice.id})
    db.session.commit()
    assert db.session.scalar(text("SELECT status FROM assignments")) == "submitted"


def test_annotators_per_document_must_be_positive(make):
    assert_refused_on_commit(Project(name="Zero", scheme=default_scheme().to_dict(),
                                     annotators_per_document=0))
    assert count_rows("projects") == 0
