"""Label Studio task JSON (https://labelstud.io/guide/task_format): write and read.

One task per document (`data.text`, plus `doc_id`, `title`, `url`), one annotation per
annotator (`completed_by` a number, `created_username` the username; gold is the annotation
marked `ground_truth`). Each span is a region: a `labels` result from `evidence_type` with
`value.start/end/text/labels`, and per-region results sharing its id: `choices` from
`claimant_type`, `textarea` from `claimant` and `note`. The labeling config that produces
this shape is in docs/formats.md.

Offsets are written in code points. Label Studio's browser code counts UTF-16 units, so a file
it exported may have offsets shifted by one after each emoji (Label Studio issue #1347); the
reader takes an offset pair as code points when the quoted text matches there, else as UTF-16
units when it matches there, and refuses the region otherwise.
"""

import json
import re
from collections.abc import Iterable, Iterator

from app.formats.common import (
    MAX_ERRORS,
    ExportContext,
    FormatError,
    ImportedAnnotation,
    ImportedBatch,
    ImportedDocument,
    ImportRefused,
    decode_utf8,
    refuse,
)
from app.scheme import Scheme
from app.strict_json import JsonRefused, parse_json
from app.text import OffsetMap, normalise_text


def write_labelstudio(documents: Iterable[ImportedDocument],
                      context: ExportContext) -> Iterator[str]:
    yield "["
    users: dict[str, int] = {}
    for number, document in enumerate(documents, start=1):
        yield ("," if number > 1 else "") + "\n" + json.dumps(
            _task(number, document, users), ensure_ascii=False)
    yield "\n]\n"


def _task(number: int, document: ImportedDocument, users: dict[str, int]) -> dict:
    layers: dict[str | None, list[ImportedAnnotation]] = {}
    for span in document.annotations:
        layers.setdefault(span.annotator, []).append(span)
    if document.gold:
        layers[None] = document.gold
    annotations = []
    for annotator, spans in layers.items():
        user_number = users.setdefault(annotator or "", len(users) + 1)
        annotations.append({
            "id": number * 1000 + len(annotations) + 1,
            "completed_by": user_number,
            "created_username": f"{annotator or 'gold'}, {user_number}",  # as LS writes it
            "ground_truth": annotator is None,
            "was_cancelled": False,
            "result": [r for i, s in enumerate(spans) for r in _regions(f"r{number}-{i}", s)],
        })
    return {"id": number, "data": {"text": document.text, "doc_id": document.external_id,
                                   "title": document.title, "url": document.url},
            "annotations": annotations, "predictions": []}


def _regions(region_id: str, span: ImportedAnnotation) -> list[dict]:
    place = {"start": span.start, "end": span.end, "text": span.text}
    results = [_result(region_id, "evidence_type", "labels", {**place,
                                                                "labels": [span.evidence_type]})]
    if span.claimant_type:
        results.append(_result(region_id, "claimant_type", "choices",
                               {**place, "choices": [span.claimant_type]}))
    results.append(_result(region_id, "claimant", "textarea",
                           {"start": span.start, "end": span.end, "text": [span.claimant]}))
    if span.note:
        results.append(_result(region_id, "note", "textarea",
                               {"start": span.start, "end": span.end, "text": [span.note]}))
    return results


def _result(region_id: str, from_name: str, kind: str, value: dict) -> dict:
    return {"id": region_id, "from_name": from_name, "to_name": "text", "type": kind,
            "origin": "manual", "value": value}


def read_labelstudio(data: bytes, scheme: Scheme) -> ImportedBatch:
    try:
        tasks = parse_json(decode_utf8(data))
    except JsonRefused as refused:
        raise refuse(refused.line, None, refused.reason) from None
    if not isinstance(tasks, list):
        raise refuse(None, None, "a Label Studio export is a JSON list of tasks")
    errors: list[FormatError] = []
    documents = []
    for index, task in enumerate(tasks):
        document = _read_task(task, f"[{index}]", scheme, errors)
        if document is not None:
            documents.append(document)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ImportRefused(errors[:MAX_ERRORS], truncated=len(errors) > MAX_ERRORS)
    return ImportedBatch(documents)


