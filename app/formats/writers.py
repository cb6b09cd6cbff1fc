"""Every export format: its file extension, media type and writer. Pure.

A writer takes the documents (an iterable, consumed once, in order) and an ExportContext and
returns an iterator of chunks (str or bytes), so an export streams however large it is.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from app.formats.common import ExportContext, ImportedDocument
from app.formats.csv_spans import write_csv_spans
from app.formats.jsonl import write_jsonl

Writer = Callable[[Iterable[ImportedDocument], ExportContext], Iterator[str | bytes]]


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str  # shown on the download page
    extension: str
    media_type: str
    write: Writer


def _jsonl(documents: Iterable[ImportedDocument], context: ExportContext) -> Iterator[str]:
    return write_jsonl(documents, context.claimants)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    spec.key: spec for spec in (
        ExportFormat("jsonl", "JSONL: Credence interchange (documents, spans, gold, registry)",
                     "jsonl", "application/x-ndjson; charset=utf-8", _jsonl),
        ExportFormat("csv", "CSV: one span per row", "csv", "text/csv; charset=utf-8",
                     write_csv_spans),
    )
}
