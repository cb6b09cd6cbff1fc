"""One hard article for every format's round trip: emoji (astral, two UTF-16 units), a flag
(two regional-indicator code points), Arabic (right to left), a combining mark NFC cannot
compose (q + U+0323), a line break inside a span, and a tab."""

import datetime as dt

from app.formats import ImportedAnnotation, ImportedDocument, RegistryClaimant
from app.formats.common import ExportContext
from app.scheme import default_scheme

SCHEME = default_scheme()
TEXT = ("🇺🇦 Officials said 😀 12 people died.\nقال المتحدث إن السد انهار.\t"
        "The q\u0323uarry owner 👩🏽‍🔬 denied it.")


def span(quote: str, annotator: str | None, evidence: str, claimant: str, **extra):
    start = TEXT.index(quote)
    return ImportedAnnotation(annotator, start, start + len(quote), quote, claimant,
                              extra.pop("claimant_type", "government"), evidence,
                              extra.pop("note", ""), **extra)


def documents() -> list[ImportedDocument]:
    article = ImportedDocument(
        external_id="dam/1", title="Dam 🇺🇦", text=TEXT, url="https://example.org/dam",
        published=dt.date(2026, 3, 1), meta={"outlet": "Example"},
        annotations=[
            span("🇺🇦 Officials", "alice", "official_statement", "Ministry of Water",
                 note="flag 🇺🇦 | first"),
            span("died.\nقال المتحدث", "alice", "statistics", "المتحدث",
                 claimant_type="witness"),
            span("😀 12 people", "bob", "statistics", "Ministry of Water"),
            span("q\u0323uarry owner 👩🏽‍🔬", "bob", "eyewitness", "Quarry owner",
                 claimant_type="witness"),
        ],
        gold=[span("قال المتحدث", None, "official_statement", "المتحدث",
                   claimant_type="witness", provenance="majority")],
    )
    second = ImportedDocument(external_id="quiet", title="Quiet", text="Nothing to see.")
    return [article, second]


def context(layer: str = "all") -> ExportContext:
    return ExportContext(
        project="Dam Watch", layer=layer, scheme=SCHEME,
        exported_at=dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC),
        claimants=[RegistryClaimant("Ministry of Water", "government", None, ("MoW",)),
                   RegistryClaimant("المتحدث", "witness", "Ministry of Water"),
                   RegistryClaimant("Quarry owner", "witness")])


def written(write, docs=None, ctx=None) -> bytes:
    chunks = write(docs if docs is not None else documents(), ctx or context())
    return b"".join(c.encode("utf-8") if isinstance(c, str) else c for c in chunks)


def places(docs) -> list[tuple]:
    """Every span as (document, layer, start, end, text, evidence type, claimant)."""
    return sorted((d.external_id, a.annotator or "gold", a.start, a.end, a.text,
                   a.evidence_type, a.claimant)
                  for d in docs for a in (*d.annotations, *d.gold))
