"""Input types of the agreement package, and units: spans of different annotators matched together.

A *unit* is one place in a document that annotators marked: it holds at most one span per
annotator. An annotator who is counted for the document but has no span in a unit is a missing
value there (not a category): alpha and kappa compare only the values present.

Two ways of matching spans into units (docs/agreement.md, "Units"):
- `exact`: spans with the same (start, end) form a unit. If one annotator has several spans
  with the same offsets, the k-th of each annotator's spans there (ordered by label) go together.
- `overlap` (default): for every pair of annotators, a one-to-one matching of their spans that
  maximises the total number of overlapping characters (spans that do not overlap never match);
  the pairwise matches are then merged into units, best match first, refusing a merge that
  would put into one unit two spans of one annotator or two spans that do not overlap (so a
  unit's spans share at least one character). See app/agreement/matching.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.agreement.matching import assign_units
from app.agreement.table import SpanTable

MATCH_MODES = ("overlap", "exact")


@dataclass(frozen=True, slots=True)
class AnnotatedSpan:
    document: int | str  # document id
    annotator: str  # username
    start: int  # code-point offset, inclusive
    end: int  # code-point offset, exclusive; 0 <= start < end <= length
    evidence_type: str  # scheme key, e.g. "official_statement"
    claimant: int | str | None  # claimant registry id (aliases already merged); None = untagged
    span_id: int | None = None


@dataclass(frozen=True, slots=True)
class DocumentAnnotations:
    document: int | str
    length: int  # len(text) in code points: the continuum for unitizing alpha
    # every annotator whose work counts here, INCLUDING ones with no spans
    annotators: tuple[str, ...]
    spans: tuple[AnnotatedSpan, ...]
    title: str = ""


@dataclass(frozen=True, slots=True)
class Unit:
    """Spans of different annotators that mark the same place; at most one span per annotator."""

    document: int | str
    spans: tuple[AnnotatedSpan, ...]  # ordered by annotator name

    @property
    def annotators(self) -> tuple[str, ...]:
        return tuple(span.annotator for span in self.spans)

    @property
    def start(self) -> int:
        return min(span.start for span in self.spans)

    @property
    def end(self) -> int:
        return max(span.end for span in self.spans)

    def span_of(self, annotator: str) -> AnnotatedSpan | None:
        for span in self.spans:
            if span.annotator == annotator:
                return span
        return None

    def __iter__(self) -> Iterator[AnnotatedSpan]:
        return iter(self.spans)

    def __len__(self) -> int:
        return len(self.spans)


def check_mode(mode: str) -> str:
    if mode not in MATCH_MODES:
        raise ValueError(f"unknown matching mode {mode!r}: use one of {', '.join(MATCH_MODES)}")
    return mode


def match_units(document: DocumentAnnotations, mode: str = "overlap") -> list[Unit]:
    """The units of one document, ordered by position (first span's start, then end).

    Spans of annotators not listed in `document.annotators` do not count and are left out.
    """
    check_mode(mode)
    table = SpanTable.build([document])
    unit_of_span = assign_units(table, mode)
    members: list[list[AnnotatedSpan]] = [[] for _ in range(int(unit_of_span.max(initial=-1)) + 1)]
    for span, unit in zip(table.spans, unit_of_span.tolist(), strict=True):
        members[unit].append(span)
    return [
        Unit(document.document, tuple(sorted(spans, key=lambda s: s.annotator)))
        for spans in members
    ]
