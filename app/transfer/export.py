"""Exports: one service for the download page, the API and `flask export`.

`export_project` returns an ExportFile whose `chunks` are produced lazily: nothing is read from
the database until the caller iterates, and then one batch of rows at a time (app.transfer.rows),
so the response starts at once and memory stays flat however large the project.
Who may export what is decided by app.permissions.export_owner before this is called.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from app.agreement_views.service import agreement_report
from app.errors import ServiceError
from app.formats.common import ExportContext
from app.formats.writers import EXPORT_FORMATS
from app.models import Project
from app.projects.service import project_scheme
from app.text import is_yes
from app.transfer.rows import (
    ExportSelection,
    count_documents,
    missing_external_ids,
    read_registry,
    stream_documents,
)

LAYERS = ("annotators", "gold", "all")
SCOPES = ("submitted", "adjudicated", "all")
CHUNK_BYTES = 64 * 1024  # a streamed response writes in pieces of about this size
MAX_DOCUMENT_IDS = 1000


@dataclass(frozen=True)
class ExportOptions:
    format: str = "jsonl"
    layer: str = "all"
    scope: str = "submitted"
    documents: tuple[str, ...] = ()  # external ids; empty means every document in scope
    excel: bool = False


@dataclass
class ExportFile:
    filename: str
    media_type: str
    documents: int  # how many documents the file holds (for progress bars)
    chunks: Iterator[bytes]


def options_from_args(args: Mapping) -> ExportOptions:
    """Export options from the download page's query string or the CLI; a bad value names its
    field (422). The API reads the same parameters with its schema (app.api.schemas
    .ExportQuery), built from the same constants and functions."""
    given: dict = {}
    for name, allowed in (("format", tuple(EXPORT_FORMATS)), ("layer", LAYERS),
                          ("scope", SCOPES)):
        value = args.get(name)
        if not value:  # absent or empty: the default
            continue
        if value not in allowed:
            raise ServiceError(f"{name} must be one of {', '.join(allowed)}, not {value[:40]!r}",
                               name)
        given[name] = value
    try:
        given["documents"] = document_ids(args.get("documents") or "")
    except ValueError as error:
        raise ServiceError(f"documents: {error}", "documents") from None
    given["excel"] = is_yes(args.get("excel") or "")
    return ExportOptions(**given)


def document_ids(raw: str) -> tuple[str, ...]:
    """External document ids separated by commas or new lines, each once, in their order;
    ValueError beyond MAX_DOCUMENT_IDS."""
    ids = tuple(dict.fromkeys(part.strip() for part in re.split(r"[,\n]", raw) if part.strip()))
    if len(ids) > MAX_DOCUMENT_IDS:
        raise ValueError(f"at most {MAX_DOCUMENT_IDS} document ids at once")
    return ids


def export_filename(project: Project, options: ExportOptions, today: dt.date | None = None,
                    extension: str | None = None) -> str:
    """`<project>_<layer>_<date>.<ext>`, ASCII only so every browser and shell keeps it."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", project.name).strip("-").lower()[:60]
    slug = slug or f"project-{project.id}"
    day = (today or dt.date.today()).isoformat()
    return f"{slug}_{options.layer}_{day}.{extension or EXPORT_FORMATS[options.format].extension}"


def export_project(project: Project, options: ExportOptions, *, owner_id: int | None = None,
                   on_document: Callable[[], None] | None = None) -> ExportFile:
    """The file `options` describe; `owner_id` limits it to one annotator's own work."""
    spec = EXPORT_FORMATS[options.format]
    selection = ExportSelection(project_id=project.id, layer=options.layer,
                                scope=options.scope, external_ids=options.documents,
                                owner_id=owner_id, with_times=spec.writes_times)
    if options.documents:
        _check_document_ids(selection)
    context = ExportContext(project=project.name, layer=options.layer,
                            scheme=project_scheme(project), excel=options.excel,
                            exported_at=dt.datetime.now(dt.UTC))
    total = count_documents(selection)
    if spec.agreement:
        if owner_id is not None:  # agreement compares annotators: reviewers and managers only
            raise ServiceError("the agreement report needs the reviewer role", "format", 403)
        context.extra["agreement"] = full_agreement_report(project)
        total = 0
    elif options.format == "json" and owner_id is None:
        context.extra["agreement"] = agreement_summary(project)

    def chunks() -> Iterator[bytes]:
        registry = read_registry(selection)
        context.claimants = list(registry.values())
        documents = stream_documents(selection, registry)
        if on_document is not None:
            documents = _counting(documents, on_document)
        yield from _in_pieces(spec.write(documents, context))

    filename = export_filename(project, options)
    if spec.agreement:
        filename = filename.replace(f"_{options.layer}_", "_agreement_")
    return ExportFile(filename=filename, media_type=spec.media_type,
                      documents=total, chunks=chunks() if not spec.agreement else
                      _in_pieces(spec.write((), context)))


def full_agreement_report(project: Project) -> dict | None:
    try:
        return agreement_report(project)
    except ServiceError:  # e.g. nothing to compare yet
        return None


def agreement_summary(project: Project) -> dict | None:
    """The headline figures of the agreement report (docs/agreement.md), for the JSON export."""
    report = full_agreement_report(project)
    if report is None:
        return None
    keys = ("mode", "documents", "annotators", "units", "spans", "evidence_type", "claimant")
    return {key: report[key] for key in keys if key in report}


def _check_document_ids(selection: ExportSelection) -> None:
    """Named documents must exist and be visible; say which are not (the same words for a
    document that exists but is not the annotator's, so nothing leaks)."""
    missing = missing_external_ids(selection)
    if missing:
        shown = ", ".join(repr(name[:60]) for name in missing[:5])
        raise ServiceError(f"no document with id {shown} in this project", "documents")


def _counting(documents, on_document: Callable[[], None]):
    for document in documents:
        yield document
        on_document()


def _in_pieces(chunks: Iterator[str | bytes]) -> Iterator[bytes]:
    """UTF-8 bytes in pieces of about CHUNK_BYTES: few, large writes to the socket."""
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
        pending.append(data)
        size += len(data)
        if size >= CHUNK_BYTES:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)
