"""The agreement report (docs/agreement.md) as a file: JSON as the API gives it, or CSV with
one figure per row (`measure` is the figure's path in the JSON, `value` the figure), which a
spreadsheet filters and pivots. Documents are not read: the report comes in the context."""

import csv
import io
import json
from collections.abc import Iterable, Iterator

from app.formats.common import ExportContext, ImportedDocument
from app.formats.csv_spans import BYTE_ORDER_MARK, neutralise

_NAME_KEYS = ("annotator", "pair", "evidence_type", "key", "document", "external_id", "name")


def write_agreement_json(documents: Iterable[ImportedDocument],
                         context: ExportContext) -> Iterator[str]:
    yield json.dumps(context.extra.get("agreement"), ensure_ascii=False, indent=1) + "\n"


def write_agreement_csv(documents: Iterable[ImportedDocument],
                        context: ExportContext) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("measure", "value"))
    for path, value in flatten(context.extra.get("agreement") or {}, ""):
        writer.writerow((neutralise(path), "" if value is None else
                         neutralise(value) if isinstance(value, str) else value))
    yield (BYTE_ORDER_MARK if context.excel else "") + buffer.getvalue()


def flatten(value, path: str) -> Iterator[tuple[str, object]]:
    """(dotted path, leaf) for every number, string, true/false or null in `value`; list
    items are named by their own name field when they have one, else by position."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            name = next((str(item[k]) for k in _NAME_KEYS
                         if isinstance(item, dict) and isinstance(item.get(k), str)), None)
            yield from flatten(item, f"{path}[{name if name is not None else index}]")
    else:
        yield path, value
