"""Matching spans into units, for all documents at once (see units.py for the two modes).

Overlap mode, step by step (docs/agreement.md, "Units"):
1. Candidate edges: every pair of overlapping spans of two different annotators in a document.
2. For each pair of annotators, a one-to-one matching of their spans with the largest total
   overlap in characters (pair_matching.py). Ties go to closer boundaries, then to the
   canonical span order (table.py), never to annotator names.
3. The pairwise matches are merged into units, union-find style. Where a chain of matches would
   put two spans of one annotator in one unit, the merges of that group are replayed in
   descending overlap order (ties: closer boundaries, then span order) and a merge that would
   make such a unit is refused.
"""

from __future__ import annotations

import numpy as np

from app.agreement.graph import connected_labels, occurrences
from app.agreement.pair_matching import pairwise_matches
from app.agreement.table import SpanTable


def assign_units(table: SpanTable, mode: str) -> np.ndarray:
    """Unit index of every span of `table`; units are numbered in the order of their first span."""
    if mode == "exact":
        return _exact_units(table)
    if mode == "overlap":
        return _overlap_units(table)
    raise ValueError(f"unknown matching mode {mode!r}")


def _exact_units(table: SpanTable) -> np.ndarray:
    n = len(table)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    same_place = np.r_[True, (np.diff(table.document) != 0) | (np.diff(table.start) != 0)
                       | (np.diff(table.end) != 0)]
    place = np.cumsum(same_place) - 1
    # Rank of each span among its annotator's spans at the same place (spans are in label order).
    order = np.lexsort((np.arange(n), table.annotator, place))
    run_starts = np.r_[True, (np.diff(place[order]) != 0) | (np.diff(table.annotator[order]) != 0)]
    first_of_run = np.maximum.accumulate(np.where(run_starts, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - first_of_run
    return np.unique(place * (rank.max() + 1) + rank, return_inverse=True)[1]


class _Edges:
    """Overlapping span pairs of different annotators: left < right in canonical order."""

    def __init__(self, table: SpanTable):
        n = len(table)
        scale = int(table.lengths.max(initial=0)) + 1
        start_key = table.document * scale + table.start  # sorted: spans are in canonical order
        end_key = table.document * scale + table.end
        later = np.searchsorted(start_key, end_key, side="left") - np.arange(n) - 1
        left = np.repeat(np.arange(n), later)
        first = np.repeat(np.cumsum(later) - later, later)
        right = np.arange(len(left)) - first + left + 1
        keep = table.annotator[left] != table.annotator[right]
        self.left, self.right = left[keep], right[keep]
        self.overlap = (np.minimum(table.end[self.left], table.end[self.right])
                        - table.start[self.right])
        self.distance = (np.abs(table.start[self.left] - table.start[self.right])
                         + np.abs(table.end[self.left] - table.end[self.right]))

    def __len__(self) -> int:
        return len(self.left)

    def preference_order(self, among: np.ndarray) -> np.ndarray:
        """`among` (edge indices) sorted best first: overlap, closeness, canonical span order."""
        keys = (self.right[among], self.left[among], self.distance[among], -self.overlap[among])
        return among[np.lexsort(keys)]


def _overlap_units(table: SpanTable) -> np.ndarray:
    edges = _Edges(table)
    matched = pairwise_matches(edges.left, edges.right, edges.overlap, edges.distance,
                               table.annotator)
    return _merge_matches(table, edges, matched)


def _merge_matches(table: SpanTable, edges: _Edges, matched: np.ndarray) -> np.ndarray:
    n = len(table)
    n_annotators = max(len(table.annotators), 1)
    labels = connected_labels(n, edges.left[matched], edges.right[matched])
    crowded = occurrences(labels * n_annotators + table.annotator) > 1
    if crowded.any():
        # Some chain of pairwise matches joins two spans of one annotator: replay those groups.
        groups = np.unique(labels[crowded])
        replay = matched[np.isin(labels[edges.left[matched]], groups)]
        members = np.flatnonzero(np.isin(labels, groups))
        labels[members] = _replay_merges(table, edges, edges.preference_order(replay), members)
    return np.unique(labels, return_inverse=True)[1]


def _replay_merges(table: SpanTable, edges: _Edges, ranked: np.ndarray,
                   members: np.ndarray) -> np.ndarray:
    """Union-find over `ranked` edges (best first), refusing merges that repeat an annotator."""
    parent = {span: span for span in members.tolist()}
    annotators = {span: {int(table.annotator[span])} for span in parent}

    def root(span: int) -> int:
        while parent[span] != span:
            parent[span] = parent[parent[span]]
            span = parent[span]
        return span

    for a, b in zip(edges.left[ranked].tolist(), edges.right[ranked].tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra == rb or annotators[ra] & annotators[rb]:
            continue
        low, high = min(ra, rb), max(ra, rb)  # the root stays the unit's first span
        parent[high] = low
        annotators[low] |= annotators.pop(high)
    return np.array([root(span) for span in members.tolist()], dtype=np.int64)
