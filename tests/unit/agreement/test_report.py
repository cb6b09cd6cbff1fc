"""The agreement report: figures on a hand-made document, its shape at the edges, the filter."""

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.agreement import (
    AnnotatedSpan,
    DocumentAnnotations,
    alpha_from_unit_values,
    build_report,
    fleiss_kappa,
    interpret_alpha,
    unitizing_alpha,
)

S, E = "statistic", "expert"


def span(annotator, start, end, evidence=S, claimant=1, document="d1"):
    return AnnotatedSpan(document, annotator, start, end, evidence, claimant)


# Four units: (1) unanimous; (2) b's start differs and c says "expert"; (3) a and b name
# different claimants and c has no span; (4) only c marked it, with no claimant.
HAND_MADE = DocumentAnnotations("d1", 100, ("a", "b", "c"), (
    span("a", 0, 10), span("b", 0, 10), span("c", 0, 10),
    span("a", 20, 30), span("b", 22, 30), span("c", 20, 30, E),
    span("a", 40, 50), span("b", 40, 50, claimant=2),
    span("c", 60, 70, E, None),
), title="Hand-made")


@pytest.fixture(scope="module")
def report():
    return build_report([HAND_MADE], bootstrap_draws=200)


def test_units_and_disagreement_kinds(report):
    assert report["units"] == 4
    assert report["disagreements"] == {
        "unanimous": 1, "boundary": 1, "claimant": 1, "evidence_type": 1, "missing": 2}


def test_label_figures_follow_the_units(report):
    evidence = report["evidence_type"]
    assert evidence["alpha"] == pytest.approx(
        alpha_from_unit_values([[S, S, S], [S, S, E], [S, S], [E]]), abs=1e-12)
    assert report["claimant"]["alpha"] == pytest.approx(
        alpha_from_unit_values([[1, 1, 1], [1, 1, 1], [1, 2], []]), abs=1e-12)
    assert evidence["fleiss_kappa"] == pytest.approx(fleiss_kappa([[0, 3], [1, 2]]))
    assert evidence["observed_agreement"] == pytest.approx(5 / 7)  # 3 + 1 + 1 of 3 + 3 + 1 pairs
    assert evidence["cohen_kappa"]["a/b"] is None  # a and b only ever say "statistic"
    assert evidence["confusion"]["a/c"] == {"labels": [E, S], "matrix": [[0, 0], [1, 1]]}
    assert evidence["interpretation"] == interpret_alpha(evidence["alpha"])
    low, high = evidence["alpha_ci"]
    assert low <= high


def test_span_f1_exact_and_overlap(report):
    pairs = report["spans"]["pairs"]
    # Exact: a/b share [0,10) and [40,50); a/c share [0,10) and [20,30); b/c only [0,10).
    assert pairs["a/b"]["f1_exact"] == pytest.approx(4 / 6)
    assert pairs["a/c"]["f1_exact"] == pytest.approx(4 / 6)
    assert pairs["b/c"]["f1_exact"] == pytest.approx(2 / 6)
    # Overlap: a/b meet in units 1-3, a/c and b/c in units 1-2.
    assert pairs["a/b"]["f1_overlap"] == 1.0
    assert pairs["b/c"]["f1_overlap"] == pytest.approx(4 / 6)
    assert report["spans"]["f1_overlap"] == pytest.approx((1 + 4 / 6 + 4 / 6) / 3)
    assert report["per_annotator"]["a"]["f1_overlap"] == pytest.approx((1 + 4 / 6) / 2)


def test_per_annotator_missed_and_differed(report):
    a, b, c = (report["per_annotator"][name] for name in "abc")
    assert (a["spans"], b["spans"], c["spans"]) == (3, 3, 3)
    assert (a["missed"], b["missed"], c["missed"]) == (1, 1, 1)
    assert b["differed"] == {"boundary": 1, "claimant": 1, "evidence_type": 0}
    assert c["differed"] == {"boundary": 0, "claimant": 0, "evidence_type": 1}
    assert a["differed"]["claimant"] == 1  # one against one: both differ
    # a agrees with b on units 1-3 and with c on unit 1 but not 2; c with a and b likewise.
    assert a["evidence_type_agreement"] == pytest.approx(4 / 5)
    assert c["evidence_type_agreement"] == pytest.approx(2 / 4)


