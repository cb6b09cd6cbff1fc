"""Shared steps of the account tests."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import User

GOOD_PASSWORD = "tidal-marsh-lantern"


def link_in(html: str) -> str:
    """The set-password link's path shown on a page."""
    match = re.search(r'value="https?://[^/"]+(/set-password/[^"]+)"', html)
    assert match, "no set-password link in the page"
    return match.group(1)


def user_named(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))
