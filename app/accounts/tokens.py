"""Personal API tokens: named, optionally expiring, listed with their last use, revocable.

The plain token is returned once at creation and never stored (app.models.ApiToken keeps
its SHA-256). Revoking deletes the row, so the next request with it is refused.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.errors import ServiceError
from app.extensions import db
from app.models import ApiToken, User
from app.models.base import utcnow

MAX_EXPIRY_DAYS = 3650


def create_token(user: User, name: str, expires_in_days: int | None = None
                 ) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name:
        raise ServiceError("give the token a name to recognise it by", "name")
    if len(name) > 120:
        raise ServiceError("a token name is at most 120 characters", "name")
    if any(token.name == name for token in tokens_of(user)):
        raise ServiceError(f"you already have a token named {name!r}", "name", status=409)
    expires_at = None
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
            raise ServiceError(f"expires_in_days must be from 1 to {MAX_EXPIRY_DAYS}",
                               "expires_in_days")
        expires_at = utcnow() + dt.timedelta(days=expires_in_days)
    token, plain = ApiToken.issue(user, name=name, expires_at=expires_at)
    db.session.add(token)
    db.session.flush()
    return token, plain


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at, ApiToken.id)))


def token_of(user: User, token_id: int) -> ApiToken:
    """The user's own token; another user's token is "not found" (ids do not leak)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise ServiceError("no such token", "token", status=404)
    return token


def token_named(user: User, name: str) -> ApiToken:
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.name == name))
    if token is None:
        raise ServiceError(f"{user.username} has no token named {name!r}", "token", status=404)
    return token


def revoke_token(token: ApiToken) -> None:
    db.session.delete(token)
    db.session.flush()


def is_expired(token: ApiToken, now: dt.datetime | None = None) -> bool:
    if token.expires_at is None:
        return False
    expires = token.expires_at
    if expires.tzinfo is None:  # SQLite returns naive datetimes (stored as UTC)
        expires = expires.replace(tzinfo=dt.UTC)
    return expires <= (now or utcnow())
