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

Caps cannot be breached (the engine applies them); only limits are searched. A round
version's [[cash_shifts]] move fixed amounts between years, as `budget run` shows the cash
after them: a shift of a commitment whose inputs are not searched adds the same amounts to
every combination's cash totals; one of a searched commitment is applied to its parts in
each combination, moving at most what the combination plans in the year (as `simulate`
does per draw, `budget.uncertainty.cash_shifts.shift_in_draws`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from budget.core.inputs import BoolArray, IntArray
from budget.core.model import Basis, Dist, Scenario
from budget.core.money import round_half_away
from budget.engine.cash_shifts import shift_deltas
from budget.engine.compute import compute
from budget.engine.limits import LimitYear, breach_mask, check_rows
from budget.engine.plan import Plan, compile_plan
from budget.engine.projection import funder_totals, project
from budget.uncertainty.cash_shifts import funder_changes, shift_in_draws
from budget.uncertainty.sampling import tied_groups
from budget.uncertainty.simulate import cash_by_member

if TYPE_CHECKING:
    from hypothesis import strategies as st

DEFAULT_EXAMPLES = 1000
MAX_EXAMPLES = 1_000_000  # --examples at most (a bound: hypothesis keeps every example's record)
DEFAULT_MAX_TIME = 120.0  # seconds of search (wall clock) before `check` stops and says so
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
    # The seconds allowed (max_time) when the search was stopped by them, else 0: the
    # counterexample, if any, is then the last breach found, maybe not the smallest.
    stopped: float = 0.0

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
        inputs = plan.inputs
        limited = {plan.funders.index(limit.funder) for limit in scenario.limits}
        searched: list[IntArray] = []
        cells: list[IntArray] = []
        # Which commitments a limited funder pays into, worked out once for all groups.
        pays_limited = np.zeros(len(plan.commitments), dtype=bool)
        np.logical_or.at(
            pays_limited, plan.member_commitment, np.isin(plan.member_funder, list(limited))
        )
        of_commitment = (inputs.owner == 0)[:, None]
        draw_order = inputs.in_draw_order()
        for group in tied_groups(plan):
            if not pays_limited[group].any():
                continue
            mine = of_commitment[:, 0] & np.isin(inputs.index, group)
            derived = group[plan.derived[group]]
            if len(derived):
                # Costs and income matter only in the years of the derived top-ups.
                years: BoolArray = np.any(plan.active[derived], axis=0)
                recipient = int(plan.recipient[derived[0]])
                mine |= (inputs.owner == 1) & (inputs.index == recipient) & years[inputs.column]
            if mine.any():
                searched.append(group)
                cells.append(draw_order[mine[draw_order]])
        # Per owner, in the order of the plan's inputs (the order they are listed).
        self.cells = np.concatenate([np.zeros(0, np.int64), *cells])
        self.rows = np.sort(np.concatenate([np.zeros(0, np.int64), *searched]))
        self.sub = plan.subset(self.rows)
        self.central = self.sub.inputs.central()
        self.where = np.searchsorted(self.sub.inputs.origin, self.cells)
        others = np.setdiff1d(np.arange(len(plan.commitments)), self.rows)
        self.base = self._totals(plan.subset(others), None) if len(others) else None
        # Shifts of searched commitments follow each combination's cash; the others' are
        # the same amounts in every one.
        shifted = {c.commitment for c in scenario.cash_shifts}
        ids = [plan.ids[r] for r in self.rows.tolist()]
        self.moving = np.array([i for i, cid in enumerate(ids) if cid in shifted], np.int64)
        self.shifted = _shifted_cash(scenario, plan, shifted - set(ids))

    @property
    def fields(self) -> list[str]:
        return [self.plan.inputs.field[i] for i in self.cells.tolist()]

    @property
    def dists(self) -> list[Dist]:
        return [self.plan.inputs.dists[i] for i in self.cells.tolist()]

    def _totals(self, sub: Plan, values: IntArray | None) -> dict[str, IntArray]:
        return funder_totals(sub, compute(sub, values))

    def evaluate(self, values: Sequence[int]) -> tuple[list[LimitYear], float]:
        """The limits breached with these values, and the largest relative excess."""
        chosen = self.central.copy()
        chosen[0, self.where] = values
        result = compute(self.sub, chosen)
        totals = funder_totals(self.sub, result)
        if len(self.moving):
            totals[Basis.CASH] = totals[Basis.CASH] + self._moved(result.cash)
        if self.base is not None:
            for basis in totals:
                totals[basis] = totals[basis] + self.base[basis]
        if self.shifted is not None:
            totals[Basis.CASH] = totals[Basis.CASH] + self.shifted
        breaches, score = [], -np.inf
        masks = breach_mask(self.scenario, self.plan.funders, self.plan.years, totals)
        for limit, year, ceiling, breached, amount in masks:
            excess = (int(amount[0]) - ceiling) / max(ceiling, 100)
            score = max(score, excess)
            if bool(np.any(breached)):
                breaches.append(LimitYear(limit, year, int(amount[0]), ceiling))
        return breaches, float(score)

    def _moved(self, cash: IntArray) -> IntArray:
        """What the shifts of the searched commitments add to each funder's cash per year
        with these amounts (1, commitments, years): int64 (1, funders, years)."""
        before = cash_by_member(self.sub, self.rows, self.moving, cash)
        after = {key: values.copy() for key, values in before.items()}
        shift_in_draws(after, self.scenario, int(self.plan.years[0]))
        return funder_changes(before, after, self.plan.funders, len(self.plan.years), 1)

    def inputs(self, values: Sequence[int]) -> tuple[Input, ...]:
        out = []
        inputs = self.plan.inputs
        for cell, value in sorted(
            zip(self.cells.tolist(), values, strict=True),
            key=lambda item: (int(inputs.owner[item[0]]), int(inputs.index[item[0]])),
        ):
            index = int(inputs.index[cell])
            if inputs.owner[cell] == 0:
                owner, key = "commitment", self.plan.commitments[index].id
            else:
                owner, key = "recipient", self.plan.recipients[index]
            year = int(self.plan.years[inputs.column[cell]])
            out.append(Input(owner, key, inputs.field[cell], year, inputs.dists[cell], int(value)))
        return tuple(out)


def _shifted_cash(scenario: Scenario, plan: Plan, ids: set[str]) -> IntArray | None:
    """What the scenario's cash shifts of the commitments `ids` add to each funder's cash
    per year, as int64 (1, funders, years), or None without any."""
    if not ids:
        return None
    out = np.zeros((1, len(plan.funders), len(plan.years)), dtype=np.int64)
    funder = {f: i for i, f in enumerate(plan.funders)}
    first = int(plan.years[0])
    for (cid, key, year), cents in shift_deltas(scenario).items():
        if cid in ids and 0 <= year - first < len(plan.years):
            out[0, funder[key], year - first] += cents
    return out


class _OutOfTime(BaseException):
    """Raised inside hypothesis's search when max_time is up (a BaseException, so that
    hypothesis passes it on at once instead of shrinking it as a failure)."""


def search(
    scenario: Scenario, examples: int = DEFAULT_EXAMPLES, max_time: float = DEFAULT_MAX_TIME
) -> Found:
    """Search the uncertain inputs for a limit breach (see the module docstring), for at
    most `max_time` seconds (wall clock; the compilation of the plan included)."""
    deadline = time.monotonic() + max_time
    # imported here: start-up time (hypothesis is slow to import; only `check` searches)
    from hypothesis import HealthCheck, Phase, Verbosity, find, settings, target
    from hypothesis import strategies as st
    from hypothesis.errors import NoSuchExample, Unsatisfiable

    space = _Space(scenario)
    if not len(space.cells) or not scenario.limits:
        return Found(len(space.cells), 0)

    def one(dist: Dist) -> st.SearchStrategy[int]:
        options = dist.options()
        if options is not None:
            return st.sampled_from(options)
        low, high = dist.bounds()
        return st.integers(low, high)

    rounds: list[tuple[st.SearchStrategy[tuple[int, ...]], int]] = []
    if len(space.cells) <= DIRECT_LIMIT:
        direct = st.tuples(*(one(d) for d in space.dists))
        if len(space.cells) == 1:
            rounds.append((direct, examples))
        else:
            # Input by input first (the smallest counterexample is then per input); then,
            # for breaches that need many inputs high together, by levels.
            rounds += [
                (direct, examples - examples // 2),
                (_levels(space.fields, space.dists), examples // 2),
            ]
    else:
        rounds.append((_levels(space.fields, space.dists), examples))

    tried = 0
    first_breach = 0  # the count of combinations tried when the first breach was found
    last: list[tuple[int, ...]] = []  # the last breaching combination (when time is up)

    def breaches_a_limit(values: tuple[int, ...]) -> bool:
        nonlocal tried, first_breach
        if time.monotonic() > deadline:
            raise _OutOfTime
        tried += 1
        breaches, score = space.evaluate(values)
        target(score, label="largest excess over a ceiling")
        if breaches and not first_breach:
            first_breach = tried
        if breaches:
            last[:] = [values]
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
        except _OutOfTime:
            if not last:
                return Found(len(space.cells), tried, stopped=max_time)
            values = last[0]
            breaches, _ = space.evaluate(values)
            return Found(
                len(space.cells),
                tried,
                space.inputs(values),
                tuple(breaches),
                shrink_steps=tried - first_breach,
                stopped=max_time,
            )
        breaches, _ = space.evaluate(values)
        return Found(
            len(space.cells),
            tried,
            space.inputs(values),
            tuple(breaches),
            shrink_steps=tried - first_breach,
        )
    return Found(len(space.cells), tried)


def _levels(cells: Sequence[str], dists: Sequence[Dist]) -> st.SearchStrategy[tuple[int, ...]]:
    """A search space that stays small however many inputs there are: one level per field
    (a position from 0 to 1000 permille within each input's range, the same for every
    input of that field), and up to 20 inputs set apart at a level of their own."""
    from hypothesis import strategies as st  # imported here: start-up time, as in `search`

    fields = sorted(set(cells))
    permille = st.integers(0, PERMILLE)
    overrides = st.lists(st.tuples(st.integers(0, len(cells) - 1), permille), max_size=20)

    def values(levels: tuple[int, ...], apart: list[tuple[int, int]]) -> tuple[int, ...]:
        position = [levels[fields.index(field)] for field in cells]
        for i, p in apart:
            position[i] = p
        return tuple(_at(d, p) for d, p in zip(dists, position, strict=True))

    return st.builds(values, st.tuples(*(permille for _ in fields)), overrides)


def _at(dist: Dist, permille: int) -> int:
    """The value at `permille` of a distribution's search range (or of its values)."""
    options = dist.options()
    if options is not None:
        return options[round_half_away((len(options) - 1) * permille, PERMILLE)]
    low, high = dist.bounds()
    return low + round_half_away((high - low) * permille, PERMILLE)
