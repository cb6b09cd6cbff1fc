"""A methods paragraph and table a researcher can paste into a paper, generated from a report.

    methods_text(report, software="Credence", version="...") -> str
    methods_table(report) -> list[dict]   (measure, value, interval, reference)

Plain text only (no markup), figures to three decimals, intervals as "95% CI [low, high]"
from the document bootstrap, and the reference of each measure. Undefined figures are named
as such rather than left out, so a reader sees what could not be computed.
"""

from __future__ import annotations

REFERENCES = {
    "alpha": "Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg "
             "School for Communication, University of Pennsylvania.",
    "unitizing": "Krippendorff, K. (1995). On the reliability of unitizing continuous data. "
                 "Sociological Methodology 25:47-76.",
    "gamma": "Mathet, Y., Widlöcher, A., & Métivier, J.-P. (2015). The unified and holistic "
             "method gamma (γ) for inter-annotator agreement measure and alignment. "
             "Computational Linguistics 41(3):437-479.",
    "gwet": "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the "
            "presence of high agreement. British Journal of Mathematical and Statistical "
            "Psychology 61:29-48.",
    "f1": "Hripcsak, G., & Rothschild, A. S. (2005). Agreement, the F-measure, and reliability "
          "in information retrieval. JAMIA 12(3):296-298.",
    "bootstrap": "Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. "
                 "Chapman & Hall, ch. 13.",
}


def _figure(value) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _interval(interval) -> str:
    if not interval:
        return ""
    return f", 95% CI [{interval[0]:.3f}, {interval[1]:.3f}]"


def methods_table(report: dict) -> list[dict]:
    """One row per coefficient: measure, value, interval ([low, high] or None), reference."""
    spans = report.get("spans") or {}
    evidence = report.get("evidence_type") or {}
    claimant = report.get("claimant") or {}
    gamma = spans.get("gamma") or {}
    rows = [
        ("Krippendorff's α (nominal), evidence type", evidence.get("alpha"),
         evidence.get("alpha_interval"), "alpha"),
        ("Krippendorff's α (nominal), claimant", claimant.get("alpha"),
         claimant.get("alpha_interval"), "alpha"),
        ("Gwet's AC1, evidence type", (evidence.get("gwet_ac1") or {}).get("value"),
         (evidence.get("gwet_ac1") or {}).get("interval"), "gwet"),
        ("Gwet's AC1, claimant", (claimant.get("gwet_ac1") or {}).get("value"),
         (claimant.get("gwet_ac1") or {}).get("interval"), "gwet"),
        ("Unitizing α (αU)", spans.get("unitizing_alpha"), spans.get("unitizing_alpha_interval"),
         "unitizing"),
        ("γ (gamma), spans with evidence type", gamma.get("value"), gamma.get("interval"),
         "gamma"),
        ("Pairwise span F1, overlap", spans.get("f1_overlap"), spans.get("f1_overlap_interval"),
         "f1"),
        ("Pairwise span F1, exact", spans.get("f1_exact"), spans.get("f1_exact_interval"), "f1"),
    ]
    return [{"measure": measure, "value": value, "interval": interval,
             "reference": REFERENCES[key]} for measure, value, interval, key in rows]


def methods_text(report: dict, software: str = "Credence", version: str = "") -> str:
    """The paragraph (see the module docstring)."""
    annotators = report.get("annotators") or []
    boot = report.get("bootstrap") or {}
    gamma = (report.get("spans") or {}).get("gamma") or {}
    mode = report.get("mode", "overlap")
    matching = ("spans of different annotators were matched one-to-one by maximum character "
                "overlap" if mode == "overlap" else "spans were matched when their start and "
                "end offsets were identical")
    parts = [
        f"Inter-annotator agreement was computed with {software}"
        f"{' ' + version if version else ''} over {report.get('documents', 0)} documents "
        f"annotated by {len(annotators)} annotators ({report.get('spans', {}).get('count', 0)} "
        f"spans, {report.get('units', 0)} units). For label agreement, {matching}.",
    ]
    figures = "; ".join(f"{row['measure']} = {_figure(row['value'])}"
                        f"{_interval(row['interval'])}" for row in methods_table(report))
    parts.append(f"We report {figures}.")
    if boot.get("draws"):
        parts.append(f"Confidence intervals are percentile intervals from {boot['draws']} "
                     f"bootstrap resamples of documents (seed {boot.get('seed')}), which keeps "
                     "the dependence among units of one document (Efron & Tibshirani 1993).")
    below = (report.get("evidence_type") or {}).get("alpha_below")
    if below:
        parts.append(f"The probability that evidence-type α is below 0.667 is "
                     f"{below.get('0.667', 0):.3f}, and below 0.800 {below.get('0.800', 0):.3f} "
                     "(Krippendorff 2004, section 11.4.4).")
    if gamma.get("value") is not None and gamma.get("dissimilarity"):
        d = gamma["dissimilarity"]
        parts.append(f"γ used the combined dissimilarity with α = {d['alpha']:g}, β = "
                     f"{d['beta']:g}, Δ∅ = {d['delta_empty']:g}, an exact best alignment, and "
                     f"{gamma.get('random_continua')} random continua from the "
                     f"{gamma.get('sampler')} sampler for the expected disorder.")
    parts.append("References: " + " ".join(sorted(set(REFERENCES.values()))))
    return " ".join(parts)
