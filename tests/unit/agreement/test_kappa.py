"""Cohen's and Fleiss' kappa on published examples; observed agreement; confusion matrices."""

from fractions import Fraction

import numpy as np
import pytest

from app.agreement.alpha import UnitCounts
from app.agreement.kappa import cohen_kappa, confusion_matrix, fleiss_kappa, observed_agreement

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories; the article
# prints P = 0.378, P_e = 0.213 and kappa = 0.210.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def fleiss_by_the_book(table) -> Fraction:
    """Fleiss (1971) eqs. 2-9 step by step, in exact fractions."""
    subjects, raters = len(table), sum(table[0])
    p_i = [Fraction(sum(x * x for x in row) - raters, raters * (raters - 1)) for row in table]
    p_bar = sum(p_i) / subjects
    p_j = [Fraction(sum(row[j] for row in table), subjects * raters) for j in range(len(table[0]))]
    p_e = sum(p * p for p in p_j)
    return (p_bar - p_e) / (1 - p_e)


def test_fleiss_wikipedia_example():
    expected = fleiss_by_the_book(FLEISS_TABLE)
    assert round(float(expected), 3) == 0.210  # as printed
    assert fleiss_kappa(FLEISS_TABLE) == pytest.approx(float(expected), abs=1e-12)


@pytest.mark.parametrize("table, published, exact", [
    # Wikipedia, "Cohen's kappa", simple example: 50 grant proposals, two readers, yes/no:
    # p_o = 0.7, p_e = 0.5, kappa = 0.4.
    ([[20, 5], [10, 15]], 0.4, Fraction(2, 5)),
    # Same article, "same percentages but different numbers": p_o = 0.60 in both tables;
    # kappa = 0.1304 and 0.2593.
    ([[45, 15], [25, 15]], 0.1304, Fraction(3, 23)),
    ([[25, 35], [5, 35]], 0.2593, Fraction(7, 27)),
])
def test_cohen_published_examples(table, published, exact):
    kappa = cohen_kappa(np.array(table))
    assert kappa == pytest.approx(float(exact), abs=1e-12)
    assert round(kappa, 4) == published


def test_cohen_perfect_agreement_is_exactly_one_and_chance_only_is_none():
    assert cohen_kappa(np.diag([3, 4, 5])) == 1.0
    assert cohen_kappa(np.array([[7]])) is None  # one category: p_e = 1
    assert cohen_kappa(np.zeros((2, 2), dtype=int)) is None
    assert cohen_kappa(np.array([[0, 5], [5, 0]])) == -1.0


def test_fleiss_perfect_agreement_and_undefined_cases():
    assert fleiss_kappa([[3, 0], [0, 3], [3, 0]]) == 1.0
    assert fleiss_kappa([[3, 0], [3, 0]]) is None  # everyone always says the same: P_e = 1
    assert fleiss_kappa(np.zeros((0, 3), dtype=int)) is None
    assert fleiss_kappa([[1, 0], [0, 1]]) is None  # one rating per subject
    with pytest.raises(ValueError):
        fleiss_kappa([[2, 1], [1, 1]])


def test_observed_agreement_counts_agreeing_pairs_of_values():
    # Unit 0: a, a, b -> 1 agreeing of 3 pairs; unit 1: c, c -> 1 of 1; unit 2: one value only.
    counts = UnitCounts.from_values(np.array([0, 0, 0, 1, 1, 2]), np.array([0, 0, 1, 2, 2, 0]), 3)
    assert observed_agreement(counts) == 2 / 4
    assert observed_agreement(UnitCounts.from_values(np.array([0]), np.array([1]), 1)) is None


def test_confusion_matrix_covers_units_both_labelled_and_the_labels_they_used():
    first = np.array([0, 0, 1, 3, -1, 2])
    second = np.array([0, 1, 1, 3, 2, -1])
    used, matrix = confusion_matrix(first, second)
    assert used.tolist() == [0, 1, 3]
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
