"""CSV export: one span per row, for spreadsheets and data frames.

Cells a spreadsheet would run as a formula are neutralised: a cell starting with `=`, `+`,
`-`, `@`, a tab or a carriage return gets a leading apostrophe (OWASP, "CSV Injection").
Only text cells are touched; offsets stay plain numbers. With `excel` the file starts with a
UTF-8 byte-order mark, without which Excel reads UTF-8 as a legacy code page.
"""

import re
from collections.abc import Iterable, Iterator

from app.formats.common import ExportContext, ImportedDocument

COLUMNS = ("document_id", "title", "layer", "annotator", "start", "end", "text", "claimant",
           "claimant_type", "affiliation", "evidence_type", "note", "provenance", "updated")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet shows rather than runs."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write_csv_spans(documents: Iterable[ImportedDocument], context: ExportContext) -> Iterator[str]:
    """The header, then one row per span (gold rows have layer 'gold'), one chunk a document.

    A large project has millions of rows, so each row is one f-string: the cells many rows
    share (a document's id and title; the layer and annotator; the claimant, its type and
    affiliation with the evidence type) are neutralised and written as CSV once and reused,
    and only the quoted text, the note and the time are written per row. `_cell` quotes
    exactly as the csv module does (tests compare the two on arbitrary text)."""
    yield (BYTE_ORDER_MARK if context.excel else "") + ",".join(COLUMNS) + "\r\n"
    shared: dict = {}  # (layer, annotator) and (claimant, type, affiliation, evidence, gold)
    for document in documents:
        head = f"{_cell(document.external_id)},{_cell(document.title)},"
        rows = []
        for layer, spans in (("annotator", document.annotations), ("gold", document.gold)):
            for span in spans:
                who = shared.get((layer, span.annotator))
                if who is None:
                    who = shared[(layer, span.annotator)] = \
                        f"{_cell(layer)},{_cell(span.annotator or '')},"
                key = (span.claimant, span.claimant_type, span.affiliation, span.evidence_type,
                       span.provenance)
                what = shared.get(key)
                if what is None:
                    what = shared[key] = (
                        f"{_cell(span.claimant)},{_cell(span.claimant_type or '')},"
                        f"{_cell(span.affiliation or '')},{_cell(span.evidence_type)},",
                        f",{_cell(span.provenance or '')},")
                text, note = span.text, span.note
                if text[:1] in _FORMULA_FIRST or _QUOTED.search(text):
                    text = _cell(text)
                if note and (note[:1] in _FORMULA_FIRST or _QUOTED.search(note)):
                    note = _cell(note)
                rows.append(f"{head}{who}{span.start},{span.end},{text},{what[0]}{note}"
                            f"{what[1]}{span.updated.isoformat() if span.updated else ''}\r\n")
        yield "".join(rows)


_FORMULA_FIRST = "".join(FORMULA_STARTS)  # `c in` this string: one test, no call
_QUOTED = re.compile('[",\r\n]')  # what makes the csv module quote a cell (QUOTE_MINIMAL)


def _cell(value: str) -> str:
    """One cell as csv.writer (excel dialect, QUOTE_MINIMAL) writes it, after neutralising."""
    value = neutralise(value)
    if _QUOTED.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value
