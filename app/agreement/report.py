"""The agreement report: every figure of the package for a set of documents, as plain JSON data.

See docs/agreement.md for what each figure means and when it is None.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from app.agreement.alpha import one_against_rest_alphas
from app.agreement.disagreements import VALUE_KINDS, Disagreements, find_disagreements
from app.agreement.gamma import GammaSettings
from app.agreement.gamma_report import gamma_per_document, gamma_section
from app.agreement.gwet import gwet_ac
from app.agreement.intervals import f1_draws, label_intervals
from app.agreement.labels import LabelAgreement
from app.agreement.methods import methods_table, methods_text
from app.agreement.resampling import DocumentBootstrap
from app.agreement.spans import SpanF1, span_f1
from app.agreement.table import SpanTable
from app.agreement.unit_table import UnitTable
from app.agreement.unitizing import UnitizingResult, mean_unitizing_alpha, unitizing_alpha
from app.agreement.units import MATCH_MODES, DocumentAnnotations, check_mode

SOFTWARE = "Credence"


def interpret_alpha(alpha: float | None) -> str | None:
    """Krippendorff (2004), Content Analysis, 2nd ed., section 11.4.4: rely on variables with
    alpha >= .800; consider those with .667 <= alpha < .800 only for tentative conclusions."""
    if alpha is None:
        return None
    if alpha >= 0.800:
        return "reliable"
    if alpha >= 0.667:
        return "tentative"
    return "unreliable"


def build_report(documents: Sequence[DocumentAnnotations], *, mode: str = "overlap",
                 annotators: Sequence[str] | None = None, bootstrap_draws: int = 1000,
                 seed: int = 12345, gamma: GammaSettings | None = None) -> dict:
    """Agreement of the annotators over `documents`; JSON-serialisable (see docs/agreement.md).

    `mode` matches spans into units ("overlap" or "exact"); `annotators` restricts the report
    to those annotators' work. The claimant interval uses seed + 1, the evidence-type one seed.
    `gamma` (GammaSettings: dissimilarity, sampler, precision; its seed is `seed`) asks for γ,
    which samples random continua and so costs more than everything else together: None, the
    default, leaves it out (`spans.gamma.value` None, with the reason).
    """
    check_mode(mode)
    spans = SpanTable.build(documents, annotators)
    by_mode = {mode: UnitTable.build(spans, mode)}
    for other in MATCH_MODES:
        if other not in by_mode:
            by_mode[other] = UnitTable.build(spans, other)
    units = by_mode[mode]
    f1 = {name: span_f1(table) for name, table in by_mode.items()}
    unitizing = _unitizing_per_document(spans)
    project_unitizing = mean_unitizing_alpha(unitizing)
    evidence = LabelAgreement.build(units, spans.evidence, spans.evidence_types)
    claimant = LabelAgreement.build(units, spans.claimant, spans.claimants)
    disagreements = find_disagreements(units)
    boot = DocumentBootstrap.draw(len(spans.documents), bootstrap_draws, seed)
    report = _figures(documents, spans, mode, by_mode, units, evidence, claimant, f1,
                      unitizing, project_unitizing, disagreements, boot, bootstrap_draws,
                      seed, gamma)
    report["methods_text"] = methods_text(report, SOFTWARE, version=software_version())
    report["methods_table"] = methods_table(report)
    return report


def software_version() -> str:
    """The installed Credence version, if it is installed as a package; else empty."""
    from importlib import metadata

    try:
        return metadata.version("credence")
    except metadata.PackageNotFoundError:
        return ""


def _figures(documents, spans, mode, by_mode, units, evidence, claimant, f1, unitizing,
             project_unitizing, disagreements, boot, bootstrap_draws, seed, gamma) -> dict:
    names = spans.annotators
    if gamma is not None:
        gamma = GammaSettings(gamma.dissimilarity, gamma.sampler, gamma.samples,
                              gamma.precision, seed)
        gammas = gamma_per_document(spans, gamma)
    else:
        gammas = [None] * len(spans.documents)
    return {
        "mode": mode,
        "documents": len(spans.documents),
        "annotators": list(names),
        "units": units.n_units,
        "spans": {
            "count": len(spans),
            "f1_exact": f1["exact"].mean,
            "f1_overlap": f1["overlap"].mean,
            "pairs": {_pair_key(pair): {"f1_exact": value,
                                        "f1_overlap": f1["overlap"].pairs.get(pair)}
                      for pair, value in f1["exact"].pairs.items()},
            "unitizing_alpha": project_unitizing.overall,
            "unitizing_alpha_per_evidence_type": dict(project_unitizing.per_category),
            **_span_intervals(boot, by_mode, unitizing),
            "gamma": (gamma_section(spans, gammas, gamma, boot) if gamma is not None
                      else {"value": None, "reason": "not computed (build_report(gamma=None))"}),
        },
        "evidence_type": _label_section(evidence, names, bootstrap_draws, seed,
                                        label_intervals(boot, evidence, units)),
        "claimant": _label_section(claimant, names, bootstrap_draws, seed + 1,
                                   label_intervals(boot, claimant, units)),
        "bootstrap": {"resampled": "documents", "documents": len(spans.documents),
                      "draws": boot.draws if boot else 0, "seed": seed,
                      "level": boot.level if boot else None},
        "disagreements": disagreements.count(),
        "per_document": _per_document(units, evidence, claimant, f1, unitizing, disagreements,
                                      gammas),
        "per_evidence_type": _per_evidence_type(units, evidence, project_unitizing,
                                                disagreements),
        "per_annotator": _per_annotator(units, evidence, claimant, f1, disagreements),
    }


def _pair_key(pair: tuple[str, str]) -> str:
    return f"{pair[0]}/{pair[1]}"


def _number(value) -> float | None:
    if value is None or np.isnan(value):
        return None
    return float(value)


def _unitizing_per_document(spans: SpanTable) -> list[UnitizingResult]:
    first = np.searchsorted(spans.document, np.arange(len(spans.documents) + 1))
    annotator_names = np.array(spans.annotators, dtype=object)
    evidence_names = np.array(spans.evidence_types, dtype=object)
    results = []
    for d, doc in enumerate(spans.documents):
        rows = slice(first[d], first[d + 1])
        segments = zip(annotator_names[spans.annotator[rows]].tolist(),
                       spans.start[rows].tolist(), spans.end[rows].tolist(),
                       evidence_names[spans.evidence[rows]].tolist(), strict=True)
        counted = [spans.annotators[i] for i in np.flatnonzero(spans.counted[d])]
        results.append(unitizing_alpha(doc.length, counted, segments))
    return results


def _span_intervals(boot: DocumentBootstrap | None, by_mode: dict[str, UnitTable],
                    unitizing: list[UnitizingResult]) -> dict:
    """Document-bootstrap intervals of the span figures (None with fewer than two documents)."""
    if boot is None:
        return {"f1_exact_interval": None, "f1_overlap_interval": None,
                "unitizing_alpha_interval": None}
    per_document = np.array([np.nan if r.overall is None else r.overall for r in unitizing])
    return {"f1_exact_interval": boot.interval(f1_draws(boot, by_mode["exact"])),
            "f1_overlap_interval": boot.interval(f1_draws(boot, by_mode["overlap"])),
            "unitizing_alpha_interval": boot.interval(boot.mean_of_defined(per_document))}


def _label_section(label: LabelAgreement, names: Sequence[str], draws: int, seed: int,
                   intervals: dict) -> dict:
    alpha = label.alpha()
    interval = label.alpha_interval(draws, seed) if alpha is not None else None
    confusions = label.pair_confusions(names)
    gwet = gwet_ac(label.counts)
    return {
        "alpha": alpha,
        "alpha_ci": list(interval) if interval else None,
        "alpha_interval": intervals["alpha"] if alpha is not None else None,
        "alpha_below": intervals["alpha_below"] if alpha is not None else None,
        "gwet_ac1": None if gwet is None else {
            "value": gwet.value, "standard_error": gwet.standard_error,
            "interval": intervals["gwet_ac1"]},
        "interpretation": interpret_alpha(alpha),
        "fleiss_kappa": label.fleiss_kappa(),
        "fleiss_kappa_interval": (intervals["fleiss_kappa"]
                                  if label.fleiss_kappa() is not None else None),
        "cohen_kappa": {_pair_key(pair): kappa
                        for pair, kappa in label.pair_kappas(confusions).items()},
        "observed_agreement": label.observed_agreement(),
        "confusion": {_pair_key(pair): {"labels": labels, "matrix": matrix}
                      for pair, (labels, matrix) in confusions.items()},
    }


def _per_document(units: UnitTable, evidence: LabelAgreement, claimant: LabelAgreement,
                  f1: dict[str, SpanF1], unitizing: list[UnitizingResult],
                  disagreements: Disagreements, gammas: list) -> list[dict]:
    spans = units.spans
    n_documents = len(spans.documents)
    unit_counts = np.bincount(units.document, minlength=n_documents)
    span_counts = np.bincount(spans.document, minlength=n_documents)
    evidence_alpha = evidence.alpha_per_group(units.document, n_documents)
    claimant_alpha = claimant.alpha_per_group(units.document, n_documents)
    kinds = disagreements.count_by_group(units.document, n_documents)
    entries = []
    for d, doc in enumerate(spans.documents):
        entries.append({
            "document": doc.document,
            "title": doc.title,
            "annotators": [spans.annotators[i] for i in np.flatnonzero(spans.counted[d])],
            "spans": int(span_counts[d]),
            "units": int(unit_counts[d]),
            "evidence_type_alpha": _number(evidence_alpha[d]),
            "claimant_alpha": _number(claimant_alpha[d]),
            "f1_exact": _number(f1["exact"].per_document[d]),
            "f1_overlap": _number(f1["overlap"].per_document[d]),
            "unitizing_alpha": unitizing[d].overall,
            "gamma": gammas[d].gamma if gammas[d] is not None else None,
            "disagreements": kinds[d],
        })
    order = sorted(range(n_documents), key=lambda d: _worst_first(entries[d], d))
    return [entries[d] for d in order]


def _worst_first(entry: dict, index: int) -> tuple:
    """Lowest evidence-type alpha first, None last; ties: larger share of non-unanimous units."""
    alpha = entry["evidence_type_alpha"]
    units = entry["units"]
    troubled = (units - entry["disagreements"]["unanimous"]) / units if units else 0.0
    return (alpha is None, alpha if alpha is not None else 0.0, -troubled, index)


def _per_evidence_type(units: UnitTable, evidence: LabelAgreement, project: UnitizingResult,
                       disagreements: Disagreements) -> dict:
    spans = units.spans
    # Each type against all others: alpha of the yes/no question "is it this type?".
    binary = one_against_rest_alphas(evidence.counts)
    span_counts = np.bincount(spans.evidence, minlength=len(spans.evidence_types))
    result = {}
    for code, key in enumerate(spans.evidence_types):
        uses = (evidence.grid == code).any(axis=1)
        result[key] = {
            "spans": int(span_counts[code]),
            "units": int(uses.sum()),
            "unitizing_alpha": project.per_category.get(key),
            "alpha_binary": _number(binary[code]),
            "disagreements": disagreements.count(uses),
        }
    return result


def _per_annotator(units: UnitTable, evidence: LabelAgreement, claimant: LabelAgreement,
                   f1: dict[str, SpanF1], disagreements: Disagreements) -> dict:
    spans = units.spans
    span_counts = np.bincount(spans.annotator, minlength=len(spans.annotators))
    evidence_agreement = evidence.annotator_agreement()
    claimant_agreement = claimant.annotator_agreement()
    result = {}
    for i, name in enumerate(spans.annotators):
        result[name] = {
            "documents": int(spans.counted[:, i].sum()),
            "spans": int(span_counts[i]),
            "f1_exact": f1["exact"].of_annotator(name),
            "f1_overlap": f1["overlap"].of_annotator(name),
            "evidence_type_agreement": _number(evidence_agreement[i]),
            "claimant_agreement": _number(claimant_agreement[i]),
            "missed": int(disagreements.missed[:, i].sum()),
            "differed": {kind: int(disagreements.differed[kind][:, i].sum())
                         for kind in VALUE_KINDS},
        }
    return result
