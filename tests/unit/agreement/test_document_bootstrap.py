"""Bootstrap over documents: each draw equals the report recomputed on the drawn documents,
intervals cover the true value at their nominal rate, and draws are reproducible."""

import random
from types import SimpleNamespace

import numpy as np
import pytest

from app.agreement import AnnotatedSpan, DocumentAnnotations, build_report
from app.agreement.alpha import UnitCounts
from app.agreement.gwet import gwet_ac
from app.agreement.intervals import ac1_draws, f1_draws, fleiss_draws, label_alpha_draws
from app.agreement.labels import LabelAgreement
from app.agreement.resampling import DocumentBootstrap
from app.agreement.table import SpanTable
from app.agreement.unit_table import UnitTable

TYPES = ("statistic", "expert", "quote")


def random_documents(rng: random.Random, n_documents: int) -> list[DocumentAnnotations]:
    documents = []
    for d in range(n_documents):
        names = ("a", "b", "c")[: rng.randint(2, 3)]
        spans = []
        for i in range(8):
            for name in names:
                if rng.random() < 0.85:
                    start = 50 * i + rng.randint(0, 5)
                    spans.append(AnnotatedSpan(d, name, start, start + rng.randint(10, 30),
                                               TYPES[(i + (rng.random() < 0.3)) % 3],
                                               rng.choice([1, 2, None])))
        documents.append(DocumentAnnotations(d, 500, names, tuple(spans)))
    return documents


def replicate(documents, counts) -> list[DocumentAnnotations]:
    """The drawn documents: document d `counts[d]` times, each copy with an id of its own."""
    copies = []
    for doc, times in zip(documents, counts, strict=True):
        for k in range(int(times)):
            new_id = f"{doc.document}#{k}"
            copies.append(DocumentAnnotations(
                new_id, doc.length, doc.annotators,
                tuple(AnnotatedSpan(new_id, s.annotator, s.start, s.end, s.evidence_type,
                                    s.claimant) for s in doc.spans)))
    return copies


@pytest.mark.parametrize("seed", range(5))
def test_every_draw_equals_the_report_on_the_drawn_documents(seed):
    rng = random.Random(seed)
    documents = random_documents(rng, 6)
    boot = DocumentBootstrap.draw(len(documents), 4, seed)
    units = UnitTable.build(SpanTable.build(documents), "overlap")
    exact_units = UnitTable.build(SpanTable.build(documents), "exact")
    evidence = LabelAgreement.build(units, units.spans.evidence, units.spans.evidence_types)
    n_documents = len(documents)
    alphas = label_alpha_draws(boot, evidence, units.document, n_documents)
    ac1 = ac1_draws(boot, evidence, units.document, n_documents)
    f1_overlap, f1_exact = f1_draws(boot, units), f1_draws(boot, exact_units)
    fleiss = fleiss_draws(boot, evidence, units.document, n_documents)
    for draw, counts in enumerate(boot.weights):
        report = build_report(replicate(documents, counts), bootstrap_draws=0)
        expected_alpha = report["evidence_type"]["alpha"]
        assert alphas[draw] == pytest.approx(expected_alpha, abs=1e-12)
        expected_fleiss = report["evidence_type"]["fleiss_kappa"]
        if len(report["annotators"]) < len(units.spans.annotators):
            pass  # the draw lost an annotator: the bootstrap keeps the full data's raters
        elif expected_fleiss is None:
            assert np.isnan(fleiss[draw])
        else:
            assert fleiss[draw] == pytest.approx(expected_fleiss, abs=1e-12)
        assert f1_overlap[draw] == pytest.approx(report["spans"]["f1_overlap"], abs=1e-12)
        assert f1_exact[draw] == pytest.approx(report["spans"]["f1_exact"], abs=1e-12)
        drawn = SpanTable.build(replicate(documents, counts))
        if len(drawn.evidence_types) == len(units.spans.evidence_types):  # same q
            assert ac1[draw] == pytest.approx(report["evidence_type"]["gwet_ac1"]["value"],
                                              abs=1e-12)


