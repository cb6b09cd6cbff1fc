"""Gamma in the report: every document's continuum from the span table, the project's pooled
γ (with its document-bootstrap interval), γ-cat, γ-k per evidence type, and per-document γ.

Random continua per document: a project shares pygamma-agreement's first batch of 30 among its
documents, `max(2, ceil(30 / documents))` each: the pooled expected disorder averages over all
of them, so its precision grows with the number of documents (a one-document project gets all
30, and more when the precision level asks for them). Per-document γ therefore rests on few
random continua in a large project: good for sorting documents, not for citing one of them.
Document d draws from numpy.random.default_rng([seed, d]), so figures are reproducible and a
document's γ does not depend on the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from app.agreement.gamma import (
    DocumentGamma,
    GammaSettings,
    document_gamma,
    pooled_categorical,
    pooled_gamma,
)
from app.agreement.gamma_samplers import Continuum
from app.agreement.resampling import DocumentBootstrap
from app.agreement.table import SpanTable

PROJECT_FIRST_BATCH = 30


def document_continua(spans: SpanTable) -> list[Continuum]:
    """Each document's spans as a continuum: its counted annotators (those without spans too)
    numbered 0..n-1, the evidence type as category."""
    first = np.searchsorted(spans.document, np.arange(len(spans.documents) + 1))
    continua = []
    for d in range(len(spans.documents)):
        rows = slice(first[d], first[d + 1])
        counted = np.flatnonzero(spans.counted[d])
        local = np.searchsorted(counted, spans.annotator[rows])
        continua.append(Continuum(len(counted), local, spans.start[rows].astype(float),
                                  spans.end[rows].astype(float), spans.evidence[rows]))
    return continua


def samples_per_document(n_documents: int) -> int:
    return max(2, math.ceil(PROJECT_FIRST_BATCH / max(n_documents, 1)))


def gamma_per_document(spans: SpanTable, settings: GammaSettings,
                       progress: Callable[[float], None] | None = None
                       ) -> list[DocumentGamma | None]:
    """Each document's γ; `progress(fraction of documents done)` now and then."""
    continua = document_continua(spans)
    share = GammaSettings(settings.dissimilarity, settings.sampler,
                          min(settings.samples, samples_per_document(len(continua))),
                          settings.precision, settings.seed)
    every = max(1, len(continua) // 100)
    result = []
    for d, continuum in enumerate(continua):
        if progress is not None and d % every == 0:
            progress(d / len(continua))
        result.append(document_gamma(continuum, share, np.random.default_rng([settings.seed, d])))
    return result


def gamma_section(spans: SpanTable, documents: list[DocumentGamma | None],
                  settings: GammaSettings, boot: DocumentBootstrap | None) -> dict:
    """`spans.gamma` of the report (docs/agreement.md)."""
    value, observed, expected = pooled_gamma(documents)
    per_document = [doc.gamma for doc in documents if doc is not None and doc.gamma is not None]
    d = settings.dissimilarity
    section = {
        "value": value, "observed_disorder": observed, "expected_disorder": expected,
        "interval": _interval(boot, documents) if value is not None else None,
        "per_document_mean": float(np.mean(per_document)) if per_document else None,
        "gamma_cat": pooled_categorical(documents, None) if value is not None else None,
        "per_type": {key: pooled_categorical(documents, code)
                     for code, key in enumerate(spans.evidence_types)} if value is not None
        else {},
        "sampler": settings.sampler,
        "random_continua": sum(doc.samples for doc in documents if doc is not None),
        "precision": settings.precision,
        "dissimilarity": {"alpha": d.alpha, "beta": d.beta, "delta_empty": d.delta_empty},
    }
    if value is None:
        section["reason"] = ("no document has two annotators and at least one span"
                             if observed is None else "expected disorder is 0")
    return section


def _interval(boot: DocumentBootstrap | None, documents: list[DocumentGamma | None]):
    """Resample the documents' alignments: T_d, W_d and W_d E_d add up (no realignment)."""
    if boot is None:
        return None
    parts = np.array([[doc.observed_total, doc.weight * doc.expected] if doc is not None
                      else [0.0, 0.0] for doc in documents])
    summed = boot.sums(parts)
    with np.errstate(invalid="ignore", divide="ignore"):
        gamma = np.where(summed[:, 0] == 0, 1.0, 1.0 - summed[:, 0] / summed[:, 1])
    gamma[summed[:, 1] == 0] = np.nan
    return boot.interval(gamma)
