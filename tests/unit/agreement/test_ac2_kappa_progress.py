"""AC2 with weights and Cohen's kappa per pair, each with its document-bootstrap interval
(every draw equals the coefficient recomputed on the drawn documents); the report's phases
reported in order."""

import random

import numpy as np
import pytest

from app.agreement import build_report
from app.agreement.gamma import GammaSettings
from app.agreement.gwet import gwet_ac, quadratic_weights
from app.agreement.intervals import ac1_draws, cohen_draws
from app.agreement.labels import LabelAgreement
from app.agreement.progress import REPORT_PHASES, overall_fraction
from app.agreement.resampling import DocumentBootstrap
from app.agreement.table import SpanTable
from app.agreement.unit_table import UnitTable
from tests.unit.agreement.test_document_bootstrap import random_documents, replicate


def evidence_of(documents):
    units = UnitTable.build(SpanTable.build(documents), "overlap")
    return units, LabelAgreement.build(units, units.spans.evidence, units.spans.evidence_types)


@pytest.mark.parametrize("seed", range(4))
def test_ac2_and_cohen_draws_equal_the_figures_on_the_drawn_documents(seed):
    documents = random_documents(random.Random(seed), 6)
    boot = DocumentBootstrap.draw(len(documents), 4, seed)
    units, evidence = evidence_of(documents)
    q = len(evidence.categories)
    ac2 = ac1_draws(boot, evidence, units.document, len(documents), quadratic_weights(q))
    kappa = cohen_draws(boot, evidence, units.document, len(documents), 0, 1)
    for k, counts in enumerate(boot.weights):
        drawn_units, drawn = evidence_of(replicate(documents, counts))
        # the drawn data may lack a category: its codes differ, so weigh by the full list
        full = LabelAgreement.build(drawn_units, drawn_units.spans.evidence,
                                    drawn_units.spans.evidence_types)
        if len(full.categories) == q:
            expected = gwet_ac(full.counts, quadratic_weights(q))
            assert ac2[k] == pytest.approx(expected.value, abs=1e-12)
        report = build_report(replicate(documents, counts), bootstrap_draws=0)
        expected_kappa = report["evidence_type"]["cohen_kappa"].get("a/b")
        if expected_kappa is None:
            assert np.isnan(kappa[k])
        else:
            assert kappa[k] == pytest.approx(expected_kappa, abs=1e-12)


def test_the_report_gives_ac2_and_per_pair_kappa_intervals():
    documents = random_documents(random.Random(3), 12)
    report = build_report(documents, bootstrap_draws=200, ac2_weights="quadratic")
    section = report["evidence_type"]
    q = len(SpanTable.build(documents).evidence_types)
    _, evidence = evidence_of(documents)
    assert section["gwet_ac2"]["weights"] == "quadratic"
    assert section["gwet_ac2"]["value"] == pytest.approx(
        gwet_ac(evidence.counts, quadratic_weights(q)).value, abs=1e-12)
    low, high = section["gwet_ac2"]["interval"]
    assert low <= section["gwet_ac2"]["value"] <= high
    assert set(section["cohen_kappa_interval"]) == set(section["cohen_kappa"])
    for pair, kappa in section["cohen_kappa"].items():
        low, high = section["cohen_kappa_interval"][pair]
        assert low <= kappa <= high


def test_identity_ac2_is_ac1():
    report = build_report(random_documents(random.Random(5), 8), bootstrap_draws=50)
    section = report["claimant"]
    assert section["gwet_ac2"]["value"] == section["gwet_ac1"]["value"]
    assert section["gwet_ac2"]["interval"] == section["gwet_ac1"]["interval"]
    assert section["gwet_ac2"]["weights"] == "identity"


def test_unknown_ac2_weights_are_refused():
    with pytest.raises(ValueError, match="AC2 weights"):
        build_report(random_documents(random.Random(1), 2), ac2_weights="cubic")


def test_phases_are_reported_in_order_and_gamma_goes_forward():
    seen = []
    build_report(random_documents(random.Random(2), 5), bootstrap_draws=20,
                 gamma=GammaSettings(samples=2, precision=None),
                 progress=lambda phase, fraction: seen.append((phase, fraction)))
    phases = [phase for phase, _ in seen]
    order = [p for i, p in enumerate(phases) if i == 0 or phases[i - 1] != p]
    assert order == ["units", "gamma samples", "alpha", "kappa", "ac1", "bootstrap"]
    overall = [overall_fraction(phase, fraction) for phase, fraction in seen]
    assert overall == sorted(overall) and 0 <= overall[0] and overall[-1] < 1
    assert list(REPORT_PHASES)[:6] == order
