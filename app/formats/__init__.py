"""Readers and writers for importing and exporting documents. Pure: no Flask, no database.

Every reader is all-or-nothing: it returns all documents of a file or raises ImportRefused
whose `errors` name the line and field of each problem. Formats are described in docs/formats.md.
"""

from app.formats.common import (
    FormatError,
    ImportedAnnotation,
    ImportedBatch,
    ImportedDocument,
    ImportRefused,
    RegistryClaimant,
)
from app.formats.csv_format import read_csv
from app.formats.dispatch import SUPPORTED_EXTENSIONS, read_any, read_batch
from app.formats.jsonl import read_jsonl, read_jsonl_batch, write_jsonl
from app.formats.txt import read_txt

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "FormatError",
    "ImportRefused",
    "ImportedAnnotation",
    "ImportedBatch",
    "ImportedDocument",
    "RegistryClaimant",
    "read_any",
    "read_batch",
    "read_csv",
    "read_jsonl",
    "read_jsonl_batch",
    "read_txt",
    "write_jsonl",
]
