"""Users and their API tokens (stored hashed: a leaked database leaks no usable token)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.base import utcnow


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    # None: the account has no usable password (e.g. created by an import); it cannot log in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # May create projects when the site setting allows project creators (app.accounts.settings).
    project_creator: Mapped[bool] = mapped_column(Boolean, default=False)
    # Optional: where a set-password link is mailed when SMTP is configured.
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Every session and remember cookie carries the generation it was made in; raising it
    # (logout, "log out everywhere", a new password, deactivation) ends them all at once,
    # since a signed cookie cannot be recalled (app/auth/sessions.py).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What a session stores (Flask-Login): the id and the session generation."""
        return f"{self.id}:{self.session_generation}"

    def end_all_sessions(self) -> None:
        """Every session and remember cookie of this user stops working at its next request."""
        self.session_generation = (self.session_generation or 0) + 1
        # Not a column: tells the request that did this to keep its own session
        # (app.auth.sessions), so other requests need not read the user again to check.
        self.sessions_ended_here = True

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def set_password(self, password: str) -> None:
        """Store the new password's hash; every session made with the old one ends."""
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.end_all_sessions()

    @validates("active")
    def _end_sessions_on_deactivation(self, _key: str, active: bool) -> bool:
        # Whatever deactivates an account (a page, the CLI, a script), its sessions end, and
        # reactivating it later does not bring them back.
        if not active and self.active is not False:
            self.end_all_sessions()
        return active

    @staticmethod
    def spend_time_like_a_password_check(password: str) -> None:
        check_password_hash(_dummy_hash(), password)

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


def username_problem(username: str) -> str | None:
    """Why `username` cannot name a new account, or None if it can."""
    if not username or len(username) > 64 or any(
            c.isspace() or not c.isprintable() for c in username):
        return "a username is 1-64 characters without spaces or control characters"
    return None


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # None: never

    user: Mapped[User] = relationship(back_populates="tokens")

    @classmethod
    def issue(cls, user: User, name: str = "",
              expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
        """A new token for `user`; the plain token is returned once and never stored."""
        plain = secrets.token_urlsafe(32)
        return cls(user=user, token_hash=hash_token(plain), name=name,
                   expires_at=expires_at), plain
