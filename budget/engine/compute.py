"""Compute a plan: what every commitment pays, per draw, year and basis.

`compute` runs the kinds' blocks over (draws, commitments, years) arrays for any filling
of the plan's inputs (central values for a projection, random draws for a simulation,
search choices); derived top-ups take their shortfall from the recipient waterfall.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from budget.core.inputs import YearTable
from budget.engine.pending import expected_amounts
from budget.engine.plan import Plan
from budget.kinds.base import Flows

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Result:
    """What each commitment pays: int64 (draws, commitments, years) per basis, and where a
    cap bound (bool, same shape; False for kinds without a cap)."""

    cash: IntArray
    commitment: IntArray
    binds: BoolArray
    has_cap: BoolArray


def compute(plan: Plan, values: IntArray | None = None, decided: BoolArray | None = None) -> Result:
    """What every commitment pays, per draw. Pure: the same plan and values, the same result.

    values: int64 (draws, inputs), a value for each of `plan.inputs` in each draw; by
    default their central values (one draw: a projection). decided: bool (draws,
    len(plan.pending)), whether each pending commitment is decided in each draw; by
    default each counts at p (budget.engine.pending).
    """
    if values is None:
        values = plan.inputs.central()
    if decided is not None and decided.shape[0] != values.shape[0]:
        values = np.repeat(values[:1], decided.shape[0], axis=0)
    pending = _Pending(plan, decided)
    if pending.rows and decided is None and any(p != 1 for _, p in plan.pending):
        # Each pending commitment counts at p times what it pays as decided, with every
        # pending commitment decided (budget.engine.pending), except those that can never
        # be: a condition achieved and not met (p = 0) pays nothing in every view.
        can = np.array([p > 0 for _, p in plan.pending], dtype=bool)
        pending.decided_flows = compute(plan, values, np.tile(can, (values.shape[0], 1)))
    n, y = plan.active.shape
    draws = values.shape[0]
    # Every commitment is in one block, so every row is written below.
    cash = np.empty((draws, n, y), dtype=np.int64)
    up_front: list[tuple[IntArray, IntArray]] = []
    binds = np.zeros((draws, n, y), dtype=bool)
    has_cap = np.zeros(n, dtype=bool)
    waterfall: _Waterfall | None = None
    for block in plan.blocks:
        inputs = {
            field: filled(table, _take_columns(values, block.cells[field]))
            for field, table in block.inputs.items()
        }
        if block.level > 0:
            # Blocks come in level order: every commitment of level 0 is computed by now.
            waterfall = waterfall or _Waterfall(cash, plan, values)
            inputs["shortfall"] = waterfall.shortfall(block.rows)
        flows = block.kind.compute(
            block.columns, plan.years, plan.scenario.calendar, inputs, plan.active[block.rows]
        )
        if pending.rows:
            flows = pending.count(block.rows, flows)
        cash[:, block.rows, :] = flows.cash
        if waterfall is not None:
            waterfall.add(block.rows, flows.cash)
        if block.kind.commits_up_front:
            up_front.append((block.rows, flows.commitment))
        if flows.binds is not None:
            binds[:, block.rows, :] = flows.binds
            has_cap[block.rows] = True
    # The other kinds commit each year what they pay that year (see Kind.commits_up_front).
    committed = cash.copy()
    for rows, commitment in up_front:
        committed[:, rows, :] = commitment
    return Result(cash, committed, binds, has_cap)


class _Pending:
    """Pending commitments' flows, as the plan counts them: at p, or as drawn."""

    def __init__(self, plan: Plan, decided: BoolArray | None) -> None:
        self.rows = {row: (j, p) for j, (row, p) in enumerate(plan.pending)}
        self.decided = decided
        self.decided_flows: Result | None = None  # every pending one decided

    def count(self, rows: IntArray, flows: Flows) -> Flows:
        mine = [(i, *self.rows[r]) for i, r in enumerate(rows.tolist()) if r in self.rows]
        if not mine:
            return flows
        draws = 1 if self.decided is None else self.decided.shape[0]
        shape = (max(draws, flows.cash.shape[0]), *flows.cash.shape[1:])
        cash = np.array(np.broadcast_to(flows.cash, shape))
        committed = np.array(np.broadcast_to(flows.commitment, shape))
        whole = self.decided_flows
        for i, j, p in mine:
            row = int(rows[i])
            for amounts, basis in ((cash, "cash"), (committed, "commitment")):
                if self.decided is None:
                    as_decided = (
                        amounts[:, i, :] if whole is None else getattr(whole, basis)[:, row, :]
                    )
                    amounts[:, i, :] = expected_amounts(as_decided, p)
                else:
                    amounts[:, i, :] *= self.decided[:, j, None]
        return dataclasses.replace(flows, cash=cash, commitment=committed)


