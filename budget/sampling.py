"""Drawing uncertain inputs for a simulation, and cutting a plan into chunks.

Randomness: one stream per commitment (its own uncertain inputs) and one per recipient (its
costs and income), each a numpy Generator seeded by `SeedSequence(seed, spawn_key=...)`
with the commitment's or recipient's position in the scenario. A stream draws its cells in
a fixed order (the kind's fields in order, years ascending), so a draw depends on the seed
and the scenario only: not on how the work is split into chunks.

Chunks: the commitments of a recipient with a derived top-up stay together (the waterfall
ties them); any other commitment may go alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
import numpy.typing as npt

from budget.dists import Dist, draw
from budget.engine import Block, Plan
from budget.inputs import IntArray, YearTable
from budget.kinds import KINDS

# --- drawing ----------------------------------------------------------------------------


class RandomSampler:
    """A Sampler that draws from a numpy Generator: `draws` values per distribution, as
    each distribution kind draws them (see `budget.dists`)."""

    def __init__(self, rng: np.random.Generator, draws: int) -> None:
        self.rng = rng
        self.draws = draws

    def sample(self, dists: Sequence[Dist]) -> IntArray:
        return draw(self.rng, dists, self.draws)


def stream(seed: int, owner: int, index: int) -> np.random.Generator:
    """The generator of one commitment (owner 0) or recipient (owner 1), by its position."""
    sequence = np.random.SeedSequence(seed, spawn_key=(owner, index))
    return np.random.Generator(np.random.PCG64(sequence))


@dataclass(frozen=True, slots=True)
class DrawnTable(YearTable):
    """A YearTable whose uncertain cells are already drawn: `drawn` is (draws, cells)."""

    drawn: IntArray

    def values(self, sampler: object = None) -> IntArray:
        if not self.dists:
            return self.fixed[None]
        rows, years = self.fixed.shape
        if (
            len(self.dists) == rows * years
            and (self.cell_rows * years + self.cell_cols == np.arange(rows * years)).all()
        ):
            # Every cell uncertain, in order: the draws are the table.
            return self.drawn.reshape(-1, rows, years)
        out = np.repeat(self.fixed[None], self.drawn.shape[0], axis=0)
        out[:, self.cell_rows, self.cell_cols] = self.drawn
        return out


def drawn(table: YearTable, values: IntArray) -> DrawnTable:
    return DrawnTable(
        table.fixed, table.given, table.cell_rows, table.cell_cols, table.dists, values
    )


class AlreadyDrawn:
    """The sampler handed to the engine once every uncertain cell is drawn."""

    def __init__(self, draws: int) -> None:
        self.draws = draws

    def sample(self, dists: Sequence[Dist]) -> IntArray:
        raise AssertionError("every uncertain cell should have been drawn in advance")


# --- chunks -----------------------------------------------------------------------------


def tied_groups(plan: Plan) -> list[IntArray]:
    """Commitments that must be computed together: first each recipient with a derived
    top-up, all its commitments (the waterfall ties them), then every other commitment
    alone, each in order of first appearance. (Putting the waterfalls together spares the
    other chunks the work of a waterfall; the order changes no number.)
    """
    derived = {
        int(plan.recipient[i])
        for i, c in enumerate(plan.commitments)
        if KINDS[c.kind].derives_shortfall(c.spec)
    }
    groups: dict[tuple[int, int], list[int]] = {}
    for i in range(len(plan.commitments)):
        r = int(plan.recipient[i])
        groups.setdefault((0, r) if r in derived else (1, i), []).append(i)
    ordered = sorted(groups.items(), key=lambda item: item[0][0])
    return [np.array(g, dtype=np.int64) for _, g in ordered]


def chunks(groups: list[IntArray], per_chunk: int) -> list[IntArray]:
    """Whole groups packed, in order, into chunks of about `per_chunk` commitments."""
    out: list[IntArray] = []
    current: list[IntArray] = []
    size = 0
    for g in groups:
        if current and size + len(g) > per_chunk:
            out.append(np.sort(np.concatenate(current)))
            current, size = [], 0
        current.append(g)
        size += len(g)
    if current:
        out.append(np.sort(np.concatenate(current)))
    return out


@dataclass(frozen=True, slots=True)
class Cell:
    """One uncertain input of one commitment (owner 0) or recipient (owner 1) in one year.

    field: "shortfall", "amount", "costs", "income", ...; column: the year's index in the
    plan's years; dist: its distribution.
    """

    owner: int
    index: int
    field: str
    column: int
    dist: Dist


class Cells:
    """Where each commitment's and recipient's uncertain cells are in a plan's tables, in
    the order they are drawn: the kind's fields in order (costs, then income), years
    ascending."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._known: dict[tuple[int, int], list[Cell]] = {}
        self.place: dict[int, tuple[Block, int]] = {}
        for block in plan.blocks:
            for local, i in enumerate(block.rows):
                self.place[int(i)] = (block, local)

    def of(self, owner: int, index: int) -> list[Cell]:
        key = (owner, index)
        if key not in self._known:
            self._known[key] = self._cells(owner, index)
        return self._known[key]

    def _cells(self, owner: int, index: int) -> list[Cell]:
        if owner == 0:
            block, row = self.place[index]
            tables = block.inputs
        else:
            row = index
            tables = {"costs": self.plan.costs, "income": self.plan.income}
        cells = []
        for field, table in tables.items():
            lo, hi = np.searchsorted(table.cell_rows, [row, row + 1])
            for k in range(int(lo), int(hi)):
                cells.append(Cell(owner, index, field, int(table.cell_cols[k]), table.dists[k]))
        return cells


