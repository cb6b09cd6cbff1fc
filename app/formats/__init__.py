"""Readers and writers for importing and exporting documents. Pure: no Flask, no database.

Every reader is all-or-nothing: it returns all documents of a file or raises ImportRefused
whose `errors` name the line and field of each problem. Formats are described in docs/formats.md.
"""

from app.formats.common import FormatError, ImportedAnnotation, ImportedDocument, ImportRefused
from app.formats.csv_format import read_csv
from app.formats.dispatch import SUPPORTED_EXTENSIONS, read_any
from app.formats.jsonl import read_jsonl, write_jsonl
from app.formats.txt import read_txt

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "FormatError",
    "ImportRefused",
    "ImportedAnnotation",
    "ImportedDocument",
    "read_any",
    "read_csv",
    "read_jsonl",
    "read_txt",
    "write_jsonl",
]
