"""Managers invite new people from the Members page: an account, a role, a one-time link."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import SetPasswordLink
from app.permissions import role_in
from app.projects.service import set_member
from tests.web.accounts.helpers import GOOD_PASSWORD, link_in, user_named


def test_manager_invites_a_new_annotator_who_sets_a_password(client, auth, make):
    project = make.project(maria="manager")
    auth.login("maria")
    members = client.get(f"/projects/{project.id}/members").get_data(as_text=True)
    assert "Invite a new person" in members
    response = client.post(f"/projects/{project.id}/members/invite",
                           data={"username": "chen", "role": "annotator"})
    assert response.status_code == 200
    link = link_in(response.get_data(as_text=True))
    chen = user_named("chen")
    assert role_in(chen, project) == "annotator" and chen.password_hash is None
    assert not chen.is_admin and not chen.project_creator
    auth.logout()
    client.post(link, data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    assert auth.login("chen", GOOD_PASSWORD).status_code == 302
    assert client.get(f"/projects/{project.id}").status_code == 200


@pytest.mark.parametrize("username", ["amira", "reviewer1", "outsider"])
def test_only_managers_may_invite(client, auth, make, username):
    project = make.project(maria="manager", amira="annotator", reviewer1="reviewer")
    make.user("outsider")
    auth.login(username)
    response = client.post(f"/projects/{project.id}/members/invite",
                           data={"username": "sneaky", "role": "manager"})
    assert response.status_code == (404 if username == "outsider" else 403)
    assert user_named("sneaky") is None


def test_anonymous_cannot_invite(client, make):
    project = make.project(maria="manager")
    assert client.post(f"/projects/{project.id}/members/invite",
                       data={"username": "sneaky"}).status_code == 302
    assert user_named("sneaky") is None


def test_inviting_an_existing_username_is_refused_and_names_the_field(client, auth, make):
    project = make.project(maria="manager")
    make.user("amira")
    auth.login("maria")
    response = client.post(f"/projects/{project.id}/members/invite",
                           data={"username": "amira", "role": "manager"})
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    assert role_in(user_named("amira"), project) is None


def test_manager_gets_a_link_for_a_member_without_password(client, auth, make):
    project = make.project(maria="manager")
    chen = make.user("chen", password=None)
    set_member(project, chen, "annotator")
    db.session.commit()
    auth.login("maria")
    page = client.get(f"/projects/{project.id}/members").get_data(as_text=True)
    assert f"/members/{chen.id}/link" in page
    response = client.post(f"/projects/{project.id}/members/{chen.id}/link")
    assert response.status_code == 200
    link_in(response.get_data(as_text=True))


def test_no_link_for_accounts_with_a_password_or_in_other_projects(client, auth, make):
    project = make.project(maria="manager", amira="annotator")
    elsewhere = make.project(rui="manager")
    chen = make.user("chen", password=None)
    set_member(project, chen, "annotator")
    set_member(elsewhere, chen, "annotator")  # maria does not manage this project
    db.session.commit()
    auth.login("maria")
    page = client.get(f"/projects/{project.id}/members").get_data(as_text=True)
    assert f"/members/{chen.id}/link" not in page
    for user in (chen, user_named("amira"), user_named("maria")):
        assert client.post(f"/projects/{project.id}/members/{user.id}/link"
                           ).status_code == 404
    assert db.session.query(SetPasswordLink).count() == 0
    auth.logout()
    auth.login("amira")  # not a manager
    assert client.post(f"/projects/{project.id}/members/{chen.id}/link").status_code == 403
