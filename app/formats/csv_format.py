"""CSV documents: one document per row, no annotations; read (imports) and written (the
`csv-documents` export).

The first row names the columns. `title` and `text` are required; `external_id`, `url` and
`published` are optional; any other column is kept, as text, in the document's `meta`. Column
names are matched ignoring case and surrounding spaces. Cells may hold quoted multi-line text.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from app.formats.common import (
    MAX_TITLE_LENGTH,
    ErrorList,
    ExportContext,
    ImportedDocument,
    LineFields,
    decode_utf8,
    default_external_id,
    duplicate_id_message,
    read_external_id,
    read_published,
    read_required_string,
    read_url,
    refuse,
)
from app.formats.csv_spans import BYTE_ORDER_MARK, FORMULA_STARTS, neutralise
from app.scheme import Scheme
from app.text import normalise_text

REQUIRED_COLUMNS = ("title", "text")
DOCUMENT_COLUMNS = ("external_id", "title", "text", "url", "published")
OPTIONAL_COLUMNS = ("external_id", "url", "published")


def read_csv(data: bytes, scheme: Scheme | None = None) -> list[ImportedDocument]:
    """Read a CSV file (UTF-8, optional byte-order mark); every document or none.

    `scheme` is accepted for a uniform reader signature; CSV carries no annotations.
    """
    rows = csv.reader(io.StringIO(decode_utf8(data), newline=""), strict=True)
    errors = ErrorList()
    header, header_line = _read_header(rows)
    columns = _check_header(header, header_line, errors)
    errors.raise_if_any()
    documents: list[ImportedDocument] = []
    line_of_id: dict[str, int] = {}
    while not errors.full:
        line = rows.line_num + 1  # where the next record starts; a record may span lines
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            errors.add(rows.line_num, None, f"not valid CSV: {error}")
            break
        if not any(cell.strip() for cell in row):
            continue
        fields = LineFields(errors, line)
        document = _read_row(fields, row, header, columns)
        if document is None:
            continue
        if document.external_id in line_of_id:
            fields.fail(
                "external_id", duplicate_id_message(document, line_of_id[document.external_id])
            )
            continue
        line_of_id[document.external_id] = line
        documents.append(document)
    if errors.full:
        errors.truncated = True
    errors.raise_if_any()
    if not documents:
        raise refuse(None, None, "the file has a header but no rows")
    return documents


def _read_header(rows) -> tuple[list[str], int]:
    """The first non-blank row and the line it starts on."""
    try:
        start = 1
        for row in rows:
            if any(cell.strip() for cell in row):
                return row, start
            start = rows.line_num + 1
    except csv.Error as error:
        raise refuse(rows.line_num, None, f"not valid CSV: {error}") from None
    raise refuse(None, None, "the file is empty: expected a header row, then one row a document")


def _check_header(header: list[str], line: int, errors: ErrorList) -> dict[str, int]:
    """Map each column name (known names lower-cased) to its position, recording problems."""
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = cell.strip()
        if name.lower() in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            name = name.lower()
        if not name:
            errors.add(line, f"column {position + 1}", "the header cell is empty")
        elif name in columns:
            errors.add(line, name, f"column {name!r} appears twice in the header")
        else:
            columns[name] = position
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            message = f"the header has no {name!r} column (columns: {', '.join(header)})"
            errors.add(line, name, message)
    return columns


def _read_row(
    fields: LineFields, row: list[str], header: list[str], columns: dict[str, int]
) -> ImportedDocument | None:
    if len(row) != len(header):
        fields.fail(None, f"the row has {len(row)} cells but the header has {len(header)}")
        return None

    def cell(name: str) -> str | None:
        return restore_cell(row[columns[name]]) if name in columns else None

    external_id = fields.take(read_external_id, cell("external_id"), "external_id")
    title = fields.take(read_required_string, cell("title"), "title", MAX_TITLE_LENGTH)
    raw_text = fields.take(read_required_string, cell("text"), "text")
    url = fields.take(read_url, cell("url"))
    published = fields.take(read_published, cell("published"))
    if not fields.ok or raw_text is None:
        return None
    text = normalise_text(cell("text"))
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    meta = {name: restore_cell(row[position]) for name, position in columns.items()
            if name not in known}
    return ImportedDocument(
        external_id=external_id or default_external_id(text),
        title=normalise_text(title).strip(),
        text=text,
        url=url,
        published=published,
        meta={name: value for name, value in meta.items() if value.strip()},
    )


def restore_cell(value: str) -> str:
    """A cell as written before formula neutralisation (csv_spans.neutralise): the apostrophe
    our CSV files put before `=`, `+`, `-`, `@`, tab or CR is dropped, so they read back
    exactly."""
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_STARTS else value


def write_csv_documents(documents: Iterable[ImportedDocument],
                        context: ExportContext) -> Iterator[str]:
    """The documents alone, one a row, in the columns read_csv reads (annotations are left
    out: use jsonl for those). Cells are neutralised as in the span CSV, and read back."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(DOCUMENT_COLUMNS)
    yield (BYTE_ORDER_MARK if context.excel else "") + _take(buffer)
    for document in documents:
        published = document.published.isoformat() if document.published else ""
        writer.writerow([neutralise(cell) for cell in (
            document.external_id, document.title, document.text, document.url, published)])
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    chunk = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return chunk
