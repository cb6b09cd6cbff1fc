"""Feedback against gold: each annotator's work compared with the adjudicated gold layer.

The figures come from the pure app.agreement.vs_gold.compare_with_gold; this module reads
what it compares: the documents whose review is `adjudicated`, their submitted annotators'
spans, and their gold layer (rejected decisions left out).
"""

from __future__ import annotations

from sqlalchemy import select

from app.agreement.units import AnnotatedSpan
from app.agreement.vs_gold import GoldDocument, compare_with_gold
from app.agreement_views.service import AgreementOptions, load_documents
from app.extensions import db
from app.models import Document, DocumentReview, GoldSpan, Project


def adjudicated_document_ids(project: Project) -> list[int]:
    return list(db.session.scalars(
        select(DocumentReview.document_id).join(Document)
        .where(Document.project_id == project.id, DocumentReview.status == "adjudicated")
        .order_by(DocumentReview.document_id)))


def load_gold_documents(project: Project, only: tuple[int, ...] | None = None
                        ) -> list[GoldDocument]:
    """Every adjudicated document (of `only`, when given) with its submitted work and its
    gold layer."""
    ids = adjudicated_document_ids(project)
    if only is not None:
        ids = [document_id for document_id in ids if document_id in set(only)]
    if not ids:
        return []
    gold: dict[int, list[AnnotatedSpan]] = {}
    for gold_id, document_id, start, end, evidence, claimant in db.session.execute(
            select(GoldSpan.id, GoldSpan.document_id, GoldSpan.start, GoldSpan.end,
                   GoldSpan.evidence_type, GoldSpan.claimant_id)
            .where(GoldSpan.document_id.in_(ids), GoldSpan.rejected.is_(False))
            .order_by(GoldSpan.document_id, GoldSpan.start, GoldSpan.end, GoldSpan.id)):
        gold.setdefault(document_id, []).append(AnnotatedSpan(
            document=document_id, annotator="gold", start=start, end=end,
            evidence_type=evidence, claimant=claimant, span_id=gold_id))
    return [GoldDocument(document=loaded.document, length=loaded.length,
                         annotators=loaded.annotators, spans=loaded.spans,
                         gold=tuple(gold.get(loaded.document, ())), title=loaded.title)
            for loaded in load_documents(project, AgreementOptions(documents=tuple(ids)))]


def gold_comparison(project: Project, annotator: str | None = None) -> dict:
    """compare_with_gold over the adjudicated documents; with `annotator`, only that
    annotator's figures (what an annotator may see of their own work)."""
    documents = load_gold_documents(project)
    result = compare_with_gold(documents, [annotator] if annotator else None)
    if annotator is not None:
        own = result["per_annotator"].get(annotator)
        # Pooled per-type figures mix everyone's spans: never shown to one annotator.
        return {"documents": sum(1 for d in documents if annotator in d.annotators),
                "scores": own}
    return result
