"""Small builders for format tests: a valid document line and a way to read refusals."""

import json

import pytest

from app.formats import ImportRefused

TEXT = "The ministry said 12 people died. Résidents disagree 😀 strongly."


def annotation(quote: str, in_text: str = TEXT, **changes) -> dict:
    start = in_text.index(quote)
    result = {
        "annotator": "amira",
        "start": start,
        "end": start + len(quote),
        "text": quote,
        "claimant": "Ministry of Health",
        "claimant_type": "government",
        "evidence_type": "statistics",
        "note": "",
    }
    result.update(changes)
    return result


def document(**changes) -> dict:
    result = {
        "id": "doc-1",
        "title": "Twelve dead",
        "text": TEXT,
        "url": "https://example.org/a",
        "published": "2024-03-05",
        "meta": {"outlet": "Example Post"},
        "annotations": [annotation("12 people died")],
        "gold": [],
    }
    result.update(changes)
    return result


def jsonl(*objects) -> bytes:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects).encode("utf-8")


def refusal(read, *args) -> list[tuple]:
    """Read, expecting refusal; return (line, field) of every error."""
    with pytest.raises(ImportRefused) as caught:
        read(*args)
    assert caught.value.errors, "a refusal must list at least one error"
    return [(error.line, error.field) for error in caught.value.errors]


def refusal_messages(read, *args) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        read(*args)
    return [str(error) for error in caught.value.errors]
