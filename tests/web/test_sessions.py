"""Sessions the server can end: logout, "log out other sessions", a new password and
deactivation end every copy of a session and remember cookie; idle sessions and old remember
cookies expire by the server's clock (app/auth/sessions.py)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.auth.sessions import REMEMBER_COOKIE
from app.extensions import db
from app.models import User


def _logged_in(client) -> bool:
    return client.get("/").status_code == 200


def _login(app, username: str = "alice", remember: bool = False):
    client = app.test_client()
    data = {"username": username, "password": "password123"}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def _copy(app, client, *names: str):
    """Another browser holding copies of `client`'s cookies (a stolen cookie)."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value, domain="localhost")
    return thief


def _only_remember_cookie(app, client):
    return _copy(app, client, REMEMBER_COOKIE)


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


@pytest.fixture
def alice(make):
    return make.user("alice")


def test_a_copied_session_cookie_stops_working_at_logout(app, alice):
    client = _login(app)
    thief = _copy(app, client, "session")
    assert _logged_in(thief)
    client.post("/logout")
    assert not _logged_in(client)
    assert not _logged_in(thief)


def test_a_remember_cookie_logs_in_until_logout_then_never_again(app, alice):
    client = _login(app, remember=True)
    thief = _only_remember_cookie(app, client)
    assert _logged_in(thief)  # the cookie alone starts a session
    second = _only_remember_cookie(app, client)
    client.post("/logout")
    assert not _logged_in(thief)
    assert not _logged_in(second)
    assert client.get_cookie(REMEMBER_COOKIE) is None  # logout deletes it from the browser


def test_a_new_password_ends_other_sessions_and_keeps_the_one_that_changed_it(app, alice):
    elsewhere = _login(app, remember=True)
    remembered = _only_remember_cookie(app, elsewhere)
    here = _login(app)
    response = here.post("/profile/password", data={
        "current_password": "password123", "new_password": "a much longer secret 7",
        "confirm": "a much longer secret 7"})
    assert response.status_code == 302
    assert _logged_in(here)
    assert not _logged_in(elsewhere)
    assert not _logged_in(remembered)


def test_a_password_set_by_the_command_line_ends_every_session(app, runner, alice):
    client = _login(app)
    result = runner.invoke(args=["users", "set-password", "alice"],
                           input="a much longer secret 7\na much longer secret 7\n")
    assert result.exit_code == 0, result.output
    assert not _logged_in(client)


def test_deactivation_ends_sessions_and_remember_cookies(app, alice):
    session_client = _login(app)
    remembered = _only_remember_cookie(app, _login(app, remember=True))
    user = _user("alice")
    user.active = False
    db.session.commit()
    assert not _logged_in(session_client)
    assert not _logged_in(remembered)
    user.active = True  # reactivated: the old sessions stay ended (the generation moved on)
    db.session.commit()
    assert not _logged_in(session_client)


def test_log_out_other_sessions_keeps_this_one(app, alice):
    here = _login(app)
    elsewhere = _login(app)
    remembered = _only_remember_cookie(app, _login(app, remember=True))
    response = here.post("/logout/others")
    assert response.status_code == 302
    assert _logged_in(here)
    assert not _logged_in(elsewhere)
    assert not _logged_in(remembered)


def test_a_remember_cookie_expires_by_the_server_clock(app, alice, monkeypatch):
    client = _login(app, remember=True)
    remembered = _only_remember_cookie(app, client)
    days = app.config["REMEMBER_DAYS"]
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + (days - 1) * 86400)
    assert _logged_in(_only_remember_cookie(app, client))
    monkeypatch.setattr(time, "time", lambda: now + (days + 1) * 86400)
    assert not _logged_in(remembered)


def test_a_session_unused_for_the_idle_time_is_over(app, alice, monkeypatch):
    app.config["SESSION_IDLE_MINUTES"] = 30
    client = _login(app)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 29 * 60)
    assert _logged_in(client)  # used: the idle clock starts again
    monkeypatch.setattr(time, "time", lambda: now + 50 * 60)
    assert _logged_in(client)
    monkeypatch.setattr(time, "time", lambda: now + 90 * 60)
    response = client.get("/", follow_redirects=True)
    assert "/login" in response.request.path
    assert "30 minutes without activity" in response.get_data(as_text=True)


@pytest.mark.parametrize("secure", [True, False])
def test_the_remember_cookie_is_secure_with_the_session_cookie(app, alice, secure):
    app.config["SESSION_COOKIE_SECURE"] = secure
    client = app.test_client()
    response = client.post("/login", data={"username": "alice", "password": "password123",
                                           "remember": "y"})
    headers = [h for h in response.headers.getlist("Set-Cookie")
               if h.startswith(REMEMBER_COOKIE + "=")]
    assert len(headers) == 1
    assert ("; Secure" in headers[0]) is secure
    assert "HttpOnly" in headers[0] and "Max-Age=" in headers[0]


def test_each_login_makes_a_different_remember_cookie_and_forged_ones_fail(app, alice):
    first = _login(app, remember=True).get_cookie(REMEMBER_COOKIE).value
    time.sleep(1.01)  # the signature holds a timestamp in seconds
    second = _login(app, remember=True).get_cookie(REMEMBER_COOKIE).value
    assert first != second
    forged = app.test_client()
    forged.set_cookie(REMEMBER_COOKIE, second[:-2] + ("AA" if second[-2:] != "AA" else "BB"),
                      domain="localhost")
    assert not _logged_in(forged)
    assert forged.get_cookie(REMEMBER_COOKIE) is None  # a bad cookie is deleted


def test_sessions_and_cookies_of_the_old_format_are_refused(app, alice):
    """Before the generation, a session held the bare id and Flask-Login's remember cookie
    was `<id>|HMAC(id)`, the same forever: neither logs in any more."""
    from flask_login.utils import encode_cookie

    old_session = app.test_client()
    with old_session.session_transaction() as session:
        session["_user_id"] = str(alice.id)
        session["_seen"] = int(time.time())
    assert not _logged_in(old_session)
    with app.test_request_context():
        old_cookie = encode_cookie(str(alice.id))
    old_remember = app.test_client()
    old_remember.set_cookie("remember_token", old_cookie, domain="localhost")
    assert not _logged_in(old_remember)
