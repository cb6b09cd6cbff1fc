"""Optimistic concurrency on spans: `version` is bumped by each UPDATE, and an UPDATE based on
a stale read fails instead of silently overwriting someone else's change."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import GoldSpan, Span, User


@pytest.fixture
def span(make):
    project = make.project("Versions", alice="annotator")
    document = make.document(project, "The ministry said 12 people died.", assign=("alice",))
    alice = db.session.query(User).filter_by(username="alice").one()
    return make.span(document, alice, 4, 12, note="first")


def test_new_span_starts_at_version_1_and_each_update_bumps_it(span):
    assert span.version == 1
    span.note = "second"
    db.session.commit()
    assert span.version == 2
    span.evidence_type = "statistic"
    db.session.commit()
    assert span.version == 3


def test_update_based_on_a_stale_read_raises_stale_data_error(span, app):
    with Session(db.engine) as other:  # another request that saves first
        theirs = other.get(Span, span.id)
        theirs.note = "their change"
        other.commit()
    span.note = "my change"  # this session still believes version == 1
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
    db.session.refresh(span)
    assert (span.note, span.version) == ("their change", 2)


def test_deleting_a_stale_span_raises_stale_data_error(span):
    with Session(db.engine) as other:
        other.get(Span, span.id).note = "edited elsewhere"
        other.commit()
    db.session.delete(span)
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Span, span.id) is not None


def test_gold_spans_are_versioned_too(span):
    gold = GoldSpan(document=span.document, start=4, end=12, text=span.text,
                    claimant=span.claimant, evidence_type="official_statement")
    db.session.add(gold)
    db.session.commit()
    with Session(db.engine) as other:
        other.get(GoldSpan, gold.id).note = "adjudicated elsewhere"
        other.commit()
    gold.note = "mine"
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
