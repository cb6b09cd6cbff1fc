"""Shared checks for the model tests: the DATABASE must refuse, not just the ORM."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

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
