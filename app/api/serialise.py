"""Models to the JSON shapes of docs/api.md."""

from __future__ import annotations

from app.annotate.service import SpanRow
from app.claimants.search import Match
from app.models import Document, Project, Span
from app.projects.service import project_scheme


def project_summary_json(project: Project, role: str | None) -> dict:
    return {"id": project.id, "name": project.name, "role": role}


def project_json(project: Project, role: str | None) -> dict:
    return {
        **project_summary_json(project, role),
        "scheme": project_scheme(project).to_dict(),
        "snap_to_words": project.snap_to_words,
        "guidelines": project.guidelines,
    }


def document_summary_json(document: Document, status: str | None) -> dict:
    return {"id": document.id, "external_id": document.external_id, "title": document.title,
            "status": status}


def document_json(document: Document, status: str | None) -> dict:
    return {
        "id": document.id,
        "project_id": document.project_id,
        "external_id": document.external_id,
        "title": document.title,
        "url": document.url,
        "published": document.published.isoformat() if document.published else None,
        "text": document.text,
        "length": len(document.text),  # in code points, the unit of every offset
        "status": status,
    }


def span_json(span: Span) -> dict:
    return span_row_json(SpanRow.of(span))


def span_row_json(span: SpanRow) -> dict:
    """A span as docs/api.md shows it (saves build the SpanRow directly, app.annotate.saves)."""
    claimant = span.claimant
    return {
        "id": span.id,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "claimant": {"id": claimant.id, "name": claimant.name, "type": claimant.type},
        "evidence_type": span.evidence_type,
        "note": span.note,
        "version": span.version,
        "annotator": span.annotator,
    }


def claimant_match_json(match: Match) -> dict:
    entry = match.entry
    return {
        "id": entry.id,
        "name": entry.name,
        "type": entry.type,
        "status": entry.status,
        "aliases": list(entry.aliases),
        "matched": match.matched,
    }
