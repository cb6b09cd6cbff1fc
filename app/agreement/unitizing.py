"""Krippendorff's unitizing alpha (alpha_U), computed the way DKPro Agreement 2.3.1 does.

Sources:
- Krippendorff, K. (1995). On the reliability of unitizing contiguous data.
  Sociological Methodology 25:47-76 (definition of alpha_U and the worked example, p. 57).
- Krippendorff, K. (2004). Content Analysis, 2nd ed. (the measure restated; DKPro follows its
  form of the expected disagreement; worked example on p. 254).
- DKPro Agreement 2.3.1, class KrippendorffAlphaUnitizingAgreement: the figure INCEpTION
  reports. We match its per-category observed and expected disagreement and its overall value.
- INCEpTION, KrippendorffAlphaUnitizingAgreementMeasure: how overlapping spans of one
  annotator and one category are reduced before DKPro sees them (see _drop_overlapping_units).

Per category c, the continuum [0, L) of each of the R annotators is cut into units (spans of
category c) and gaps (everything else). The disagreement of two annotators is a sum over their
overlapping segments: two overlapping units cost (start difference)^2 + (end difference)^2;
a unit lying entirely inside the other annotator's gap costs its length squared; anything else
costs nothing. D_o(c) averages this over annotator pairs and divides by L^2. D_e(c) is
Krippendorff's expectation over all ways of placing the same units and gaps on the continuum.
The overall figure pools categories: 1 - sum_c D_o(c) / sum_c D_e(c) (DKPro divides both sums
by the number of categories, which cancels).

Both terms run in O(n log n) for n spans: sorting plus binary search instead of all pairs.
See docs/unitizing.md for the formulas and the choices made at the edges.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class UnitizingResult:
    overall: float | None  # pooled over categories: 1 - sum(D_o)/sum(D_e); None when undefined
    per_category: dict[str, float | None]  # category -> alpha_U (None when D_e == 0)


@dataclass(frozen=True)
class CategoryDisagreement:
    observed: float  # D_o(c), as DKPro's calculateObservedCategoryDisagreement
    expected: float  # D_e(c), as DKPro's calculateExpectedCategoryDisagreement


@dataclass(frozen=True)
class _Units:
    """Every kept unit, sorted by (category, annotator, start); units of one group are disjoint."""

    length: int
    annotator_count: int
    categories: list[str]
    category: np.ndarray  # index into categories
    annotator: np.ndarray  # index into the annotators sequence
    start: np.ndarray
    end: np.ndarray


def unitizing_alpha(
    length: int, annotators: Sequence[str], segments: Iterable[tuple[str, int, int, str]]
) -> UnitizingResult:
    """One continuum [0, length) coded by `annotators`.

    Segments are (annotator, start, end, category) with 0 <= start < end <= length.
    """
    units = _collect_units(length, annotators, segments)
    if units is None:
        return UnitizingResult(overall=None, per_category={})
    if units.annotator_count < 2:
        # Agreement needs two annotators; still name the categories so callers can list them.
        return UnitizingResult(overall=None, per_category=dict.fromkeys(sorted(units.categories)))
    disagreements = _disagreements(units)
    per_category = {
        category: _alpha(d.observed, d.expected) for category, d in disagreements.items()
    }
    overall = _alpha(
        sum(d.observed for d in disagreements.values()),
        sum(d.expected for d in disagreements.values()),
    )
    return UnitizingResult(overall=overall, per_category=per_category)


def mean_unitizing_alpha(results: Iterable[UnitizingResult]) -> UnitizingResult:
    """Project figure: mean over documents of each figure, ignoring None (None if all None)."""
    overall_values: list[float] = []
    category_values: dict[str, list[float]] = {}
    for result in results:
        if result.overall is not None:
            overall_values.append(result.overall)
        for category, value in result.per_category.items():
            values = category_values.setdefault(category, [])
            if value is not None:
                values.append(value)
    return UnitizingResult(
        overall=_mean_or_none(overall_values),
        per_category={c: _mean_or_none(v) for c, v in sorted(category_values.items())},
    )


def category_disagreements(
    length: int, annotators: Sequence[str], segments: Iterable[tuple[str, int, int, str]]
) -> dict[str, CategoryDisagreement]:
    """D_o(c) and D_e(c) for every category used; empty when alpha_U cannot be defined.

    Undefined cases (fewer than two annotators, an empty continuum, no segments) give {}.
    Malformed input raises ValueError.
    """
    units = _collect_units(length, annotators, segments)
    if units is None or units.annotator_count < 2:
        return {}
    return _disagreements(units)


def _disagreements(units: _Units) -> dict[str, CategoryDisagreement]:
    observed = _observed_disagreements(units)
    expected = _expected_disagreements(units)
    return {
        category: CategoryDisagreement(float(observed[i]), float(expected[i]))
        for i, category in sorted(enumerate(units.categories), key=lambda item: item[1])
    }


def _alpha(observed: float, expected: float) -> float | None:
    # D_e == 0 only when every annotator tiles the whole continuum with length-1 units of the
    # category: nothing could have differed, so alpha_U is undefined (DKPro says 0.0 for the
    # category and 1.0 overall).
    if expected == 0.0:
        return None
    return 1.0 - observed / expected


def _mean_or_none(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _collect_units(
    length: int, annotators: Sequence[str], segments: Iterable[tuple[str, int, int, str]]
) -> _Units | None:
    """Validate the input and return the sorted, overlap-free units; None when there are none."""
    if isinstance(length, bool) or not isinstance(length, int | np.integer) or length < 0:
        raise ValueError(f"length must be a non-negative integer, got {length!r}")
    length = int(length)
    annotator_index = {name: i for i, name in enumerate(annotators)}
    if len(annotator_index) != len(annotators):
        raise ValueError("annotators must not repeat a name")
    rows = list(segments)
    if not rows:
        return None
    if set(map(len, rows)) != {4}:
        raise ValueError("segments must be (annotator, start, end, category) tuples")
    # Column by column: much faster than zip(*rows) on a million rows.
    try:
        names = (row[0] for row in rows)
        annotator = np.fromiter(map(annotator_index.__getitem__, names), np.int64)
    except KeyError as missing:
        raise ValueError(f"segment annotator {missing.args[0]!r} is not in annotators") from None
    start = _integer_array([row[1] for row in rows], "start")
    end = _integer_array([row[2] for row in rows], "end")
    _check_bounds(length, start, end)
    labels = [row[3] for row in rows]
    category_index = {label: i for i, label in enumerate(dict.fromkeys(labels))}
    category = np.fromiter(map(category_index.__getitem__, labels), np.int64)
    group = category * len(annotator_index) + annotator
    order = np.lexsort((-end, group * (length + 1) + start))
    group, category, annotator = group[order], category[order], annotator[order]
    start, end = start[order], end[order]
    keep = _drop_overlapping_units(length, group, start, end)
    return _Units(
        length=length,
        annotator_count=len(annotator_index),
        categories=list(category_index),
        category=category[keep],
        annotator=annotator[keep],
        start=start[keep],
        end=end[keep],
    )


def _integer_array(values: list, name: str) -> np.ndarray:
    array = np.array(values)
    if array.dtype.kind not in "iu":
        raise ValueError(f"segment {name} offsets must be integers")
    return array.astype(np.int64)


def _check_bounds(length: int, start: np.ndarray, end: np.ndarray) -> None:
    problems = [
        (start < 0, "start < 0"),
        (end > length, f"end > length ({length})"),
        (start >= end, "start >= end"),
    ]
    for bad, message in problems:
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"segment {i} has {message}: start={start[i]}, end={end[i]}")


def _drop_overlapping_units(
    length: int, group: np.ndarray, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """Mask of the units DKPro gets from INCEpTION, given units sorted by (group, start, -end).

    DKPro requires the units of one annotator and category to be disjoint. INCEpTION walks an
    annotator's spans in UIMA order (start ascending, longer first) and skips a span when it
    overlaps any earlier span of the same category, skipped ones included. So a span is kept
    exactly when it starts at or after the furthest end seen so far in its group.
    """
    # Offsetting every group by (length + 1) lets one running maximum serve all groups.
    shift = group * (length + 1)
    furthest_end = np.maximum.accumulate(shift + end)
    previous = np.concatenate(([-1], furthest_end[:-1]))
    return shift + start >= previous


def _observed_disagreements(units: _Units) -> np.ndarray:
    """D_o(c) per category: Krippendorff (1995), as DKPro's calculateObservedCategoryDisagreement.

    For every unit u and every other annotator a, binary search finds the run of a's units of
    the same category that overlap u (they are disjoint and sorted, so it is one run). No run
    means u lies in one of a's gaps and costs len(u)^2; otherwise each overlapping pair costs
    (start difference)^2 + (end difference)^2, counted once per annotator pair.
    """
    n_annotators, length = units.annotator_count, units.length
    start, end = units.start, units.end
    group = units.category * n_annotators + units.annotator
    start_key = group * (length + 1) + start  # globally ascending: disjoint units per group
    end_key = group * (length + 1) + end
    unit_length = end - start
    totals = np.zeros(len(units.categories))
    for step in range(1, n_annotators):
        other = (units.annotator + step) % n_annotators
        other_shift = (units.category * n_annotators + other) * (length + 1)
        first = np.searchsorted(end_key, other_shift + start, side="right")
        stop = np.searchsorted(start_key, other_shift + end, side="left")
        count = stop - first
        in_gap = count == 0
        totals += np.bincount(
            units.category[in_gap],
            weights=(unit_length[in_gap] ** 2).astype(np.float64),
            minlength=len(totals),
        )
        # Each overlapping pair is seen from both sides; keep the side whose partner has the
        # higher annotator index.
        from_lower = np.flatnonzero((other > units.annotator) & ~in_gap)
        totals += _overlap_costs(units, from_lower, first[from_lower], count[from_lower])
    return 2.0 * totals / (n_annotators * (n_annotators - 1) * float(length) ** 2)


def _overlap_costs(
    units: _Units, unit_index: np.ndarray, first: np.ndarray, count: np.ndarray
) -> np.ndarray:
    """Sum per category of (b_u - b_v)^2 + (e_u - e_v)^2 over u and its overlapping run of v."""
    # Between two annotators whose units are disjoint there are fewer overlapping pairs than
    # units, so enumerating the pairs keeps the work linear.
    pairs = int(count.sum())
    u = np.repeat(unit_index, count)
    run_begins = np.repeat(np.cumsum(count) - count, count)
    v = np.repeat(first, count) + (np.arange(pairs) - run_begins)
    cost = (units.start[u] - units.start[v]) ** 2 + (units.end[u] - units.end[v]) ** 2
    return np.bincount(
        units.category[u], weights=cost.astype(np.float64), minlength=len(units.categories)
    )


def _expected_disagreements(units: _Units) -> np.ndarray:
    """D_e(c) per category: Krippendorff (2004), as DKPro's calculateExpectedCategoryDisagreement.

    D_e(c) = 2/L * sum_u [ (N_c - 1) * l(l-1)(2l-1)/3 + l^2 * sum_{gaps g >= l} (g - l + 1) ]
             / ( R L (R L - 1) - sum_u l(l-1) )
    where u runs over the N_c units of c (all annotators), l = len(u), and the gaps are the
    stretches each annotator left free of category c. The inner gap sum uses sorted gaps and
    prefix sums instead of pairing every unit with every gap.
    """
    n_categories, n_annotators, length = len(units.categories), units.annotator_count, units.length
    unit_length = (units.end - units.start).astype(np.float64)
    unit_count = np.bincount(units.category, minlength=n_categories)
    within_unit = unit_length * (unit_length - 1) * (2 * unit_length - 1) / 3
    numerator = (unit_count - 1) * _per_category(units, within_unit) + _per_category(
        units, unit_length**2 * _gap_placements(units)
    )
    all_positions = float(n_annotators * length) * (n_annotators * length - 1)
    denominator = all_positions - _per_category(units, unit_length * (unit_length - 1))
    return 2.0 * numerator / (float(length) * denominator)


def _gap_placements(units: _Units) -> np.ndarray:
    """For each unit of length l: sum of (g - l + 1) over the gaps g >= l of its category.

    That is the number of ways to place the unit inside a gap. Gaps are sorted by (category,
    length) so the gaps long enough form one run, summed with a prefix sum; exact integers.
    """
    length = units.length
    gap_category, gap_length = _gaps(units)
    gap_key = gap_category * (length + 1) + gap_length
    order = np.argsort(gap_key, kind="stable")
    gap_key, gap_length = gap_key[order], gap_length[order]
    gap_prefix = np.concatenate(([0], np.cumsum(gap_length)))
    category_keys = np.arange(len(units.categories)) * (length + 1) + length
    category_stop = np.searchsorted(gap_key, category_keys, side="right")[units.category]
    unit_length = units.end - units.start
    first = np.searchsorted(gap_key, units.category * (length + 1) + unit_length, side="left")
    long_enough = category_stop - first
    return gap_prefix[category_stop] - gap_prefix[first] - long_enough * (unit_length - 1)


def _per_category(units: _Units, values: np.ndarray) -> np.ndarray:
    return np.bincount(units.category, weights=values, minlength=len(units.categories))


def _gaps(units: _Units) -> tuple[np.ndarray, np.ndarray]:
    """(category, length) of every gap: the maximal stretches an annotator left free of a category.

    An annotator who never used a category contributes one gap of the whole length L.
    """
    n_annotators, length = units.annotator_count, units.length
    group = units.category * n_annotators + units.annotator
    first_in_group = np.concatenate(([True], group[1:] != group[:-1]))
    last_in_group = np.concatenate((group[1:] != group[:-1], [True]))
    previous_end = np.concatenate(([0], units.end[:-1]))
    previous_end[first_in_group] = 0
    before = units.start - previous_end
    after = length - units.end[last_in_group]
    used = np.bincount(units.category[first_in_group], minlength=len(units.categories))
    unused_category = np.repeat(np.arange(len(units.categories)), n_annotators - used)
    gap_category = np.concatenate(
        (units.category[before > 0], units.category[last_in_group][after > 0], unused_category)
    )
    gap_length = np.concatenate(
        (before[before > 0], after[after > 0], np.full(len(unused_category), length))
    )
    return gap_category.astype(np.int64), gap_length.astype(np.int64)
