"""Agreement over time (windows, baseline, warning) and the generated methods paragraph."""

import datetime as dt
import random

import pytest

from app.agreement import AnnotatedSpan, DocumentAnnotations, build_report
from app.agreement.gamma import GammaSettings
from app.agreement.methods import methods_table, methods_text
from app.agreement.over_time import agreement_over_time

TYPES = "wxyz"


def documents(n, agreement_of, seed=1):
    """Three annotators, ten shared spans per document; agreement_of(d) = the chance that an
    annotator keeps the span's true evidence type."""
    rng = random.Random(seed)
    result = []
    for d in range(n):
        spans = []
        for i in range(10):
            start, true_type = 100 * i + 5, rng.choice(TYPES)
            for name in "abc":
                kind = true_type if rng.random() < agreement_of(d) else rng.choice(TYPES)
                spans.append(AnnotatedSpan(d, name, start, start + 40, kind, 1))
        result.append(DocumentAnnotations(d, 1200, ("a", "b", "c"), tuple(spans)))
    return result


def test_weekly_windows_match_reports_on_their_documents_and_warn_on_a_drop():
    docs = documents(30, lambda d: 0.95 if d < 24 else 0.3)
    completed = {d.document: dt.date(2026, 3, 2) + dt.timedelta(days=d.document // 3)
                 for d in docs}
    result = agreement_over_time(docs, completed, revisions=[("2026-03-09", "guidelines v2")])
    labels = [w["label"] for w in result["windows"]]
    assert labels == ["2026-W10", "2026-W11"] and result["by"] == "week"
    first_week = [d for d in docs if completed[d.document] < dt.date(2026, 3, 9)]
    expected = build_report(first_week, bootstrap_draws=0, gamma=None)["evidence_type"]["alpha"]
    assert result["windows"][0]["evidence_type_alpha"] == pytest.approx(expected)
    assert result["windows"][0]["documents"] == len(first_week) == 21
    assert result["baseline"]["documents"] == 30 - result["windows"][-1]["documents"]
    assert result["warning"] and "2026-W11" in result["warning"]
    assert result["revisions"] == [{"date": "2026-03-09", "label": "guidelines v2"}]


def test_no_warning_when_agreement_holds_and_batches():
    docs = documents(30, lambda d: 0.9)
    completed = {d.document: dt.datetime(2026, 1, 1, 12) + dt.timedelta(hours=d.document)
                 for d in docs}
    completed[29] = None  # not complete: left out and counted
    result = agreement_over_time(docs, completed, by="batch", batch_size=10)
    assert [w["documents"] for w in result["windows"]] == [10, 10, 9]
    assert result["windows"][0]["label"] == "documents 1-10"
    assert result["warning"] is None and result["undated_documents"] == 1
    with pytest.raises(ValueError):
        agreement_over_time(docs, completed, by="month")


def test_methods_paragraph_names_every_figure_with_its_interval_and_reference():
    report = build_report(documents(12, lambda d: 0.8), bootstrap_draws=100,
                          gamma=GammaSettings())
    text = report["methods_text"]
    alpha = report["evidence_type"]["alpha"]
    low, high = report["evidence_type"]["alpha_interval"]
    assert f"evidence type = {alpha:.3f}, 95% CI [{low:.3f}, {high:.3f}]" in text
    assert "12 documents annotated by 3 annotators" in text
    assert "Mathet" in text and "Gwet" in text and "100 bootstrap resamples" in text
    rows = {row["measure"]: row for row in report["methods_table"]}
    assert rows["γ (gamma), spans with evidence type"]["value"] == report["spans"]["gamma"][
        "value"]
    assert methods_table(report) == report["methods_table"]


def test_methods_paragraph_says_undefined():
    report = build_report([DocumentAnnotations(0, 10, ("a",), ())], bootstrap_draws=0)
    text = methods_text(report)
    assert "Krippendorff's α (nominal), evidence type = undefined" in text
    assert "bootstrap" not in text.split("References:")[0]
