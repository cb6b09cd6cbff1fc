"""Choose a reader by file extension."""

import pathlib
from collections.abc import Iterator

from app.formats.brat_read import read_brat_zip
from app.formats.common import (
    FormatError,
    ImportedBatch,
    ImportedDocument,
    ImportRefused,
    RegistryClaimant,
)
from app.formats.csv_format import read_csv
from app.formats.doccano import looks_like_doccano, read_doccano
from app.formats.json_format import read_json_export
from app.formats.jsonl import iter_jsonl, read_jsonl_batch
from app.formats.labelstudio import read_labelstudio
from app.formats.txt import read_txt
from app.formats.w3c import read_w3c_batch
from app.formats.xmi import read_xmi_zip
from app.scheme import Scheme

SUPPORTED_EXTENSIONS = (".jsonl", ".ndjson", ".csv", ".txt", ".json", ".jsonld", ".zip")


def read_any(filename: str, data: bytes, scheme: Scheme) -> list[ImportedDocument]:
    """The documents of `data`, read as its extension names; every error names the file."""
    return read_batch(filename, data, scheme).documents


def iter_records(filename: str, data: bytes,
                 scheme: Scheme) -> Iterator[ImportedDocument | RegistryClaimant]:
    """The registry entries and documents of `data`, one at a time where the format allows
    (Credence JSONL is read line by line; the others whole). Problems are raised as
    ImportRefused, naming the file, when the iteration ends: read to the end before writing."""
    extension = pathlib.PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if extension not in (".jsonl", ".ndjson") or looks_like_doccano(data):
        batch = read_batch(filename, data, scheme)
        yield from batch.claimants
        yield from batch.documents
        return
    try:
        yield from iter_jsonl(data, scheme)
    except ImportRefused as refused:
        for error in refused.errors:
            error.file = error.file or filename
        raise ImportRefused(refused.errors, refused.truncated) from None


def read_batch(filename: str, data: bytes, scheme: Scheme) -> ImportedBatch:
    """Documents and claimant registry of `data`, read as its extension names."""
    extension = pathlib.PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    try:
        if extension in (".jsonl", ".ndjson"):
            if looks_like_doccano(data):
                return read_doccano(data, scheme)
            return read_jsonl_batch(data, scheme)
        if extension == ".json":
            if data.lstrip()[:1] == b"[":  # a list of tasks: Label Studio
                return read_labelstudio(data, scheme)
            return read_json_export(data, scheme)
        if extension == ".jsonld":  # W3C Web Annotation, as the w3c export writes it
            return read_w3c_batch(data, scheme)
        if extension == ".zip":
            if b"TypeSystem.xml" in data:  # the name is stored uncompressed in the zip
                return read_xmi_zip(data, scheme, filename)
            return read_brat_zip(data, scheme, filename)
        if extension == ".csv":
            return ImportedBatch(read_csv(data, scheme))
        if extension == ".txt":
            return ImportedBatch([read_txt(data, filename)])
    except ImportRefused as refused:
        for error in refused.errors:
            error.file = error.file or filename
        raise ImportRefused(refused.errors, refused.truncated) from None
    expected = ", ".join(SUPPORTED_EXTENSIONS)
    message = f"unsupported file type {extension or '(no extension)'!r}: expected {expected}"
    raise ImportRefused([FormatError(None, None, message, file=filename)])
