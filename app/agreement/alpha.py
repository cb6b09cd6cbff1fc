"""Krippendorff's alpha for nominal data, with any number of annotators and missing values.

Source: Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School
for Communication, University of Pennsylvania (section C, "nominal data, any number of
observers, missing values"); also Krippendorff (2004), Content Analysis, 2nd ed., section 11.3.

Coincidence form: a unit u holding m_u >= 2 values contributes, for every ordered pair of its
values from different annotators, 1/(m_u - 1) to the coincidence o_ck of their categories.
Units with fewer than two values are not pairable and contribute nothing. With n_c = sum_k o_ck
and n = sum_c n_c (the number of pairable values),

    alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k.

For nominal data only the diagonal is needed: sum_{c != k} o_ck = n - sum_c o_cc, with
o_cc = sum_u n_uc (n_uc - 1) / (m_u - 1) where n_uc is how many values of unit u are c; and
sum_{c != k} n_c n_k = n^2 - sum_c n_c^2. So per-unit category counts are enough; the full
coincidence matrix (`coincidence_matrix`) is kept for reading and for tests.
Alpha is undefined (None) when no unit is pairable or all pairable values share one category
(expected disagreement 0).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from app.agreement.table import label_sort_key

_DENSE_WIDTH_LIMIT = 256  # fast path: integer codes spanning at most this many values
_BLOCK_BINS = 1 << 17  # per-block bincount size: keeps each block's counts in cache


@dataclass(frozen=True)
class UnitCounts:
    """How many values of each category each unit holds: one entry per (unit, category) seen."""

    n_units: int
    n_categories: int
    unit: np.ndarray  # entries sorted by unit, then category
    category: np.ndarray
    count: np.ndarray

    @classmethod
    def from_values(cls, unit: np.ndarray, category: np.ndarray, n_units: int) -> UnitCounts:
        """From one row per value: the unit it belongs to and its category code (>= 0)."""
        unit = np.asarray(unit, dtype=np.int64)
        category = np.asarray(category, dtype=np.int64)
        n_categories = int(category.max(initial=-1)) + 1
        keys, counts = np.unique(unit * max(n_categories, 1) + category, return_counts=True)
        return cls(n_units, n_categories, keys // max(n_categories, 1),
                   keys % max(n_categories, 1), counts)

    def values_per_unit(self) -> np.ndarray:
        return np.bincount(self.unit, weights=self.count, minlength=self.n_units).astype(np.int64)

    def alpha(self) -> float | None:
        return _float_or_none(grouped_alpha(self, np.zeros(self.n_units, dtype=np.int64), 1)[0])


def grouped_alpha(counts: UnitCounts, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Alpha of each group of units (e.g. each document); NaN where undefined."""
    m = counts.values_per_unit()
    pairable = m >= 2
    same_pairs = np.bincount(counts.unit, weights=counts.count * (counts.count - 1.0),
                             minlength=counts.n_units)
    with np.errstate(divide="ignore", invalid="ignore"):
        same = np.where(pairable, same_pairs / (m - 1), 0.0)  # sum_c o_cc, unit by unit
    n = np.bincount(group, weights=np.where(pairable, m, 0), minlength=n_groups)
    observed_same = np.bincount(group, weights=same, minlength=n_groups)
    kept = pairable[counts.unit]
    width = max(counts.n_categories, 1)
    keys, inverse = np.unique(group[counts.unit[kept]] * width + counts.category[kept],
                              return_inverse=True)
    n_c = np.bincount(inverse, weights=counts.count[kept], minlength=len(keys))
    sum_n_c_squared = np.bincount(keys // width, weights=n_c * n_c, minlength=n_groups)
    expected = n * n - sum_n_c_squared  # sum over c != k of n_c n_k
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1.0) * (n - observed_same) / expected
    return np.where(expected > 0, alpha, np.nan)


def one_against_rest_alphas(counts: UnitCounts) -> np.ndarray:
    """For each category c, alpha of the yes/no labels "is c" (NaN where undefined).

    Same formula on two categories: a pairable unit with k values c out of m has
    o_same = (k (k - 1) + (m - k)(m - k - 1)) / (m - 1); a unit without c has o_same = m.
    """
    m = counts.values_per_unit()
    pairable = m >= 2
    n = float(m[pairable].sum())
    kept = pairable[counts.unit]
    k = counts.count[kept].astype(float)
    m_of_entry = m[counts.unit[kept]].astype(float)
    change = (k * (k - 1) + (m_of_entry - k) * (m_of_entry - k - 1)) / (m_of_entry - 1)
    change -= m_of_entry
    category = counts.category[kept]
    observed_same = n + np.bincount(category, weights=change, minlength=counts.n_categories)
    yes = np.bincount(category, weights=k, minlength=counts.n_categories)
    expected = n * n - yes * yes - (n - yes) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1.0) * (n - observed_same) / expected
    return np.where(expected > 0, alpha, np.nan)


def alpha_from_unit_values(units: Iterable[Iterable[Hashable]]) -> float | None:
    """Alpha from the values each unit received (missing values simply left out)."""
    _, coded = _encode(units)
    unit_index = np.repeat(np.arange(len(coded)), [len(values) for values in coded])
    codes = np.array([c for values in coded for c in values], dtype=np.int64)
    return UnitCounts.from_values(unit_index, codes, len(coded)).alpha()


