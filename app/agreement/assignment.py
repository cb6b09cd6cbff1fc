"""Maximum-weight one-to-one assignment for the small matching problems of `matching.py`.

The Hungarian method with row and column potentials, adding one row at a time along a
shortest augmenting path (Kuhn 1955; Munkres 1957; this O(R^2 C) form is the one in Jonker &
Volgenant 1987 and in most textbooks). Written here to avoid a SciPy dependency; the inner
step over columns is vectorised, the loops over rows and augmenting steps are not, which is fine
for the problems it gets: one connected group of overlapping spans of two annotators.
"""

from __future__ import annotations

import numpy as np


def max_weight_assignment(weights: np.ndarray) -> list[tuple[int, int]]:
    """Pairs (row, column) of a one-to-one assignment with the largest total weight.

    `weights` is R x C with R <= C; every row gets a column. Among optimal assignments the
    result is fixed by the row and column order (the first minimum is always taken), so the
    same matrix always gives the same answer. Callers drop pairs of weight 0 (non-edges).
    """
    cost = -np.asarray(weights, dtype=float)
    n_rows, n_cols = cost.shape
    if n_rows > n_cols:
        raise ValueError("max_weight_assignment needs at least as many columns as rows")
    # Index 0 is a virtual column, as in the usual 1-based statement of the algorithm.
    row_potential = np.zeros(n_rows + 1)
    col_potential = np.zeros(n_cols + 1)
    row_of_col = np.zeros(n_cols + 1, dtype=np.int64)  # 0 = free column
    previous_col = np.zeros(n_cols + 1, dtype=np.int64)
    for row in range(1, n_rows + 1):
        row_of_col[0] = row
        col = 0
        slack = np.full(n_cols + 1, np.inf)
        used = np.zeros(n_cols + 1, dtype=bool)
        while True:
            used[col] = True
            current_row = row_of_col[col]
            reduced = cost[current_row - 1] - row_potential[current_row] - col_potential[1:]
            free = ~used[1:]
            better = free & (reduced < slack[1:])
            slack[1:][better] = reduced[better]
            previous_col[1:][better] = col
            candidates = np.where(free, slack[1:], np.inf)
            next_col = int(np.argmin(candidates)) + 1
            delta = candidates[next_col - 1]
            row_potential[row_of_col[used]] += delta
            col_potential[used] -= delta
            slack[~used] -= delta
            col = next_col
            if row_of_col[col] == 0:
                break
        while col:  # flip the augmenting path
            before = previous_col[col]
            row_of_col[col] = row_of_col[before]
            col = before
    return [(int(row_of_col[c]) - 1, c - 1) for c in range(1, n_cols + 1) if row_of_col[c]]
