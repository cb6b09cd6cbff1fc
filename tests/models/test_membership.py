"""app.permissions.project_member: the one membership lookup behind role_in and the services."""

from __future__ import annotations

from app.extensions import db
from app.models import User
from app.permissions import project_member, role_in


def test_member_row_for_members_only(app, make):
    project = make.project("p", alice="annotator", rev="reviewer")
    alice = db.session.query(User).filter_by(username="alice").one()
    member = project_member(alice, project)
    assert (member.user_id, member.role) == (alice.id, "annotator")
    assert project_member(alice, project.id) == member
    outsider = make.user("eve")
    assert project_member(outsider, project) is None
    assert role_in(outsider, project) is None


def test_admins_need_no_member_row_to_manage(app, make):
    project = make.project("p")
    admin = make.user("root", admin=True)
    assert project_member(admin, project) is None
    assert role_in(admin, project) == "manager"


def test_membership_is_per_project(app, make):
    make.project("p", alice="manager")
    other = make.project("q")
    alice = db.session.query(User).filter_by(username="alice").one()
    assert project_member(alice, other) is None
