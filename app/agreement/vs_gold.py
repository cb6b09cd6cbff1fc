"""Each annotator against the adjudicated gold layer: span precision/recall/F1, label accuracy,
confusion and alpha, overall and per evidence type. Pure: plain data in, a JSON-ready dict out.

Entry point (the dashboard and the review pages call it)::

    compare_with_gold(documents: Iterable[GoldDocument],
                      annotators: Sequence[str] | None = None) -> dict

`GoldDocument(document, length, annotators, spans, gold, title="")`:
- `annotators`: everyone whose work counts in the document (submitted), including those
  who marked nothing; `spans`: their `AnnotatedSpan`s (spans of anyone else are ignored);
- `gold`: the document's gold layer (rejected rows left out), as `AnnotatedSpan`s whose
  `annotator` field is ignored. Give only *adjudicated* documents: the result's `documents`
  says how many were compared.

Matching. An annotator's spans are matched with the gold spans exactly as two annotators are
matched for span F1 (docs/agreement.md, "Span agreement"): *exact*, same (start, end),
one-to-one; *overlap*, the one-to-one matching with the largest total overlap in characters.
With S the annotator's spans, G the gold spans of the documents the annotator worked on and
M the matches: precision = M/|S|, recall = M/|G|, F1 = 2M/(|S| + |G|) (van Rijsbergen 1979,
ch. 7). Per evidence type t, a match counts for t only when both spans are of type t, and S, G
are the spans of type t (the usual per-class figures of named-entity evaluation).

Labels, on the overlap matches: `evidence_type_accuracy` and `claimant_accuracy` are the
shares of matched spans whose label equals gold's (an untagged span's claimant is wrong).
`confusion`: rows gold's evidence type, columns the annotator's. `evidence_type_alpha`,
`claimant_alpha`: Krippendorff's nominal alpha with gold as a second coder, on the matched
pairs (units of two values; an untagged claimant gives no value, as in the report).
Undefined figures are None (no spans to divide by, alpha with one category).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from app.agreement.alpha import UnitCounts
from app.agreement.kappa import confusion_matrix
from app.agreement.matching import match_spans
from app.agreement.table import UNTAGGED, SpanTable
from app.agreement.units import AnnotatedSpan, DocumentAnnotations

GOLD = "\x00gold"  # the gold layer's name inside the table: no username holds a NUL


@dataclass(frozen=True, slots=True)
class GoldDocument:
    document: int | str
    length: int  # len(text) in code points
    annotators: tuple[str, ...]  # whose work counts here, including those with no spans
    spans: tuple[AnnotatedSpan, ...]  # the annotators' spans
    gold: tuple[AnnotatedSpan, ...]  # the gold layer; `annotator` is ignored
    title: str = ""


def compare_with_gold(documents: Iterable[GoldDocument],
                      annotators: Sequence[str] | None = None) -> dict:
    """Every annotator against gold over `documents` (see the module docstring for keys)."""
    documents = tuple(documents)
    table = SpanTable.build(_with_gold_as_annotator(documents, annotators))
    if GOLD not in table.annotators:  # no document at all: nothing to compare
        return {"documents": 0, "gold_spans": 0, "per_annotator": {}, "per_evidence_type": {}}
    matches = {mode: _GoldMatches(table, mode) for mode in ("exact", "overlap")}
    counts = _Counts(table)
    per_annotator = {}
    for a, name in enumerate(table.annotators):
        if name != GOLD:
            per_annotator[name] = _annotator_figures(table, counts, matches, a)
    return {
        "documents": len(documents),
        "gold_spans": int(counts.gold_per_type.sum()),
        "per_annotator": per_annotator,
        "per_evidence_type": _pooled_per_type(table, counts, matches),
    }


def _with_gold_as_annotator(documents, annotators) -> list[DocumentAnnotations]:
    allowed = None if annotators is None else set(annotators)
    result = []
    for doc in documents:
        names = tuple(n for n in doc.annotators if allowed is None or n in allowed)
        gold = tuple(replace(span, annotator=GOLD) for span in doc.gold)
        spans = tuple(span for span in doc.spans if span.annotator != GOLD)
        result.append(DocumentAnnotations(doc.document, doc.length, (*names, GOLD),
                                          spans + gold, doc.title))
    return result


class _GoldMatches:
    """The matches between each annotator and gold: (annotator span, gold span) index pairs."""

    def __init__(self, table: SpanTable, mode: str):
        gold = table.annotators.index(GOLD)
        matching = match_spans(table, mode)
        left, right = matching.pair_left, matching.pair_right
        left_gold = table.annotator[left] == gold
        right_gold = table.annotator[right] == gold
        keep = left_gold ^ right_gold
        self.span = np.where(left_gold, right, left)[keep]
        self.gold = np.where(left_gold, left, right)[keep]
        self.annotator = table.annotator[self.span]
        same_type = table.evidence[self.span] == table.evidence[self.gold]
        self.typed = self.span[same_type]  # matches that count for their evidence type

    def of(self, annotator: int) -> tuple[np.ndarray, np.ndarray]:
        chosen = self.annotator == annotator
        return self.span[chosen], self.gold[chosen]


class _Counts:
    """Spans per (annotator, evidence type), and gold spans each annotator is measured on."""

    def __init__(self, table: SpanTable):
        n_types = max(len(table.evidence_types), 1)
        n_annotators = len(table.annotators)
        gold = table.annotators.index(GOLD)
        self.spans = np.bincount(table.annotator * n_types + table.evidence,
                                 minlength=n_annotators * n_types).reshape(n_annotators, n_types)
        is_gold = table.annotator == gold
        n_documents = len(table.documents)
        gold_by_document = np.bincount(
            table.document[is_gold] * n_types + table.evidence[is_gold],
            minlength=n_documents * n_types).reshape(n_documents, n_types)
        # Gold spans of the documents each annotator counts in: (annotators x types).
        self.gold = table.counted.T.astype(np.int64) @ gold_by_document
        self.gold_per_type = gold_by_document.sum(axis=0)
        self.documents = table.counted.sum(axis=0)
        self.n_types = n_types


def _scores(matched: int, spans: int, gold: int) -> dict:
    return {"matched": matched,
            "precision": matched / spans if spans else None,
            "recall": matched / gold if gold else None,
            "f1": 2 * matched / (spans + gold) if spans + gold else None}


def _annotator_figures(table: SpanTable, counts: _Counts, matches: dict, a: int) -> dict:
    spans, gold = int(counts.spans[a].sum()), int(counts.gold[a].sum())
    overlap_span, overlap_gold = matches["overlap"].of(a)
    result = {"documents": int(counts.documents[a]), "spans": spans, "gold_spans": gold}
    for mode, found in matches.items():
        result[mode] = _scores(int((found.annotator == a).sum()), spans, gold)
    result.update(_label_figures(table, overlap_span, overlap_gold))
    per_type = {}
    for code, key in enumerate(table.evidence_types):
        entry = {"spans": int(counts.spans[a, code]), "gold_spans": int(counts.gold[a, code])}
        if entry["spans"] or entry["gold_spans"]:
            for mode, found in matches.items():
                typed = found.typed[table.annotator[found.typed] == a]
                entry[mode] = _scores(int((table.evidence[typed] == code).sum()),
                                      entry["spans"], entry["gold_spans"])
            per_type[key] = entry
    result["per_evidence_type"] = per_type
    return result


def _label_figures(table: SpanTable, span: np.ndarray, gold: np.ndarray) -> dict:
    evidence_own, evidence_gold = table.evidence[span], table.evidence[gold]
    claimant_own, claimant_gold = table.claimant[span], table.claimant[gold]
    used, matrix = confusion_matrix(evidence_gold, evidence_own)
    tagged = (claimant_own != UNTAGGED) & (claimant_gold != UNTAGGED)
    return {
        "matched_spans": len(span),
        "evidence_type_accuracy": _share(evidence_own == evidence_gold),
        "claimant_accuracy": _share(claimant_own == claimant_gold),
        "evidence_type_alpha": _pair_alpha(evidence_own, evidence_gold),
        "claimant_alpha": _pair_alpha(claimant_own[tagged], claimant_gold[tagged]),
        "confusion": {"labels": [table.evidence_types[c] for c in used.tolist()],
                      "matrix": matrix.tolist()},
    }


def _share(flags: np.ndarray) -> float | None:
    return float(flags.mean()) if len(flags) else None


def _pair_alpha(first: np.ndarray, second: np.ndarray) -> float | None:
    """Nominal alpha of two coders over units that both coded (Krippendorff 2011, section C)."""
    if len(first) == 0:
        return None
    unit = np.r_[np.arange(len(first)), np.arange(len(second))]
    return UnitCounts.from_values(unit, np.r_[first, second], len(first)).alpha()


def _pooled_per_type(table: SpanTable, counts: _Counts, matches: dict) -> dict:
    """Per evidence type, every annotator's spans and matches pooled (micro-averaged)."""
    gold = table.annotators.index(GOLD)
    own = np.ones(len(table.annotators), dtype=bool)
    own[gold] = False
    result = {}
    for code, key in enumerate(table.evidence_types):
        spans, gold_spans = int(counts.spans[own, code].sum()), int(counts.gold[own, code].sum())
        entry = {"gold_spans": int(counts.gold_per_type[code]), "annotator_spans": spans}
        for mode, found in matches.items():
            entry[mode] = _scores(int((table.evidence[found.typed] == code).sum()), spans,
                                  gold_spans)
        result[key] = entry
    return result
