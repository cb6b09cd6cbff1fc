"""`flask demo`: three articles, users in every role who can log in, two annotators' work;
running it again changes nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.demo import demo_path
from app.extensions import db
from app.models import Assignment, Claimant, Document, Project, ProjectMember, Span, User
from app.projects.demo import DEMO_PASSWORD, DEMO_PROJECT, DEMO_USERS
from tests.conftest import count_rows

TABLES = ("users", "projects", "project_members", "documents", "assignments", "spans",
          "claimants", "claimant_aliases", "gold_spans")



@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _rows() -> dict[str, int]:
    return {table: count_rows(table) for table in TABLES}


def _demo_lines():
    return [json.loads(line) for line in demo_path("demo.jsonl").read_text("utf-8").splitlines()
            if line.strip()]


def test_demo_loads_three_articles_with_their_annotations(demo):
    project = db.session.scalar(select(Project).where(Project.name == DEMO_PROJECT))
    documents = db.session.scalars(select(Document).where(Document.project_id == project.id))
    assert sorted(d.external_id for d in documents) == sorted(d["id"] for d in _demo_lines())
    assert count_rows("documents") == 3
    expected_spans = sum(len(d.get("annotations", [])) for d in _demo_lines())
    assert count_rows("spans") == expected_spans > 0
    annotators = set(db.session.scalars(select(User.username).join(
        Span, Span.annotator_id == User.id)))
    assert annotators == {"amira", "bruno"}
    assert project.guidelines == demo_path("guidelines.md").read_text("utf-8")


def test_demo_spans_quote_their_documents(demo):
    for span in db.session.scalars(select(Span)):
        assert span.document.text[span.start:span.end] == span.text


def test_demo_members_have_the_printed_roles(demo):
    roles = dict(db.session.execute(select(User.username, ProjectMember.role).join(
        ProjectMember, ProjectMember.user_id == User.id)).all())
    assert roles == {name: role for name, _, role, _ in DEMO_USERS}
    assert db.session.scalar(select(User.is_admin).where(User.username == "admin"))
    for username, _, role, _ in DEMO_USERS:
        assert f"{username}" in demo and role in demo


def test_demo_annotators_work_is_submitted_and_chen_has_everything_to_do(demo):
    rows = db.session.execute(
        select(User.username, Assignment.status, func.count())
        .join(Assignment, Assignment.annotator_id == User.id)
        .group_by(User.username, Assignment.status)).all()
    assert {(u, s): n for u, s, n in rows} == {
        ("amira", "submitted"): 3, ("bruno", "submitted"): 3, ("chen", "assigned"): 3}


def test_demo_registry_has_aliases_and_affiliations(demo):
    registry = json.loads(demo_path("claimants.json").read_text("utf-8"))
    assert count_rows("claimants") >= len(registry)
    assert count_rows("claimant_aliases") == sum(len(e["aliases"]) for e in registry)
    for entry in registry:
        claimant = db.session.scalar(select(Claimant).where(Claimant.name == entry["name"]))
        assert claimant.type == entry["type"]
        affiliation = claimant.affiliation.name if claimant.affiliation else None
        assert affiliation == entry["affiliation"]


def test_every_printed_login_works(demo, app, subtests):
    assert DEMO_PASSWORD in demo
    for username, _, _, _ in DEMO_USERS:
        with subtests.test(username=username):
            client = app.test_client()
            response = client.post("/login", data={"username": username,
                                                   "password": DEMO_PASSWORD})
            assert response.status_code == 302
            home = client.get("/")
            assert home.status_code == 200 and DEMO_PROJECT in home.get_data(as_text=True)


def test_running_the_demo_twice_changes_nothing(demo, runner):
    before = _rows()
    changed_at = db.session.scalar(select(Project.changed_at))
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert "password not changed" not in again.output
    db.session.expire_all()
    assert _rows() == before
    assert db.session.scalar(select(Project.changed_at)) == changed_at


def test_demo_keeps_an_existing_users_password_and_says_so(runner, make):
    make.user("maria")  # an account created before the demo, with its own password
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    maria = db.session.scalar(select(User).where(User.username == "maria"))
    assert maria.check_password("password123") and not maria.check_password(DEMO_PASSWORD)
    maria_line = next(line for line in result.output.splitlines() if "maria" in line)
    assert "password not changed" in maria_line
    amira_line = next(line for line in result.output.splitlines() if "amira" in line)
    assert "password not changed" not in amira_line


def test_demo_has_one_document_adjudicated_and_the_others_waiting_for_review(demo):
    from app.models import DocumentReview, GoldSpan
    from app.review.service import review_queue
    from app.review.units import review_document

    project = db.session.scalar(select(Project).where(Project.name == DEMO_PROJECT))
    rows = review_queue(project)
    assert sorted(row.status for row in rows) == ["adjudicated", "not_started", "not_started"]
    [done] = [row.document for row in rows if row.status == "adjudicated"]
    assert db.session.get(DocumentReview, done.id).reviewer.username == "rui"
    assert review_document(done).complete
    provenances = set(db.session.scalars(select(GoldSpan.provenance)))
    assert provenances == {"unanimous", "adjudicated"}
    assert db.session.scalar(select(func.count()).where(GoldSpan.reason == "guideline_gap")) == 1
    assert db.session.scalar(select(func.count()).where(GoldSpan.rejected.is_(True))) == 1
