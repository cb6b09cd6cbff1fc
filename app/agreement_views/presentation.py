"""Turn an agreement report (plain dict, see app.agreement.build_report) into what the
dashboard and the CLI show.

Numbers become strings here ("0.812", or "—" when undefined) so the template never does
arithmetic, and a missing or null figure can never crash the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from werkzeug.routing import BuildError

from app.agreement_views.svg import kappa_heatmap, share_bar
from app.models import Project
from app.projects.service import project_scheme

# Krippendorff (2004), Content Analysis, 2nd ed., sec. 11.4.4 (as app.agreement.interpret_alpha).
RELIABLE = 0.800
TENTATIVE = 0.667
NOT_ENOUGH_DATA = "not enough data"
BAND_RANGE = {
    "reliable": "α ≥ 0.800",
    "tentative": "0.667 ≤ α < 0.800",
    "unreliable": "α < 0.667",
}
# The kinds of app.agreement.disagreements, explained for researchers.
DISAGREEMENT_KINDS = [
    ("unanimous", "Unanimous", "every annotator marked the unit, with the same boundaries, "
     "evidence type and claimant"),
    ("boundary", "Boundary", "the spans start or end in different places"),
    ("evidence_type", "Evidence type", "the annotators chose different evidence types"),
    ("claimant", "Claimant", "the annotators named different claimants"),
    ("missing", "Missing", "some annotators did not mark the unit at all"),
]


def figure(value, places: int = 3) -> str:
    """A statistic for display: fixed decimals, or an em dash when undefined."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value:.{places}f}"


def interval(bounds) -> str:
    if not isinstance(bounds, list | tuple) or len(bounds) != 2 or None in bounds:
        return ""
    return f"95% CI {figure(bounds[0])} to {figure(bounds[1])}"


@dataclass(frozen=True)
class Headline:
    anchor: str  # id of the paragraph explaining the figure
    label: str
    value: str
    interval: str
    band: str | None  # reliable | tentative | unreliable | None
    band_text: str  # the band's name, or why there is none
    band_range: str  # the band's bounds, e.g. "0.667 ≤ α < 0.800"


def headlines(report: dict, interpret: Callable[[float | None], str | None]) -> list[Headline]:
    spans = report.get("spans") or {}
    evidence = report.get("evidence_type") or {}
    claimant = report.get("claimant") or {}

    def alpha(anchor, label, value, bounds=None) -> Headline:
        band = interpret(value)
        return Headline(anchor, label, figure(value), interval(bounds), band,
                        band or NOT_ENOUGH_DATA, BAND_RANGE.get(band, ""))

    def rate(anchor, label, value) -> Headline:
        # F1 is a match rate, not a chance-corrected coefficient: alpha's bands do not apply.
        text = "no reliability threshold" if value is not None else NOT_ENOUGH_DATA
        return Headline(anchor, label, figure(value), "", None, text, "")

    def coefficient(anchor, label, part) -> Headline:
        # γ and AC1 have no published reliability bands of their own: value and interval only.
        part = part or {}
        value = part.get("value")
        text = "no reliability threshold" if value is not None else NOT_ENOUGH_DATA
        return Headline(anchor, label, figure(value), interval(part.get("interval")), None,
                        text, "")

    same_organisation = report.get("claimant_same_organisation")
    return [
        alpha("evidence-alpha", "Evidence type α", evidence.get("alpha"),
              evidence.get("alpha_interval") or evidence.get("alpha_ci")),
        alpha("claimant-alpha", "Claimant α", claimant.get("alpha"),
              claimant.get("alpha_interval") or claimant.get("alpha_ci")),
        *([alpha("claimant-alpha", "Claimant α (same organisation)",
                 same_organisation.get("alpha"), same_organisation.get("alpha_ci"))]
          if same_organisation else []),
        alpha("unitizing-alpha", "Unitizing α_U", spans.get("unitizing_alpha"),
              spans.get("unitizing_alpha_interval")),
        coefficient("gamma", "γ (spans and evidence type)", spans.get("gamma")),
        coefficient("gwet-ac1", "Gwet's AC1, evidence type", evidence.get("gwet_ac1")),
        rate("span-f1", "Span F1 (overlap)", spans.get("f1_overlap")),
        rate("span-f1", "Span F1 (exact)", spans.get("f1_exact")),
    ]


def label_details(report: dict) -> list[dict]:
    rows = []
    for key, label in (("evidence_type", "Evidence type"), ("claimant", "Claimant")):
        part = report.get(key) or {}
        ac2 = part.get("gwet_ac2") or {}
        rows.append({"label": label, "alpha": figure(part.get("alpha")),
                     "interval": interval(part.get("alpha_ci")) or "—",
                     "fleiss": figure(part.get("fleiss_kappa")),
                     "fleiss_interval": interval(part.get("fleiss_kappa_interval")) or "—",
                     "ac2": figure(ac2.get("value")), "ac2_weights": ac2.get("weights") or "",
                     "ac2_interval": interval(ac2.get("interval")) or "—",
                     "observed": figure(part.get("observed_agreement"))})
    return rows


def pair_kappa_rows(report: dict) -> list[dict]:
    """Cohen's κ on evidence types for each pair of annotators, with its interval."""
    part = report.get("evidence_type") or {}
    intervals = part.get("cohen_kappa_interval") or {}
    return [{"pair": pair.replace("/", " and "), "kappa": figure(kappa),
             "interval": interval(intervals.get(pair)) or "—"}
            for pair, kappa in (part.get("cohen_kappa") or {}).items()]


