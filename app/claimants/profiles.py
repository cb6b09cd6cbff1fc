"""Credibility profiles: what the annotations say about sources (issue 13, part 4).

Which annotations count: a document's gold layer (its GoldSpan rows not rejected) when its
review says 'adjudicated'; otherwise every span of the annotators who *submitted* it (work
in progress may still change). For a document not yet adjudicated, a claim two annotators
both marked therefore counts twice; every page says how many documents came from each.

Counts are made by the database (GROUP BY), so the project matrix stays fast over 100,000
spans; the indicators follow the W3C Credible Web Community Group's credibility signals
(sources quoted, anonymous sources, documents cited, claims without evidence).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select, tuple_

from app.errors import ServiceError
from app.extensions import db
from app.models import Assignment, Claimant, Document, DocumentReview, GoldSpan, Project, Span
from app.projects.service import project_scheme

DIMENSIONS = ("claimant", "root", "source_type")
ANONYMOUS_EVIDENCE = "anonymous"
NO_EVIDENCE = "none"
DOCUMENT_EVIDENCE = "document"
EXAMPLES = 5
MATRIX_CACHE = 32  # matrices kept per app (one per project, rows and filter)
_CACHE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Scope:
    """Which documents: published within [date_from, date_to], metadata key == value."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    meta_key: str = ""
    meta_value: str = ""


ALL = Scope()  # every document of the project


def scope_from_args(args) -> Scope:
    def day(name):
        value = (args.get(name) or "").strip()
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ServiceError(f"{name} must be a date written YYYY-MM-DD", name) from None

    scope = Scope(day("from"), day("to"), (args.get("meta_key") or "").strip()[:100],
                  (args.get("meta_value") or "").strip()[:300])
    if scope.date_from and scope.date_to and scope.date_from > scope.date_to:
        raise ServiceError("from must not be after to", "from")
    return scope


def _adjudicated(project: Project):
    return (select(DocumentReview.document_id).join(Document)
            .where(Document.project_id == project.id, DocumentReview.status == "adjudicated"))


def _document_filter(project: Project, scope: Scope) -> list:
    conditions = [Document.project_id == project.id]
    if scope.date_from:
        conditions.append(Document.published >= scope.date_from)
    if scope.date_to:
        conditions.append(Document.published <= scope.date_to)
    if scope.meta_key:
        # Metadata is free JSON: matched in Python, portable across SQLite and PostgreSQL.
        ids = [doc_id for doc_id, meta in db.session.execute(
            select(Document.id, Document.meta).where(*conditions))
            if str((meta or {}).get(scope.meta_key, "")) == scope.meta_value]
        conditions.append(Document.id.in_(ids))
    return conditions


def layer_queries(project: Project, columns, scope: Scope = ALL, where=lambda m: (),
                  with_document: bool = False) -> list:
    """(model, SELECT) twice (gold of adjudicated documents, submitted spans of the others) of
    `columns(model)`, each filtered by the scope and `where(model)` conditions; join the
    documents table when `columns` reads it (`with_document`)."""
    documents = _document_filter(project, scope)
    adjudicated = _adjudicated(project)
    gold = (select(*columns(GoldSpan)).join(Document, Document.id == GoldSpan.document_id)
            .where(*documents, GoldSpan.rejected.is_(False),
                   GoldSpan.document_id.in_(adjudicated), *where(GoldSpan)))
    # Whose work counts is decided on the (few) assignments first, then only their spans are
    # read by the (document, annotator) index: half the work of joining every span of the
    # project to its assignment (measured on SQLite, bench/bench_claimants.py).
    submitted_work = (
        select(Assignment.document_id, Assignment.annotator_id)
        .join(Document, Document.id == Assignment.document_id)
        .where(*documents, Assignment.status == "submitted",
               Assignment.document_id.not_in(adjudicated)))
    submitted = select(*columns(Span)).where(
        tuple_(Span.document_id, Span.annotator_id).in_(submitted_work), *where(Span))
    if with_document:
        submitted = submitted.join(Document, Document.id == Span.document_id)
    return [(GoldSpan, gold), (Span, submitted)]


