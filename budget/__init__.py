"""budget: multi-year public funding commitments, projected exactly to the cent.

>>> import budget
>>> scenario = budget.load_scenario(budget.example_path())
>>> rows = budget.project(scenario)

Every function that returns a DataFrame follows one convention (see budget.reports.frames):
categorical text, int64 `year` and `*_cents`, the scenario's facts in `df.attrs`.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# The public names, imported when first used (PEP 562): `budget --help` and the console
# script's signal handlers must not wait for pandas (see budget/cli/group.py).
_LAZY = {
    "InputError": "budget.core.errors",
    "Problem": "budget.core.errors",
    "Scenario": "budget.core.model",
    "load_scenario": "budget.load",
    "read_scenario": "budget.load",
    **dict.fromkeys(
        (
            "actuals_frame",
            "compare",
            "forecast_rows",
            "indicators",
            "plan_vs_actual",
            "project",
            "simulate",
        ),
        "budget.reports.frames",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'budget' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


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
