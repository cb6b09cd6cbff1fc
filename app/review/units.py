"""What a reviewer sees of one document: the agreement package's units with their decisions.

Units are exactly `app.agreement.units.match_units` in overlap mode over the submitted work
(the figures the dashboard shows come from the same matching), so the review page and the
dashboard can never disagree about what a unit is. A unit is *decided* when one of its spans
is a source of a gold row (accepted or rejected); gold rows without sources are spans a
reviewer added that nobody marked.

Kinds of disagreement follow docs/agreement.md ("Disagreement kinds"): boundary, claimant,
evidence_type, missing; a unit with none of them is unanimous.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.agreement.units import AnnotatedSpan, DocumentAnnotations, match_units
from app.extensions import db
from app.models import Assignment, Claimant, Document, GoldSpan, Span, User

STATES = ("unanimous", "label", "boundary", "missed", "decided")


@dataclass
class Version:
    """One annotator's span in a unit."""

    span: SpanView
    annotator: str  # username
    label: str  # what the reviewer is shown: the username, or "Annotator k" when anonymous

    def key(self) -> tuple:
        """What two versions must share to be the same version."""
        return (self.span.start, self.span.end, self.span.claimant_id, self.span.evidence_type)


@dataclass
class ReviewUnit:
    index: int  # 1-based, in text order
    start: int
    end: int
    versions: list[Version]
    missing: list[str]  # labels of counted annotators without a span here
    kinds: list[str]  # disagreement kinds; empty = unanimous
    decision: GoldSpan | None = None

    @property
    def span_ids(self) -> list[int]:
        return [version.span.id for version in self.versions]

    @property
    def state(self) -> str:
        if self.decision is not None:
            return "decided"
        if not self.kinds:
            return "unanimous"
        if "boundary" in self.kinds:
            return "boundary"
        if "claimant" in self.kinds or "evidence_type" in self.kinds:
            return "label"
        return "missed"

    def majority(self, counted: int) -> tuple[Version | None, float]:
        """The most common version and its share of the counted annotators' votes."""
        index, share = majority_version([version.key() for version in self.versions], counted)
        return (self.versions[index] if index is not None else None), share


def majority_version(keys: list[tuple], counted: int) -> tuple[int | None, float]:
    """Index of the most common version among `keys` and its share of `counted` votes.

    An annotator with no span in the unit votes for "no claim": no version has a majority
    when as many (or more) annotators marked nothing, nor when two versions tie for the top.
    """
    if not keys or counted <= 0:
        return None, 0.0
    ranked = Counter(keys).most_common()
    votes = ranked[0][1]
    share = votes / counted
    if len(ranked) > 1 and ranked[1][1] == votes:
        return None, share
    if votes <= counted - len(keys):
        return None, share
    return keys.index(ranked[0][0]), share


@dataclass
class ReviewDocument:
    document: Document
    annotators: list[str]  # counted (submitted) annotators, by username
    labels: dict[str, str]  # username -> label shown
    units: list[ReviewUnit]
    added: list[GoldSpan] = field(default_factory=list)  # gold spans nobody marked

    @property
    def numbers(self) -> dict[str, int]:
        """username -> the number keys 1-9 use on the page: "Annotator k" is k; named
        annotators are numbered in alphabetical order. The same in every unit."""
        if self.document.project.anonymous_review:
            return {name: int(label.rsplit(" ", 1)[1]) for name, label in self.labels.items()}
        return {name: number for number, name in enumerate(sorted(self.annotators), 1)}

    @property
    def decided(self) -> int:
        return sum(1 for unit in self.units if unit.decision is not None)

    @property
    def complete(self) -> bool:
        return all(unit.decision is not None for unit in self.units)


def annotator_labels(annotators: list[str], anonymous: bool, document_id: int = 0
                     ) -> dict[str, str]:
    """Usernames, or under anonymous review "Annotator 1, 2, …" in an order drawn per
    document (a hash of document id and username): not alphabetical, so the numbers cannot
    be read back from the list of the project's annotators, and they differ between
    documents."""
    if not anonymous:
        return {name: name for name in annotators}
    order = sorted(annotators, key=lambda name: hashlib.sha256(
        f"{document_id}/{name}".encode()).hexdigest())
    return {name: f"Annotator {number}" for number, name in enumerate(order, 1)}


@dataclass(slots=True)
class ClaimantView:
    id: int
    name: str
    type: str


@dataclass(slots=True)
class SpanView:
    """An annotator span as the review page reads it (plain data: no ORM cost per span)."""

    id: int
    start: int
    end: int
    text: str
    claimant_id: int
    evidence_type: str
    note: str
    claimant: ClaimantView


def review_document(document: Document) -> ReviewDocument:
    """The document's units (overlap mode, submitted work) with their decisions."""
    return review_documents([document])[0]


def review_documents(documents: list[Document]) -> list[ReviewDocument]:
    """review_document for many documents of one project, in a fixed number of queries.

    The spans are read once, as plain rows, and given to the agreement package's matching
    as `DocumentAnnotations` built exactly as app.agreement_views.service.load_documents
    builds them (submitted annotators, ordered by username, start, end, id).
    """
    if not documents:
        return []
    ids = [document.id for document in documents]
    annotators, spans = _submitted_spans(ids)
    gold_of_span, added = _gold_of(ids)
    anonymous = documents[0].project.anonymous_review
    lengths = dict(db.session.execute(
        select(Document.id, func.length(Document.text)).where(Document.id.in_(ids))).all())
    return [_review(document, lengths[document.id], annotators.get(document.id, []),
                    spans.get(document.id, []), gold_of_span, added.get(document.id, []),
                    anonymous)
            for document in documents]