def layer_counts(project: Project, group, scope: Scope = ALL, where=lambda m: ()
                 ) -> Counter:
    """Counts of the counted layer grouped by `group(model)` columns, gold and submitted
    added together."""
    counts: Counter = Counter()
    for model, query in layer_queries(project, lambda m: (*group(m), func.count()), scope,
                                      where):
        width = len(group(model))
        # Core execution: no ORM row processing for tens of thousands of count rows.
        for row in db.session.connection().execute(query.group_by(*group(model))).all():
            counts[row[:width]] += row[width]
    return counts


@dataclass
class Sources:
    """How many documents the figures come from, and from which layer."""

    adjudicated: int
    submitted_only: int


def sources_of(project: Project, scope: Scope = ALL) -> Sources:
    documents = _document_filter(project, scope)
    adjudicated = db.session.scalar(select(func.count()).select_from(Document).where(
        *documents, Document.id.in_(_adjudicated(project)))) or 0
    submitted = db.session.scalar(
        select(func.count(func.distinct(Assignment.document_id))).join(Document)
        .where(*documents, Assignment.status == "submitted",
               Document.id.not_in(_adjudicated(project)))) or 0
    return Sources(adjudicated, submitted)


@dataclass
class Matrix:
    dimension: str
    rows: list[tuple[str, dict[str, int], int]]  # label, counts by evidence key, total
    evidence: list[tuple[str, str]]  # (key, name) columns
    column_totals: dict[str, int]
    total: int
    sources: Sources
    scope: Scope = field(default_factory=Scope)


def project_matrix(project: Project, dimension: str = "claimant", scope: Scope = ALL
                   ) -> Matrix:
    """Claimant (or affiliation root, or source type) x evidence type, with totals.

    Cached per app until the project's annotations or registry change: every change to
    spans, submissions, reviews and gold calls project.touch() (changed_at), and every
    change to claimants renews the registry stamp; both are read from the database here.
    The counts by claimant id are kept apart, keyed by changed_at alone: a registry change
    (an annotator's new proposal, a rename, a new affiliation) changes the rows' labels,
    not what the spans count, so only the labels are read again. A merge re-points spans
    and touches the project. The matrix returned is shared with the cache: callers read
    it, never change it.
    """
    if dimension not in DIMENSIONS:
        raise ServiceError(f"unknown rows {dimension!r}: use claimant, root or source_type",
                           "rows")
    changed_at, registry = db.session.execute(
        select(Project.changed_at, Project.claimant_registry_version)
        .where(Project.id == project.id)).one()
    key = ("matrix", project.id, changed_at, registry, dimension, scope)
    counts_key = ("counts", project.id, changed_at, scope)
    cache = current_app.extensions.setdefault("credence_source_matrices", OrderedDict())
    with _CACHE_LOCK:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        counted = cache.get(counts_key)
    if counted is None:
        counted = (claimant_evidence_counts(project, scope), sources_of(project, scope))
    matrix = _project_matrix(project, dimension, scope, *counted)
    with _CACHE_LOCK:
        cache[counts_key] = counted
        cache.move_to_end(counts_key)
        cache[key] = matrix
        while len(cache) > MATRIX_CACHE:
            cache.popitem(last=False)
    return matrix


def _project_matrix(project: Project, dimension: str, scope: Scope,
                    counts: dict[int, dict[str, int]], sources: Sources) -> Matrix:
    labels = _row_labels(project, dimension, counts)
    # Claimants sharing a label (two annotators' proposals of one name, the members of one
    # organisation, one source type) add up to one row. `counts` is cached and never
    # changed: a row is copied the first time another adds to it.
    table: dict[str, dict[str, int]] = {}
    copied: set[str] = set()
    column_totals: dict[str, int] = {}
    for claimant_id, row in counts.items():
        for key, number in row.items():
            column_totals[key] = column_totals.get(key, 0) + number
        label = labels[claimant_id]
        merged = table.get(label)
        if merged is None:
            table[label] = row
            continue
        if label not in copied:
            merged = table[label] = dict(merged)
            copied.add(label)
        for key, number in row.items():
            merged[key] = merged.get(key, 0) + number
    scheme = project_scheme(project)
    evidence = [(e.key, e.name) for e in scheme.evidence_types]
    rows = sorted(((label, row, sum(row.values())) for label, row in table.items()),
                  key=lambda row: (-row[2], row[0].casefold()))
    return Matrix(dimension, rows, evidence, column_totals, sum(column_totals.values()),
                  sources, scope)


