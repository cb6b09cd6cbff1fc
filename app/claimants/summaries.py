"""A claimant's profile and an article's sourcing summary, from the counted layer
(app.claimants.profiles: gold where adjudicated, else submitted work)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from app.claimants.profiles import (
    ALL,
    ANONYMOUS_EVIDENCE,
    DOCUMENT_EVIDENCE,
    EXAMPLES,
    NO_EVIDENCE,
    Sources,
    layer_counts,
    layer_queries,
    sources_of,
)
from app.extensions import db
from app.models import Claimant, Document, DocumentReview, Project
from app.projects.service import project_scheme


@dataclass
class ClaimantProfile:
    claims: int
    articles: int
    by_evidence: list[tuple[str, str, int]]  # key, name, count (scheme order)
    unsupported_share: float | None  # no evidence or anonymous, of all claims
    examples: list[tuple[int, str, str]]  # document id, document title, quoted text
    sources: Sources


def claimant_profile(project: Project, claimant: Claimant) -> ClaimantProfile:
    def only(model):
        return (model.claimant_id == claimant.id,)

    by_document = layer_counts(project, lambda m: (m.document_id, m.evidence_type), ALL, only)
    evidence: Counter = Counter()
    for (_document, key), number in by_document.items():
        evidence[key] += number
    claims = sum(evidence.values())
    examples = []
    for _model, query in layer_queries(
            project, lambda m: (m.document_id, Document.title, m.text), ALL, only,
            with_document=True):
        for row in db.session.execute(query.order_by(Document.id).limit(EXAMPLES)):
            if len(examples) < EXAMPLES:
                examples.append(tuple(row))
    scheme = project_scheme(project)
    unsupported = evidence[NO_EVIDENCE] + evidence[ANONYMOUS_EVIDENCE]
    return ClaimantProfile(
        claims=claims, articles=len({document for document, _key in by_document}),
        by_evidence=[(e.key, e.name, evidence[e.key]) for e in scheme.evidence_types],
        unsupported_share=unsupported / claims if claims else None,
        examples=examples, sources=sources_of(project))


@dataclass
class ArticleSummary:
    layer: str  # 'gold', 'submitted' or 'none'
    rows: list[tuple[Claimant, dict[str, int], int]]  # claimant, counts by evidence, total
    evidence: list[tuple[str, str, str]]  # key, name, colour
    claims: int
    distinct_sources: int
    anonymous_share: float | None  # claims resting on anonymous sources
    cites_documents: bool
    without_evidence: int


def article_summary(project: Project, document: Document) -> ArticleSummary:
    """One article's sources: who is quoted, on what evidence, and the signals it gives."""
    adjudicated = db.session.scalar(select(DocumentReview.status).where(
        DocumentReview.document_id == document.id)) == "adjudicated"

    def only(model):
        return (model.document_id == document.id,)

    counts = layer_counts(project, lambda m: (m.claimant_id, m.evidence_type), ALL, only)
    claimants = {c.id: c for c in db.session.scalars(
        select(Claimant).where(Claimant.id.in_({cid for cid, _e in counts})))}
    table: dict[int, Counter] = defaultdict(Counter)
    for (claimant_id, evidence), number in counts.items():
        table[claimant_id][evidence] += number
    rows = sorted(((claimants[cid], dict(row), sum(row.values())) for cid, row in table.items()),
                  key=lambda row: (-row[2], row[0].name.casefold()))
    claims = sum(total for _c, _row, total in rows)
    # Anonymous: the evidence type says so, or the claimant is registered as anonymous.
    anonymous = sum(total if _is_anonymous(claimant) else row.get(ANONYMOUS_EVIDENCE, 0)
                    for claimant, row, total in rows)
    documents = any(row.get(DOCUMENT_EVIDENCE) or claimant.source_type == DOCUMENT_EVIDENCE
                    for claimant, row, _total in rows)
    scheme = project_scheme(project)
    return ArticleSummary(
        layer="gold" if adjudicated else ("submitted" if claims else "none"), rows=rows,
        evidence=[(e.key, e.name, e.colour) for e in scheme.evidence_types], claims=claims,
        distinct_sources=len(rows),
        anonymous_share=anonymous / claims if claims else None,
        cites_documents=bool(documents),
        without_evidence=sum(row.get(NO_EVIDENCE, 0) for _c, row, _t in rows))


def _is_anonymous(claimant: Claimant) -> bool:
    return claimant.source_type == "anonymous" or claimant.type == "anonymous"
