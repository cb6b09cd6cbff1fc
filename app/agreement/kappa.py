"""Cohen's kappa, Fleiss' kappa, observed agreement and confusion matrices (nominal labels).

All figures are computed from integer counts and divided once at the end, so that perfect
agreement gives exactly 1 and published examples are reproduced to the last digit.
Undefined figures are None: no units to compare, or chance agreement already 1.
"""

from __future__ import annotations

import numpy as np

from app.agreement.alpha import UnitCounts


def cohen_kappa(confusion: np.ndarray) -> float | None:
    """Cohen's kappa of two annotators from their K x K confusion matrix (rows: first annotator).

    Cohen (1960), Educational and Psychological Measurement 20:37-46, eq. 1:
    kappa = (p_o - p_e) / (1 - p_e), with p_o the share of units on the diagonal and
    p_e = sum_k (row_k / N)(column_k / N). Multiplied through by N^2:
    kappa = (N * trace - sum_k row_k column_k) / (N^2 - sum_k row_k column_k).
    """
    table = np.asarray(confusion, dtype=np.int64)
    total = int(table.sum())
    chance = int(table.sum(axis=1) @ table.sum(axis=0))
    denominator = total * total - chance
    if total == 0 or denominator == 0:
        return None
    return (total * int(np.trace(table)) - chance) / denominator


def fleiss_kappa(category_counts: np.ndarray) -> float | None:
    """Fleiss' kappa from a subjects x categories table: how many raters put each subject in
    each category. Every subject must have the same number of ratings n >= 2.

    Fleiss (1971), Psychological Bulletin 76(5):378-382, eqs. 2-9: P_i = (sum_j n_ij^2 - n) /
    (n (n - 1)), P = mean_i P_i, p_j = sum_i n_ij / (N n), P_e = sum_j p_j^2,
    kappa = (P - P_e) / (1 - P_e). With M = N n ratings and column totals C_j, multiplied
    through by M^2 (n - 1): kappa = (M (sum n_ij^2 - M) - (n - 1) sum C_j^2) /
    ((n - 1)(M^2 - sum C_j^2)).
    """
    table = np.asarray(category_counts, dtype=np.int64)
    if table.ndim != 2 or table.shape[0] == 0:
        return None
    raters = table.sum(axis=1)
    if (raters != raters[0]).any():
        raise ValueError("Fleiss' kappa needs the same number of ratings for every subject")
    return fleiss_kappa_from_sums(int(raters[0]), int(raters.sum()), int((table * table).sum()),
                                  int((table.sum(axis=0) ** 2).sum()))


def fleiss_kappa_from_sums(n: int, ratings: int, squares: int, column_squares: int) -> float | None:
    """Fleiss' kappa from n ratings per subject, M ratings in all, sum_ij n_ij^2 and
    sum_j C_j^2 (see fleiss_kappa); Python integers, so the arithmetic is exact."""
    denominator = (n - 1) * (ratings * ratings - column_squares)
    if n < 2 or denominator == 0:
        return None
    return (ratings * (squares - ratings) - (n - 1) * column_squares) / denominator


def observed_agreement(counts: UnitCounts) -> float | None:
    """Pairwise percent agreement: of all pairs of values given to the same unit by two
    annotators, the share that agree (pooled over units, each pair of annotators counted once).
    """
    m = counts.values_per_unit()
    pairs = int((m * (m - 1)).sum())
    if pairs == 0:
        return None
    return int((counts.count * (counts.count - 1)).sum()) / pairs


def confusion_matrix(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Confusion of two annotators over the units both labelled (codes >= 0; -1 = no value).

    Returns the category codes that occur (sorted) and the matrix over just those codes:
    rows are the first annotator's labels, columns the second's.
    """
    both = (first >= 0) & (second >= 0)
    a, b = first[both], second[both]
    used = np.unique(np.concatenate([a, b]))
    size = len(used)
    cells = np.searchsorted(used, a) * size + np.searchsorted(used, b)
    return used, np.bincount(cells, minlength=size * size).reshape(size, size)
