"""Reading a project for export: documents, spans and gold as streams, never the whole project.

Three queries run side by side, each ordered by document id and read in batches (`yield_per`,
a server-side cursor on PostgreSQL): documents, annotator spans, gold spans. `stream_documents`
walks them together like a merge join, so memory holds one document and its spans at a time.
The claimant registry is small and read whole, once, into a dict.

What is read follows an ExportSelection, whose `owner_id` (set by app.permissions for an
annotator) restricts everything to that annotator's own spans on documents assigned to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, literal, select

from app.extensions import db
from app.formats import ImportedAnnotation, ImportedDocument, RegistryClaimant
from app.models import Assignment, Claimant, ClaimantAlias, Document, GoldSpan, Span, User
from app.models.review import DocumentReview

BATCH = 500  # rows per database round trip


@dataclass(frozen=True)
class ExportSelection:
    project_id: int
    layer: str  # 'annotators' | 'gold' | 'all'
    scope: str  # 'all' | 'submitted' | 'adjudicated'
    external_ids: tuple[str, ...] = ()  # only these documents, when given
    owner_id: int | None = None  # an annotator exporting their own work
    # Whether the format writes when each span last changed: reading the timestamps costs
    # a third of the time on SQLite (each is parsed from text), so only when needed.
    with_times: bool = True

    @property
    def with_annotators(self) -> bool:
        return self.layer in ("annotators", "all")

    @property
    def with_gold(self) -> bool:
        return self.layer in ("gold", "all") and self.owner_id is None


def document_conditions(selection: ExportSelection) -> list:
    """WHERE clauses on Document for the documents an export holds."""
    conditions = [Document.project_id == selection.project_id]
    if selection.owner_id is not None:
        conditions.append(exists().where(Assignment.document_id == Document.id,
                                         Assignment.annotator_id == selection.owner_id))
    if selection.scope == "submitted":
        submitted = [Assignment.document_id == Document.id, Assignment.status == "submitted"]
        if selection.owner_id is not None:
            submitted.append(Assignment.annotator_id == selection.owner_id)
        conditions.append(exists().where(*submitted))
    elif selection.scope == "adjudicated":
        conditions.append(exists().where(DocumentReview.document_id == Document.id,
                                         DocumentReview.status == "adjudicated"))
    if selection.external_ids:
        conditions.append(Document.external_id.in_(selection.external_ids))
    return conditions


def count_documents(selection: ExportSelection) -> int:
    return db.session.scalar(
        select(func.count(Document.id)).where(*document_conditions(selection))) or 0


def missing_external_ids(selection: ExportSelection) -> list[str]:
    """The selection's named documents that are not in the project (or not the owner's)."""
    everything = ExportSelection(selection.project_id, selection.layer, "all",
                                 selection.external_ids, selection.owner_id)
    found = set(db.session.scalars(
        select(Document.external_id).where(*document_conditions(everything))))
    return [name for name in selection.external_ids if name not in found]


def read_registry(selection: ExportSelection) -> dict[int, RegistryClaimant]:
    """claimant id -> registry entry. An annotator gets the confirmed claimants and those their
    own spans use, never another annotator's proposals (blindness)."""
    query = select(Claimant).where(Claimant.project_id == selection.project_id)
    rows = db.session.scalars(query.order_by(Claimant.name, Claimant.id)).all()
    if selection.owner_id is not None:
        own = set(db.session.scalars(
            select(Span.claimant_id).join(Document).where(
                Document.project_id == selection.project_id,
                Span.annotator_id == selection.owner_id)))
        rows = [c for c in rows if c.id in own or getattr(c, "status", None) != "proposed"]
    names = {claimant.id: claimant.name for claimant in rows}
    aliases: dict[int, list[str]] = {}
    for claimant_id, alias in db.session.execute(
            select(ClaimantAlias.claimant_id, ClaimantAlias.alias).join(Claimant)
            .where(Claimant.project_id == selection.project_id)
            .order_by(ClaimantAlias.alias)):
        aliases.setdefault(claimant_id, []).append(alias)
    return {claimant.id: _registry_entry(claimant, names, aliases) for claimant in rows}


def _registry_entry(claimant: Claimant, names: dict[int, str],
                    aliases: dict[int, list[str]]) -> RegistryClaimant:
    # Columns another engineer's registry work adds are read when present (getattr), so the
    # export follows the model as it grows.
    return RegistryClaimant(
        name=claimant.name, type=claimant.type,
        affiliation=names.get(claimant.affiliation_id),
        aliases=tuple(aliases.get(claimant.id, ())),
        status=getattr(claimant, "status", None),
        source_type=getattr(claimant, "source_type", None),
        role=getattr(claimant, "role", "") or "",
        description=getattr(claimant, "description", "") or "",
        external_id=getattr(claimant, "external_id", "") or "",
    )


