"""Plain-text import: one article per file."""

import pathlib

from app.formats.common import (
    MAX_ID_LENGTH,
    MAX_TITLE_LENGTH,
    ImportedDocument,
    decode_utf8,
    default_external_id,
    refuse,
)
from app.text import normalise_text


def read_txt(data: bytes, filename: str) -> ImportedDocument:
    """The whole file is the text; its first non-blank line is the title; the file name without
    its extension is the id."""
    text = normalise_text(decode_utf8(data))
    if not text.strip():
        raise refuse(None, "text", "the file is empty")
    title = next(line.strip() for line in text.splitlines() if line.strip())
    if len(title) > MAX_TITLE_LENGTH:
        title = title[: MAX_TITLE_LENGTH - 1].rstrip() + "…"
    # Windows paths arrive from browsers and zip files too: treat "\\" as a separator.
    stem = pathlib.PurePosixPath(filename.replace("\\", "/")).stem.strip()
    if len(stem) > MAX_ID_LENGTH:
        raise refuse(None, "id", f"the file name is longer than {MAX_ID_LENGTH} characters")
    return ImportedDocument(
        external_id=normalise_text(stem) or default_external_id(text), title=title, text=text
    )
