"""Bootstrap interval for alpha: exact arithmetic per resample, and the same distribution as
resampling the pairable units one by one."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.agreement.alpha import UnitCounts, krippendorff_alpha_nominal
from app.agreement.bootstrap import (
    _Patterns,
    bootstrap_alpha_draws,
    bootstrap_alpha_interval,
)


def noisy_data(n_units=80, n_annotators=3, seed=3, agreement=0.7, missing=0.15, categories=4):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, categories, n_units)
    data = np.where(rng.random((n_annotators, n_units)) < agreement, truth,
                    rng.integers(0, categories, (n_annotators, n_units))).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    return data


def counts_of(data: np.ndarray) -> UnitCounts:
    present = ~np.isnan(data)
    return UnitCounts.from_values(np.nonzero(present)[1], data[present].astype(int), data.shape[1])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 40), st.integers(2, 5))
def test_alpha_of_pattern_weights_equals_alpha_of_the_resampled_units(seed, n_units, annotators):
    data = noisy_data(n_units, annotators, seed=seed)
    patterns = _Patterns(counts_of(data))
    pairable = len(patterns.units)
    picks = np.random.default_rng(seed).integers(0, pairable, size=(5, pairable))
    weights = np.stack([np.bincount(patterns.pattern_of_unit[row],
                                    minlength=len(patterns.frequency)) for row in picks])
    for alpha, row in zip(patterns.alphas(weights), picks, strict=True):
        direct = krippendorff_alpha_nominal(data[:, patterns.units[row]])
        if direct is None:
            assert np.isnan(alpha)
        else:
            assert alpha == pytest.approx(direct, abs=1e-9)


def naive_draws(data: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """Alpha of `draws` resamples of the pairable units (columns), drawn one by one."""
    rng = np.random.default_rng(seed)
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    n = pairable.shape[1]
    alphas = [krippendorff_alpha_nominal(pairable[:, rng.integers(0, n, n)])
              for _ in range(draws)]
    return np.array([a for a in alphas if a is not None])


def test_draws_have_the_distribution_of_resampling_units_one_by_one():
    data = noisy_data()
    ours = bootstrap_alpha_draws(counts_of(data), draws=4000, seed=1)
    naive = naive_draws(data, 4000, seed=2)
    assert len(ours) == len(naive) == 4000
    # Two-sample Kolmogorov-Smirnov distance; 1.95 * sqrt(2 / 4000) is its 0.1% critical value
    # for samples of one continuous distribution (conservative for discrete ones).
    grid = np.union1d(ours, naive)
    distance = np.abs(np.searchsorted(np.sort(ours), grid, side="right")
                      - np.searchsorted(np.sort(naive), grid, side="right")).max() / 4000
    assert distance < 1.95 * np.sqrt(2 / 4000)


@pytest.mark.parametrize(("level", "percentiles"), [(0.95, [2.5, 97.5]), (0.9, [5, 95]),
                                                    (0.5, [25, 75])])
def test_interval_is_the_central_percentiles_of_the_draws(level, percentiles):
    counts = counts_of(noisy_data())
    draws = bootstrap_alpha_draws(counts, draws=2000, seed=7)
    expected = tuple(np.percentile(draws, percentiles).tolist())
    assert bootstrap_alpha_interval(counts, draws=2000, seed=7, level=level) == expected


def test_the_default_interval_is_95_percent_and_wider_than_90_percent():
    data = noisy_data()
    counts = counts_of(data)
    draws = bootstrap_alpha_draws(counts, draws=2000, seed=3)
    low, high = bootstrap_alpha_interval(counts, draws=2000, seed=3)
    assert np.mean(draws < low) == pytest.approx(0.025, abs=0.001)
    assert np.mean(draws > high) == pytest.approx(0.025, abs=0.001)
    narrow = bootstrap_alpha_interval(counts, draws=2000, seed=3, level=0.9)
    assert low < narrow[0] < krippendorff_alpha_nominal(data) < narrow[1] < high


def test_same_seed_same_interval_other_seed_other_interval():
    counts = counts_of(noisy_data())
    first = bootstrap_alpha_interval(counts, draws=300, seed=5)
    assert bootstrap_alpha_interval(counts, draws=300, seed=5) == first
    assert bootstrap_alpha_interval(counts, draws=300, seed=6) != first


def test_perfect_agreement_gives_a_point_interval_at_one():
    data = np.tile(np.arange(30) % 3, (3, 1)).astype(float)
    assert bootstrap_alpha_interval(counts_of(data), draws=200) == (1.0, 1.0)


def test_undefined_cases_give_none():
    assert bootstrap_alpha_interval(counts_of(np.ones((3, 10))), draws=50) is None
    assert bootstrap_alpha_interval(counts_of(noisy_data()), draws=0) is None
    assert bootstrap_alpha_interval(counts_of(np.zeros((2, 0))), draws=50) is None


def test_sparse_and_dense_arithmetic_give_the_same_interval(monkeypatch):
    from app.agreement import bootstrap

    counts = counts_of(noisy_data(categories=40, n_units=200))
    dense = bootstrap_alpha_interval(counts, draws=200, seed=9)
    monkeypatch.setattr(bootstrap, "_DENSE_FACTOR", 0)
    assert bootstrap_alpha_interval(counts, draws=200, seed=9) == pytest.approx(dense, abs=1e-12)


def test_pattern_weights_resample_every_pairable_unit_count_with_the_right_means():
    # Many rare patterns (drawn unit by unit from a pool) and a few common ones.
    counts = counts_of(noisy_data(n_units=600, categories=6, agreement=0.8, seed=8))
    patterns = _Patterns(counts)
    assert (patterns.frequency <= 8).any() and (patterns.frequency > 8).any()
    weights = patterns.draw_weights(np.random.default_rng(4), 3000)
    assert (weights >= 0).all()
    assert (weights.sum(axis=1) == len(patterns.units)).all()
    expected = patterns.frequency  # mean of a multinomial draw: n * f / n
    spread = np.sqrt(patterns.frequency * (1 - patterns.frequency / len(patterns.units)) / 3000)
    assert (np.abs(weights.mean(axis=0) - expected) < 5 * spread + 1e-9).all()
