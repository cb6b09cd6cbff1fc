"""Review of a document: its status, and the history of every change to its gold layer."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

if TYPE_CHECKING:
    from app.models.users import User

REVIEW_STATUSES = ("not_started", "in_review", "adjudicated")
GOLD_ACTIONS = ("create", "update", "delete")


class DocumentReview(db.Model):
    """Where the review of one document stands; no row means not started."""

    __tablename__ = "document_reviews"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in REVIEW_STATUSES) + ")",
            name="status_known"),
    )

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="in_review")
    # Who is reviewing it now (the last reviewer to change its gold layer or status).
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    adjudicated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    reviewer: Mapped[User | None] = relationship()


class GoldEvent(db.Model):
    """One change to a document's gold layer, with the gold span before and after.

    `batch` groups the events of one action (a decision, a merge): undo reverts a whole batch.
    The snapshots are plain JSON (offsets, labels, provenance, source span ids), so history
    outlives the gold span itself and a deleted gold span can be restored with its id.
    """

    __tablename__ = "gold_events"
    __table_args__ = (
        CheckConstraint(
            "action IN (" + ", ".join(f"'{a}'" for a in GOLD_ACTIONS) + ")",
            name="action_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    gold_span_id: Mapped[int] = mapped_column(Integer)  # no FK: the span may be gone
    batch: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(10))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
