"""Who is calling: Bearer tokens, session cookies, and CSRF for cookie writes."""

from __future__ import annotations

from app.extensions import db
from app.models import Assignment, User
from app.projects.service import set_member
from tests.conftest import count_rows, csrf_token_from
from tests.web.api.conftest import span_body


def test_unauthenticated_call_gets_401_json(api, world):
    response = api.get(None, "/api/v1/projects")
    assert response.status_code == 401
    assert "error" in response.get_json()


def test_unknown_bearer_token_gets_401(api, world):
    response = api.get(None, "/api/v1/projects", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401


def test_bearer_token_identifies_the_user(api, world):
    response = api.get("alice", "/api/v1/projects")
    assert response.status_code == 200
    assert response.get_json() == [
        {"id": world.project.id, "name": "Newsroom", "role": "annotator"}]


def test_token_of_a_deactivated_user_is_refused(api, world):
    token = api.token_for("alice")
    db.session.query(User).filter_by(username="alice").one().active = False
    db.session.commit()
    response = api.get(None, "/api/v1/projects", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_switching_tokens_switches_users(api, world):
    assert api.get("rev", "/api/v1/projects").get_json()[0]["role"] == "reviewer"
    assert api.get("alice", "/api/v1/projects").get_json()[0]["role"] == "annotator"


def _log_in_with_csrf(app, client, username: str) -> str:
    """Log in through the form with CSRF on; returns the new session's CSRF token, read
    from a page as the annotation page's JavaScript reads it (login starts a new session)."""
    # One application context per request, as in a server: Flask-WTF caches the token in `g`.
    with app.app_context():
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
    with app.app_context():
        response = client.post("/login", data={"username": username,
                                               "password": "password123", "csrf_token": token})
    assert response.status_code in (302, 303)
    with app.app_context():
        return csrf_token_from(client.get("/").get_data(as_text=True))


def _carol_assigned(make, world) -> None:
    """An annotator with a password, assigned to the document."""
    carol = make.user("carol")
    set_member(world.project, carol, "annotator")
    db.session.add(Assignment(document=world.document, annotator=carol))
    db.session.commit()


def test_session_write_without_csrf_header_is_refused(csrf_app, client, make, world):
    _carol_assigned(make, world)
    _log_in_with_csrf(csrf_app, client, "carol")
    url = f"/api/v1/documents/{world.document.id}/spans"
    with csrf_app.app_context():
        response = client.post(url, json=span_body(world.document, "12 people died"))
    assert response.status_code == 400
    assert response.get_json()["field"] == "csrf_token"
    assert count_rows("spans") == 0


def test_session_write_with_csrf_header_is_accepted(csrf_app, client, make, world):
    _carol_assigned(make, world)
    token = _log_in_with_csrf(csrf_app, client, "carol")
    url = f"/api/v1/documents/{world.document.id}/spans"
    with csrf_app.app_context():
        listed = client.get(url)
    with csrf_app.app_context():
        response = client.post(url, json=span_body(world.document, "12 people died"),
                               headers={"X-CSRFToken": token})
    assert listed.status_code == 200
    assert response.status_code == 201
    assert response.get_json()["annotator"] == "carol"
    assert count_rows("spans") == 1


def test_bearer_write_needs_no_csrf_token(csrf_app, api, world):
    response = api.post("alice", f"/api/v1/documents/{world.document.id}/spans",
                        span_body(world.document, "12 people died"))
    assert response.status_code == 201
    assert count_rows("spans") == 1


def test_an_anonymous_write_is_told_to_log_in_not_about_csrf(csrf_app, make):
    project = make.project("P", alice="annotator")
    document = make.document(project, assign=("alice",))
    response = csrf_app.test_client().post(f"/api/v1/documents/{document.id}/spans", json={})
    assert response.status_code == 401
