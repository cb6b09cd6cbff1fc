"""JSON export: one document holding the project, its scheme, the claimant registry, every
document with its spans and gold (with provenance), and the agreement summary.

Written as a stream: the opening members, then the documents one by one, then the closing
members. Read back by `read_json_export` (documents and registry; the rest is informative).
"""

import json
from collections.abc import Iterable, Iterator

from app.formats.common import (
    ErrorList,
    ExportContext,
    ImportedBatch,
    ImportedDocument,
    LineFields,
    decode_utf8,
    refuse,
)
from app.formats.jsonl import document_to_dict, read_document_object
from app.formats.registry import (
    check_registry_names,
    read_registry_claimant,
    registry_claimant_dict,
)
from app.scheme import Scheme
from app.strict_json import JsonRefused, parse_json

FORMAT_NAME = "credence-export"
FORMAT_VERSION = 1


def write_json_export(documents: Iterable[ImportedDocument],
                      context: ExportContext) -> Iterator[str]:
    head = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "project": context.project,
        "layer": context.layer,
        "exported_at": context.exported_at.isoformat() if context.exported_at else None,
        "scheme": context.scheme.to_dict() if context.scheme else None,
        "claimants": [registry_claimant_dict(c) for c in context.claimants],
    }
    opening = json.dumps(head, ensure_ascii=False, indent=1)
    yield opening[:-2] + ',\n "documents": ['  # reopen the object before its closing brace
    for index, document in enumerate(documents):
        yield ("," if index else "") + "\n  " + json.dumps(document_to_dict(document),
                                                           ensure_ascii=False)
    agreement = json.dumps(context.extra.get("agreement"), ensure_ascii=False)
    yield f'\n ],\n "agreement": {agreement}\n}}\n'


class _DocumentFields(LineFields):
    """Field problems of documents[i], named by their path in the file."""

    def __init__(self, errors: ErrorList, prefix: str) -> None:
        super().__init__(errors, None)
        self.prefix = prefix

    def fail(self, field: str | None, message: str) -> None:
        super().fail(f"{self.prefix}.{field}" if field else self.prefix, message)


def read_json_export(data: bytes, scheme: Scheme) -> ImportedBatch:
    """The documents and registry of a JSON export, all or nothing."""
    try:
        value = parse_json(decode_utf8(data))
    except JsonRefused as refused:
        raise refuse(refused.line, None, refused.reason) from None
    if not isinstance(value, dict) or value.get("format") != FORMAT_NAME:
        raise refuse(None, "format", f'not a Credence JSON export (expected "format": '
                     f'"{FORMAT_NAME}")')
    documents, claimants = value.get("documents"), value.get("claimants") or []
    if not isinstance(documents, list) or not isinstance(claimants, list):
        raise refuse(None, "documents", "documents and claimants must be lists")
    errors = ErrorList()
    batch = ImportedBatch([])
    for index, item in enumerate(claimants):
        fields = LineFields(errors, None)
        claimant = read_registry_claimant(fields, item, f"claimants[{index}]", scheme)
        if claimant is not None:
            batch.claimants.append(claimant)
    for position, field, message in check_registry_names(batch.claimants):
        errors.add(None, f"claimants[{position}].{field}", message)
    seen: set[str] = set()
    for index, item in enumerate(documents):
        if errors.full:
            errors.truncated = True
            break
        fields = _DocumentFields(errors, f"documents[{index}]")
        document = read_document_object(fields, item, scheme)
        if document is not None and document.external_id in seen:
            fields.fail("id", f"id {document.external_id!r} appears twice")
        elif document is not None:
            seen.add(document.external_id)
            batch.documents.append(document)
    errors.raise_if_any()
    return batch
