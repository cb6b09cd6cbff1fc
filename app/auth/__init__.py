"""Login: session cookies for the pages, hashed Bearer tokens for scripts."""

from __future__ import annotations

import datetime as dt
from functools import cache

from flask import Flask, request
from sqlalchemy import bindparam, select, update

from app.auth.sessions import init_sessions, load_session_user, user_from_remember_cookie
from app.auth.throttle import init_throttle
from app.extensions import db, login_manager
from app.models import ApiToken, User
from app.models.base import utcnow
from app.models.users import hash_token


def init_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.session_protection = "strong"
    init_sessions(app)
    init_throttle(app)

    # The session holds "id:generation"; a deactivated account or an older generation (after
    # logout or a new password) is no longer logged in (app/auth/sessions.py).
    login_manager.user_loader(load_session_user)

    @login_manager.request_loader
    def load_user_from_request(req) -> User | None:
        return (user_for_bearer_header(req.headers.get("Authorization", ""))
                or user_from_remember_cookie(req))

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, url_for

        from app.errors import error_response, wants_json

        if wants_json():
            return error_response(401, "authentication required: log in or send a Bearer token")
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


# Writing last_used_at on every call would make each API read a write; a minute is precise
# enough to tell which tokens are in use.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite: naive


@cache
def _token_with_user():
    # Built once: building a select costs more CPU than running this one. The user is the
    # one object built; the token's three fields come as plain columns (issue 14: a token
    # is checked on every API call).
    return (select(User, ApiToken.id, ApiToken.expires_at, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("hash")))


def user_for_bearer_header(header: str) -> User | None:
    """The active user owning the token in `Authorization: Bearer <token>`, else None."""
    if not header.startswith("Bearer "):
        return None
    # The token and its user in one query.
    row = db.session.execute(_token_with_user(),
                             {"hash": hash_token(header[7:].strip())}).first()
    if row is None or not row[0].active:
        return None
    user, token_id, expires_at, last_used_at = row
    now = utcnow()
    if expires_at is not None and _as_utc(expires_at) <= now:
        return None
    if last_used_at is None or now - _as_utc(last_used_at) > LAST_USED_PRECISION:
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id)
                           .values(last_used_at=now))
        db.session.commit()
    return user
