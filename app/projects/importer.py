"""Import articles (and their annotations) into a project: all or nothing.

The pure readers in app.formats parse and validate each file against the project's
scheme; this module checks what needs the database (ids already taken, unknown
annotators) before writing anything, then writes. The caller commits or rolls back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import insert, select

from app.claimants.registry import ClaimantLookup, claimant_key
from app.errors import ServiceError
from app.extensions import db
from app.formats import (
    FormatError,
    ImportedAnnotation,
    ImportedDocument,
    ImportRefused,
    RegistryClaimant,
)
from app.formats.common import MAX_ERRORS
from app.formats.dispatch import iter_records
from app.models import (
    Assignment,
    Claimant,
    Document,
    GoldSpan,
    Project,
    Span,
    User,
)
from app.models.base import utcnow
from app.models.users import username_problem
from app.permissions import project_member
from app.projects.service import assign_documents, project_scheme, set_member
from app.text import is_storable_text, text_sha256
from app.transfer.registry_import import apply_registry, registry_problems


@dataclass
class ImportSummary:
    documents: int = 0
    spans: int = 0
    gold_spans: int = 0
    claimants_created: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    assignments_created: int = 0
    document_ids: list[int] = field(default_factory=list)


@dataclass
class ImportScan:
    """What the first reading of a file found: enough to check it against the project and
    to preview it, without keeping its documents (a large file is read twice instead)."""

    documents: int = 0
    external_ids: list[str] = field(default_factory=list)
    spans_by_annotator: dict[str, int] = field(default_factory=dict)
    gold_spans: int = 0
    registry: list[RegistryClaimant] = field(default_factory=list)
    problems: list[FormatError] = field(default_factory=list)


def check_import(project: Project, filename: str, data: bytes, *, create_users: bool = False,
                 on_document: Callable[[str], None] | None = None
                 ) -> tuple[ImportScan, ClaimantResolver, ImportSummary]:
    """Read the file and check it against the project; ImportRefused lists every problem.
    Writes nothing: the upload page's preview calls this alone. `on_document("checking")`
    is called after each document (progress bars)."""
    scheme = project_scheme(project)
    scan, summary = ImportScan(), ImportSummary()
    claimants = ClaimantResolver(project, summary, scheme.claimant_type_keys)
    for record in iter_records(filename, data, scheme):
        if isinstance(record, RegistryClaimant):
            scan.registry.append(record)
            continue
        scan.documents += 1
        if on_document is not None:
            on_document("checking")
        scan.external_ids.append(record.external_id)
        for annotation in record.annotations:
            scan.spans_by_annotator[annotation.annotator] = \
                scan.spans_by_annotator.get(annotation.annotator, 0) + 1
            claimants.observe(annotation)
        for annotation in record.gold:
            claimants.observe(annotation)
        scan.gold_spans += len(record.gold)
        if len(scan.problems) <= MAX_ERRORS:
            scan.problems.extend(_unstorable_fields(record, filename))
    claimants.finish(scan.registry)
    _check_against_database(project, filename, scan, create_users, claimants,
                            registry_problems(scan.registry, claimants.registry, filename))
    return scan, claimants, summary


def import_file(project: Project, filename: str, data: bytes, *, assign: int | None = None,
                create_users: bool = False,
                on_document: Callable[[str], None] | None = None) -> ImportSummary:
    """Check everything (first reading), then write in batches (second reading).
    `on_document(phase)` is called after each document is checked, then written."""
    scan, claimants, summary = check_import(project, filename, data,
                                            create_users=create_users, on_document=on_document)
    if scan.registry:
        summary.claimants_created += apply_registry(project, scan.registry,
                                                    claimants.registry)
        claimants.registry = ClaimantLookup(project)  # with the aliases just added
    users = {name: _annotator(project, name, create_users, summary).id
             for name in sorted(scan.spans_by_annotator)}
    claimant_ids: dict[str, int] = {}

    def claimant_id(annotation: ImportedAnnotation) -> int:
        key = claimant_key(annotation.claimant)
        if key not in claimant_ids:
            claimant = claimants.resolve(annotation)
            if claimant.id is None:
                db.session.flush()
            claimant_ids[key] = claimant.id
        return claimant_ids[key]

    # Bulk INSERTs, BATCH_DOCUMENTS documents at a time: no ORM object per span, and no more
    # than one batch of documents in memory (docs/benchmarks.md).
    pending: list[ImportedDocument] = []
    for record in iter_records(filename, data, project_scheme(project)):
        if isinstance(record, RegistryClaimant):
            continue
        pending.append(record)
        if on_document is not None:
            on_document("importing")
        if len(pending) == BATCH_DOCUMENTS:
            _insert_batch(project, pending, users, claimant_id, summary)
            pending = []
    if pending:
        _insert_batch(project, pending, users, claimant_id, summary)
    if assign:
        # Only the documents of this file: others may be unassigned on purpose.
        summary.assignments_created = assign_documents(project, assign, summary.document_ids)
    project.touch()
    return summary


BATCH_DOCUMENTS = 500


def _insert_batch(project: Project, documents, users: dict[str, int], claimant_id,
                  summary: ImportSummary) -> None:
    ids = db.session.scalars(
        insert(Document.__table__).returning(Document.id, sort_by_parameter_order=True),
        [{"project_id": project.id, "external_id": d.external_id, "title": d.title,
          "url": d.url or "", "published": _as_date(d.published), "text": d.text,
          "sha256": text_sha256(d.text), "meta": d.meta or {}} for d in documents]).all()
    spans, gold, assignments = [], [], []
    now = utcnow()
    for document_id, imported in zip(ids, documents, strict=True):
        for a in imported.annotations:
            spans.append({"document_id": document_id, "annotator_id": users[a.annotator],
                          "start": a.start, "end": a.end, "text": a.text,
                          "claimant_id": claimant_id(a), "evidence_type": a.evidence_type,
                          "note": a.note or "", "created_at": now, "updated_at": now,
                          "version": 1})
        # Imported annotations are finished work: their assignment is submitted.
        for name in sorted({a.annotator for a in imported.annotations}):
            assignments.append({"document_id": document_id, "annotator_id": users[name],
                                "status": "submitted", "assigned_at": now, "started_at": now,
                                "submitted_at": now})
        for a in imported.gold:
            gold.append({"document_id": document_id, "start": a.start, "end": a.end,
                         "text": a.text, "claimant_id": claimant_id(a),
                         "evidence_type": a.evidence_type, "note": a.note or "",
                         "provenance": a.provenance or "adjudicated", "rejected": False,
                         "created_at": now, "updated_at": now, "version": 1})
    for model, rows in ((Span, spans), (Assignment, assignments), (GoldSpan, gold)):
        if rows:  # Core executemany: no ORM object or bookkeeping per row
            db.session.execute(insert(model.__table__), rows)
    summary.documents += len(ids)
    summary.spans += len(spans)
    summary.gold_spans += len(gold)
    summary.document_ids.extend(ids)


def _check_against_database(project: Project, filename: str, scan: ImportScan,
                            create_users: bool, claimants: ClaimantResolver,
                            errors: list[FormatError]) -> None:
    errors = [*scan.problems, *errors]
    taken: set[str] = set()
    for first in range(0, len(scan.external_ids), 5000):  # bounded IN lists
        taken.update(db.session.scalars(select(Document.external_id).where(
            Document.project_id == project.id,
            Document.external_id.in_(scan.external_ids[first:first + 5000]))))
    for external_id in scan.external_ids:
        if external_id in taken:
            # The readers do not keep source line numbers per document; the id names it.
            errors.append(FormatError(None, "id", f"document id {external_id!r} "
                                      "is already in this project", file=filename))
    names = set(scan.spans_by_annotator)
    known = set(db.session.scalars(select(User.username).where(User.username.in_(names))))
    for name in sorted(names - known):
        if not create_users:
            errors.append(FormatError(None, "annotator", f"no user named {name!r}: create it "
                                      "first, or import with --create-users", file=filename))
        elif username_problem(name):
            errors.append(FormatError(None, "annotator", f"cannot create user {name!r}: "
                                      f"{username_problem(name)}", file=filename))
    for name in claimants.new_without_type():
        errors.append(FormatError(None, "claimant_type", f"claimant {name!r} is not in the "
                                  "registry and has no claimant_type; this project's scheme "
                                  "has no 'other' type to fall back on", file=filename))
    if errors:
        raise ImportRefused(errors[:MAX_ERRORS], truncated=len(errors) > MAX_ERRORS)


def _unstorable_fields(imported, filename: str) -> list[FormatError]:
    """NUL characters and the like, which PostgreSQL cannot store in a text column."""
    values = {"id": imported.external_id, "title": imported.title, "text": imported.text,
              "url": imported.url or ""}
    for kind, items in (("annotations", imported.annotations), ("gold", imported.gold)):
        for index, item in enumerate(items):
            for name in ("annotator", "text", "claimant", "claimant_type", "note"):
                values[f"{kind}[{index}].{name}"] = getattr(item, name) or ""
    return [FormatError(None, field, f"document {imported.external_id!r} contains a character "
                        "that cannot be stored (NUL)", file=filename)
            for field, value in values.items() if not is_storable_text(value)]


def _annotator(project: Project, username: str, create: bool, summary: ImportSummary) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        if not create:
            raise ServiceError(f"no user named {username!r}", "annotator")
        user = User(username=username, display_name=username, password_hash=None)
        db.session.add(user)
        summary.users_created.append(username)
    db.session.flush()
    if project_member(user, project) is None:
        set_member(project, user, "annotator")
    return user


class ClaimantResolver:
    """Finds claimants in the registry (app.claimants.registry); creates missing ones.

    A new claimant takes the first claimant_type the file gives it anywhere (not only at its
    first mention), else 'other' when the project's scheme has that type."""

    def __init__(self, project: Project, summary: ImportSummary,
                 claimant_types: tuple[str, ...]):
        self.project = project
        self.summary = summary
        self.fallback_type = "other" if "other" in claimant_types else None
        self.registry = ClaimantLookup(project)
        self.new_names: dict[str, str] = {}  # key -> name as first written
        self.new_types: dict[str, str] = {}

    def observe(self, annotation: ImportedAnnotation) -> None:
        """Note a claimant the file names (first reading)."""
        if self.registry.find(annotation.claimant) is not None:
            return
        key = claimant_key(annotation.claimant)
        self.new_names.setdefault(key, annotation.claimant.strip())
        if annotation.claimant_type:
            self.new_types.setdefault(key, annotation.claimant_type)

    def finish(self, registry: list[RegistryClaimant]) -> None:
        """Names the file's own registry holds are not new: the registry types them."""
        for entry in registry:
            for name in (entry.name, *entry.aliases):
                self.new_names.pop(claimant_key(name), None)

    def new_without_type(self) -> list[str]:
        """Names of new claimants that would get no type: the import must be refused."""
        if self.fallback_type is not None:
            return []
        return sorted(name for key, name in self.new_names.items() if key not in self.new_types)

    def resolve(self, annotation: ImportedAnnotation) -> Claimant:
        claimant = self.registry.find(annotation.claimant)
        if claimant is None:
            key = claimant_key(annotation.claimant)
            claimant = Claimant(project=self.project, name=annotation.claimant.strip(),
                                type=self.new_types.get(key) or self.fallback_type)
            db.session.add(claimant)
            self.registry.add(claimant)
            self.summary.claimants_created.append(claimant.name)
        return claimant


def _as_date(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
