"""Merging two claimants, and undoing a merge exactly.

merge_claimants(source, target): every span and gold span of `source` now names `target`;
claimants affiliated with `source` become affiliated with `target`; the source's name and
aliases become the target's aliases; a proposal merged into, or merged as target, leaves
the target confirmed (shared); `source` is deleted. The ClaimantEvent records everything
undo needs (the source row, its aliases, the re-pointed ids, the aliases added, the target's
status and affiliation before) so undo_merge puts back the state before the merge, ids
included. Spans created later with the target keep it; re-pointed spans since deleted stay
deleted. Snapshots in the gold history (GoldEvent) that name the source are re-pointed too,
so undoing a gold change never restores a deleted claimant.

Re-pointing is done with bulk UPDATEs: they do not bump `Span.version` (a merge changes who
a claim is attributed to, not what the annotator wrote) and they stay fast for large
projects.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from app.claimants.registry import claimant_key
from app.claimants.service import record
from app.errors import ServiceError
from app.extensions import db
from app.models import (
    Claimant,
    ClaimantAlias,
    ClaimantEvent,
    Document,
    GoldEvent,
    GoldSpan,
    Span,
    User,
)
from app.models.base import utcnow

ROW_FIELDS = ("name", "type", "source_type", "affiliation_id", "role", "description",
              "external_id", "status", "created_by_id")


def merge_claimants(source: Claimant, target: Claimant, user: User | None) -> ClaimantEvent:
    if source.project_id != target.project_id:
        raise ServiceError("both claimants must belong to the same project", "into")
    if source.id == target.id:
        raise ServiceError("a claimant cannot be merged into itself", "into")
    project = target.project
    span_ids = list(db.session.scalars(select(Span.id).where(Span.claimant_id == source.id)))
    gold_ids = list(db.session.scalars(
        select(GoldSpan.id).where(GoldSpan.claimant_id == source.id)))
    members = list(db.session.scalars(select(Claimant.id).where(
        Claimant.affiliation_id == source.id, Claimant.id != target.id)))
    details = {
        "source": {"id": source.id, **{f: getattr(source, f) for f in ROW_FIELDS},
                   "created_at": source.created_at.isoformat()},
        "source_aliases": [alias.alias for alias in source.aliases],
        "target": {"id": target.id, "status": target.status,
                   "affiliation_id": target.affiliation_id},
        "spans": span_ids, "gold_spans": gold_ids, "members": members,
        "aliases_added": _take_names(source, target),
    }
    if target.affiliation_id == source.id:  # the target belonged to what it absorbs
        target.affiliation_id = source.affiliation_id
    target.status = "confirmed"
    _repoint(Span, span_ids, target.id)
    _repoint(GoldSpan, gold_ids, target.id)
    # The gold history's snapshots name claimants too: undoing a gold change must not bring
    # back a claimant that no longer exists.
    details["gold_history"] = _swap_history(project.id, source.id, target.id)
    if members:
        db.session.execute(update(Claimant).where(Claimant.id.in_(members))
                           .values(affiliation_id=target.id)
                           .execution_options(synchronize_session=False))
    db.session.delete(source)
    event = record(project, user, "merge", target, f"merged {source.name} into {target.name}",
                   details)
    project.touch()  # agreement reports and profiles count claimants
    db.session.flush()
    db.session.expire_all()
    return event


def _take_names(source: Claimant, target: Claimant) -> list[str]:
    """Add the source's name and aliases to the target's aliases, once each ignoring case."""
    taken = {claimant_key(target.name)} | {claimant_key(a.alias) for a in target.aliases}
    added = []
    for name in [source.name, *(alias.alias for alias in source.aliases)]:
        if claimant_key(name) not in taken:
            taken.add(claimant_key(name))
            target.aliases.append(ClaimantAlias(alias=name))
            added.append(name)
    return added


def _swap_history(project_id: int, source_id: int, target_id: int) -> dict[str, list[str]]:
    """Point the project's gold-history snapshots naming `source_id` at `target_id`;
    returns {event id: ["before" and/or "after"]} for undo."""
    swapped: dict[str, list[str]] = {}
    events = db.session.scalars(select(GoldEvent).join(
        Document, Document.id == GoldEvent.document_id).where(Document.project_id == project_id))
    for event in events:
        for side in ("before", "after"):
            snapshot = getattr(event, side)
            if snapshot and snapshot.get("claimant_id") == source_id:
                setattr(event, side, {**snapshot, "claimant_id": target_id})  # a new dict: saved
                swapped.setdefault(str(event.id), []).append(side)
    return swapped


def _repoint(model, ids: list[int], claimant_id: int) -> None:
    for start in range(0, len(ids), 500):  # stay under bound-parameter limits
        db.session.execute(update(model).where(model.id.in_(ids[start:start + 500]))
                           .values(claimant_id=claimant_id)
                           .execution_options(synchronize_session=False))


def undo_merge(event: ClaimantEvent, user: User | None) -> Claimant:
    """Put back the merged claimant and everything the merge re-pointed; returns it."""
    if event.action != "merge" or "source" not in event.details:
        raise ServiceError("only a merge can be undone", "event")
    if event.undone_at is not None:
        raise ServiceError("this merge is already undone", "event", status=409)
    details = event.details
    target = db.session.get(Claimant, details["target"]["id"])
    if target is None or target.project_id != event.project_id:
        raise ServiceError("the claimant this merge went into no longer exists (merged "
                           "again?): undo that first", "event", status=409)
    saved = details["source"]
    if db.session.get(Claimant, saved["id"]) is not None:
        raise ServiceError("the merged claimant's id is in use again", "event", status=409)
    source = Claimant(id=saved["id"], project_id=event.project_id,
                      created_at=dt.datetime.fromisoformat(saved["created_at"]),
                      **{f: saved[f] for f in ROW_FIELDS},
                      aliases=[ClaimantAlias(alias=a) for a in details["source_aliases"]])
    if source.affiliation_id is not None and db.session.get(
            Claimant, source.affiliation_id) is None:
        source.affiliation_id = None
    added = set(details["aliases_added"])
    for alias in [a for a in target.aliases if a.alias in added]:
        target.aliases.remove(alias)
    target.status = details["target"]["status"]
    target.affiliation_id = details["target"]["affiliation_id"]
    db.session.add(source)
    db.session.flush()
    for model, key in ((Span, "spans"), (GoldSpan, "gold_spans")):
        ids = list(db.session.scalars(select(model.id).where(
            model.id.in_(details[key]), model.claimant_id == target.id)))
        _repoint(model, ids, source.id)
    for event_id, sides in details.get("gold_history", {}).items():
        event = db.session.get(GoldEvent, int(event_id))
        for side in sides if event is not None else ():
            snapshot = getattr(event, side)
            if snapshot and snapshot.get("claimant_id") == target.id:
                setattr(event, side, {**snapshot, "claimant_id": source.id})
    if details["members"]:
        db.session.execute(update(Claimant).where(
            Claimant.id.in_(details["members"]), Claimant.affiliation_id == target.id)
            .values(affiliation_id=source.id).execution_options(synchronize_session=False))
    event.undone_at = utcnow()
    record(target.project, user, "merge", source,
           f"undid the merge of {source.name} into {target.name}", {"undoes": event.id})
    target.project.touch()
    db.session.flush()
    db.session.expire_all()
    return db.session.get(Claimant, saved["id"])
