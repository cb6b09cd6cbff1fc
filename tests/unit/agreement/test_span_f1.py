"""Span F1 in the report: pairwise figures independent of third annotators, hand-computed
per-document values, and which pairs are listed at all."""

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.agreement import AnnotatedSpan, DocumentAnnotations, build_report, match_units

S, E = "statistic", "expert"


def span(annotator, start, end, evidence=S, claimant=1, document="d1"):
    return AnnotatedSpan(document, annotator, start, end, evidence, claimant)


def pair_figures(documents, annotators=None) -> dict:
    return build_report(documents, annotators=annotators, bootstrap_draws=0)["spans"]["pairs"]


def assert_pairs_equal_restricted_reports(documents):
    """Every pair's F1 equals the F1 of a report on those two annotators alone."""
    full = pair_figures(documents)
    for key, figures in full.items():
        first, second = key.split("/")
        assert figures == pair_figures(documents, [first, second])[key], key


def test_a_third_annotator_bridging_two_spans_does_not_make_them_agree():
    # a and c share no character; b overlaps both. a/c must not count as a match.
    doc = DocumentAnnotations("d1", 40, ("a", "b", "c"),
                              (span("a", 0, 10), span("b", 5, 20), span("c", 15, 30)))
    pairs = pair_figures([doc])
    assert pairs["a/c"]["f1_overlap"] == 0.0
    assert pairs["a/b"]["f1_overlap"] == pairs["b/c"]["f1_overlap"] == 1.0
    assert_pairs_equal_restricted_reports([doc])
    # Nor are a's and c's labels compared: they sit in different units.
    assert [[s.annotator for s in unit] for unit in match_units(doc)] == [["a", "b"], ["c"]]
    report = build_report([doc], bootstrap_draws=0)
    assert "a/c" not in report["evidence_type"]["confusion"]


def test_a_pairwise_match_that_the_units_leave_apart_still_counts_for_its_pair():
    # b-c overlap by 12 characters and match pairwise, but b goes with a's first span and c
    # with a's second: b and c end up in different units.
    doc = DocumentAnnotations("d1", 80, ("a", "b", "c"), (
        span("a", 0, 20), span("b", 5, 30), span("c", 18, 45), span("a", 21, 60)))
    pairs = pair_figures([doc])
    assert pairs["b/c"]["f1_overlap"] == 1.0
    assert pairs["a/b"]["f1_overlap"] == pairs["a/c"]["f1_overlap"] == pytest.approx(2 / 3)
    assert_pairs_equal_restricted_reports([doc])


def test_touching_spans_share_no_character_and_do_not_match():
    doc = DocumentAnnotations("d1", 40, ("a", "b"), (span("a", 0, 10), span("b", 10, 20)))
    assert pair_figures([doc])["a/b"] == {"f1_exact": 0.0, "f1_overlap": 0.0}


rows = st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 40), st.integers(1, 15),
                          st.sampled_from([S, E])), max_size=20)


@settings(max_examples=80, deadline=None)
@given(rows, rows)
def test_every_pair_figure_equals_the_two_annotator_report(first, second):
    documents = [
        DocumentAnnotations(name, 60, tuple("abcd"),
                            tuple(span(a, s, s + w, e, document=name) for a, s, w, e in spans))
        for name, spans in (("d1", first), ("d2", second))
    ]
    assert_pairs_equal_restricted_reports(documents)


# d1: three annotators. Exact matches: [0,10) for every pair. Overlap matches: a/b also
# [20,30)-[22,30); a/c also [50,60)-[52,58). Spans: a 3, b 2, c 3.
D1 = DocumentAnnotations("d1", 100, ("a", "b", "c"), (
    span("a", 0, 10), span("a", 20, 30), span("a", 50, 60),
    span("b", 0, 10), span("b", 22, 30),
    span("c", 0, 10), span("c", 52, 58), span("c", 80, 90)))
# d2: a [5,15) overlaps b [10,20); b's [30,40) matches nothing.
D2 = DocumentAnnotations("d2", 50, ("a", "b"), (
    span("a", 5, 15, document="d2"), span("b", 10, 20, document="d2"),
    span("b", 30, 40, document="d2")))
D3 = DocumentAnnotations("d3", 50, ("a", "b"), ())  # both assigned, neither marked anything
D4 = DocumentAnnotations("d4", 50, ("a",), (span("a", 0, 5, document="d4"),))  # no pair


def test_per_document_f1_values_by_hand():
    report = build_report([D1, D2, D3, D4], bootstrap_draws=0)
    by_name = {entry["document"]: entry for entry in report["per_document"]}
    # d1, exact: a/b 2*1/(3+2), a/c 2*1/(3+3), b/c 2*1/(2+3); overlap: 2*2/5, 2*2/6, 2*1/5.
    assert by_name["d1"]["f1_exact"] == pytest.approx((2 / 5 + 2 / 6 + 2 / 5) / 3)
    assert by_name["d1"]["f1_overlap"] == pytest.approx((4 / 5 + 4 / 6 + 2 / 5) / 3)
    # d2, only a/b: no equal offsets; one overlap match of 1 + 2 spans.
    assert by_name["d2"]["f1_exact"] == 0.0
    assert by_name["d2"]["f1_overlap"] == pytest.approx(2 / 3)
    assert by_name["d3"]["f1_exact"] is None and by_name["d3"]["f1_overlap"] is None
    assert by_name["d4"]["f1_exact"] is None and by_name["d4"]["f1_overlap"] is None
    # Pooled over d1-d3 for a/b: matches 1 + 0 + 0 exact, 2 + 1 + 0 overlap, of 5 + 3 spans.
    assert report["spans"]["pairs"]["a/b"] == {"f1_exact": pytest.approx(2 / 8),
                                               "f1_overlap": pytest.approx(6 / 8)}
    assert report["spans"]["pairs"]["b/c"] == {"f1_exact": pytest.approx(2 / 5),
                                               "f1_overlap": pytest.approx(2 / 5)}


def test_pairs_that_share_no_document_are_left_out():
    one = DocumentAnnotations("d1", 50, ("a", "b"), (span("a", 0, 10), span("b", 0, 10, E)))
    other = DocumentAnnotations("d2", 50, ("c", "d"), (
        span("c", 0, 10, document="d2"), span("d", 2, 10, document="d2")))
    silent = DocumentAnnotations("d3", 50, ("a", "e"), ())  # share a document, mark nothing
    report = build_report([one, other, silent], bootstrap_draws=0)
    assert report["spans"]["pairs"] == {
        "a/b": {"f1_exact": 1.0, "f1_overlap": 1.0},
        "a/e": {"f1_exact": None, "f1_overlap": None},
        "c/d": {"f1_exact": 0.0, "f1_overlap": 1.0},
    }
    assert set(report["evidence_type"]["cohen_kappa"]) == {"a/b", "c/d"}
    assert set(report["evidence_type"]["confusion"]) == {"a/b", "c/d"}
    # Means skip the absent pairs and the undefined one.
    assert report["spans"]["f1_overlap"] == 1.0
    assert report["per_annotator"]["e"]["f1_overlap"] is None


@pytest.mark.parametrize("mode", ["overlap", "exact"])
def test_pair_figures_do_not_depend_on_the_report_mode(mode):
    both = [pair_figures([D1, D2])]
    both.append(build_report([D1, D2], mode=mode, bootstrap_draws=0)["spans"]["pairs"])
    assert both[0] == both[1]
    assert sorted(both[0]) == ["/".join(p) for p in combinations("abc", 2)]
