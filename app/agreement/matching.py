"""Matching spans into units, for all documents at once (see units.py for the two modes).

Overlap mode, step by step (docs/agreement.md, "Units"):
1. Candidate edges: every pair of overlapping spans of two different annotators in a document.
2. For each pair of annotators, a one-to-one matching of their spans with the largest total
   overlap in characters (pair_matching.py). Ties go to closer boundaries, then to the
   canonical span order (table.py), never to annotator names. Pairwise span F1 counts these
   matches (spans.py), so a pair's figure never depends on a third annotator.
3. The pairwise matches are merged into units, best first (descending overlap, then closer
   boundaries, then span order), union-find style, refusing a merge that would put into one
   unit two spans of one annotator or two spans that do not overlap. So a unit's spans
   pairwise overlap, i.e. they all share at least one character (intervals on a line that
   pairwise intersect have a common point: Helly's theorem in one dimension). Groups of
   matches where no merge would be refused are merged at once, vectorised; only the others
   are replayed one merge at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.agreement.graph import connected_labels, occurrences
from app.agreement.pair_matching import pairwise_matches
from app.agreement.table import SpanTable


@dataclass(frozen=True)
class SpanMatching:
    unit_of_span: np.ndarray  # unit index of every span, numbered in the order of first spans
    # Pairwise matches, as span indices (pair_left < pair_right, different annotators): what
    # pairwise span F1 counts. Overlap mode: each pair's maximum-overlap matching, made without
    # looking at other annotators. Exact mode: spans with the same offsets (k-th with k-th).
    pair_left: np.ndarray
    pair_right: np.ndarray


def match_spans(table: SpanTable, mode: str) -> SpanMatching:
    """Units and pairwise matches of the spans of `table`."""
    if mode == "exact":
        unit_of_span = _exact_units(table)
        return SpanMatching(unit_of_span, *_pairs_within_units(unit_of_span))
    if mode == "overlap":
        edges = _Edges(table)
        matched = pairwise_matches(edges.left, edges.right, edges.overlap, edges.distance,
                                   table.annotator)
        return SpanMatching(_merge_matches(table, edges, matched), edges.left[matched],
                            edges.right[matched])
    raise ValueError(f"unknown matching mode {mode!r}")


def assign_units(table: SpanTable, mode: str) -> np.ndarray:
    """Unit index of every span of `table`; units are numbered in the order of their first span."""
    return match_spans(table, mode).unit_of_span


def _later_pairs(later: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (i, j), i < j <= i + later[i]: each position with the next later[i] ones."""
    left = np.repeat(np.arange(len(later)), later)
    first = np.repeat(np.cumsum(later) - later, later)
    return left, np.arange(len(left)) - first + left + 1


def _pairs_within_units(unit_of_span: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of spans sharing a unit, as span indices (smaller first)."""
    order = np.argsort(unit_of_span, kind="stable")
    ends = np.searchsorted(unit_of_span[order], unit_of_span[order], side="right")
    left, right = _later_pairs(ends - np.arange(len(order)) - 1)
    left, right = order[left], order[right]
    return np.minimum(left, right), np.maximum(left, right)


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
        left, right = _later_pairs(later)
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


def _merge_matches(table: SpanTable, edges: _Edges, matched: np.ndarray) -> np.ndarray:
    n = len(table)
    n_annotators = max(len(table.annotators), 1)
    labels = connected_labels(n, edges.left[matched], edges.right[matched])
    # A group of matches merges at once unless it repeats an annotator or holds two spans
    # that do not overlap (its latest start is not before its earliest end).
    latest_start = table.start.copy()
    np.maximum.at(latest_start, labels, table.start)
    earliest_end = table.end.copy()
    np.minimum.at(earliest_end, labels, table.end)
    refused = latest_start[labels] >= earliest_end[labels]
    refused |= occurrences(labels * n_annotators + table.annotator) > 1
    if refused.any():
        groups = np.unique(labels[refused])
        replay = matched[np.isin(labels[edges.left[matched]], groups)]
        members = np.flatnonzero(np.isin(labels, groups))
        labels[members] = _replay_merges(table, edges, edges.preference_order(replay), members)
    return np.unique(labels, return_inverse=True)[1]


def _replay_merges(table: SpanTable, edges: _Edges, ranked: np.ndarray,
                   members: np.ndarray) -> np.ndarray:
    """Union-find over `ranked` edges (best first), refusing a merge that would repeat an
    annotator or join spans that do not overlap (a unit keeps its latest start and earliest
    end: its spans overlap pairwise exactly while latest start < earliest end)."""
    parent = {span: span for span in members.tolist()}
    annotators = {span: {int(table.annotator[span])} for span in parent}
    latest_start = {span: int(table.start[span]) for span in parent}
    earliest_end = {span: int(table.end[span]) for span in parent}

    def root(span: int) -> int:
        while parent[span] != span:
            parent[span] = parent[parent[span]]
            span = parent[span]
        return span

    for a, b in zip(edges.left[ranked].tolist(), edges.right[ranked].tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra == rb or annotators[ra] & annotators[rb]:
            continue
        start = max(latest_start[ra], latest_start[rb])
        end = min(earliest_end[ra], earliest_end[rb])
        if start >= end:
            continue
        low, high = min(ra, rb), max(ra, rb)  # the root stays the unit's first span
        parent[high] = low
        annotators[low] |= annotators.pop(high)
        latest_start[low], earliest_end[low] = start, end
    return np.array([root(span) for span in members.tolist()], dtype=np.int64)
