"""Document-bootstrap intervals for every coefficient of the report (resampling.py says how).

Each figure is rebuilt from per-document parts, so a draw is a weighted sum of documents:
- alpha (nominal): pairable values n, diagonal coincidences sum_c o_cc and values per
  category n_c of each document (alpha.py's formula on the sums);
- Gwet's AC1: gwet.gwet_parts per document;
- Fleiss' kappa: ratings M, Σ n_ij² and column totals C_j over each document's complete units
  (complete: labelled by every annotator of the full data, also in a draw that lost one);
- span F1 (exact, overlap): each pair's matches and spans per document; the project figure is
  the mean over pairs of the pooled F1, as in spans.py;
- unitizing alpha: the mean over the drawn documents of their own alpha_U (as the report's);
- gamma: the drawn documents' best-alignment disorders and expected disorder (gamma.py).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from app.agreement.gwet import ac1_from_sums, gwet_parts
from app.agreement.labels import NO_VALUE, LabelAgreement
from app.agreement.resampling import DocumentBootstrap, alpha_from_sums, pooled_f1_mean
from app.agreement.spans import pair_counts_per_document
from app.agreement.unit_table import UnitTable


def label_alpha_draws(boot: DocumentBootstrap, label: LabelAgreement,
                      unit_document: np.ndarray, n_documents: int) -> np.ndarray:
    counts = label.counts
    m = counts.values_per_unit()
    pairable = m >= 2
    same_pairs = np.bincount(counts.unit, weights=counts.count * (counts.count - 1.0),
                             minlength=counts.n_units)
    with np.errstate(divide="ignore", invalid="ignore"):
        same = np.where(pairable, same_pairs / (m - 1), 0.0)
    n = np.bincount(unit_document, weights=np.where(pairable, m, 0), minlength=n_documents)
    observed_same = np.bincount(unit_document, weights=same, minlength=n_documents)
    kept = pairable[counts.unit]
    n_c = sparse.csr_matrix(
        (counts.count[kept].astype(float), (unit_document[counts.unit[kept]],
                                            counts.category[kept])),
        shape=(n_documents, max(counts.n_categories, 1)))
    drawn_n_c = boot.sums(n_c)
    return alpha_from_sums(boot.sums(n[:, None])[:, 0], boot.sums(observed_same[:, None])[:, 0],
                           (drawn_n_c * drawn_n_c).sum(axis=1))


def ac1_draws(boot: DocumentBootstrap, label: LabelAgreement, unit_document: np.ndarray,
              n_documents: int, weights: np.ndarray | None = None) -> np.ndarray:
    """AC1 of each draw; AC2 with `weights` (q x q over the label's category codes)."""
    parts = gwet_parts(label.counts, unit_document, n_documents, weights)
    columns = np.column_stack([parts.pa_sum, parts.pairable, parts.rated])
    summed = boot.sums(columns)
    return ac1_from_sums(summed[:, 0], summed[:, 1], summed[:, 2], boot.sums(parts.shares),
                         parts.q, parts.weights_total)


def cohen_draws(boot: DocumentBootstrap, label: LabelAgreement, unit_document: np.ndarray,
                n_documents: int, first: int, second: int) -> np.ndarray:
    """Cohen's kappa of annotators `first` and `second` (grid columns) on each draw, over the
    units both labelled: kappa.py's N·trace and Σ row_k column_k on the drawn sums."""
    a, b = label.grid[:, first], label.grid[:, second]
    both = (a != NO_VALUE) & (b != NO_VALUE)
    if not both.any():  # no unit in common: kappa is undefined on every draw (most pairs of a
        return np.full(boot.draws, np.nan)  # large team, who rarely share documents)
    document = unit_document[both]
    q = max(label.counts.n_categories, 1)
    n = np.bincount(document, minlength=n_documents).astype(float)
    same = np.bincount(document, weights=a[both] == b[both], minlength=n_documents)
    ones = np.ones(int(both.sum()))
    rows = sparse.csr_matrix((ones, (document, a[both])), shape=(n_documents, q))
    columns = sparse.csr_matrix((ones, (document, b[both])), shape=(n_documents, q))
    total = boot.sums(n[:, None])[:, 0]
    trace = boot.sums(same[:, None])[:, 0]
    chance = (boot.sums(rows) * boot.sums(columns)).sum(axis=1)
    denominator = total * total - chance
    with np.errstate(invalid="ignore", divide="ignore"):
        kappa = (total * trace - chance) / denominator
    return np.where((total > 0) & (denominator != 0), kappa, np.nan)


def f1_draws(boot: DocumentBootstrap, units: UnitTable) -> np.ndarray:
    _, matched, spans = pair_counts_per_document(units)
    if matched.shape[1] == 0:
        return np.full(boot.draws, np.nan)
    return pooled_f1_mean(boot.sums(matched), boot.sums(spans))


def fleiss_draws(boot: DocumentBootstrap, label: LabelAgreement, unit_document: np.ndarray,
                 n_documents: int) -> np.ndarray:
    """Fleiss' kappa over the units every annotator labelled (kappa.py's formula on the sums
    M, Σ n_ij², and the column totals C_j of the drawn documents)."""
    raters = label.grid.shape[1]
    complete = (label.grid != NO_VALUE).all(axis=1)
    counts = label.counts
    kept = complete[counts.unit]
    document = unit_document[counts.unit[kept]]
    count = counts.count[kept].astype(float)
    ratings = np.bincount(document, weights=count, minlength=n_documents)
    squares = np.bincount(document, weights=count * count, minlength=n_documents)
    columns = sparse.csr_matrix((count, (document, counts.category[kept])),
                                shape=(n_documents, max(counts.n_categories, 1)))
    m = boot.sums(ratings[:, None])[:, 0]
    square_sum = boot.sums(squares[:, None])[:, 0]
    drawn_columns = boot.sums(columns)
    column_squares = (drawn_columns * drawn_columns).sum(axis=1)
    denominator = (raters - 1) * (m * m - column_squares)
    with np.errstate(invalid="ignore", divide="ignore"):
        kappa = (m * (square_sum - m) - (raters - 1) * column_squares) / denominator
    return np.where((denominator != 0) & (raters >= 2), kappa, np.nan)


def label_intervals(boot: DocumentBootstrap | None, label: LabelAgreement,
                    units: UnitTable, ac2_weights: np.ndarray | None = None) -> dict:
    """Intervals over documents: alpha (and P(alpha < .667/.800)), AC1, AC2 (with
    `ac2_weights`; identity when None), Fleiss' kappa, and Cohen's kappa of each pair of
    annotators (by grid column indices)."""
    if boot is None:
        return {"alpha": None, "alpha_below": None, "gwet_ac1": None, "gwet_ac2": None,
                "fleiss_kappa": None, "cohen_kappa": {}}
    n_documents = len(units.spans.documents)
    alphas = label_alpha_draws(boot, label, units.document, n_documents)
    ac1 = boot.interval(ac1_draws(boot, label, units.document, n_documents))
    pairs = label.grid.shape[1]
    return {"alpha": boot.interval(alphas), "alpha_below": boot.share_below(alphas),
            "gwet_ac1": ac1,
            "gwet_ac2": ac1 if ac2_weights is None else boot.interval(ac1_draws(
                boot, label, units.document, n_documents, ac2_weights)),
            "fleiss_kappa": boot.interval(fleiss_draws(boot, label, units.document,
                                                       n_documents)),
            "cohen_kappa": {(i, j): boot.interval(cohen_draws(boot, label, units.document,
                                                              n_documents, i, j))
                            for i in range(pairs) for j in range(i + 1, pairs)}}
