"""Choose a reader by file extension."""

import pathlib

from app.formats.common import FormatError, ImportedBatch, ImportedDocument, ImportRefused
from app.formats.csv_format import read_csv
from app.formats.jsonl import read_jsonl_batch
from app.formats.txt import read_txt
from app.scheme import Scheme

SUPPORTED_EXTENSIONS = (".jsonl", ".ndjson", ".csv", ".txt")


def read_any(filename: str, data: bytes, scheme: Scheme) -> list[ImportedDocument]:
    """The documents of `data`, read as its extension names; every error names the file."""
    return read_batch(filename, data, scheme).documents


def read_batch(filename: str, data: bytes, scheme: Scheme) -> ImportedBatch:
    """Documents and claimant registry of `data`, read as its extension names."""
    extension = pathlib.PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    try:
        if extension in (".jsonl", ".ndjson"):
            return read_jsonl_batch(data, scheme)
        if extension == ".csv":
            return ImportedBatch(read_csv(data, scheme))
        if extension == ".txt":
            return ImportedBatch([read_txt(data, filename)])
    except ImportRefused as refused:
        for error in refused.errors:
            error.file = filename
        raise ImportRefused(refused.errors, refused.truncated) from None
    expected = ", ".join(SUPPORTED_EXTENSIONS)
    message = f"unsupported file type {extension or '(no extension)'!r}: expected {expected}"
    raise ImportRefused([FormatError(None, None, message, file=filename)])
