"""The interchange format: JSON Lines, one document (with its annotations) per line.

The format is specified in docs/formats.md. Offsets are Unicode code points, i.e. Python string
indices, into the normalised text (app.text.normalise_text).
"""

from collections.abc import Iterator

from app.formats.common import (
    GOLD_PROVENANCES,
    MAX_ANNOTATOR_LENGTH,
    MAX_CLAIMANT_LENGTH,
    MAX_TITLE_LENGTH,
    ErrorList,
    FieldProblem,
    ImportedAnnotation,
    ImportedBatch,
    ImportedDocument,
    LineFields,
    RegistryClaimant,
    default_external_id,
    duplicate_id_message,
    read_external_id,
    read_optional_string,
    read_published,
    read_required_string,
    read_url,
    refuse,
)
from app.formats.json_checks import (
    MAX_NESTING,
    SURROGATE_ESCAPE,
    DuplicateKey,
    find_lone_surrogate,
    nesting_depth,
    refuse_duplicate_keys,
)
from app.formats.jsonl_write import document_to_dict, write_jsonl  # noqa: F401 (re-exported)
from app.formats.registry import check_registry_names, read_registry_claimant
from app.scheme import Scheme
from app.strict_json import JsonRefused, parse_json
from app.text import OffsetError, check_offsets, normalise_text

DOCUMENT_FIELDS = ("id", "title", "text", "url", "published", "meta", "annotations", "gold")
ANNOTATION_FIELDS = (
    "annotator",
    "start",
    "end",
    "text",
    "claimant",
    "claimant_type",
    "evidence_type",
    "note",
)
GOLD_FIELDS = (*(name for name in ANNOTATION_FIELDS if name != "annotator"), "provenance")


def read_jsonl(data: bytes, scheme: Scheme) -> list[ImportedDocument]:
    """Read a JSONL file's documents; every document or none (ImportRefused lists problems)."""
    return read_jsonl_batch(data, scheme).documents


def read_jsonl_batch(data: bytes, scheme: Scheme) -> ImportedBatch:
    """Documents and registry lines (`{"claimant": {...}}`) of a JSONL file, all or nothing."""
    batch = ImportedBatch([])
    for record in iter_jsonl(data, scheme):
        if isinstance(record, RegistryClaimant):
            batch.claimants.append(record)
        else:
            batch.documents.append(record)
    return batch


def iter_jsonl(data: bytes, scheme: Scheme) -> Iterator[ImportedDocument | RegistryClaimant]:
    """The records of a JSONL file one at a time, decoding one line at a time, so a large file
    is never held as text or as documents all at once. Problems are collected as it goes and
    raised (ImportRefused) when it ends: a caller must read to the end before using anything.
    """
    errors = ErrorList()
    line_of_id: dict[str, int] = {}
    claimants: list[RegistryClaimant] = []
    claimant_lines: list[int] = []
    saw_content = False
    for line_number, line in _decoded_lines(data):
        if errors.full:
            errors.truncated = True
            break
        if not line.strip():
            continue
        saw_content = True
        fields = LineFields(errors, line_number)
        record = _read_line(fields, line, scheme)
        if isinstance(record, RegistryClaimant):
            claimants.append(record)
            claimant_lines.append(line_number)
            yield record
            continue
        if record is None:
            continue
        if record.external_id in line_of_id:
            fields.fail("id", duplicate_id_message(record, line_of_id[record.external_id]))
            continue
        line_of_id[record.external_id] = line_number
        yield record
    if not saw_content:
        raise refuse(None, None, "the file is empty: expected one JSON document per line")
    for position, field, message in check_registry_names(claimants):
        errors.add(claimant_lines[position], f"claimant.{field}", message)
    errors.raise_if_any()


def _decoded_lines(data: bytes) -> Iterator[tuple[int, str]]:
    """(line number, text) for each line, split on "\\n" only: str.splitlines() would also
    split on U+2028 and U+0085, which JSON allows raw inside strings. A byte-order mark at the
    start is dropped; bytes that are not UTF-8 are refused naming their line."""
    start, number = 0, 1
    if data.startswith(b"\xef\xbb\xbf"):
        start = 3
    while start <= len(data):
        end = data.find(b"\n", start)
        end = len(data) if end == -1 else end
        try:
            yield number, data[start:end].decode("utf-8")
        except UnicodeDecodeError as error:
            raise refuse(number, None, f"the file is not UTF-8 (byte 0x"
                         f"{data[start + error.start]:02X}); save it as UTF-8") from None
        start, number = end + 1, number + 1


