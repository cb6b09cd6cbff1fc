"""Tests for Krippendorff's unitizing alpha (app/agreement/unitizing.py).

Reference values come from DKPro Agreement 2.3.1 (github.com/dkpro/dkpro-statistics, tag
dkpro-statistics-2.3.1, package org.dkpro.statistics.agreement.unitizing). Its tests live in
three classes, Krippendorff1995Test, Krippendorff2004Test and UnitizingAgreementTest; every
numeric case that fits our interface is ported below and names its source. Those tests assert
rounded figures with loose tolerances; the full-precision figures asserted here (to 1e-9) were
printed by DKPro 2.3.1 itself, compiled from that tag and run on the same studies.

Papers: Krippendorff, K. (1995) On the reliability of unitizing contiguous data, Sociological
Methodology 25:47-76 (example p. 57); Krippendorff, K. (2004) Content Analysis, 2nd ed. (p. 254).
"""

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.agreement.unitizing import (
    UnitizingResult,
    category_disagreements,
    mean_unitizing_alpha,
    unitizing_alpha,
)

TOLERANCE = 1e-9

# Krippendorff (1995: p. 57), as DKPro's Krippendorff1995Test.createExample builds it:
# (offset, length, annotator, category) on a continuum of 24, two annotators.
KRIPPENDORFF_1995_UNITS = [
    (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
    (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"),
    (5, 1, 1, "B"), (6, 3, 1, "B"), (9, 1, 1, "B"),
    (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"),
    (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
    (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"),
    (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
]  # fmt: skip


def krippendorff_1995_example(stretch: float, categories: str = "ABCD"):
    """DKPro stretches the example by a factor, truncating every figure to an integer."""

    def scaled(x):
        return int(x * stretch)

    segments = [
        (str(annotator), scaled(offset), scaled(offset) + scaled(length), category)
        for offset, length, annotator, category in KRIPPENDORFF_1995_UNITS
        if category in categories
    ]
    return scaled(24), ["0", "1"], segments


def krippendorff_2004_example():
    """Krippendorff (2004: p. 254) as in Krippendorff2004Test.createExample.

    DKPro's continuum starts at 150 with length 300; ours start at 0, so every offset is
    moved by -150 (alpha_U only looks at differences of positions).
    """
    units = [
        (225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"),
        (400, 20, 1, "c"), (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"),
        (300, 50, 1, "k"),
    ]  # fmt: skip
    segments = [(str(a), o - 150, o - 150 + n, c) for o, n, a, c in units]
    return 300, ["0", "1"], segments


# --- Krippendorff1995Test ---------------------------------------------------------------


def test_1995_observed_disagreement_per_category():
    """Krippendorff1995Test.testAgreement, first half: D_o at stretch 1."""
    disagreements = category_disagreements(*krippendorff_1995_example(1))
    # DKPro asserts 0.03125, 2.26736, 0.02777, 0.38715 (+-1e-5)
    expected = {"A": 18 / 576, "B": 1306 / 576, "C": 16 / 576, "D": 223 / 576}
    for category, value in expected.items():
        assert disagreements[category].observed == pytest.approx(value, abs=TOLERANCE)


def test_1995_expected_disagreement_and_alpha_per_category():
    """Krippendorff1995Test.testAgreement, second half: D_e and alpha at stretch 50000.

    DKPro's test asserts the paper's figures with tolerances 0.005 (D_e) and 0.02 (alpha):
    D_e = 0.06990, 1.17731, 0.08642, 0.41445 and alpha = 0.553, -0.926, 0.679, 0.066.
    We reproduce what DKPro actually computes (see test_1995_category_c_slip for C).
    """
    length, annotators, segments = krippendorff_1995_example(50000)
    disagreements = category_disagreements(length, annotators, segments)
    result = unitizing_alpha(length, annotators, segments)
    dkpro = {  # category: (D_e, alpha) printed by DKPro 2.3.1
        "A": (0.0699021974111251, 0.5529468148732835),
        "B": (1.175782583692202, -0.9283846712468944),
        "C": (0.0905045881736827, 0.6930787892822531),
        "D": (0.41445228613805307, 0.06586888110729805),
    }
    for category, (expected, alpha) in dkpro.items():
        assert disagreements[category].expected == pytest.approx(expected, abs=TOLERANCE)
        assert result.per_category[category] == pytest.approx(alpha, abs=TOLERANCE)
    # DKPro's calculateAgreement() on the same study (not asserted by DKPro's test).
    assert result.overall == pytest.approx(-0.5500269048626674, abs=TOLERANCE)


@pytest.mark.parametrize(
    ("stretch", "expected", "alpha"),
    [
        (12 / 24.0, 0.05493827160493827, 0.4943820224719101),  # DKPro: 0.05494, 0.494
        (120 / 24.0, 0.08598664238008501, 0.6769524078519984),  # DKPro: 0.08234, 0.663
        (1200 / 24.0, 0.09004376553312723, 0.6915080393038617),  # DKPro: 0.08600, 0.677
        (12000 / 24.0, 0.09045882773626188, 0.6929235269468056),  # DKPro: 0.08638, 0.678
        (120000 / 24.0, 0.09050042728562536, 0.6930646781356151),  # DKPro: 0.08642, 0.679
        (1200000 / 24.0, 0.0905045881736827, 0.6930787892822531),  # DKPro: 0.08642, 0.679
    ],
)
def test_1995_varying_lengths_category_c(stretch, expected, alpha):
    """Krippendorff1995Test.testVaryingLengths: category C as the continuum is refined.

    At stretch 0.5 DKPro's study also holds zero-length units of category B, which our
    interface rejects; D_o, D_e and alpha of C depend only on the units of C, so only those
    are passed.
    """
    length, annotators, segments = krippendorff_1995_example(stretch, categories="C")
    disagreements = category_disagreements(length, annotators, segments)["C"]
    assert disagreements.observed == pytest.approx(16 / 576, abs=TOLERANCE)  # DKPro: 0.02777
    assert disagreements.expected == pytest.approx(expected, abs=TOLERANCE)
    result = unitizing_alpha(length, annotators, segments)
    assert result.per_category["C"] == pytest.approx(alpha, abs=TOLERANCE)


def test_1995_category_c_slip():
    """The paper's category-C figures carry an arithmetic slip; we follow DKPro, not the paper.

    Krippendorff (1995) reports D_e(C) = .08642 and alpha(C) = .679 for the fine-grained
    continuum. DKPro's test notes "a small error in the computation of D_E in the original
    reference", possibly a '+' for a '-' in (l_ik + l_hj + 1), see Krippendorff (2004), and keeps
    the paper's values only within a wide tolerance. DKPro computes 0.090505 and 0.69308.
    """
    length, annotators, segments = krippendorff_1995_example(1200000 / 24.0, categories="C")
    disagreements = category_disagreements(length, annotators, segments)["C"]
    assert disagreements.expected == pytest.approx(0.0905045881736827, abs=TOLERANCE)
    assert abs(disagreements.expected - 0.08642) > 0.004  # the paper's value is not reproduced
    alpha = unitizing_alpha(length, annotators, segments).per_category["C"]
    assert alpha == pytest.approx(0.6930787892822531, abs=TOLERANCE)


# --- Krippendorff2004Test ---------------------------------------------------------------


def test_2004_overall_agreement():
    """Krippendorff2004Test.testAgreement: DKPro asserts 0.8591 +- 0.0005."""
    result = unitizing_alpha(*krippendorff_2004_example())
    assert result.overall == pytest.approx(0.8586654051841702, abs=TOLERANCE)


def test_2004_category_agreement():
    """Krippendorff2004Test.testCategoryAgreement: c = 0.0144, 0.0532, 0.7286; k = 0, 0.0490, 1."""
    length, annotators, segments = krippendorff_2004_example()
    disagreements = category_disagreements(length, annotators, segments)
    result = unitizing_alpha(length, annotators, segments)
    # D_o(c) = (50 + 850 + 400) / 300^2: the three distances of testDistanceMetric2.
    assert disagreements["c"].observed == pytest.approx(1300 / 90000, abs=TOLERANCE)
    assert disagreements["c"].expected == pytest.approx(0.05322177985498048, abs=TOLERANCE)
    assert result.per_category["c"] == pytest.approx(0.728598996805389, abs=TOLERANCE)
    assert disagreements["k"].observed == 0.0
    assert disagreements["k"].expected == pytest.approx(0.04897856580891524, abs=TOLERANCE)
    assert result.per_category["k"] == pytest.approx(1.0, abs=TOLERANCE)


@pytest.mark.parametrize(
    ("unit_0", "unit_1", "distance"),
    [
        ((5, 11), (2, 4), 40),  # testDistanceMetric1: 2^2 (gap of 0) + 6^2 (gap of 1)
        ((5, 11), (3, 5), 40),  # testDistanceMetric1: the same with touching units
        ((5, 11), (4, 6), 26),
        ((5, 11), (5, 7), 16),
        ((5, 11), (6, 8), 10),
        ((5, 11), (7, 9), 8),
        ((5, 11), (6, 10), 2),
        ((5, 11), (5, 11), 0),
        ((1, 9), (2, 3), 37),  # UnitizingAgreementTest.testDistanceMetric
        ((1, 9), (4, 5), 25),
        ((1, 9), (6, 7), 29),
    ],
)
def test_distance_between_two_annotators(unit_0, unit_1, distance):
    """Krippendorff2004Test.testDistanceMetric1 and UnitizingAgreementTest.testDistanceMetric.

    DKPro tests its segment distance directly; we test it through the study it belongs to:
    with two annotators, D_o * L^2 is the sum of the distances of overlapping segments.
    """
    length = 11
    segments = [("0", *unit_0, "X"), ("1", *unit_1, "X")]
    observed = category_disagreements(length, ["0", "1"], segments)["X"].observed
    assert observed * length**2 == pytest.approx(distance, abs=TOLERANCE)


# --- UnitizingAgreementTest ---------------------------------------------------------------


def test_unitizing_agreement_example():
    """UnitizingAgreementTest.testAgreement: D_o 0.9100, D_e 0.5351, alpha -0.7003 (+-1e-4)."""
    segments = [("0", 1, 9, "A"), ("1", 2, 3, "A"), ("1", 4, 5, "A"), ("1", 6, 7, "A")]
    disagreements = category_disagreements(10, ["0", "1"], segments)["A"]
    assert disagreements.observed == pytest.approx(0.91, abs=TOLERANCE)
    assert disagreements.expected == pytest.approx(0.5351851851851852, abs=TOLERANCE)
    result = unitizing_alpha(10, ["0", "1"], segments)
    assert result.per_category["A"] == pytest.approx(-0.7003460207612457, abs=TOLERANCE)
    assert result.overall == pytest.approx(-0.7003460207612457, abs=TOLERANCE)


def test_single_annotation_unit_gives_zero():
    """UnitizingAgreementTest.testSingleAnnotationUnit: one unit among three annotators -> 0.0."""
    result = unitizing_alpha(20, ["0", "1", "2"], [("0", 0, 1, "X")])
    disagreements = category_disagreements(20, ["0", "1", "2"], [("0", 0, 1, "X")])["X"]
    assert disagreements.observed == pytest.approx(1 / 600, abs=TOLERANCE)
    assert disagreements.expected == pytest.approx(1 / 600, abs=TOLERANCE)
    assert result.overall == pytest.approx(0.0, abs=TOLERANCE)


def test_empty_annotation_set_is_undefined():
    """UnitizingAgreementTest.testEmptyAnnotationSet: DKPro gives NaN, we give None."""
    assert unitizing_alpha(20, ["0", "1", "2"], []) == UnitizingResult(None, {})


def test_identical_units_with_positive_length_agree_fully():
    """UnitizingAgreementTest.testZeroLengthUnitsMixedWithPositiveLengthUnits, minus the
    zero-length unit our interface rejects (which would change D_e): both mark [2, 7)."""
    segments = [("0", 2, 7, "A"), ("1", 2, 7, "A")]
    disagreements = category_disagreements(15, ["0", "1"], segments)["A"]
    assert disagreements.expected == pytest.approx(0.08353413654618475, abs=TOLERANCE)
    assert unitizing_alpha(15, ["0", "1"], segments).overall == 1.0


def test_zero_length_units_are_rejected():
    """UnitizingAgreementTest.testOnlyZeroLengthUnits*: spans must have start < end here."""
    with pytest.raises(ValueError, match="start >= end"):
        unitizing_alpha(15, ["0", "1"], [("0", 0, 0, "A"), ("1", 0, 0, "B")])


# --- Undefined cases and bad input ------------------------------------------------------


def test_one_annotator_is_undefined_but_names_its_categories():
    result = unitizing_alpha(10, ["ann"], [("ann", 0, 3, "X"), ("ann", 5, 6, "Y")])
    assert result == UnitizingResult(None, {"X": None, "Y": None})


def test_empty_continuum_without_segments_is_undefined():
    assert unitizing_alpha(0, ["a", "b"], []) == UnitizingResult(None, {})


def test_zero_expected_disagreement_is_undefined():
    """Both annotators tile [0, 3) with length-1 units: nothing could have differed."""
    tiles = [(name, i, i + 1, "X") for name in "ab" for i in range(3)]
    assert unitizing_alpha(3, ["a", "b"], tiles) == UnitizingResult(None, {"X": None})


def test_an_undefined_category_does_not_hide_the_others():
    segments = [("a", 0, 1, "X"), ("b", 0, 1, "X"), ("a", 0, 1, "Y")]
    result = unitizing_alpha(1, ["a", "b"], segments)
    assert result.per_category["X"] is None
    assert result.per_category["Y"] is not None
    assert result.overall == result.per_category["Y"]


@pytest.mark.parametrize(
    ("segment", "problem"),
    [
        (("a", -1, 3, "X"), "start < 0"),
        (("a", 2, 11, "X"), "end > length"),
        (("a", 4, 4, "X"), "start >= end"),
        (("a", 5, 4, "X"), "start >= end"),
        (("zed", 1, 2, "X"), "'zed' is not in annotators"),
        (("a", 1.5, 2, "X"), "integers"),
    ],
)
def test_bad_segments_raise_value_error_naming_the_problem(segment, problem):
    with pytest.raises(ValueError, match=problem):
        unitizing_alpha(10, ["a", "b"], [("b", 0, 1, "X"), segment])


def test_bad_length_or_annotators_raise_value_error():
    with pytest.raises(ValueError, match="length"):
        unitizing_alpha(-1, ["a", "b"], [])
    with pytest.raises(ValueError, match="repeat"):
        unitizing_alpha(10, ["a", "a"], [])


# --- Overlapping spans of one annotator and category (INCEpTION's rule) --------------------


def other_annotators():
    return [("b", 1, 4, "X"), ("b", 6, 9, "X"), ("c", 0, 10, "X"), ("b", 2, 3, "Y")]


@pytest.mark.parametrize(
    ("overlapping", "kept"),
    [
        ([("a", 0, 10, "X"), ("a", 2, 5, "X")], [("a", 0, 10, "X")]),  # nested
        ([("a", 2, 5, "X"), ("a", 2, 5, "X")], [("a", 2, 5, "X")]),  # duplicate
        ([("a", 2, 5, "X"), ("a", 2, 8, "X")], [("a", 2, 8, "X")]),  # same start: longer wins
        # a skipped span still blocks the next one: [3, 8) overlaps [0, 5), [6, 9) overlaps [3, 8)
        ([("a", 0, 5, "X"), ("a", 3, 8, "X"), ("a", 6, 9, "X")], [("a", 0, 5, "X")]),
    ],
)
def test_overlapping_spans_of_one_category_keep_the_first_in_document_order(overlapping, kept):
    """INCEpTION feeds DKPro (which needs disjoint units) only the first of overlapping spans."""
    annotators = ["a", "b", "c"]
    with_overlaps = unitizing_alpha(10, annotators, overlapping + other_annotators())
    without = unitizing_alpha(10, annotators, kept + other_annotators())
    assert with_overlaps == without


def test_overlapping_spans_of_different_categories_both_count():
    segments = [("a", 0, 10, "X"), ("a", 2, 5, "Y"), *other_annotators()]
    without_y = [s for s in segments if s != ("a", 2, 5, "Y")]
    with_y = unitizing_alpha(10, ["a", "b", "c"], segments).per_category["Y"]
    assert with_y != unitizing_alpha(10, ["a", "b", "c"], without_y).per_category["Y"]


# --- Mean over documents -----------------------------------------------------------------


def test_mean_over_documents_ignores_undefined_figures():
    results = [
        UnitizingResult(0.5, {"X": 0.25, "Y": None}),
        UnitizingResult(None, {"X": None}),
        UnitizingResult(0.9, {"X": 0.75, "Z": 1.0}),
    ]
    mean = mean_unitizing_alpha(results)
    assert mean.overall == pytest.approx(0.7)
    assert mean.per_category == {"X": pytest.approx(0.5), "Y": None, "Z": 1.0}


def test_mean_of_nothing_is_undefined():
    assert mean_unitizing_alpha([]) == UnitizingResult(None, {})
    assert mean_unitizing_alpha([UnitizingResult(None, {})]) == UnitizingResult(None, {})


# --- Properties, against a quadratic reference written straight from the formulas ---------


def reference_units(annotators, segments):
    """INCEpTION's rule, quadratic: in (start, longest first) order, a span is dropped when any
    earlier span of the same annotator and category (dropped or not) overlaps it."""
    kept = []
    for annotator in annotators:
        for category in sorted({c for a, _, _, c in segments if a == annotator}):
            spans = sorted(
                ((s, e) for a, s, e, c in segments if a == annotator and c == category),
                key=lambda span: (span[0], -span[1]),
            )
            for i, (start, end) in enumerate(spans):
                if all(earlier_end <= start for _, earlier_end in spans[:i]):
                    kept.append((annotator, start, end, category))
    return kept


def reference_segmentation(length, units):
    """An annotator's continuum cut into (start, end, is_unit) pieces for one category."""
    pieces, position = [], 0
    for start, end in sorted(units):
        if start > position:
            pieces.append((position, start, False))
        pieces.append((start, end, True))
        position = end
    if position < length:
        pieces.append((position, length, False))
    return pieces


def reference_distance(piece_1, piece_2):
    """Krippendorff (1995; 2004): squared boundary differences of overlapping units, the
    squared length of a unit lying inside the other annotator's gap, else nothing."""
    (b1, e1, unit_1), (b2, e2, unit_2) = piece_1, piece_2
    if unit_1 and unit_2 and b1 < e2 and b2 < e1:
        return (b1 - b2) ** 2 + (e1 - e2) ** 2
    if unit_1 and not unit_2 and b2 <= b1 and e1 <= e2:
        return (e1 - b1) ** 2
    if unit_2 and not unit_1 and b1 <= b2 and e2 <= e1:
        return (e2 - b2) ** 2
    return 0


def reference_disagreements(length, annotators, segments):
    """{category: (D_o, D_e)} as exact fractions, pairing everything with everything."""
    units = reference_units(annotators, segments)
    n, total_length = len(annotators), length
    result = {}
    for category in sorted({c for *_, c in units}):
        pieces = [
            reference_segmentation(
                length, [(s, e) for a, s, e, c in units if a == name and c == category]
            )
            for name in annotators
        ]
        observed_sum = sum(
            reference_distance(p, q)
            for i in range(n)
            for j in range(i + 1, n)
            for p in pieces[i]
            for q in pieces[j]
        )
        observed = Fraction(2 * observed_sum, n * (n - 1) * total_length**2)
        lengths = [e - s for p in pieces for s, e, is_unit in p if is_unit]
        gaps = [e - s for p in pieces for s, e, is_unit in p if not is_unit]
        count = len(lengths)
        numerator = sum(
            Fraction((count - 1) * (2 * size**3 - 3 * size**2 + size), 3)
            + size**2 * sum(g - size + 1 for g in gaps if g >= size)
            for size in lengths
        )
        all_positions = n * total_length * (n * total_length - 1)
        denominator = all_positions - sum(size * (size - 1) for size in lengths)
        result[category] = (observed, Fraction(2, total_length) * numerator / denominator)
    return result


@st.composite
def codings(draw, max_segments=14):
    """A small continuum, 2-4 annotators and random (possibly overlapping) spans."""
    length = draw(st.integers(1, 30))
    annotators = [f"ann{i}" for i in range(draw(st.integers(2, 4)))]
    span = st.integers(0, length - 1).flatmap(
        lambda start: st.tuples(st.just(start), st.integers(start + 1, length))
    )
    segment = st.tuples(st.sampled_from(annotators), span, st.sampled_from("xyz"))
    drawn = draw(st.lists(segment, max_size=max_segments))
    return length, annotators, [(a, s, e, c) for a, (s, e), c in drawn]


@settings(max_examples=200, deadline=None)
@given(codings())
def test_fast_implementation_equals_quadratic_reference(coding):
    length, annotators, segments = coding
    reference = reference_disagreements(length, annotators, segments)
    fast = category_disagreements(length, annotators, segments)
    assert fast.keys() == reference.keys()
    for category, (observed, expected) in reference.items():
        assert fast[category].observed == pytest.approx(float(observed), abs=TOLERANCE)
        assert fast[category].expected == pytest.approx(float(expected), abs=TOLERANCE)
    result = unitizing_alpha(length, annotators, segments)
    for category, (observed, expected) in reference.items():
        alpha = None if expected == 0 else float(1 - observed / expected)
        assert result.per_category[category] == pytest.approx(alpha, abs=TOLERANCE)
    expected_total = sum(e for _, e in reference.values())
    if reference and expected_total:
        overall = 1 - sum(o for o, _ in reference.values()) / expected_total
        assert result.overall == pytest.approx(float(overall), abs=TOLERANCE)
    else:
        assert result.overall is None


@settings(max_examples=100, deadline=None)
@given(codings(), st.randoms(use_true_random=False))
def test_order_of_annotators_and_segments_does_not_matter(coding, rng):
    length, annotators, segments = coding
    shuffled_annotators, shuffled_segments = list(annotators), list(segments)
    rng.shuffle(shuffled_annotators)
    rng.shuffle(shuffled_segments)
    original = unitizing_alpha(length, annotators, segments)
    shuffled = unitizing_alpha(length, shuffled_annotators, shuffled_segments)
    assert shuffled.per_category.keys() == original.per_category.keys()
    for category, alpha in original.per_category.items():
        assert shuffled.per_category[category] == pytest.approx(alpha, abs=1e-12)
    assert shuffled.overall == pytest.approx(original.overall, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(codings(), st.integers(2, 5))
def test_identical_codings_agree_fully(coding, annotator_count):
    length, _, segments = coding
    annotators = [f"copy{i}" for i in range(annotator_count)]
    copies = [(name, s, e, c) for name in annotators for _, s, e, c in segments]
    result = unitizing_alpha(length, annotators, copies)
    for alpha in result.per_category.values():
        assert alpha is None or alpha == pytest.approx(1.0, abs=TOLERANCE)
    if any(alpha is not None for alpha in result.per_category.values()):
        assert result.overall == pytest.approx(1.0, abs=TOLERANCE)


def test_long_random_continuum_matches_reference():
    """Beyond hypothesis's small examples: 200 spans, three annotators, one continuum."""
    rng = random.Random(20240601)
    annotators = ["a", "b", "c"]
    segments = []
    for _ in range(200):
        start = rng.randrange(995)
        segments.append(
            (rng.choice(annotators), start, start + rng.randint(1, 5), rng.choice("xy"))
        )
    reference = reference_disagreements(1000, annotators, segments)
    fast = category_disagreements(1000, annotators, segments)
    for category, (observed, expected) in reference.items():
        assert fast[category].observed == pytest.approx(float(observed), abs=TOLERANCE)
        assert fast[category].expected == pytest.approx(float(expected), abs=TOLERANCE)
