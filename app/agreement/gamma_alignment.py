"""The best alignment of a continuum for gamma (Mathet, Widlöcher & Métivier 2015), found exactly.

Source: Y. Mathet, A. Widlöcher, J.-P. Métivier (2015). The Unified and Holistic Method Gamma
(γ) for Inter-Annotator Agreement Measure and Alignment. Computational Linguistics 41(3):437-479,
sections 3-5; conventions as in pygamma-agreement 0.5.9 (Titeux & Riad 2021), which the tests
compare with.

Dissimilarity of two units u, v of different annotators (section 3.2), with Δ∅ the cost of an
unaligned unit:
    d_pos = ((|start_u - start_v| + |end_u - end_v|) / (length_u + length_v))^2 · Δ∅
    d_cat = [category_u != category_v] · Δ∅
    d     = α · d_pos + β · d_cat                        (α = 3, β = 1, Δ∅ = 1 by default)
A unitary alignment holds at most one unit per annotator, the other annotators contributing
the empty unit; with n annotators, its disorder is the mean over the C(n, 2) pairs of
annotators of their units' dissimilarity, a pair with an empty unit costing Δ∅ (both empty
too, as pygamma-agreement counts it). An alignment partitions all units into unitary
alignments; its disorder is the sum of theirs divided by the mean number of units per
annotator (N / n). The best alignment minimises it (section 4).

Exact method. A unitary alignment G with k units can be in a best alignment only if splitting
any unit u off as a lone unit does not lower the total; that needs sum_{v in G} d(u, v) <=
(C(n, 2) + k - 1) Δ∅, so every pair in G has d <= T = (C(n, 2) + n - 1) Δ∅. Pairs above T are
never aligned: the units fall apart into connected groups of "compatible" pairs, solved on
their own: a lone unit stands alone; a group of at most six units of distinct annotators is
solved by trying every set partition; any other group is a set-partitioning integer program
over its candidate unitary alignments (all sets of pairwise compatible units, one per
annotator at most, whose disorder does not exceed that of their lone units), solved to
optimality by HiGHS (scipy.optimize.milp, relative gap 0). Ties (alignments whose disorders
agree to 9 decimal places) go to the one with fewer unitary alignments, i.e. more units
aligned together: the disorder is the same, but γ-cat and γ-k read the pairs. Pruning
(section 5.1.1's idea, with a tighter bound) removes only unitary alignments that no best
alignment uses, so the minimum found is the true minimum.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

MAX_PARTITION_UNITS = 6  # set partitions of up to 6 units (203) are tried all at once
TIE_DIGITS = 9  # disorders equal to 9 decimal places are ties
MAX_SEARCH_STATES = 200_000  # beyond this many covered-sets, the integer program takes over


@dataclass(frozen=True)
class Dissimilarity:
    alpha: float = 3.0  # weight of the positional dissimilarity
    beta: float = 1.0  # weight of the categorical dissimilarity
    delta_empty: float = 1.0  # cost of a unit aligned with nothing

    def between(self, start, end, category, i, j) -> np.ndarray:
        """d(i, j) for index arrays i, j into the unit columns."""
        length = (end[i] - start[i]) + (end[j] - start[j])
        position = (np.abs(start[i] - start[j]) + np.abs(end[i] - end[j])) / length
        return self.delta_empty * (self.alpha * position * position
                                   + self.beta * (category[i] != category[j]))


@dataclass(frozen=True)
class Alignment:
    groups: list[tuple[int, ...]]  # unitary alignments: unit indices (one per annotator at most)
    group_disorders: np.ndarray  # disorder of each unitary alignment
    n_annotators: int
    n_units: int

    @property
    def total(self) -> float:
        """Sum of the unitary alignments' disorders (adds up over documents)."""
        return float(self.group_disorders.sum())

    @property
    def disorder(self) -> float:
        """The alignment's disorder: total / (N / n); NaN without units."""
        if self.n_units == 0:
            return float("nan")
        return self.total * self.n_annotators / self.n_units


