"""Loading scenarios: read the files (load), merge them (inherit), check and build (parse).

Only `load.load_files` touches the file system; merging and checking are pure.
"""

from __future__ import annotations

from pathlib import Path

from budget.errors import InputError, Problem
from budget.model import Scenario
from budget.scenario.inherit import merge
from budget.scenario.load import load_files
from budget.scenario.parse import build_scenario


def read_scenario(path: str | Path) -> tuple[Scenario | None, list[Problem]]:
    """The scenario at `path` and its problems: (scenario, []) or (None, problems)."""
    shown = str(path)
    return build_scenario(merge(load_files(Path(path), shown)), shown)


def load_scenario(path: str | Path) -> Scenario:
    """The scenario at `path`; raises InputError listing every problem found."""
    scenario, problems = read_scenario(path)
    if scenario is None:
        raise InputError(problems)
    return scenario


__all__ = ["load_scenario", "read_scenario"]
