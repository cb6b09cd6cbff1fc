"""The project's claimant registry: canonical names, types, affiliations and aliases."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

if TYPE_CHECKING:
    from app.models.projects import Project


class Claimant(db.Model):
    __tablename__ = "claimants"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(40))  # a claimant-type key of the project's scheme
    # e.g. a spokesman affiliated with his ministry; the ministry may be deleted independently.
    affiliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("claimants.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    project: Mapped[Project] = relationship()
    affiliation: Mapped[Claimant | None] = relationship(remote_side=[id])
    aliases: Mapped[list[ClaimantAlias]] = relationship(
        back_populates="claimant",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ClaimantAlias.alias",
    )

    def __repr__(self) -> str:
        return f"<Claimant {self.name}>"


class ClaimantAlias(db.Model):
    __tablename__ = "claimant_aliases"
    __table_args__ = (UniqueConstraint("claimant_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claimant_id: Mapped[int] = mapped_column(ForeignKey("claimants.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(300))

    claimant: Mapped[Claimant] = relationship(back_populates="aliases")
