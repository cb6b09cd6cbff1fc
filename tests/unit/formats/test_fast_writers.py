"""The JSONL and span-CSV writers build their rows as strings (for speed on millions of spans);
they must write byte for byte what the standard library's encoders write: json.dumps of the
document's dict, and csv.writer with every text cell neutralised. Checked on arbitrary text
(quotes, commas, line breaks, formula starts, astral characters, control characters)."""

import csv
import datetime as dt
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from app.formats.common import ExportContext, ImportedAnnotation, ImportedDocument
from app.formats.csv_spans import BYTE_ORDER_MARK, COLUMNS, neutralise, write_csv_spans
from app.formats.jsonl import read_jsonl_batch
from app.formats.jsonl_write import document_to_dict, write_jsonl

from .exports import SCHEME, documents

# Characters that matter to CSV and JSON, plus any other text (no surrogates: not text).
SPECIAL = st.sampled_from(['"', ",", "\r", "\n", "\t", "=", "+", "-", "@", "'", "\\", " ",
                           "\u2028", "\u202e", "\u200b", "\x01", "\x7f", "😀", "é"])
TEXT = st.lists(st.one_of(SPECIAL, st.characters(exclude_categories=("Cs",))),
                max_size=12).map("".join)
NAME = TEXT.filter(bool)


@st.composite
def annotation(draw, gold: bool):
    return ImportedAnnotation(
        None if gold else draw(NAME), draw(st.integers(0, 10**6)), draw(st.integers(0, 10**6)),
        draw(NAME), draw(NAME), draw(st.none() | NAME), draw(NAME), draw(TEXT),
        draw(st.none() | st.sampled_from(["majority", "=cmd"])) if gold else None,
        draw(st.none() | NAME),
        draw(st.none() | st.datetimes(timezones=st.none() | st.just(dt.UTC))))


@st.composite
def document(draw):
    return ImportedDocument(
        external_id=draw(NAME), title=draw(TEXT), text=draw(TEXT), url=draw(TEXT),
        published=draw(st.none() | st.dates()),
        meta=draw(st.dictionaries(NAME, TEXT, max_size=2)),
        annotations=draw(st.lists(annotation(False), max_size=4)),
        gold=draw(st.lists(annotation(True), max_size=3)))


def reference_csv(docs, excel: bool) -> str:
    """The span CSV as csv.writer writes it, every text cell neutralised (the definition)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for doc in docs:
        for layer, spans in (("annotator", doc.annotations), ("gold", doc.gold)):
            for span in spans:
                texts = [doc.external_id, doc.title, layer, span.annotator or "", span.text,
                         span.claimant, span.claimant_type or "", span.affiliation or "",
                         span.evidence_type, span.note, span.provenance or "",
                         span.updated.isoformat() if span.updated else ""]
                texts = [neutralise(cell) for cell in texts]
                writer.writerow([*texts[:4], span.start, span.end, *texts[4:]])
    return (BYTE_ORDER_MARK if excel else "") + buffer.getvalue()


@settings(max_examples=150, deadline=None)
@given(st.lists(document(), max_size=3), st.booleans())
def test_span_csv_is_what_csv_writer_writes(docs, excel):
    written = "".join(write_csv_spans(docs, ExportContext(project="p", excel=excel)))
    assert written == reference_csv(docs, excel)


@settings(max_examples=150, deadline=None)
@given(st.lists(document(), max_size=3))
def test_jsonl_lines_are_what_json_dumps_writes(docs):
    written = "".join(write_jsonl(docs))
    expected = "".join(json.dumps(document_to_dict(d), ensure_ascii=False) + "\n"
                       for d in docs)
    assert written == expected


def test_the_hard_article_reads_back_from_the_fast_writer():
    data = "".join(write_jsonl(documents())).encode()
    assert read_jsonl_batch(data, SCHEME).documents == documents()
