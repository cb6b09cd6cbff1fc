"""Progress bars for `flask export` and `flask import`: tqdm on standard error.

A bar is drawn only when standard error is a terminal (or when asked for with --progress), so
scripts and pipes see nothing extra; standard output is never touched, so an export written
there stays byte for byte the file.
"""

from __future__ import annotations

import sys
from typing import TextIO


def wanted(requested: bool | None, stream: TextIO | None = None) -> bool:
    """--progress / --no-progress decide; without either, a terminal does."""
    if requested is not None:
        return requested
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", None) and stream.isatty())


class PhaseBars:
    """One tqdm bar per phase ("checking", "importing", "exporting"), one step per document.

    `step(phase)` counts a document in `phase`, opening that phase's bar (and closing the
    previous one) when the phase changes; `total(phase, n)` sets a phase's length when it is
    known. `follows` names phases as long as an earlier one: an import writes as many
    documents as its first reading checked."""

    def __init__(self, enabled: bool, stream: TextIO | None = None,
                 follows: dict[str, str] | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.follows = follows or {}
        self.totals: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.phase: str | None = None
        self.bar = None

    def total(self, phase: str, count: int) -> None:
        self.totals[phase] = count
        if self.bar is not None and self.phase == phase:
            self.bar.total = count
            self.bar.refresh()

    def step(self, phase: str) -> None:
        if not self.enabled:
            return
        if phase != self.phase:
            self._open(phase)
        self.counts[phase] = self.counts.get(phase, 0) + 1
        self.bar.update(1)

    def _open(self, phase: str) -> None:
        from tqdm import tqdm  # only when a bar is drawn

        self.close()
        self.phase = phase
        total = self.totals.get(phase, self.counts.get(self.follows.get(phase, "")))
        self.bar = tqdm(total=total, desc=phase, unit=" documents",
                        file=self.stream, mininterval=0.2, dynamic_ncols=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> PhaseBars:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
