"""Random continua for gamma's expected disorder (Mathet et al. 2015, section 5.2), seeded.

A continuum here is a `Continuum` (plain columns). Two samplers, as in pygamma-agreement 0.5.9:

- `statistical`: for each annotator, a number of units drawn from a normal law with the mean
  and standard deviation of the units per annotator (absolute value, at least one unit in a
  sample that would otherwise be empty); units laid left to right, each after a gap drawn from
  the normal law of the observed gaps (between an annotator's consecutive units, and before
  its first unit when that does not start at 0; a 0 is added so one unit is enough), with a
  length drawn from the normal law of the observed lengths (absolute value, redrawn while
  shorter than 1e-6), and a category drawn with the observed frequencies.
- `shuffle` (Mathet's own sampler, section 5.2): for each of the n annotator slots, the whole
  annotation of a randomly chosen annotator, shifted by a random pivot along the continuum and
  wrapped around its end; pivots are drawn at least half a mean unit length apart while room
  remains (pygamma's "int_pivot": the pivot is an integer).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLERS = ("statistical", "shuffle")


@dataclass(frozen=True)
class Continuum:
    n_annotators: int
    annotator: np.ndarray  # per unit, 0..n-1
    start: np.ndarray
    end: np.ndarray
    category: np.ndarray  # code

    def __len__(self) -> int:
        return len(self.annotator)


def sample(continuum: Continuum, kind: str, rng: np.random.Generator) -> Continuum:
    if kind == "statistical":
        return statistical_sample(continuum, rng)
    if kind == "shuffle":
        return shuffle_sample(continuum, rng)
    raise ValueError(f"unknown sampler {kind!r}: use one of {', '.join(SAMPLERS)}")


def _observed_gaps(continuum: Continuum) -> np.ndarray:
    gaps = [0.0]
    order = np.lexsort((continuum.start, continuum.annotator))
    annotator, start, end = (continuum.annotator[order], continuum.start[order],
                             continuum.end[order])
    for a in range(continuum.n_annotators):
        rows = np.flatnonzero(annotator == a)
        if len(rows) == 0:
            continue
        gaps.extend((start[rows[1:]] - end[rows[:-1]]).tolist())
        if start[rows[0]] > 0:
            gaps.append(float(start[rows[0]]))
    return np.array(gaps)


def statistical_sample(continuum: Continuum, rng: np.random.Generator) -> Continuum:
    counts = np.bincount(continuum.annotator, minlength=continuum.n_annotators)
    gaps = _observed_gaps(continuum)
    lengths = (continuum.end - continuum.start).astype(float)
    categories, frequency = np.unique(continuum.category, return_counts=True)
    shares = frequency / frequency.sum()
    # The laws' parameters once per sample (the same draws, in the same order, as before).
    count_law = (counts.mean(), counts.std())
    gap_law, length_law = (gaps.mean(), gaps.std()), (lengths.mean(), lengths.std())
    parts = []
    total = 0
    for a in range(continuum.n_annotators):
        n_units = abs(int(rng.normal(*count_law)))
        if total == 0:
            n_units = max(1, n_units)
        total += n_units
        gap = rng.normal(*gap_law, size=n_units)
        length = np.abs(rng.normal(*length_law, size=n_units))
        while (length < 1e-6).any():  # pygamma redraws lengths too short for pyannote
            short = length < 1e-6
            length[short] = np.abs(rng.normal(*length_law, size=short.sum()))
        # Units follow each other: start_i = end_{i-1} + gap_i.
        end = np.cumsum(gap + length)
        category = categories[rng.choice(len(categories), size=n_units, p=shares)]
        parts.append((np.full(n_units, a), end - length, end, category))
    annotator, start, end, category = (np.concatenate(column) for column in zip(*parts,
                                                                                 strict=True))
    return Continuum(continuum.n_annotators, annotator.astype(np.int64), start, end,
                     category.astype(np.int64))


def shuffle_sample(continuum: Continuum, rng: np.random.Generator) -> Continuum:
    low, high = float(continuum.start.min()), float(continuum.end.max())
    min_distance = float((continuum.end - continuum.start).mean()) / 2.0
    free = [(low, high)]
    parts = []
    for slot in range(continuum.n_annotators):
        pivot = _pivot(free, rng, low, high)
        free = _remove_around(free, pivot, min_distance)
        source = rng.integers(continuum.n_annotators)
        rows = continuum.annotator == source
        start, end = continuum.start[rows] + pivot, continuum.end[rows] + pivot
        wrap = start > high
        start, end = np.where(wrap, start + low - high, start), np.where(wrap, end + low - high,
                                                                          end)
        parts.append((np.full(rows.sum(), slot), start, end, continuum.category[rows]))
    annotator, start, end, category = (np.concatenate(column) for column in zip(*parts,
                                                                                 strict=True))
    if len(annotator) == 0:  # every slot drew an annotator without units: draw again
        return shuffle_sample(continuum, rng)
    return Continuum(continuum.n_annotators, annotator.astype(np.int64), start.astype(float),
                     end.astype(float), category.astype(np.int64))


def _pivot(free: list[tuple[float, float]], rng: np.random.Generator, low: float,
           high: float) -> float:
    """An integer point of the free stretches, chosen proportionally to their length."""
    if not free:
        return float(rng.uniform(low, high))
    widths = np.array([b - a for a, b in free])
    if widths.sum() <= 0:
        return 1.0
    a, b = free[rng.choice(len(free), p=widths / widths.sum())]
    return float(int(rng.uniform(a, b)))


def _remove_around(free, pivot: float, distance: float) -> list[tuple[float, float]]:
    kept = []
    for a, b in free:
        if a < pivot - distance:
            kept.append((a, min(b, pivot - distance)))
        if b > pivot + distance:
            kept.append((max(a, pivot + distance), b))
    return kept
