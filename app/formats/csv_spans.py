"""CSV export: one span per row, for spreadsheets and data frames.

Cells a spreadsheet would run as a formula are neutralised: a cell starting with `=`, `+`,
`-`, `@`, a tab or a carriage return gets a leading apostrophe (OWASP, "CSV Injection").
Only text cells are touched; offsets stay plain numbers. With `excel` the file starts with a
UTF-8 byte-order mark, without which Excel reads UTF-8 as a legacy code page.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from app.formats.common import ExportContext, ImportedAnnotation, ImportedDocument

COLUMNS = ("document_id", "title", "layer", "annotator", "start", "end", "text", "claimant",
           "claimant_type", "affiliation", "evidence_type", "note", "provenance", "updated")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet shows rather than runs."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write_csv_spans(documents: Iterable[ImportedDocument], context: ExportContext) -> Iterator[str]:
    """The header, then one row per span (gold rows have layer 'gold'), one chunk a document."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(COLUMNS)
    yield (BYTE_ORDER_MARK if context.excel else "") + _take(buffer)
    for document in documents:
        for layer, spans in (("annotator", document.annotations), ("gold", document.gold)):
            for span in spans:
                writer.writerow(_row(document, layer, span))
        yield _take(buffer)


def _row(document: ImportedDocument, layer: str, span: ImportedAnnotation) -> list:
    texts = [document.external_id, document.title, layer, span.annotator or "",
             span.text, span.claimant, span.claimant_type or "", span.affiliation or "",
             span.evidence_type, span.note, span.provenance or "",
             span.updated.isoformat() if span.updated else ""]
    texts = [neutralise(cell) for cell in texts]
    return [*texts[:4], span.start, span.end, *texts[4:]]


def _take(buffer: io.StringIO) -> str:
    chunk = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return chunk