def _review(document: Document, length: int, annotators: list[str],
            spans: list[tuple[str, SpanView]], gold_of_span: dict, added: list,
            anonymous: bool) -> ReviewDocument:
    labels = annotator_labels(annotators, anonymous, document.id)
    annotations = DocumentAnnotations(
        document=document.id, length=length, annotators=tuple(annotators),
        spans=tuple(AnnotatedSpan(document=document.id, annotator=name, start=span.start,
                                  end=span.end, evidence_type=span.evidence_type,
                                  claimant=span.claimant_id, span_id=span.id)
                    for name, span in spans),
        title=document.title)
    by_id = {span.id: span for _, span in spans}
    units = []
    for index, unit in enumerate(match_units(annotations) if spans else [], 1):
        versions = [Version(by_id[s.span_id], s.annotator, labels[s.annotator]) for s in unit]
        present = {version.annotator for version in versions}
        missing = sorted((labels[name] for name in annotators if name not in present),
                         key=lambda label: (len(label), label))  # "Annotator 9" < "… 10"
        decision = next((gold_of_span[v.span.id] for v in versions if v.span.id in gold_of_span),
                        None)
        units.append(ReviewUnit(index, unit.start, unit.end, versions, missing,
                                _kinds(versions, missing), decision))
    return ReviewDocument(document, annotators, labels, units, added)


def _submitted_spans(ids: list[int]):
    """Per document: usernames of the submitted annotators, and their spans in
    load_documents' order (username, start, end, id).

    Three plain queries (assignments, spans by the document index, the claimants used)
    rather than one four-table join: the join cost more than the rows themselves."""
    submitted: dict[tuple[int, int], str] = {}
    annotators: dict[int, list[str]] = {}
    for document_id, annotator_id, username in db.session.execute(
            select(Assignment.document_id, Assignment.annotator_id, User.username)
            .join(User, Assignment.annotator_id == User.id)
            .where(Assignment.document_id.in_(ids), Assignment.status == "submitted")
            .order_by(Assignment.document_id, User.username)):
        submitted[(document_id, annotator_id)] = username
        annotators.setdefault(document_id, []).append(username)
    if not submitted:
        return annotators, {}
    rows = [row for row in db.session.execute(
        select(Span.document_id, Span.annotator_id, Span.id, Span.start, Span.end, Span.text,
               Span.claimant_id, Span.evidence_type, Span.note)
        .where(Span.document_id.in_(ids))) if (row[0], row[1]) in submitted]
    claimants = {claimant_id: ClaimantView(claimant_id, name, kind)
                 for claimant_id, name, kind in db.session.execute(
                     select(Claimant.id, Claimant.name, Claimant.type)
                     .where(Claimant.id.in_({row[6] for row in rows})))} if rows else {}
    spans: dict[int, list[tuple[str, SpanView]]] = {}
    for (document_id, annotator_id, span_id, start, end, text, claimant_id, evidence,
         note) in rows:
        spans.setdefault(document_id, []).append(
            (submitted[(document_id, annotator_id)],
             SpanView(span_id, start, end, text, claimant_id, evidence, note,
                      claimants[claimant_id])))
    for document_spans in spans.values():
        document_spans.sort(key=lambda pair: (pair[0], pair[1].start, pair[1].end, pair[1].id))
    return annotators, spans


def _kinds(versions: list[Version], missing: list[str]) -> list[str]:
    kinds = []
    if len({(v.span.start, v.span.end) for v in versions}) > 1:
        kinds.append("boundary")
    if len({v.span.claimant_id for v in versions}) > 1:
        kinds.append("claimant")
    if len({v.span.evidence_type for v in versions}) > 1:
        kinds.append("evidence_type")
    if missing:
        kinds.append("missing")
    return kinds


def _gold_of(ids: list[int]) -> tuple[dict[int, GoldSpan], dict[int, list[GoldSpan]]]:
    """span id -> the gold row deciding it; per document, the gold spans with no sources."""
    golds = {gold.id: gold for gold in db.session.scalars(
        select(GoldSpan).where(GoldSpan.document_id.in_(ids))
        .options(joinedload(GoldSpan.claimant), joinedload(GoldSpan.reviewer),
                 selectinload(GoldSpan.sources))
        .order_by(GoldSpan.document_id, GoldSpan.start, GoldSpan.end, GoldSpan.id))}
    sourced: dict[int, GoldSpan] = {}
    for gold in golds.values():
        for source in gold.sources:
            sourced[source.id] = gold
    with_sources = {gold.id for gold in sourced.values()}
    added: dict[int, list[GoldSpan]] = {}
    for gold in golds.values():
        # A rejection whose spans are gone (work reopened and changed) decides nothing now.
        if gold.id not in with_sources and not gold.rejected:
            added.setdefault(gold.document_id, []).append(gold)
    return sourced, added
