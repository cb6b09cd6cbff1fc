"""Small vectorised graph helpers for span matching."""

from __future__ import annotations

import numpy as np


def connected_labels(n_nodes: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """For each node, the smallest node index of its connected component (edges u[i]-v[i]).

    Hook-and-compress (Shiloach & Vishkin 1982): every edge hooks the larger root under the
    smaller, then pointer jumping flattens the trees; repeat until no edge spans two trees.
    """
    labels = np.arange(n_nodes)
    while len(u):
        lu, lv = labels[u], labels[v]
        if (lu == lv).all():
            break
        low = np.minimum(lu, lv)
        np.minimum.at(labels, lu, low)
        np.minimum.at(labels, lv, low)
        while True:
            jumped = labels[labels]
            if (jumped == labels).all():
                break
            labels = jumped
    return labels


def compact(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber non-negative integer keys 0, 1, ... in increasing order: (new numbers, count).

    Like np.unique(..., return_inverse=True) but without a sort when the keys span a range
    not much larger than their number (the usual case here: span index x annotators).
    """
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), 0
    top = int(keys.max()) + 1
    if top > 8 * len(keys) + (1 << 20):
        distinct, inverse = np.unique(keys, return_inverse=True)
        return inverse.ravel(), len(distinct)
    seen = np.zeros(top, dtype=bool)
    seen[keys] = True
    number = np.cumsum(seen) - 1
    return number[keys], int(number[-1]) + 1


def occurrences(keys: np.ndarray) -> np.ndarray:
    """How often each element's value occurs in `keys` (non-negative integers)."""
    numbers, count = compact(keys)
    return np.bincount(numbers, minlength=count)[numbers]
