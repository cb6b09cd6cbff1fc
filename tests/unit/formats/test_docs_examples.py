"""The examples in docs/formats.md must be valid input, so the documentation cannot drift."""

import json
import pathlib
import re

from app.formats import read_jsonl
from app.scheme import Scheme, default_scheme

FORMATS_DOC = pathlib.Path(__file__).resolve().parents[3] / "docs" / "formats.md"


def json_blocks() -> list[str]:
    return re.findall(r"```json\n(.*?)```", FORMATS_DOC.read_text(encoding="utf-8"), re.S)


def test_the_example_jsonl_line_reads_cleanly():
    [line] = [block for block in json_blocks() if '"annotations"' in block]
    [document] = read_jsonl(line.encode("utf-8"), default_scheme())
    [annotation] = document.annotations
    assert document.text[annotation.start : annotation.end] == annotation.text


def test_the_example_scheme_is_accepted():
    [block] = [block for block in json_blocks() if '"evidence_types"' in block]
    scheme = Scheme.from_dict(json.loads(block))
    assert scheme.evidence_keys == ("official_statement", "document")
