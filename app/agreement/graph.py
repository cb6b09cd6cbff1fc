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


def occurrences(keys: np.ndarray) -> np.ndarray:
    """How often each element's value occurs in `keys`."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    return counts[inverse]
