"""Choose a reader by file extension."""

import pathlib

from app.formats.common import FormatError, ImportedDocument, ImportRefused
from app.formats.csv_format import read_csv
from app.formats.jsonl import read_jsonl
from app.formats.txt import read_txt
from app.scheme import Scheme

SUPPORTED_EXTENSIONS = (".jsonl", ".ndjson", ".csv", ".txt")


def read_any(filename: str, data: bytes, scheme: Scheme) -> list[ImportedDocument]:
    """Read `data` with the reader its extension names; every error names the file."""
    extension = pathlib.PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    try:
        if extension in (".jsonl", ".ndjson"):
            return read_jsonl(data, scheme)
        if extension == ".csv":
            return read_csv(data, scheme)
        if extension == ".txt":
            return [read_txt(data, filename)]
    except ImportRefused as refused:
        for error in refused.errors:
            error.file = filename
        raise ImportRefused(refused.errors, refused.truncated) from None
    expected = ", ".join(SUPPORTED_EXTENSIONS)
    message = f"unsupported file type {extension or '(no extension)'!r}: expected {expected}"
    raise ImportRefused([FormatError(None, None, message, file=filename)])
