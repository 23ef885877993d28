"""Drawing uncertain inputs for a simulation, and cutting a plan into chunks.

Randomness: one stream per commitment (its own uncertain inputs) and one per recipient (its
costs and income), each a numpy Generator seeded by `SeedSequence(seed, spawn_key=...)`
with the commitment's or recipient's position in the scenario. A stream draws its cells in
a fixed order (the order of `inputs.Inputs`), so a draw depends on the seed and the
scenario only: not on how the work is split into chunks.

Chunks: the commitments of a recipient with a derived top-up stay together (the waterfall
ties them); any other commitment may go alone.
"""

from __future__ import annotations

import numpy as np

from budget.core.dists import draw_by_kind
from budget.core.inputs import IntArray
from budget.engine.plan import Plan

# --- drawing ----------------------------------------------------------------------------


def stream(seed: int, owner: int, index: int) -> np.random.Generator:
    """The generator of one commitment (owner 0) or recipient (owner 1), by its position."""
    sequence = np.random.SeedSequence(seed, spawn_key=(owner, index))
    return np.random.Generator(np.random.PCG64(sequence))


def random_values(plan: Plan, seed: int, draws: int) -> IntArray:
    """`draws` random values of every input of the plan: int64 (draws, inputs), each
    owner's inputs from its own stream."""
    out = np.empty((draws, len(plan.inputs)), dtype=np.int64)
    dists = plan.inputs.dists
    for owner, index, cells in plan.inputs.owners():
        mine = cells.tolist()
        rng = stream(seed, owner, index)
        for positions, values in draw_by_kind(rng, [dists[i] for i in mine], draws):
            _put_columns(out, cells[positions], values)
    return out


def _put_columns(out: IntArray, columns: IntArray, values: IntArray) -> None:
    """out[:, columns] = values (int64), a run of adjacent columns at a time (an owner's
    inputs are a run or a few). Each draw's run is copied as one item of its bytes
    (a numpy void view): many times faster than picked columns, twice as fast as a
    slice of a few numbers a row."""
    if int(columns[-1]) - int(columns[0]) == len(columns) - 1 and (np.diff(columns) == 1).all():
        runs = [(0, len(columns))]
    else:
        breaks = np.flatnonzero(np.diff(columns) != 1) + 1
        runs = list(zip([0, *breaks.tolist()], [*breaks.tolist(), len(columns)], strict=True))
    for a, b in runs:
        first = int(columns[a])
        run = np.dtype((np.void, (b - a) * out.itemsize))
        target = out[:, first : first + b - a]
        source = np.ascontiguousarray(values[:, a:b])
        target.view(run)[:, 0] = source.view(run)[:, 0]


# --- chunks -----------------------------------------------------------------------------


def tied_groups(plan: Plan) -> list[IntArray]:
    """Commitments that must be computed together: first each recipient with a derived
    top-up, all its commitments (the waterfall ties them), then every other commitment
    alone, each in order of first appearance. (Putting the waterfalls together spares the
    other chunks the work of a waterfall; the order changes no number.)
    """
    derived = set(plan.recipient[plan.derived].tolist())
    groups: dict[tuple[int, int], list[int]] = {}
    for i in range(len(plan.recipient)):
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
