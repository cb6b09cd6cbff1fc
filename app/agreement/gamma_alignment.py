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
their own: a lone unit stands alone; a group of at most seven units is solved by trying
every set partition whose blocks hold distinct annotators (all groups of one size at once, as
matrix products); a larger group is solved by an exact search over sets of covered units or,
when that grows too large, as a set-partitioning integer program
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

MAX_PARTITION_UNITS = 7  # set partitions of up to 7 units (877) are tried all at once
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
    disorders: list[float] = []
    small: dict[int, list[list[int]]] = {}  # size -> components of distinct annotators
    for members in problem.components():
        if len(members) == 1:  # a lone unit: every pair of annotators costs Δ∅
            groups.append((members[0],))
            disorders.append(problem.empty)
        elif len(members) <= MAX_PARTITION_UNITS:
            small.setdefault(len(members), []).append(members)
        else:
            solved = problem.solve(members)
            groups.extend(solved)
            disorders.extend(problem.group_disorder(g) for g in solved)
    for size, batch in small.items():
        solved, solved_disorders = problem.best_partitions(np.array(batch, dtype=np.int64), size)
        groups.extend(solved)
        disorders.extend(solved_disorders)
    return Alignment(groups, np.array(disorders, dtype=np.float64), n_annotators, n)


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
        self._d: dict[tuple[int, int], float] | None = None
        self._near: dict[int, dict[int, float]] | None = None

    @property
    def d(self) -> dict[tuple[int, int], float]:
        """(a, b) with a < b -> d(a, b) for compatible pairs; built only when a component
        too large for best_partitions needs it (most continua have none)."""
        if self._d is None:
            self._d = {(a, b): c for a, b, c in zip(
                self.edge_i.tolist(), self.edge_j.tolist(), self.edge_d.tolist(), strict=True)}
        return self._d

    def components(self) -> list[list[int]]:
        from app.agreement.graph import connected_labels

        labels = connected_labels(len(self.annotator), self.edge_i, self.edge_j)
        order = np.argsort(labels, kind="stable")
        cuts = np.flatnonzero(np.diff(labels[order])) + 1
        return [part.tolist() for part in np.split(order, cuts)] if len(order) else []

    def neighbours(self) -> dict[int, dict[int, float]]:
        """unit -> {compatible unit: d}, built once per continuum when first needed."""
        if self._near is None:
            self._near = {}
            for (a, b), value in self.d.items():
                self._near.setdefault(a, {})[b] = value
                self._near.setdefault(b, {})[a] = value
        return self._near

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
        members = sorted(members, key=lambda u: (self.start[u], self.end[u], u))
        candidates, costs = self._candidates(members)
        chosen = _cover_by_search(members, candidates, costs)
        return chosen if chosen is not None else self._integer_program(members, candidates)

    def best_partitions(self, batch: np.ndarray, size: int
                        ) -> tuple[list[tuple[int, ...]], list[float]]:
        """The best alignment of many small components at once, by trying every set
        partition: `batch` holds one component of `size` units per row. A partition is
        allowed when no block holds two units of one annotator. Its disorder is a linear
        function of the component's pair dissimilarities (blocks add up:
        Σ_blocks (inner + (C(n,2) - C(b,2)) Δ∅) / C(n,2) = (Σ_same-block pairs (d - Δ∅) +
        blocks · C(n,2) Δ∅) / C(n,2)), so all partitions of all components are one matrix
        product. Ties: the lowest disorder to TIE_DIGITS places, then fewer blocks (unitary
        alignments), then the first partition in set_partitions order. Returns the groups and
        their disorders."""
        table = partition_table(size)
        first, second = table.pair_first, table.pair_second
        left, right = batch[:, first].ravel(), batch[:, second].ravel()
        d = self.dissimilarity.between(self.start, self.end, self.category, left, right)
        d = d.reshape(len(batch), len(first))
        cost = ((d - self.empty) @ table.same_block.T
                + table.blocks * self.pairs * self.empty) / self.pairs
        same_annotator = (self.annotator[left] == self.annotator[right]).reshape(d.shape)
        if same_annotator.any():  # the all-singletons partition always stays allowed
            cost[(same_annotator @ table.same_block.T) > 0] = np.inf
        rounded = np.round(cost, TIE_DIGITS)
        tied = rounded == rounded.min(axis=1, keepdims=True)
        choice = np.argmin(np.where(tied, table.blocks, np.inf), axis=1)
        groups: list[tuple[int, ...]] = []
        disorders: list[float] = []
        pairs, empty = self.pairs, self.empty
        for units, dissimilarities, partition in zip(batch.tolist(), d.tolist(),
                                                      choice.tolist(), strict=True):
            for block, block_pairs in zip(table.partitions[partition],
                                          table.block_pairs[partition], strict=True):
                groups.append(tuple(units[x] for x in block))
                inner = sum(dissimilarities[p] for p in block_pairs)
                disorders.append((inner + (pairs - len(block_pairs)) * empty) / pairs)
        return groups, disorders

    def _candidates(self, members: list[int]) -> tuple[list[tuple[int, ...]], list[float]]:
        """Every set of pairwise compatible units, one per annotator at most, whose disorder
        does not exceed that of its units standing alone, with its disorder; built annotator
        by annotator, each new unit compatible with all chosen so far (so chains stay cheap),
        the sum of the pairs' dissimilarities carried along instead of summed again."""
        by_annotator: dict[int, list[int]] = {}
        for unit in members:
            by_annotator.setdefault(int(self.annotator[unit]), []).append(unit)
        groups = list(by_annotator.values())
        near = self.neighbours()
        pairs, empty = self.pairs, self.empty
        candidates: list[tuple[int, ...]] = []
        costs: list[float] = []

        def extend(level: int, chosen: tuple[int, ...], inner: float) -> None:
            if level == len(groups):
                k = len(chosen)
                if k == 0:
                    return
                cost = (inner + (pairs - k * (k - 1) / 2.0) * empty) / pairs
                if k == 1 or cost <= k * empty + 1e-12:
                    candidates.append(chosen)
                    costs.append(cost)
                return
            extend(level + 1, chosen, inner)
            for unit in groups[level]:
                row = near.get(unit, {})
                if all(other in row for other in chosen):
                    added = inner
                    for other in chosen:
                        added += row[other]
                    extend(level + 1, (*chosen, unit), added)

        extend(0, (), 0.0)
        return candidates, costs

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


