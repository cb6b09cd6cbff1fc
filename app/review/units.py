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

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.agreement.units import match_units
from app.agreement_views.service import AgreementOptions, load_documents
from app.extensions import db
from app.models import Claimant, Document, GoldSpan, Span, gold_span_sources

STATES = ("unanimous", "label", "boundary", "missed", "decided")


@dataclass
class Version:
    """One annotator's span in a unit."""

    span: Span
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
        """The most common version and its share of the counted annotators' votes.

        An annotator with no span here votes for "no claim"; a tie for the top has no
        majority (None).
        """
        if not self.versions:
            return None, 0.0
        tally = Counter(version.key() for version in self.versions)
        ranked = tally.most_common()
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None, ranked[0][1] / counted
        top_key, votes = ranked[0]
        if votes <= len(self.missing):  # as many (or more) said "no claim"
            return None, votes / counted
        version = next(v for v in self.versions if v.key() == top_key)
        return version, votes / counted


@dataclass
class ReviewDocument:
    document: Document
    annotators: list[str]  # counted (submitted) annotators, by username
    labels: dict[str, str]  # username -> label shown
    units: list[ReviewUnit]
    added: list[GoldSpan] = field(default_factory=list)  # gold spans nobody marked

    @property
    def decided(self) -> int:
        return sum(1 for unit in self.units if unit.decision is not None)

    @property
    def complete(self) -> bool:
        return all(unit.decision is not None for unit in self.units)


def annotator_labels(annotators: list[str], anonymous: bool) -> dict[str, str]:
    """Usernames, or "Annotator 1, 2, …" in alphabetical order of username."""
    if not anonymous:
        return {name: name for name in annotators}
    return {name: f"Annotator {number}" for number, name in enumerate(sorted(annotators), 1)}


def review_document(document: Document) -> ReviewDocument:
    """The document's units (overlap mode, submitted work) with their decisions."""
    project = document.project
    [annotations] = load_documents(project, AgreementOptions(documents=(document.id,))) or [None]
    annotators = list(annotations.annotators) if annotations else []
    labels = annotator_labels(annotators, project.anonymous_review)
    agreement_units = match_units(annotations) if annotations else []
    spans = _spans_by_id(annotations)
    gold_of_span, added = _gold_of(document)
    units = []
    for index, unit in enumerate(agreement_units, 1):
        versions = [Version(spans[s.span_id], s.annotator, labels[s.annotator]) for s in unit]
        present = {version.annotator for version in versions}
        missing = [labels[name] for name in annotators if name not in present]
        decision = next((gold_of_span[v.span.id] for v in versions if v.span.id in gold_of_span),
                        None)
        units.append(ReviewUnit(index, unit.start, unit.end, versions, missing,
                                _kinds(versions, missing), decision))
    return ReviewDocument(document, annotators, labels, units, added)


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


def _spans_by_id(annotations) -> dict[int, Span]:
    ids = [span.span_id for span in annotations.spans] if annotations else []
    if not ids:
        return {}
    rows = db.session.scalars(select(Span).where(Span.id.in_(ids))
                              .options(joinedload(Span.claimant).joinedload(Claimant.affiliation)))
    return {span.id: span for span in rows}


def _gold_of(document: Document) -> tuple[dict[int, GoldSpan], list[GoldSpan]]:
    """span id -> the gold row deciding it, and the gold spans with no sources."""
    golds = {gold.id: gold for gold in db.session.scalars(
        select(GoldSpan).where(GoldSpan.document_id == document.id)
        .options(joinedload(GoldSpan.claimant), joinedload(GoldSpan.reviewer))
        .order_by(GoldSpan.start, GoldSpan.end, GoldSpan.id))}
    sourced: dict[int, GoldSpan] = {}
    if golds:
        for gold_id, span_id in db.session.execute(
                select(gold_span_sources.c.gold_span_id, gold_span_sources.c.span_id)
                .where(gold_span_sources.c.gold_span_id.in_(list(golds)))):
            sourced[span_id] = golds[gold_id]
    with_sources = {gold.id for gold in sourced.values()}
    added = [gold for gold in golds.values() if gold.id not in with_sources]
    return sourced, added
