"""Agreement on the labels of units: evidence type or claimant (each measured on its own).

A unit's values are the labels of its spans; an annotator without a span in the unit (or, for
claimants, whose span has no claimant) gives no value there. The figures: Krippendorff's
alpha (alpha.py) with a bootstrap interval (bootstrap.py), Fleiss' kappa over the units that
every annotator of the report labelled, Cohen's kappa and a confusion matrix for every pair of
annotators over the units both labelled, and pairwise observed agreement (kappa.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.agreement.alpha import UnitCounts, grouped_alpha
from app.agreement.bootstrap import bootstrap_alpha_interval
from app.agreement.kappa import (
    cohen_kappa,
    confusion_matrix,
    fleiss_kappa_from_sums,
    observed_agreement,
)
from app.agreement.unit_table import UnitTable

NO_VALUE = -1


@dataclass(frozen=True)
class LabelAgreement:
    grid: np.ndarray  # (units x annotators) category code, NO_VALUE where none
    categories: tuple  # code -> label
    counts: UnitCounts

    @classmethod
    def build(cls, units: UnitTable, codes: np.ndarray, categories: Sequence) -> LabelAgreement:
        grid = units.values(codes, missing=NO_VALUE)
        unit, annotator = np.nonzero(grid != NO_VALUE)
        counts = UnitCounts.from_values(unit, grid[unit, annotator], units.n_units)
        return cls(grid, tuple(categories), counts)

    def alpha(self) -> float | None:
        return self.counts.alpha()

    def alpha_per_group(self, group: np.ndarray, n_groups: int) -> np.ndarray:
        return grouped_alpha(self.counts, group, n_groups)

    def alpha_interval(self, draws: int, seed: int) -> tuple[float, float] | None:
        return bootstrap_alpha_interval(self.counts, draws=draws, seed=seed)

    def observed_agreement(self) -> float | None:
        return observed_agreement(self.counts)

    def fleiss_kappa(self) -> float | None:
        """Over the units labelled by every annotator (Fleiss needs a fixed number of raters)."""
        complete = (self.grid != NO_VALUE).all(axis=1)
        if self.grid.shape[1] < 2 or not complete.any():
            return None
        kept = complete[self.counts.unit]
        count = self.counts.count[kept]
        totals = np.bincount(self.counts.category[kept], weights=count)
        return fleiss_kappa_from_sums(
            self.grid.shape[1], int(count.sum()), int((count * count).sum()),
            int((totals * totals).sum()))

    def pair_confusions(self, names: Sequence[str]) -> dict[tuple[str, str], tuple[list, list]]:
        """(a, b) -> (labels, matrix) for every pair that labelled at least one unit in common."""
        result = {}
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                used, matrix = confusion_matrix(self.grid[:, a], self.grid[:, b])
                if matrix.sum():
                    labels = [self.categories[code] for code in used.tolist()]
                    result[names[a], names[b]] = (labels, matrix.tolist())
        return result

    @staticmethod
    def pair_kappas(confusions: dict) -> dict[tuple[str, str], float | None]:
        """Cohen's kappa of each pair, from `pair_confusions`."""
        return {pair: cohen_kappa(np.array(matrix)) for pair, (_, matrix) in confusions.items()}

    def annotator_agreement(self) -> np.ndarray:
        """Per annotator: share of its comparisons with others on shared units that agree."""
        labelled = self.grid != NO_VALUE
        agree = np.zeros(self.grid.shape[1])
        compared = np.zeros(self.grid.shape[1])
        for b in range(self.grid.shape[1]):
            both = labelled & labelled[:, b:b + 1]
            both[:, b] = False
            compared += both.sum(axis=0)
            agree += (both & (self.grid == self.grid[:, b:b + 1])).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(compared > 0, agree / compared, np.nan)
