"""Reading a brat zip (the layout app.formats.brat writes): folders of .txt + .ann files.

A folder named `gold` is the gold layer; any other folder is the annotator of that username.
Every text-bound annotation needs an evidence type of the scheme, offsets inside the text whose
text is what the line quotes, and a claimant (the AnnotatorNotes line). Relations, events and
other annotation kinds are refused rather than silently dropped. All or nothing.
"""

import json
import re

from app.formats.brat import (
    ANNOTATORS_FILE,
    INDEX_FILE,
    NOTE_SEPARATOR,
    annotator_of,
    read_renamed,
)
from app.formats.common import (
    MAX_ERRORS,
    FormatError,
    ImportedAnnotation,
    ImportedBatch,
    ImportedDocument,
    ImportRefused,
)
from app.formats.zips import read_zip
from app.scheme import Scheme
from app.text import normalise_text

_TEXT_BOUND = re.compile(r"T\S*\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)")
_ATTRIBUTE = re.compile(r"[AM]\S*\t(\S+) (T\S+)(?: (\S+))?")
_NOTE = re.compile(r"#\S*\tAnnotatorNotes (T\S+)\t(.*)")


def read_brat_zip(data: bytes, scheme: Scheme, filename: str = "brat.zip") -> ImportedBatch:
    members = read_zip(data, filename)
    errors: list[FormatError] = []
    documents: dict[str, ImportedDocument] = {}
    renamed = read_renamed(members.get(ANNOTATORS_FILE))
    for path in sorted(members):
        if not path.endswith(".ann") or path.rsplit("/", 1)[-1].startswith("."):
            continue
        where = f"{filename}:{path}"
        parts = path.split("/")
        if len(parts) != 2:
            errors.append(FormatError(None, None, "put each annotator's .txt and .ann files "
                                      "in a folder named after them (or 'gold')", file=where))
            continue
        folder, stem = parts[0], parts[1][: -len(".ann")]
        text_path = f"{folder}/{stem}.txt"
        if text_path not in members:
            errors.append(FormatError(None, None, f"no {text_path} beside it", file=where))
            continue
        try:
            text = members[text_path].decode("utf-8-sig")
            ann = members[path].decode("utf-8-sig")
        except UnicodeDecodeError:
            errors.append(FormatError(None, None, "not UTF-8", file=where))
            continue
        if normalise_text(text) != text:
            errors.append(FormatError(None, "text", f"{text_path} is not normalised (NFC, \\n "
                                      "line ends), so its offsets are ambiguous", file=where))
            continue
        document = documents.setdefault(stem, _document(stem, text))
        if document.text != text:
            errors.append(FormatError(None, "text", f"{text_path} differs from the same "
                                      "document in another folder", file=where))
            continue
        annotator = annotator_of(folder, renamed)
        spans = _read_ann(ann, text, annotator, scheme, where, errors)
        (document.gold if annotator is None else document.annotations).extend(spans)
        if len(errors) >= MAX_ERRORS:
            break
    _restore_ids(members.get(INDEX_FILE), documents)
    if not documents and not errors:
        errors.append(FormatError(None, None, "the zip holds no .ann files", file=filename))
    if errors:
        raise ImportRefused(errors[:MAX_ERRORS], truncated=len(errors) > MAX_ERRORS)
    return ImportedBatch(list(documents.values()))


def _restore_ids(index: bytes | None, documents: dict[str, ImportedDocument]) -> None:
    """Ids, titles and addresses from documents.json, where the zip has one (ours do)."""
    try:
        entries = json.loads(index) if index else {}
    except ValueError:
        entries = {}
    if not isinstance(entries, dict):
        return
    for stem, document in documents.items():
        entry = entries.get(stem)
        if isinstance(entry, dict):
            document.external_id = str(entry.get("id") or stem)[:200]
            document.title = str(entry.get("title") or document.title)[:500]
            url = entry.get("url")
            document.url = url if isinstance(url, str) and url.startswith(
                ("http://", "https://")) else ""


def _document(stem: str, text: str) -> ImportedDocument:
    title = next((line.strip() for line in text.splitlines() if line.strip()), stem)
    return ImportedDocument(external_id=stem, title=title[:500], text=text)


def _read_ann(ann: str, text: str, annotator: str | None, scheme: Scheme, where: str,
              errors: list[FormatError]) -> list[ImportedAnnotation]:
    spans: dict[str, ImportedAnnotation] = {}
    notes: dict[str, str] = {}
    types: dict[str, str] = {}
    for number, line in enumerate(ann.split("\n"), start=1):
        if not line.strip():
            continue
        def fail(field, message, number=number):
            errors.append(FormatError(number, field, message, file=where))
        if line.startswith("T"):
            span = _text_bound(line, text, annotator, scheme, fail)
            if span is not None:
                spans[line.split("\t", 1)[0]] = span
        elif (match := _NOTE.fullmatch(line)) is not None:
            notes[match.group(1)] = match.group(2)
        elif (match := _ATTRIBUTE.fullmatch(line)) is not None and match.group(1) == "ClaimantType":
            if match.group(3) not in scheme.claimant_type_keys:
                fail("ClaimantType", f"{match.group(3)!r} is not a claimant type of the scheme")
            types[match.group(2)] = match.group(3)
        else:
            fail(None, f"only text-bound annotations, ClaimantType and AnnotatorNotes are "
                 f"imported; this line is {line[:40]!r}")
    for key, span in spans.items():
        note = notes.get(key)
        if not note or not note.split(NOTE_SEPARATOR)[0].strip():
            errors.append(FormatError(None, key, "no claimant: add an AnnotatorNotes line "
                                      "naming the claimant", file=where))
            continue
        claimant, _, remark = note.partition(NOTE_SEPARATOR)
        span.claimant, span.note = normalise_text(claimant.strip()), remark
        span.claimant_type = types.get(key)
    return list(spans.values())


def _text_bound(line, text, annotator, scheme, fail) -> ImportedAnnotation | None:
    match = _TEXT_BOUND.fullmatch(line)
    if match is None:
        fail(None, "not a text-bound annotation (T<n>, TAB, type start end, TAB, text)")
        return None
    label, where, quoted = match.groups()
    if label not in scheme.evidence_keys:
        fail("type", f"{label!r} is not an evidence type of the scheme (expected one of: "
             f"{', '.join(scheme.evidence_keys)})")
        return None
    fragments = [tuple(map(int, piece.split())) for piece in where.split(";")]
    if any(not 0 <= start < end <= len(text) for start, end in fragments):
        fail("offsets", f"{where} is outside the text ({len(text)} characters)")
        return None
    shown = " ".join(text[start:end] for start, end in fragments)
    if shown != quoted:
        fail("text", f"{quoted[:40]!r} is not the text at {where}, which is {shown[:40]!r} "
             "(offsets count Unicode code points)")
        return None
    start, end = fragments[0][0], fragments[-1][1]
    return ImportedAnnotation(annotator=annotator, start=start, end=end, text=text[start:end],
                              claimant="", claimant_type=None, evidence_type=label)
