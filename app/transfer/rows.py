"""Reading a project for export: documents, spans and gold as streams, never the whole project.

The selected documents' ids are read as a stream (`yield_per`, a server-side cursor on
PostgreSQL); documents, annotator spans and gold are then read a batch of documents at a time,
as plain rows (Core, not ORM objects), so memory holds one batch however large the project.
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

# Documents read together (with their spans): about 2 MB of text for typical articles, and
# each query's sort stays small. Ids of the selected documents are streamed ID_BATCH at a time.
DOCUMENT_BATCH = 100
ID_BATCH = 10_000


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
    """Every selected document with its spans, in document id order.

    The ids of the selected documents are read as a stream; for each DOCUMENT_BATCH of them,
    one query reads those documents, one their annotator spans and one their gold. Each query
    sorts a batch, never the project, so the first bytes leave at once and memory holds one
    batch of documents with their spans.
    """
    ids = select(Document.id).where(*document_conditions(selection)).order_by(Document.id)
    read_spans = _span_reader(selection, registry) if selection.with_annotators else None
    read_gold = _gold_reader(selection, registry) if selection.with_gold else None
    connection = db.session.connection()
    for batch in connection.execute(ids.execution_options(yield_per=ID_BATCH)).partitions():
        document_ids = [row[0] for row in batch]
        for start in range(0, len(document_ids), DOCUMENT_BATCH):
            yield from _documents(connection, document_ids[start:start + DOCUMENT_BATCH],
                                  read_spans, read_gold)


def _documents(connection, document_ids: list[int], read_spans, read_gold
               ) -> Iterator[ImportedDocument]:
    spans = read_spans(connection, document_ids) if read_spans else {}
    gold = read_gold(connection, document_ids) if read_gold else {}
    rows = connection.execute(
        select(Document.id, Document.external_id, Document.title, Document.url,
               Document.published, Document.meta, Document.text)
        .where(Document.id.in_(document_ids)).order_by(Document.id)).all()
    for document_id, external_id, title, url, published, meta, text in rows:
        yield ImportedDocument(
            external_id=external_id, title=title, text=text, url=url or "",
            published=published, meta=meta or {}, annotations=spans.get(document_id, []),
            gold=gold.get(document_id, []))


def _grouped(rows, annotation) -> dict[int, list[ImportedAnnotation]]:
    """document id -> its annotations, from rows whose first column is the document id, in
    id order; `annotation(row)` makes each row's ImportedAnnotation. This is the inner loop
    of every export: one plain loop, no generator per row."""
    grouped: dict[int, list[ImportedAnnotation]] = {}
    current_id, append = None, None
    for row in rows:
        if row[0] != current_id:
            current_id = row[0]
            append = grouped.setdefault(current_id, []).append
        append(annotation(row))
    return grouped


def _span_reader(selection: ExportSelection, registry: dict[int, RegistryClaimant]):
    """A function reading the annotator spans of some documents, grouped by document."""
    updated = Span.updated_at if selection.with_times else literal(None)
    query = (
        select(Span.document_id, User.username, Span.start, Span.end, Span.text,
               Span.claimant_id, Span.evidence_type, Span.note, literal(None), updated)
        .join(User, User.id == Span.annotator_id)
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
    return _annotation_reader(query, Span.document_id, registry)


def _gold_reader(selection: ExportSelection, registry: dict[int, RegistryClaimant]):
    """A function reading the gold spans (not rejected) of some documents, by document."""
    updated = GoldSpan.updated_at if selection.with_times else literal(None)
    query = (
        select(GoldSpan.document_id, literal(None), GoldSpan.start, GoldSpan.end, GoldSpan.text,
               GoldSpan.claimant_id, GoldSpan.evidence_type, GoldSpan.note,
               GoldSpan.provenance, updated)
        .where(GoldSpan.rejected.is_(False))
        .order_by(GoldSpan.document_id, GoldSpan.start, GoldSpan.end, GoldSpan.id)
    )
    return _annotation_reader(query, GoldSpan.document_id, registry)


def _annotation_reader(query, document_id, registry: dict[int, RegistryClaimant]):
    """A function running `query` for some documents (`document_id` its column) and grouping
    the rows by document. The query's columns: document id, annotator (None for gold), start,
    end, text, claimant id, evidence type, note, provenance (None for annotators' spans),
    time of the last change (None unless the format writes it)."""
    claimants = _claimant_columns(registry)
    unknown = claimants[None]

    def annotation(row) -> ImportedAnnotation:
        _, username, start, end, text, claimant_id, evidence, note, provenance, changed = row
        name, kind, affiliation = claimants.get(claimant_id, unknown)
        return ImportedAnnotation(username, start, end, text, name, kind, evidence,
                                  note or "", provenance, affiliation, changed)

    def read(connection, document_ids: list[int]) -> dict[int, list[ImportedAnnotation]]:
        rows = connection.execute(query.where(document_id.in_(document_ids))).all()
        return _grouped(rows, annotation)

    return read


def _claimant_columns(registry: dict[int, RegistryClaimant]) -> dict:
    """claimant id -> (name, type or None, affiliation): what each span row needs, looked up
    once per claimant rather than read from the entry per span (None: an unknown id)."""
    columns = {claimant_id: (entry.name, entry.type or None, entry.affiliation)
               for claimant_id, entry in registry.items()}
    columns[None] = ("", None, None)
    return columns