@dataclass(frozen=True)
class PartitionTable:
    """The set partitions of {0..k-1} as matrices over the C(k, 2) pairs (x < y)."""

    partitions: tuple[tuple[tuple[int, ...], ...], ...]
    pair_first: np.ndarray  # (pairs,) x of each pair
    pair_second: np.ndarray  # (pairs,) y of each pair
    same_block: np.ndarray  # (partitions x pairs) 1 where x and y share a block
    blocks: np.ndarray  # (partitions,) number of blocks
    block_pairs: tuple[tuple[tuple[int, ...], ...], ...]  # per partition, block: its pairs


@cache
def partition_table(k: int) -> PartitionTable:
    partitions = set_partitions(k)
    first, second = np.triu_indices(k, 1)
    pair_of = {(int(x), int(y)): p for p, (x, y) in enumerate(zip(first, second, strict=True))}
    same = np.zeros((len(partitions), len(first)))
    block_pairs = []
    for p, partition in enumerate(partitions):
        blocks = tuple(tuple(pair_of[min(x, y), max(x, y)] for i, x in enumerate(block)
                             for y in block[i + 1:]) for block in partition)
        for pairs in blocks:
            same[p, list(pairs)] = 1.0
        block_pairs.append(blocks)
    return PartitionTable(partitions, first, second, same,
                          np.array([len(p) for p in partitions], dtype=float),
                          tuple(block_pairs))


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
