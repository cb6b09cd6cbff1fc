"""Shared helpers for the foundation tests: the DATABASE must refuse, not just the ORM; and
cheap password hashes where password hashing is not what is tested."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from app.extensions import db


def assert_refused_on_commit(*objects) -> None:
    """Adding `objects` and committing raises IntegrityError; the session is left usable."""
    db.session.add_all(objects)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def assert_sql_refused(statement: str, **params) -> None:
    """A raw SQL statement (bypassing the ORM entirely) is refused by a constraint."""
    with pytest.raises(IntegrityError):
        db.session.execute(text(statement), params)
        db.session.commit()
    db.session.rollback()


def insert_span_sql(document_id: int, annotator_id: int, claimant_id: int,
                    start: int, end: int) -> str:
    """The INSERT for a span row with every NOT NULL column filled; returns the statement."""
    return (
        'INSERT INTO spans (document_id, annotator_id, "start", "end", text, claimant_id, '
        "evidence_type, note, created_at, updated_at, version) VALUES "
        f"({document_id}, {annotator_id}, {start}, {end}, 'x', {claimant_id}, "
        "'official_statement', '', :now, :now, 1)"
    )


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def use_cheap_password_hashes(monkeypatch) -> None:
    """scrypt takes ~0.1 s a hash by design; tests that only need users use one iteration of
    PBKDF2 instead (check_password_hash reads the method from the hash, so logins still work).
    tests/web/test_auth.py keeps the real scrypt."""
    cheap = functools.partial(generate_password_hash, method="pbkdf2:sha256:1")
    monkeypatch.setattr("app.models.users.generate_password_hash",
                        lambda password, method=None: cheap(password))
    monkeypatch.setattr("app.projects.demo.generate_password_hash",
                        lambda password, method=None: cheap(password))
