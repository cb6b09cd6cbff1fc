"""Agreement by submission week for the report (`over_time`): when each document's work was
complete and the project's dated guideline and scheme revisions are read here, the figures
come from the pure app/agreement/over_time.py.

A document's work is complete at the latest submission among its submitted assignments.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, Project, ProjectRevision

OVER_TIME_DRAWS = 200  # per weekly window: enough for its interval, cheap for many weeks


def completion_dates(document_ids: list[int]) -> dict:
    """Document id -> the latest submission of its submitted assignments."""
    if not document_ids:
        return {}
    rows = db.session.execute(
        select(Assignment.document_id, func.max(Assignment.submitted_at))
        .where(Assignment.document_id.in_(document_ids), Assignment.status == "submitted")
        .group_by(Assignment.document_id))
    return {doc_id: when for doc_id, when in rows if when is not None}


def revision_marks(project: Project) -> list[tuple]:
    """(date, summary, kind) of every recorded guidelines or scheme revision, oldest first."""
    return list(db.session.execute(
        select(ProjectRevision.created_at, ProjectRevision.summary, ProjectRevision.kind)
        .where(ProjectRevision.project_id == project.id)
        .order_by(ProjectRevision.created_at, ProjectRevision.id)).tuples())


def over_time_section(project: Project, documents: list, seed: int) -> dict:
    """agreement_over_time by ISO week over the report's documents, with the revisions."""
    from app.agreement.over_time import agreement_over_time

    completed = completion_dates([doc.document for doc in documents])
    return agreement_over_time(documents, completed, by="week",
                               revisions=revision_marks(project),
                               bootstrap_draws=OVER_TIME_DRAWS, seed=seed)
