"""The spans of many documents as NumPy columns, so that matching and statistics run vectorised.

Spans are kept in one canonical order: document, start, end, evidence type, claimant, and only
then annotator. Everything downstream that breaks ties uses this order, so renaming or
reordering annotators never changes a result (the annotator is the last key, and it only
separates spans that are otherwise identical).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from app.agreement.units import AnnotatedSpan, DocumentAnnotations

UNTAGGED = -1  # claimant code of a span without a claimant


def label_sort_key(label: object) -> tuple:
    """Sort claimant ids (ints or strings) and evidence keys together without a TypeError."""
    if isinstance(label, int | float) and not isinstance(label, bool):
        return (0, label, "")
    return (1, 0, str(label))


@dataclass(frozen=True)
class SpanTable:
    documents: tuple  # DocumentAnnotations in input order
    annotators: tuple[str, ...]  # sorted names counted in at least one document
    evidence_types: tuple[str, ...]  # sorted keys used by the counted spans
    claimants: tuple  # claimant ids used by the counted spans, sorted (untagged excluded)
    counted: np.ndarray  # bool (documents x annotators): whose work counts in which document
    spans: tuple  # the counted AnnotatedSpans, in canonical order
    document: np.ndarray  # per span: index into `documents`
    annotator: np.ndarray  # per span: index into `annotators`
    start: np.ndarray
    end: np.ndarray
    evidence: np.ndarray  # per span: index into `evidence_types`
    claimant: np.ndarray  # per span: index into `claimants`, or UNTAGGED

    @classmethod
    def build(
        cls, documents: Iterable[DocumentAnnotations], annotators: Sequence[str] | None = None
    ) -> SpanTable:
        """Counted spans of `documents`; with `annotators`, only those annotators' work counts."""
        documents = tuple(documents)
        allowed = None if annotators is None else set(annotators)
        counted_names = [
            {name for name in doc.annotators if allowed is None or name in allowed}
            for doc in documents
        ]
        names = tuple(sorted(set().union(*counted_names)))
        code = {name: index for index, name in enumerate(names)}
        counted = np.zeros((len(documents), len(names)), dtype=bool)
        for row, doc_names in enumerate(counted_names):
            counted[row, [code[name] for name in doc_names]] = True

        spans = [span for doc in documents for span in doc.spans]
        document = np.repeat(np.arange(len(documents)), [len(doc.spans) for doc in documents])
        annotator = _codes([span.annotator for span in spans], code)
        keep = annotator >= 0
        keep[keep] = counted[document[keep], annotator[keep]]
        spans = [span for span, kept in zip(spans, keep.tolist(), strict=True) if kept]
        return cls._from_counted(documents, names, counted, spans, document[keep], annotator[keep])

    @classmethod
    def _from_counted(cls, documents, names, counted, spans, document, annotator) -> SpanTable:
        start = np.fromiter(map(attrgetter("start"), spans), dtype=np.int64, count=len(spans))
        end = np.fromiter(map(attrgetter("end"), spans), dtype=np.int64, count=len(spans))
        _check_offsets(documents, spans, document, start, end)
        evidence_names = [span.evidence_type for span in spans]
        evidence_types = tuple(sorted(set(evidence_names)))
        evidence = _codes(evidence_names, {key: i for i, key in enumerate(evidence_types)})
        claimant_ids = [span.claimant for span in spans]
        claimants = tuple(sorted(set(claimant_ids) - {None}, key=label_sort_key))
        claimant_code = {claimant: i for i, claimant in enumerate(claimants)}
        claimant_code[None] = UNTAGGED
        claimant = _codes(claimant_ids, claimant_code)
        order = np.lexsort((annotator, claimant, evidence, end, start, document))
        return cls(
            documents=documents, annotators=names, evidence_types=evidence_types,
            claimants=claimants, counted=counted, spans=tuple(spans[i] for i in order.tolist()),
            document=document[order], annotator=annotator[order], start=start[order],
            end=end[order], evidence=evidence[order], claimant=claimant[order],
        )

    def __len__(self) -> int:
        return len(self.spans)

    @property
    def lengths(self) -> np.ndarray:
        return np.array([doc.length for doc in self.documents], dtype=np.int64)


def _codes(values: list, code: dict) -> np.ndarray:
    """Integer code of each value; values missing from `code` get -1."""
    for unknown in set(values) - code.keys():
        code[unknown] = -1
    return np.fromiter(map(code.__getitem__, values), dtype=np.int64, count=len(values))


def _check_offsets(documents, spans: list[AnnotatedSpan], document, start, end) -> None:
    lengths = np.array([doc.length for doc in documents], dtype=np.int64)
    bad = (start < 0) | (end <= start) | (end > lengths[document])
    if bad.any():
        span = spans[int(np.flatnonzero(bad)[0])]
        raise ValueError(
            f"span ({span.start}, {span.end}) of {span.annotator!r} in document "
            f"{span.document!r} is outside 0 <= start < end <= length"
        )
