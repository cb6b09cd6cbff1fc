"""One-time set-password links: how a new or locked-out person chooses a password.

A link is a random secret in a URL, shown once to whoever issued it (an administrator, a
project manager, `flask users link`) to pass on, or mailed when SMTP is configured. It
expires (SET_PASSWORD_LINK_HOURS, 72 by default), works once, and issuing a new link for
the same person cancels the older ones. Only its SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app, has_request_context, request, url_for
from sqlalchemy import select, update

from app.accounts.service import set_new_password
from app.errors import ServiceError
from app.extensions import db
from app.models import SetPasswordLink, User
from app.models.base import utcnow
from app.models.users import hash_token

DEFAULT_HOURS = 72


def issue_link(user: User, created_by: User | None = None) -> str:
    """A new link for `user` (older unused ones stop working); returns its full URL."""
    if not user.active:
        raise ServiceError(f"{user.username} is deactivated: reactivate the account first",
                           "user", status=409)
    now = utcnow()
    db.session.execute(
        update(SetPasswordLink)
        .where(SetPasswordLink.user_id == user.id, SetPasswordLink.used_at.is_(None))
        .values(used_at=now))
    secret = secrets.token_urlsafe(32)
    hours = current_app.config.get("SET_PASSWORD_LINK_HOURS", DEFAULT_HOURS)
    db.session.add(SetPasswordLink(
        user_id=user.id, token_hash=hash_token(secret), created_at=now,
        expires_at=now + dt.timedelta(hours=hours),
        created_by_id=created_by.id if created_by is not None else None))
    db.session.flush()
    return link_url(secret)


def link_url(secret: str) -> str:
    path = url_for("accounts.set_password", secret=secret, _external=False)
    if has_request_context():
        return request.host_url.rstrip("/") + path
    # The CLI has no request: the address people reach the site at comes from BASE_URL.
    return current_app.config.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/") + path


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite: naive


def valid_link(secret: str) -> SetPasswordLink:
    """The pending link for this secret, or ServiceError 404 (unknown, used, expired)."""
    link = db.session.scalar(
        select(SetPasswordLink).where(SetPasswordLink.token_hash == hash_token(secret)))
    if link is None or link.used_at is not None or not link.user.active:
        raise ServiceError("this link is not valid: it was already used or replaced by a "
                           "newer one; ask for a new link", status=404)
    if _aware(link.expires_at) <= utcnow():
        raise ServiceError("this link has expired; ask for a new link", status=404)
    return link


def use_link(secret: str, password: str) -> User:
    """Set the password through the link, which then stops working."""
    link = valid_link(secret)
    set_new_password(link.user, password)
    link.used_at = utcnow()
    db.session.flush()
    return link.user