def _read_line(
    fields: LineFields, line: str, scheme: Scheme
) -> ImportedDocument | RegistryClaimant | None:
    try:
        value = parse_json(line, object_pairs_hook=refuse_duplicate_keys)
    except JsonRefused as refused:
        # One line of the file is one JSON text: the line is already named, so only the column.
        where = f" (column {refused.column})" if refused.column else ""
        fields.fail(refused.field, refused.reason + where)
        return None
    except DuplicateKey as duplicate:
        fields.fail(str(duplicate), "appears twice in the same object")
        return None
    # Fast paths (most lines): fewer brackets than MAX_NESTING cannot nest deeper, and a
    # lone surrogate can only come from a \uD8xx-\uDFxx escape in the line.
    brackets = line.count("[") + line.count("{")
    if brackets > MAX_NESTING and nesting_depth(value) > MAX_NESTING:
        fields.fail(None, f"nested deeper than {MAX_NESTING} levels")
        return None
    if not isinstance(value, dict):
        fields.fail(None, f"each line must be a JSON object, not {_json_kind(value)}")
        return None
    surrogate_path = find_lone_surrogate(value, "") \
        if SURROGATE_ESCAPE.search(line) else None
    if surrogate_path is not None:
        message = "contains an unpaired surrogate escape (\\ud800-\\udfff), which is not text"
        fields.fail(surrogate_path or None, message)
        return None
    if "claimant" in value and "text" not in value:
        if len(value) > 1:
            fields.fail(None, "a registry line holds only the field \"claimant\"")
            return None
        return read_registry_claimant(fields, value["claimant"], "claimant", scheme)
    return _read_document(fields, value, scheme)


def read_document_object(
    fields: LineFields, value: object, scheme: Scheme
) -> ImportedDocument | None:
    """One document given as a parsed JSON object (the JSON export's `documents[i]`)."""
    if not isinstance(value, dict):
        fields.fail(None, f"a document must be a JSON object, not {_json_kind(value)}")
        return None
    surrogate_path = find_lone_surrogate(value, "")
    if surrogate_path is not None:
        fields.fail(surrogate_path or None, "contains an unpaired surrogate escape")
        return None
    return _read_document(fields, value, scheme)


def _read_document(fields: LineFields, value: dict, scheme: Scheme) -> ImportedDocument | None:
    for name in value:
        if name not in DOCUMENT_FIELDS:
            fields.fail(name, f"unknown field; expected one of {', '.join(DOCUMENT_FIELDS)}")
    external_id = fields.take(read_external_id, value.get("id"))
    title = fields.take(read_required_string, value.get("title"), "title", MAX_TITLE_LENGTH)
    raw_text = fields.take(read_required_string, value.get("text"), "text")
    url = fields.take(read_url, value.get("url"))
    published = fields.take(read_published, value.get("published"))
    meta = value.get("meta")
    if meta is not None and not isinstance(meta, dict):
        fields.fail("meta", "must be a JSON object")
    annotations = _list_field(fields, value, "annotations")
    gold = _list_field(fields, value, "gold")
    if raw_text is None:
        return None
    text = normalise_text(value["text"])
    if (annotations or gold) and text != value["text"]:
        fields.fail("text", _not_normalised_message(value["text"], text))
        return None
    read = [
        _read_annotation(fields, item, f"{name}[{index}]", text, scheme)
        for name, items in (("annotations", annotations), ("gold", gold))
        for index, item in enumerate(items)
    ]
    if not fields.ok:
        return None
    return ImportedDocument(
        external_id=external_id or default_external_id(text),
        title=normalise_text(title).strip(),
        text=text,
        url=url,
        published=published,
        meta=meta or {},
        annotations=read[: len(annotations)],
        gold=read[len(annotations) :],
    )


def _list_field(fields: LineFields, value: dict, name: str) -> list:
    items = value.get(name)
    if items is None:
        return []
    if not isinstance(items, list):
        fields.fail(name, "must be a JSON list")
        return []
    return items


