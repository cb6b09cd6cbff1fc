"""Benchmark: gamma (app/agreement/gamma*.py) for a project of 1,000 documents x 3 annotators x
40 spans, the whole report with every coefficient and interval, and pygamma-agreement 0.5.9 on
the same documents.

Synthetic claim spans: 40 per document, 20-60 characters apart by 40-80 characters; each of 3
annotators marks each one, moving each boundary by up to 4 characters, with the span's
evidence type (one of 4) 80% of the time. The project γ is computed as the report does
(statistical sampler, random continua shared among documents: 2 each here). The side-by-side
comparison runs both implementations on the same few documents with the same work per
document (30 random continua, no precision top-up), since pygamma-agreement takes minutes per
hundred documents; the ratio is per document.
"""

import logging
import os
import time

import numpy as np

from app.agreement import AnnotatedSpan, DocumentAnnotations, build_report
from app.agreement.gamma import GammaSettings, document_gamma
from app.agreement.gamma_report import document_continua, gamma_per_document
from app.agreement.table import SpanTable

DOCUMENTS = 1000
SPANS = 40
ANNOTATORS = ("a", "b", "c")
TYPES = ("w", "x", "y", "z")
SIDE_BY_SIDE = 5  # documents given to both implementations


def synthetic_project(seed: int = 7) -> list[DocumentAnnotations]:
    rng = np.random.default_rng(seed)
    documents = []
    for d in range(DOCUMENTS):
        gaps = rng.integers(40, 80, SPANS)
        lengths = rng.integers(20, 60, SPANS)
        starts = np.cumsum(gaps + np.r_[0, lengths[:-1]]) + 10
        true_type = rng.integers(0, len(TYPES), SPANS)
        spans = []
        for name in ANNOTATORS:
            start = starts + rng.integers(-4, 5, SPANS)
            end = start + lengths + rng.integers(-4, 5, SPANS)
            kind = np.where(rng.random(SPANS) < 0.8, true_type,
                            rng.integers(0, len(TYPES), SPANS))
            spans += [AnnotatedSpan(d, name, int(s), int(e), TYPES[k], 1)
                      for s, e, k in zip(start, end, kind, strict=True)]
        length = int(max(s.end for s in spans)) + 10
        documents.append(DocumentAnnotations(d, length, ANNOTATORS, tuple(spans)))
    return documents


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def timed_with_cpu(function):
    """(wall seconds, CPU seconds of this process, result): the machine is shared, and CPU
    time is what other engineers' load disturbs least."""
    cpu = time.process_time()
    wall, result = timed(function)
    return wall, time.process_time() - cpu, result


def pygamma_seconds(documents) -> float | None:
    try:
        import pygamma_agreement as pg
        from pyannote.core import Segment
    except ImportError:
        return None
    logging.getLogger().setLevel(logging.ERROR)
    try:  # pygamma solves with GLPK through cvxopt, which prints every solve
        from cvxopt import glpk
        glpk.options["msg_lev"] = "GLP_MSG_OFF"
    except ImportError:
        pass
    dissimilarity = pg.CombinedCategoricalDissimilarity(alpha=3, beta=1, delta_empty=1)

    def one(document):
        continuum = pg.Continuum()
        for span in document.spans:
            continuum.add(span.annotator, Segment(span.start, span.end), span.evidence_type)
        return continuum.compute_gamma(dissimilarity, n_samples=30).gamma

    one(documents[0])  # numba compiles on the first call: not timed
    return timed(lambda: [one(doc) for doc in documents])[0]


def ours_seconds(documents) -> float:
    continua = document_continua(SpanTable.build(documents))
    settings = GammaSettings(samples=30, precision=None)
    return timed(lambda: [document_gamma(c, settings, np.random.default_rng(i))
                          for i, c in enumerate(continua)])[0]


def run() -> str:
    documents = synthetic_project()
    table = SpanTable.build(documents)
    gamma_time, gamma_cpu, gammas = timed_with_cpu(
        lambda: gamma_per_document(table, GammaSettings()))
    report_time, report_cpu, report = timed_with_cpu(
        lambda: build_report(documents, gamma=GammaSettings()))
    few = documents[:SIDE_BY_SIDE]
    theirs = pygamma_seconds(few)
    ours = ours_seconds(few)
    lines = [
        "## Gamma (γ) and the full agreement report",
        "",
        f"{DOCUMENTS} documents x {len(ANNOTATORS)} annotators x {SPANS} spans "
        f"({DOCUMENTS * len(ANNOTATORS) * SPANS:,} spans); bench/bench_gamma.py.",
        "",
        f"Machine load (1-minute average) when measured: {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores.",
        "",
        "| what | seconds | CPU seconds |",
        "|---|---|---|",
        f"| γ for the project (exact alignments + {sum(g.samples for g in gammas if g)} random "
        f"continua) | {gamma_time:.1f} | {gamma_cpu:.1f} |",
        f"| whole report: every coefficient with its interval (1,000 bootstrap draws), γ, "
        f"AC1/AC2, κ per pair | {report_time:.1f} | {report_cpu:.1f} |",
        "",
        "The dashboard computes a report this large in the background (docs/"
        "agreement-dashboard.md): its first request answers at once with a progress bar.",
        "",
        f"Project γ = {report['spans']['gamma']['value']:.4f}, 95% interval "
        f"[{report['spans']['gamma']['interval'][0]:.4f}, "
        f"{report['spans']['gamma']['interval'][1]:.4f}].",
        "",
        f"Side by side on {SIDE_BY_SIDE} of these documents, 30 random continua each "
        "(statistical sampler, same work per document):",
        "",
        "| implementation | seconds | per document |",
        "|---|---|---|",
        f"| Credence | {ours:.2f} | {ours / SIDE_BY_SIDE:.3f} |",
    ]
    if theirs is not None:
        lines.append(f"| pygamma-agreement 0.5.9 | {theirs:.2f} | {theirs / SIDE_BY_SIDE:.3f} |")
        lines += ["", f"Ratio: Credence is {theirs / ours:.1f}x faster per document."]
    else:
        lines += ["", "pygamma-agreement is not installed: no side-by-side figure."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
