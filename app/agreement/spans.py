"""Span agreement: F1 of two annotators' spans, exact (same offsets) or overlap (matched).

For annotators a and b over the documents where both count, with |A| and |B| their spans and
M the pairs of spans matched between a and b alone (matching.py): exact mode, spans with the
same offsets; overlap mode, a's and b's maximum-overlap one-to-one matching. Then
precision = M/|A|, recall = M/|B|, F1 = 2M / (|A| + |B|) (van Rijsbergen 1979, ch. 7; as
pairwise F1 is used for agreement between two annotators by Hripcsak & Rothschild 2005, JAMIA
12(3):296-298). M is not read off the units: units chain spans through third annotators, and
a pair's agreement must not depend on who else annotated (its figure equals the one of a
report restricted to the two). F1 is symmetric, so it needs no reference annotator. Pairs are
pooled over documents; the project figure is the mean over pairs, an annotator's figure the
mean over its pairs, a document's figure the mean over its pairs. Undefined (None) when
neither annotator has a span in the documents they share; pairs that share no document are
left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.agreement.unit_table import UnitTable


@dataclass(frozen=True)
class SpanF1:
    pairs: dict[tuple[str, str], float | None]  # (a, b) with a < b: F1 pooled over documents
    per_document: np.ndarray  # mean F1 over the document's pairs; NaN where undefined

    @property
    def mean(self) -> float | None:
        return _mean([value for value in self.pairs.values() if value is not None])

    def of_annotator(self, name: str) -> float | None:
        return _mean([value for pair, value in self.pairs.items()
                      if name in pair and value is not None])


def span_f1(units: UnitTable) -> SpanF1:
    table = units.spans
    counted = table.counted
    n_documents, n_annotators = counted.shape
    span_count = np.bincount(table.document * n_annotators + table.annotator,
                             minlength=n_documents * n_annotators)
    span_count = span_count.reshape(n_documents, n_annotators)
    matches = _matches_per_document(units)
    pairs: dict[tuple[str, str], float | None] = {}
    document_sum = np.zeros(n_documents)
    document_pairs = np.zeros(n_documents)
    for a in range(n_annotators):
        for b in range(a + 1, n_annotators):
            shared = counted[:, a] & counted[:, b]
            if not shared.any():
                continue
            matched = matches(a, b)
            total = span_count[:, a] + span_count[:, b]
            pooled = int(total[shared].sum())
            name = (table.annotators[a], table.annotators[b])
            pairs[name] = 2 * int(matched[shared].sum()) / pooled if pooled else None
            defined = shared & (total > 0)
            document_sum[defined] += 2 * matched[defined] / total[defined]
            document_pairs[defined] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        per_document = np.where(document_pairs > 0, document_sum / document_pairs, np.nan)
    return SpanF1(pairs, per_document)


def pair_counts_per_document(units: UnitTable) -> tuple[list, np.ndarray, np.ndarray]:
    """For the document bootstrap: the pairs of annotators that share a document, and per
    (document, pair) the matches M and the spans |A| + |B| (0 where the pair does not share
    the document). Summed over all documents they give `span_f1`'s pooled figures."""
    table = units.spans
    counted = table.counted
    n_documents, n_annotators = counted.shape
    span_count = np.bincount(table.document * n_annotators + table.annotator,
                             minlength=n_documents * n_annotators)
    span_count = span_count.reshape(n_documents, n_annotators)
    matches = _matches_per_document(units)
    pairs, matched, spans = [], [], []
    for a in range(n_annotators):
        for b in range(a + 1, n_annotators):
            shared = counted[:, a] & counted[:, b]
            if shared.any():
                pairs.append((table.annotators[a], table.annotators[b]))
                matched.append(np.where(shared, matches(a, b), 0))
                spans.append(np.where(shared, span_count[:, a] + span_count[:, b], 0))
    shape = (n_documents, len(pairs))
    return (pairs, np.array(matched, dtype=float).T.reshape(shape),
            np.array(spans, dtype=float).T.reshape(shape))


def _matches_per_document(units: UnitTable):
    """A function (a, b) -> matched pairs of annotators a < b in each document."""
    table = units.spans
    n_documents, n_annotators = table.counted.shape
    first = table.annotator[units.pair_left]
    second = table.annotator[units.pair_right]
    pair = np.minimum(first, second) * n_annotators + np.maximum(first, second)
    keys, counts = np.unique(pair * n_documents + table.document[units.pair_left],
                             return_counts=True)

    def matches(a: int, b: int) -> np.ndarray:
        low, high = np.searchsorted(keys, [(a * n_annotators + b) * n_documents,
                                           (a * n_annotators + b + 1) * n_documents])
        matched = np.zeros(n_documents, dtype=np.int64)
        matched[keys[low:high] % n_documents] = counts[low:high]
        return matched

    return matches


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
