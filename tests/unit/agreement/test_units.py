"""Matching spans into units, exact and overlap mode, on hand-made cases and properties."""

from itertools import permutations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.agreement.assignment import max_weight_assignment
from app.agreement.units import AnnotatedSpan, DocumentAnnotations, match_units


def span(annotator, start, end, evidence="statistic", claimant=1):
    return AnnotatedSpan("doc", annotator, start, end, evidence, claimant)


def document(*spans, annotators=("a", "b", "c"), length=200):
    return DocumentAnnotations("doc", length, tuple(annotators), tuple(spans))


def shape(units) -> list[list[tuple]]:
    """Units as sorted lists of (annotator, start, end), in unit order."""
    return [[(s.annotator, s.start, s.end) for s in unit] for unit in units]


def test_exact_mode_groups_equal_offsets_only():
    doc = document(span("a", 0, 10), span("b", 0, 10), span("c", 0, 11), span("b", 20, 30))
    assert shape(match_units(doc, "exact")) == [
        [("a", 0, 10), ("b", 0, 10)], [("c", 0, 11)], [("b", 20, 30)]]


def test_exact_mode_puts_one_annotators_duplicates_in_separate_units():
    doc = document(span("a", 0, 10, "statistic"), span("a", 0, 10, "expert"),
                   span("b", 0, 10, "statistic"))
    units = match_units(doc, "exact")
    assert len(units) == 2
    assert all(len(set(unit.annotators)) == len(unit) for unit in units)
    # Duplicates pair up in label order: "expert" < "statistic".
    assert [[(s.annotator, s.evidence_type) for s in u] for u in units] == [
        [("a", "expert"), ("b", "statistic")], [("a", "statistic")]]


def test_overlap_mode_nested_spans_form_one_unit():
    doc = document(span("a", 0, 50), span("b", 10, 20), span("c", 5, 45))
    assert shape(match_units(doc)) == [[("a", 0, 50), ("b", 10, 20), ("c", 5, 45)]]


def test_overlap_mode_shifted_and_partly_overlapping_spans_match():
    doc = document(span("a", 0, 40), span("b", 30, 70), span("c", 3, 43))
    assert shape(match_units(doc)) == [[("a", 0, 40), ("b", 30, 70), ("c", 3, 43)]]


def test_touching_spans_do_not_overlap():
    doc = document(span("a", 0, 10), span("b", 10, 20))
    assert shape(match_units(doc)) == [[("a", 0, 10)], [("b", 10, 20)]]


def test_a_missed_span_leaves_a_unit_without_that_annotator():
    doc = document(span("a", 0, 10), span("b", 1, 10), span("a", 50, 60), span("c", 52, 60))
    units = match_units(doc)
    assert shape(units) == [[("a", 0, 10), ("b", 1, 10)], [("a", 50, 60), ("c", 52, 60)]]
    assert units[0].span_of("c") is None


def test_two_spans_of_one_annotator_over_one_span_of_another_keep_the_larger_overlap():
    # b marked one claim where a marked two: b goes with the piece it overlaps most.
    doc = document(span("a", 0, 30), span("a", 32, 50), span("b", 5, 45),
                   annotators=("a", "b"))
    assert shape(match_units(doc)) == [[("a", 0, 30), ("b", 5, 45)], [("a", 32, 50)]]


def test_overlap_matching_maximises_total_overlap_not_the_largest_single_overlap():
    # a2-b1 is the largest single overlap (8), but a1-b1 (7) plus a2-b2 (7) is more in total.
    doc = document(span("a", 0, 10), span("a", 10, 25), span("b", 3, 18), span("b", 18, 40),
                   annotators=("a", "b"))
    assert shape(match_units(doc)) == [[("a", 0, 10), ("b", 3, 18)],
                                       [("a", 10, 25), ("b", 18, 40)]]


def test_a_chain_of_matches_never_puts_two_spans_of_one_annotator_in_a_unit():
    # Pairwise matches: c-a2 (overlap 24), a1-b (15), b-c (12). Merging all three would put a1
    # and a2 in one unit, so the weakest link, b-c, is refused.
    doc = document(span("a", 0, 20), span("b", 5, 30), span("c", 18, 45), span("a", 21, 60))
    assert shape(match_units(doc)) == [[("a", 0, 20), ("b", 5, 30)],
                                       [("a", 21, 60), ("c", 18, 45)]]


def test_a_unit_never_holds_two_spans_that_do_not_overlap():
    # a-b (overlap 5, boundaries 15 apart) merges first; b-c (5, 20 apart) would bring in c,
    # which shares no character with a, so it is refused.
    doc = document(span("a", 0, 10), span("b", 5, 20), span("c", 15, 30))
    assert shape(match_units(doc)) == [[("a", 0, 10), ("b", 5, 20)], [("c", 15, 30)]]
    # Spans sharing a character all stay together, however they chain.
    doc = document(span("a", 0, 10), span("b", 5, 20), span("c", 9, 30))
    assert shape(match_units(doc)) == [[("a", 0, 10), ("b", 5, 20), ("c", 9, 30)]]


