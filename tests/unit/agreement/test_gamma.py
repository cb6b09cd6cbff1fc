"""Gamma: the exact best alignment against pygamma-agreement 0.5.9, γ within the two
implementations' sampling error, and pygamma-agreement's published test values."""

import csv
import logging
import pathlib

import numpy as np
import pytest

from app.agreement import AnnotatedSpan, DocumentAnnotations, build_report
from app.agreement.gamma import (
    GammaSettings,
    categorical_disorders,
    document_gamma,
    pooled_categorical,
)
from app.agreement.gamma_alignment import Dissimilarity, best_alignment, set_partitions
from app.agreement.gamma_samplers import Continuum

pygamma = pytest.importorskip("pygamma_agreement")
from pyannote.core import Segment  # noqa: E402  (pygamma-agreement's dependency)

logging.getLogger().setLevel(logging.ERROR)  # pygamma warns "CBC solver not installed"
DATA = pathlib.Path(__file__).parent / "data"

# pygamma-agreement's tests/test_gammas.py, test_gamma_alexpaulsuzan (Mathet et al.'s
# example): annotator, category, start, end. Published: 6 unitary alignments, best-alignment
# disorder 0.96 (±1%), γ in [0.44, 0.47] with the shuffle sampler at precision 0.05, γ-cat in
# [0.38, 0.42], γ-k 1 for '1' and '5', 0.37 ± 0.01 for '6', at most 0 for the others.
ALEX_PAUL_SUZAN = [
    ("Alex", "1", 2, 9), ("Alex", "2", 11, 17), ("Alex", "5", 24, 30), ("Alex", "6", 32, 36),
    ("Alex", "6", 36, 44), ("Alex", "7", 44, 60), ("Paul", "1", 2, 9), ("Paul", "3", 11, 17),
    ("Paul", "5", 19, 25), ("Paul", "6", 32, 44), ("Suzan", "1", 2, 9), ("Suzan", "4", 11, 17),
    ("Suzan", "5", 21, 27), ("Suzan", "6", 32, 36), ("Suzan", "6", 36, 40),
    ("Suzan", "6", 40, 44),
]


def continuum_of(rows, names=None) -> tuple[Continuum, list[str]]:
    names = sorted(names or {r[0] for r in rows})
    categories = sorted({r[1] for r in rows})
    return Continuum(len(names), np.array([names.index(r[0]) for r in rows]),
                     np.array([float(r[2]) for r in rows]), np.array([float(r[3]) for r in rows]),
                     np.array([categories.index(r[1]) for r in rows])), categories


def pygamma_continuum(rows, names):
    continuum = pygamma.Continuum()
    for name in names:
        continuum.add_annotator(name)
    for name, category, start, end in rows:
        continuum.add(name, Segment(start, end), category)
    return continuum


