"""brat standoff (https://brat.nlplab.org/standoff.html), as a zip of folders.

One folder per annotator and one named `gold`, each holding `<document id>.txt` (the text as
stored) and `<document id>.ann`; `annotation.conf` and `visual.conf` at the top and in every
folder (brat reads the nearest). Each span is a text-bound annotation `T<n>` whose type is
its evidence type; the claimant type is the attribute `ClaimantType`; the claimant and the
note are the span's annotator note (`#<n> AnnotatorNotes T<n> claimant | note: …`), which
brat shows on hover. brat counts offsets in code points of the .txt, as we do; a span that
crosses a line break is written as fragments (`0 5;6 12`), since brat's text-bound spans may
not contain a newline. `documents.json` maps each file name to the document's id, title
and address, which file names cannot always hold.
"""

import json
import re
from collections.abc import Iterable, Iterator

from app.formats.common import ExportContext, ImportedAnnotation, ImportedDocument
from app.formats.zips import StreamingZip

NOTE_SEPARATOR = " | note: "
INDEX_FILE = "documents.json"
GOLD_FOLDER = "gold"
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


def file_stem(external_id: str) -> str:
    """A document id as a file name: no folders, no leading dot."""
    return _UNSAFE_NAME.sub("_", external_id).lstrip(".") or "document"


def write_brat(documents: Iterable[ImportedDocument], context: ExportContext) -> Iterator[bytes]:
    archive = StreamingZip()
    configs = {"annotation.conf": annotation_conf(context), "visual.conf": visual_conf(context)}
    for name, content in configs.items():
        archive.add(name, content)
    folders: set[str] = set()
    stems: set[str] = set()
    index: dict[str, dict] = {}
    for document in documents:
        stem = _unique(file_stem(document.external_id), stems)
        index[stem] = {"id": document.external_id, "title": document.title,
                       "url": document.url}
        layers: dict[str, list[ImportedAnnotation]] = {}
        for span in document.annotations:
            layers.setdefault(file_stem(span.annotator or "annotator"), []).append(span)
        if document.gold:
            layers[GOLD_FOLDER] = document.gold
        for folder, spans in layers.items():
            if folder not in folders:
                folders.add(folder)
                for name, content in configs.items():
                    archive.add(f"{folder}/{name}", content)
            archive.add(f"{folder}/{stem}.txt", document.text)
            archive.add(f"{folder}/{stem}.ann", ann_text(document.text, spans))
        yield archive.take()
    # File names cannot hold every id (`a/b`); this restores ids and titles on import.
    archive.add(INDEX_FILE, json.dumps(index, ensure_ascii=False, indent=1))
    yield archive.close()


def _unique(stem: str, used: set[str]) -> str:
    """Two ids that make the same file name (`a/b`, `a_b`) get `-2`, `-3`...: never overwrite."""
    candidate, number = stem, 1
    while candidate.casefold() in used:
        number += 1
        candidate = f"{stem}-{number}"
    used.add(candidate.casefold())
    return candidate


def ann_text(text: str, spans: list[ImportedAnnotation]) -> str:
    lines = []
    for number, span in enumerate(spans, start=1):
        fragments = _fragments(text, span.start, span.end)
        where = ";".join(f"{start} {end}" for start, end in fragments)
        shown = " ".join(text[start:end] for start, end in fragments)
        lines.append(f"T{number}\t{span.evidence_type} {where}\t{shown}")
        if span.claimant_type:
            lines.append(f"A{number}\tClaimantType T{number} {span.claimant_type}")
        note = _one_line(span.claimant)
        if span.note:
            note += NOTE_SEPARATOR + _one_line(span.note)
        lines.append(f"#{number}\tAnnotatorNotes T{number}\t{note}")
    return "".join(line + "\n" for line in lines)


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) split around line breaks, keeping non-empty pieces."""
    pieces, piece_start = [], start
    for index in range(start, end):
        if text[index] == "\n":
            if index > piece_start:
                pieces.append((piece_start, index))
            piece_start = index + 1
    if end > piece_start:
        pieces.append((piece_start, end))
    return pieces or [(start, end)]


def _one_line(value: str) -> str:
    return " ".join(value.split("\n")).replace("\t", " ")


def annotation_conf(context: ExportContext) -> str:
    evidence = context.scheme.evidence_keys if context.scheme else ()
    claimant_types = context.scheme.claimant_type_keys if context.scheme else ()
    return ("[entities]\n" + "".join(f"{key}\n" for key in evidence) +
            "\n[relations]\n\n[events]\n\n[attributes]\n"
            f"ClaimantType\tArg:<ENTITY>, Value:{'|'.join(claimant_types)}\n")


def visual_conf(context: ExportContext) -> str:
    types = context.scheme.evidence_types if context.scheme else ()
    return ("[labels]\n" + "".join(f"{e.key} | {e.name}\n" for e in types) +
            "\n[drawing]\n" + "".join(f"{e.key}\tbgColor:{e.colour}\n" for e in types))
