"""Review objects to the JSON shapes of docs/api.md ("Review and gold")."""

from __future__ import annotations

from app.models import GoldEvent, GoldSpan
from app.review.service import MergeProposal, QueueRow
from app.review.units import ReviewDocument, ReviewUnit, Version


def gold_json(gold: GoldSpan) -> dict:
    claimant = gold.claimant
    return {
        "id": gold.id,
        "document_id": gold.document_id,
        "start": gold.start,
        "end": gold.end,
        "text": gold.text,
        "claimant": {"id": claimant.id, "name": claimant.name, "type": claimant.type},
        "evidence_type": gold.evidence_type,
        "note": gold.note,
        "provenance": gold.provenance,
        "rejected": gold.rejected,
        "reason": gold.reason,
        "source_span_ids": sorted(source.id for source in gold.sources),
        "reviewer": gold.reviewer.username if gold.reviewer else None,
        "updated_at": gold.updated_at.isoformat() if gold.updated_at else None,
        "version": gold.version,
    }


def queue_row_json(row: QueueRow, anonymous: bool = False) -> dict:
    return {
        "id": row.document.id,
        "external_id": row.document.external_id,
        "title": row.document.title,
        "units": row.units,
        "disagreements": {kind: count for kind, count in row.disagreements.items()
                          if kind != "unanimous"},
        "agreement": row.agreement,
        "status": row.status,
        "reviewer": row.reviewer,
        "decided": row.decided,
        "returned": len(row.returned) if anonymous else row.returned,
    }


def version_json(version: Version) -> dict:
    span = version.span
    return {
        "span_id": span.id,
        "annotator": version.label,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "claimant": {"id": span.claimant.id, "name": span.claimant.name,
                     "type": span.claimant.type},
        "evidence_type": span.evidence_type,
        "note": span.note,
    }


def unit_json(unit: ReviewUnit) -> dict:
    return {
        "index": unit.index,
        "start": unit.start,
        "end": unit.end,
        "state": unit.state,
        "kinds": unit.kinds,
        "versions": [version_json(version) for version in unit.versions],
        "missing": unit.missing,
        "decision": gold_json(unit.decision) if unit.decision is not None else None,
    }


def review_json(review: ReviewDocument, status: str) -> dict:
    return {
        "document": {"id": review.document.id, "external_id": review.document.external_id,
                     "title": review.document.title},
        "status": status,
        "annotators": [review.labels[name] for name in review.annotators],
        "units": [unit_json(unit) for unit in review.units],
        "added": [gold_json(gold) for gold in review.added],
        "decided": review.decided,
    }


def proposal_json(proposal: MergeProposal) -> dict:
    return {
        "document_id": proposal.document_id,
        "unit": proposal.unit,
        "start": proposal.start,
        "end": proposal.end,
        "text": proposal.text,
        "provenance": proposal.provenance,
        "share": round(proposal.share, 4),
        "span_id": proposal.span_id,
    }


def event_json(event: GoldEvent) -> dict:
    return {
        "id": event.id,
        "gold_span_id": event.gold_span_id,
        "action": event.action,
        "user": event.user.username if event.user else None,
        "at": event.at.isoformat(),
        "batch": event.batch,
        "before": event.before,
        "after": event.after,
        "undone": event.undone_at is not None,
    }
