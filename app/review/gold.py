"""Writing the gold layer: every change is recorded as a GoldEvent and can be undone.

Callers check permissions and commit. A change is a *batch* of events (one decision, or
one merge of many units); undo reverts the newest batch of the reviewer's in a document,
restoring each gold span exactly as its snapshot says (same id, fields and sources).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.annotate.service import ClaimantChoice, resolve_claimant
from app.errors import ServiceError
from app.extensions import db
from app.models import (
    REASONS,
    Document,
    DocumentReview,
    GoldEvent,
    GoldSpan,
    Span,
    User,
    gold_span_sources,
)
from app.models.base import utcnow
from app.projects.service import project_scheme
from app.text import OffsetError, check_offsets

NOTE_MAX_LENGTH = 2000
REASON_WORDS = {
    "annotator_error": "annotator error",
    "guideline_gap": "guideline gap",
    "ambiguous_text": "ambiguous text",
    "boundary_convention": "boundary convention",
    "other": "other",
}


class GoldConflict(ServiceError):
    """The gold span changed since it was read (or the unit was decided meanwhile)."""

    def __init__(self, message: str, current: GoldSpan | None = None):
        super().__init__(message, "version", status=409)
        self.current = current


@dataclass(frozen=True)
class GoldInput:
    """A decision as a reviewer states it. Offsets may be left out only for a rejection."""

    start: int | None = None
    end: int | None = None
    text: str | None = None
    claimant: ClaimantChoice | None = None
    evidence_type: str | None = None
    note: str = ""
    reason: str | None = None
    rejected: bool = False
    source_span_ids: tuple[int, ...] = ()


def new_batch() -> str:
    return str(uuid.uuid4())


# --- snapshots -----------------------------------------------------------------------------


SNAPSHOT_FIELDS = ("id", "start", "end", "text", "claimant_id", "evidence_type", "note",
                   "provenance", "rejected", "reason", "reviewer_id")


def snapshot(gold: GoldSpan) -> dict:
    """Everything needed to restore a gold span exactly (plain JSON)."""
    state = {name: getattr(gold, name) for name in SNAPSHOT_FIELDS}
    state["source_span_ids"] = sorted(source.id for source in gold.sources)
    return state


def _record(document: Document, gold_id: int, batch: str, user: User, action: str,
            before: dict | None, after: dict | None) -> None:
    db.session.add(GoldEvent(document_id=document.id, gold_span_id=gold_id, batch=batch,
                             user_id=user.id, action=action, before=before, after=after))


def mark_in_review(document: Document, reviewer: User) -> DocumentReview:
    review = db.session.get(DocumentReview, document.id)
    if review is None:
        review = DocumentReview(document_id=document.id, status="in_review")
        db.session.add(review)
    review.reviewer_id = reviewer.id
    review.updated_at = utcnow()
    return review


def require_open(document: Document) -> None:
    review = db.session.get(DocumentReview, document.id)
    if review is not None and review.status == "adjudicated":
        raise ServiceError("this document is adjudicated; a manager can reopen it for review",
                           None, status=409)


# --- decisions -----------------------------------------------------------------------------


def create_gold(document: Document, reviewer: User, decision: GoldInput) -> GoldSpan:
    """Decide a unit (sources given) or add a span nobody marked (no sources)."""
    require_open(document)
    sources = _source_spans(document, decision.source_span_ids)
    _check_one_whole_unit(document, sources)
    start, end, text, claimant, evidence = _fields(document, decision, sources, reviewer)
    _check_reason_and_note(decision.reason, decision.note)
    gold = GoldSpan(
        document=document, reviewer_id=reviewer.id, start=start, end=end, text=text,
        claimant=claimant, evidence_type=evidence, note=decision.note,
        reason=decision.reason, rejected=decision.rejected, sources=sources,
        provenance="adjudicated" if sources else "added",
    )
    db.session.add(gold)
    db.session.flush()
    _record(document, gold.id, new_batch(), reviewer, "create", None, snapshot(gold))
    mark_in_review(document, reviewer)
    document.project.touch()
    return gold


def update_gold(gold: GoldSpan, reviewer: User, *, version: int, changes: dict) -> GoldSpan:
    """Change a decision read at `version`; `changes` holds GoldInput field names."""
    document = gold.document
    require_open(document)
    if gold.version != version:
        raise _stale(gold)
    before = snapshot(gold)
    merged = GoldInput(
        start=changes.get("start", gold.start), end=changes.get("end", gold.end),
        text=changes.get("text", gold.text),
        claimant=changes.get("claimant", ClaimantChoice(claimant_id=gold.claimant_id)),
        evidence_type=changes.get("evidence_type", gold.evidence_type),
        note=changes.get("note", gold.note), reason=changes.get("reason", gold.reason),
        rejected=changes.get("rejected", gold.rejected),
    )
    if ("start" in changes or "end" in changes) and "text" not in changes:
        raise ServiceError("text is required when start or end change", "text")
    start, end, text, claimant, evidence = _fields(document, merged, list(gold.sources), reviewer)
    _check_reason_and_note(merged.reason, merged.note)
    gold.start, gold.end, gold.text = start, end, text
    gold.claimant, gold.evidence_type = claimant, evidence
    gold.note, gold.reason, gold.rejected = merged.note, merged.reason, merged.rejected
    if not db.session.is_modified(gold):
        return gold
    gold.reviewer_id = reviewer.id
    if gold.provenance in ("unanimous", "majority"):
        gold.provenance = "adjudicated"  # a reviewer's own decision now
    _flush_or_conflict(gold)
    _record(document, gold.id, new_batch(), reviewer, "update", before, snapshot(gold))
    mark_in_review(document, reviewer)
    document.project.touch()
    return gold


def delete_gold(gold: GoldSpan, reviewer: User, *, version: int) -> None:
    document = gold.document
    require_open(document)
    if gold.version != version:
        raise _stale(gold)
    before = snapshot(gold)
    gold_id = gold.id
    db.session.delete(gold)
    _flush_or_conflict(gold)
    _record(document, gold_id, new_batch(), reviewer, "delete", before, None)
    mark_in_review(document, reviewer)
    document.project.touch()


def history(document: Document) -> list[GoldEvent]:
    return list(db.session.scalars(
        select(GoldEvent).where(GoldEvent.document_id == document.id)
        .options(joinedload(GoldEvent.user)).order_by(GoldEvent.id.desc())))


def undo_last(document: Document, reviewer: User) -> list[GoldEvent]:
    """Revert the reviewer's newest batch of changes in this document (across reloads).

    A merge over the whole project is one batch; undo reverts its part in this document.
    """
    require_open(document)
    newest = db.session.scalar(
        select(GoldEvent).where(GoldEvent.document_id == document.id,
                                GoldEvent.user_id == reviewer.id,
                                GoldEvent.undone_at.is_(None))
        .order_by(GoldEvent.id.desc()).limit(1))
    if newest is None:
        raise ServiceError("nothing to undo", None, status=409)
    events = list(db.session.scalars(
        select(GoldEvent).where(GoldEvent.batch == newest.batch, GoldEvent.undone_at.is_(None),
                                GoldEvent.document_id == document.id)
        .order_by(GoldEvent.id.desc())))
    now = utcnow()
    for event in events:
        _check_unchanged_since(event)
        _revert(event)
        event.undone_at = now
        event.undone_by_id = reviewer.id
    db.session.flush()
    mark_in_review(document, reviewer)
    document.project.touch()
    return events


def _check_unchanged_since(event: GoldEvent) -> None:
    """Undo only what is still as this event left it: never overwrite a later change by
    someone else, nor restore a decision onto a unit that was decided again meanwhile."""
    gold = db.session.get(GoldSpan, event.gold_span_id)
    current = snapshot(gold) if gold is not None and gold.document_id == event.document_id \
        else None
    if event.action == "delete":
        ids = event.before["source_span_ids"]
        if current is None and ids and _decided_by(ids) is None:
            return
        if current is None and not ids:
            return
        who = _decided_by(ids) if ids else None
    else:
        if current == event.after:
            return
        who = _last_changed_by(event.gold_span_id, event.document_id)
    raise ServiceError(f"your last change can no longer be undone: {who or 'another reviewer'} "
                       "changed this decision since; change it by hand instead", None,
                       status=409)


def _decided_by(span_ids: list[int]) -> str | None:
    """Who holds the decision on any of these spans now (None if undecided)."""
    row = db.session.execute(
        select(GoldSpan.id, User.username)
        .join(gold_span_sources, gold_span_sources.c.gold_span_id == GoldSpan.id)
        .outerjoin(User, User.id == GoldSpan.reviewer_id)
        .where(gold_span_sources.c.span_id.in_(span_ids)).limit(1)).first()
    return None if row is None else (row[1] or "another reviewer")


def _last_changed_by(gold_id: int, document_id: int) -> str | None:
    return db.session.scalar(
        select(User.username).join(GoldEvent, GoldEvent.user_id == User.id)
        .where(GoldEvent.gold_span_id == gold_id, GoldEvent.document_id == document_id,
               GoldEvent.undone_at.is_(None))
        .order_by(GoldEvent.id.desc()).limit(1))


def _revert(event: GoldEvent) -> None:
    gold = db.session.get(GoldSpan, event.gold_span_id)
    if event.action == "create":
        if gold is not None:
            db.session.delete(gold)
            db.session.flush()
        return
    if event.action == "delete" and gold is None:
        gold = GoldSpan(id=event.before["id"], document_id=event.document_id)
        db.session.add(gold)
    if gold is None:  # an update whose span was deleted later; that delete is undone first
        raise ServiceError("this change can no longer be undone", None, status=409)
    _restore(gold, event.before)
    db.session.flush()


def _restore(gold: GoldSpan, state: dict) -> None:
    for name in SNAPSHOT_FIELDS[1:]:
        setattr(gold, name, state[name])
    ids = state["source_span_ids"]
    gold.sources = list(db.session.scalars(select(Span).where(Span.id.in_(ids)))) if ids else []


# --- merge -------------------------------------------------------------------------------


def write_merge(proposals: list, reviewer: User, documents: dict[int, Document]) -> None:
    """Write the proposals of an automatic merge (app/review/merge.py) as one batch, in bulk.

    Values come from existing annotator spans, checked when they were saved, so nothing is
    re-validated here; an annotator span already decided (by a reviewer racing this merge)
    makes the unique key on gold_span_sources refuse the whole merge.
    """
    now = utcnow()
    batch = new_batch()
    gold_rows = [{
        "document_id": p.document_id, "reviewer_id": reviewer.id, "start": p.start,
        "end": p.end, "text": p.text, "claimant_id": p.claimant_id,
        "evidence_type": p.evidence_type, "note": p.note, "provenance": p.provenance,
        "rejected": False, "reason": None, "version": 1, "created_at": now, "updated_at": now,
    } for p in proposals]
    ids = _insert_gold_rows(gold_rows)
    db.session.execute(insert(gold_span_sources), [
        {"gold_span_id": gold_id, "span_id": span_id}
        for gold_id, proposal in zip(ids, proposals, strict=True)
        for span_id in proposal.source_span_ids])
    events = []
    for gold_id, row, proposal in zip(ids, gold_rows, proposals, strict=True):
        after = {name: row[name] for name in SNAPSHOT_FIELDS if name != "id"}
        after.update(id=gold_id, source_span_ids=list(proposal.source_span_ids))
        events.append({"document_id": row["document_id"], "gold_span_id": gold_id,
                       "batch": batch, "user_id": reviewer.id, "at": now, "action": "create",
                       "before": None, "after": after})
    db.session.execute(insert(GoldEvent.__table__), events)
    touched = sorted({proposal.document_id for proposal in proposals})
    _mark_many_in_review(touched, reviewer, now)
    documents[touched[0]].project.touch()


def _insert_gold_rows(rows: list[dict]) -> list[int]:
    """Insert the rows (one prepared statement, executemany); the id of each, in order.

    The ids are read back afterwards: the rows of this merge are the reviewer's with this
    exact `created_at` (one timestamp for the whole merge). Rows are matched to ids by their
    content; rows with the same content are interchangeable, whichever id each gets. (A
    multi-row INSERT ... RETURNING is slower: PostgreSQL's driver parses every statement of
    thousands of parameters anew.)
    """
    table = GoldSpan.__table__  # Core, not the ORM's row-at-a-time bulk path
    db.session.execute(insert(table), rows)
    first = rows[0]
    waiting: dict[tuple, list[int]] = {}
    for gold_id, *key in db.session.execute(
            select(table.c.id, table.c.document_id, table.c.start, table.c.end,
                   table.c.claimant_id, table.c.evidence_type, table.c.provenance)
            .where(table.c.reviewer_id == first["reviewer_id"],
                   table.c.created_at == first["created_at"])
            .order_by(table.c.id)):
        waiting.setdefault(tuple(key), []).append(gold_id)
    return [waiting[(row["document_id"], row["start"], row["end"], row["claimant_id"],
                     row["evidence_type"], row["provenance"])].pop(0) for row in rows]


def _mark_many_in_review(ids: list[int], reviewer: User, now) -> None:
    existing = {review.document_id: review for review in db.session.scalars(
        select(DocumentReview).where(DocumentReview.document_id.in_(ids)))}
    for document_id in ids:
        review = existing.get(document_id)
        if review is None:
            db.session.add(DocumentReview(document_id=document_id, status="in_review",
                                          reviewer_id=reviewer.id, updated_at=now))
        else:
            review.reviewer_id = reviewer.id
            review.updated_at = now
    db.session.flush()


# --- checks --------------------------------------------------------------------------------


def _source_spans(document: Document, ids: tuple[int, ...]) -> list[Span]:
    if not ids:
        return []
    spans = list(db.session.scalars(select(Span).where(Span.id.in_(ids),
                                                       Span.document_id == document.id)))
    found = {span.id for span in spans}
    missing = [span_id for span_id in ids if span_id not in found]
    if missing:
        raise ServiceError(f"no span {missing[0]} in this document", "source_span_ids")
    return spans


def _check_one_whole_unit(document: Document, sources: list[Span]) -> None:
    """A decision's sources are exactly the spans of one unit of the submitted work (as the
    review page shows it), and that unit is not decided yet."""
    if not sources:
        return
    from app.review.units import review_document  # units.py reads gold rows: import late

    wanted = {span.id for span in sources}
    unit = next((u for u in review_document(document).units if wanted & set(u.span_ids)),
                None)
    if unit is None:
        raise ServiceError("source_span_ids must be the spans of one unit of submitted work",
                           "source_span_ids")
    if unit.decision is not None:
        who = unit.decision.reviewer.username if unit.decision.reviewer else None
        raise GoldConflict(f"this unit was decided meanwhile by {who or 'another reviewer'}; "
                           "reload to see the decision", unit.decision)
    if wanted != set(unit.span_ids):
        raise ServiceError(f"source_span_ids must be all the spans of unit {unit.index}: "
                           f"{sorted(unit.span_ids)}", "source_span_ids")
    _check_not_decided(sources)


def _check_not_decided(sources: list[Span]) -> None:
    row = db.session.execute(
        select(GoldSpan, User.username).join(
            gold_span_sources, gold_span_sources.c.gold_span_id == GoldSpan.id)
        .outerjoin(User, User.id == GoldSpan.reviewer_id)
        .where(gold_span_sources.c.span_id.in_([span.id for span in sources])).limit(1)
    ).first()
    if row is not None:
        gold, who = row
        raise GoldConflict(f"this unit was decided meanwhile by {who or 'another reviewer'}; "
                           "reload to see the decision", gold)


def _fields(document: Document, decision: GoldInput, sources: list[Span], reviewer: User):
    """Offsets, quote, claimant and evidence type of a decision, checked."""
    start, end, text = decision.start, decision.end, decision.text
    claimant_choice, evidence = decision.claimant, decision.evidence_type
    if decision.rejected and sources:  # "not a claim": the unit's extent and first labels
        start = min(s.start for s in sources) if start is None else start
        end = max(s.end for s in sources) if end is None else end
        text = document.text[start:end] if text is None else text
        claimant_choice = claimant_choice or ClaimantChoice(claimant_id=sources[0].claimant_id)
        evidence = evidence or sources[0].evidence_type
    for name, value in (("start", start), ("end", end), ("text", text),
                        ("evidence_type", evidence)):
        if value is None:
            raise ServiceError(f"{name} is required", name)
    if claimant_choice is None:
        raise ServiceError("claimant (an object with name and type) or claimant_id is required",
                           "claimant")
    try:
        check_offsets(len(document.text), start, end)
    except OffsetError as error:
        raise ServiceError(error.message, error.field) from None
    if document.text[start:end] != text:
        raise ServiceError(f"text does not match the document at {start}..{end} (offsets "
                           "count Unicode code points)", "text")
    project = document.project
    keys = project_scheme(project).evidence_keys
    if evidence not in keys:
        raise ServiceError(f"unknown evidence type {evidence!r}; the scheme has "
                           f"{', '.join(keys)}", "evidence_type")
    return start, end, text, resolve_claimant(project, claimant_choice, reviewer), evidence


def _check_reason_and_note(reason: str | None, note: str) -> None:
    if reason is not None and reason not in REASONS:
        raise ServiceError(f"unknown reason {reason!r}; use one of {', '.join(REASONS)}",
                           "reason")
    if len(note) > NOTE_MAX_LENGTH:
        raise ServiceError(f"the note is longer than {NOTE_MAX_LENGTH} characters", "note")


def _stale(gold: GoldSpan) -> GoldConflict:
    who = db.session.scalar(
        select(User.username).join(GoldEvent, GoldEvent.user_id == User.id)
        .where(GoldEvent.gold_span_id == gold.id, GoldEvent.document_id == gold.document_id)
        .order_by(GoldEvent.id.desc()).limit(1))
    return GoldConflict(f"this decision was changed by {who or 'another reviewer'} since you "
                        "loaded it; reload and try again", gold)


def _flush_or_conflict(gold: GoldSpan) -> None:
    gold_id = gold.id
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise _stale_after_rollback(gold_id) from None


def _stale_after_rollback(gold_id: int) -> GoldConflict:
    current = db.session.get(GoldSpan, gold_id)
    if current is None:
        return GoldConflict("this decision was deleted since you loaded it")
    return _stale(current)
