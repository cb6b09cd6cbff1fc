"""Gamma (γ) for claim spans with the evidence type as category, per document and per project.

Mathet, Widlöcher & Métivier (2015), Computational Linguistics 41(3):437-479:
γ = 1 - D_o / D_e, D_o the disorder of the best alignment (gamma_alignment.py), D_e the
expected disorder: the mean best-alignment disorder of random continua drawn from the
document (gamma_samplers.py; section 5.2). The number of random continua follows section 5.3
as pygamma-agreement does: a first batch of `samples` (30), then, if the coefficient of
variation cv of their disorders asks for more, ceil((cv · 1.96 / precision)^2) in all (only
when the first batch has at least 10: see gamma_report.py for how a project shares them).

Project figure ("pooled"): the alignments of all documents taken together, whose disorders add
up: D_o = Σ_d T_d / Σ_d W_d and D_e = Σ_d W_d E_d / Σ_d W_d, with T_d the document's summed
unitary-alignment disorders, W_d = N_d / n_d its mean units per annotator and E_d its expected
disorder; so γ = 1 - Σ T_d / Σ W_d E_d. The mean of the per-document γ is given beside it.
A document's γ is undefined (None) with fewer than two annotators or no spans; if its
observed disorder is 0, γ = 1 (as pygamma-agreement).

γ-cat and γ-k (per evidence type k) weigh the categorical dissimilarity of each aligned pair
by its positional confidence max(0, 1 - α·d_pos) and by 1/(units in the unitary alignment - 1)
(Mathet 2017, The Agreement Measure γcat, Computational Linguistics 43(3):661-681, section 3;
pairs of a unit with an empty slot add Δ∅² with weight Δ∅, as pygamma-agreement 0.5.9 does);
γ-k keeps the pairs where a unit has category k. Both are 1 - observed / mean over the random
continua, pooled over documents as sums of their weighted disorders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.agreement.gamma_alignment import Alignment, Dissimilarity, best_alignment
from app.agreement.gamma_samplers import Continuum, sample

PRECISION_LEVELS = {"high": 0.01, "medium": 0.02, "low": 0.05}
MIN_SAMPLES_FOR_PRECISION = 10  # fewer random continua say too little about their spread


@dataclass(frozen=True)
class GammaSettings:
    dissimilarity: Dissimilarity = field(default_factory=Dissimilarity)
    sampler: str = "statistical"
    samples: int = 30  # first batch of random continua per document
    precision: float | None = 0.05  # relative precision of D_e (section 5.3); None: no more
    seed: int = 12345


@dataclass
class DocumentGamma:
    observed_total: float  # T_d
    weight: float  # W_d = N_d / n_d
    expected: float  # E_d: mean disorder of the random continua
    samples: int
    # gamma-k parts: category (None = gamma-cat) -> (observed, (sum, count) over samples)
    categorical: dict = field(default_factory=dict)

    @property
    def observed(self) -> float:
        return self.observed_total / self.weight

    @property
    def gamma(self) -> float | None:
        """None when random continua agree perfectly but the annotators do not."""
        if self.observed_total == 0:
            return 1.0
        return 1.0 - self.observed / self.expected if self.expected > 0 else None


def document_gamma(continuum: Continuum, settings: GammaSettings,
                   rng: np.random.Generator) -> DocumentGamma | None:
    """γ of one document; None with fewer than two annotators or no unit."""
    if continuum.n_annotators < 2 or len(continuum) == 0:
        return None
    d = settings.dissimilarity
    observed = _align(continuum, d)
    categories = np.unique(continuum.category).tolist()
    kinds = [None, *categories]
    chance, parts = [], {k: [] for k in kinds}
    wanted = settings.samples
    while len(chance) < wanted:
        random = sample(continuum, settings.sampler, rng)
        alignment = _align(random, d)
        chance.append(alignment.disorder)
        for k, value in categorical_disorders(alignment, random, d, kinds).items():
            parts[k].append(value)
        if len(chance) == settings.samples >= MIN_SAMPLES_FOR_PRECISION and settings.precision:
            mean = float(np.mean(chance))
            if mean > 0:  # all random continua agreeing perfectly ask for nothing more
                variation = float(np.std(chance)) / mean
                wanted = max(wanted, int(np.ceil((variation * 1.96 / settings.precision) ** 2)))
    own = categorical_disorders(observed, continuum, d, kinds)
    categorical = {k: (own[k], parts[k]) for k in kinds}
    return DocumentGamma(observed.total, len(continuum) / continuum.n_annotators,
                         float(np.mean(chance)), len(chance), categorical)


def _align(continuum: Continuum, d: Dissimilarity) -> Alignment:
    return best_alignment(continuum.annotator, continuum.start, continuum.end,
                          continuum.category, continuum.n_annotators, d)


def categorical_disorder(alignment: Alignment, continuum: Continuum, d: Dissimilarity,
                         category: int | None) -> float:
    """γ-cat's (category None) or γ-k's disorder of an alignment (see the module docstring)."""
    return categorical_disorders(alignment, continuum, d, [category])[category]


def categorical_disorders(alignment: Alignment, continuum: Continuum, d: Dissimilarity,
                          categories: list) -> dict:
    """γ-cat's and γ-k's disorders of an alignment at once, one per entry of `categories`
    (None for γ-cat). Pairs of two units are weighted; a unit with an empty slot adds Δ∅²
    with weight Δ∅; a pair of two empty slots only counts as "a pair was seen"."""
    n = alignment.n_annotators
    sizes = np.array([len(g) for g in alignment.groups], dtype=np.int64)
    left, right, base = [], [], []
    for group in alignment.groups:
        k = len(group)
        for x in range(k):
            for y in range(x + 1, k):
                left.append(group[x])
                right.append(group[y])
                base.append(1.0 / (k - 1))
    left, right = np.array(left, dtype=np.int64), np.array(right, dtype=np.int64)
    cat = continuum.category
    if len(left):
        length = (continuum.end[left] - continuum.start[left]) + (continuum.end[right]
                                                                  - continuum.start[right])
        ratio = (np.abs(continuum.start[left] - continuum.start[right])
                 + np.abs(continuum.end[left] - continuum.end[right])) / length
        weight = np.array(base) * np.maximum(0.0, 1.0 - d.alpha * ratio * ratio * d.delta_empty)
        differ = (cat[left] != cat[right]) * d.delta_empty  # d_cat, without β (pygamma's)
    else:
        weight = differ = np.zeros(0)
    members = np.array([u for g in alignment.groups for u in g], dtype=np.int64)
    empty_slots = np.repeat(n - sizes, sizes)  # per member unit: empty slots beside it
    result = {}
    for category in categories:
        if category is None:
            pairs, lone = np.ones(len(left), dtype=bool), int(empty_slots.sum())
            seen = len(alignment.groups) > 0
        else:
            pairs = (cat[left] == category) | (cat[right] == category)
            lone = int(empty_slots[cat[members] == category].sum())
            seen = bool(pairs.any()) or lone > 0
        if not pairs.any():
            result[category] = 0.0 if seen else 1.0
            continue
        total = float((differ[pairs] * weight[pairs]).sum()) + lone * d.delta_empty ** 2
        weight_sum = float(weight[pairs].sum()) + lone * d.delta_empty
        result[category] = 0.0 if total == 0 else total / weight_sum
    return result


def pooled_gamma(documents: list[DocumentGamma | None]) -> tuple[float | None, float | None,
                                                                 float | None]:
    """(γ, D_o, D_e) over all documents' alignments (module docstring)."""
    kept = [doc for doc in documents if doc is not None]
    if not kept:
        return None, None, None
    weight = sum(doc.weight for doc in kept)
    observed = sum(doc.observed_total for doc in kept) / weight
    expected = sum(doc.weight * doc.expected for doc in kept) / weight
    if observed == 0:
        return 1.0, observed, expected
    if expected == 0:
        return None, observed, expected
    return 1.0 - observed / expected, observed, expected


def pooled_categorical(documents: list[DocumentGamma | None], category) -> float | None:
    """γ-cat (category None) or γ-k pooled: 1 - Σ W_d obs_d / Σ W_d mean(chance_d)."""
    observed = expected = 0.0
    found = False
    for doc in documents:
        if doc is None or category not in doc.categorical:
            continue
        found = True
        own, chance = doc.categorical[category]
        observed += doc.weight * own
        expected += doc.weight * float(np.mean(chance))
    if not found:
        return None
    if observed == 0:
        return 1.0
    return 1.0 - observed / expected if expected > 0 else None
