"""budget: multi-year public funding commitments, projected exactly to the cent.

>>> import budget
>>> scenario = budget.load_scenario(budget.example_path())
>>> rows = budget.project(scenario)

Every function that returns a DataFrame follows one convention (see budget.frames):
categorical text, int64 `year` and `*_cents`, the scenario's facts in `df.attrs`.
"""

from __future__ import annotations

from pathlib import Path

# The modules budget.compare and budget.simulate are loaded first, so that the functions of
# the same name below stay bound here (importing a loaded module does not rebind it).
import budget.compare
import budget.simulate  # noqa: F401
from budget.errors import InputError, Problem
from budget.frames import (
    actuals_frame,
    compare,
    forecast_rows,
    indicators,
    plan_vs_actual,
    project,
    simulate,
)
from budget.model import Scenario
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
