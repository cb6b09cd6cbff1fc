"""The review page's article: the text cut where units begin and end, each piece knowing
which units cover it. Pure: plain data in, plain data out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape as _escape

from markupsafe import Markup


@dataclass(frozen=True)
class Piece:
    start: int  # code point offsets into the text
    end: int
    text: str
    units: tuple[int, ...]  # indexes of the units covering the piece, innermost first
    state: str | None  # the innermost unit's state; None outside every unit


def cut_text(text: str, extents: list[tuple[int, int, int, str]]) -> list[Piece]:
    """`extents` are (unit index, start, end, state); pieces cover the whole text in order."""
    cuts = {0, len(text)}
    for _, start, end, _ in extents:
        cuts.update((start, end))
    points = sorted(cuts)
    # Each unit opens at its start and closes at its end; walk the cut points once.
    opening: dict[int, list] = {}
    for extent in extents:
        opening.setdefault(extent[1], []).append(extent)
    open_units: list = []
    pieces = []
    for left, right in zip(points, points[1:], strict=False):
        open_units = [e for e in open_units if e[2] > left] + opening.get(left, [])
        # Unit numbers and "g<id>" for added gold spans: compare ids as text on equal lengths.
        covering = sorted(open_units, key=lambda e: (e[2] - e[1], str(e[0])))
        pieces.append(Piece(left, right, text[left:right], tuple(e[0] for e in covering),
                            covering[0][3] if covering else None))
    return pieces


_MARKUP = re.compile(r"[&<>\"']")


def _esc(value: str) -> str:
    """HTML-escape text or an attribute value (quotes included). Most quotes hold none of
    the five characters: one search then spares five replacements."""
    return _escape(value, quote=True) if _MARKUP.search(value) else value


def render_pieces(pieces: list[Piece]) -> Markup:
    """The article: each piece a span carrying its code point offset and covering units."""
    out = []
    for piece in pieces:
        if piece.units:
            out.append(f'<span class="piece st-{piece.state}" data-start="{piece.start}" '
                       f'data-units="{" ".join(map(str, piece.units))}">{_esc(piece.text)}</span>')
        else:
            out.append(f'<span class="piece" data-start="{piece.start}">{_esc(piece.text)}</span>')
    return Markup("".join(out))


def render_unit_list(review, text: str, majority: dict, words: dict) -> Markup:
    """The review page's unit list as HTML, every value escaped.

    Written in Python rather than Jinja because a document with 3 × 400 spans has 1,200
    versions to show: this is 4-5 times faster than the same markup from a template, and the
    page must answer within 50 ms (docs/benchmarks.md).
    `words` holds state_words, kind_words, evidence_names and reason_words.
    """
    state_words, kind_words = words["state_words"], words["kind_words"]
    numbers = review.numbers
    evidence_names, reason_words = words["evidence_names"], words["reason_words"]
    out = []
    for unit in review.units:
        best = majority.get(unit.index)
        state = unit.state
        out.append(
            f'<li id="unit-{unit.index}" class="unit st-{state}" tabindex="-1" '
            f'data-index="{unit.index}" data-span-ids="{" ".join(map(str, unit.span_ids))}" '
            f'data-majority="{best.span.id if best else ""}" '
            f'aria-label="Unit {unit.index}: {state_words[state]}">'
            f'<p class="unit-head"><strong>Unit {unit.index}</strong> '
            f'<span class="state">{state_words[state]}</span>'
            + "".join(f' <span class="kind kind-{kind}">{kind_words[kind]}</span>'
                      for kind in unit.kinds)
            + '</p><ol class="versions">')
        for version in sorted(unit.versions, key=lambda v: numbers[v.annotator]):
            span = version.span
            number = numbers[version.annotator]
            majority_badge = (' <span class="badge">majority</span>'
                              if best is not None and best.span.id == span.id and unit.kinds
                              else "")
            before = (f'<span class="outside">{_esc(text[unit.start:span.start])}</span>'
                      if span.start > unit.start else "")
            after = (f'<span class="outside">{_esc(text[span.end:unit.end])}</span>'
                     if span.end < unit.end else "")
            note = f'<br><span class="note">Note: {_esc(span.note)}</span>' if span.note else ""
            out.append(
                f'<li class="version" data-number="{number}" data-span-id="{span.id}" '
                f'data-start="{span.start}" '
                f'data-end="{span.end}" data-claimant-id="{span.claimant_id}" '
                f'data-evidence="{_esc(span.evidence_type)}"><kbd>{number}</kbd> '
                f'<span class="who">{_esc(version.label)}</span>{majority_badge} '
                f'<span class="quote">{before}<mark>{_esc(span.text)}</mark>{after}</span> '
                f'<span class="claimant-name">{_esc(span.claimant.name)}</span> '
                f'<span class="muted">{_esc(span.claimant.type)}</span> · '
                f'<span class="evidence">'
                f'{_esc(evidence_names.get(span.evidence_type) or span.evidence_type)}</span>'
                f'{note}</li>')
        for label in unit.missing:
            out.append(f'<li class="missing-row"><span class="who">{_esc(label)}</span> '
                       '<span class="muted">no span here</span></li>')
        out.append("</ol>")
        if unit.decision is not None:
            out.append(_decision(unit.decision, evidence_names, reason_words))
        out.append("</li>")
    return Markup("".join(out))


def _decision(gold, evidence_names: dict, reason_words: dict) -> str:
    if gold.rejected:
        what = "<strong>Rejected:</strong> not a claim"
    else:
        evidence = evidence_names.get(gold.evidence_type) or gold.evidence_type
        what = (f"<strong>Gold:</strong> “{_esc(gold.text)}” · {_esc(gold.claimant.name)}"
                f" · {_esc(evidence)}")
    who = [gold.provenance]
    if gold.reviewer is not None:
        who.append(gold.reviewer.username)
    if gold.reason:
        who.append(reason_words[gold.reason])
    note = f'<br><span class="note">{_esc(gold.note)}</span>' if gold.note else ""
    return (f'<p class="decision" id="gold-{gold.id}" data-gold-id="{gold.id}" '
            f'data-version="{gold.version}" data-start="{gold.start}" data-end="{gold.end}" '
            f'data-evidence="{_esc(gold.evidence_type)}" '
            f'data-claimant-name="{_esc(gold.claimant.name)}" '
            f'data-reason="{_esc(gold.reason or "")}" data-note="{_esc(gold.note)}" '
            f'data-rejected="{"1" if gold.rejected else ""}">{what} '
            f'<span class="muted">({_esc(", ".join(who))})</span>{note}</p>')
