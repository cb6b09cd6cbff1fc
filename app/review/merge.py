"""Automatic merge: which undecided units go to gold, for one document or a whole project.

The units are the agreement package's (overlap mode, submitted work), matched for all the
documents at once on one SpanTable, exactly as the agreement report matches them, so a
project of 120,000 spans is planned in about a second. The rules:
- unanimous: every counted annotator has a span in the unit and all spans have the same
  offsets, claimant and evidence type;
- majority (includes unanimous): the most common version holds at least `threshold` of the
  counted annotators' votes (compared to two decimals, so 2 of 3 reaches 0.67), an annotator
  without a span voting "no claim"
  (app.review.units.majority_version, shared with the review page's "a" key).
A unit with any span already a source of a gold row is decided and never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ARRAY, Integer, any_, select
from sqlalchemy import cast as sql_cast

from app.agreement.matching import assign_units
from app.agreement.table import SpanTable
from app.agreement_views.service import AgreementOptions, load_documents
from app.extensions import db
from app.models import Document, GoldSpan, Span, gold_span_sources
from app.review.units import majority_version

CHUNK = 5000  # ids per IN (...) list, well under SQLite's limit on bound parameters


@dataclass(frozen=True)
class MergeProposal:
    document_id: int
    unit: int  # the unit's number on the document's review page (1-based, text order)
    start: int
    end: int
    text: str
    claimant_id: int
    evidence_type: str
    note: str
    provenance: str  # unanimous | majority
    share: float  # of the counted annotators' votes
    span_id: int  # the version taken
    source_span_ids: tuple[int, ...]  # every span of the unit


def plan_merge(documents: list[Document], strategy: str, threshold: float
               ) -> list[MergeProposal]:
    """The proposals of `strategy` for the undecided units of `documents` (one project)."""
    if not documents:
        return []
    project = documents[0].project
    loaded = load_documents(project, AgreementOptions(documents=tuple(d.id for d in documents)))
    table = SpanTable.build(loaded)
    if len(table) == 0:
        return []
    members: dict[int, list] = {}
    for span, unit in zip(table.spans, assign_units(table, "overlap").tolist(), strict=True):
        members.setdefault(unit, []).append(span)
    counted = {doc.document: len(doc.annotators) for doc in loaded}
    decided = _decided_spans(project.id)
    chosen = []
    number: dict[int, int] = {}
    for unit in sorted(members):  # units are numbered in text order within each document
        spans = members[unit]
        document_id = spans[0].document
        number[document_id] = number.get(document_id, 0) + 1
        if any(span.span_id in decided for span in spans):
            continue
        keys = [(s.start, s.end, s.claimant, s.evidence_type) for s in spans]
        total = counted[document_id]
        if len(spans) == total and len(set(keys)) == 1:
            chosen.append((document_id, number[document_id], spans, 0, "unanimous", 1.0))
        elif strategy == "majority":
            index, share = majority_version(keys, total)
            if index is not None and reaches(share, threshold):
                chosen.append((document_id, number[document_id], spans, index, "majority",
                               share))
    quotes = _quotes([spans[index].span_id for _, _, spans, index, _, _ in chosen])
    proposals = []
    for document_id, unit_number, spans, index, provenance, share in chosen:
        span = spans[index]
        text, note = quotes[span.span_id]
        proposals.append(MergeProposal(
            document_id, unit_number, span.start, span.end, text, span.claimant,
            span.evidence_type, note, provenance, share, span.span_id,
            tuple(sorted(s.span_id for s in spans))))
    return proposals


def reaches(share: float, threshold: float) -> bool:
    """Shares and thresholds are compared to two decimals, as people write them: 2 votes of
    3 (0.6667) reach "0.67", the usual way of writing two thirds."""
    return round(share, 2) >= round(threshold, 2)


def _decided_spans(project_id: int) -> set[int]:
    """Every annotator span of the project that a gold row was decided from."""
    return set(db.session.scalars(
        select(gold_span_sources.c.span_id)
        .join(GoldSpan, GoldSpan.id == gold_span_sources.c.gold_span_id)
        .join(Document, Document.id == GoldSpan.document_id)
        .where(Document.project_id == project_id)))


def _quotes(span_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Quote and note of each span, read by id: one array parameter on PostgreSQL (its driver
    parses a statement of thousands of parameters slowly), chunks of ids on SQLite."""
    quotes = {}
    if db.session.get_bind().dialect.name == "postgresql":
        chunks = [select(Span.id, Span.text, Span.note).where(
            Span.id == any_(sql_cast(span_ids, ARRAY(Integer))))] if span_ids else []
    else:
        chunks = [select(Span.id, Span.text, Span.note).where(
            Span.id.in_(span_ids[first:first + CHUNK]))
            for first in range(0, len(span_ids), CHUNK)]
    for query in chunks:
        for span_id, text, note in db.session.execute(query):
            quotes[span_id] = (text, note)
    return quotes
