"""Annotated spans and the adjudicated gold layer.

Offsets are Unicode code points into Document.text, half-open [start, end). The database
itself refuses impossible offsets; `end <= len(text)` is checked by the services, since a
portable CHECK cannot see another table.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

if TYPE_CHECKING:
    from app.models.claimants import Claimant
    from app.models.documents import Document
    from app.models.users import User


class Span(db.Model):
    __tablename__ = "spans"
    __table_args__ = (
        CheckConstraint('"start" >= 0', name="start_not_negative"),
        CheckConstraint('"start" < "end"', name="start_before_end"),
        Index("ix_spans_document_annotator", "document_id", "annotator_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # copy of document.text[start:end]
    # A claimant in use cannot vanish from under annotations (merge it instead). Checked at
    # COMMIT, not at once like RESTRICT: deleting a project deletes its claimants and, by
    # another cascade path, its spans; an immediate check can run before the spans are gone.
    claimant_id: Mapped[int] = mapped_column(
        ForeignKey("claimants.id", deferrable=True, initially="DEFERRED"), index=True
    )
    evidence_type: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # Optimistic concurrency: the ORM adds "WHERE version = :read" to every UPDATE.
    version: Mapped[int] = mapped_column(Integer, default=1)

    document: Mapped[Document] = relationship()
    annotator: Mapped[User] = relationship()
    claimant: Mapped[Claimant] = relationship()

    __mapper_args__ = {"version_id_col": version}


# Which annotator spans a gold span was decided from. An annotator span is decided at most
# once (the unique span_id): two reviewers deciding the same unit cannot both succeed.
gold_span_sources = Table(
    "gold_span_sources",
    db.metadata,
    Column("gold_span_id", ForeignKey("gold_spans.id", ondelete="CASCADE"), primary_key=True),
    Column("span_id", ForeignKey("spans.id", ondelete="CASCADE"), primary_key=True),
    UniqueConstraint("span_id", name="uq_gold_span_sources_span_id"),
)

PROVENANCES = ("unanimous", "majority", "adjudicated", "added")
REASONS = ("annotator_error", "guideline_gap", "ambiguous_text", "boundary_convention", "other")


class GoldSpan(db.Model):
    """A reviewer's decision on one place of a document; `sources` are the annotator spans it
    was decided from (none for a span nobody marked).

    The gold layer is the rows with `rejected` False. A rejected row records "not a claim":
    its sources count as decided, its offsets are the unit's extent, it is never gold.
    """

    __tablename__ = "gold_spans"
    __table_args__ = (
        CheckConstraint('"start" >= 0', name="start_not_negative"),
        CheckConstraint('"start" < "end"', name="start_before_end"),
        CheckConstraint(
            "provenance IN (" + ", ".join(f"'{p}'" for p in PROVENANCES) + ")",
            name="provenance_known"),
        CheckConstraint(
            "reason IS NULL OR reason IN (" + ", ".join(f"'{r}'" for r in REASONS) + ")",
            name="reason_known"),
        # Ids never reused (SQLite would hand a deleted row's id to the next one): undo
        # restores a deleted decision under its own id, and history names it by id.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    claimant_id: Mapped[int] = mapped_column(  # checked at COMMIT, as for Span.claimant_id
        ForeignKey("claimants.id", deferrable=True, initially="DEFERRED"))
    evidence_type: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    provenance: Mapped[str] = mapped_column(String(20), default="adjudicated")
    rejected: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    document: Mapped[Document] = relationship()
    reviewer: Mapped[User | None] = relationship()
    claimant: Mapped[Claimant] = relationship()
    sources: Mapped[list[Span]] = relationship(secondary=gold_span_sources)

    __mapper_args__ = {"version_id_col": version}
