"""budget: multi-year public funding commitments, projected exactly to the cent.

>>> import budget
>>> scenario = budget.load_scenario(budget.example_path())
>>> rows = budget.project(scenario)
"""

from __future__ import annotations

from pathlib import Path

from budget.engine import project
from budget.errors import InputError, Problem
from budget.model import Scenario
from budget.realisation.indicators import indicator_rows as indicators
from budget.realisation.realised import actuals_frame, forecast_rows, plan_vs_actual
from budget.scenario import load_scenario, read_scenario

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
    "example_path",
    "forecast_rows",
    "indicators",
    "load_scenario",
    "plan_vs_actual",
    "project",
    "read_scenario",
]
