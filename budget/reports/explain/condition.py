"""The condition of a tranche on a result (issue 23): how it stands, as an input of the
explanation: the indicator and year, the target, and what was achieved (met, not met, or
not yet achieved)."""

from __future__ import annotations

from budget.core.model import Commitment, Scenario
from budget.load.conditions import condition_of_text, target_met
from budget.reports.explain.data import Input, text
from budget.reports.explain.sources import Context, commitment_input
from budget.reports.indicators import exact, target


def condition_standing(scenario: Scenario, c: Commitment) -> tuple[str, bool | None] | None:
    """How the commitment's condition stands: ("police-suspects in 2012: met (achieved
    522, target 511)", True); False when not met, None while not yet achieved; None for a
    commitment without a condition."""
    raw = c.raw.get("condition")
    if isinstance(raw, str):
        raw = condition_of_text(raw)
    if not isinstance(raw, dict):
        return None
    name, year = raw.get("indicator"), raw.get("year")
    indicator = next((i for i in scenario.indicators if i.id == name), None)
    targets = {y: (v, change) for y, v, change in indicator.targets} if indicator else {}
    if indicator is None or year not in targets:
        return None  # the loader refused it; a scenario built in Python may hold anything
    goal = target(indicator, *targets[year])
    label = f"{name} in {year}"
    met = target_met(indicator, year)
    if met is None:
        return f"{label}: not yet achieved (target {goal})", None
    achieved = dict(indicator.achieved)[year]
    state = "met" if met else "not met"
    return f"{label}: {state} (achieved {exact(achieved)}, target {goal})", met


def condition_input(ctx: Context) -> Input | None:
    """The condition as an input of the explanation, or None without one."""
    found = condition_standing(ctx.scenario, ctx.commitment)
    if found is None:
        return None
    return commitment_input(ctx, "condition", "condition (indicator, year)", text(found[0]))
