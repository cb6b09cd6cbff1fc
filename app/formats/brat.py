"""brat standoff (https://brat.nlplab.org/standoff.html), as a zip of folders.

One folder per annotator and one named `gold`, each holding `<document id>.txt` (the text as
stored) and `<document id>.ann`; `annotation.conf` and `visual.conf` at the top and in every
folder (brat reads the nearest). Each span is a text-bound annotation `T<n>` whose type is
its evidence type; the claimant type is the attribute `ClaimantType`; the claimant and the
note are the span's annotator note (`#<n> AnnotatorNotes T<n> claimant | note: …`), which
brat shows on hover. brat counts offsets in code points of the .txt, as we do; a span that
crosses a line break is written as fragments (`0 5;6 12`), since brat's text-bound spans may
not contain a newline. `documents.json` maps each file name to the document's id, title
and address, which file names cannot always hold; `annotators.json` maps a folder to its
annotator's username where the two differ (a username that is no safe file name, that two
usernames would share, or `gold`).
"""

import json
import re
from collections.abc import Iterable, Iterator

from app.formats.common import (
    MAX_ANNOTATOR_LENGTH,
    ExportContext,
    ImportedAnnotation,
    ImportedDocument,
)
from app.formats.zips import StreamingZip

NOTE_SEPARATOR = " | note: "
INDEX_FILE = "documents.json"
ANNOTATORS_FILE = "annotators.json"
GOLD_FOLDER = "gold"
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
# Every character str.splitlines() breaks on: a reader splitting lines on any of them must
# find no line a note, a name or a label did not mean to start.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def file_stem(external_id: str) -> str:
    """A document id as a file name: no folders, no leading dot."""
    return _UNSAFE_NAME.sub("_", external_id).lstrip(".") or "document"


class LayerFolders:
    """The folder of each layer: `gold`, and one per annotator named after them, made a safe
    file name and never shared (two usernames that make the same name, or an annotator named
    `gold`, get `-2`, `-3`...); `renamed` lists folders whose name is not the username."""

    def __init__(self) -> None:
        self.used = {GOLD_FOLDER}
        self.folders: dict[str, str] = {}
        self.renamed: dict[str, str] = {}

    def folder(self, annotator: str | None) -> str:
        if annotator is None:
            return GOLD_FOLDER
        if annotator not in self.folders:
            folder = _unique(file_stem(annotator), self.used)
            self.folders[annotator] = folder
            if folder != annotator:
                self.renamed[folder] = annotator
        return self.folders[annotator]

    def index(self) -> str:
        return json.dumps(self.renamed, ensure_ascii=False, indent=1, sort_keys=True)


def annotator_of(folder: str, renamed: dict) -> str | None:
    """The username a folder holds (None for gold), as LayerFolders wrote it."""
    if folder == GOLD_FOLDER:
        return None
    name = renamed.get(folder)
    usable = isinstance(name, str) and name.strip() and len(name) <= MAX_ANNOTATOR_LENGTH
    return name if usable else folder


def read_renamed(index: bytes | None) -> dict:
    try:
        renamed = json.loads(index) if index else {}
    except ValueError:
        return {}
    return renamed if isinstance(renamed, dict) else {}


def write_brat(documents: Iterable[ImportedDocument], context: ExportContext) -> Iterator[bytes]:
    archive = StreamingZip()
    configs = {"annotation.conf": annotation_conf(context), "visual.conf": visual_conf(context)}
    for name, content in configs.items():
        archive.add(name, content)
    folders: set[str] = set()
    layer_folders = LayerFolders()
    stems: set[str] = set()
    index: dict[str, dict] = {}
    for document in documents:
        stem = _unique(file_stem(document.external_id), stems)
        index[stem] = {"id": document.external_id, "title": document.title,
                       "url": document.url}
        layers: dict[str, list[ImportedAnnotation]] = {}
        for span in document.annotations:
            layers.setdefault(layer_folders.folder(span.annotator or "annotator"), []
                              ).append(span)
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
    archive.add(ANNOTATORS_FILE, layer_folders.index())
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
        shown = _LINE_BREAKS.sub(" ", " ".join(text[start:end] for start, end in fragments))
        lines.append(f"T{number}\t{span.evidence_type} {where}\t{shown}")
        if span.claimant_type:
            lines.append(f"A{number}\tClaimantType T{number} {span.claimant_type}")
        note = _one_line(span.claimant)
        if span.note:
            note += NOTE_SEPARATOR + _one_line(span.note)
        lines.append(f"#{number}\tAnnotatorNotes T{number}\t{note}")
    return "".join(line + "\n" for line in lines)


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) split around line breaks (every one str.splitlines() knows, so each .ann
    line stays one line for any reader), keeping non-empty pieces."""
    pieces, piece_start = [], start
    for found in _LINE_BREAKS.finditer(text, start, end):
        index = found.start()
        if index > piece_start:
            pieces.append((piece_start, index))
        piece_start = index + 1
    if end > piece_start:
        pieces.append((piece_start, end))
    return pieces or [(start, end)]


def _one_line(value: str) -> str:
    return _LINE_BREAKS.sub(" ", value).replace("\t", " ")


def annotation_conf(context: ExportContext) -> str:
    evidence = context.scheme.evidence_keys if context.scheme else ()
    claimant_types = context.scheme.claimant_type_keys if context.scheme else ()
    return ("[entities]\n" + "".join(f"{key}\n" for key in evidence) +
            "\n[relations]\n\n[events]\n\n[attributes]\n"
            f"ClaimantType\tArg:<ENTITY>, Value:{'|'.join(claimant_types)}\n")


def visual_conf(context: ExportContext) -> str:
    types = context.scheme.evidence_types if context.scheme else ()
    return ("[labels]\n" + "".join(f"{e.key} | {_one_line(e.name)}\n" for e in types) +
            "\n[drawing]\n" + "".join(f"{e.key}\tbgColor:{e.colour}\n" for e in types))
