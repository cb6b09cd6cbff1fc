"""Export a project's documents and annotations in the interchange JSONL (docs/formats.md).

The same format the importer reads, so an export imports into another project unchanged.
Richer exports (CSV, brat, W3C, CoNLL) come with the export feature; this is the lossless one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload, undefer

from app.extensions import db
from app.formats import ImportedAnnotation, ImportedDocument, write_jsonl
from app.models import Assignment, Document, GoldSpan, Project, Span, User


def export_project_jsonl(project: Project, *, only_submitted: bool = True) -> str:
    """Every document with its annotations (by default only from submitted assignments)."""
    documents = db.session.scalars(
        select(Document).where(Document.project_id == project.id)
        .options(undefer(Document.text)).order_by(Document.id)
    ).all()
    span_rows = db.session.execute(
        select(Span, User.username).join(User, User.id == Span.annotator_id)
        .join(Document, Document.id == Span.document_id)
        .where(Document.project_id == project.id)
        .options(selectinload(Span.claimant))
        .order_by(Span.document_id, Span.start, Span.end, User.username, Span.id)
    ).all()
    submitted = set(db.session.execute(
        select(Assignment.document_id, Assignment.annotator_id).join(Document)
        .where(Document.project_id == project.id, Assignment.status == "submitted")
    ).tuples())
    by_document: dict[int, list[ImportedAnnotation]] = {}
    for span, username in span_rows:
        if only_submitted and (span.document_id, span.annotator_id) not in submitted:
            continue
        by_document.setdefault(span.document_id, []).append(_annotation(span, username))
    gold: dict[int, list[ImportedAnnotation]] = {}
    for gold_span in db.session.scalars(
        select(GoldSpan).join(Document).where(Document.project_id == project.id)
        .options(selectinload(GoldSpan.claimant)).order_by(GoldSpan.start, GoldSpan.end)
    ):
        gold.setdefault(gold_span.document_id, []).append(_annotation(gold_span, None))
    return write_jsonl(
        ImportedDocument(
            external_id=d.external_id, title=d.title, text=d.text, url=d.url or "",
            published=d.published, meta=d.meta or {},
            annotations=by_document.get(d.id, []), gold=gold.get(d.id, []),
        )
        for d in documents
    )


def _annotation(span: Span | GoldSpan, annotator: str | None) -> ImportedAnnotation:
    return ImportedAnnotation(
        annotator=annotator, start=span.start, end=span.end, text=span.text,
        claimant=span.claimant.name, claimant_type=span.claimant.type,
        evidence_type=span.evidence_type, note=span.note or "",
    )
