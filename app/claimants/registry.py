"""How a name written by a person (or a file) finds its claimant in a project's registry.

One rule, used by the annotation page, the API and the importer: the canonical name, else an
alias, equal to the name after trimming it and ignoring case (str.casefold, so "STRASSE"
finds "Straße"). Compared in Python because SQLite's lower() folds ASCII only; registries
are small enough to read whole.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Claimant, ClaimantAlias, Project


def claimant_key(name: str) -> str:
    """What two names must share to be the same claimant."""
    return name.strip().casefold()


class ClaimantLookup:
    """The whole registry of a project, indexed by name and alias, for many lookups at once.

    A canonical name wins over another claimant's alias; among equals a confirmed claimant
    wins over a proposal, then the oldest row. It reads every claimant (proposals included):
    it serves imports and the registry's own pages, run by managers. Annotators' lookups go
    through app.claimants.search, which applies app.permissions.visible_claimants.
    """

    def __init__(self, project: Project):
        self._by_key: dict[str, Claimant] = {}
        for claimant in db.session.scalars(
                select(Claimant).where(Claimant.project_id == project.id)
                .order_by(Claimant.status != "confirmed", Claimant.id)):
            self._by_key.setdefault(claimant.name.casefold(), claimant)
        for alias, claimant in db.session.execute(
                select(ClaimantAlias.alias, Claimant).join(Claimant)
                .where(Claimant.project_id == project.id)
                .order_by(Claimant.status != "confirmed", ClaimantAlias.id)):
            self._by_key.setdefault(alias.casefold(), claimant)

    def find(self, name: str) -> Claimant | None:
        return self._by_key.get(claimant_key(name))

    def add(self, claimant: Claimant) -> None:
        """Remember a claimant created after the registry was read."""
        self._by_key.setdefault(claimant_key(claimant.name), claimant)


def find_claimant(project: Project, name: str) -> Claimant | None:
    """The claimant whose name, else alias, equals `name` ignoring case, if any."""
    return ClaimantLookup(project).find(name)
