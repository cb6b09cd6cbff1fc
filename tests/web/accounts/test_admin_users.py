"""Site administrators manage accounts in the browser: list, create (with a one-time
set-password link), deactivate/reactivate, project-creator flag, site setting."""

from __future__ import annotations

import json

import pytest

from app.models import Span
from app.scheme import default_scheme
from tests.web.accounts.helpers import GOOD_PASSWORD, link_in, user_named

ADMIN_PAGES = [("get", "/admin/users"), ("post", "/admin/users"),
               ("post", "/admin/settings"), ("post", "/admin/users/{id}/deactivate"),
               ("post", "/admin/users/{id}/activate"), ("post", "/admin/users/{id}/creator"),
               ("post", "/admin/users/{id}/link")]


@pytest.mark.parametrize("method,path", ADMIN_PAGES)
def test_admin_pages_refuse_everyone_but_admins(client, auth, make, method, path):
    make.project(maria="manager", amira="annotator")
    make.user("creator").project_creator = True
    target = make.user("target")
    path = path.format(id=target.id)
    assert getattr(client, method)(path).status_code == 302  # anonymous: to the login page
    for username in ("maria", "amira", "creator"):
        auth.login(username)
        response = getattr(client, method)(path, data={"username": "x", "allowed": "1"})
        assert response.status_code == 403, username
        auth.logout()
    assert user_named("target").active and not user_named("target").project_creator
    assert user_named("x") is None


def test_admin_lists_users_and_creates_one_with_a_link(client, auth, make):
    make.user("root", admin=True)
    make.user("amira")
    auth.login("root")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "amira" in page and "root" in page
    response = client.post("/admin/users", data={"username": "newbie", "display_name": "New B",
                                                 "project_creator": "y"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    link = link_in(response.get_data(as_text=True))
    newbie = user_named("newbie")
    assert newbie.password_hash is None and newbie.project_creator and not newbie.is_admin
    auth.logout()
    assert client.get(link).status_code == 200
    assert client.post(link, data={"password": GOOD_PASSWORD,
                                   "confirm": GOOD_PASSWORD}).status_code == 302
    assert auth.login("newbie", GOOD_PASSWORD).status_code == 302


def test_creating_an_existing_username_names_the_field(client, auth, make):
    make.user("root", admin=True)
    auth.login("root")
    response = client.post("/admin/users", data={"username": "root"})
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    response = client.post("/admin/users", data={"username": "has space"})
    assert response.status_code == 422 and user_named("has space") is None


def test_deactivation_ends_sessions_and_tokens_at_once_and_keeps_work(app, client, auth, make):
    from app.accounts.tokens import create_token
    from app.extensions import db

    make.user("root", admin=True)
    project = make.project(amira="annotator")
    amira = user_named("amira")
    document = make.document(project, assign=("amira",))
    make.span(document, amira, 4, 12)
    _, plain = create_token(amira, "script")
    db.session.commit()
    amira_client = app.test_client()
    amira_client.post("/login", data={"username": "amira", "password": "password123"})
    assert amira_client.get("/").status_code == 200
    bearer = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/projects", headers=bearer).status_code == 200

    auth.login("root")
    assert client.post(f"/admin/users/{amira.id}/deactivate").status_code == 302
    auth.logout()
    assert amira_client.get("/").status_code == 302  # the open session is refused
    assert client.get("/api/v1/projects", headers=bearer).status_code == 401
    assert auth.login("amira").status_code == 401
    assert db.session.query(Span).filter_by(annotator_id=amira.id).count() == 1

    auth.login("root")
    client.post(f"/admin/users/{amira.id}/activate")
    auth.logout()
    assert auth.login("amira").status_code == 302
    assert client.get("/api/v1/projects", headers=bearer).status_code == 200


def test_admin_cannot_deactivate_themselves_or_the_last_admin(client, auth, make):
    root = make.user("root", admin=True)
    auth.login("root")
    client.post(f"/admin/users/{root.id}/deactivate")
    assert user_named("root").active


def test_project_creator_flag_and_site_setting(client, auth, make):
    make.user("root", admin=True)
    maria = make.user("maria")
    auth.login("maria")
    refused = client.get("/projects/new")
    assert refused.status_code == 403
    assert "root" in refused.get_data(as_text=True)  # says whom to ask
    auth.logout()

    auth.login("root")
    client.post(f"/admin/users/{maria.id}/creator", data={"allowed": "1"})
    assert user_named("maria").project_creator
    auth.logout()
    auth.login("maria")
    assert client.get("/projects/new").status_code == 403  # the site setting: admins only
    auth.logout()

    auth.login("root")
    assert client.post("/admin/settings", data={"project_creation": "nonsense"}
                       ).status_code == 302
    client.post("/admin/settings", data={"project_creation": "creators"})
    auth.logout()
    auth.login("maria")
    assert client.get("/projects/new").status_code == 200
    assert "New project" in client.get("/").get_data(as_text=True)
    response = client.post("/projects/new", data={
        "name": "Strikes", "annotators_per_document": "2", "snap_to_words": "y",
        "scheme": json.dumps(default_scheme().to_dict())})
    assert response.status_code == 302, response.get_data(as_text=True)
    from app.models import Project
    from app.permissions import role_in

    project = Project.query.filter_by(name="Strikes").one()
    assert role_in(user_named("maria"), project) == "manager"
