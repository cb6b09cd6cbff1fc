"""Every export format: its file extension, media type and writer. Pure.

A writer takes the documents (an iterable, consumed once, in order) and an ExportContext and
returns an iterator of chunks (str or bytes), so an export streams however large it is.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from app.formats.agreement_files import write_agreement_csv, write_agreement_json
from app.formats.brat import write_brat
from app.formats.common import ExportContext, ImportedDocument
from app.formats.conll import write_conll
from app.formats.csv_format import write_csv_documents
from app.formats.csv_spans import write_csv_spans
from app.formats.json_format import write_json_export
from app.formats.jsonl import write_jsonl
from app.formats.labelstudio import write_labelstudio
from app.formats.w3c import write_w3c
from app.formats.xmi import write_xmi

Writer = Callable[[Iterable[ImportedDocument], ExportContext], Iterator[str | bytes]]


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str  # shown on the download page
    extension: str
    media_type: str
    write: Writer
    writes_times: bool = False  # whether it writes when each span last changed
    agreement: bool = False  # the agreement report, not the documents


def _jsonl(documents: Iterable[ImportedDocument], context: ExportContext) -> Iterator[str]:
    return write_jsonl(documents, context.claimants)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    spec.key: spec for spec in (
        ExportFormat("jsonl", "JSONL: Credence interchange (documents, spans, gold, registry)",
                     "jsonl", "application/x-ndjson; charset=utf-8", _jsonl),
        ExportFormat("csv", "CSV: one span per row", "csv", "text/csv; charset=utf-8",
                     write_csv_spans, writes_times=True),
        ExportFormat("csv-documents", "CSV documents (one a row, no spans; reads back as an "
                     "import)", "csv", "text/csv; charset=utf-8", write_csv_documents),
        ExportFormat("json", "JSON: project, scheme, registry, documents, gold, agreement",
                     "json", "application/json; charset=utf-8", write_json_export),
        ExportFormat("brat", "brat standoff (.zip of .txt + .ann per annotator and gold)",
                     "zip", "application/zip", write_brat),
        ExportFormat("w3c", "W3C Web Annotation (JSON-LD AnnotationCollection)", "jsonld",
                     "application/ld+json; charset=utf-8", write_w3c, writes_times=True),
        ExportFormat("xmi", "UIMA CAS XMI for INCEpTION (.zip with its type system)", "zip",
                     "application/zip", write_xmi),
        ExportFormat("labelstudio", "Label Studio tasks (JSON)", "json",
                     "application/json; charset=utf-8", write_labelstudio),
        ExportFormat("conll", "CoNLL BIO tags of the evidence type (per annotator and gold)",
                     "conll", "text/plain; charset=utf-8", write_conll),
        ExportFormat("agreement-json", "Agreement report (JSON)", "json",
                     "application/json; charset=utf-8", write_agreement_json, agreement=True),
        ExportFormat("agreement-csv", "Agreement report (CSV, one figure per row)", "csv",
                     "text/csv; charset=utf-8", write_agreement_csv, agreement=True),
    )
}
