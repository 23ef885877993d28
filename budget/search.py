"""Searching the uncertain inputs for a combination that breaches a budget ceiling.

The search is property-based testing: hypothesis generates values for every uncertain input
that can move a limited funder's totals, each within its distribution's range (uniform and
triangular: low to high; normal: mean +- 6 sd, cut at zero; choice: its values), runs the
engine on them and asks whether any limit is breached. It is guided towards breaches
(`hypothesis.target` on the largest excess over a ceiling) and, once one is found, shrinks
it to the smallest counterexample: each input as low as it can be (a choice: its smallest
value) while some limit is still breached.

Half of the examples go input by input; if that finds nothing, the other half go by levels
(one position within the range per field, shared by all inputs of that field, plus a few
inputs set apart), which finds breaches that need many inputs high at once. Beyond
DIRECT_LIMIT inputs, levels only. Runs are deterministic: hypothesis is derandomized and
keeps no example database, so the same scenario and number of examples give the same
answer.

Caps cannot be breached (the engine applies them); only limits are searched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from budget.engine import compile_plan, compute, funder_totals, project
from budget.inputs import IntArray
from budget.kinds import KINDS
from budget.limits import LimitYear, breach_mask, check_rows
from budget.model import Dist, Scenario
from budget.money import round_half_away
from budget.sampling import AlreadyDrawn, Cell, Cells, by_field, restrict, tied_groups

if TYPE_CHECKING:
    from hypothesis import strategies as st

DEFAULT_EXAMPLES = 1000
DIRECT_LIMIT = 1000  # inputs searched one by one (then by levels); above, by levels only
PERMILLE = 1000


@dataclass(frozen=True, slots=True)
class Input:
    """One uncertain input and the value a counterexample gives it.

    owner: "commitment" or "recipient"; key: the commitment id or recipient key; field:
    "shortfall", "amount", "costs" or "income"; dist: its distribution.
    """

    owner: str
    key: str
    field: str
    year: int
    dist: Dist
    value: int


@dataclass(frozen=True, slots=True)
class Found:
    """The result of a search.

    inputs: the number of uncertain inputs searched; tried: the combinations run through
    the engine (shrinking included); counterexample and breaches: the smallest combination
    found that breaches a limit, and the limits it breaches, or empty when none was found;
    shrink_steps: of `tried`, the combinations tried after the first breach was found, to
    make it smaller (so `tried - shrink_steps` examples were searched).
    """

    inputs: int
    tried: int
    counterexample: tuple[Input, ...] = ()
    breaches: tuple[LimitYear, ...] = ()
    shrink_steps: int = 0

    @property
    def searched(self) -> int:
        """The examples searched until the first breach (or all of them, without one)."""
        return self.tried - self.shrink_steps


def central_breaches(scenario: Scenario) -> list[LimitYear]:
    """The limits that the central projection breaches."""
    return [c for c in check_rows(scenario, project(scenario)) if c.breached]


class _Space:
    """The inputs to search and how to evaluate one combination of their values."""

    def __init__(self, scenario: Scenario) -> None:
        plan = compile_plan(scenario)
        self.scenario, self.plan = scenario, plan
        index = Cells(plan)
        limited = {plan.funders.index(limit.funder) for limit in scenario.limits}
        searched: list[IntArray] = []
        self.cells: list[Cell] = []
        # Which commitments a limited funder pays into, worked out once for all groups.
        pays_limited = np.zeros(len(plan.commitments), dtype=bool)
        np.logical_or.at(
            pays_limited, plan.member_commitment, np.isin(plan.member_funder, list(limited))
        )
        for group in tied_groups(plan):
            if not pays_limited[group].any():
                continue
            cells = [c for i in group.tolist() for c in index.of(0, i)]
            derived = [
                i
                for i in group.tolist()
                if KINDS[plan.commitments[i].kind].derives_shortfall(plan.commitments[i].spec)
            ]
            if derived:
                # Costs and income matter only in the years of the derived top-ups.
                years: list[bool] = plan.active[np.array(derived)].any(axis=0).tolist()
                recipient = int(plan.recipient[derived[0]])
                cells += [c for c in index.of(1, recipient) if years[c.column]]
            if cells:
                searched.append(group)
                self.cells += cells
        self.index = index
        self.rows = np.sort(np.concatenate([np.zeros(0, np.int64), *searched]))
        others = np.setdiff1d(np.arange(len(plan.commitments)), self.rows)
        self.base = self._totals(others, {})

    def _totals(self, rows: IntArray, chosen: dict[Cell, int]) -> dict[str, IntArray]:
        if not len(rows):
            zeros = np.zeros((1, len(self.plan.funders), len(self.plan.years)), np.int64)
            return {"commitment": zeros, "cash": zeros.copy()}
        sub, _, _ = restrict(self.plan, rows, _Chosen(self.index, chosen))
        return funder_totals(sub, compute(sub, AlreadyDrawn(1)))

    def evaluate(self, values: Sequence[int]) -> tuple[list[LimitYear], float]:
        """The limits breached with these values, and the largest relative excess."""
        chosen = dict(zip(self.cells, values, strict=True))
        totals = self._totals(self.rows, chosen)
        for basis in totals:
            totals[basis] = totals[basis] + self.base[basis]
        breaches, score = [], -np.inf
        masks = breach_mask(self.scenario, self.plan.funders, self.plan.years, totals)
        for limit, year, ceiling, breached, amount in masks:
            excess = (int(amount[0]) - ceiling) / max(ceiling, 100)
            score = max(score, excess)
            if bool(np.any(breached)):
                breaches.append(LimitYear(limit, year, int(amount[0]), ceiling))
        return breaches, float(score)

    def inputs(self, values: Sequence[int]) -> tuple[Input, ...]:
        out = []
        for cell, value in sorted(
            zip(self.cells, values, strict=True),
            key=lambda item: (item[0].owner, item[0].index),
        ):
            if cell.owner == 0:
                owner, key = "commitment", self.plan.commitments[cell.index].id
            else:
                owner, key = "recipient", self.plan.recipients[cell.index]
            year = int(self.plan.years[cell.column])
            out.append(Input(owner, key, cell.field, year, cell.dist, int(value)))
        return tuple(out)


class _Chosen:
    """A CellSource of one draw: the chosen values, the central value for the others."""

    draws = 1

    def __init__(self, index: Cells, chosen: dict[Cell, int]) -> None:
        self.index, self.chosen = index, chosen

    def commitment(self, i: int) -> dict[str, IntArray]:
        return self._values(0, i)

    def recipient(self, j: int) -> dict[str, IntArray]:
        return self._values(1, j)

    def _values(self, owner: int, index: int) -> dict[str, IntArray]:
        cells = self.index.of(owner, index)
        values = [self.chosen.get(c, c.dist.central()) for c in cells]
        return by_field(cells, np.array([values], dtype=np.int64).reshape(1, -1), owner)


def search(scenario: Scenario, examples: int = DEFAULT_EXAMPLES) -> Found:
    """Search the uncertain inputs for a limit breach (see the module docstring)."""
    from hypothesis import HealthCheck, Phase, Verbosity, find, settings, target
    from hypothesis import strategies as st
    from hypothesis.errors import NoSuchExample, Unsatisfiable

    space = _Space(scenario)
    if not space.cells or not scenario.limits:
        return Found(len(space.cells), 0)

    def one(dist: Dist) -> st.SearchStrategy[int]:
        if dist.kind == "choice":
            return st.sampled_from(sorted(set(dist.params)))
        low, high = dist.bounds()
        return st.integers(low, high)

    rounds: list[tuple[st.SearchStrategy[tuple[int, ...]], int]] = []
    if len(space.cells) <= DIRECT_LIMIT:
        direct = st.tuples(*(one(c.dist) for c in space.cells))
        if len(space.cells) == 1:
            rounds.append((direct, examples))
        else:
            # Input by input first (the smallest counterexample is then per input); then,
            # for breaches that need many inputs high together, by levels.
            rounds += [(direct, examples - examples // 2), (_levels(space.cells), examples // 2)]
    else:
        rounds.append((_levels(space.cells), examples))

    tried = 0
    first_breach = 0  # the count of combinations tried when the first breach was found

    def breaches_a_limit(values: tuple[int, ...]) -> bool:
        nonlocal tried, first_breach
        tried += 1
        breaches, score = space.evaluate(values)
        target(score, label="largest excess over a ceiling")
        if breaches and not first_breach:
            first_breach = tried
        return bool(breaches)

    for strategy, allowed in rounds:
        if allowed < 1:
            continue
        config = settings(
            max_examples=allowed,
            derandomize=True,
            database=None,
            deadline=None,
            verbosity=Verbosity.quiet,
            phases=(Phase.generate, Phase.target, Phase.shrink),
            suppress_health_check=list(HealthCheck),
        )
        try:
            values = find(strategy, breaches_a_limit, settings=config)
        except (NoSuchExample, Unsatisfiable):
            continue
        breaches, _ = space.evaluate(values)
        return Found(
            len(space.cells),
            tried,
            space.inputs(values),
            tuple(breaches),
            shrink_steps=tried - first_breach,
        )
    return Found(len(space.cells), tried)


def _levels(cells: Sequence[Cell]) -> st.SearchStrategy[tuple[int, ...]]:
    """A search space that stays small however many inputs there are: one level per field
    (a position from 0 to 1000 permille within each input's range, the same for every
    input of that field), and up to 20 inputs set apart at a level of their own."""
    from hypothesis import strategies as st

    fields = sorted({c.field for c in cells})
    permille = st.integers(0, PERMILLE)
    overrides = st.lists(st.tuples(st.integers(0, len(cells) - 1), permille), max_size=20)

    def values(levels: tuple[int, ...], apart: list[tuple[int, int]]) -> tuple[int, ...]:
        position = [levels[fields.index(c.field)] for c in cells]
        for i, p in apart:
            position[i] = p
        return tuple(_at(c.dist, p) for c, p in zip(cells, position, strict=True))

    return st.builds(values, st.tuples(*(permille for _ in fields)), overrides)


def _at(dist: Dist, permille: int) -> int:
    """The value at `permille` of a distribution's search range (a choice: of its values)."""
    if dist.kind == "choice":
        options = sorted(set(dist.params))
        return options[round_half_away((len(options) - 1) * permille, PERMILLE)]
    low, high = dist.bounds()
    return low + round_half_away((high - low) * permille, PERMILLE)
