"""The plan: a scenario as arrays, compiled once and computed any number of times.

`compile_plan` reads the scenario's columns into a Plan: the fiscal years, each
commitment's active years, its recipient and rank in the recipient's waterfall, its funders
(the members), and its kind's Block with the year tables of the kind's inputs; the
uncertain cells of all of them are the plan's `inputs`, which `compute.compute` fills.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from budget.core.inputs import ByYearColumn, Inputs, YearTable
from budget.core.model import Commitment, Scenario, column_of_field
from budget.core.money import share_weights
from budget.kinds import KINDS, Kind
from budget.kinds.base import Columns, take, year_span_mask
from budget.kinds.table import CommitmentTable, commitment_table

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


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
    over funders cumulatively, see `funder_split.split_commitments`).
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
    # Pending commitments (issue 23): (row, p) of each, counted at p unless a
    # simulation draws their decisions (budget.engine.pending).
    pending: tuple[tuple[int, Fraction], ...] = ()
    # settled: grants with a settlement (their release is split over funders cumulatively).
    settled: BoolArray | None = None

    @property
    def commitments(self) -> Sequence[Commitment]:
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
            pending=tuple((int(pos[r]), p) for r, p in self.pending if pos[r] >= 0),
            settled=None if self.settled is None else self.settled[rows],
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


def compile_plan(scenario: Scenario) -> Plan:
    """The scenario as arrays, ready for `compute.compute` (any number of times). Reads the
    scenario's columns (`commitment_table`, built when it was loaded)."""
    table = commitment_table(scenario)
    n = len(table)
    kinds = list(KINDS.values())
    kind_of, recipient = table.kind, table.recipient
    spans = table.spans(scenario.calendar)
    derived = np.zeros(n, dtype=bool)
    settled = np.zeros(n, dtype=bool)
    for kind, rows, columns in zip(kinds, table.rows, table.columns, strict=True):
        if len(rows):
            derived[rows] = kind.derived(columns)
            if "settled_year" in columns:
                settled[rows] = columns["settled_year"] >= 0
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
            blocks.append(Block(kind, rows, columns, inputs, level=int(lv), cells={}))
    blocks.sort(key=lambda block: block.level)

    everywhere = np.ones((len(recipients), len(years)), dtype=bool)
    people = scenario.recipients.values()
    costs = ByYearColumn.of([r.costs for r in people]).table(years, everywhere)
    income = ByYearColumn.of([r.income for r in people]).table(years, everywhere)
    uncertain, cells = _inputs(blocks, costs, income)
    blocks = [
        dataclasses.replace(block, cells=mine)
        for block, mine in zip(blocks, cells[:-2], strict=True)
    ]
    funders = tuple(scenario.funders)
    members = _members(table, funders)
    return Plan(
        scenario=scenario,
        years=years,
        active=active,
        recipients=recipients,
        recipient=recipient,
        rank=rank,
        blocks=tuple(blocks),
        costs=costs,
        income=income,
        funders=funders,
        member_commitment=members.commitment,
        member_funder=members.funder,
        member_weight=members.weight,
        member_slot=members.slot,
        funder_count=members.count,
        paid_over_time=np.array([k.commits_up_front for k in kinds], dtype=bool)[kind_of],
        derived=derived,
        position=np.arange(n, dtype=np.int64),
        inputs=uncertain,
        cost_cells=cells[-2]["costs"],
        income_cells=cells[-1]["income"],
        kind_of=kind_of,
        ids=table.ids,
        pending=tuple(
            (i, p.p)
            for i, p in enumerate(column_of_field(scenario.commitments, "pending"))
            if p is not None
        ),
        settled=settled,
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


@dataclass(frozen=True, slots=True)
class _Members:
    """The members of a plan: one entry per (commitment, funder), in listed order.

    commitment, funder: their indices; weight: the funder's share as a weight (see
    `money.share_weights`); slot: the funder's place in its commitment's split;
    count: (commitments,) how many funders each commitment has.
    """

    commitment: IntArray
    funder: IntArray
    weight: IntArray
    slot: IntArray
    count: IntArray


def _members(table: CommitmentTable, funders: tuple[str, ...]) -> _Members:
    """The members of every commitment. Each distinct split is worked out once."""
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
    return _Members(
        commitment=member_commitment,
        funder=funder_table[which, slot],
        weight=weight_table[which, slot],
        slot=slot,
        count=count,
    )
