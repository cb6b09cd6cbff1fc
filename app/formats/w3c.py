"""W3C Web Annotation Data Model (https://www.w3.org/TR/annotation-model/) as JSON-LD.

One AnnotationCollection whose embedded first page holds one Annotation per span. Each target
names its document (`urn:credence:document:<id>`) and carries two selectors: a
TextPositionSelector (start/end in code points, the model's own unit, section 4.2.5) and a
TextQuoteSelector (exact, with up to 32 code points of prefix and suffix, section 4.2.4).
Bodies are TextualBodies told apart by purpose: `classifying` the evidence type, `identifying`
the claimant, `tagging` the claimant type, `commenting` the note, `assessing` gold provenance.
The creator is the annotator (a Person) or, for gold, the Credence gold layer (Software).

The first annotation of each document describes its source once, in the model's own terms
(JSON-LD merges every mention of the same id): `type` Text, `label` the title, `value`
(rdf:value) the text, `via` the address it came from. The file therefore reads back alone
(`read_w3c_batch`, `flask import x.jsonld`); a document without spans has no annotation to
carry it and is not in the file. Annotations from elsewhere whose sources are not described
can be read against documents given separately (`read_w3c`).
"""

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from urllib.parse import quote, unquote

from app.formats.common import (
    GOLD_PROVENANCES,
    MAX_ANNOTATOR_LENGTH,
    MAX_CLAIMANT_LENGTH,
    MAX_TITLE_LENGTH,
    ErrorList,
    ExportContext,
    FieldProblem,
    ImportedAnnotation,
    ImportedBatch,
    ImportedDocument,
    decode_utf8,
    read_external_id,
    read_url,
    refuse,
)
from app.scheme import Scheme
from app.strict_json import JsonRefused, parse_json
from app.text import normalise_text

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
QUOTE_CONTEXT = 32  # code points of prefix and suffix
DOCUMENT_URN = "urn:credence:document:"
GOLD_CREATOR = {"id": "urn:credence:gold", "type": "Software", "name": "Credence gold layer"}
PURPOSES = {"classifying": "evidence_type", "identifying": "claimant",
            "tagging": "claimant_type", "commenting": "note", "assessing": "provenance"}


def write_w3c(documents: Iterable[ImportedDocument], context: ExportContext) -> Iterator[str]:
    collection = {
        "@context": CONTEXT,
        "id": "urn:credence:export:" + quote(context.project, safe=""),
        "type": "AnnotationCollection",
        "label": context.project,
        "generated": _datetime(context.exported_at),
        "first": {"type": "AnnotationPage", "items": []},
    }
    opening = json.dumps(collection, ensure_ascii=False)
    yield opening[: -len("]}}")]  # the items list stays open while annotations stream
    count = 0
    for document in documents:
        layers = (("annotators", document.annotations), ("gold", document.gold))
        described = False
        for layer, spans in layers:
            for index, span in enumerate(spans):
                item = annotation_json(document, span, f"{layer}/{index}",
                                       describe_source=not described)
                described = True
                yield ("," if count else "") + "\n" + json.dumps(item, ensure_ascii=False)
                count += 1
    yield "\n]}}\n"


