"""Bootstrap confidence interval for nominal alpha: resample units with replacement.

Method (percentile bootstrap; Efron & Tibshirani 1993, An Introduction to the Bootstrap,
ch. 13): the units alpha is computed over are the pairable ones (two or more values); draw as
many of them as there are, with replacement, recompute alpha, repeat `draws` times. The
interval at `level` runs from the (1 - level)/2 to the (1 + level)/2 quantile of the draws
(2.5th and 97.5th percentiles at the default 0.95; linear interpolation, NumPy's default).
Draws on which alpha is undefined (all values in one category) are left out.
Units with a single value are not resampled: they never enter alpha, and drawing them would
only shrink some resamples at random.

Vectorised: alpha of a resample depends only on sums over its units (number of pairable
values, the diagonal coincidences, and per-category totals), so a resample is a weight vector
over units and a whole batch of draws is one matrix product. Units are first grouped into
*patterns* (identical category counts, e.g. "three values, all official_statement"); a
resample of units is then exactly a multinomial draw over patterns with probabilities
proportional to their frequencies, and there are far fewer patterns than units. The cost is
about draws x patterns binomial draws plus draws x (pattern, category) entries arithmetic.
"""

from __future__ import annotations

import numpy as np

from app.agreement.alpha import UnitCounts

_CHUNK_CELLS = 1 << 21  # draws x columns per batch: bounds memory at a few tens of MB
_RARE_FREQUENCY = 8  # patterns shared by this few units are drawn unit by unit
_DENSE_FACTOR = 16  # dense patterns x categories product while <= 16x the sparse entries


def bootstrap_alpha_interval(counts: UnitCounts, draws: int = 1000, seed: int = 12345,
                             level: float = 0.95) -> tuple[float, float] | None:
    """Percentile interval of alpha over `draws` resamples of units (None if undefined): the
    (1 - level)/2 and (1 + level)/2 quantiles of `bootstrap_alpha_draws(counts, draws, seed)`."""
    alphas = bootstrap_alpha_draws(counts, draws, seed)
    if len(alphas) == 0:
        return None
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(alphas, [tail, 100.0 - tail])
    return float(low), float(high)