def _take_columns(values: IntArray, columns: IntArray) -> IntArray:
    """values[:, columns], a view when the columns are a run (as a table's inputs are)."""
    if len(columns) and int(columns[-1]) - int(columns[0]) == len(columns) - 1:
        return values[:, int(columns[0]) : int(columns[-1]) + 1]
    return values[:, columns]


def filled(table: YearTable, values: IntArray) -> IntArray:
    """A table's int64 (draws, rows, years) with its uncertain cells set to `values`
    (draws, cells); without uncertain cells, (1, rows, years)."""
    if not table.dists:
        return table.fixed[None]
    rows, years = table.fixed.shape
    if (
        len(table.dists) == rows * years
        and (table.cell_rows * years + table.cell_cols == np.arange(rows * years)).all()
    ):
        # Every cell uncertain, in order: the values are the table.
        return values.reshape(-1, rows, years)
    out = np.repeat(table.fixed[None], values.shape[0], axis=0)
    out[:, table.cell_rows, table.cell_cols] = values
    return out


class _Waterfall:
    """The derived shortfall of each derived top-up: its recipient's costs minus income
    minus what commitments ranked before it pay the recipient.

    Made once the commitments that derive nothing are computed (level 0): for each derived
    top-up, their payments ranked before it (a running sum over the recipient's ranked
    commitments). The derived top-ups of a recipient are ranked in level order, one per
    level, so what they paid before a level is the sum of the levels done: `add` keeps it
    per recipient.
    """

    def __init__(self, cash: IntArray, plan: Plan, values: IntArray) -> None:
        costs = filled(plan.costs, _take_columns(values, plan.cost_cells))
        self.net_need = costs - filled(plan.income, _take_columns(values, plan.income_cells))
        derived, recipient = plan.derived, plan.recipient
        involved = np.zeros(len(plan.recipients), dtype=bool)
        involved[recipient[derived]] = True
        order = plan.rank[involved[recipient[plan.rank]]]
        ranked = cash[:, order, :]
        mine = derived[order]
        ranked[:, mine, :] = 0  # not computed yet: added level by level
        running = np.cumsum(ranked, axis=1) - ranked
        group = recipient[order]
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        first_of = np.repeat(starts, np.diff(np.r_[starts, len(group)]))
        self.before = running[:, mine, :] - running[:, first_of[mine], :]
        self.slot = np.full(len(recipient), -1, dtype=np.int64)
        self.slot[order[mine]] = np.arange(int(mine.sum()))
        self.compact = np.cumsum(involved) - 1
        self.recipient = recipient
        self.derived_paid = np.zeros(
            (cash.shape[0], int(involved.sum()), cash.shape[2]), dtype=np.int64
        )

    def shortfall(self, rows: IntArray) -> IntArray:
        """int64 (draws, len(rows), years) for derived top-ups `rows` of one level."""
        at = self.compact[self.recipient[rows]]
        paid_before = self.before[:, self.slot[rows], :] + self.derived_paid[:, at, :]
        return self.net_need[:, self.recipient[rows], :] - paid_before

    def add(self, rows: IntArray, cash: IntArray) -> None:
        """Count what derived top-ups `rows` of one level pay (one per recipient)."""
        self.derived_paid[:, self.compact[self.recipient[rows]], :] += cash
