"""Inter-annotator agreement for span annotation: pure Python and NumPy (no Flask, no database).

Start with `build_report` (report.py); docs/agreement.md explains every figure and its source.
"""

from app.agreement.alpha import (
    UnitCounts,
    alpha_from_coincidences,
    alpha_from_unit_values,
    coincidence_matrix,
    krippendorff_alpha_nominal,
)
from app.agreement.bootstrap import bootstrap_alpha_draws, bootstrap_alpha_interval
from app.agreement.disagreements import KINDS as DISAGREEMENT_KINDS
from app.agreement.kappa import cohen_kappa, confusion_matrix, fleiss_kappa, observed_agreement
from app.agreement.report import build_report, interpret_alpha
from app.agreement.unitizing import UnitizingResult, mean_unitizing_alpha, unitizing_alpha
from app.agreement.units import (
    MATCH_MODES,
    AnnotatedSpan,
    DocumentAnnotations,
    Unit,
    match_units,
)

__all__ = [
    "DISAGREEMENT_KINDS",
    "MATCH_MODES",
    "AnnotatedSpan",
    "DocumentAnnotations",
    "Unit",
    "UnitCounts",
    "UnitizingResult",
    "alpha_from_coincidences",
    "alpha_from_unit_values",
    "bootstrap_alpha_draws",
    "bootstrap_alpha_interval",
    "build_report",
    "coincidence_matrix",
    "cohen_kappa",
    "confusion_matrix",
    "fleiss_kappa",
    "interpret_alpha",
    "krippendorff_alpha_nominal",
    "match_units",
    "mean_unitizing_alpha",
    "observed_agreement",
    "unitizing_alpha",
]
