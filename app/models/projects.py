"""Projects, their annotation scheme and their members."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

if TYPE_CHECKING:
    from app.models.documents import Document
    from app.models.users import User

# Ordered by power: a manager may do what a reviewer may, a reviewer what an annotator may see.
ROLES = ("annotator", "reviewer", "manager")
ROLES_IN_WORDS = f"{', '.join(ROLES[:-1])} or {ROLES[-1]}"  # for messages


class Project(db.Model):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("annotators_per_document >= 1", name="annotators_per_document_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    guidelines: Mapped[str] = mapped_column(Text, default="")  # Markdown, rendered safely
    # The annotation scheme as app.scheme.Scheme.to_dict(): evidence types and claimant types.
    scheme: Mapped[dict[str, Any]] = mapped_column(JSON)
    annotators_per_document: Mapped[int] = mapped_column(Integer, default=2)
    snap_to_words: Mapped[bool] = mapped_column(Boolean, default=True)
    # Review: show annotators as "Annotator 1, 2, …" to reviewers; let annotators see their
    # own scores against gold once a document is adjudicated.
    anonymous_review: Mapped[bool] = mapped_column(Boolean, default=False)
    annotators_see_scores: Mapped[bool] = mapped_column(Boolean, default=False)
    # Claimant registry: bumped by every change to the project's claimants or aliases (a key
    # for the autocomplete index, app.claimants.search); and whether claimant agreement also
    # counts claimants of the same affiliation root as agreeing.
    claimant_registry_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimants_agree_by_root: Mapped[bool] = mapped_column(Boolean, default=False,
                                                          server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Bumped by every change to the project's annotations: a cache key for agreement reports.
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[ProjectMember]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )

    def touch(self) -> None:
        self.changed_at = utcnow()

    def __repr__(self) -> str:
        return f"<Project {self.name}>"


class ProjectMember(db.Model):
    __tablename__ = "project_members"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id"),
        CheckConstraint(f"role IN ({', '.join(repr(role) for role in ROLES)})", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))

    project: Mapped[Project] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