def test_per_evidence_type(report):
    expert = report["per_evidence_type"][E]
    assert (expert["spans"], expert["units"]) == (2, 2)
    assert expert["disagreements"] == {
        "unanimous": 0, "boundary": 1, "claimant": 0, "evidence_type": 1, "missing": 1}
    assert report["per_evidence_type"][S]["alpha_binary"] == pytest.approx(
        alpha_from_unit_values([[1, 1, 1], [1, 1, 0], [1, 1], [0]]))


def test_unitizing_figures_come_from_unitizing_alpha(report):
    direct = unitizing_alpha(100, ["a", "b", "c"], [
        (s.annotator, s.start, s.end, s.evidence_type) for s in HAND_MADE.spans])
    assert report["per_document"][0]["unitizing_alpha"] == direct.overall
    assert report["spans"]["unitizing_alpha"] == direct.overall
    assert report["spans"]["unitizing_alpha_per_evidence_type"] == direct.per_category


def test_unitizing_alpha_counts_an_assigned_annotator_who_marked_nothing():
    # c was assigned and marked nothing: for unitizing alpha that is three coders, one of
    # whom found no unit anywhere (docs/agreement.md, "Whose work counts").
    segments = [("a", 0, 10, S), ("b", 2, 10, S), ("a", 20, 30, E), ("b", 20, 28, E),
                ("b", 40, 45, S)]
    doc = DocumentAnnotations("d1", 60, ("a", "b", "c"),
                              tuple(span(a, start, end, evidence) for a, start, end, evidence
                                    in segments))
    report = build_report([doc], bootstrap_draws=0)
    three = unitizing_alpha(60, ("a", "b", "c"), segments)
    two = unitizing_alpha(60, ("a", "b"), segments)
    assert three.overall != pytest.approx(two.overall, abs=0.01)
    assert report["per_document"][0]["unitizing_alpha"] == three.overall
    assert report["spans"]["unitizing_alpha"] == three.overall
    assert report["spans"]["unitizing_alpha_per_evidence_type"] == three.per_category
    assert report["per_evidence_type"][E]["unitizing_alpha"] == three.per_category[E]


def test_claimant_interval_draws_with_the_next_seed():
    # Claimants mirror evidence types unit for unit, in the same code order (E < S, 1 < 2), so
    # both label sets have the same counts and only the seed tells their intervals apart.
    labels = [(S, S, E), (E, E, E), (S, E, E), (S, S, S), (E, S, S), (S, S, E)]
    spans = tuple(span(annotator, 10 * k, 10 * k + 5, label, 2 if label == S else 1)
                  for k, unit in enumerate(labels) for annotator, label in zip("abc", unit,
                                                                               strict=True))
    doc = DocumentAnnotations("d1", 100, ("a", "b", "c"), spans)
    first = build_report([doc], bootstrap_draws=300, seed=40)
    second = build_report([doc], bootstrap_draws=300, seed=41)
    assert first["claimant"]["alpha"] == pytest.approx(first["evidence_type"]["alpha"])
    assert first["claimant"]["alpha_ci"] == second["evidence_type"]["alpha_ci"]
    assert first["claimant"]["alpha_ci"] != first["evidence_type"]["alpha_ci"]


