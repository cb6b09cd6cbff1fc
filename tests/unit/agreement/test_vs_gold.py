"""Annotators against gold: hand-counted precision/recall/F1, label accuracy, confusion and
alpha; agreement with the pairwise span F1 of the report when gold is treated as an annotator."""

import random

import pytest

from app.agreement import AnnotatedSpan, DocumentAnnotations, build_report
from app.agreement.alpha import alpha_from_unit_values
from app.agreement.vs_gold import GoldDocument, compare_with_gold

S, E, Q = "statistic", "expert", "quote"


def span(annotator, start, end, evidence=S, claimant=1, document="d1"):
    return AnnotatedSpan(document, annotator, start, end, evidence, claimant)


def gold(start, end, evidence=S, claimant=1, document="d1"):
    return AnnotatedSpan(document, "reviewer", start, end, evidence, claimant)


def test_precision_recall_and_f1_counted_by_hand():
    doc = GoldDocument("d1", 100, ("ann", "bob"), (
        span("ann", 0, 10), span("ann", 20, 30, E), span("ann", 50, 60),  # 60: no gold there
        span("bob", 0, 9),
    ), (gold(0, 10), gold(21, 30), gold(70, 80)))
    result = compare_with_gold([doc])
    ann = result["per_annotator"]["ann"]
    assert result["documents"] == 1 and result["gold_spans"] == 3
    assert ann["exact"] == {"matched": 1, "precision": 1 / 3, "recall": 1 / 3, "f1": 1 / 3}
    assert ann["overlap"] == {"matched": 2, "precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3}
    bob = result["per_annotator"]["bob"]
    assert bob["exact"]["f1"] == 0.0
    assert bob["overlap"] == {"matched": 1, "precision": 1.0, "recall": 1 / 3, "f1": 0.5}
    # Labels on the overlap matches: ann's [20, 30) says expert where gold says statistic.
    assert ann["evidence_type_accuracy"] == 0.5
    assert ann["claimant_accuracy"] == 1.0
    assert ann["confusion"] == {"labels": [E, S], "matrix": [[0, 0], [1, 1]]}


def test_per_evidence_type_counts_a_match_only_when_both_have_the_type():
    doc = GoldDocument("d1", 100, ("ann",), (
        span("ann", 0, 10, S), span("ann", 20, 30, E), span("ann", 40, 50, E),
    ), (gold(0, 10, S), gold(20, 30, S), gold(40, 50, E)))
    per_type = compare_with_gold([doc])["per_annotator"]["ann"]["per_evidence_type"]
    assert per_type[S]["spans"] == 1 and per_type[S]["gold_spans"] == 2
    assert per_type[S]["exact"] == {"matched": 1, "precision": 1.0, "recall": 0.5,
                                    "f1": 2 / 3}
    assert per_type[E]["overlap"] == {"matched": 1, "precision": 0.5, "recall": 1.0,
                                      "f1": 2 / 3}


def test_gold_spans_count_only_in_documents_the_annotator_worked_on():
    one = GoldDocument("d1", 50, ("ann", "bob"), (span("ann", 0, 10),), (gold(0, 10),))
    two = GoldDocument("d2", 50, ("bob",), (span("bob", 0, 10, document="d2"),),
                       (gold(0, 10, document="d2"), gold(20, 30, document="d2")))
    result = compare_with_gold([one, two])
    assert result["per_annotator"]["ann"]["gold_spans"] == 1
    assert result["per_annotator"]["ann"]["overlap"]["recall"] == 1.0
    assert result["per_annotator"]["bob"]["documents"] == 2
    assert result["per_annotator"]["bob"]["gold_spans"] == 3
    # An empty submission against gold: recall 0, precision undefined.
    assert result["per_annotator"]["bob"]["overlap"]["recall"] == 1 / 3
    empty = compare_with_gold([GoldDocument("d3", 50, ("cy",), (), (gold(0, 5, document="d3"),))])
    assert empty["per_annotator"]["cy"]["overlap"] == {"matched": 0, "precision": None,
                                                       "recall": 0.0, "f1": 0.0}


def test_alpha_against_gold_is_two_coder_alpha_on_the_matched_pairs():
    pairs = [(S, S), (E, E), (S, E), (Q, Q), (E, E)]
    spans = tuple(span("ann", 10 * i, 10 * i + 5, own) for i, (own, _) in enumerate(pairs))
    golds = tuple(gold(10 * i, 10 * i + 5, g) for i, (_, g) in enumerate(pairs))
    ann = compare_with_gold([GoldDocument("d1", 100, ("ann",), spans, golds)])["per_annotator"]
    assert ann["ann"]["evidence_type_alpha"] == pytest.approx(alpha_from_unit_values(pairs),
                                                              abs=1e-12)
    assert ann["ann"]["claimant_alpha"] is None  # one claimant throughout: undefined


def test_untagged_claimant_is_wrong_for_accuracy_and_absent_from_alpha():
    doc = GoldDocument("d1", 100, ("ann",), (span("ann", 0, 5, claimant=None),
                                             span("ann", 10, 15, claimant=2),
                                             span("ann", 20, 25, claimant=3)),
                       (gold(0, 5), gold(10, 15, claimant=2), gold(20, 25, claimant=3)))
    ann = compare_with_gold([doc])["per_annotator"]["ann"]
    assert ann["claimant_accuracy"] == 2 / 3
    assert ann["claimant_alpha"] == 1.0


def random_spans(rng, document, who, count, length=200):
    spans = []
    for _ in range(count):
        start = rng.randrange(0, length - 1)
        spans.append(AnnotatedSpan(document, who, start, rng.randint(start + 1, length),
                                   rng.choice([S, E]), rng.choice([1, 2, None])))
    return tuple(spans)


def test_overlap_f1_equals_the_reports_pair_f1_with_gold_as_an_annotator():
    rng = random.Random(7)
    for _ in range(30):
        names = ("a", "b", "c")[: rng.randint(1, 3)]
        docs, plain = [], []
        for d in range(rng.randint(1, 3)):
            own = sum((random_spans(rng, d, n, rng.randint(0, 6)) for n in names), ())
            golds = random_spans(rng, d, "gold", rng.randint(0, 6))
            docs.append(GoldDocument(d, 200, names, own, golds))
            plain.append(DocumentAnnotations(d, 200, (*names, "gold"), own + golds))
        result = compare_with_gold(docs)
        pairs = build_report(plain, bootstrap_draws=0)["spans"]["pairs"]
        for name in names:
            for mode in ("exact", "overlap"):
                expected = pairs[f"{name}/gold"][f"f1_{mode}"]
                got = result["per_annotator"][name][mode]["f1"]
                assert got == pytest.approx(expected) if expected is not None else got is None


def test_restricting_annotators_and_no_documents():
    doc = GoldDocument("d1", 50, ("ann", "bob"), (span("ann", 0, 10), span("bob", 0, 10)),
                       (gold(0, 10),))
    assert set(compare_with_gold([doc], annotators=["bob"])["per_annotator"]) == {"bob"}
    assert compare_with_gold([]) == {"documents": 0, "gold_spans": 0, "per_annotator": {},
                                     "per_evidence_type": {}}


def test_pooled_per_evidence_type():
    doc = GoldDocument("d1", 100, ("ann", "bob"), (span("ann", 0, 10), span("bob", 0, 10, E)),
                       (gold(0, 10),))
    pooled = compare_with_gold([doc])["per_evidence_type"]
    assert pooled[S]["gold_spans"] == 1
    assert pooled[S]["overlap"] == {"matched": 1, "precision": 1.0, "recall": 0.5,
                                    "f1": 2 / 3}
    assert pooled[E]["overlap"]["precision"] == 0.0
