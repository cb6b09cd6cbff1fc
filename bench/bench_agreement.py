"""Benchmark of the agreement package: a full report, and nominal alpha against `krippendorff`.

(a) build_report on 1,000 synthetic documents (~3,000 characters, 3 annotators, ~40 spans each,
    with shifted boundaries, missed and extra spans, split spans and label noise); best of 3.
(b) nominal alpha of 200,000 units x 5 annotators with ~10% missing values: ours and
    krippendorff.alpha(level_of_measurement="nominal") on the same array; best of 5 each.
"""

from __future__ import annotations

import random
import time
from importlib.metadata import version

import numpy as np

from app.agreement import (
    AnnotatedSpan,
    DocumentAnnotations,
    build_report,
    krippendorff_alpha_nominal,
)

REPORT_TARGET_SECONDS = 1.0
SPEEDUP_TARGET = 10.0
EVIDENCE_TYPES = ("official_statement", "expert", "document", "statistic", "anonymous",
                  "eyewitness")
CLAIMANT_REGISTRY = 200  # claimant ids of the project; popular ones recur across documents


def synthetic_documents(n_documents: int = 1000, seed: int = 7) -> list[DocumentAnnotations]:
    rng = random.Random(seed)
    popularity = [1.0 / (rank + 1) for rank in range(CLAIMANT_REGISTRY)]  # Zipf-like
    return [_document(rng, doc_id, popularity) for doc_id in range(n_documents)]


def _document(rng: random.Random, doc_id: int, popularity: list[float]) -> DocumentAnnotations:
    length = rng.randint(2700, 3300)
    claimants = rng.choices(range(CLAIMANT_REGISTRY), weights=popularity, k=4)
    slot = length // 42
    truth = []
    for k in range(42):  # the claims a careful reader would mark
        start = k * slot + rng.randint(0, slot // 3)
        end = min(length, start + rng.randint(slot // 3, slot - 4))
        truth.append((start, end, rng.choice(EVIDENCE_TYPES), rng.choice(claimants)))
    annotators = ("ana", "ben", "cleo")
    spans = []
    for name in annotators:
        for start, end, evidence, claimant in truth:
            if rng.random() < 0.12:
                continue  # missed
            spans.extend(_marked(rng, doc_id, name, length, start, end,
                                 _noisy(rng, evidence, EVIDENCE_TYPES),
                                 _noisy_claimant(rng, claimant, claimants)))
    return DocumentAnnotations(doc_id, length, annotators, tuple(spans), f"Article {doc_id}")


def _marked(rng, doc_id, name, length, start, end, evidence, claimant) -> list[AnnotatedSpan]:
    if rng.random() < 0.4:  # boundaries a few characters off
        start = max(0, start + rng.randint(-6, 6))
        end = min(length, max(start + 1, end + rng.randint(-6, 6)))
    pieces = [(start, end)]
    if rng.random() < 0.04 and end - start > 10:  # one claim marked as two
        middle = (start + end) // 2
        pieces = [(start, middle), (middle + 1, end)]
    if rng.random() < 0.04:  # an extra span nobody else marks
        extra = rng.randint(0, length - 20)
        pieces.append((extra, extra + rng.randint(5, 19)))
    return [AnnotatedSpan(doc_id, name, s, e, evidence, claimant) for s, e in pieces]


def _noisy(rng, value, choices):
    return value if rng.random() < 0.85 else rng.choice(choices)


def _noisy_claimant(rng, claimant, claimants):
    roll = rng.random()
    if roll < 0.05:
        return None  # untagged
    return claimant if roll < 0.88 else rng.choice(claimants)


def reliability_data(n_units: int = 200_000, n_annotators: int = 5, seed: int = 11) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 5, size=n_units)
    data = np.where(rng.random((n_annotators, n_units)) < 0.8, truth,
                    rng.integers(0, 5, size=(n_annotators, n_units))).astype(float)
    data[rng.random(data.shape) < 0.10] = np.nan
    return data


def best_of(repeats: int, function) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        began = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - began)
    return best, result


def run() -> str:
    import krippendorff  # test/bench-only dependency

    documents = synthetic_documents()
    n_spans = sum(len(doc.spans) for doc in documents)
    report_seconds, report = best_of(3, lambda: build_report(documents))
    data = reliability_data()
    ours, our_alpha = best_of(5, lambda: krippendorff_alpha_nominal(data))
    theirs, their_alpha = best_of(5, lambda: krippendorff.alpha(
        reliability_data=data, level_of_measurement="nominal"))
    speedup = theirs / ours
    met = {True: "yes", False: "**no**"}
    return "\n".join([
        "## Agreement (app/agreement)",
        "",
        "| measurement | figure | target | met |",
        "|---|---|---|---|",
        f"| build_report: {len(documents):,} documents, 3 annotators, {n_spans:,} spans, "
        f"{report['units']:,} units, 2 x 1,000 bootstrap draws (best of 3) "
        f"| {report_seconds:.3f} s | <= {REPORT_TARGET_SECONDS:.1f} s "
        f"| {met[report_seconds <= REPORT_TARGET_SECONDS]} |",
        f"| nominal alpha, 200,000 units x 5 annotators, ~10% missing: ours (best of 5) "
        f"| {ours * 1000:.1f} ms | | |",
        f"| same array: krippendorff {version('krippendorff')} alpha() (best of 5) "
        f"| {theirs * 1000:.1f} ms | | |",
        f"| speed-up | {speedup:.1f}x | >= {SPEEDUP_TARGET:.0f}x "
        f"| {met[speedup >= SPEEDUP_TARGET]} |",
        f"| same alpha (difference) | {abs(our_alpha - their_alpha):.1e} | < 1e-9 "
        f"| {met[abs(our_alpha - their_alpha) < 1e-9]} |",
        "",
        f"Report figures for the synthetic data: evidence-type alpha "
        f"{report['evidence_type']['alpha']:.3f}, claimant alpha "
        f"{report['claimant']['alpha']:.3f}, span F1 (overlap) "
        f"{report['spans']['f1_overlap']:.3f}, unitizing alpha "
        f"{report['spans']['unitizing_alpha']:.3f}.",
    ])


if __name__ == "__main__":
    print(run())