def all_plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and all_plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(all_plain(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or type(value) in (str, int, bool)


def test_report_is_plain_json(report):
    assert all_plain(report)
    json.dumps(report, allow_nan=False)


def test_one_annotator_leaves_every_agreement_figure_undefined():
    doc = DocumentAnnotations("d", 50, ("a",), (span("a", 0, 10), span("a", 20, 30, E)))
    report = build_report([doc])
    assert report["units"] == 2
    for section in ("evidence_type", "claimant"):
        part = report[section]
        assert part["alpha"] is None and part["alpha_ci"] is None
        assert part["fleiss_kappa"] is None and part["observed_agreement"] is None
        assert part["cohen_kappa"] == {} and part["confusion"] == {}
        assert part["interpretation"] is None
    assert report["spans"]["f1_overlap"] is None and report["spans"]["unitizing_alpha"] is None
    assert report["disagreements"]["unanimous"] == 2
    assert report["per_annotator"]["a"]["f1_overlap"] is None
    assert all_plain(report)


def test_no_spans_at_all():
    docs = [DocumentAnnotations("d1", 30, ("a", "b"), ()), DocumentAnnotations("d2", 0, (), ())]
    report = build_report(docs)
    assert (report["documents"], report["units"], report["annotators"]) == (2, 0, ["a", "b"])
    assert report["evidence_type"]["alpha"] is None
    assert report["spans"]["f1_exact"] is None  # neither marked anything
    assert report["per_evidence_type"] == {}
    assert all_plain(report)
    assert all_plain(build_report([]))


def test_annotator_filter_is_the_same_as_leaving_the_others_out():
    other = DocumentAnnotations("d2", 100, ("b", "c"), (span("b", 5, 9, document="d2"),
                                                       span("c", 5, 9, E, document="d2")))
    filtered = build_report([HAND_MADE, other], annotators=["a", "b"], bootstrap_draws=100)
    manual = [
        DocumentAnnotations("d1", 100, ("a", "b"),
                            tuple(s for s in HAND_MADE.spans if s.annotator != "c"), "Hand-made"),
        DocumentAnnotations("d2", 100, ("b",), other.spans[:1]),
    ]
    assert filtered == build_report(manual, bootstrap_draws=100)
    assert filtered["annotators"] == ["a", "b"]


def test_documents_are_listed_worst_first():
    def doc(name, labels):
        spans = [span(annotator, 10 * k, 10 * k + 5, label, document=name)
                 for k, pair in enumerate(labels)
                 for annotator, label in zip("ab", pair, strict=True)]
        return DocumentAnnotations(name, 100, ("a", "b"), tuple(spans), name)

    good = doc("good", [(S, S), (E, E), (S, S)])
    bad = doc("bad", [(S, E), (E, S), (S, S)])
    undefined = doc("undefined", [(S, S)])
    order = [entry["document"] for entry in build_report([good, undefined, bad])["per_document"]]
    assert order == ["bad", "good", "undefined"]


def test_exact_mode_counts_units_by_offsets():
    report = build_report([HAND_MADE], mode="exact", bootstrap_draws=0)
    assert report["mode"] == "exact"
    assert report["units"] == 5  # b's [22,30) and a/c's [20,30) now apart
    assert report["evidence_type"]["alpha_ci"] is None  # no draws asked for
    with pytest.raises(ValueError):
        build_report([HAND_MADE], mode="loose")


def test_interpret_alpha_thresholds():
    assert [interpret_alpha(a) for a in (None, 0.9, 0.8, 0.79, 0.667, 0.666, -0.2)] == [
        None, "reliable", "reliable", "tentative", "tentative", "unreliable", "unreliable"]


spans_strategy = st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 40),
                                    st.integers(1, 12), st.sampled_from([S, E]),
                                    st.sampled_from([None, 1, 2])), max_size=15)


@settings(max_examples=60, deadline=None)
@given(spans_strategy, st.permutations("abc"))
def test_renaming_annotators_changes_no_figure(rows, names):
    rename = dict(zip("abc", names, strict=True))
    spans = tuple(span(a, s, s + w, e, c) for a, s, w, e, c in rows)
    renamed = tuple(span(rename[a], s, s + w, e, c) for a, s, w, e, c in rows)
    first = build_report([DocumentAnnotations("d1", 60, tuple("abc"), spans)], bootstrap_draws=20)
    second = build_report([DocumentAnnotations("d1", 60, tuple(names), renamed)],
                          bootstrap_draws=20)
    for key in ("units", "disagreements", "per_evidence_type"):
        assert first[key] == second[key]
    for section in ("evidence_type", "claimant"):
        for figure in ("alpha", "alpha_ci", "fleiss_kappa", "observed_agreement"):
            assert first[section][figure] == pytest.approx(second[section][figure])
    assert first["spans"]["f1_overlap"] == pytest.approx(second["spans"]["f1_overlap"])
    for name in "abc":
        assert first["per_annotator"][name] == second["per_annotator"][rename[name]]
