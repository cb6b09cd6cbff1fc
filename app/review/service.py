"""Review operations: automatic merge, document status, returning work, the review queue.

Callers check permissions and commit. A merge never touches a unit a reviewer has decided:
it only decides undecided units (docs/review.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.agreement_views.service import (
    AgreementOptions,
    cache_key,
    cached_report,
    load_documents,
    report_store,
)
from app.errors import ServiceError
from app.extensions import db
from app.models import (
    Assignment,
    Document,
    DocumentReview,
    GoldSpan,
    Project,
    Span,
    User,
    gold_span_sources,
)
from app.models.base import utcnow
from app.review.gold import mark_in_review, require_open, write_merge
from app.review.merge import MergeProposal, plan_merge
from app.review.queue_figures import per_document_figures
from app.review.units import review_document

STRATEGIES = ("unanimous", "majority")
KINDS = ("boundary", "claimant", "evidence_type", "missing")  # queue filter: disagreement kinds
DEFAULT_THRESHOLD = 2 / 3
RETURN_NOTE_MAX_LENGTH = 2000


# --- automatic merge -----------------------------------------------------------------------


def check_strategy(strategy: object, threshold: object) -> tuple[str, float]:
    if strategy not in STRATEGIES:
        raise ServiceError(f"unknown strategy {strategy!r}; use unanimous or majority",
                           "strategy")
    if threshold is None:
        threshold = DEFAULT_THRESHOLD
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) \
            or not 0.5 < threshold <= 1:
        raise ServiceError("threshold must be a number above 0.5 and at most 1", "threshold")
    return strategy, float(threshold)


def merge_document(document: Document, reviewer: User, strategy: str, threshold: float, *,
                   dry_run: bool) -> list[MergeProposal]:
    """Decide the units the strategy picks (one undoable batch), or only list them."""
    require_open(document)
    require_reviewable(document)
    return merge_documents([document], reviewer, strategy, threshold, dry_run=dry_run)


def merge_project(project: Project, reviewer: User, strategy: str, threshold: float, *,
                  dry_run: bool) -> list[MergeProposal]:
    """The merge over every reviewable document not yet adjudicated, as one batch."""
    adjudicated = set(db.session.scalars(
        select(DocumentReview.document_id).join(Document)
        .where(Document.project_id == project.id, DocumentReview.status == "adjudicated")))
    documents = [d for d in reviewable_documents(project) if d.id not in adjudicated]
    return merge_documents(documents, reviewer, strategy, threshold, dry_run=dry_run)


def merge_documents(documents: list[Document], reviewer: User, strategy: str,
                    threshold: float, *, dry_run: bool) -> list[MergeProposal]:
    """Plan the merge (app/review/merge.py) and, unless `dry_run`, write it as one batch."""
    proposals = plan_merge(documents, strategy, threshold)
    if not dry_run and proposals:
        write_merge(proposals, reviewer, {document.id: document for document in documents})
    return proposals


# --- reading -------------------------------------------------------------------------------


def review_status(document: Document) -> str:
    state = db.session.get(DocumentReview, document.id)
    return state.status if state is not None else "not_started"


def gold_spans(document: Document, *, include_rejected: bool = False) -> list[GoldSpan]:
    """The document's gold layer in text order (with rejected decisions when asked)."""
    query = select(GoldSpan).where(GoldSpan.document_id == document.id)
    if not include_rejected:
        query = query.where(GoldSpan.rejected.is_(False))
    return list(db.session.scalars(query.order_by(GoldSpan.start, GoldSpan.end, GoldSpan.id)))


# --- status --------------------------------------------------------------------------------


def mark_adjudicated(document: Document, reviewer: User) -> DocumentReview:
    require_reviewable(document)
    review = review_document(document)
    open_units = len(review.units) - review.decided
    if open_units:
        raise ServiceError(f"{open_units} unit{'s' if open_units != 1 else ''} still "
                           "undecided; decide every unit first", "status", status=409)
    state = mark_in_review(document, reviewer)
    state.status = "adjudicated"
    state.adjudicated_at = utcnow()
    document.project.touch()
    return state


