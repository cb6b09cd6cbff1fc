"""Logging in and out with a session cookie, and Bearer tokens for the API."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, Project, User
from app.models.users import hash_token
from tests.conftest import csrf_token_from


def _location(response) -> str:
    """The redirect target as a path (the test client may report an absolute URL)."""
    parts = urlsplit(response.headers["Location"])
    assert parts.netloc in ("", "localhost"), response.headers["Location"]
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _logged_in(client) -> bool:
    return client.get("/").status_code == 200


# --- logging in ------------------------------------------------------------------------------


def test_login_with_right_password_goes_home_and_logout_ends_the_session(client, auth, make):
    make.user("alice")
    response = auth.login("alice")
    assert response.status_code == 302 and _location(response) == "/"
    assert _logged_in(client)
    response = auth.logout()
    assert response.status_code == 302 and _location(response) == "/login"
    assert not _logged_in(client)


def test_pages_need_login_and_remember_where_you_were_going(client):
    response = client.get("/")
    assert response.status_code == 302
    assert _location(response) == "/login?next=/"


def test_username_is_trimmed(client, make):
    make.user("alice")
    response = client.post("/login", data={"username": "  alice ", "password": "password123"})
    assert response.status_code == 302 and _logged_in(client)


def test_wrong_credentials_show_a_message_not_an_error(app, make, subtests):
    make.user("alice")
    for username, password in [("alice", "wrong-password"), ("nobody", "password123"),
                               ("ALICE", "password123")]:
        with subtests.test(username=username, password=password):
            client = app.test_client()
            response = client.post("/login", data={"username": username,
                                                   "password": password})
            assert response.status_code == 401
            assert "Unknown username or wrong password." in response.get_data(as_text=True)
            assert not _logged_in(client)


def test_empty_form_is_shown_again_without_logging_in(client, make):
    make.user("alice")
    response = client.post("/login", data={"username": "", "password": ""})
    assert response.status_code == 200 and "<form" in response.get_data(as_text=True)
    assert not _logged_in(client)


def test_inactive_user_cannot_log_in(client, auth, make):
    user = make.user("alice")
    user.active = False
    db.session.commit()
    assert auth.login("alice").status_code == 401
    assert not _logged_in(client)


def test_user_deactivated_after_login_loses_access(client, auth, make):
    user = make.user("alice")
    auth.login("alice")
    assert _logged_in(client)
    user.active = False
    db.session.commit()
    assert not _logged_in(client)


def test_user_without_a_password_cannot_log_in(client, make):
    make.user("imported", password=None)
    for password in ("", "password123", "None"):
        response = client.post("/login", data={"username": "imported", "password": password})
        assert response.status_code in (200, 401)
        assert not _logged_in(client)


def test_password_is_stored_hashed_with_scrypt(make, monkeypatch):
    monkeypatch.undo()  # the real hashing, not the cheap one the other tests use
    user = make.user("alice")
    assert user.password_hash.startswith("scrypt:") and "password123" not in user.password_hash
    assert user.check_password("password123") and not user.check_password("password124")


# --- where to go after login -----------------------------------------------------------------


def test_local_next_is_followed(client, make):
    make.user("alice")
    response = client.post("/login?next=/projects/1?tab=docs",
                           data={"username": "alice", "password": "password123"})
    assert _location(response) == "/projects/1?tab=docs"


def test_next_pointing_elsewhere_goes_home(app, make, subtests):
    make.user("alice")
    for target in ["//evil.com", "//evil.com/x", "http://evil.com", "https://evil.com/login",
                   "/\\evil.com", "\\\\evil.com", "/\t/evil.com", "javascript:alert(1)",
                   "evil.com", " //evil.com", "ftp://evil.com"]:
        with subtests.test(target=target):
            response = app.test_client().post(
                "/login", query_string={"next": target},
                data={"username": "alice", "password": "password123"})
            assert response.status_code == 302
            assert _location(response) == "/"


def test_already_logged_in_visit_to_login_follows_only_local_next(client, auth, make):
    make.user("alice")
    auth.login("alice")
    assert _location(client.get("/login", query_string={"next": "/healthz"})) == "/healthz"
    assert _location(client.get("/login", query_string={"next": "//evil.com"})) == "/"


# --- the session cookie ----------------------------------------------------------------------


def _set_cookie_headers(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_session_cookie_is_httponly_and_samesite(client, make):
    make.user("alice")
    response = client.post("/login", data={"username": "alice", "password": "password123",
                                           "remember": "y"})
    cookies = {h.split("=", 1)[0]: h for h in _set_cookie_headers(response)}
    for name in ("session", "credence_remember"):
        assert "HttpOnly" in cookies[name], cookies[name]
        assert "SameSite=Lax" in cookies[name], cookies[name]


def test_login_starts_a_new_session(client, make):
    """Session fixation: nothing planted in the session before login survives it."""
    make.user("alice")
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["_user_id"] = "999"
    client.post("/login", data={"username": "alice", "password": "password123"})
    with client.session_transaction() as session:
        assert "planted" not in session
        alice_id = db.session.scalar(select(User.id).where(User.username == "alice"))
        assert session["_user_id"] == db.session.get(User, alice_id).get_id()


# --- CSRF on login and logout ----------------------------------------------------------------


def test_login_form_needs_the_csrf_token_when_csrf_is_on(csrf_app, make):
    client = csrf_app.test_client()
    make.user("alice")
    response = client.post("/login", data={"username": "alice", "password": "password123"})
    assert response.status_code == 400 and not _logged_in(client)
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "alice", "password": "password123",
                                           "csrf_token": token})
    assert response.status_code == 302 and _logged_in(client)


def test_logout_needs_post_with_the_csrf_token(csrf_app, make):
    client = csrf_app.test_client()
    make.user("alice")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "alice", "password": "password123",
                                "csrf_token": token})
    page = client.get("/logout")  # a link or an <img src> cannot log anyone out
    assert page.status_code == 200 and _logged_in(client)
    assert client.post("/logout").status_code == 400 and _logged_in(client)
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert _logged_in(client)
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and not _logged_in(client)


# --- Bearer tokens ---------------------------------------------------------------------------


@pytest.fixture
def token_for_alice(make):
    make.project("Visible", alice="annotator")
    alice = db.session.scalar(select(User).where(User.username == "alice"))
    token, plain = ApiToken.issue(alice, name="script")
    db.session.add(token)
    db.session.commit()
    return token, plain


def _api(client, token: str | None, path: str = "/api/v1/projects"):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.get(path, headers=headers)


def test_valid_bearer_token_authenticates_api_calls(client, token_for_alice):
    token, plain = token_for_alice
    response = _api(client, plain)
    assert response.status_code == 200
    assert "Visible" in response.get_data(as_text=True)
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_api_refuses_anything_but_a_valid_token(client, token_for_alice, subtests):
    token, plain = token_for_alice
    for header in [None, "Bearer", "Bearer ", "Bearer not-a-token", f"Bearer {plain}x",
                   "Basic YWxpY2U6cGFzc3dvcmQxMjM=", f"Token {plain}", f"bearer{plain}",
                   f"Bearer {token.token_hash}"]:
        with subtests.test(header=header):
            headers = {"Authorization": header} if header is not None else {}
            response = client.get("/api/v1/projects", headers=headers)
            assert response.status_code == 401
            assert response.is_json and "error" in response.get_json()


def test_token_is_stored_only_as_its_hash(token_for_alice):
    token, plain = token_for_alice
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert stored == [hash_token(plain)] and plain not in stored[0]
    assert len(plain) >= 32


def test_token_of_an_inactive_user_is_refused(client, token_for_alice):
    token, plain = token_for_alice
    token.user.active = False
    db.session.commit()
    assert _api(client, plain).status_code == 401


def test_a_token_authenticates_only_its_own_request(client, token_for_alice):
    _, plain = token_for_alice
    assert _api(client, plain).status_code == 200
    assert _api(client, None).status_code == 401


def test_token_calls_skip_csrf_but_cookie_calls_do_not(csrf_app, make, token_for_alice):
    """A page on another site can make the browser send cookies, never an Authorization
    header; so only cookie-authenticated writes need the CSRF token."""
    _, plain = token_for_alice
    project = db.session.scalar(select(Project).where(Project.name == "Visible"))
    document = make.document(project, assign=("alice",))
    client = csrf_app.test_client()
    submit = f"/api/v1/documents/{document.id}/submit"
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "alice", "password": "password123",
                                "csrf_token": token})
    by_cookie = client.post(submit, json={})
    assert by_cookie.status_code == 400 and by_cookie.get_json()["field"] == "csrf_token"
    by_token = csrf_app.test_client().post(submit, json={},
                                           headers={"Authorization": f"Bearer {plain}"})
    assert by_token.status_code == 200 and by_token.get_json() == {"status": "submitted"}


def test_a_bad_bearer_token_is_refused_even_with_a_valid_session(client, auth, make):
    make.user("alice")
    auth.login("alice")
    assert client.get("/api/v1/projects").status_code == 200
    response = client.get("/api/v1/projects", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert "token" in response.get_json()["error"]


def test_an_expired_login_page_asks_again_and_keeps_the_username(csrf_app, make):
    make.user("alice")
    client = csrf_app.test_client()
    response = client.post("/login", data={"username": "alice", "password": "password123",
                                           "csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "expired" in page and 'value="alice"' in page
    token = csrf_token_from(page)
    response = client.post("/login", data={"username": "alice", "password": "password123",
                                           "csrf_token": token})
    assert response.status_code == 302
