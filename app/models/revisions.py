"""Dated revisions of a project's guidelines and annotation scheme.

One row per change that actually altered the guidelines text or the scheme (written by
app.projects.revisions from the project edit service). The agreement report marks them on its
over-time chart, so a manager can see whether agreement moved after a revision.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow

REVISION_KINDS = ("guidelines", "scheme")


class ProjectRevision(db.Model):
    __tablename__ = "project_revisions"
    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(kind) for kind in REVISION_KINDS)})",
                        name="kind_known"),
        Index("ix_project_revisions_project_created", "project_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Who made the change; kept as None when the account is deleted (the date still counts).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    summary: Mapped[str] = mapped_column(String(300), default="")

    def __repr__(self) -> str:
        return f"<ProjectRevision {self.kind} {self.created_at:%Y-%m-%d}>"
