"""Writing the interchange JSONL (read back by app.formats.jsonl). Pure.

`document_line` writes exactly what `json.dumps(document_to_dict(document),
ensure_ascii=False)` writes, but builds the text directly: an export writes one annotation
object per span, millions for a large project, and making a dict per span for the encoder
to walk cost more than the rest of the export together. Strings go through the standard
library's own encoder for JSON strings (`encode_basestring`, what json.dumps uses with
ensure_ascii=False), so every escape is the standard one; tests compare both paths.
"""

import json
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring

from app.formats.common import ImportedAnnotation, ImportedDocument, RegistryClaimant
from app.formats.registry import registry_claimant_dict


def write_jsonl(
    documents: Iterable[ImportedDocument], claimants: Iterable[RegistryClaimant] = ()
) -> Iterator[str]:
    """The interchange JSONL, one line at a time: the registry first, then one line per document.

    read_jsonl_batch reads it back unchanged. Nothing is held beyond the line being written.
    """
    for claimant in claimants:
        yield json.dumps({"claimant": registry_claimant_dict(claimant)}, ensure_ascii=False)
        yield "\n"
    for document in documents:
        yield document_line(document) + "\n"


def document_line(document: ImportedDocument) -> str:
    """One document as a JSON object on one line (no line break)."""
    published = document.published.isoformat() if document.published else None
    annotations = ", ".join([_annotation_json(a) for a in document.annotations])
    gold = ", ".join([_annotation_json(a, gold=True) for a in document.gold])
    return (f'{{"id": {_json(document.external_id)}, "title": {_json(document.title)}, '
            f'"text": {_json(document.text)}, "url": {_json(document.url)}, '
            f'"published": {_json(published)}, '
            f'"meta": {json.dumps(document.meta, ensure_ascii=False)}, '
            f'"annotations": [{annotations}], "gold": [{gold}]}}')


def _annotation_json(span: ImportedAnnotation, gold: bool = False) -> str:
    kind = span.claimant_type
    body = (f'"start": {span.start}, "end": {span.end}, '
            f'"text": {encode_basestring(span.text)}, '
            f'"claimant": {encode_basestring(span.claimant)}, '
            f'"claimant_type": {"null" if kind is None else encode_basestring(kind)}, '
            f'"evidence_type": {encode_basestring(span.evidence_type)}, '
            f'"note": {encode_basestring(span.note)}')
    if not gold:
        return f'{{"annotator": {_json(span.annotator)}, {body}}}'
    if span.provenance is not None:
        return f'{{{body}, "provenance": {encode_basestring(span.provenance)}}}'
    return f"{{{body}}}"


def _json(value: object) -> str:
    return encode_basestring(value) if type(value) is str else json.dumps(value)


def document_to_dict(document: ImportedDocument) -> dict:
    """The document as the JSON export embeds it (the same object a JSONL line holds)."""
    return {
        "id": document.external_id,
        "title": document.title,
        "text": document.text,
        "url": document.url,
        "published": document.published.isoformat() if document.published else None,
        "meta": document.meta,
        "annotations": [_annotation_to_dict(a) for a in document.annotations],
        "gold": [_annotation_to_dict(a, gold=True) for a in document.gold],
    }


def _annotation_to_dict(annotation: ImportedAnnotation, gold: bool = False) -> dict:
    result = {} if gold else {"annotator": annotation.annotator}
    result.update(
        start=annotation.start,
        end=annotation.end,
        text=annotation.text,
        claimant=annotation.claimant,
        claimant_type=annotation.claimant_type,
        evidence_type=annotation.evidence_type,
        note=annotation.note,
    )
    if gold and annotation.provenance is not None:
        result["provenance"] = annotation.provenance
    return result
