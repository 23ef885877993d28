"""budget: multi-year public funding commitments, projected exactly to the cent.

>>> import budget
>>> scenario = budget.load_scenario(budget.example_path())
>>> rows = budget.project(scenario)

Every function that returns a DataFrame follows one convention (see budget.reports.frames):
categorical text, int64 `year` and `*_cents`, the scenario's facts in `df.attrs`.
"""

from __future__ import annotations

from pathlib import Path

from budget.core.errors import InputError, Problem
from budget.core.model import Scenario
from budget.load import load_scenario, read_scenario
from budget.reports.frames import (
    actuals_frame,
    compare,
    forecast_rows,
    indicators,
    plan_vs_actual,
    project,
    simulate,
)

__version__ = "0.1.0"

EXAMPLE = "letter-2014.toml"


def example_path() -> Path:
    """The bundled example scenario (the 2014 letter), shipped inside the package."""
    return Path(__file__).parent / "data" / EXAMPLE


__all__ = [
    "InputError",
    "Problem",
    "Scenario",
    "__version__",
    "actuals_frame",
    "compare",
    "example_path",
    "forecast_rows",
    "indicators",
    "load_scenario",
    "plan_vs_actual",
    "project",
    "read_scenario",
    "simulate",
]