def claimant_evidence_counts(project: Project, scope: Scope = ALL
                             ) -> dict[int, dict[str, int]]:
    """claimant id -> evidence type -> claims of the counted layer, for the claimants that
    have any (evidence types without claims left out).

    One row per claimant, its claims by the scheme's evidence types counted with
    `count(*) FILTER (WHERE evidence_type = ...)` (SQLite 3.30+, PostgreSQL 9.4+): grouping
    by claimant alone is about a fifth cheaper for both databases than grouping by
    (claimant, evidence type), and 2,000 rows rather than 16,000 come back to Python for
    100,000 spans (bench/bench_claimants.py). Core execution, no ORM rows. Spans of an
    evidence type the scheme no longer lists are counted by a second query, only if any.
    """
    keys = [evidence.key for evidence in project_scheme(project).evidence_types]

    def columns(model):
        return (model.claimant_id, func.count(),
                *(func.count().filter(model.evidence_type == key) for key in keys))

    table: dict[int, dict[str, int]] = {}
    connection = db.session.connection()
    unlisted = False
    for model, query in layer_queries(project, columns, scope):
        for claimant_id, total, *numbers in connection.execute(
                query.group_by(model.claimant_id)).all():
            row = table.get(claimant_id)
            if row is None:
                table[claimant_id] = {key: n for key, n in zip(keys, numbers, strict=True) if n}
            else:
                for key, number in zip(keys, numbers, strict=True):
                    if number:
                        row[key] = row.get(key, 0) + number
            unlisted = unlisted or total != sum(numbers)
    if unlisted:
        for (claimant_id, evidence), number in layer_counts(
                project, lambda m: (m.claimant_id, m.evidence_type), scope,
                lambda m: (m.evidence_type.not_in(keys),)).items():
            row = table.setdefault(claimant_id, {})
            row[evidence] = row.get(evidence, 0) + number
    return table


def _row_labels(project: Project, dimension: str, claimant_ids) -> dict[int, str]:
    connection = db.session.connection()
    if dimension == "claimant":
        return dict(connection.execute(select(Claimant.id, Claimant.name)
                                       .where(Claimant.project_id == project.id)).all())
    if dimension == "source_type":
        names = {s.key: s.name for s in project_scheme(project).source_types}
        source_types = connection.execute(select(Claimant.id, Claimant.source_type)
                                          .where(Claimant.project_id == project.id))
        return {claimant_id: names.get(source_type, "Source type not set")
                for claimant_id, source_type in source_types}
    rows = connection.execute(select(Claimant.id, Claimant.name, Claimant.affiliation_id)
                              .where(Claimant.project_id == project.id)).all()
    by_id = {row[0]: row for row in rows}
    return {cid: by_id[root_of(cid, by_id)][1] for cid in claimant_ids}


def root_of(claimant_id: int, by_id: dict) -> int:
    """The top of a claimant's affiliation chain (a claimant with none is its own root)."""
    seen = {claimant_id}
    while by_id[claimant_id][2] is not None and by_id[claimant_id][2] not in seen:
        claimant_id = by_id[claimant_id][2]
        seen.add(claimant_id)
    return claimant_id


def affiliation_roots(project: Project) -> dict[int, int]:
    """claimant id -> id of its affiliation root, for every claimant of the project."""
    rows = db.session.execute(select(Claimant.id, Claimant.name, Claimant.affiliation_id)
                              .where(Claimant.project_id == project.id)).all()
    by_id = {row[0]: row for row in rows}
    return {claimant_id: root_of(claimant_id, by_id) for claimant_id in by_id}