def test_spans_of_annotators_not_counted_for_the_document_are_left_out():
    doc = document(span("a", 0, 10), span("z", 0, 10), annotators=("a", "b"))
    assert shape(match_units(doc)) == [[("a", 0, 10)]]


def test_unknown_mode_and_bad_offsets_are_refused():
    with pytest.raises(ValueError):
        match_units(document(span("a", 0, 10)), "fuzzy")
    with pytest.raises(ValueError):
        match_units(document(span("a", 5, 300)))
    with pytest.raises(ValueError):
        match_units(document(span("a", 5, 5)))


def test_no_spans_means_no_units():
    assert match_units(document()) == []


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6).flatmap(lambda r: st.tuples(
    st.just(r), st.integers(r, 6))).flatmap(lambda shape: st.lists(
        st.lists(st.integers(0, 20), min_size=shape[1], max_size=shape[1]),
        min_size=shape[0], max_size=shape[0])))
def test_hungarian_method_finds_the_best_total(matrix):
    weights = np.array(matrix, dtype=float)
    pairs = max_weight_assignment(weights)
    rows, cols = weights.shape
    assert len({r for r, _ in pairs}) == len(pairs) == rows
    assert len({c for _, c in pairs}) == len(pairs)
    best = max(sum(weights[r, c] for r, c in enumerate(p)) for p in permutations(range(cols), rows))
    assert sum(weights[r, c] for r, c in pairs) == best


def spans_strategy(annotators=("a", "b", "c"), max_spans=6):
    one = st.tuples(st.sampled_from(annotators), st.integers(0, 40), st.integers(1, 15),
                    st.sampled_from(["x", "y"]), st.sampled_from([None, 1, 2]))
    return st.lists(one, max_size=max_spans * len(annotators)).map(
        lambda rows: [AnnotatedSpan("doc", a, s, s + w, e, c) for a, s, w, e, c in rows])


def content(units, rename=lambda name: name):
    return sorted(sorted((rename(s.annotator), s.start, s.end, s.evidence_type, str(s.claimant))
                         for s in unit) for unit in units)


@settings(max_examples=200, deadline=None)
@given(spans_strategy(), st.permutations(["a", "b", "c"]), st.randoms(use_true_random=False),
       st.sampled_from(["overlap", "exact"]))
def test_renaming_annotators_or_reordering_spans_changes_no_unit(spans, names, random, mode):
    rename = dict(zip(["a", "b", "c"], names, strict=True))
    renamed = [AnnotatedSpan(s.document, rename[s.annotator], s.start, s.end, s.evidence_type,
                             s.claimant) for s in spans]
    random.shuffle(renamed)
    original = match_units(document(*spans, length=60), mode)
    other = match_units(document(*renamed, annotators=tuple(names), length=60), mode)
    assert content(other) == content(original, rename.get)


@settings(max_examples=200, deadline=None)
@given(spans_strategy(), st.sampled_from(["overlap", "exact"]))
def test_every_span_lands_in_exactly_one_unit_with_at_most_one_span_per_annotator(spans, mode):
    units = match_units(document(*spans, length=60), mode)
    assert sorted(id(s) for unit in units for s in unit) == sorted(id(s) for s in spans)
    for unit in units:
        assert len(set(unit.annotators)) == len(unit)
        assert max(s.start for s in unit) < min(s.end for s in unit)  # pairwise overlap
        if mode == "exact":
            assert len({(s.start, s.end) for s in unit}) == 1


@settings(max_examples=150, deadline=None)
@given(spans_strategy(annotators=("a", "b"), max_spans=5))
def test_two_annotators_get_a_maximum_overlap_matching(spans):
    units = match_units(document(*spans, annotators=("a", "b"), length=60))
    total = sum(_overlap(unit.spans[0], unit.spans[1]) for unit in units if len(unit) == 2)
    assert all(_overlap(u.spans[0], u.spans[1]) > 0 for u in units if len(u) == 2)
    first = [s for s in spans if s.annotator == "a"]
    second = [s for s in spans if s.annotator == "b"]
    if len(first) > len(second):
        first, second = second, first
    best = max((sum(_overlap(x, second[j]) for x, j in zip(first, p, strict=True))
                for p in permutations(range(len(second)), len(first))), default=0)
    assert total == best


def _overlap(x, y) -> int:
    return max(0, min(x.end, y.end) - max(x.start, y.start))


@settings(max_examples=100, deadline=None)
@given(spans_strategy(max_spans=5))
def test_hungarian_fallback_gives_the_same_units_as_trying_all_assignments(spans):
    from app.agreement import pair_matching

    doc = document(*spans, length=60)
    tried = match_units(doc)
    saved = pair_matching.MAX_ASSIGNMENTS
    pair_matching.MAX_ASSIGNMENTS = 0  # every component with 2+ spans a side: Hungarian
    try:
        assert content(match_units(doc)) == content(tried)
    finally:
        pair_matching.MAX_ASSIGNMENTS = saved