def heatmap(report: dict):
    annotators = list(report.get("annotators") or [])
    if len(annotators) < 2:
        return None
    pairs = (report.get("evidence_type") or {}).get("cohen_kappa") or {}
    return kappa_heatmap(annotators, pairs)


def evidence_names(project: Project) -> dict[str, str]:
    return {e.key: e.name for e in project_scheme(project).evidence_types}


def evidence_rows(report: dict, names: dict[str, str]) -> list[dict]:
    """One row per evidence type, in the scheme's order (types of old data at the end)."""
    per_type = report.get("per_evidence_type") or {}
    keys = [k for k in names if k in per_type] + [k for k in per_type if k not in names]
    return [{
        "key": key,
        "name": names.get(key, key),
        "spans": figure(per_type[key].get("spans"), 0),
        "units": figure(per_type[key].get("units"), 0),
        "alpha": figure(per_type[key].get("alpha_binary")),
        "unitizing_alpha": figure(per_type[key].get("unitizing_alpha")),
        "troubled": figure(_troubled(per_type[key].get("units"),
                                     per_type[key].get("disagreements")), 0),
    } for key in keys]


def annotator_rows(report: dict) -> list[dict]:
    rows = []
    for name, stats in (report.get("per_annotator") or {}).items():
        differed = stats.get("differed") or {}
        rows.append({
            "name": name,
            "documents": figure(stats.get("documents"), 0),
            "spans": figure(stats.get("spans"), 0),
            "f1_overlap": figure(stats.get("f1_overlap")),
            "f1_exact": figure(stats.get("f1_exact")),
            "evidence_agreement": figure(stats.get("evidence_type_agreement")),
            "claimant_agreement": figure(stats.get("claimant_agreement")),
            "missed": figure(stats.get("missed"), 0),
            "differed": {kind: figure(differed.get(kind), 0)
                         for kind in ("boundary", "evidence_type", "claimant")},
        })
    return rows


def _troubled(units, counts) -> int | None:
    """Units showing any disagreement. A unit may show several kinds at once, so this is all
    units but the unanimous ones, never the kinds' counts added up."""
    if not isinstance(units, int) or not isinstance(counts, dict):
        return None
    return units - (counts.get("unanimous") or 0)


def document_rows(report: dict, project: Project, link_exists: Callable[[str], bool]) -> list:
    rows = []
    for entry in report.get("per_document") or []:
        rows.append({
            "title": entry.get("title") or f"Document {entry.get('document')}",
            "url": document_link(entry.get("document"), project, link_exists),
            "units": figure(entry.get("units"), 0),
            "evidence_alpha": figure(entry.get("evidence_type_alpha")),
            "claimant_alpha": figure(entry.get("claimant_alpha")),
            "f1_overlap": figure(entry.get("f1_overlap")),
            "unitizing_alpha": figure(entry.get("unitizing_alpha")),
            "troubled": figure(_troubled(entry.get("units"), entry.get("disagreements")), 0),
        })
    return rows


def document_link(document_id, project: Project, link_exists: Callable[[str], bool]) -> str | None:
    """The document's review page once reviewing exists, else the project's documents list."""
    candidates = [("review.document", {"document_id": document_id}),
                  ("projects.documents", {"project_id": project.id}),
                  ("projects.show_project", {"project_id": project.id})]
    for endpoint, arguments in candidates:
        if link_exists(endpoint):
            try:
                return url_for(endpoint, **arguments)
            except BuildError:
                continue
    return None


def disagreement_rows(report: dict) -> list[dict]:
    """Each kind's count and its share of all units (shares may add up to more than 100%)."""
    counts = report.get("disagreements") or {}
    units = report.get("units") if isinstance(report.get("units"), int) else 0
    rows = []
    for key, label, explanation in DISAGREEMENT_KINDS:
        count = counts.get(key) or 0
        share = count / units if units else 0.0
        rows.append({"key": key, "label": label, "explanation": explanation, "count": count,
                     "share": f"{share:.0%}" if units else "—",
                     "bar": share_bar(share, f"{label}: {share:.0%} of units")})
    return rows


def confusion_tables(report: dict, names: dict[str, str]) -> list[dict]:
    """Evidence-type confusion matrices, one per pair of annotators the report has one for."""
    confusions = (report.get("evidence_type") or {}).get("confusion") or {}
    annotators = list(report.get("annotators") or [])
    tables = []
    # Pairs come from the annotator list, not by splitting "a/b": a username may contain "/".
    for index, first in enumerate(annotators):
        for second in annotators[index + 1:]:
            rows, columns = (first, second) if f"{first}/{second}" in confusions else (
                second, first)
            confusion = confusions.get(f"{rows}/{columns}")
            if not confusion:
                continue
            labels = [names.get(label, label) if label is not None else "(none)"
                      for label in confusion.get("labels") or []]
            tables.append({"first": rows, "second": columns, "labels": labels,
                           "matrix": confusion.get("matrix") or []})
    return tables


def over_time_chart(report: dict):
    """The weekly evidence-type α line chart (SVG) and its rows, or None without two weeks."""
    from app.agreement_views.svg import line_chart

    over_time = report.get("over_time") or {}
    windows = over_time.get("windows") or []
    if len(windows) < 2:
        return None
    points = [(w["label"], w["evidence_type_alpha"], w["interval"]) for w in windows]
    baseline = (over_time.get("baseline") or {}).get("evidence_type_alpha")
    return line_chart(points, baseline, over_time.get("revisions") or [],
                      [w.get("start", "") for w in windows])
