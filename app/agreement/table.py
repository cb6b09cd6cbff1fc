"""The spans of many documents as NumPy columns, so that matching and statistics run vectorised.

Spans are kept in one canonical order: document, start, end, evidence type, claimant, and only
then annotator. Everything downstream that breaks ties uses this order, so renaming or
reordering annotators never changes a result (the annotator is the last key, and it only
separates spans that are otherwise identical).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
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
    source: tuple  # (every AnnotatedSpan given, index of each counted one in canonical order)
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
        columns = _columns(spans)
        annotator = _codes(columns[0], code)
        keep = annotator >= 0
        keep[keep] = counted[document[keep], annotator[keep]]
        source = np.flatnonzero(keep)
        if len(source) < len(spans):
            columns = [[column[i] for i in source.tolist()] for column in columns]
            document, annotator = document[source], annotator[source]
        start = np.array(columns[1], dtype=np.int64)
        end = np.array(columns[2], dtype=np.int64)
        _check_offsets(documents, spans, document, start, end, source)
        evidence_names = columns[3]
        evidence_types = tuple(sorted(set(evidence_names)))
        evidence = _codes(evidence_names, {key: i for i, key in enumerate(evidence_types)})
        claimant_ids = columns[4]
        claimants = tuple(sorted(set(claimant_ids) - {None}, key=label_sort_key))
        claimant_code = {claimant: i for i, claimant in enumerate(claimants)}
        claimant_code[None] = UNTAGGED
        claimant = _codes(claimant_ids, claimant_code)
        order = np.lexsort((annotator, claimant, evidence, end, start, document))
        return cls(
            documents=documents, annotators=names, evidence_types=evidence_types,
            claimants=claimants, counted=counted, source=(spans, source[order]),
            document=document[order], annotator=annotator[order], start=start[order],
            end=end[order], evidence=evidence[order], claimant=claimant[order],
        )

    @cached_property
    def spans(self) -> tuple:
        """The counted AnnotatedSpans, in canonical order."""
        spans, index = self.source
        return tuple(spans[i] for i in index.tolist())

    def __len__(self) -> int:
        return len(self.document)

    @property
    def lengths(self) -> np.ndarray:
        return np.array([doc.length for doc in self.documents], dtype=np.int64)


def _columns(spans: list) -> list[list]:
    """annotator, start, end, evidence type and claimant of every span, as five columns."""
    return [[span.annotator for span in spans], [span.start for span in spans],
            [span.end for span in spans], [span.evidence_type for span in spans],
            [span.claimant for span in spans]]


def _codes(values: list, code: dict) -> np.ndarray:
    """Integer code of each value; values missing from `code` get -1."""
    for unknown in set(values) - code.keys():
        code[unknown] = -1
    return np.fromiter(map(code.__getitem__, values), dtype=np.int64, count=len(values))


def _check_offsets(documents, spans: list[AnnotatedSpan], document, start, end, source) -> None:
    lengths = np.array([doc.length for doc in documents], dtype=np.int64)
    bad = (start < 0) | (end <= start) | (end > lengths[document])
    if bad.any():
        span = spans[int(source[np.flatnonzero(bad)[0]])]
        raise ValueError(
            f"span ({span.start}, {span.end}) of {span.annotator!r} in document "
            f"{span.document!r} is outside 0 <= start < end <= length"
        )
