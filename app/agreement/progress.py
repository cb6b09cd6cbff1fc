"""Progress of a long computation (the agreement report), reported phase by phase.

`build_report` knows its phases; a caller that wants to show progress passes a callback
`progress(phase, fraction)`: the phase's name and how much of it is done (0..1). The phases
and their rough share of the whole report's time (measured on 1,000 documents x 3 annotators x
40 spans, bench/bench_gamma.py) turn that into one overall fraction for a progress bar.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[str, float], None]

# phase name -> share of the whole (γ samples dominate), in the order build_report runs them;
# the app adds the last two (they need the database).
REPORT_PHASES: dict[str, float] = {
    "units": 0.08, "gamma samples": 0.70, "alpha": 0.02, "kappa": 0.01, "ac1": 0.01,
    "bootstrap": 0.08, "vs gold": 0.02, "over time": 0.08,
}


def overall_fraction(phase: str, fraction: float,
                     phases: dict[str, float] = REPORT_PHASES) -> float:
    """The share of the whole done when `phase` is `fraction` done (unknown phase: 0)."""
    if phase not in phases:
        return 0.0
    names = list(phases)
    total = sum(phases.values())
    before = sum(phases[name] for name in names[: names.index(phase)])
    return min(1.0, (before + phases[phase] * max(0.0, min(1.0, fraction))) / total)


def report_progress(callback: ProgressCallback | None, phase: str, fraction: float = 0.0) -> None:
    if callback is not None:
        callback(phase, fraction)