def random_rows(rng):
    """2-4 annotators, 5-60 spans: copies of shared spans with jittered boundaries, nested
    and overlapping spans, strays, several categories."""
    n = int(rng.integers(2, 5))
    total = int(rng.integers(5, 61))
    base_start = np.sort(rng.integers(0, 40 * total, size=max(2, total // n)))
    base_length = rng.integers(3, 80, size=len(base_start))
    rows = []
    while len(rows) < total:
        a = int(rng.integers(n))
        b = int(rng.integers(len(base_start)))
        start = int(base_start[b] + rng.integers(-6, 7))
        end = start + max(1, int(base_length[b] + rng.integers(-6, 7)))
        if rng.random() < 0.15:  # nested inside the shared span
            start, end = start + 1, max(start + 2, end - 3)
        if rng.random() < 0.1:  # a stray span
            start = int(rng.integers(0, 40 * total))
            end = start + int(rng.integers(1, 50))
        category = f"c{b % 3 if rng.random() < 0.75 else int(rng.integers(3))}"
        rows.append((f"a{a}", category, max(0, start), max(1, end)))
    # pygamma-agreement keeps a set of units: an annotator's duplicate unit would merge.
    return sorted(set(rows)), [f"a{a}" for a in range(n)]


def float64_disorder(alignment, n: int, n_units: int, d: Dissimilarity) -> float:
    """pygamma's chosen alignment re-evaluated in double precision (it computes in float32)."""
    pairs = n * (n - 1) / 2
    total = 0.0
    for unitary in alignment.unitary_alignments:
        units = [u for _, u in unitary.n_tuple if u is not None]
        inner = 0.0
        for x in range(len(units)):
            for y in range(x + 1, len(units)):
                u, v = units[x], units[y]
                ratio = ((abs(u.segment.start - v.segment.start)
                          + abs(u.segment.end - v.segment.end))
                         / (u.segment.duration + v.segment.duration))
                inner += d.delta_empty * (d.alpha * ratio ** 2
                                          + d.beta * (u.annotation != v.annotation))
        k = len(units)
        total += (inner + (pairs - k * (k - 1) / 2) * d.delta_empty) / pairs
    return total * n / n_units


@pytest.mark.parametrize("seed", range(12))
def test_best_alignment_disorder_equals_pygamma(seed):
    rows, names = random_rows(np.random.default_rng(seed))
    continuum, _ = continuum_of(rows, names)
    d = Dissimilarity(alpha=3.0, beta=1.0, delta_empty=1.0)
    theirs = pygamma_continuum(rows, names).get_best_alignment(
        pygamma.CombinedCategoricalDissimilarity(alpha=3, beta=1, delta_empty=1))
    ours = best_alignment(continuum.annotator, continuum.start, continuum.end,
                          continuum.category, len(names), d)
    assert ours.disorder == pytest.approx(float64_disorder(theirs, len(names), len(rows), d),
                                          abs=1e-9)
    assert ours.disorder == pytest.approx(float(theirs.disorder), rel=1e-5)  # their float32
    assert sorted(u for g in ours.groups for u in g) == list(range(len(rows)))


def test_other_weights_match_pygamma():
    # Δ∅ stays 1: pygamma-agreement 0.5.9 compiles its categorical dissimilarity before it
    # sets Δ∅ on it, so with Δ∅ != 1 its alignment search scales d_cat by 1, not by Δ∅
    # (Mathet et al. 2015, section 3.2, scale both by Δ∅, as we do).
    rows, names = random_rows(np.random.default_rng(99))
    continuum, _ = continuum_of(rows, names)
    d = Dissimilarity(alpha=1.0, beta=2.0, delta_empty=1.0)
    theirs = pygamma_continuum(rows, names).get_best_alignment(
        pygamma.CombinedCategoricalDissimilarity(alpha=1, beta=2, delta_empty=1))
    ours = best_alignment(continuum.annotator, continuum.start, continuum.end,
                          continuum.category, len(names), d)
    assert ours.disorder == pytest.approx(float64_disorder(theirs, len(names), len(rows), d),
                                          abs=1e-9)


@pytest.mark.parametrize(("seed", "sampler"), [(3, "statistical"), (4, "statistical"),
                                               (5, "shuffle")])
def test_gamma_agrees_with_pygamma_within_sampling_error(seed, sampler):
    rng = np.random.default_rng(seed)
    rows, names = random_rows(rng)
    while not 15 <= len(rows) <= 25:  # pygamma-agreement's sampling is slow: keep it small
        rows, names = random_rows(rng)
    continuum, _ = continuum_of(rows, names)
    precision = 0.05
    ours = document_gamma(continuum, GammaSettings(sampler=sampler, precision=precision),
                          np.random.default_rng(seed))
    np.random.seed(seed)
    kind = (pygamma.StatisticalContinuumSampler if sampler == "statistical"
            else pygamma.ShuffleContinuumSampler)
    theirs = pygamma_continuum(rows, names).compute_gamma(
        pygamma.CombinedCategoricalDissimilarity(alpha=3, beta=1, delta_empty=1),
        precision_level=precision, sampler=kind())
    # Each expected disorder is within `precision` of its mean with 95% confidence, so γ's
    # sampling error is about (1 - γ)·precision/1.96 each; allow 4 of the combined errors.
    allowed = 4 * (1 - ours.gamma) * np.sqrt(2) * precision / 1.96
    assert abs(ours.gamma - float(theirs.gamma)) <= allowed
    assert ours.observed == pytest.approx(float(theirs.observed_disorder), rel=1e-5)


def test_pygamma_published_alex_paul_suzan():
    continuum, categories = continuum_of(ALEX_PAUL_SUZAN)
    result = document_gamma(continuum, GammaSettings(sampler="shuffle", samples=300,
                                                     precision=0.05),
                            np.random.default_rng(4772))
    alignment = best_alignment(continuum.annotator, continuum.start, continuum.end,
                               continuum.category, 3)
    assert len(alignment.groups) == 6
    assert alignment.disorder == pytest.approx(0.96, rel=0.01)
    assert 0.44 <= result.gamma <= 0.47
    assert 0.38 <= pooled_categorical([result], None) <= 0.42
    gamma_k = {key: pooled_categorical([result], code) for code, key in enumerate(categories)}
    assert gamma_k["1"] == gamma_k["5"] == 1.0
    assert gamma_k["6"] == pytest.approx(0.37, abs=0.015)
    assert all(gamma_k[key] <= 0 for key in "2347")


def test_pygamma_published_3by100():
    with open(DATA / "gamma_3by100.csv", newline="") as handle:
        rows = [(r[0], r[1], int(r[2]), int(r[3])) for r in csv.reader(handle)]
    continuum, categories = continuum_of(rows)
    result = document_gamma(continuum, GammaSettings(sampler="statistical", samples=60,
                                                     precision=None),
                            np.random.default_rng(4772))
    alignment = best_alignment(continuum.annotator, continuum.start, continuum.end,
                               continuum.category, 3)
    assert len(alignment.groups) == 127
    assert 0.79 <= result.gamma <= 0.81
    assert 0.89 <= pooled_categorical([result], None) <= 0.91
    gamma_k = {key: pooled_categorical([result], code) for code, key in enumerate(categories)}
    assert 0.81 <= gamma_k["Adj"] <= 0.83 and 0.88 <= gamma_k["Noun"] <= 0.90
    assert 0.69 <= gamma_k["Verb"] <= 0.71 and gamma_k["Prep"] >= 0.96


def test_categorical_disorders_equal_pygamma_on_its_alignment():
    rows, names = random_rows(np.random.default_rng(21))
    continuum, categories = continuum_of(rows, names)
    dissimilarity = pygamma.CombinedCategoricalDissimilarity(alpha=3, beta=1, delta_empty=1)
    theirs = pygamma_continuum(rows, names).get_best_alignment(dissimilarity)
    ours = best_alignment(continuum.annotator, continuum.start, continuum.end,
                          continuum.category, len(names))
    if len(ours.groups) != len(theirs.unitary_alignments):
        pytest.skip("tied alignments of different shapes")  # never for this seed
    mine = categorical_disorders(ours, continuum, Dissimilarity(),
                                 [None, *range(len(categories))])
    assert mine[None] == pytest.approx(float(theirs.gamma_k_disorder(dissimilarity, None)),
                                       rel=1e-5)
    for code, key in enumerate(categories):
        assert mine[code] == pytest.approx(float(theirs.gamma_k_disorder(dissimilarity, key)),
                                           rel=1e-5)


def test_seeded_reproducible_and_undefined_cases():
    continuum, _ = continuum_of(ALEX_PAUL_SUZAN)
    settings = GammaSettings(samples=10, precision=None)
    first = document_gamma(continuum, settings, np.random.default_rng(1))
    again = document_gamma(continuum, settings, np.random.default_rng(1))
    assert first.gamma == again.gamma and first.expected == again.expected
    one = Continuum(1, np.array([0]), np.array([0.0]), np.array([5.0]), np.array([0]))
    assert document_gamma(one, settings, np.random.default_rng(1)) is None
    assert len(set_partitions(4)) == 15  # Bell number


def test_report_gamma_keys_and_perfect_agreement():
    spans = tuple(AnnotatedSpan(d, name, 10 * i, 10 * i + 5, "quote", 1)
                  for d in range(3) for name in ("a", "b") for i in range(4))
    documents = [DocumentAnnotations(d, 100, ("a", "b"),
                                     tuple(s for s in spans if s.document == d))
                 for d in range(3)]
    gamma = build_report(documents, bootstrap_draws=50, gamma=GammaSettings())["spans"]["gamma"]
    assert gamma["value"] == 1.0 and gamma["observed_disorder"] == 0.0
    assert gamma["interval"] == [1.0, 1.0]
    assert {"value", "observed_disorder", "expected_disorder", "interval",
            "per_type"} <= set(gamma)
    lone = build_report([DocumentAnnotations(0, 10, ("a",), ())], bootstrap_draws=0,
                        gamma=GammaSettings())
    assert lone["spans"]["gamma"]["value"] is None and lone["spans"]["gamma"]["reason"]
