"""doccano sequence-labelling JSONL (https://doccano.github.io/doccano/): one document a line,
`{"text": …, "label": [[start, end, "label"], …]}` (also `"labels"` and `"entities"` as
`{"start_offset", "end_offset", "label"}`), with optional `id`. Read only.

doccano has no claimants: every span gets the claimant UNATTRIBUTED, and the annotator given
to the reader (the person whose doccano work this is). Offsets are taken as code points, or as
UTF-16 units where only those fit the text (doccano's browser counts UTF-16; doccano #2290).
"""

import json

from app.formats.common import (
    MAX_ERRORS,
    FormatError,
    ImportedAnnotation,
    ImportedBatch,
    ImportedDocument,
    ImportRefused,
    decode_utf8,
    default_external_id,
)
from app.scheme import Scheme
from app.strict_json import JsonRefused, parse_json
from app.text import OffsetMap, normalise_text

UNATTRIBUTED = "Unattributed"


def looks_like_doccano(data: bytes) -> bool:
    """True when the first line is a doccano record rather than a Credence document."""
    start = len(data) - len(data.lstrip())  # the first non-blank line, without splitting all
    end = data.find(b"\n", start)
    first = data[start:end if end != -1 else len(data)]
    try:
        value = json.loads(first)
    except ValueError:
        return False
    return isinstance(value, dict) and "title" not in value and (
        "label" in value or "entities" in value or "labels" in value)


def read_doccano(data: bytes, scheme: Scheme, annotator: str = "doccano") -> ImportedBatch:
    errors: list[FormatError] = []
    documents: list[ImportedDocument] = []
    seen: set[str] = set()
    for number, line in enumerate(decode_utf8(data).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = parse_json(line)
        except JsonRefused as refused:
            errors.append(FormatError(number, None, refused.reason))
            continue
        document = _read_line(value, number, scheme, annotator, errors)
        if document is not None and document.external_id in seen:
            errors.append(FormatError(number, "id", f"id {document.external_id!r} appears twice"))
        elif document is not None:
            seen.add(document.external_id)
            documents.append(document)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ImportRefused(errors[:MAX_ERRORS], truncated=len(errors) > MAX_ERRORS)
    return ImportedBatch(documents)


def _read_line(value, number, scheme, annotator, errors) -> ImportedDocument | None:
    text = value.get("text") if isinstance(value, dict) else None
    if not isinstance(text, str) or not text.strip():
        errors.append(FormatError(number, "text", "is required"))
        return None
    if normalise_text(text) != text:
        errors.append(FormatError(number, "text", "is not normalised (NFC, \\n line ends), "
                                  "so its offsets are ambiguous"))
        return None
    offsets = OffsetMap(text)
    spans = []
    for index, (start, end, label) in enumerate(_labels(value)):
        field = f"label[{index}]"
        if label not in scheme.evidence_keys:
            errors.append(FormatError(number, field, f"{str(label)[:40]!r} is not an evidence "
                                      f"type of the scheme ({', '.join(scheme.evidence_keys)})"))
            continue
        place = _place(start, end, text, offsets)
        if place is None:
            errors.append(FormatError(number, field, f"{start}..{end} is not a span of the "
                                      f"text ({len(text)} characters)"))
            continue
        spans.append(ImportedAnnotation(annotator, place[0], place[1], text[place[0]:place[1]],
                                        UNATTRIBUTED, None, label))
    external_id = value.get("id")
    title = next(line.strip() for line in text.splitlines() if line.strip())
    return ImportedDocument(
        external_id=str(external_id) if external_id not in (None, "") else
        default_external_id(text), title=title[:500], text=text, annotations=spans)


def _labels(value: dict) -> list[tuple]:
    items = value.get("label") or value.get("labels") or []
    result = [tuple(item) for item in items if isinstance(item, list) and len(item) == 3]
    for entity in value.get("entities") or []:
        if isinstance(entity, dict):
            result.append((entity.get("start_offset"), entity.get("end_offset"),
                           entity.get("label")))
    return result


def _place(start, end, text: str, offsets: OffsetMap) -> tuple[int, int] | None:
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, end)):
        return None
    if offsets.utf16_length != len(text):  # astral characters: which unit did the tool use?
        try:
            as_utf16 = offsets.to_codepoint(start), offsets.to_codepoint(end)
        except ValueError:
            as_utf16 = None
        # A span ending past the code-point length can only be UTF-16.
        if end > len(text) and as_utf16 is not None:
            return as_utf16 if as_utf16[0] < as_utf16[1] else None
    return (start, end) if 0 <= start < end <= len(text) else None
