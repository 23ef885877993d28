"""Projection: every commitment kind over arrays, the recipient waterfall, funder splits.

`compile_plan` turns a Scenario into arrays once; `compute` runs the kinds over
(draws, commitments, years) arrays for any sampler (central values for a projection,
random draws for a simulation); `project` gives the tidy DataFrame of one projection.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.inputs import ByYearColumn, Inputs, YearTable
from budget.core.memory import reuse_freed_memory
from budget.core.model import BASES, Basis, Commitment, Scenario
from budget.core.money import share_weights
from budget.engine.funder_split import funder_sums, members_of, split_commitments, split_funders
from budget.kinds import KINDS, Kind
from budget.kinds.base import Columns, take, year_span_mask
from budget.kinds.table import CommitmentTable, commitment_table

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

COLUMNS = ["scenario", "commitment", "recipient", "funder", "kind", "basis", "year", "amount_cents"]


@dataclass(frozen=True, slots=True)
class Block:
    """Commitments of one kind that are computed together.

    rows: their indices in the scenario; level: 0 when they depend on nothing, d + 1 for
    top-ups whose shortfall is derived after d earlier derived top-ups of their recipient.
    """

    kind: Kind
    rows: IntArray
    columns: Columns
    inputs: dict[str, YearTable]
    level: int
    cells: dict[str, IntArray]

    def subset(self, keep: IntArray, rows: IntArray, moved: IntArray) -> Block:
        """The block of some of its commitments (`keep`, ascending, local indices), now at
        `rows` of the new plan; `moved` maps the plan's inputs to the new plan's (-1: gone)."""
        inputs, cells = {}, {}
        for field, table in self.inputs.items():
            position = np.full(len(self.rows), -1, dtype=np.int64)
            position[keep] = 0
            inputs[field] = table.subset(keep)
            cells[field] = moved[self.cells[field][position[table.cell_rows] >= 0]]
        return Block(self.kind, rows, take(self.columns, keep), inputs, self.level, cells)


@dataclass(frozen=True, slots=True)
class Plan:
    """A scenario as arrays.

    years: the fiscal years of every commitment's span and of the horizon, in order.
    active: (commitments, years), the years of each commitment's span.
    recipient: (commitments,) index into `recipients`; rank: commitments in payment order
    (recipient, priority, appearance); costs, income: per-recipient YearTables.
    member_*: one entry per (commitment, funder), in listed order.
    paid_over_time: commitments recorded up front and paid over years (their cash is split
    over funders cumulatively, see `split_funders`).
    derived: top-ups whose shortfall the engine derives from their recipient.
    position: each commitment's position in the scenario (a subset keeps only some).
    kind_of: each commitment's kind, as its place in KINDS; ids: the scenario's commitment
    ids (all of them, like `commitments`).
    inputs: the uncertain inputs (see Inputs); cost_cells, income_cells: the positions in
    `inputs` of the uncertain cells of `costs` and `income`, in their order.
    """

    scenario: Scenario
    years: IntArray
    active: BoolArray
    recipients: tuple[str, ...]
    recipient: IntArray
    rank: IntArray
    blocks: tuple[Block, ...]
    costs: YearTable
    income: YearTable
    funders: tuple[str, ...]
    member_commitment: IntArray
    member_funder: IntArray
    member_weight: IntArray
    member_slot: IntArray
    funder_count: IntArray
    paid_over_time: BoolArray
    derived: BoolArray
    position: IntArray
    inputs: Inputs
    cost_cells: IntArray
    income_cells: IntArray
    kind_of: IntArray
    ids: tuple[str, ...]

    @property
    def commitments(self) -> tuple[Commitment, ...]:
        """The scenario's commitments (all of them, also for a subset: see `position`)."""
        return self.scenario.commitments

    def subset(self, rows: IntArray) -> Plan:
        """The plan of some commitments (`rows`, ascending), with the inputs of those
        commitments and of their recipients. Commitments whose shortfall is derived need
        every commitment of their recipient ranked before them (see `tied_groups`)."""
        rows = np.asarray(rows, dtype=np.int64)
        pos = np.full(len(self.recipient), -1, dtype=np.int64)
        pos[rows] = np.arange(len(rows))
        recipients = np.unique(self.recipient[rows])
        recipient_pos = np.full(len(self.recipients), -1, dtype=np.int64)
        recipient_pos[recipients] = np.arange(len(recipients))
        owner, index = self.inputs.owner, self.inputs.index
        # Inputs name their owners by scenario position; this plan may hold only some.
        ours = owner == 0
        kept = np.zeros(len(owner), dtype=bool)
        kept[ours] = pos[np.searchsorted(self.position, index[ours])] >= 0
        theirs = np.searchsorted(self.recipients_index(), index[~ours])
        kept[~ours] = recipient_pos[theirs] >= 0
        moved = np.full(len(self.inputs), -1, dtype=np.int64)
        moved[kept] = np.arange(int(kept.sum()))
        blocks = []
        for block in self.blocks:
            keep = np.flatnonzero(pos[block.rows] >= 0)
            if len(keep):
                blocks.append(block.subset(keep, pos[block.rows[keep]], moved))
        ranked = self.rank[pos[self.rank] >= 0]
        members = np.flatnonzero(pos[self.member_commitment] >= 0)

        def recipient_table(table: YearTable, cells: IntArray) -> tuple[YearTable, IntArray]:
            keep = recipient_pos[table.cell_rows] >= 0
            return table.subset(recipients), moved[cells[keep]]

        costs, cost_cells = recipient_table(self.costs, self.cost_cells)
        income, income_cells = recipient_table(self.income, self.income_cells)
        return Plan(
            scenario=self.scenario,
            years=self.years,
            active=self.active[rows],
            recipients=tuple(self.recipients[int(j)] for j in recipients),
            recipient=recipient_pos[self.recipient[rows]],
            rank=pos[ranked],
            blocks=tuple(blocks),
            costs=costs,
            income=income,
            funders=self.funders,
            member_commitment=pos[self.member_commitment[members]],
            member_funder=self.member_funder[members],
            member_weight=self.member_weight[members],
            member_slot=self.member_slot[members],
            funder_count=self.funder_count[rows],
            paid_over_time=self.paid_over_time[rows],
            derived=self.derived[rows],
            position=self.position[rows],
            inputs=self.inputs.take(np.flatnonzero(kept)),
            cost_cells=cost_cells,
            income_cells=income_cells,
            kind_of=self.kind_of[rows],
            ids=self.ids,
        )

    def varying(self) -> BoolArray:
        """Which commitments may pay differently from one draw to another: those with
        uncertain inputs, and derived top-ups of a recipient with an uncertain input (its
        costs or income, or a commitment to it)."""
        own = np.zeros(len(self.recipient), dtype=bool)
        owner, index = self.inputs.owner, self.inputs.index
        own[np.searchsorted(self.position, index[owner == 0])] = True
        shaky = np.zeros(len(self.recipients), dtype=bool)
        shaky[np.searchsorted(self.recipients_index(), index[owner == 1])] = True
        shaky[self.recipient[own]] = True
        return own | (self.derived & shaky[self.recipient])

    def recipients_index(self) -> IntArray:
        """Each recipient's position in the scenario."""
        order = {key: i for i, key in enumerate(self.scenario.recipients)}
        return np.array([order[key] for key in self.recipients], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Result:
    """What each commitment pays: int64 (draws, commitments, years) per basis, and where a
    cap bound (bool, same shape; False for kinds without a cap)."""

    cash: IntArray
    commitment: IntArray
    binds: BoolArray
    has_cap: BoolArray


def compile_plan(scenario: Scenario) -> Plan:
    """The scenario as arrays, ready for `compute` (any number of times). Reads the
    scenario's columns (`commitment_table`, built when it was loaded)."""
    table = commitment_table(scenario)
    n = len(table)
    kinds = list(KINDS.values())
    kind_of, recipient = table.kind, table.recipient
    spans = table.spans(scenario.calendar)
    derived = np.zeros(n, dtype=bool)
    for kind, rows, columns in zip(kinds, table.rows, table.columns, strict=True):
        if len(rows):
            derived[rows] = kind.derived(columns)
    lo = min(int(spans[:, 0].min()) if n else scenario.first_year, scenario.first_year)
    hi = max(int(spans[:, 1].max()) if n else scenario.last_year, scenario.last_year)
    years = np.arange(lo, hi + 1, dtype=np.int64)
    active = year_span_mask(spans[:, 0], spans[:, 1], years)

    recipients = tuple(scenario.recipients)
    rank = np.lexsort((np.arange(n), table.priority, recipient)).astype(np.int64)

    # Derived top-ups depend on what is paid before them: number them within recipients.
    # Ranked by recipient first, so each recipient's derived top-ups are a run: 1, 2, ...
    level = np.zeros(n, dtype=np.int64)
    ranked = rank[derived[rank]]
    group = recipient[ranked]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(ranked) else _NONE
    runs = np.diff(np.r_[starts, len(ranked)])
    level[ranked] = np.arange(1, len(ranked) + 1) - np.repeat(starts, runs)

    blocks = []
    for kind, rows_k, columns_k in zip(kinds, table.rows, table.columns, strict=True):
        levels = level[rows_k]
        for lv in np.unique(levels):
            picked = np.flatnonzero(levels == lv)
            rows = rows_k[picked]
            columns = columns_k if len(picked) == len(rows_k) else take(columns_k, picked)
            inputs = {
                field: columns[field].table(years, active[rows]) for field in kind.year_inputs
            }
            blocks.append(Block(kind, rows, columns, inputs, int(lv), {}))
    blocks.sort(key=lambda block: block.level)

    everywhere = np.ones((len(recipients), len(years)), dtype=bool)
    people = scenario.recipients.values()
    costs = ByYearColumn.of([r.costs for r in people]).table(years, everywhere)
    income = ByYearColumn.of([r.income for r in people]).table(years, everywhere)
    uncertain, cells = _inputs(blocks, costs, income)
    blocks = [
        Block(b.kind, b.rows, b.columns, b.inputs, b.level, c)
        for b, c in zip(blocks, cells[:-2], strict=True)
    ]
    funders = tuple(scenario.funders)
    return Plan(
        scenario,
        years,
        active,
        recipients,
        recipient,
        rank,
        tuple(blocks),
        costs,
        income,
        funders,
        *_members(table, funders),
        np.array([k.commits_up_front for k in kinds], dtype=bool)[kind_of],
        derived,
        np.arange(n, dtype=np.int64),
        uncertain,
        cells[-2]["costs"],
        cells[-1]["income"],
        kind_of,
        table.ids,
    )


_NONE = np.zeros(0, dtype=np.int64)


def _inputs(
    blocks: list[Block], costs: YearTable, income: YearTable
) -> tuple[Inputs, list[dict[str, IntArray]]]:
    """Every uncertain cell of the blocks and the recipients' tables, in the order of
    Inputs, and where each table's cells went (per block, then costs, then income)."""
    tables: list[tuple[int, IntArray, dict[str, YearTable]]] = [
        (0, b.rows, b.inputs) for b in blocks
    ]
    every = np.arange(len(costs.given), dtype=np.int64)
    tables += [(1, every, {"costs": costs}), (1, every, {"income": income})]
    field_order = {"costs": 0, "income": 1}
    for b in blocks:
        field_order.update({f: i for i, f in enumerate(b.kind.year_inputs)})
    parts: list[tuple[int, IntArray, str, YearTable]] = [
        (owner, rows, field, table)
        for owner, rows, by_field in tables
        for field, table in by_field.items()
    ]
    owner = np.concatenate([np.full(len(t.dists), o, np.int64) for o, _, _, t in parts] or [_NONE])
    index = np.concatenate([r[t.cell_rows] for _, r, _, t in parts] or [_NONE]).astype(np.int64)
    order_of = np.concatenate(
        [np.full(len(t.dists), field_order[f], np.int64) for _, _, f, t in parts] or [_NONE]
    )
    column = np.concatenate([t.cell_cols for _, _, _, t in parts] or [_NONE]).astype(np.int64)
    dists = [d for _, _, _, t in parts for d in t.dists]
    fields = tuple(f for _, _, f, t in parts for _ in range(len(t.dists)))
    cells: list[dict[str, IntArray]] = []
    start = 0
    for _, _, by_field in tables:
        mine: dict[str, IntArray] = {}
        for field, table in by_field.items():
            mine[field] = np.arange(start, start + len(table.dists), dtype=np.int64)
            start += len(table.dists)
        cells.append(mine)
    origin = np.arange(len(dists), dtype=np.int64)
    return Inputs(owner, index, fields, column, tuple(dists), origin, order_of), cells


def _members(
    table: CommitmentTable, funders: tuple[str, ...]
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """One entry per (commitment, funder): commitment, funder, weight, slot; and counts.
    Each distinct split is worked out once."""
    fun_index = {key: i for i, key in enumerate(funders)}
    splits = table.splits
    widest = max((len(split) for split in splits), default=1)
    funder_table = np.zeros((len(splits), widest), dtype=np.int64)
    weight_table = np.zeros((len(splits), widest), dtype=np.int64)
    sizes = np.zeros(len(splits), dtype=np.int64)
    for d, split in enumerate(splits):
        sizes[d] = len(split)
        funder_table[d, : len(split)] = [fun_index[key] for key, _ in split]
        weight_table[d, : len(split)] = share_weights([share for _, share in split])
    count = sizes[table.split]
    member_commitment = np.repeat(np.arange(len(table), dtype=np.int64), count)
    starts = np.cumsum(count) - count
    slot = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(starts, count)
    which = table.split[member_commitment]
    return (member_commitment, funder_table[which, slot], weight_table[which, slot], slot, count)


def compute(plan: Plan, values: IntArray | None = None) -> Result:
    """What every commitment pays, per draw. Pure: the same plan and values, the same result.

    values: int64 (draws, inputs), a value for each of `plan.inputs` in each draw; by
    default their central values (one draw: a projection).
    """
    if values is None:
        values = plan.inputs.central()
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


def project(scenario: Scenario) -> pd.DataFrame:
    """The tidy rows of one projection (central values for uncertain inputs).

    One row per commitment, funder, basis and fiscal year of the commitment's span, zero
    amounts included, with the columns of COLUMNS (`amount_cents` is int64).
    """
    reuse_freed_memory()
    plan = compile_plan(scenario)
    return tidy(plan, compute(plan))


def tidy(plan: Plan, result: Result, draw: int = 0) -> pd.DataFrame:
    """One draw of a result as tidy rows, ordered by commitment, funder, basis and year.

    Text columns are categoricals: a million rows name only a few commitments and funders.
    """
    # One draw: (commitments, years, 1), the layout of the split (see funder_split).
    cash = split_commitments(result.cash[draw][..., None], plan, Basis.CASH)[..., 0]
    # Kinds that do not commit up front commit each year what they pay that year, so their
    # split is the same on both bases; only the others are split again.
    committed = cash.copy()
    recorded = np.flatnonzero(plan.paid_over_time)
    if len(recorded):
        own = result.commitment[draw, recorded][..., None]
        parts = split_commitments(own, plan, Basis.COMMITMENT, recorded)
        committed[members_of(plan, recorded)] = parts[..., 0]
    # Rows run by member (commitment, funder), then basis (as BASES), then year: each
    # member's active years once on the commitment basis, then once on the cash basis.
    # A member's n active cells, the a-th to (a+n-1)-th of all, are rows a + s .. a + s + n - 1
    # on the commitment basis and n rows later on the cash basis, where s is the number of
    # active cells of the members before it. The labels of a member are the same on each
    # of its rows, so they are repeated, in small integers.
    active = plan.active[plan.member_commitment]
    cells = np.flatnonzero(active)
    per_member = np.count_nonzero(active, axis=1)
    before = np.cumsum(per_member) - per_member
    at = np.arange(len(cells)) + np.repeat(before, per_member)
    rows = 2 * len(cells)
    amounts = np.empty(rows, dtype=np.int64)
    years = np.empty(rows, dtype=np.int64)
    year = plan.years[cells % len(plan.years)]
    basis = np.zeros(rows, dtype=np.int8)
    amounts[at] = committed.reshape(-1)[cells]
    years[at] = year
    at += np.repeat(per_member, per_member)  # now the rows on the cash basis
    amounts[at] = cash.reshape(-1)[cells]
    years[at] = year
    basis[at] = 1
    commitment = plan.member_commitment

    def labels(
        codes: npt.NDArray[np.integer[Any]], names: tuple[str, ...], repeated: bool = True
    ) -> Any:
        small: Any = codes.astype(_code_type(len(names)), copy=False)
        if repeated:
            small = np.repeat(small, 2 * per_member)
        return pd.Categorical.from_codes(small, dtype=_categories(names), validate=False)

    # The arrays are this function's own, so the frame may take them without copying.
    return pd.DataFrame(
        {
            "scenario": labels(np.zeros(rows, dtype=np.int64), (plan.scenario.name,), False),
            "commitment": labels(commitment, plan.ids),
            "recipient": labels(plan.recipient[commitment], plan.recipients),
            "funder": labels(plan.member_funder, plan.funders),
            "kind": labels(plan.kind_of[commitment], tuple(KINDS)),
            "basis": labels(basis, tuple(BASES), False),
            "year": years,
            "amount_cents": amounts,
        },
        copy=False,
    )


def _code_type(names: int) -> type[np.signedinteger[Any]]:
    """The integer type pandas keeps a categorical's codes in (so it makes no copy)."""
    return np.int8 if names < 127 else np.int16 if names < 32_767 else np.int32


@functools.lru_cache(maxsize=16)
def _categories(names: tuple[str, ...]) -> pd.CategoricalDtype:
    """The categorical dtype of some names, made once per set of names: checking that a
    hundred thousand commitment ids are distinct takes longer than the rest of a column."""
    return pd.CategoricalDtype(pd.Index(names, dtype=object))


def funder_totals(plan: Plan, result: Result) -> dict[str, IntArray]:
    """Per basis, each funder's total per draw and year: int64 (draws, funders, years)."""
    totals: dict[str, IntArray] = {}
    for basis, amounts in ((Basis.COMMITMENT, result.commitment), (Basis.CASH, result.cash)):
        out = np.zeros((amounts.shape[0], len(plan.funders), amounts.shape[2]), dtype=np.int64)
        for f, total in funder_sums(split_funders(amounts, plan, basis), plan).items():
            out[:, f, :] = total
        totals[basis] = out
    return totals
