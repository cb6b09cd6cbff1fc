"""Bringing a file's claimant registry (JSONL `{"claimant": …}` lines) into a project.

A claimant the project already has (same name or alias, app.claimants.registry) keeps its row;
the file adds the aliases it does not have yet. A new one is created with every field the file
gives. Affiliations are linked once all claimants exist, so their order in the file is free.
"""

from __future__ import annotations

from app.claimants.registry import ClaimantLookup
from app.extensions import db
from app.formats import FormatError, RegistryClaimant
from app.models import Claimant, ClaimantAlias, Project

_OPTIONAL_COLUMNS = ("status", "source_type", "role", "description", "external_id")


def registry_problems(claimants: list[RegistryClaimant], lookup: ClaimantLookup,
                      filename: str) -> list[FormatError]:
    """Affiliations naming no claimant of the file or of the project."""
    known = {name.strip().casefold() for c in claimants for name in (c.name, *c.aliases)}
    return [
        FormatError(None, "claimant.affiliation", f"claimant {c.name!r} is affiliated with "
                    f"{c.affiliation!r}, which is neither in the file nor in the registry",
                    file=filename)
        for c in claimants
        if c.affiliation and c.affiliation.strip().casefold() not in known
        and lookup.find(c.affiliation) is None
    ]


def apply_registry(project: Project, claimants: list[RegistryClaimant],
                   lookup: ClaimantLookup) -> list[str]:
    """Create or extend the registry's claimants; returns the names created. Read the
    registry again afterwards (ClaimantLookup) to find the aliases added here."""
    created: list[str] = []
    rows: list[tuple[RegistryClaimant, Claimant]] = []
    for entry in claimants:
        claimant = lookup.find(entry.name)
        if claimant is None:
            claimant = Claimant(project=project, name=entry.name, type=entry.type)
            for column in _OPTIONAL_COLUMNS:
                value = getattr(entry, column)
                if value and hasattr(Claimant, column):  # columns the model has today
                    setattr(claimant, column, value)
            db.session.add(claimant)
            lookup.add(claimant)
            created.append(entry.name)
        rows.append((entry, claimant))
    db.session.flush()
    added_aliases: set[str] = set()
    for entry, claimant in rows:
        for alias in entry.aliases:
            key = alias.strip().casefold()
            if lookup.find(alias) is None and key not in added_aliases:
                db.session.add(ClaimantAlias(claimant=claimant, alias=alias))
                added_aliases.add(key)
        if entry.affiliation and claimant.affiliation_id is None:
            claimant.affiliation = lookup.find(entry.affiliation) or next(
                (c for e, c in rows if entry.affiliation.casefold()
                 in {n.casefold() for n in (e.name, *e.aliases)}), None)
    db.session.flush()
    return created
