"""The home page's overviews are batched: the same number of statements for 1 or 5 projects."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import event

from app.extensions import db
from app.models import Project, User
from app.permissions import role_in
from app.projects.service import next_unfinished_document, project_overviews_for


def build_projects(make, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        project = make.project(f"Project {n}", alice="annotator", bob="annotator")
        make.document(project, assign=("alice", "bob"))
        make.document(project, title="Doc in progress", assign=("alice",),
                      status="in_progress")
        make.document(project, assign=("bob",), status="submitted")


def statements_for_home(app, client) -> int:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return len(statements)


def test_home_runs_as_many_statements_for_five_projects_as_for_one(app, client, auth, make):
    build_projects(make, 1)
    auth.login("alice")
    one = statements_for_home(app, client)
    build_projects(make, 4, first=1)
    assert "Project 4" in client.get("/").get_data(as_text=True)
    assert statements_for_home(app, client) == one


def test_batched_overviews_agree_with_one_project_at_a_time(app, make):
    build_projects(make, 3)
    make.project("Empty", alice="reviewer")
    alice = db.session.query(User).filter_by(username="alice").one()
    projects = db.session.query(Project).order_by(Project.name).all()
    overviews = project_overviews_for(alice, projects)
    assert [o.project for o in overviews] == projects
    for overview in overviews:
        project = overview.project
        everyone = [a for d in project.documents for a in d.assignments]
        mine = [a for a in everyone if a.annotator_id == alice.id]
        assert overview.role == role_in(alice, project)
        assert overview.documents == len(project.documents)
        assert overview.status_counts == dict(Counter(a.status for a in everyone))
        assert overview.assigned == len(mine)
        assert overview.submitted == sum(a.status == "submitted" for a in mine)
        assert overview.next_document == next_unfinished_document(alice, project)
    assert [o.assigned for o in overviews] == [0, 2, 2, 2]
    assert overviews[1].next_document.title == "Doc in progress"  # in progress comes first
    assert project_overviews_for(alice, []) == []
