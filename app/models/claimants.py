"""The project's claimant registry: canonical names, types, affiliations and aliases.

A claimant an annotator creates while annotating is `proposed`: only its creator (and the
project's reviewers and managers) can see it until a reviewer confirms it or merges it into
another claimant (see app.permissions.visible_claimants). Two annotators who type the same
new name each get their own proposal, so one name may be held by several proposals; among
confirmed claimants a name is unique.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

if TYPE_CHECKING:
    from app.models.projects import Project
    from app.models.users import User

CLAIMANT_STATUSES = ("confirmed", "proposed")
CLAIMANT_ACTIONS = ("create", "edit", "rename", "confirm", "alias", "merge", "import")

_CONFIRMED = text("status = 'confirmed'")
_PROPOSED = text("status = 'proposed'")


class Claimant(db.Model):
    __tablename__ = "claimants"
    __table_args__ = (
        CheckConstraint("status IN ('confirmed', 'proposed')", name="status_known"),
        # Partial unique indexes (SQLite and PostgreSQL both have them): a confirmed name
        # once per project; a proposed name once per creator.
        Index("uq_claimants_confirmed_name", "project_id", "name", unique=True,
              sqlite_where=_CONFIRMED, postgresql_where=_CONFIRMED),
        Index("uq_claimants_proposed_name", "project_id", "created_by_id", "name", unique=True,
              sqlite_where=_PROPOSED, postgresql_where=_PROPOSED),
        # Ids are never reused (SQLite would reuse the highest one), so undoing a merge can
        # give the merged claimant its id back.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(40))  # a claimant-type key of the project's scheme
    # A source-type key of the scheme (W3C Credibility Signals, "Source Types"), if known.
    source_type: Mapped[str | None] = mapped_column(String(40))
    # e.g. a spokesman affiliated with his ministry; the ministry may be deleted independently.
    affiliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("claimants.id", ondelete="SET NULL")
    )
    role: Mapped[str] = mapped_column(String(300), default="")  # role or title
    description: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str] = mapped_column(String(500), default="")  # Wikidata id or URL
    status: Mapped[str] = mapped_column(String(20), default="confirmed",
                                        server_default="confirmed")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    project: Mapped[Project] = relationship()
    created_by: Mapped[User | None] = relationship()
    affiliation: Mapped[Claimant | None] = relationship(remote_side=[id])
    aliases: Mapped[list[ClaimantAlias]] = relationship(
        back_populates="claimant",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ClaimantAlias.alias",
    )

    @property
    def proposed(self) -> bool:
        return self.status == "proposed"

    def __repr__(self) -> str:
        return f"<Claimant {self.name}>"


class ClaimantAlias(db.Model):
    __tablename__ = "claimant_aliases"
    __table_args__ = (UniqueConstraint("claimant_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claimant_id: Mapped[int] = mapped_column(ForeignKey("claimants.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(300))

    claimant: Mapped[Claimant] = relationship(back_populates="aliases")


class ClaimantEvent(db.Model):
    """One change to a project's registry, newest last; a merge's `details` hold what undo
    needs to restore the state before it exactly (the merged claimant, its aliases, the spans,
    gold spans and affiliations that were re-pointed)."""

    __tablename__ = "claimant_events"
    __table_args__ = (
        CheckConstraint("action IN (" + ", ".join(f"'{a}'" for a in CLAIMANT_ACTIONS) + ")",
                        name="action_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    # No foreign key: the event outlives a merged claimant.
    claimant_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User | None] = relationship()


# --- the registry stamp ------------------------------------------------------------------
# Every flush that adds, changes or deletes a claimant or an alias gives its project a new
# random `claimant_registry_version`, the key of the cached autocomplete index
# (app.claimants.search). Random rather than +1: an index built inside a transaction that is
# then rolled back must never match a later commit's stamp.


def _new_registry_stamp() -> int:
    return secrets.randbelow(2**31 - 1) + 1


@event.listens_for(Session, "after_flush")
def _stamp_changed_registries(session: Session, _context) -> None:
    project_ids: set[int] = set()
    claimant_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Claimant) and obj.project_id is not None:
            project_ids.add(obj.project_id)
        elif isinstance(obj, ClaimantAlias) and obj.claimant_id is not None:
            claimant_ids.add(obj.claimant_id)
    if not project_ids and not claimant_ids:
        return
    from app.models.projects import Project

    connection = session.connection()
    if claimant_ids:
        project_ids.update(connection.scalars(
            select(Claimant.project_id).where(Claimant.id.in_(claimant_ids))))
    bump_registry_stamp(connection, project_ids, Project)


def bump_registry_stamp(connection, project_ids, project_model=None) -> None:
    """Give these projects a new registry stamp (also for bulk UPDATEs the hook cannot see)."""
    if project_model is None:
        from app.models.projects import Project as project_model
    if project_ids:
        connection.execute(
            update(project_model).where(project_model.id.in_(sorted(project_ids)))
            .values(claimant_registry_version=_new_registry_stamp())
            .execution_options(synchronize_session=False))
