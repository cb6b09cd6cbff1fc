"""What kind of disagreement each unit shows (docs/agreement.md, "Disagreement kinds").

A unit is *unanimous* when every annotator counted for its document has a span in it and all
those spans have the same offsets, claimant and evidence type. Otherwise it carries one or more
of these flags:
- boundary: the spans present do not all have the same (start, end);
- claimant: the spans present do not all name the same claimant ("untagged" is a value here);
- evidence_type: the spans present do not all have the same evidence type;
- missing: some counted annotator has no span in the unit.
For each annotator, a unit counts as *missed* when the annotator counts for the document but
has no span in it, and as *differed* on a flag when the annotator's value is not held by a
strict majority of the unit's spans (in a two-against-one split only the one differs; in a
one-against-one split both do).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.agreement.unit_table import UnitTable

KINDS = ("unanimous", "boundary", "claimant", "evidence_type", "missing")
VALUE_KINDS = ("boundary", "claimant", "evidence_type")


@dataclass(frozen=True)
class Disagreements:
    flags: dict[str, np.ndarray]  # kind -> per unit bool
    missed: np.ndarray  # (units x annotators) bool
    differed: dict[str, np.ndarray]  # value kind -> (units x annotators) bool

    def count(self, mask: np.ndarray | None = None) -> dict[str, int]:
        """Units of each kind, among the units selected by `mask` (all units if None)."""
        return {kind: int(flag.sum() if mask is None else (flag & mask).sum())
                for kind, flag in self.flags.items()}

    def count_by_group(self, group: np.ndarray, n_groups: int) -> list[dict[str, int]]:
        """Units of each kind per group (e.g. per document)."""
        totals = {kind: np.bincount(group[flag], minlength=n_groups)
                  for kind, flag in self.flags.items()}
        return [{kind: int(totals[kind][g]) for kind in KINDS} for g in range(n_groups)]


def find_disagreements(units: UnitTable) -> Disagreements:
    table = units.spans
    present = units.present
    scale = int(table.lengths.max(initial=0)) + 1
    grids = {
        "boundary": units.values(table.start * scale + table.end),
        "claimant": units.values(table.claimant, missing=-2),  # -1 (untagged) is a value
        "evidence_type": units.values(table.evidence),
    }
    flags = {kind: _varies(grid, present) for kind, grid in grids.items()}
    missed = units.counted & ~present
    flags["missing"] = missed.any(axis=1)
    unanimous = ~(flags["boundary"] | flags["claimant"] | flags["evidence_type"]
                  | flags["missing"])
    differed = {kind: _minority(grids[kind], present) & flags[kind][:, None] for kind in grids}
    return Disagreements({"unanimous": unanimous, **flags}, missed, differed)


def _varies(grid: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Per unit: the values of the annotators present are not all equal."""
    if grid.shape[1] == 0:
        return np.zeros(len(grid), dtype=bool)
    top = np.iinfo(np.int64).max
    low = np.where(present, grid, top).min(axis=1)
    high = np.where(present, grid, -top).max(axis=1)
    return present.any(axis=1) & (low != high)


def _minority(grid: np.ndarray, present: np.ndarray) -> np.ndarray:
    """(units x annotators): present, and the annotator's value is not a strict majority."""
    agreeing = np.zeros(grid.shape, dtype=np.int64)
    for b in range(grid.shape[1]):
        agreeing += (grid == grid[:, b:b + 1]) & present[:, b:b + 1]
    return present & (2 * agreeing <= present.sum(axis=1, keepdims=True))