def _read_task(task, where: str, scheme: Scheme, errors) -> ImportedDocument | None:
    data = task.get("data") if isinstance(task, dict) else None
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        errors.append(FormatError(None, f"{where}.data.text", "is required"))
        return None
    if normalise_text(text) != text:
        errors.append(FormatError(None, f"{where}.data.text", "is not normalised (NFC, \\n "
                                  "line ends), so its offsets are ambiguous"))
        return None
    external_id = str(data.get("doc_id") or task.get("id") or index_id(where))
    title = data.get("title") or next(line for line in text.splitlines() if line.strip())
    document = ImportedDocument(external_id=external_id[:200], title=str(title)[:500].strip(),
                                text=text, url=str(data.get("url") or ""))
    offsets = OffsetMap(text)
    for position, annotation in enumerate(task.get("annotations") or []):
        if not isinstance(annotation, dict) or annotation.get("was_cancelled"):
            continue
        here = f"{where}.annotations[{position}]"
        spans = _read_regions(annotation.get("result") or [], here, text, offsets, scheme,
                              errors)
        if annotation.get("ground_truth"):
            document.gold.extend(spans)
            continue
        # Label Studio writes "<email>, <user id>"; only that last ", <number>" is dropped,
        # so a username holding a comma is kept whole.
        name = _USER_NUMBER.sub("", str(annotation.get("created_username") or "")).strip()
        name = name or f"labelstudio-{annotation.get('completed_by')}"
        for span in spans:
            span.annotator = name
        document.annotations.extend(spans)
    return document


_USER_NUMBER = re.compile(r",\s*\d+\s*$")


def index_id(where: str) -> str:
    return "task-" + where.strip("[]")


def _read_regions(results, where, text, offsets, scheme, errors) -> list[ImportedAnnotation]:
    regions: dict[str, dict] = {}
    for index, result in enumerate(results):
        if not isinstance(result, dict) or not isinstance(result.get("value"), dict):
            errors.append(FormatError(None, f"{where}.result[{index}]", "must be an object "
                                      "with a value"))
            continue
        regions.setdefault(str(result.get("id")), {})[result.get("from_name")] = \
            (index, result["value"])
    spans = []
    for region in regions.values():
        if "evidence_type" not in region:
            continue
        index, value = region["evidence_type"]
        field = f"{where}.result[{index}].value"
        labels = value.get("labels") or []
        if len(labels) != 1 or labels[0] not in scheme.evidence_keys:
            errors.append(FormatError(None, f"{field}.labels", f"{labels!r} is not one "
                                      "evidence type of the scheme"))
            continue
        place = _place(value, text, offsets)
        if place is None:
            errors.append(FormatError(None, field, f"text {str(value.get('text'))[:40]!r} "
                                      f"is not at {value.get('start')}..{value.get('end')}"))
            continue
        claimant = _textarea(region.get("claimant"))
        if not claimant:
            errors.append(FormatError(None, field, "the region has no claimant"))
            continue
        choices = (region.get("claimant_type") or (0, {}))[1].get("choices") or [None]
        if not isinstance(choices, list) or (choices[0] is not None
                                             and choices[0] not in scheme.claimant_type_keys):
            errors.append(FormatError(None, field, f"claimant type {choices!r} is not one of "
                                      "the scheme's"))
            continue
        spans.append(ImportedAnnotation(
            annotator=None, start=place[0], end=place[1], text=text[place[0]:place[1]],
            claimant=normalise_text(claimant), claimant_type=choices[0],
            evidence_type=labels[0], note=_textarea(region.get("note"))))
    return spans


def _place(value: dict, text: str, offsets: OffsetMap) -> tuple[int, int] | None:
    start, end, quoted = value.get("start"), value.get("end"), value.get("text")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, end)):
        return None
    if 0 <= start < end <= len(text) and text[start:end] == quoted:
        return start, end
    try:  # Label Studio's own UTF-16 offsets
        start, end = offsets.to_codepoint(start), offsets.to_codepoint(end)
    except (ValueError, IndexError):
        return None
    return (start, end) if 0 <= start < end and text[start:end] == quoted else None


def _textarea(entry) -> str:
    if not entry:
        return ""
    texts = entry[1].get("text") or []
    return str(texts[0]).strip() if texts else ""
