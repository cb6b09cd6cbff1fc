"""Units as a units x annotators grid of span indices, the shape every statistic reads."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.agreement.matching import match_spans
from app.agreement.table import SpanTable

NO_SPAN = -1


@dataclass(frozen=True)
class UnitTable:
    spans: SpanTable
    span_at: np.ndarray  # (units x annotators): index into `spans`, or NO_SPAN
    document: np.ndarray  # per unit: index into spans.documents
    # The pairwise matches span F1 counts (matching.SpanMatching): span indices, left < right.
    pair_left: np.ndarray
    pair_right: np.ndarray

    @classmethod
    def build(cls, spans: SpanTable, mode: str) -> UnitTable:
        matching = match_spans(spans, mode)
        unit_of_span = matching.unit_of_span
        n_units = int(unit_of_span.max(initial=-1)) + 1
        span_at = np.full((n_units, len(spans.annotators)), NO_SPAN, dtype=np.int64)
        span_at[unit_of_span, spans.annotator] = np.arange(len(spans))
        document = np.zeros(n_units, dtype=np.int64)
        document[unit_of_span] = spans.document
        return cls(spans, span_at, document, matching.pair_left, matching.pair_right)

    @property
    def n_units(self) -> int:
        return len(self.span_at)

    @property
    def present(self) -> np.ndarray:
        """(units x annotators): the annotator has a span in the unit."""
        return self.span_at != NO_SPAN

    @property
    def counted(self) -> np.ndarray:
        """(units x annotators): the annotator's work counts in the unit's document."""
        return self.spans.counted[self.document]

    def values(self, column: np.ndarray, missing: int = -1) -> np.ndarray:
        """(units x annotators) grid of a per-span column; `missing` where there is no span."""
        if len(column) == 0:
            return np.full(self.span_at.shape, missing, dtype=np.int64)
        return np.where(self.present, column[np.maximum(self.span_at, 0)], missing)
