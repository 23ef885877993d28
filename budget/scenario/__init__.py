"""Loading scenarios: files -> merged raw tables -> a validated Scenario."""

from __future__ import annotations

from pathlib import Path

from budget.errors import InputError, Problem
from budget.model import Scenario
from budget.scenario.inherit import load_merged
from budget.scenario.parse import build_scenario


def read_scenario(path: str | Path) -> tuple[Scenario | None, list[Problem]]:
    """The scenario at `path` and its problems: (scenario, []) or (None, problems).
    `path` "-" reads standard input, shown as "<stdin>" in messages."""
    from budget.scenario.read import STDIN, STDIN_SHOWN

    shown = STDIN_SHOWN if Path(path) == STDIN else str(path)
    from budget.scenario.register import read_register

    merged = load_merged(Path(path), shown, read_register)
    return build_scenario(merged, shown)


def load_scenario(path: str | Path) -> Scenario:
    """The scenario at `path`; raises InputError listing every problem found."""
    scenario, problems = read_scenario(path)
    if scenario is None:
        raise InputError(problems)
    return scenario


__all__ = ["load_scenario", "read_scenario"]
