"""Set-password links (single use, expiring, replaced by a newer one), password rules, and
the profile page: own password change and personal API tokens."""

from __future__ import annotations

import datetime as dt

import pytest

from app.accounts.links import issue_link
from app.extensions import db
from app.models import ApiToken, SetPasswordLink
from tests.web.accounts.helpers import GOOD_PASSWORD, user_named


def new_link(user) -> str:
    url = issue_link(user)
    db.session.commit()
    return url[url.index("/set-password/"):]


def set_through(client, link: str, password: str = GOOD_PASSWORD, confirm: str | None = None):
    return client.post(link, data={"password": password, "confirm": confirm or password})


def test_a_link_works_once(client, auth, make):
    link = new_link(make.user("amira", password=None))
    assert set_through(client, link).status_code == 302
    assert auth.login("amira", GOOD_PASSWORD).status_code == 302
    auth.logout()
    assert client.get(link).status_code == 404
    assert set_through(client, link, "another-long-phrase").status_code == 404
    assert user_named("amira").check_password(GOOD_PASSWORD)


def test_a_link_expires(app, client, make):
    link = new_link(make.user("amira", password=None))
    row = db.session.query(SetPasswordLink).one()
    row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 404 and "expired" in response.get_data(as_text=True)
    assert set_through(client, link).status_code == 404
    assert user_named("amira").password_hash is None


def test_a_new_link_cancels_the_older_one(client, make):
    amira = make.user("amira", password=None)
    first = new_link(amira)
    second = new_link(amira)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_unknown_link_and_deactivated_user_are_refused(client, make):
    assert client.get("/set-password/not-a-real-secret").status_code == 404
    amira = make.user("amira", password=None)
    link = new_link(amira)
    amira.active = False
    db.session.commit()
    assert client.get(link).status_code == 404


@pytest.mark.parametrize("password,problem", [
    ("short-one", "at least 10 characters"),
    ("password123", "most common"),
    ("1234567890", "most common"),
    ("            ", "required"),  # DataRequired: only whitespace is empty
])
def test_password_rules_on_the_link_page(client, make, password, problem):
    link = new_link(make.user("amira", password=None))
    response = set_through(client, link, password)
    assert response.status_code == 422
    assert problem in response.get_data(as_text=True)
    assert user_named("amira").password_hash is None
    assert client.get(link).status_code == 200  # a refused attempt does not use the link


def test_the_two_entries_must_match(client, make):
    link = new_link(make.user("amira", password=None))
    response = set_through(client, link, GOOD_PASSWORD, GOOD_PASSWORD + "x")
    assert response.status_code == 422 and "differ" in response.get_data(as_text=True)


def test_change_own_password_needs_the_current_one(client, auth, make):
    make.user("amira")
    auth.login("amira")
    assert client.get("/profile").status_code == 200
    wrong = client.post("/profile/password", data={
        "current_password": "not-it-at-all", "new_password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD})
    assert wrong.status_code == 422 and "current password is wrong" in wrong.get_data(True)
    common = client.post("/profile/password", data={
        "current_password": "password123", "new_password": "qwertyuiop",
        "confirm": "qwertyuiop"})
    assert common.status_code == 422
    ok = client.post("/profile/password", data={
        "current_password": "password123", "new_password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD})
    assert ok.status_code == 302
    assert user_named("amira").check_password(GOOD_PASSWORD)


def test_profile_needs_login(client):
    assert client.get("/profile").status_code == 302
    assert client.post("/profile/tokens", data={"name": "x"}).status_code == 302
    assert db.session.query(ApiToken).count() == 0


def test_tokens_created_shown_once_listed_and_revoked_at_once(client, auth, make):
    make.project(amira="annotator")
    make.user("bruno")
    auth.login("amira")
    response = client.post("/profile/tokens", data={"name": "nightly", "expires_in_days": "30"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = db.session.query(ApiToken).one()
    page = response.get_data(as_text=True)
    import re

    plain = re.search(r'id="new-token"[^>]*value="([^"]+)"', page).group(1)
    assert token.expires_at is not None and token.name == "nightly"
    listing = client.get("/profile").get_data(as_text=True)
    assert "nightly" in listing and plain not in listing  # shown once only
    bearer = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/projects", headers=bearer).status_code == 200
    assert "never" not in client.get("/profile").get_data(as_text=True).split("nightly")[1][:200]

    auth.logout()
    auth.login("bruno")  # another user cannot revoke it, nor learn it exists
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 404
    auth.logout()
    auth.login("amira")
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/projects", headers=bearer).status_code == 401


def test_token_form_refuses_bad_values(client, auth, make):
    make.user("amira")
    auth.login("amira")
    assert client.post("/profile/tokens", data={"name": ""}).status_code == 422
    assert client.post("/profile/tokens", data={"name": "x", "expires_in_days": "0"}
                       ).status_code == 422
    client.post("/profile/tokens", data={"name": "x"})
    assert client.post("/profile/tokens", data={"name": "x"}).status_code == 422
    assert db.session.query(ApiToken).count() == 1


def test_an_expired_token_is_refused(client, make):
    from app.accounts.tokens import create_token

    amira = make.user("amira")
    token, plain = create_token(amira, "old", 1)
    token.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.session.commit()
    assert client.get("/api/v1/projects",
                      headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_changing_my_password_ends_my_other_sessions_but_not_this_one(app, client, auth, make):
    make.user("amira")
    other_browser = app.test_client()
    other_browser.post("/login", data={"username": "amira", "password": "password123"})
    auth.login("amira")
    client.post("/profile/password", data={
        "current_password": "password123", "new_password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD})
    assert client.get("/profile").status_code == 200
    assert other_browser.get("/profile").status_code == 302


def test_a_link_ends_the_accounts_open_sessions(app, client, make):
    amira = make.user("amira")
    amira_browser = app.test_client()
    amira_browser.post("/login", data={"username": "amira", "password": "password123"})
    link = new_link(amira)
    assert set_through(client, link).status_code == 302
    assert amira_browser.get("/profile").status_code == 302


def test_a_link_is_mailed_when_smtp_is_configured(app, client, auth, make, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append("starttls")

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr("app.accounts.mail.smtplib.SMTP", FakeSMTP)
    app.config.update(SMTP_HOST="mail.example.org", SMTP_PORT=2525)
    make.user("root", admin=True)
    auth.login("root")
    response = client.post("/admin/users", data={"username": "newbie",
                                                 "email": "newbie@example.org"})
    assert "also mailed to newbie@example.org" in response.get_data(as_text=True)
    message = sent[-1]
    assert sent[0] == ("mail.example.org", 2525) and "starttls" in sent
    assert message["To"] == "newbie@example.org"
    assert "/set-password/" in message.get_content()
    response = client.post("/admin/users", data={"username": "nomail"})
    assert "mailed" not in response.get_data(as_text=True) and len(sent) == 3
