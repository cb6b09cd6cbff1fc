"""Gwet's AC1/AC2: Gwet's published example, and the irrCAC package on random tables."""

import numpy as np
import pandas as pd
import pytest
from irrCAC.raw import CAC

from app.agreement.alpha import UnitCounts
from app.agreement.gwet import gwet_ac, linear_weights, ordinal_weights, quadratic_weights

# Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed.: 4 raters x 12 units with missing
# ratings (the data set `cac.raw4raters` of the irrCAC packages; also Krippendorff's 2011
# example). Published (irrCAC's documentation of Gwet's example): AC1 = 0.77544, standard
# error 0.14295, p_a = 0.81818, p_e = 0.19032.
FOUR_RATERS = [
    [1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1],
    [None, None, 3, None],
]


def counts_of(rows) -> UnitCounts:
    """UnitCounts of a units x raters table (None/NaN = no rating); codes = sorted values."""
    table = np.array(rows, dtype=float)
    unit, rater = np.nonzero(~np.isnan(table))
    _, codes = np.unique(table[unit, rater], return_inverse=True)
    return UnitCounts.from_values(unit, codes, len(table))


def test_gwets_published_four_rater_example():
    result = gwet_ac(counts_of(FOUR_RATERS))
    assert round(result.value, 5) == 0.77544
    assert round(result.standard_error, 5) == 0.14295
    assert round(result.percent_agreement, 5) == 0.81818
    assert round(result.chance_agreement, 5) == 0.19032
    assert result.units == 12


def irrcac(rows, weights="identity", categories=None) -> dict:
    frame = pd.DataFrame(np.array(rows, dtype=float))
    if categories is None:  # irrCAC's own list takes NaN for a category under pandas 3
        categories = sorted(np.unique(frame.to_numpy()[~frame.isna().to_numpy()]).tolist())
    return CAC(frame, weights=weights, categories=categories, digits=15).gwet()["est"]


def random_table(rng, units, raters, categories, missing):
    table = rng.integers(0, categories, size=(units, raters)).astype(float)
    # Some agreement: copy the first rater's value with probability 0.5.
    copy = rng.random((units, raters)) < 0.5
    table = np.where(copy, table[:, :1], table)
    table[rng.random((units, raters)) < missing] = np.nan
    return table


@pytest.mark.parametrize("seed", range(12))
def test_ac1_equals_irrcac_on_random_tables(seed):
    rng = np.random.default_rng(seed)
    table = random_table(rng, int(rng.integers(5, 80)), int(rng.integers(2, 6)),
                         int(rng.integers(2, 7)), missing=0.3)
    expected = irrcac(table)
    result = gwet_ac(counts_of(table))
    assert result.value == pytest.approx(expected["coefficient_value"], abs=1e-9)
    assert result.standard_error == pytest.approx(expected["se"], abs=1e-9)
    assert result.percent_agreement == pytest.approx(expected["pa"], abs=1e-9)
    assert result.chance_agreement == pytest.approx(expected["pe"], abs=1e-9)


@pytest.mark.parametrize(("name", "make"), [("linear", linear_weights),
                                            ("quadratic", quadratic_weights),
                                            ("ordinal", ordinal_weights)])
@pytest.mark.parametrize("seed", range(4))
def test_ac2_equals_irrcac_with_each_weighting(name, make, seed):
    rng = np.random.default_rng(100 + seed)
    q = int(rng.integers(3, 7))
    table = random_table(rng, int(rng.integers(10, 60)), int(rng.integers(2, 5)), q, 0.2)
    categories = list(range(q))
    expected = irrcac(table, weights=name, categories=[float(c) for c in categories])
    assert make(q) == pytest.approx(CAC(pd.DataFrame(table), weights=name,
                                        categories=categories).weights_mat)
    unit, rater = np.nonzero(~np.isnan(table))
    counts = UnitCounts.from_values(unit, table[unit, rater].astype(int), len(table))
    result = gwet_ac(counts, make(q))
    assert result.value == pytest.approx(expected["coefficient_value"], abs=1e-9)
    assert result.standard_error == pytest.approx(expected["se"], abs=1e-9)


def test_identity_weights_give_ac1():
    counts = counts_of(FOUR_RATERS)
    assert gwet_ac(counts, np.eye(5)).value == pytest.approx(gwet_ac(counts).value, abs=1e-15)


def test_undefined_cases():
    assert gwet_ac(counts_of([[1, None], [2, None]])) is None  # no unit with two ratings
    assert gwet_ac(counts_of([[1, 1], [1, 1]])) is None  # one category
    single = gwet_ac(counts_of([[1, 2]]))
    assert single.standard_error is None and single.value == pytest.approx(-1.0)
    assert gwet_ac(counts_of([[1, 1], [2, 2]])).value == 1.0
    with pytest.raises(ValueError):
        gwet_ac(counts_of([[0, 1], [2, 2]]), np.eye(2))
