"""Krippendorff's alpha (nominal): a published worked example, the reference package, properties."""

import math
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from app.agreement.alpha import (
    UnitCounts,
    alpha_from_coincidences,
    alpha_from_unit_values,
    coincidence_matrix,
    grouped_alpha,
    krippendorff_alpha_nominal,
    one_against_rest_alphas,
)

NAN = math.nan

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Section C, "Nominal data,
# any number of observers, missing values": 4 observers (rows) x 12 units (columns).
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]
# The coincidence matrix printed with the example (values 1..5), and its alpha as published:
# n = 40 pairable values, 8 off the diagonal, sum of n_c^2 = 384, alpha = 1 - 39 * 8 / (1600 - 384).
PUBLISHED_COINCIDENCES = [
    [7, Fraction(4, 3), Fraction(1, 3), Fraction(1, 3), 0],
    [Fraction(4, 3), 10, Fraction(4, 3), Fraction(1, 3), 0],
    [Fraction(1, 3), Fraction(4, 3), 8, Fraction(1, 3), 0],
    [Fraction(1, 3), Fraction(1, 3), Fraction(1, 3), 4, 0],
    [0, 0, 0, 0, 3],
]
PUBLISHED_ALPHA = 1 - Fraction(39 * 8, 1600 - 384)


def unit_values(data) -> list[list]:
    return [[v for v in column if not math.isnan(v)] for column in np.array(data, float).T]


def test_krippendorff_2011_example_fast_path():
    alpha = krippendorff_alpha_nominal(KRIPPENDORFF_2011)
    assert alpha == pytest.approx(float(PUBLISHED_ALPHA), abs=1e-9)
    assert round(alpha, 3) == 0.743  # the figure printed in the paper


def test_krippendorff_2011_example_from_units():
    assert alpha_from_unit_values(unit_values(KRIPPENDORFF_2011)) == pytest.approx(
        float(PUBLISHED_ALPHA), abs=1e-9)


def test_krippendorff_2011_coincidence_matrix_is_the_published_one():
    labels, matrix = coincidence_matrix(unit_values(KRIPPENDORFF_2011))
    assert labels == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(matrix, np.array(PUBLISHED_COINCIDENCES, dtype=float), atol=1e-12)
    assert alpha_from_coincidences(matrix) == pytest.approx(float(PUBLISHED_ALPHA), abs=1e-9)


def test_non_integer_and_wide_ranging_values_take_the_general_path_with_the_same_result():
    data = np.array(KRIPPENDORFF_2011)
    assert krippendorff_alpha_nominal(data * 0.5 + 0.25) == pytest.approx(float(PUBLISHED_ALPHA))
    assert krippendorff_alpha_nominal(data * 10_000) == pytest.approx(float(PUBLISHED_ALPHA))
    assert alpha_from_unit_values(
        [["x" if v == 1 else str(v) for v in unit] for unit in unit_values(data)]
    ) == pytest.approx(float(PUBLISHED_ALPHA))


@pytest.mark.parametrize("data", [
    [[1, 2, 3, 4]],  # one annotator: nothing is pairable
    [[1, NAN, 3], [NAN, 2, NAN]],  # no unit holds two values
    [[1, 1, 1], [1, 1, NAN]],  # one category only: expected disagreement 0
    [[NAN, NAN], [NAN, NAN]],
    np.zeros((3, 0)),
])
def test_undefined_alpha_is_none(data):
    assert krippendorff_alpha_nominal(data) is None
    assert alpha_from_unit_values(unit_values(data)) is None


def test_none_marks_missing_values_too():
    with_none = [[None if math.isnan(v) else v for v in row] for row in KRIPPENDORFF_2011]
    assert krippendorff_alpha_nominal(with_none) == pytest.approx(float(PUBLISHED_ALPHA))


def reliability_data(max_annotators=6, max_units=40, categories=5):
    shape = st.tuples(st.integers(2, max_annotators), st.integers(1, max_units))
    return shape.flatmap(lambda s: arrays(
        np.float64, s, elements=st.one_of(st.integers(0, categories - 1).map(float),
                                          st.just(NAN))))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the package divides 0 by 0 at times
@settings(max_examples=150, deadline=None)
@given(reliability_data())
def test_matches_the_krippendorff_package(data):
    ours = krippendorff_alpha_nominal(data)
    try:
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except (ValueError, ZeroDivisionError):
        theirs = NAN  # the package refuses data with fewer than two distinct values
    if ours is None:
        assert math.isnan(theirs)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(reliability_data())
def test_unit_path_and_fast_path_agree(data):
    fast = krippendorff_alpha_nominal(data)
    slow = alpha_from_unit_values(unit_values(data))
    assert (fast is None) == (slow is None)
    if fast is not None:
        assert fast == pytest.approx(slow, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(reliability_data(), st.randoms(use_true_random=False))
def test_permuting_annotators_or_units_changes_nothing(data, random):
    rows = list(range(data.shape[0]))
    columns = list(range(data.shape[1]))
    random.shuffle(rows)
    random.shuffle(columns)
    alpha = krippendorff_alpha_nominal(data)
    for shuffled in (data[rows], data[:, columns]):
        other = krippendorff_alpha_nominal(shuffled)
        assert (alpha is None) == (other is None)
        if alpha is not None:
            assert other == pytest.approx(alpha, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(2, 5)), min_size=2, max_size=30),
       st.integers(2, 5))
def test_perfect_agreement_gives_exactly_one(units, extra):
    assume(len({category for category, _ in units}) >= 2)
    values = [[category] * size for category, size in units] + [[9]] * extra  # singles too
    assert alpha_from_unit_values(values) == 1.0


@settings(max_examples=60, deadline=None)
@given(reliability_data(max_units=25), st.lists(st.integers(0, 3), min_size=25, max_size=25))
def test_alpha_per_group_equals_alpha_of_each_group_alone(data, groups):
    group = np.array(groups[: data.shape[1]])
    present = ~np.isnan(data)
    counts = UnitCounts.from_values(np.nonzero(present)[1], data[present].astype(int),
                                    data.shape[1])
    per_group = grouped_alpha(counts, group, 4)
    for g in range(4):
        alone = krippendorff_alpha_nominal(data[:, group == g]) if (group == g).any() else None
        if alone is None:
            assert math.isnan(per_group[g])
        else:
            assert per_group[g] == pytest.approx(alone, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(reliability_data(categories=4))
def test_one_against_rest_alpha_is_alpha_of_the_yes_no_labels(data):
    present = ~np.isnan(data)
    counts = UnitCounts.from_values(np.nonzero(present)[1], data[present].astype(int),
                                    data.shape[1])
    binary = one_against_rest_alphas(counts)
    for category in range(counts.n_categories):
        yes_no = np.where(present, (data == category).astype(float), NAN)
        alone = krippendorff_alpha_nominal(yes_no)
        if alone is None:
            assert math.isnan(binary[category])
        else:
            assert binary[category] == pytest.approx(alone, abs=1e-9)
