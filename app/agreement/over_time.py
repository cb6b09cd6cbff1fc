"""Agreement over time: the report's main figures per submission week or per batch of documents.

    agreement_over_time(documents, completed, *, by="week", batch_size=20, revisions=(),
                        bootstrap_draws=200, seed=12345) -> dict

`documents`: `DocumentAnnotations`; `completed`: document id -> when its work was complete (a
date or datetime, e.g. the last submission among its annotators); documents without one are
left out. A window is an ISO week (`by="week"`, labelled "2026-W14") or `batch_size` documents
in order of completion (`by="batch"`). Each window's figures come from `build_report` on its
documents alone (γ left out: it needs more documents than a week holds): evidence-type alpha
with its document-bootstrap interval, claimant alpha, overlap F1, unitizing alpha.

The baseline is the evidence-type alpha of every window before the latest, pooled (one
report over their documents), with its interval. `warning` says so when the latest window's
whole interval lies below the baseline value (its upper end is lower): agreement has dropped
by more than chance would explain. `revisions`, (date, label) or (date, label, kind) tuples
(the project's dated guideline and scheme changes), are passed through, sorted by date, for the
chart: {"date", "label"} and "kind" when given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from app.agreement.report import build_report
from app.agreement.units import DocumentAnnotations

WINDOW_KINDS = ("week", "batch")


def agreement_over_time(documents: Sequence[DocumentAnnotations], completed: Mapping,
                        *, by: str = "week", batch_size: int = 20,
                        revisions: Sequence[tuple] = (), bootstrap_draws: int = 200,
                        seed: int = 12345) -> dict:
    if by not in WINDOW_KINDS:
        raise ValueError(f"unknown window {by!r}: use week or batch")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    dated = sorted(((_as_date(completed[doc.document]), i, doc) for i, doc in enumerate(documents)
                    if completed.get(doc.document) is not None), key=lambda t: (t[0], t[1]))
    windows = _windows(dated, by, batch_size)
    entries = [_window_entry(label, first, docs, bootstrap_draws, seed)
               for label, first, docs in windows]
    baseline = None
    warning = None
    if len(windows) >= 2:
        earlier = [doc for _, _, docs in windows[:-1] for doc in docs]
        section = build_report(earlier, bootstrap_draws=bootstrap_draws, seed=seed,
                               gamma=None)["evidence_type"]
        baseline = {"documents": len(earlier), "evidence_type_alpha": section["alpha"],
                    "interval": section["alpha_interval"]}
        latest = entries[-1]
        if (baseline["evidence_type_alpha"] is not None and latest["interval"] is not None
                and latest["interval"][1] < baseline["evidence_type_alpha"]):
            warning = (f"Evidence-type agreement in {latest['label']} (α = "
                       f"{latest['evidence_type_alpha']:.3f}, interval up to "
                       f"{latest['interval'][1]:.3f}) is below the earlier baseline "
                       f"(α = {baseline['evidence_type_alpha']:.3f}).")
    return {
        "by": by,
        "batch_size": batch_size if by == "batch" else None,
        "windows": entries,
        "baseline": baseline,
        "warning": warning,
        "revisions": [_revision_entry(revision)
                      for revision in sorted(revisions, key=lambda r: _as_date(r[0]))],
        "undated_documents": len(documents) - len(dated),
    }


def _revision_entry(revision: tuple) -> dict:
    entry = {"date": _as_date(revision[0]).isoformat(), "label": str(revision[1])}
    if len(revision) > 2:
        entry["kind"] = str(revision[2])
    return entry


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _windows(dated: list, by: str, batch_size: int) -> list[tuple[str, dt.date, list]]:
    windows: list[tuple[str, dt.date, list]] = []
    if by == "batch":
        for start in range(0, len(dated), batch_size):
            chunk = dated[start:start + batch_size]
            label = f"documents {start + 1}-{start + len(chunk)}"
            windows.append((label, chunk[0][0], [doc for _, _, doc in chunk]))
        return windows
    for day, _, doc in dated:
        year, week, _ = day.isocalendar()
        label = f"{year}-W{week:02d}"
        if windows and windows[-1][0] == label:
            windows[-1][2].append(doc)
        else:
            monday = day - dt.timedelta(days=day.weekday())
            windows.append((label, monday, [doc]))
    return windows


def _window_entry(label: str, first: dt.date, documents: list, draws: int, seed: int) -> dict:
    report = build_report(documents, bootstrap_draws=draws, seed=seed, gamma=None)
    return {
        "label": label,
        "start": first.isoformat(),
        "documents": len(documents),
        "units": report["units"],
        "evidence_type_alpha": report["evidence_type"]["alpha"],
        "interval": report["evidence_type"]["alpha_interval"],
        "claimant_alpha": report["claimant"]["alpha"],
        "f1_overlap": report["spans"]["f1_overlap"],
        "unitizing_alpha": report["spans"]["unitizing_alpha"],
    }
