"""Dated revisions of a project's guidelines and scheme (app.models.ProjectRevision).

The project edit service records one row per kind that actually changed, with a short summary
of what changed, so the agreement report can mark "guidelines revised" on its over-time chart.
Saving the settings form without changing the text or the scheme records nothing.
"""

from __future__ import annotations

import difflib

from sqlalchemy import select

from app.extensions import db
from app.models import Project, ProjectRevision, User

SUMMARY_LENGTH = 300  # the column's size
# Scheme lists compared by key: (the scheme dict's list, the word used in summaries)
SCHEME_LISTS = (("evidence_types", "evidence type"), ("claimant_types", "claimant type"),
                ("source_types", "source type"))


def record_revisions(project: Project, user: User | None, *, old_guidelines: str,
                     old_scheme: dict) -> list[ProjectRevision]:
    """Compare the project's guidelines and scheme with their values before an edit and add a
    revision for each that changed. Call after the new values are set, in the same transaction.
    A revision also changes the agreement report (its over-time chart): the project is touched
    so cached reports are not served again."""
    revisions = []
    if (project.guidelines or "") != (old_guidelines or ""):
        revisions.append(ProjectRevision(
            project_id=project.id, kind="guidelines", user_id=user.id if user else None,
            summary=guidelines_summary(old_guidelines or "", project.guidelines or "")))
    if project.scheme != old_scheme:
        revisions.append(ProjectRevision(
            project_id=project.id, kind="scheme", user_id=user.id if user else None,
            summary=scheme_summary(old_scheme or {}, project.scheme or {})))
    if revisions:
        db.session.add_all(revisions)
        project.touch()
    return revisions


def guidelines_summary(old: str, new: str) -> str:
    """'guidelines: 3 lines added, 1 removed' (a line-by-line diff, as `diff` counts them)."""
    added = removed = 0
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0):
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return f"guidelines: {added} line{'s' if added != 1 else ''} added, {removed} removed"


def scheme_summary(old: dict, new: dict) -> str:
    """Which keys were added, removed or redefined in each list of the scheme."""
    parts = []
    for name, word in SCHEME_LISTS:
        before = {item.get("key"): item for item in old.get(name) or []}
        after = {item.get("key"): item for item in new.get(name) or []}
        for verb, keys in (("added", [k for k in after if k not in before]),
                           ("removed", [k for k in before if k not in after]),
                           ("changed", [k for k in after if k in before
                                        and after[k] != before[k]])):
            if keys:
                parts.append(f"{word} {', '.join(map(str, keys))} {verb}")
    if not parts:
        parts.append("order or settings changed")
    return _cut("scheme: " + "; ".join(parts))


def project_revisions(project: Project) -> list[ProjectRevision]:
    """The project's revisions, oldest first."""
    return list(db.session.scalars(
        select(ProjectRevision).where(ProjectRevision.project_id == project.id)
        .order_by(ProjectRevision.created_at, ProjectRevision.id)))


def _cut(text: str) -> str:
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"
