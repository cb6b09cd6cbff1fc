"""Step 2 of overlap matching: for each pair of annotators, a one-to-one matching of their spans
with the largest total overlap (in characters), all documents and pairs at once.

Each pair's overlap graph falls apart into small connected components, solved on their own:
- a lone edge (both spans overlap nothing else of the other annotator) is matched;
- a star (one span against several of the other annotator) keeps its best edge;
- a component with two or more spans on both sides is solved exactly: by trying every
  assignment at once with NumPy when there are at most 720, else by the Hungarian method.
Ties on total overlap go to the matching whose edges rank better, edges ranked by closer
boundaries (|start difference| + |end difference|) and then by the canonical span order. This
is encoded in integer weights, overlap * 2^E + 2^(E - 1 - rank) for a component of E edges,
which makes the optimum unique: every exact method, in any orientation, returns it.
"""

from __future__ import annotations

from itertools import permutations

import numpy as np

from app.agreement.assignment import max_weight_assignment
from app.agreement.graph import compact, connected_labels, occurrences

MAX_ASSIGNMENTS = 720  # assignments tried at once per component (6 x 6)


def pairwise_matches(left: np.ndarray, right: np.ndarray, overlap: np.ndarray,
                     distance: np.ndarray, annotator: np.ndarray) -> np.ndarray:
    """Indices of the edges kept. Edge i joins spans left[i] < right[i] of different annotators,
    overlapping by overlap[i] characters with boundaries distance[i] apart; `annotator` gives
    each span's annotator (>= 0)."""
    n_annotators = int(annotator.max(initial=0)) + 1
    # A node is a span seen from one partner annotator: each pair is matched on its own.
    left_node = left * n_annotators + annotator[right]
    right_node = right * n_annotators + annotator[left]
    degree = occurrences(np.concatenate([left_node, right_node]))
    lone = (degree[: len(left)] == 1) & (degree[len(left):] == 1)
    rest = np.flatnonzero(~lone)
    if len(rest) == 0:
        return np.flatnonzero(lone)
    component = _components(left_node[rest], right_node[rest])
    low_is_left = annotator[left[rest]] < annotator[right[rest]]
    low = np.where(low_is_left, left[rest], right[rest])  # span of the lower-index annotator
    high = np.where(low_is_left, right[rest], left[rest])
    low_row, n_low = _local_index(component, low)
    high_row, n_high = _local_index(component, high)
    rank, n_edges = _preference_rank(component, left[rest], right[rest], distance[rest])
    star = (np.minimum(n_low, n_high) == 1)[component]
    chosen = [np.flatnonzero(lone), _best_of_stars(rest[star], component[star], overlap[rest][star],
                                                   rank[star])]
    general = ~star
    problems = _Problems(rest[general], component[general], overlap[rest][general],
                         rank[general], n_edges, low_row[general], high_row[general], n_low,
                         n_high)
    chosen.extend(problems.solve())
    return np.concatenate(chosen)


def _components(u_keys: np.ndarray, v_keys: np.ndarray) -> np.ndarray:
    """Component number (0, 1, ...) of each edge u_keys[i] - v_keys[i]."""
    nodes, n_nodes = compact(np.concatenate([u_keys, v_keys]))
    labels = connected_labels(n_nodes, nodes[: len(u_keys)], nodes[len(u_keys):])
    return compact(labels[nodes[: len(u_keys)]])[0]