def best_alignment(annotator: np.ndarray, start: np.ndarray, end: np.ndarray,
                   category: np.ndarray, n_annotators: int,
                   dissimilarity: Dissimilarity | None = None) -> Alignment:
    """The best alignment of one continuum: units given as columns (annotator 0..n-1, start,
    end with start < end, category code); `n_annotators` counts those without units too."""
    dissimilarity = dissimilarity or Dissimilarity()
    annotator = np.asarray(annotator, dtype=np.int64)
    start = np.asarray(start, dtype=np.float64)
    end = np.asarray(end, dtype=np.float64)
    category = np.asarray(category, dtype=np.int64)
    n = len(annotator)
    if n_annotators < 2:
        raise ValueError("gamma needs at least two annotators")
    problem = _Problem(annotator, start, end, category, n_annotators, dissimilarity)
    groups: list[tuple[int, ...]] = []
    for members in problem.components():
        groups.extend(problem.solve(members))
    disorders = np.array([problem.group_disorder(g) for g in groups], dtype=np.float64)
    return Alignment(groups, disorders, n_annotators, n)


class _Problem:
    def __init__(self, annotator, start, end, category, n_annotators, dissimilarity):
        self.annotator, self.start, self.end, self.category = annotator, start, end, category
        self.dissimilarity = dissimilarity
        self.pairs = n_annotators * (n_annotators - 1) / 2.0
        self.empty = dissimilarity.delta_empty
        self.threshold = (self.pairs + n_annotators - 1) * self.empty
        i, j = np.triu_indices(len(annotator), k=1)
        keep = annotator[i] != annotator[j]
        i, j = i[keep], j[keep]
        d = dissimilarity.between(start, end, category, i, j)
        close = d <= self.threshold
        self.edge_i, self.edge_j, self.edge_d = i[close], j[close], d[close]
        self.d = {(int(a), int(b)): float(c) for a, b, c in
                  zip(self.edge_i.tolist(), self.edge_j.tolist(), self.edge_d.tolist(),
                      strict=True)}

    def components(self) -> list[list[int]]:
        from app.agreement.graph import connected_labels

        labels = connected_labels(len(self.annotator), self.edge_i, self.edge_j)
        order = np.argsort(labels, kind="stable")
        cuts = np.flatnonzero(np.diff(labels[order])) + 1
        return [part.tolist() for part in np.split(order, cuts)] if len(order) else []

    def pair_d(self, a: int, b: int) -> float | None:
        return self.d.get((a, b) if a < b else (b, a))

    def group_disorder(self, group: tuple[int, ...]) -> float:
        """Mean over the C(n, 2) annotator pairs; pairs with an empty unit cost Δ∅."""
        k = len(group)
        inner = 0.0
        for x in range(k):
            for y in range(x + 1, k):
                d = self.pair_d(group[x], group[y])
                if d is None:  # above the threshold: compute it anyway (only for reporting)
                    d = float(self.dissimilarity.between(
                        self.start, self.end, self.category, np.array([group[x]]),
                        np.array([group[y]]))[0])
                inner += d
        return (inner + (self.pairs - k * (k - 1) / 2.0) * self.empty) / self.pairs

    def solve(self, members: list[int]) -> list[tuple[int, ...]]:
        if len(members) == 1:
            return [(members[0],)]
        owners = self.annotator[members]
        if len(members) <= MAX_PARTITION_UNITS and len(set(owners.tolist())) == len(members):
            return self._best_partition(members)
        members = sorted(members, key=lambda u: (self.start[u], self.end[u], u))
        candidates = self._candidates(members)
        chosen = _cover_by_search(members, candidates, [self.group_disorder(g)
                                                        for g in candidates])
        return chosen if chosen is not None else self._integer_program(members, candidates)

    def _best_partition(self, members: list[int]) -> list[tuple[int, ...]]:
        best, best_cost = None, (np.inf, 0)
        cost_of: dict[tuple[int, ...], float] = {}
        for partition in set_partitions(len(members)):
            cost = 0.0
            for block in partition:
                group = tuple(members[b] for b in block)
                if group not in cost_of:
                    cost_of[group] = self.group_disorder(group)
                cost += cost_of[group]
            key = (round(cost, TIE_DIGITS), len(partition))
            if key < best_cost:
                best, best_cost = partition, key
        return [tuple(members[b] for b in block) for block in best]

    def _candidates(self, members: list[int]) -> list[tuple[int, ...]]:
        """Every set of pairwise compatible units, one per annotator at most, whose disorder
        does not exceed that of its units standing alone; built annotator by annotator, each
        new unit compatible with all chosen so far (so chains stay cheap)."""
        by_annotator: dict[int, list[int]] = {}
        for unit in members:
            by_annotator.setdefault(int(self.annotator[unit]), []).append(unit)
        groups = list(by_annotator.values())
        candidates: list[tuple[int, ...]] = []

        def extend(level: int, chosen: tuple[int, ...]) -> None:
            if level == len(groups):
                if len(chosen) == 1 or (chosen and self.group_disorder(chosen)
                                        <= len(chosen) * self.empty + 1e-12):
                    candidates.append(chosen)
                return
            extend(level + 1, chosen)
            for unit in groups[level]:
                if all(self.pair_d(unit, other) is not None for other in chosen):
                    extend(level + 1, (*chosen, unit))

        extend(0, ())
        return candidates

    def _integer_program(self, members: list[int],
                         candidates: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import csr_matrix

        row = {unit: r for r, unit in enumerate(members)}
        rows = [row[u] for group in candidates for u in group]
        columns = [c for c, group in enumerate(candidates) for _ in group]
        matrix = csr_matrix((np.ones(len(rows)), (rows, columns)),
                            shape=(len(members), len(candidates)))
        # A tiny cost per unitary alignment breaks ties toward fewer of them, as elsewhere.
        costs = np.array([self.group_disorder(g) for g in candidates]) + 10.0 ** -TIE_DIGITS
        result = milp(costs, constraints=LinearConstraint(matrix, 1, 1),
                      integrality=np.ones(len(candidates)), bounds=Bounds(0, 1),
                      options={"mip_rel_gap": 0.0})
        if result.x is None:  # cannot happen: the lone units are always a solution
            raise RuntimeError(f"no alignment found: {result.message}")
        return [candidates[c] for c in np.flatnonzero(result.x > 0.5)]


def _cover_by_search(members: list[int], candidates: list[tuple[int, ...]],
                     costs: list[float]) -> list[tuple[int, ...]] | None:
    """Exact minimum-cost partition of `members` into candidate groups, by search over the
    set of units covered so far: the first uncovered unit (members ordered by position) must
    be covered by a group whose other units are all uncovered. Memoised; None when the number
    of states passes MAX_SEARCH_STATES (the caller then solves the integer program)."""
    position = {unit: p for p, unit in enumerate(members)}  # members come in position order
    by_first: list[list[tuple[int, float, int]]] = [[] for _ in members]
    for c, group in enumerate(candidates):
        mask = 0
        for unit in group:
            mask |= 1 << position[unit]
        by_first[(mask & -mask).bit_length() - 1].append((mask, costs[c], c))
    full = (1 << len(members)) - 1
    memo: dict[int, tuple[float, int, int]] = {full: (0.0, 0, -1)}  # cost, groups, choice
    stack = [0]
    while stack:  # iterative depth-first evaluation of f(covered)
        covered = stack[-1]
        if covered in memo:
            stack.pop()
            continue
        first = (~covered & (covered + 1)).bit_length() - 1
        options = [(mask, cost, c) for mask, cost, c in by_first[first] if not mask & covered]
        pending = [covered | mask for mask, _, _ in options if covered | mask not in memo]
        if pending:
            if len(memo) + len(pending) > MAX_SEARCH_STATES:
                return None
            stack.extend(pending)
            continue
        memo[covered] = min(_ranked(cost + memo[covered | mask][0], memo[covered | mask][1] + 1,
                                    c) for mask, cost, c in options)
        stack.pop()
    chosen, covered = [], 0
    while covered != full:
        c = memo[covered][2]
        chosen.append(candidates[c])
        for unit in candidates[c]:
            covered |= 1 << position[unit]
    return chosen


def _ranked(cost: float, groups: int, choice: int) -> tuple[float, int, int]:
    """Order of preference: lower disorder (to TIE_DIGITS places), then fewer unitary
    alignments, then the earlier candidate."""
    return (round(cost, TIE_DIGITS), groups, choice)


@cache
def set_partitions(n: int) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """Every partition of {0..n-1} into blocks (restricted growth strings)."""
    result = []

    def grow(i: int, blocks: list[list[int]]) -> None:
        if i == n:
            result.append(tuple(tuple(block) for block in blocks))
            return
        for block in blocks:
            block.append(i)
            grow(i + 1, blocks)
            block.pop()
        blocks.append([i])
        grow(i + 1, blocks)
        blocks.pop()

    grow(0, [])
    return tuple(result)