def coincidence_matrix(units: Iterable[Iterable[Hashable]]) -> tuple[list, np.ndarray]:
    """Category labels (sorted) and the coincidence matrix o_ck (Krippendorff 2011, section C)."""
    categories, coded = _encode(units)
    matrix = np.zeros((len(categories), len(categories)))
    for values in coded:
        if len(values) < 2:
            continue
        tally = np.bincount(values, minlength=len(categories)).astype(float)
        matrix += (np.outer(tally, tally) - np.diag(tally)) / (len(values) - 1)
    return categories, matrix


def alpha_from_coincidences(matrix: np.ndarray) -> float | None:
    """Nominal alpha read off a coincidence matrix (Krippendorff 2011, section C)."""
    matrix = np.asarray(matrix, dtype=float)
    n_c = matrix.sum(axis=1)
    n = n_c.sum()
    expected = n * n - (n_c * n_c).sum()
    if expected <= 0:
        return None
    return float(1.0 - (n - 1.0) * (n - np.trace(matrix)) / expected)


def _encode(units: Iterable[Iterable[Hashable]]) -> tuple[list, list[list[int]]]:
    """Sorted categories, and each unit's values as category codes (None left out)."""
    unit_lists = [[value for value in unit if value is not None] for unit in units]
    categories = sorted({value for values in unit_lists for value in values}, key=label_sort_key)
    code = {category: i for i, category in enumerate(categories)}
    return categories, [[code[value] for value in values] for values in unit_lists]


def krippendorff_alpha_nominal(reliability_data: Sequence | np.ndarray) -> float | None:
    """Nominal alpha of an (annotators x units) array, NaN (or None) marking missing values.

    The layout of the `krippendorff` package's `alpha(reliability_data=...)`. Values that are
    small integers take the fast path: one `np.bincount` per block of units gives every unit's
    category counts (missing values land in an extra column); other values are coded first.
    """
    data = np.asarray(reliability_data, dtype=float)
    if data.ndim != 2:
        raise ValueError("reliability_data must be 2-D: annotators x units")
    if data.size == 0:
        return None
    lowest = np.fmin.reduce(data, axis=None)
    highest = np.fmax.reduce(data, axis=None)
    if np.isnan(lowest):
        return None
    width = highest - lowest + 2  # categories lowest..highest, then one column for "missing"
    if np.isfinite(width) and width <= _DENSE_WIDTH_LIMIT:
        parts = _dense_parts(data, lowest, highest, int(width))
        if parts is not None:
            return _alpha_from_parts(*parts)
    present = ~np.isnan(data)
    _, codes = np.unique(data[present], return_inverse=True)
    return UnitCounts.from_values(np.nonzero(present)[1], codes, data.shape[1]).alpha()


def _dense_parts(data: np.ndarray, lowest: float, highest: float, width: int):
    """n_c (per category), sum_c o_cc; None if some value is not an integer."""
    n_annotators, n_units = data.shape
    block = max(1024, _BLOCK_BINS // width // 64 * 64)  # a multiple of 64 for _column_sums
    offsets = np.arange(0, block * width, width, dtype=float) - lowest
    totals = np.zeros(width, dtype=np.int64)
    singles = np.zeros(width, dtype=np.int64)
    squares_by_missing = np.zeros(n_annotators + 1)
    units_by_missing = np.zeros(n_annotators + 1, dtype=np.int64)
    for first in range(0, n_units, block):
        shifted = np.fmin(data[:, first:first + block], highest + 1.0)  # NaN -> last column
        size = shifted.shape[1]
        shifted += offsets[:size]
        codes = shifted.astype(np.int64)
        if not np.array_equal(codes, shifted):
            return None
        counts = np.bincount(codes.ravel(), minlength=size * width).reshape(size, width)
        missing = counts[:, -1]
        totals += _column_sums(counts)
        singles += counts[missing == n_annotators - 1].sum(axis=0)
        squares = np.einsum("ij,ij->i", counts, counts)
        squares_by_missing += np.bincount(missing, weights=squares, minlength=n_annotators + 1)
        units_by_missing += np.bincount(missing, minlength=n_annotators + 1)
    # Group units by their number of missing values k: m = R - k values, weight 1/(m - 1).
    m = n_annotators - np.arange(n_annotators + 1)
    same_pairs = squares_by_missing - units_by_missing * ((n_annotators - m) ** 2 + m)
    observed_same = float((same_pairs[m >= 2] / (m[m >= 2] - 1)).sum())
    return (totals - singles)[:-1], observed_same


def _column_sums(counts: np.ndarray) -> np.ndarray:
    """counts.sum(axis=0), summed over wide rows: much faster for a narrow, tall array."""
    rows, width = counts.shape
    fold = 64 if rows % 64 == 0 else 1
    return counts.reshape(fold, -1).sum(axis=0).reshape(-1, width).sum(axis=0)


def _alpha_from_parts(n_c: np.ndarray, observed_same: float) -> float | None:
    n = float(n_c.sum())
    expected = n * n - float((n_c.astype(float) ** 2).sum())
    if expected <= 0:
        return None
    return 1.0 - (n - 1.0) * (n - observed_same) / expected


def _float_or_none(value: float) -> float | None:
    return None if np.isnan(value) else float(value)