def reopen_review(document: Document, reviewer: User) -> DocumentReview:
    state = db.session.get(DocumentReview, document.id)
    if state is None or state.status != "adjudicated":
        raise ServiceError("this document is not adjudicated", "status", status=409)
    state.status = "in_review"
    state.adjudicated_at = None
    state.reviewer_id = reviewer.id
    document.project.touch()
    return state


def return_to_annotator(document: Document, who: str, note: str) -> Assignment:
    """Send one annotator's submitted work back with a note they see on the page.

    `who` is a username, or under anonymous review the "Annotator k" label the page shows.
    Not on an adjudicated document: its gold layer was decided from that work.
    """
    require_open(document)
    username = who.strip()
    if document.project.anonymous_review:
        by_label = {label: name for name, label in
                    review_document(document).labels.items()}
        username = by_label.get(username, username)
    if not note.strip():
        raise ServiceError("write a note saying what to look at again", "note")
    if len(note) > RETURN_NOTE_MAX_LENGTH:
        raise ServiceError(f"the note is longer than {RETURN_NOTE_MAX_LENGTH} characters", "note")
    if not username:
        raise ServiceError("give the annotator's username", "annotator")
    assignment = db.session.scalar(
        select(Assignment).join(User, User.id == Assignment.annotator_id)
        .where(Assignment.document_id == document.id, User.username == username))
    if assignment is None:
        raise ServiceError(f"{who!r} has no assignment for this document", "annotator")
    if assignment.status != "submitted":
        raise ServiceError(f"{who!r} has not submitted this document", "annotator",
                           status=409)
    assignment.status = "in_progress"
    assignment.submitted_at = None
    assignment.return_note = note.strip()
    assignment.returned_at = utcnow()
    document.project.touch()
    return assignment


# --- the queue -----------------------------------------------------------------------------


def reviewable_documents(project: Project, *, with_returned: bool = False) -> list[Document]:
    """Documents with at least two submitted assignments, by id; `with_returned` counts work
    sent back to its annotator as if still submitted (the queue keeps showing it)."""
    counted = Assignment.status == "submitted"
    if with_returned:
        counted = counted | Assignment.returned_at.is_not(None)
    ids = (select(Assignment.document_id).join(Document)
           .where(Document.project_id == project.id, counted)
           .group_by(Assignment.document_id).having(func.count() >= 2))
    return list(db.session.scalars(select(Document).where(Document.id.in_(ids))
                                   .order_by(Document.id)))


def require_reviewable(document: Document) -> None:
    submitted = db.session.scalar(
        select(func.count()).select_from(Assignment)
        .where(Assignment.document_id == document.id, Assignment.status == "submitted"))
    if submitted < 2:
        raise ServiceError("this needs at least two annotators' submitted work on the document",
                           None, status=409)


@dataclass
class QueueRow:
    document: Document
    units: int
    disagreements: dict  # kind -> units (the report's per-document counts)
    agreement: float | None  # per-document evidence-type alpha (the dashboard's figure)
    status: str  # not_started | in_review | adjudicated
    reviewer: str | None
    returned: list[str]  # annotators whose work was sent back
    decided: int
    annotators: list[str]
    gamma: float | None = None  # per-document γ from the cached agreement report, if asked


QUEUE_SORTS = ("alpha", "gamma")


@dataclass(frozen=True)
class QueueFilters:
    annotator: str | None = None
    evidence_type: str | None = None
    claimant_id: int | None = None
    kind: str | None = None
    status: str | None = None


def queue_gammas(project: Project) -> dict[int, float | None] | None:
    """Document id -> its γ from the cached agreement report (the dashboard's default one);
    None while that report is not computed: the queue never waits for γ."""
    report = cached_report(project)
    if report is None:
        return None
    return {entry["document"]: entry.get("gamma") for entry in report.get("per_document") or []}


