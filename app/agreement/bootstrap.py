"""Bootstrap confidence interval for nominal alpha: resample units with replacement.

Method (percentile bootstrap; Efron & Tibshirani 1993, An Introduction to the Bootstrap,
ch. 13): draw as many units as there are, with replacement, recompute alpha, repeat `draws`
times; the interval is the 2.5th and 97.5th percentiles of the draws (linear interpolation,
NumPy's default). Draws on which alpha is undefined (all values in one category) are left out.

Vectorised: alpha of a resample depends only on sums over its units (number of pairable
values, the diagonal coincidences, and per-category totals), so a resample is a weight vector
over units and a whole batch of draws is one matrix product. Units are first grouped into
*patterns* (identical category counts, e.g. "three values, all official_statement"); a
resample of units is then exactly a multinomial draw over patterns with probabilities
proportional to their frequencies, and there are far fewer patterns than units.
"""

from __future__ import annotations

import numpy as np

from app.agreement.alpha import UnitCounts

_CHUNK_CELLS = 1 << 21  # draws x columns per batch: bounds memory at a few tens of MB
_DENSE_CELLS = 1 << 23  # patterns x categories up to which n_c is one dense matrix product


def bootstrap_alpha_interval(counts: UnitCounts, draws: int = 1000, seed: int = 12345,
                             level: float = 0.95) -> tuple[float, float] | None:
    """Percentile interval of alpha over `draws` resamples of units (None if undefined)."""
    if draws <= 0 or counts.n_units == 0:
        return None
    patterns = _Patterns(counts)
    rng = np.random.default_rng(seed)
    width = max(len(patterns.frequency), len(patterns.entry_count), 1)
    chunk = max(1, min(draws, _CHUNK_CELLS // width))
    alphas = np.concatenate([
        patterns.alphas(patterns.draw_weights(rng, min(chunk, draws - done)))
        for done in range(0, draws, chunk)
    ])
    alphas = alphas[~np.isnan(alphas)]
    if len(alphas) == 0:
        return None
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(alphas, [tail, 100.0 - tail])
    return float(low), float(high)


class _Patterns:
    """Distinct per-unit category counts, with how many units share each."""

    def __init__(self, counts: UnitCounts):
        m = counts.values_per_unit()
        pairable = m >= 2
        kept = pairable[counts.unit]  # units with one value contribute nothing: one pattern
        unit, category, count = counts.unit[kept], counts.category[kept], counts.count[kept]
        first_entry = np.searchsorted(unit, unit, side="left")
        rank = np.arange(len(unit)) - first_entry
        depth = int(rank.max(initial=-1)) + 1
        rows = np.full((counts.n_units, 2 * depth), -1, dtype=np.int64)
        rows[unit, 2 * rank] = category
        rows[unit, 2 * rank + 1] = count
        representative, self.pattern_of_unit, self.frequency = _distinct_rows(rows)
        self.n_units = counts.n_units
        self.values = np.where(pairable, m, 0)[representative].astype(float)
        same_pairs = np.bincount(unit, weights=count * (count - 1.0), minlength=counts.n_units)
        with np.errstate(divide="ignore", invalid="ignore"):
            same = np.where(pairable, same_pairs / (m - 1), 0.0)
        self.same = same[representative]
        # Category counts of each pattern, one entry per (pattern, category), grouped by category.
        is_representative = np.zeros(counts.n_units, dtype=bool)
        is_representative[representative] = True
        chosen = is_representative[unit]
        order = np.argsort(category[chosen], kind="stable")
        self.entry_pattern = self.pattern_of_unit[unit[chosen]][order]
        self.entry_category = category[chosen][order]
        self.entry_count = count[chosen][order].astype(float)
        self.dense = None  # patterns x categories, when small enough for a matrix product
        used, column = np.unique(self.entry_category, return_inverse=True)
        if len(self.frequency) * len(used) <= _DENSE_CELLS:
            self.dense = np.zeros((len(self.frequency), len(used)))
            self.dense[self.entry_pattern, column] = self.entry_count

    def draw_weights(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """How often each pattern is drawn, for `size` resamples of n_units units."""
        return rng.multinomial(self.n_units, self.frequency / self.n_units, size=size)

    def alphas(self, weights: np.ndarray) -> np.ndarray:
        weights = weights.astype(float)
        n = weights @ self.values
        observed_same = weights @ self.same
        sum_n_c_squared = np.zeros(len(weights))
        if self.dense is not None:
            n_c = weights @ self.dense  # draws x categories
            sum_n_c_squared = np.einsum("dc,dc->d", n_c, n_c)
        elif len(self.entry_count):
            # Rows are entries (pattern, category), columns draws: reduceat then adds whole rows.
            per_entry = np.ascontiguousarray(weights.T)[self.entry_pattern]
            per_entry *= self.entry_count[:, None]
            starts = np.flatnonzero(np.r_[True, np.diff(self.entry_category) != 0])
            n_c = np.add.reduceat(per_entry, starts, axis=0)
            sum_n_c_squared = np.einsum("cd,cd->d", n_c, n_c)
        expected = n * n - sum_n_c_squared
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = 1.0 - (n - 1.0) * (n - observed_same) / expected
        return np.where(expected > 0, alpha, np.nan)


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First row of each distinct row, each row's group and group sizes (np.unique(axis=0)
    does the same, several times slower, through a byte-string view of the rows)."""
    order = np.lexsort(rows.T[::-1]) if rows.shape[1] else np.arange(len(rows))
    ordered = rows[order]
    starts = np.r_[True, (np.diff(ordered, axis=0) != 0).any(axis=1)] if len(rows) else []
    group_sorted = np.cumsum(starts) - 1
    group = np.empty(len(rows), dtype=np.int64)
    group[order] = group_sorted
    return order[np.flatnonzero(starts)], group, np.bincount(group_sorted)
