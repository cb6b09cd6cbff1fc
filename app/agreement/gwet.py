"""Gwet's AC1 (nominal) and AC2 (weighted) agreement coefficients, with their standard errors.

Sources: Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the
presence of high agreement. British Journal of Mathematical and Statistical Psychology 61:29-48
(AC1, its variance); Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., chapters
2-5 (multiple raters, missing ratings, weights, and the variance used here).

Units i = 1..n each rated by r_i >= 1 annotators (units nobody rated are dropped); r_ik raters
put unit i in category k; q categories; a q x q weight matrix w (identity for AC1) with total
T_w; r*_ik = sum_l w_kl r_il. Units with r_i >= 2 (n' of them) give the observed agreement:

    p_a = (1/n') sum_{i: r_i >= 2} sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1)),
    pi_k = (1/n) sum_i r_ik / r_i,          p_e = T_w / (q (q - 1)) sum_k pi_k (1 - pi_k),
    AC = (p_a - p_e) / (1 - p_e).

Variance (Gwet 2014, section 5.x; as in the irrCAC packages), without finite-population
correction: with pa_i the unit's term above (0 if r_i < 2),
ac_i = (n/n') (pa_i - p_e [r_i >= 2]) / (1 - p_e),
pe_i = T_w / (q (q - 1)) sum_k r_ik (1 - pi_k) / r_i,
ac*_i = ac_i - 2 (1 - AC)(pe_i - p_e)/(1 - p_e), and
var(AC) = sum_i (ac*_i - AC)^2 / (n (n - 1)).

q is the number of categories that occur in the data (irrCAC's default), or the size of the
weight matrix when one is given. Undefined (None): no unit with two ratings, fewer than two
categories, or p_e = 1. The standard error is None with fewer than two rated units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.agreement.alpha import UnitCounts


@dataclass(frozen=True)
class GwetResult:
    value: float
    standard_error: float | None
    percent_agreement: float  # p_a
    chance_agreement: float  # p_e
    units: int  # n: units with at least one rating


def gwet_ac(counts: UnitCounts, weights: np.ndarray | None = None) -> GwetResult | None:
    """AC1 (weights None: identity) or AC2 (a q x q weight matrix over category codes)."""
    if weights is None:
        used = np.unique(counts.category)
        code = np.searchsorted(used, counts.category)
        q, weights_total = len(used), float(len(used))
    else:
        weights = np.asarray(weights, dtype=float)
        q = weights.shape[0]
        if weights.shape != (q, q) or counts.n_categories > q:
            raise ValueError("weights must be a q x q matrix covering every category code")
        code, weights_total = counts.category, float(weights.sum())
    r = counts.values_per_unit().astype(float)
    rated = np.flatnonzero(r >= 1)
    n, n_pairable = len(rated), int((r >= 2).sum())
    if n_pairable == 0 or q < 2:
        return None
    r_ik = counts.count.astype(float)
    r_i = r[counts.unit]
    weighted = r_ik if weights is None else _weighted_counts(counts, weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        pair_term = np.where(r_i >= 2, r_ik * (weighted - 1.0) / (r_i * (r_i - 1.0)), 0.0)
    pa_i = np.bincount(counts.unit, weights=pair_term, minlength=counts.n_units)[rated]
    pi = np.bincount(code, weights=r_ik / r_i, minlength=q) / n
    factor = weights_total / (q * (q - 1.0))
    pe = factor * float((pi * (1.0 - pi)).sum())
    if pe >= 1.0:
        return None
    pa = float(pa_i.sum()) / n_pairable
    value = (pa - pe) / (1.0 - pe)
    error = None
    if n >= 2:
        pairable = r[rated] >= 2
        ac_i = (n / n_pairable) * (pa_i - pe * pairable) / (1.0 - pe)
        pe_i = factor * np.bincount(counts.unit, weights=r_ik * (1.0 - pi[code]) / r_i,
                                    minlength=counts.n_units)[rated]
        ac_star = ac_i - 2.0 * (1.0 - value) * (pe_i - pe) / (1.0 - pe)
        error = float(np.sqrt(((ac_star - value) ** 2).sum() / (n * (n - 1.0))))
    return GwetResult(float(value), error, pa, pe, n)


def _weighted_counts(counts: UnitCounts, weights: np.ndarray) -> np.ndarray:
    """r*_ik = sum_l w_kl r_il for every entry (i, k): a dense units x q product."""
    dense = np.zeros((counts.n_units, weights.shape[0]))
    dense[counts.unit, counts.category] = counts.count
    return (dense @ weights.T)[counts.unit, counts.category]


def linear_weights(q: int) -> np.ndarray:
    """w_kl = 1 - |k - l| / (q - 1) for ordered categories 1..q (Gwet 2014, ch. 3)."""
    k = np.arange(q, dtype=float)
    return 1.0 - np.abs(k[:, None] - k[None, :]) / max(q - 1, 1)


def quadratic_weights(q: int) -> np.ndarray:
    """w_kl = 1 - (k - l)^2 / (q - 1)^2 (Gwet 2014, ch. 3; Cohen's weighted kappa's)."""
    k = np.arange(q, dtype=float)
    return 1.0 - (k[:, None] - k[None, :]) ** 2 / max(q - 1, 1) ** 2


def ordinal_weights(q: int) -> np.ndarray:
    """w_kl = 1 - C(M_kl, 2) / C(q, 2), M_kl = |k - l| + 1: only the ranks count (Gwet 2014)."""
    k = np.arange(q, dtype=float)
    m = np.abs(k[:, None] - k[None, :]) + 1.0
    pairs = m * (m - 1.0) / 2.0
    return 1.0 - pairs / max(pairs.max(), 1.0)


@dataclass(frozen=True)
class GwetParts:
    """Per-group sums AC1 is made of, so that a resample of groups (documents) is a weighted
    sum (resampling.py): sum of pa_i, units with r_i >= 2, rated units, sum_i r_ik / r_i."""

    pa_sum: np.ndarray  # (groups,)
    pairable: np.ndarray  # (groups,)
    rated: np.ndarray  # (groups,)
    shares: object  # scipy.sparse (groups x q)
    q: int
    weights_total: float | None = None  # T_w of AC2's weights; None: identity (AC1), T_w = q


def gwet_parts(counts: UnitCounts, group: np.ndarray, n_groups: int,
               weights: np.ndarray | None = None) -> GwetParts:
    """AC1's (or, with `weights`, AC2's) parts per group of units (`group[unit]`: e.g. each
    unit's document); the weighted counts r*_ik as in `gwet_ac`."""
    from scipy import sparse

    if weights is None:
        used = np.unique(counts.category)
        code, q = np.searchsorted(used, counts.category), len(used)
    else:
        weights = np.asarray(weights, dtype=float)
        code, q = counts.category, weights.shape[0]
    r = counts.values_per_unit().astype(float)
    r_ik = counts.count.astype(float)
    r_i = r[counts.unit]
    weighted = r_ik if weights is None else _weighted_counts(counts, weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        pair_term = np.where(r_i >= 2, r_ik * (weighted - 1.0) / (r_i * (r_i - 1.0)), 0.0)
    entry_group = group[counts.unit]
    shares = sparse.csr_matrix((r_ik / r_i, (entry_group, code)), shape=(n_groups, q))
    return GwetParts(
        pa_sum=np.bincount(entry_group, weights=pair_term, minlength=n_groups),
        pairable=np.bincount(group, weights=r >= 2, minlength=n_groups),
        rated=np.bincount(group, weights=r >= 1, minlength=n_groups),
        shares=shares, q=q, weights_total=None if weights is None else float(weights.sum()))


def ac1_from_sums(pa_sum: np.ndarray, pairable: np.ndarray, rated: np.ndarray,
                  shares: np.ndarray, q: int, weights_total: float | None = None) -> np.ndarray:
    """AC1 (AC2 given its weights' total T_w) from summed parts (one row per resample); NaN
    where undefined. q stays the number of categories of the full data, so every resample is
    measured on the same scale."""
    if q < 2:
        return np.full(len(pa_sum), np.nan)
    factor = (q if weights_total is None else weights_total) / (q * (q - 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = pa_sum / pairable
        pi = shares / rated[:, None]
        pe = factor * (pi * (1.0 - pi)).sum(axis=1)
        value = (pa - pe) / (1.0 - pe)
    return np.where((pairable > 0) & (pe < 1.0), value, np.nan)
