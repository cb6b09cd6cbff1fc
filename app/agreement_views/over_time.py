"""Agreement by submission week for the report (`over_time`): when each document's work was
complete is read here, the figures come from the pure app/agreement/over_time.py.

A document's work is complete at the latest submission among its submitted assignments.
Guideline and scheme revisions are not recorded with a date yet, so the chart marks none.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, Project

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


def over_time_section(project: Project, documents: list, seed: int) -> dict:
    """agreement_over_time by ISO week over the report's documents."""
    from app.agreement.over_time import agreement_over_time

    completed = completion_dates([doc.document for doc in documents])
    return agreement_over_time(documents, completed, by="week",
                               bootstrap_draws=OVER_TIME_DRAWS, seed=seed)
