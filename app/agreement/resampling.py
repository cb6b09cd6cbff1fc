"""Bootstrap over documents: intervals for every coefficient, and P(alpha < target).

Why documents: spans of one article share its author, topic and difficulty, so its units are
not independent; resampling whole documents (a cluster bootstrap; Davison & Hinkley 1997,
Bootstrap Methods and their Application, section 3.8; Field & Welsh 2007, JRSS B 69(3):369-390)
keeps that dependence, where resampling units would make intervals too narrow.

Method (percentile bootstrap; Efron & Tibshirani 1993, ch. 13): draw as many documents as
there are, with replacement, `draws` times; a draw is a vector of how often each document was
drawn (Multinomial(D, 1/D, ..., 1/D)). Every coefficient here is a function of sums over
documents of per-document statistics (alpha: pairable values, diagonal coincidences, values
per category; AC1: p_a terms and category shares; F1: matches and spans per pair; gamma: the
best alignments' disorders), so a whole batch of draws is one matrix product W @ S and nothing
(no matching, no alignment) is recomputed. The interval at `level` runs from the (1 - level)/2
to the (1 + level)/2 quantile of the draws where the coefficient is defined.

P(alpha < target): the share of draws below the target, as Krippendorff recommends reporting
next to the smallest acceptable alpha (Krippendorff 2004, Content Analysis, 2nd ed., section
11.4.4, the probability q of failing to reach alpha_min, obtained by bootstrapping).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

ALPHA_TARGETS = (0.667, 0.800)


@dataclass(frozen=True)
class DocumentBootstrap:
    weights: np.ndarray  # (draws x documents): how often each document was drawn
    level: float = 0.95

    @classmethod
    def draw(cls, n_documents: int, draws: int, seed: int,
             level: float = 0.95) -> DocumentBootstrap | None:
        """None when there is nothing to resample: no draws, or fewer than two documents."""
        if draws <= 0 or n_documents < 2:
            return None
        rng = np.random.default_rng(seed)
        weights = rng.multinomial(n_documents, np.full(n_documents, 1.0 / n_documents),
                                  size=draws).astype(np.float64)
        return cls(weights, level)

    @property
    def draws(self) -> int:
        return len(self.weights)

    def sums(self, per_document) -> np.ndarray:
        """(draws x k) sums of a (documents x k) statistic, dense or scipy.sparse."""
        if sparse.issparse(per_document):
            return np.asarray((sparse.csr_matrix(per_document).T @ self.weights.T).T)
        per_document = np.asarray(per_document, dtype=float)
        return self.weights @ per_document

    def interval(self, values: np.ndarray) -> list[float] | None:
        """Percentile interval of the defined draws (NaN = undefined); None if none is."""
        values = np.asarray(values, dtype=float)
        values = values[~np.isnan(values)]
        if len(values) == 0:
            return None
        tail = (1.0 - self.level) / 2.0 * 100.0
        low, high = np.percentile(values, [tail, 100.0 - tail])
        return [float(low), float(high)]

    def share_below(self, values: np.ndarray,
                    targets: tuple[float, ...] = ALPHA_TARGETS) -> dict[str, float] | None:
        """{"0.667": P(value < 0.667), ...} over the defined draws; None if none is."""
        values = np.asarray(values, dtype=float)
        values = values[~np.isnan(values)]
        if len(values) == 0:
            return None
        return {f"{target:.3f}": float((values < target).mean()) for target in targets}

    def mean_of_defined(self, per_document: np.ndarray) -> np.ndarray:
        """Per draw, the mean of a per-document figure over the drawn documents where it is
        defined (NaN = undefined): how the project's unitizing alpha is formed."""
        values = np.asarray(per_document, dtype=float)
        defined = ~np.isnan(values)
        total = self.weights[:, defined] @ values[defined]
        count = self.weights[:, defined].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / count, np.nan)


def alpha_from_sums(n: np.ndarray, observed_same: np.ndarray,
                    sum_n_c_squared: np.ndarray) -> np.ndarray:
    """Nominal alpha from summed parts (alpha.py): n pairable values, sum_c o_cc, sum_c n_c^2."""
    expected = n * n - sum_n_c_squared
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - (n - 1.0) * (n - observed_same) / expected
    return np.where(expected > 0, alpha, np.nan)


def pooled_f1_mean(matched: np.ndarray, spans: np.ndarray) -> np.ndarray:
    """Mean over pairs of pooled F1 = 2 M / (|A| + |B|), from (draws x pairs) sums; pairs with
    no span in a draw are left out of its mean (as in the report)."""
    defined = spans > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(defined, 2.0 * matched / spans, 0.0)
        return np.where(defined.any(axis=1), f1.sum(axis=1) / defined.sum(axis=1), np.nan)
