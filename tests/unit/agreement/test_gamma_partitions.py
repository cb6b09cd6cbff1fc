"""The batched set-partition solver (components of up to seven units, repeated annotators
included) finds the same best alignment disorder as the exact search it replaced for them."""

import numpy as np
import pytest

import app.agreement.gamma_alignment as alignment
from app.agreement.gamma_alignment import best_alignment, partition_table


def crowded_continuum(rng: np.random.Generator, n_annotators: int, n_units: int):
    """Units packed close together, so components hold several units of one annotator."""
    annotator = rng.integers(0, n_annotators, n_units)
    start = rng.uniform(0, 10 * n_units, n_units).round(1)
    end = start + rng.uniform(2, 30, n_units).round(1)
    return annotator, start, end, rng.integers(0, 3, n_units)


@pytest.mark.parametrize("seed", range(12))
def test_batched_partitions_equal_the_exact_search(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    n_annotators = int(rng.integers(2, 5))
    columns = crowded_continuum(rng, n_annotators, int(rng.integers(5, 40)))
    batched = best_alignment(*columns, n_annotators)
    monkeypatch.setattr(alignment, "MAX_PARTITION_UNITS", 1)  # everything by search / MIP
    searched = best_alignment(*columns, n_annotators)
    assert batched.total == pytest.approx(searched.total, abs=1e-9)
    assert len(batched.groups) == len(searched.groups)  # ties go to fewer unitary alignments
    for group in batched.groups:  # one unit per annotator in every unitary alignment
        owners = columns[0][list(group)]
        assert len(set(owners.tolist())) == len(group)
    assert sorted(u for g in batched.groups for u in g) == list(range(len(columns[0])))


def test_partition_table_counts_blocks_and_pairs():
    table = partition_table(4)
    assert len(table.partitions) == 15
    singletons = table.partitions.index(((0,), (1,), (2,), (3,)))
    assert table.blocks[singletons] == 4 and table.same_block[singletons].sum() == 0
    whole = table.partitions.index(((0, 1, 2, 3),))
    assert table.same_block[whole].sum() == 6 and table.block_pairs[whole] == (
        (0, 1, 2, 3, 4, 5),)