def _local_index(component: np.ndarray, span: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each edge's span numbered 0, 1, ... within its component; spans per component."""
    n = int(span.max(initial=-1)) + 1
    pair, n_pairs = compact(component * n + span)
    pair_component = np.zeros(n_pairs, dtype=np.int64)
    pair_component[pair] = component
    first = np.searchsorted(pair_component, pair_component, side="left")
    local = (np.arange(n_pairs) - first)[pair]
    return local, np.bincount(pair_component, minlength=int(component.max(initial=-1)) + 1)


def _preference_rank(component, left, right, distance) -> tuple[np.ndarray, np.ndarray]:
    """Rank of each edge within its component (0 = closest boundaries); edges per component."""
    order = np.lexsort((right, left, distance, component))
    first = np.searchsorted(component[order], component[order], side="left")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - first
    return rank, np.bincount(component)


def _best_of_stars(ids, component, overlap, rank) -> np.ndarray:
    """A star matches one edge: the largest overlap, ties to the better rank."""
    order = np.lexsort((rank, -overlap, component))
    first = np.r_[True, np.diff(component[order]) != 0] if len(order) else np.zeros(0, bool)
    return ids[order[first]]


class _Problems:
    """Components with two or more spans on both sides, as weight matrices grouped by shape."""

    def __init__(self, ids, component, overlap, rank, n_edges, low_row, high_row, n_low, n_high):
        self.components, self.component = np.unique(component, return_inverse=True)
        flip = (n_low > n_high)[self.components]  # rows are the smaller side
        self.rows = np.where(flip, n_high[self.components], n_low[self.components])
        self.cols = np.where(flip, n_low[self.components], n_high[self.components])
        edge_flip = flip[self.component]
        self.row = np.where(edge_flip, high_row, low_row)
        self.col = np.where(edge_flip, low_row, high_row)
        self.ids = ids
        edges = n_edges[self.components]
        total_overlap = np.bincount(self.component, weights=overlap, minlength=len(edges))
        # Integer weights are exact while overlap * 2^E stays below 2^62 (2^52 as floats).
        self.bits = edges + np.ceil(np.log2(total_overlap + 1)).astype(np.int64)
        self.exact = self.bits < 62
        e = edges[self.component]
        bits = np.where(self.exact[self.component], e, 0)
        self.weight = (overlap.astype(np.int64) << bits) + np.where(
            self.exact[self.component], np.left_shift(1, np.maximum(e - 1 - rank, 0)), 0)
        # Beyond 2^52 (absurdly long documents) the tie-break falls back to a float bonus.
        self.float_weight = overlap + 1.0 / (1.0 + rank) / (self.rows[self.component] + 1)

    def solve(self) -> list[np.ndarray]:
        chosen = []
        shapes = np.stack([self.rows, self.cols], axis=1)
        for n_rows, n_cols in np.unique(shapes, axis=0).tolist() if len(shapes) else []:
            group = np.flatnonzero((self.rows == n_rows) & (self.cols == n_cols))
            small = group[self.exact[group]] if _assignments(n_rows, n_cols) <= MAX_ASSIGNMENTS \
                else group[:0]
            chosen.append(self._try_all(small, n_rows, n_cols))
            for c in np.setdiff1d(group, small).tolist():
                chosen.append(self._hungarian(c, n_rows, n_cols))
        return chosen

    def _matrices(self, components: np.ndarray, n_rows: int, n_cols: int, weights):
        position = np.full(len(self.components), -1)
        position[components] = np.arange(len(components))
        edges = np.flatnonzero(position[self.component] >= 0)
        where = (position[self.component[edges]], self.row[edges], self.col[edges])
        matrix = np.zeros((len(components), n_rows, n_cols), dtype=weights.dtype)
        edge_at = np.full((len(components), n_rows, n_cols), -1)
        matrix[where] = weights[edges]
        edge_at[where] = self.ids[edges]
        return matrix, edge_at

    def _try_all(self, components: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
        if len(components) == 0:
            return np.zeros(0, dtype=np.int64)
        matrix, edge_at = self._matrices(components, n_rows, n_cols, self.weight)
        options = np.array(list(permutations(range(n_cols), n_rows)))  # column of each row
        rows = np.arange(n_rows)
        totals = matrix[:, rows, options].sum(axis=2)  # components x options
        best = options[np.argmax(totals, axis=1)]
        picked = edge_at[np.arange(len(components))[:, None], rows, best]
        return picked[picked >= 0]

    def _hungarian(self, component: int, n_rows: int, n_cols: int) -> np.ndarray:
        exact = bool(self.bits[component] < 52)
        weights = self.weight.astype(float) if exact else self.float_weight
        matrix, edge_at = self._matrices(np.array([component]), n_rows, n_cols, weights)
        pairs = max_weight_assignment(matrix[0])
        picked = np.array([edge_at[0, r, c] for r, c in pairs], dtype=np.int64)
        return picked[picked >= 0]


def _assignments(n_rows: int, n_cols: int) -> int:
    count = 1
    for k in range(n_cols - n_rows + 1, n_cols + 1):
        count *= k
    return count