def _not_normalised_message(raw: str, normalised: str) -> str:
    first_difference = next(
        (i for i, (a, b) in enumerate(zip(raw, normalised, strict=False)) if a != b),
        min(len(raw), len(normalised)),
    )
    return (
        "the text is not normalised (Unicode NFC, \\n line breaks), so the annotation offsets "
        f"are ambiguous; first difference at character {first_difference}. Normalise the text "
        "and compute the offsets on the normalised text"
    )


def _read_annotation(
    fields: LineFields, item: object, where: str, text: str, scheme: Scheme
) -> ImportedAnnotation | None:
    is_gold = where.startswith("gold")
    if not isinstance(item, dict):
        fields.fail(where, f"must be a JSON object, not {_json_kind(item)}")
        return None
    allowed = GOLD_FIELDS if is_gold else ANNOTATION_FIELDS
    for name in item:
        if name == "annotator" and is_gold:
            fields.fail(f"{where}.annotator", "gold annotations have no annotator")
        elif name not in allowed:
            fields.fail(f"{where}.{name}", f"unknown field; expected one of {', '.join(allowed)}")
    annotator = None
    if not is_gold:
        field = f"{where}.annotator"
        annotator = fields.take(
            read_required_string, item.get("annotator"), field, MAX_ANNOTATOR_LENGTH
        )
    offsets = fields.take(_read_offsets, item, where, len(text))
    quote = fields.take(_read_quote, item, where, text, offsets)
    claimant = fields.take(
        read_required_string, item.get("claimant"), f"{where}.claimant", MAX_CLAIMANT_LENGTH
    )
    claimant_type = fields.take(_read_claimant_type, item, where, scheme)
    evidence_type = fields.take(_read_evidence_type, item, where, scheme)
    note = fields.take(read_optional_string, item.get("note"), f"{where}.note")
    provenance = item.get("provenance")
    if provenance is not None and provenance not in GOLD_PROVENANCES:
        fields.fail(f"{where}.provenance", f"must be one of {', '.join(GOLD_PROVENANCES)}")
    required = (offsets, quote, claimant, evidence_type, note)
    if any(value is None for value in required) or (annotator is None and not is_gold):
        return None
    return ImportedAnnotation(
        annotator=annotator,
        start=offsets[0],
        end=offsets[1],
        text=quote,
        claimant=normalise_text(claimant),
        claimant_type=claimant_type,
        evidence_type=evidence_type,
        note=note,
        provenance=provenance,
    )


def _read_offsets(item: dict, where: str, length: int) -> tuple[int, int]:
    for name in ("start", "end"):
        if item.get(name) is None:
            raise FieldProblem(f"{where}.{name}", "is required")
    try:
        check_offsets(length, item["start"], item["end"])
    except OffsetError as error:
        raise FieldProblem(f"{where}.{error.field}", error.message) from None
    return item["start"], item["end"]


def _read_quote(item: dict, where: str, text: str, offsets: tuple[int, int] | None) -> str:
    quote = item.get("text")
    if not isinstance(quote, str) or not quote:
        raise FieldProblem(f"{where}.text", "is required: the quoted span, text[start:end]")
    if offsets is not None and text[offsets[0] : offsets[1]] != quote:
        actual = text[offsets[0] : offsets[1]]
        raise FieldProblem(
            f"{where}.text",
            f"{_shorten(quote)} does not match the document text at {offsets[0]}..{offsets[1]}, "
            f"which is {_shorten(actual)} (offsets count Unicode code points)",
        )
    return quote


def _read_claimant_type(item: dict, where: str, scheme: Scheme) -> str | None:
    value = item.get("claimant_type")
    if value is None or value == "":
        return None
    if value not in scheme.claimant_type_keys:
        raise FieldProblem(
            f"{where}.claimant_type",
            f"{_shorten(value)} is not a claimant type of this project's scheme "
            f"(expected one of: {', '.join(scheme.claimant_type_keys)})",
        )
    return value


def _read_evidence_type(item: dict, where: str, scheme: Scheme) -> str:
    value = item.get("evidence_type")
    if value is None or value == "":
        raise FieldProblem(f"{where}.evidence_type", "is required")
    if value not in scheme.evidence_keys:
        raise FieldProblem(
            f"{where}.evidence_type",
            f"{_shorten(value)} is not an evidence type of this project's scheme "
            f"(expected one of: {', '.join(scheme.evidence_keys)})",
        )
    return value


def _shorten(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _json_kind(value: object) -> str:
    kinds = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return kinds.get(type(value), "a number")