def test_unitizing_draw_is_the_mean_over_drawn_documents():
    boot = DocumentBootstrap(np.array([[2.0, 0.0, 1.0], [0.0, 0.0, 3.0]]))
    drawn = boot.mean_of_defined(np.array([0.5, np.nan, 0.8]))
    assert drawn.tolist() == pytest.approx([(0.5 * 2 + 0.8) / 3, 0.8])
    assert np.isnan(boot.mean_of_defined(np.array([np.nan, 0.1, np.nan]))[1])


def simulated_study(rng, n_documents=100, units=10, raters=3, categories=3, a=7.0, b=3.0):
    """Each document has its own accuracy p ~ Beta(a, b); a rater gives the unit's true
    category with probability p, else a uniformly random one."""
    accuracy = rng.beta(a, b, size=n_documents)
    truth = rng.integers(0, categories, size=(n_documents, units))
    correct = rng.random((n_documents, units, raters)) < accuracy[:, None, None]
    noise = rng.integers(0, categories, size=(n_documents, units, raters))
    values = np.where(correct, truth[:, :, None], noise).reshape(-1, raters)
    unit = np.repeat(np.arange(len(values)), raters)
    counts = UnitCounts.from_values(unit, values.ravel(), len(values))
    return SimpleNamespace(counts=counts), np.repeat(np.arange(n_documents), units)


def population_alpha(categories=3, a=7.0, b=3.0) -> float:
    """1 - D_o/D_e of the model: two raters agree with probability E[p^2 + 2p(1-p)/K +
    (1-p)^2/K]; the marginals are uniform, so D_e = 1 - 1/K."""
    m1, m2 = a / (a + b), a * (a + 1) / ((a + b) * (a + b + 1))
    agree = m2 + 2 * (m1 - m2) / categories + (1 - 2 * m1 + m2) / categories
    return 1 - (1 - agree) / (1 - 1 / categories)


def test_95_percent_intervals_cover_the_true_alpha_in_93_to_97_percent_of_studies():
    rng = np.random.default_rng(2024)
    truth = population_alpha()
    covered = 0
    for study in range(400):
        label, document = simulated_study(rng)
        boot = DocumentBootstrap.draw(100, 1000, seed=study)
        low, high = boot.interval(label_alpha_draws(boot, label, document, 100))
        covered += low <= truth <= high
    assert 0.93 <= covered / 400 <= 0.97


def test_draws_are_seeded_and_need_two_documents():
    first = DocumentBootstrap.draw(5, 50, seed=3)
    assert np.array_equal(first.weights, DocumentBootstrap.draw(5, 50, seed=3).weights)
    assert not np.array_equal(first.weights, DocumentBootstrap.draw(5, 50, seed=4).weights)
    assert (first.weights.sum(axis=1) == 5).all()
    assert DocumentBootstrap.draw(1, 50, seed=3) is None
    assert DocumentBootstrap.draw(5, 0, seed=3) is None


def test_share_below_targets_and_report_keys():
    boot = DocumentBootstrap(np.ones((4, 2)))
    assert boot.share_below(np.array([0.5, 0.7, 0.9, np.nan])) == {
        "0.667": pytest.approx(1 / 3), "0.800": pytest.approx(2 / 3)}
    report = build_report(random_documents(random.Random(1), 8), bootstrap_draws=200)
    section = report["evidence_type"]
    low, high = section["alpha_interval"]
    assert low <= high and set(section["alpha_below"]) == {"0.667", "0.800"}
    assert section["gwet_ac1"]["interval"][0] <= section["gwet_ac1"]["value"]
    assert report["bootstrap"] == {"resampled": "documents", "documents": 8, "draws": 200,
                                   "seed": 12345, "level": 0.95}
    one = build_report(random_documents(random.Random(1), 1), bootstrap_draws=200)
    assert one["evidence_type"]["alpha_interval"] is None
    assert one["spans"]["f1_overlap_interval"] is None


def test_gwet_in_report_equals_gwet_on_the_label_counts():
    documents = random_documents(random.Random(5), 4)
    units = UnitTable.build(SpanTable.build(documents), "overlap")
    claimant = LabelAgreement.build(units, units.spans.claimant, units.spans.claimants)
    report = build_report(documents, bootstrap_draws=0)
    assert report["claimant"]["gwet_ac1"]["value"] == gwet_ac(claimant.counts).value
    assert report["claimant"]["gwet_ac1"]["interval"] is None
