"""Turn an agreement report (plain dict) into what the dashboard template shows.

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

RELIABLE = 0.800  # Krippendorff (2004), Content Analysis 2nd ed., sec. 11.4.4
TENTATIVE = 0.667  # ... the lowest value for "tentative conclusions" in the same section
NOT_ENOUGH_DATA = "not enough data"
DISAGREEMENT_KINDS = [
    ("unanimous", "Unanimous", "Every annotator marked the unit alike."),
    ("boundary", "Boundary", "Same unit and labels, but the span starts or ends elsewhere."),
    ("evidence_type", "Evidence type", "Annotators chose different evidence types."),
    ("claimant", "Claimant", "Annotators named different claimants."),
    ("missing", "Missing", "Some annotators did not mark the unit at all."),
]
BAND_RANGE = {
    "reliable": "α ≥ 0.800",
    "tentative": "0.667 ≤ α < 0.800",
    "unreliable": "α < 0.667",
}


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

    return [
        alpha("evidence-alpha", "Evidence type α", evidence.get("alpha"),
              evidence.get("alpha_ci")),
        alpha("claimant-alpha", "Claimant α", claimant.get("alpha"), claimant.get("alpha_ci")),
        alpha("unitizing-alpha", "Unitizing α_U", spans.get("unitizing_alpha")),
        rate("span-f1", "Span F1 (overlap)", spans.get("f1_overlap")),
        rate("span-f1", "Span F1 (exact)", spans.get("f1_exact")),
    ]


def label_details(report: dict) -> list[dict]:
    rows = []
    for key, label in (("evidence_type", "Evidence type"), ("claimant", "Claimant")):
        part = report.get(key) or {}
        rows.append({"label": label, "alpha": figure(part.get("alpha")),
                     "interval": interval(part.get("alpha_ci")) or "—",
                     "fleiss": figure(part.get("fleiss_kappa")),
                     "observed": figure(part.get("observed_agreement"))})
    return rows


def heatmap(report: dict):
    annotators = list(report.get("annotators") or [])
    if len(annotators) < 2:
        return None
    pairs = (report.get("evidence_type") or {}).get("cohen_kappa") or {}
    return kappa_heatmap(annotators, pairs)


def stat_columns(rows: dict) -> list[str]:
    """The numeric fields of a per-key table, in the order the report gives them."""
    columns: list[str] = []
    for stats in rows.values():
        for name, value in (stats or {}).items():
            numeric = value is None or (isinstance(value, int | float)
                                        and not isinstance(value, bool))
            if numeric and name not in columns:
                columns.append(name)
    return columns


def column_label(name: str) -> str:
    words = {"f1": "F1", "alpha": "α", "kappa": "κ", "ci": "CI"}
    return " ".join(words.get(w, w) for w in name.split("_")).capitalize()


def keyed_table(rows: dict, names: dict[str, str] | None = None) -> dict:
    columns = stat_columns(rows)
    places = {c: 0 if _all_whole(rows, c) else 3 for c in columns}
    return {
        "columns": [column_label(c) for c in columns],
        "rows": [{"key": key, "name": (names or {}).get(key, key),
                  "cells": [figure((stats or {}).get(c), places[c]) for c in columns]}
                 for key, stats in rows.items()],
    }


def _all_whole(rows: dict, column: str) -> bool:
    values = [(s or {}).get(column) for s in rows.values()]
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values if v is not None)


def evidence_names(project: Project) -> dict[str, str]:
    return {e.key: e.name for e in project_scheme(project).evidence_types}


def document_rows(report: dict, project: Project, link_exists: Callable[[str], bool]) -> list:
    rows = []
    for entry in report.get("per_document") or []:
        disagreements = entry.get("disagreements")
        if isinstance(disagreements, dict):
            disagreements = sum(v for k, v in disagreements.items()
                                if k != "unanimous" and isinstance(v, int))
        rows.append({
            "title": entry.get("title") or f"Document {entry.get('document')}",
            "url": document_link(entry.get("document"), project, link_exists),
            "units": figure(entry.get("units"), 0),
            "evidence_alpha": figure(entry.get("evidence_type_alpha")),
            "claimant_alpha": figure(entry.get("claimant_alpha")),
            "f1_overlap": figure(entry.get("f1_overlap")),
            "unitizing_alpha": figure(entry.get("unitizing_alpha")),
            "disagreements": figure(disagreements, 0),
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
    counts = report.get("disagreements") or {}
    total = sum(v for v in counts.values() if isinstance(v, int))
    rows = []
    for key, label, explanation in DISAGREEMENT_KINDS:
        count = counts.get(key) or 0
        share = count / total if total else 0.0
        rows.append({"key": key, "label": label, "explanation": explanation, "count": count,
                     "share": f"{share:.0%}" if total else "—",
                     "bar": share_bar(share, f"{label}: {share:.0%} of units")})
    return rows


def confusion_tables(report: dict, names: dict[str, str]) -> list[dict]:
    tables = []
    for pair, confusion in ((report.get("evidence_type") or {}).get("confusion") or {}).items():
        first, _, second = pair.partition("/")
        labels = [names.get(label, label) if label is not None else "(none)"
                  for label in confusion.get("labels") or []]
        tables.append({"first": first, "second": second, "labels": labels,
                       "matrix": confusion.get("matrix") or []})
    return tables