def stream_documents(selection: ExportSelection,
                     registry: dict[int, RegistryClaimant]) -> Iterator[ImportedDocument]:
    """Every selected document with its spans, in document id order, read in batches."""
    conditions = document_conditions(selection)
    documents = _stream(
        select(Document.id, Document.external_id, Document.title, Document.url,
               Document.published, Document.meta, Document.text)
        .where(*conditions).order_by(Document.id))
    spans = _grouped(_span_rows(selection, conditions, registry)) \
        if selection.with_annotators else iter(())
    gold = _grouped(_gold_rows(selection, conditions, registry)) \
        if selection.with_gold else iter(())
    next_spans, next_gold = next(spans, None), next(gold, None)
    for document_id, external_id, title, url, published, meta, text in documents:
        annotations: list[ImportedAnnotation] = []
        gold_spans: list[ImportedAnnotation] = []
        while next_spans is not None and next_spans[0] <= document_id:
            if next_spans[0] == document_id:
                annotations = next_spans[1]
            next_spans = next(spans, None)
        while next_gold is not None and next_gold[0] <= document_id:
            if next_gold[0] == document_id:
                gold_spans = next_gold[1]
            next_gold = next(gold, None)
        yield ImportedDocument(
            external_id=external_id, title=title, text=text, url=url or "",
            published=published, meta=meta or {}, annotations=annotations, gold=gold_spans)


def _grouped(rows) -> Iterator[tuple[int, list[ImportedAnnotation]]]:
    """(document id, its annotations) from rows of (document id, annotation) in id order."""
    current_id, current = None, []
    for document_id, annotation in rows:
        if document_id != current_id:
            if current:
                yield current_id, current
            current_id, current = document_id, []
        current.append(annotation)
    if current:
        yield current_id, current


def _span_rows(selection: ExportSelection, conditions: list,
               registry: dict[int, RegistryClaimant]):
    updated = Span.updated_at if selection.with_times else literal(None)
    query = (
        select(Span.document_id, User.username, Span.start, Span.end, Span.text,
               Span.claimant_id, Span.evidence_type, Span.note, updated)
        .join(User, User.id == Span.annotator_id)
        .join(Document, Document.id == Span.document_id)
        .where(*conditions)
        .order_by(Span.document_id, Span.start, Span.end, User.username, Span.id)
    )
    if selection.owner_id is not None:
        query = query.where(Span.annotator_id == selection.owner_id)
    if selection.scope != "all":
        # Finished work only: a draft may still change, and is not yet the annotator's answer.
        query = query.where(exists().where(and_(
            Assignment.document_id == Span.document_id,
            Assignment.annotator_id == Span.annotator_id,
            Assignment.status == "submitted")))
    unknown = _UNKNOWN
    for document_id, username, start, end, text, claimant_id, evidence, note, changed in \
            _stream(query):
        claimant = registry.get(claimant_id, unknown)
        yield document_id, ImportedAnnotation(
            username, start, end, text, claimant.name, claimant.type or None, evidence,
            note or "", None, claimant.affiliation, changed)


def _gold_rows(selection: ExportSelection, conditions: list,
               registry: dict[int, RegistryClaimant]):
    updated = GoldSpan.updated_at if selection.with_times else literal(None)
    query = (
        select(GoldSpan.document_id, GoldSpan.start, GoldSpan.end, GoldSpan.text,
               GoldSpan.claimant_id, GoldSpan.evidence_type, GoldSpan.note,
               GoldSpan.provenance, updated)
        .join(Document, Document.id == GoldSpan.document_id)
        .where(*conditions, GoldSpan.rejected.is_(False))
        .order_by(GoldSpan.document_id, GoldSpan.start, GoldSpan.end, GoldSpan.id)
    )
    for document_id, start, end, text, claimant_id, evidence, note, provenance, changed in \
            _stream(query):
        claimant = registry.get(claimant_id, _UNKNOWN)
        yield document_id, ImportedAnnotation(
            None, start, end, text, claimant.name, claimant.type or None, evidence,
            note or "", provenance, claimant.affiliation, changed)


def _stream(query):
    """Rows as plain tuples, BATCH at a time (a server-side cursor on PostgreSQL); Core, not
    the ORM, since these are columns, not objects."""
    connection = db.session.connection()
    return connection.execute(query.execution_options(yield_per=BATCH)).tuples()


_UNKNOWN = RegistryClaimant(name="", type="")
