"""Benchmark: Krippendorff's unitizing alpha (app/agreement/unitizing.py) at 10k to 1M spans.

Synthetic but realistic codings: claim spans of 20-300 characters separated by 5-200
characters of text; each of 3 annotators marks about 90% of them, moves each boundary by up
to 5 characters and picks one of 9 evidence types (the "true" one 80% of the time).
Two shapes: everything on one long continuum, and many article-sized documents of about
60 spans each averaged with mean_unitizing_alpha (the project figure). Best of 3 runs;
building the input tuples is not timed, reading them is.
"""

import time

import numpy as np

from app.agreement.unitizing import mean_unitizing_alpha, unitizing_alpha

ANNOTATORS = ("ann1", "ann2", "ann3")
CATEGORIES = tuple(f"evidence_{i}" for i in range(9))
SIZES = (10_000, 100_000, 1_000_000)
SPANS_PER_DOCUMENT = 60
REPEATS = 3


def synthetic_coding(rng: np.random.Generator, claims: int):
    """(length, segments) for one continuum holding `claims` true claim spans."""
    lengths = rng.integers(20, 300, claims)
    gaps = rng.integers(5, 200, claims)
    starts = np.cumsum(gaps + np.concatenate(([0], lengths[:-1])))
    length = int(starts[-1] + lengths[-1] + 100)
    true_category = rng.integers(0, len(CATEGORIES), claims)
    segments = []
    for annotator in ANNOTATORS:
        marked = rng.random(claims) < 0.9
        start = np.clip(starts + rng.integers(-5, 6, claims), 0, None)
        end = np.clip(starts + lengths + rng.integers(-5, 6, claims), start + 1, length)
        agrees = rng.random(claims) < 0.8
        category = np.where(agrees, true_category, rng.integers(0, len(CATEGORIES), claims))
        segments += [
            (annotator, int(s), int(e), CATEGORIES[c])
            for s, e, c in zip(start[marked], end[marked], category[marked], strict=True)
        ]
    return length, segments


def best_of(repeats: int, work) -> float:
    timings = []
    for _ in range(repeats):
        began = time.perf_counter()
        work()
        timings.append(time.perf_counter() - began)
    return min(timings)


def claims_for(spans: int) -> int:
    """How many true claims give about `spans` spans (each annotator marks 90% of them)."""
    return max(1, round(spans / (0.9 * len(ANNOTATORS))))


def time_one_continuum(length: int, segments: list) -> float:
    return best_of(REPEATS, lambda: unitizing_alpha(length, ANNOTATORS, segments))


def time_documents(documents: list) -> float:
    def project_figure():
        return mean_unitizing_alpha(
            unitizing_alpha(length, ANNOTATORS, segments) for length, segments in documents
        )

    return best_of(REPEATS, project_figure)


def run() -> str:
    rng = np.random.default_rng(2024)
    rows = []
    for size in SIZES:
        length, segments = synthetic_coding(rng, claims_for(size))
        rows.append(("one continuum", len(segments), time_one_continuum(length, segments)))

        documents = [
            synthetic_coding(rng, claims_for(SPANS_PER_DOCUMENT))
            for _ in range(max(1, size // SPANS_PER_DOCUMENT))
        ]
        total = sum(len(segments) for _, segments in documents)
        rows.append((f"{len(documents):,} documents", total, time_documents(documents)))
    lines = [
        "## Unitizing alpha (alpha_U)",
        "",
        "`unitizing_alpha` on synthetic codings: 3 annotators, 9 evidence types, spans of",
        "20-300 characters with jittered boundaries. Documents are about 60 spans each and are",
        "averaged with `mean_unitizing_alpha`. Best of 3 runs.",
        "",
        "| input | spans | seconds | seconds per 100k spans |",
        "|---|---:|---:|---:|",
    ]
    for label, spans, seconds in rows:
        lines.append(f"| {label} | {spans:,} | {seconds:.3f} | {seconds * 100_000 / spans:.3f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