def annotation_json(document: ImportedDocument, span: ImportedAnnotation, key: str,
                    describe_source: bool = False) -> dict:
    source = DOCUMENT_URN + quote(document.external_id, safe="")
    values = {"classifying": span.evidence_type, "identifying": span.claimant,
              "tagging": span.claimant_type, "commenting": span.note,
              "assessing": span.provenance}
    result = {
        "id": f"{source}/{key}",
        "type": "Annotation",
        "motivation": "classifying",
        "creator": GOLD_CREATOR if span.annotator is None else {
            "id": "urn:credence:user:" + quote(span.annotator, safe=""), "type": "Person",
            "nickname": span.annotator},
        "body": [{"type": "TextualBody", "purpose": purpose, "value": value}
                 for purpose, value in values.items() if value],
        "target": {"source": _source_description(document) if describe_source else source,
                   "selector": [
            {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            {"type": "TextQuoteSelector", "exact": span.text,
             "prefix": document.text[max(0, span.start - QUOTE_CONTEXT): span.start],
             "suffix": document.text[span.end: span.end + QUOTE_CONTEXT]},
        ]},
    }
    if span.updated is not None:
        result["modified"] = _datetime(span.updated)
    return result


def _source_description(document: ImportedDocument) -> dict:
    description = {"id": DOCUMENT_URN + quote(document.external_id, safe=""), "type": "Text",
                   "label": document.title, "value": document.text}
    if document.url:
        description["via"] = document.url
    return description


def read_w3c_batch(data: bytes, scheme: Scheme) -> ImportedBatch:
    """The documents and annotations of a collection whose sources carry their text (what
    write_w3c writes); every document or none, each problem named by its path."""
    return ImportedBatch(_read(data, scheme, {}))


def read_w3c(data: bytes, scheme: Scheme,
             documents: list[ImportedDocument]) -> list[ImportedDocument]:
    """Attach the annotations of a collection to `documents` (which carry the texts), or to
    the sources the file describes itself."""
    known = {d.external_id: ImportedDocument(d.external_id, d.title, d.text, d.url,
                                             d.published, d.meta) for d in documents}
    return _read(data, scheme, known)


def _read(data: bytes, scheme: Scheme, known: dict[str, ImportedDocument]
          ) -> list[ImportedDocument]:
    try:
        collection = parse_json(decode_utf8(data))
    except JsonRefused as refused:
        raise refuse(refused.line, refused.field, refused.reason) from None
    items = None
    if isinstance(collection, dict) and isinstance(collection.get("first"), dict):
        items = collection["first"].get("items")
    if not isinstance(items, list):
        raise refuse(None, "first.items", "not a W3C AnnotationCollection with an embedded "
                     "first page of items")
    errors = ErrorList()
    documents = dict(known)
    for index, item in enumerate(items):
        if errors.full:
            errors.truncated = True
            break
        where = f"first.items[{index}]"
        try:
            document = _item_document(item, where, documents)
            span = _read_item(item, where, document.text, scheme)
        except FieldProblem as problem:
            errors.add(None, problem.field, problem.message)
            continue
        (document.gold if span.annotator is None else document.annotations).append(span)
    errors.raise_if_any()
    if not documents:
        raise refuse(None, "first.items", "the collection holds no annotations")
    return [d for d in documents.values() if d.annotations or d.gold or d.external_id in known]


def _item_document(item: object, where: str, documents: dict[str, ImportedDocument]
                   ) -> ImportedDocument:
    """The document an annotation targets; described in full the first time it appears."""
    if not isinstance(item, dict) or not isinstance(item.get("target"), dict):
        raise FieldProblem(f"{where}.target", "an annotation needs a target object")
    source = item["target"].get("source")
    described = source if isinstance(source, dict) else None
    source_id = described.get("id") if described else source
    if not isinstance(source_id, str) or not source_id:
        raise FieldProblem(f"{where}.target.source", "must be an id or an object with an id")
    external_id = read_external_id(unquote(source_id.removeprefix(DOCUMENT_URN)),
                                   f"{where}.target.source")
    if external_id in documents:
        return documents[external_id]
    if described is None or not isinstance(described.get("value"), str):
        raise FieldProblem(f"{where}.target.source", f"the text of {external_id!r} is not in "
                           "the file (its first annotation describes it: id, label, value)")
    text = described["value"]
    if not text.strip() or normalise_text(text) != text:
        raise FieldProblem(f"{where}.target.source.value", "the text must be non-empty and "
                           "normalised (Unicode NFC, \\n line breaks) for its offsets to hold")
    title = described.get("label") or external_id
    if not isinstance(title, str) or len(title) > MAX_TITLE_LENGTH:
        raise FieldProblem(f"{where}.target.source.label",
                           f"must be a string of at most {MAX_TITLE_LENGTH} characters")
    url = read_url(described.get("via"), f"{where}.target.source.via")
    documents[external_id] = ImportedDocument(external_id, normalise_text(title).strip(),
                                              text, url)
    return documents[external_id]


def _read_item(item: dict, where: str, text: str, scheme: Scheme) -> ImportedAnnotation:
    selectors = item["target"].get("selector")
    selectors = {s.get("type"): s for s in selectors if isinstance(s, dict)} \
        if isinstance(selectors, list) else {}
    position = selectors.get("TextPositionSelector")
    quoted = selectors.get("TextQuoteSelector") or {}
    field = f"{where}.target.selector"
    if not position:
        raise FieldProblem(field, "needs a TextPositionSelector (start, end)")
    start, end = position.get("start"), position.get("end")
    if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
        raise FieldProblem(field, f"start and end must be whole numbers with 0 <= start < "
                           f"end <= {len(text)} (the text's length in code points)")
    exact = quoted.get("exact", text[start:end])
    if text[start:end] != exact:
        raise FieldProblem(field, f"the quote {exact!r:.60} does not match the text at "
                           f"{start}..{end}, which is {text[start:end]!r:.60}")
    bodies = item.get("body") if isinstance(item.get("body"), list) else []
    values = {PURPOSES[b["purpose"]]: b.get("value") for b in bodies
              if isinstance(b, dict) and b.get("purpose") in PURPOSES}
    evidence, kind = values.get("evidence_type"), values.get("claimant_type")
    if evidence not in scheme.evidence_keys:
        raise FieldProblem(f"{where}.body", f"evidence type {evidence!r:.60} (purpose "
                           f"classifying) is not one of: {', '.join(scheme.evidence_keys)}")
    if kind is not None and kind not in scheme.claimant_type_keys:
        raise FieldProblem(f"{where}.body", f"claimant type {kind!r:.60} (purpose tagging) is "
                           f"not one of: {', '.join(scheme.claimant_type_keys)}")
    claimant, note = values.get("claimant"), values.get("note") or ""
    if not isinstance(claimant, str) or not claimant.strip() \
            or len(claimant) > MAX_CLAIMANT_LENGTH or not isinstance(note, str):
        raise FieldProblem(f"{where}.body", "needs the claimant (purpose identifying) as text")
    provenance = values.get("provenance")
    creator = item.get("creator") if isinstance(item.get("creator"), dict) else {}
    if creator.get("id") == GOLD_CREATOR["id"]:
        annotator = None
        if provenance is not None and provenance not in GOLD_PROVENANCES:
            raise FieldProblem(f"{where}.body", f"gold provenance (purpose assessing) must be "
                               f"one of {', '.join(GOLD_PROVENANCES)}")
    else:
        annotator = creator.get("nickname")
        if not isinstance(annotator, str) or not annotator.strip() \
                or len(annotator) > MAX_ANNOTATOR_LENGTH:
            raise FieldProblem(f"{where}.creator", "needs the annotator's nickname (or the "
                               "Credence gold layer)")
        annotator, provenance = annotator.strip(), None
    return ImportedAnnotation(
        annotator=annotator, start=start, end=end, text=text[start:end],
        claimant=normalise_text(claimant.strip()), claimant_type=kind,
        evidence_type=evidence, note=note, provenance=provenance)


def _datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat().replace("+00:00", "Z")
