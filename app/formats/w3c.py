"""W3C Web Annotation Data Model (https://www.w3.org/TR/annotation-model/) as JSON-LD.

One AnnotationCollection whose embedded first page holds one Annotation per span. Each target
names its document (`urn:credence:document:<id>`) and carries two selectors: a
TextPositionSelector (start/end in code points, the model's own unit, section 4.2.5) and a
TextQuoteSelector (exact, with up to 32 code points of prefix and suffix, section 4.2.4).
Bodies are TextualBodies told apart by purpose: `classifying` the evidence type, `identifying`
the claimant, `tagging` the claimant type, `commenting` the note, `assessing` gold provenance.
The creator is the annotator (a Person) or, for gold, the Credence gold layer (Software).
"""

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from urllib.parse import quote, unquote

from app.formats.common import (
    ExportContext,
    ImportedAnnotation,
    ImportedDocument,
    decode_utf8,
    refuse,
)
from app.scheme import Scheme
from app.strict_json import JsonRefused, parse_json

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
        for layer, spans in layers:
            for index, span in enumerate(spans):
                item = annotation_json(document, span, f"{layer}/{index}")
                yield ("," if count else "") + "\n" + json.dumps(item, ensure_ascii=False)
                count += 1
    yield "\n]}}\n"


def annotation_json(document: ImportedDocument, span: ImportedAnnotation, key: str) -> dict:
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
        "target": {"source": source, "selector": [
            {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            {"type": "TextQuoteSelector", "exact": span.text,
             "prefix": document.text[max(0, span.start - QUOTE_CONTEXT): span.start],
             "suffix": document.text[span.end: span.end + QUOTE_CONTEXT]},
        ]},
    }
    if span.updated is not None:
        result["modified"] = _datetime(span.updated)
    return result


def read_w3c(data: bytes, scheme: Scheme,
             documents: list[ImportedDocument]) -> list[ImportedDocument]:
    """Attach the annotations of a collection to `documents` (which carry the texts)."""
    try:
        collection = parse_json(decode_utf8(data))
    except JsonRefused as refused:
        raise refuse(refused.line, None, refused.reason) from None
    items = ((collection or {}).get("first") or {}).get("items") \
        if isinstance(collection, dict) else None
    if not isinstance(items, list):
        raise refuse(None, "first.items", "not an AnnotationCollection with an embedded page")
    by_id = {d.external_id: ImportedDocument(d.external_id, d.title, d.text, d.url,
                                             d.published, d.meta) for d in documents}
    for index, item in enumerate(items):
        where = f"first.items[{index}]"
        source = unquote(item["target"]["source"].removeprefix(DOCUMENT_URN))
        if source not in by_id:
            raise refuse(None, f"{where}.target.source", f"no document {source!r}")
        document = by_id[source]
        span = _read_item(item, where, document.text, scheme)
        (document.gold if span.annotator is None else document.annotations).append(span)
    return list(by_id.values())


def _read_item(item: dict, where: str, text: str, scheme: Scheme) -> ImportedAnnotation:
    selectors = {s["type"]: s for s in item["target"]["selector"]}
    position, quoted = selectors["TextPositionSelector"], selectors["TextQuoteSelector"]
    start, end = position["start"], position["end"]
    if text[start:end] != quoted["exact"]:
        raise refuse(None, f"{where}.target.selector", "the quote does not match the text "
                     f"at {start}..{end}")
    values = {PURPOSES[b["purpose"]]: b["value"] for b in item.get("body", [])
              if b.get("purpose") in PURPOSES}
    if values.get("evidence_type") not in scheme.evidence_keys:
        raise refuse(None, f"{where}.body", f"unknown evidence type "
                     f"{values.get('evidence_type')!r}")
    creator = item.get("creator") or {}
    annotator = None if creator.get("id") == GOLD_CREATOR["id"] else creator.get("nickname")
    return ImportedAnnotation(
        annotator=annotator, start=start, end=end, text=quoted["exact"],
        claimant=values.get("claimant", ""), claimant_type=values.get("claimant_type"),
        evidence_type=values["evidence_type"], note=values.get("note", ""),
        provenance=values.get("provenance"))


def _datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat().replace("+00:00", "Z")
