"""The review queue's figures per document, without the whole agreement report.

Pure: the same building blocks and formulas as app.agreement.report's `per_document` entries
(overlap units over the submitted work; nominal alpha on evidence types per document; the
disagreement kinds), but none of the report's intervals, γ or other sections, so the queue
of a 1,000-document project answers fast even when the report is not cached. A test checks
that the figures equal the report's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from app.agreement.disagreements import find_disagreements
from app.agreement.labels import LabelAgreement
from app.agreement.table import SpanTable
from app.agreement.unit_table import UnitTable
from app.agreement.units import DocumentAnnotations


def per_document_figures(documents: Sequence[DocumentAnnotations]) -> dict:
    """document id -> {"units", "evidence_type_alpha", "disagreements", "annotators"}."""
    if not documents:
        return {}
    spans = SpanTable.build(documents)
    units = UnitTable.build(spans, "overlap")
    n = len(spans.documents)
    alpha = LabelAgreement.build(units, spans.evidence, spans.evidence_types).alpha_per_group(
        units.document, n)
    kinds = find_disagreements(units).count_by_group(units.document, n)
    unit_counts = np.bincount(units.document, minlength=n)
    figures = {}
    for d, document in enumerate(spans.documents):
        value = alpha[d]
        figures[document.document] = {
            "units": int(unit_counts[d]),
            "evidence_type_alpha": None if value is None or np.isnan(value) else float(value),
            "disagreements": kinds[d],
            "annotators": [spans.annotators[i] for i in np.flatnonzero(spans.counted[d])],
        }
    return figures