class CellSource(Protocol):
    """Values for the uncertain cells of a commitment or recipient: per field, an int64
    array (draws, cells of that field) in the order of `Cells.of`."""

    draws: int

    def commitment(self, i: int) -> dict[str, IntArray]: ...

    def recipient(self, j: int) -> dict[str, IntArray]: ...


class Streams:
    """A CellSource drawing each commitment's and recipient's cells from its own stream."""

    def __init__(self, plan: Plan, seed: int, draws: int) -> None:
        self.cells = Cells(plan)
        self.seed, self.draws = seed, draws

    def commitment(self, i: int) -> dict[str, IntArray]:
        return self._draw(0, i)

    def recipient(self, j: int) -> dict[str, IntArray]:
        return self._draw(1, j)

    def _draw(self, owner: int, index: int) -> dict[str, IntArray]:
        cells = self.cells.of(owner, index)
        values = np.empty((self.draws, 0), dtype=np.int64)
        if cells:
            sampler = RandomSampler(stream(self.seed, owner, index), self.draws)
            values = sampler.sample([c.dist for c in cells])
        return by_field(cells, values, owner)


def by_field(cells: Sequence[Cell], values: IntArray, owner: int) -> dict[str, IntArray]:
    """Values of `cells` (draws, cells) split by field (every field present, maybe empty)."""
    fields = [c.field for c in cells]
    names = ("costs", "income") if owner == 1 else ()
    out = {name: values[:, :0] for name in names}
    for name in dict.fromkeys(fields):
        out[name] = values[:, [k for k, f in enumerate(fields) if f == name]]
    return out


def restrict(
    plan: Plan, rows: IntArray, source: CellSource
) -> tuple[Plan, IntArray, npt.NDArray[np.bool_]]:
    """The plan of some commitments (ascending) with their uncertain cells filled in.

    Also returns the scenario-wide index of each (commitment, funder) member, and which
    commitments may vary between draws: those with uncertain inputs, and derived top-ups of
    a recipient with any uncertain input (its costs, income or commitments).
    """
    pos = np.full(len(plan.recipient), -1, dtype=np.int64)
    pos[rows] = np.arange(len(rows))
    blocks = []
    varying = np.zeros(len(rows), dtype=bool)
    for block in plan.blocks:
        keep = np.flatnonzero(pos[block.rows] >= 0)
        if not len(keep):
            continue
        own = {int(k): source.commitment(int(block.rows[k])) for k in keep}
        inputs: dict[str, YearTable] = {}
        for field, table in block.inputs.items():
            part = table.subset(keep)
            if part.dists:
                none = np.zeros((source.draws, 0), dtype=np.int64)
                values = [own[int(k)].get(field, none) for k in keep]
                part = drawn(part, np.concatenate(values, axis=1))
            inputs[field] = part
        uncertain = [any(v.shape[1] for v in own[int(k)].values()) for k in keep]
        varying[pos[block.rows[keep]]] = uncertain
        specs = tuple(block.specs[int(k)] for k in keep)
        blocks.append(Block(block.kind, pos[block.rows[keep]], specs, inputs, block.level))
    recipients = np.unique(plan.recipient[rows])
    recipient = np.searchsorted(recipients, plan.recipient[rows]).astype(np.int64)
    costs, income = plan.costs.subset(recipients), plan.income.subset(recipients)
    if any(b.level > 0 for b in blocks):
        per = [source.recipient(int(j)) for j in recipients]
        if costs.dists:
            costs = drawn(costs, np.concatenate([p["costs"] for p in per], axis=1))
        if income.dists:
            income = drawn(income, np.concatenate([p["income"] for p in per], axis=1))
        shaky = np.array([p["costs"].shape[1] + p["income"].shape[1] > 0 for p in per])
        shaky[np.unique(recipient[varying])] = True
        for b in blocks:
            if b.level > 0:
                varying[b.rows] |= shaky[recipient[b.rows]]
    ranked = plan.rank[pos[plan.rank] >= 0]
    members = np.flatnonzero(pos[plan.member_commitment] >= 0)
    restricted = replace(
        plan,
        active=plan.active[rows],
        recipients=tuple(plan.recipients[int(j)] for j in recipients),
        recipient=recipient,
        rank=pos[ranked],
        blocks=tuple(blocks),
        costs=costs,
        income=income,
        member_commitment=pos[plan.member_commitment[members]],
        member_funder=plan.member_funder[members],
        member_weight=plan.member_weight[members],
        member_slot=plan.member_slot[members],
        funder_count=plan.funder_count[rows],
        paid_over_time=plan.paid_over_time[rows],
    )
    return restricted, members, varying
