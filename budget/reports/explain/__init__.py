"""`budget explain`: how each amount of a commitment was computed, step by step.

`explain(scenario, commitment_id, year=None)` returns an `Explanation` (plain data: inputs
with their file and field, the working, the result per fiscal year and basis, the funder
split) or the problems that stop it; `budget.render.explain` lays it out (text, JSON).
The working is done in exact arithmetic with the money and period rules of the engine, and
must reproduce the engine's projection to the cent.
"""

from __future__ import annotations

from budget.reports.explain.build import (
    EXPLAINERS,
    ExplanationMismatch,
    explain,
    explain_all,
    unknown_commitment,
)
from budget.reports.explain.data import (
    Explanation,
    FunderPart,
    FunderSplit,
    Input,
    Quantity,
    Step,
    Unit,
    YearExplanation,
)

__all__ = [
    "EXPLAINERS",
    "Explanation",
    "ExplanationMismatch",
    "FunderPart",
    "FunderSplit",
    "Input",
    "Quantity",
    "Step",
    "Unit",
    "YearExplanation",
    "explain",
    "explain_all",
    "unknown_commitment",
]
