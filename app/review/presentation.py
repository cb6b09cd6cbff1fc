"""The review page's article: the text cut where units begin and end, each piece knowing
which units cover it. Pure: plain data in, plain data out."""

from __future__ import annotations

from dataclasses import dataclass


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
        covering = sorted(open_units, key=lambda e: (e[2] - e[1], e[0]))
        pieces.append(Piece(left, right, text[left:right], tuple(e[0] for e in covering),
                            covering[0][3] if covering else None))
    return pieces


def boundary_parts(text: str, unit_start: int, unit_end: int, start: int, end: int
                   ) -> tuple[str, str, str]:
    """A version's quote inside its unit's extent: (unit text before it, it, after it).

    Shown side by side, the parts outside a version make a boundary difference visible.
    """
    return text[unit_start:start], text[start:end], text[end:unit_end]
