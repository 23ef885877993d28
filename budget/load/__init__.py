"""Loading scenarios: read the files (load), merge them (inherit), check and build (parse).

Only `load.load_files` touches the file system; merging and checking are pure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from budget.core.errors import InputError, Problem
from budget.core.memory import cycle_collector_paused
from budget.core.model import Scenario
from budget.kinds.table import commitment_table
from budget.load.files import load_files
from budget.load.inherit import merge
from budget.load.parse import build_scenario
from budget.load.read import STDIN, STDIN_SHOWN

MAX_PROBLEMS = 100  # listed per file; the rest are counted in one closing line


def read_scenario(
    path: str | Path, only: Callable[[str, object], bool] | None = None
) -> tuple[Scenario | None, list[Problem]]:
    """The scenario at `path` and its problems: (scenario, []) or (None, problems).
    `path` "-" reads standard input, shown as "<stdin>" in messages.

    only: read (check and build) only the commitments it accepts, given each one's id and
    recipient as written; the files are read and merged whole (ids, extends, removals).
    `budget explain` reads so the commitments it explains (issue 21)."""
    shown = STDIN_SHOWN if Path(path) == STDIN else str(path)
    with cycle_collector_paused():
        scenario, problems = build_scenario(merge(load_files(Path(path), shown)), shown, only)
        if scenario is not None:
            commitment_table(scenario)  # the columns a projection reads, made once here
    return scenario, bounded(problems)


def bounded(problems: list[Problem], most: int = MAX_PROBLEMS) -> list[Problem]:
    """At most `most` problems per file, then one "and N more problems" line for it."""
    listed: Counter[str] = Counter()
    more: Counter[str] = Counter()
    out: list[Problem] = []
    for problem in problems:
        if listed[problem.file] < most:
            listed[problem.file] += 1
            out.append(problem)
        else:
            more[problem.file] += 1
    for file, count in more.items():
        out.append(
            Problem(
                file,
                "",
                f"and {count} more problem{'s' if count > 1 else ''}",
                f"only the first {most} problems of a file are listed; fix those first",
            )
        )
    return out


def load_scenario(path: str | Path) -> Scenario:
    """The scenario at `path`; raises InputError listing every problem found."""
    scenario, problems = read_scenario(path)
    if scenario is None:
        raise InputError(problems)
    return scenario


__all__ = ["load_scenario", "read_scenario"]
