"""Sessions the server can end.

A Flask session is a signed cookie: the server keeps nothing, so it cannot recall one. Three
things make sessions revocable and bounded anyway:
- **Generation.** Each user has a `session_generation`; a session stores it with the user id
  (`User.get_id()` is "id:generation") and so does the remember cookie. Raising it (logout,
  "log out other sessions", a new password, deactivation) ends every session and every remember
  cookie of that user at their next request: the loader compares it on every request, at no
  extra cost, since it loads the user row anyway.
- **Idle timeout.** A session records when it was last used (to the minute); one unused for
  `SESSION_IDLE_MINUTES` is over.
- **Remember cookie with an expiry the server checks.** "Keep me logged in" sets our own cookie,
  signed with a timestamp (itsdangerous), refused after `REMEMBER_DAYS` whatever the browser
  says, `Secure` whenever the session cookie is, and bound to the generation. Flask-Login's own
  remember cookie (`<id>|HMAC(id)`, the same on every login, never expiring) is not used.
"""

from __future__ import annotations

import time

from flask import Flask, Request, current_app, flash, g, request, session
from flask_login import login_user, logout_user, session_protected
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.extensions import db
from app.models import User

REMEMBER_COOKIE = "credence_remember"
LAST_SEEN = "_seen"  # seconds since the epoch, in the session
LAST_SEEN_PRECISION = 60  # rewrite the session cookie at most once a minute, not per request


def parse_session_id(session_id: str) -> tuple[int, int] | None:
    """(user id, generation) from "id:generation", or None for anything else (old sessions)."""
    user_id, _, generation = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and generation.isascii()
            and generation.isdigit()):
        return None
    return int(user_id), int(generation)


def current_user_of(user_id: int, generation: int) -> User | None:
    """The user if the account is active and the generation is the current one."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_generation != generation:
        return None
    return user


def load_session_user(session_id: str) -> User | None:
    parsed = parse_session_id(session_id)
    return current_user_of(*parsed) if parsed else None


def start_session(user: User, remember: bool) -> None:
    """A fresh session for `user` (nothing carried over from before: no session fixation)."""
    session.clear()
    login_user(user, remember=False)  # Flask-Login's remember cookie is not revocable
    session[LAST_SEEN] = int(time.time())
    g.remember_user = user if remember else None


def end_session(user: User) -> None:
    """Log out: this user's sessions and remember cookies end everywhere."""
    user.end_all_sessions()
    logout_user()
    session.clear()
    g.forget_remember = True


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="credence remember cookie")


def user_from_remember_cookie(req: Request) -> User | None:
    """Log in from a valid remember cookie (a session starts); None if there is none."""
    cookie = req.cookies.get(REMEMBER_COOKIE)
    if not cookie or g.get("forget_remember"):
        return None
    max_age = current_app.config["REMEMBER_DAYS"] * 24 * 3600
    try:
        user_id, generation = _serializer().loads(cookie, max_age=max_age)
        user = current_user_of(int(user_id), int(generation))
    except (BadSignature, TypeError, ValueError):
        user = None
    if user is None:
        g.forget_remember = True
        return None
    login_user(user, remember=False, fresh=False)
    session[LAST_SEEN] = int(time.time())
    return user


def init_sessions(app: Flask) -> None:
    @app.before_request
    def end_idle_session():
        if "_user_id" not in session:
            return
        now = int(time.time())
        seen = session.get(LAST_SEEN)
        idle_limit = app.config["SESSION_IDLE_MINUTES"] * 60
        if not isinstance(seen, int) or now - seen > idle_limit:
            session.clear()
            if REMEMBER_COOKIE not in request.cookies:  # else the cookie logs them back in
                flash(f"You were logged out after {app.config['SESSION_IDLE_MINUTES']} "
                      "minutes without activity.", "info")
        elif now - seen >= LAST_SEEN_PRECISION:
            session[LAST_SEEN] = now

    @app.after_request
    def update_session_cookies(response):
        _keep_this_session_after_ending_the_others()
        secure = app.config.get("SESSION_COOKIE_SECURE", False)
        remember = g.get("remember_user")
        if remember is not None:
            days = app.config["REMEMBER_DAYS"]
            response.set_cookie(
                REMEMBER_COOKIE, _serializer().dumps([remember.id, remember.session_generation]),
                max_age=days * 24 * 3600, secure=secure, httponly=True, samesite="Lax")
        elif g.get("forget_remember") and REMEMBER_COOKIE in request.cookies:
            response.delete_cookie(REMEMBER_COOKIE, secure=secure, httponly=True, samesite="Lax")
        return response

    @session_protected.connect_via(app)
    def forget_after_protection_failed(_app, **_extra):
        # Flask-Login's "strong" protection saw another IP or browser: it drops the session
        # and its own remember cookie; ours must not log the request straight back in.
        g.forget_remember = True


def _keep_this_session_after_ending_the_others() -> None:
    """A request that raised its own user's generation (a new password, "log out other
    sessions") keeps its session: store the new generation. Logout has already removed it."""
    user = g.get("_login_user")
    stored = session.get("_user_id")
    if user is None or stored is None or not getattr(user, "sessions_ended_here", False):
        # Only a request that called end_all_sessions() on its user can need this; any other
        # would read the user's row again (committed rows are expired) for nothing.
        return
    if not getattr(user, "is_authenticated", False):
        return
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return
    parsed = parse_session_id(stored)
    if parsed and parsed[0] == user.id and stored != user.get_id() and user.active:
        session["_user_id"] = user.get_id()