def bootstrap_alpha_draws(counts: UnitCounts, draws: int = 1000,
                          seed: int = 12345) -> np.ndarray:
    """Alpha of each of `draws` resamples of the pairable units, leaving out undefined ones."""
    patterns = _Patterns(counts)
    if draws <= 0 or len(patterns.units) == 0:
        return np.zeros(0)
    rng = np.random.default_rng(seed)
    width = max(len(patterns.frequency), len(patterns.entry_count), 1)
    chunk = max(1, min(draws, _CHUNK_CELLS // width))
    alphas = np.concatenate([
        patterns.alphas(patterns.draw_weights(rng, min(chunk, draws - done)))
        for done in range(0, draws, chunk)
    ])
    return alphas[~np.isnan(alphas)]


class _Patterns:
    """The pairable units grouped by their category counts, with how many units share each."""

    def __init__(self, counts: UnitCounts):
        m = counts.values_per_unit()
        self.units = np.flatnonzero(m >= 2)  # the units alpha is computed over
        renumber = np.full(counts.n_units, -1)
        renumber[self.units] = np.arange(len(self.units))
        kept = renumber[counts.unit] >= 0
        unit, category = renumber[counts.unit[kept]], counts.category[kept]
        count = counts.count[kept]
        rank = np.arange(len(unit)) - np.searchsorted(unit, unit, side="left")
        depth = int(rank.max(initial=-1)) + 1
        rows = np.full((len(self.units), 2 * depth), -1, dtype=np.int64)
        rows[unit, 2 * rank] = category
        rows[unit, 2 * rank + 1] = count
        representative, self.pattern_of_unit, self.frequency = _distinct_rows(rows)
        same_pairs = np.bincount(unit, weights=count * (count - 1.0), minlength=len(self.units))
        self.same = (same_pairs / (m[self.units] - 1))[representative]  # sum_c o_cc per pattern
        # One entry per (pattern, category) with its count, grouped by category.
        is_representative = np.zeros(len(self.units), dtype=bool)
        is_representative[representative] = True
        chosen = is_representative[unit]
        order = np.argsort(category[chosen], kind="stable")
        self.entry_pattern = self.pattern_of_unit[unit[chosen]][order]
        self.entry_count = count[chosen][order].astype(float)
        entry_category = category[chosen][order]
        self.category_starts = np.flatnonzero(np.r_[True, np.diff(entry_category) != 0])
        self.dense = None  # patterns x categories, where a dense product costs little more
        if len(self.frequency) * len(self.category_starts) <= _DENSE_FACTOR * len(order):
            column = np.cumsum(np.r_[True, np.diff(entry_category) != 0]) - 1
            self.dense = np.zeros((len(self.frequency), len(self.category_starts)))
            self.dense[self.entry_pattern, column] = self.entry_count

    def draw_weights(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """How often each pattern is drawn, for `size` resamples of the pairable units.

        A multinomial over patterns costs about one binomial per pattern and draw, which is
        wasteful for the many patterns only a unit or two share. So rare patterns are pooled:
        the multinomial runs over the common patterns plus one pool, and the pool's share of
        each draw is then spread over the pool's units by drawing them one by one (given its
        total, a multinomial's split within a pool is again multinomial: exact).
        """
        n_patterns, n_units = len(self.frequency), len(self.units)
        rare = self.frequency <= _RARE_FREQUENCY
        common = np.flatnonzero(~rare)
        pooled_units = np.repeat(np.flatnonzero(rare), self.frequency[rare])  # their patterns
        shares = np.r_[self.frequency[common], len(pooled_units)] / n_units
        counts = rng.multinomial(n_units, shares, size=size)
        weights = np.zeros((size, n_patterns), dtype=np.int64)
        weights[:, common] = counts[:, :-1]
        if len(pooled_units):
            picks = pooled_units[rng.integers(0, len(pooled_units), size=int(counts[:, -1].sum()))]
            cells = np.repeat(np.arange(size) * n_patterns, counts[:, -1]) + picks
            weights += np.bincount(cells, minlength=size * n_patterns).reshape(size, n_patterns)
        return weights

    def alphas(self, weights: np.ndarray) -> np.ndarray:
        """Alpha of each resample (a row of pattern weights); NaN where undefined."""
        if self.dense is not None:
            weights = weights.astype(float)
            n_c = (weights @ self.dense).T  # categories x draws
        else:
            # Rows are entries (pattern, category), columns draws: reduceat adds whole rows.
            per_entry = np.array(weights.T, dtype=float, order="C")[self.entry_pattern]
            per_entry *= self.entry_count[:, None]
            n_c = np.add.reduceat(per_entry, self.category_starts, axis=0)
            weights = weights.astype(float)
        n = n_c.sum(axis=0)
        observed_same = weights @ self.same
        expected = n * n - np.einsum("cd,cd->d", n_c, n_c)
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = 1.0 - (n - 1.0) * (n - observed_same) / expected
        return np.where(expected > 0, alpha, np.nan)


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First row of each distinct row, each row's group and group sizes (np.unique(axis=0)
    does the same, several times slower, through a byte-string view of the rows)."""
    order = np.lexsort(rows.T[::-1]) if rows.shape[1] else np.arange(len(rows))
    ordered = rows[order]
    starts = np.r_[True, (np.diff(ordered, axis=0) != 0).any(axis=1)][: len(rows)]
    group_sorted = np.cumsum(starts) - 1
    group = np.empty(len(rows), dtype=np.int64)
    group[order] = group_sorted
    return order[np.flatnonzero(starts)], group, np.bincount(group_sorted)