def review_queue(project: Project, filters: QueueFilters | None = None, *,
                 gammas: dict[int, float | None] | None = None) -> list[QueueRow]:
    """Documents ready for review, worst first: lowest per-document evidence-type alpha, or,
    given `gammas` (queue_gammas), lowest per-document γ (undefined last, then by alpha)."""
    filters = filters or QueueFilters()
    documents = {d.id: d for d in reviewable_documents(project, with_returned=True)}
    per_document = queue_figures(project, tuple(documents)) if documents else {}
    states = {r.document_id: r for r in db.session.scalars(
        select(DocumentReview).where(DocumentReview.document_id.in_(list(documents))))}
    decided = dict(db.session.execute(  # decided units: gold rows with sources
        select(GoldSpan.document_id, func.count(func.distinct(GoldSpan.id)))
        .join(gold_span_sources, gold_span_sources.c.gold_span_id == GoldSpan.id)
        .where(GoldSpan.document_id.in_(list(documents)))
        .group_by(GoldSpan.document_id)).all())
    returned = _returned(list(documents))
    wanted = _filtered_ids(project, list(documents), filters)
    rows = []
    for doc_id, document in documents.items():
        entry = per_document.get(doc_id)
        state = states.get(doc_id)
        row = QueueRow(
            document=document, units=entry["units"] if entry else 0,
            disagreements=entry["disagreements"] if entry else {},
            agreement=entry["evidence_type_alpha"] if entry else None,
            status=state.status if state else "not_started",
            reviewer=state.reviewer.username if state and state.reviewer else None,
            returned=returned.get(doc_id, []), decided=decided.get(doc_id, 0),
            annotators=entry["annotators"] if entry else [],
            gamma=gammas.get(doc_id) if gammas is not None else None)
        if doc_id in wanted and _row_matches(row, filters):
            rows.append(row)
    rows.sort(key=lambda r: (r.agreement is None, r.agreement or 0.0,
                             -_troubled(r), r.document.id))
    if gammas is not None:  # stable: ties and undefined γ keep the alpha order
        rows.sort(key=lambda r: (r.gamma is None, r.gamma or 0.0))
    return rows


def queue_figures(project: Project, document_ids: tuple[int, ...]) -> dict[int, dict]:
    """per_document_figures of the queue's documents, kept in the agreement report store
    under the key of the report on the same documents: it is computed again exactly when
    their submitted work changes (app.agreement_views.service.cache_key), not on every
    reading of the queue (issue 14: reviewers reading queues under load)."""
    key = cache_key(project, AgreementOptions(documents=document_ids)) + ":queue"
    store = report_store()
    cached = store.get(key)
    if cached is None:
        figures = per_document_figures(load_documents(
            project, AgreementOptions(documents=document_ids)))
        store.put(key, {str(document_id): entry for document_id, entry in figures.items()})
        return figures
    return {int(document_id): entry for document_id, entry in cached.items()}


def _troubled(row: QueueRow) -> float:
    if not row.units:
        return 0.0
    return (row.units - row.disagreements.get("unanimous", 0)) / row.units


def _row_matches(row: QueueRow, filters: QueueFilters) -> bool:
    if filters.status and row.status != filters.status:
        return False
    if filters.kind and not row.disagreements.get(filters.kind):
        return False
    return not (filters.annotator and filters.annotator not in row.annotators)


def _filtered_ids(project: Project, ids: list[int], filters: QueueFilters) -> set[int]:
    """Documents whose submitted spans use the evidence type / claimant asked for."""
    if not filters.evidence_type and filters.claimant_id is None:
        return set(ids)
    query = (select(Span.document_id).join(Assignment, (Assignment.document_id == Span.document_id)
                                           & (Assignment.annotator_id == Span.annotator_id))
             .where(Span.document_id.in_(ids), Assignment.status == "submitted"))
    if filters.evidence_type:
        query = query.where(Span.evidence_type == filters.evidence_type)
    if filters.claimant_id is not None:
        query = query.where(Span.claimant_id == filters.claimant_id)
    return set(db.session.scalars(query.distinct()))


def _returned(ids: list[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    for doc_id, username in db.session.execute(
            select(Assignment.document_id, User.username).join(User)
            .where(Assignment.document_id.in_(ids), Assignment.returned_at.is_not(None),
                   Assignment.status != "submitted")):
        result.setdefault(doc_id, []).append(username)
    return result


def guideline_gaps(project: Project) -> list[GoldSpan]:
    """Decisions whose reason is a guideline gap: input for the next guidelines revision."""
    return list(db.session.scalars(
        select(GoldSpan).join(Document).where(Document.project_id == project.id,
                                              GoldSpan.reason == "guideline_gap")
        .order_by(GoldSpan.updated_at.desc())))
