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
from app.agreement.progress import ProgressCallback, report_progress
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


AC2_WEIGHTS = ("identity", "linear", "quadratic", "ordinal")


def build_report(documents: Sequence[DocumentAnnotations], *, mode: str = "overlap",
                 annotators: Sequence[str] | None = None, bootstrap_draws: int = 1000,
                 seed: int = 12345, gamma: GammaSettings | None = None,
                 ac2_weights: str = "identity",
                 progress: ProgressCallback | None = None) -> dict:
    """Agreement of the annotators over `documents`; JSON-serialisable (see docs/agreement.md).

    `mode` matches spans into units ("overlap" or "exact"); `annotators` restricts the report
    to those annotators' work. The claimant interval uses seed + 1, the evidence-type one seed.
    `gamma` (GammaSettings: dissimilarity, sampler, precision; its seed is `seed`) asks for γ,
    which samples random continua and so costs more than everything else together: None, the
    default, leaves it out (`spans.gamma.value` None, with the reason). `ac2_weights` names
    Gwet's AC2 weights over the categories in their code order (identity: nominal data, AC2 =
    AC1). `progress(phase, fraction)` is told each phase of app.agreement.progress.REPORT_PHASES
    as it starts, and γ's progress document by document.
    """
    check_mode(mode)
    if ac2_weights not in AC2_WEIGHTS:
        raise ValueError(f"unknown AC2 weights {ac2_weights!r}: use {', '.join(AC2_WEIGHTS)}")
    report_progress(progress, "units")
    spans = SpanTable.build(documents, annotators)
    by_mode = {mode: UnitTable.build(spans, mode)}
    for other in MATCH_MODES:
        if other not in by_mode:
            by_mode[other] = UnitTable.build(spans, other)
    units = by_mode[mode]
    f1 = {name: span_f1(table) for name, table in by_mode.items()}
    unitizing = _unitizing_per_document(spans)
    evidence = LabelAgreement.build(units, spans.evidence, spans.evidence_types)
    claimant = LabelAgreement.build(units, spans.claimant, spans.claimants)
    disagreements = find_disagreements(units)
    boot = DocumentBootstrap.draw(len(spans.documents), bootstrap_draws, seed)
    gammas = [None] * len(spans.documents)
    if gamma is not None:
        gamma = GammaSettings(gamma.dissimilarity, gamma.sampler, gamma.samples,
                              gamma.precision, seed)
        gammas = gamma_per_document(
            spans, gamma, None if progress is None
            else lambda fraction: progress("gamma samples", fraction))
    labels = {"evidence_type": (evidence, seed), "claimant": (claimant, seed + 1)}
    sections = _label_sections(labels, spans.annotators, bootstrap_draws, ac2_weights,
                               progress)
    report_progress(progress, "bootstrap")
    for name, (label, _) in labels.items():
        weights = _ac2_matrix(ac2_weights, len(label.categories))
        _add_intervals(sections[name], label_intervals(boot, label, units, weights),
                       spans.annotators)
    report = _figures(spans, mode, by_mode, units, evidence, claimant, f1, unitizing,
                      disagreements, boot, bootstrap_draws, seed, gamma, gammas, sections)
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


def _figures(spans, mode, by_mode, units, evidence, claimant, f1, unitizing, disagreements,
             boot, bootstrap_draws, seed, gamma, gammas, sections) -> dict:
    project_unitizing = mean_unitizing_alpha(unitizing)
    return {
        "mode": mode,
        "documents": len(spans.documents),
        "annotators": list(spans.annotators),
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
        **sections,
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


def _ac2_matrix(name: str, q: int) -> np.ndarray | None:
    """AC2's weights over q categories; None for identity (AC2 is AC1 then)."""
    from app.agreement.gwet import linear_weights, ordinal_weights, quadratic_weights

    makers = {"linear": linear_weights, "quadratic": quadratic_weights,
              "ordinal": ordinal_weights}
    return makers[name](q) if name in makers else None


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


def _label_sections(labels: dict, names: Sequence[str], draws: int, ac2_weights: str,
                    progress: ProgressCallback | None) -> dict:
    """The point figures of each label section, phase by phase: α (with its unit-bootstrap
    interval), then κ (Fleiss', Cohen's per pair), then Gwet's AC1 and AC2."""
    sections = {}
    report_progress(progress, "alpha")
    for name, (label, seed) in labels.items():
        alpha = label.alpha()
        interval = label.alpha_interval(draws, seed) if alpha is not None else None
        sections[name] = {"alpha": alpha, "alpha_ci": list(interval) if interval else None,
                          "interpretation": interpret_alpha(alpha),
                          "observed_agreement": label.observed_agreement()}
    report_progress(progress, "kappa")
    for name, (label, _) in labels.items():
        confusions = label.pair_confusions(names)
        sections[name].update(
            fleiss_kappa=label.fleiss_kappa(),
            cohen_kappa={_pair_key(pair): kappa
                         for pair, kappa in label.pair_kappas(confusions).items()},
            confusion={_pair_key(pair): {"labels": labels_, "matrix": matrix}
                       for pair, (labels_, matrix) in confusions.items()})
    report_progress(progress, "ac1")
    for name, (label, _) in labels.items():
        ac1 = gwet_ac(label.counts)
        weights = _ac2_matrix(ac2_weights, len(label.categories))
        ac2 = ac1 if weights is None else gwet_ac(label.counts, weights)
        sections[name]["gwet_ac1"] = None if ac1 is None else {
            "value": ac1.value, "standard_error": ac1.standard_error, "interval": None}
        sections[name]["gwet_ac2"] = None if ac2 is None else {
            "value": ac2.value, "standard_error": ac2.standard_error, "interval": None,
            "weights": ac2_weights}
    return sections


def _add_intervals(section: dict, intervals: dict, names: Sequence[str]) -> None:
    """The document-bootstrap intervals of a label section's figures (None where the figure
    itself is undefined)."""
    defined = section["alpha"] is not None
    section["alpha_interval"] = intervals["alpha"] if defined else None
    section["alpha_below"] = intervals["alpha_below"] if defined else None
    section["fleiss_kappa_interval"] = (intervals["fleiss_kappa"]
                                        if section["fleiss_kappa"] is not None else None)
    for key in ("gwet_ac1", "gwet_ac2"):
        if section[key] is not None:
            section[key]["interval"] = intervals[key]
    by_pair = {_pair_key((names[i], names[j])): interval
               for (i, j), interval in (intervals["cohen_kappa"] or {}).items()}
    section["cohen_kappa_interval"] = {pair: by_pair.get(pair) if kappa is not None else None
                                       for pair, kappa in section["cohen_kappa"].items()}


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
